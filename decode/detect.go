package decode

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// File types reported in Item.FileType (by magic bytes, then by content).
const (
	TypeText    = "text"
	TypeBinary  = "binary"
	TypeGzip    = "gzip"
	TypeZlib    = "zlib"
	TypeZip     = "zip"
	TypeTar     = "tar"
	TypePE      = "pe"
	TypeELF     = "elf"
	TypeMachO   = "macho"
	TypePDF     = "pdf"
	TypeOLE     = "ole" // MS Office 97-2003 documents, MSI
	Type7z      = "7z"
	TypeRar     = "rar"
	TypeBzip2   = "bzip2"
	TypeXz      = "xz"
	TypePNG     = "png"
	TypeJPEG    = "jpeg"
	TypeGIF     = "gif"
	TypeClass   = "java-class"
	TypeWasm    = "wasm"
	TypeRTF     = "rtf"
	TypeLNK     = "lnk"
	TypeCAB     = "cab"
	TypeWIM     = "wim"
	TypeUnknown = ""
)

var magics = []struct {
	off   int
	magic string
	typ   string
}{
	{0, "\x1f\x8b\x08", TypeGzip},
	{0, "PK\x03\x04", TypeZip},
	{0, "PK\x05\x06", TypeZip},
	{257, "ustar", TypeTar},
	{0, "MZ", TypePE},
	{0, "\x7fELF", TypeELF},
	{0, "\xcf\xfa\xed\xfe", TypeMachO},
	{0, "\xce\xfa\xed\xfe", TypeMachO},
	{0, "\xfe\xed\xfa\xcf", TypeMachO},
	{0, "%PDF-", TypePDF},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", TypeOLE},
	{0, "7z\xbc\xaf\x27\x1c", Type7z},
	{0, "Rar!\x1a\x07", TypeRar},
	{0, "BZh", TypeBzip2},
	{0, "\xfd7zXZ\x00", TypeXz},
	{0, "\x89PNG\r\n\x1a\n", TypePNG},
	{0, "\xff\xd8\xff", TypeJPEG},
	{0, "GIF87a", TypeGIF},
	{0, "GIF89a", TypeGIF},
	{0, "\xca\xfe\xba\xbe", TypeClass},
	{0, "\x00asm", TypeWasm},
	{0, "{\\rtf", TypeRTF},
	{0, "L\x00\x00\x00\x01\x14\x02\x00", TypeLNK},
	{0, "MSCF", TypeCAB},
	{0, "MSWIM\x00\x00\x00", TypeWIM},
}

// Magic returns the file type of data from its leading bytes ("" when unknown). zlib streams
// are recognised by their two-byte header and its checksum.
func Magic(data []byte) string {
	if len(data) == 0 {
		return TypeUnknown
	}
	for _, k := range magicByFirst[data[0]] {
		m := magics[k]
		if len(data) >= m.off+len(m.magic) && string(data[m.off:m.off+len(m.magic)]) == m.magic {
			if m.typ == TypeBzip2 && (len(data) < 4 || data[3] < '1' || data[3] > '9') {
				continue
			}
			return m.typ
		}
	}
	if isZlibHeader(data) {
		return TypeZlib
	}
	return TypeUnknown
}

// magicByFirst indexes the magics by their first byte (tar, at offset 257, is under every byte).
var magicByFirst [256][]int

func init() {
	for k, m := range magics {
		if m.off == 0 {
			magicByFirst[m.magic[0]] = append(magicByFirst[m.magic[0]], k)
			continue
		}
		for b := range magicByFirst {
			magicByFirst[b] = append(magicByFirst[b], k)
		}
	}
}

func isZlibHeader(b []byte) bool {
	if len(b) < 6 {
		return false
	}
	cmf, flg := b[0], b[1]
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0 && flg&0x20 == 0
}

// Charsets reported in Item.Charset.
const (
	CharsetUTF8    = "utf-8"
	CharsetUTF16LE = "utf-16le"
	CharsetUTF16BE = "utf-16be"
	CharsetBinary  = "binary"
)

// textCharset decides, without allocating, whether data is text and in which charset. UTF-16
// is recognised by its content (a byte order mark, or zero high bytes on most characters, as
// in PowerShell -EncodedCommand payloads), never assumed.
func textCharset(data []byte) (string, bool) {
	if len(data) == 0 {
		return CharsetBinary, false
	}
	if len(data) >= 2 && len(data)%2 == 0 {
		switch {
		case data[0] == 0xff && data[1] == 0xfe:
			if utf16Printable(data[2:], false) {
				return CharsetUTF16LE, true
			}
		case data[0] == 0xfe && data[1] == 0xff:
			if utf16Printable(data[2:], true) {
				return CharsetUTF16BE, true
			}
		default:
			if looksUTF16LE(data) && utf16Printable(data, false) {
				return CharsetUTF16LE, true
			}
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) || !printable(data) {
		return CharsetBinary, false
	}
	return CharsetUTF8, true
}

// isText reports whether data is text (see textCharset).
func isText(data []byte) bool {
	_, ok := textCharset(data)
	return ok
}

// asText decides whether data is text and returns it as a Go string (see textCharset).
func asText(data []byte) (string, string, bool) {
	cs, ok := textCharset(data)
	switch {
	case !ok:
		return "", CharsetBinary, false
	case cs == CharsetUTF8:
		return string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), cs, true
	case cs == CharsetUTF16BE:
		return utf16String(data[2:], true), cs, true
	case data[0] == 0xff && data[1] == 0xfe:
		return utf16String(data[2:], false), cs, true
	}
	return utf16String(data, false), cs, true
}

// utf16Printable applies the printable rule to UTF-16 code units.
func utf16Printable(b []byte, bigEndian bool) bool {
	bad, n := 0, len(b)/2
	for i := 0; i+1 < len(b); i += 2 {
		var u uint16
		if bigEndian {
			u = uint16(b[i])<<8 | uint16(b[i+1])
		} else {
			u = uint16(b[i]) | uint16(b[i+1])<<8
		}
		if u < 0x20 {
			switch u {
			case '\t', '\n', '\r', '\f':
				continue
			case 0:
				return false
			}
			bad++
		} else if u == 0x7f || u == 0xfffe || u == 0xffff {
			bad++
		}
	}
	return bad*20 <= n
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return string(utf16.Decode(u))
}

// looksUTF16LE: at least 4 bytes, and at least 90% of the odd bytes are zero.
func looksUTF16LE(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	zeros := 0
	for i := 1; i < len(b); i += 2 {
		if b[i] == 0 {
			zeros++
		}
	}
	return zeros*10 >= (len(b)/2)*9
}

// printable: no NUL, and at most 5% control characters other than tab, CR, LF, FF.
func printable(b []byte) bool {
	bad := 0
	for _, c := range b {
		if c < 0x20 {
			switch c {
			case '\t', '\n', '\r', '\f':
				continue
			case 0:
				return false
			}
			bad++
		} else if c == 0x7f {
			bad++
		}
	}
	return bad*20 <= len(b)
}
