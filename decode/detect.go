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
	for _, m := range magics {
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

// asText decides whether data is text and returns it as a Go string. UTF-16 is recognised by
// its content (a byte order mark, or zero high bytes on most characters, as in PowerShell
// -EncodedCommand payloads), never assumed.
func asText(data []byte) (string, string, bool) {
	if len(data) == 0 {
		return "", CharsetBinary, false
	}
	if len(data) >= 2 && len(data)%2 == 0 {
		switch {
		case data[0] == 0xff && data[1] == 0xfe:
			if s, ok := utf16Text(data[2:], false); ok {
				return s, CharsetUTF16LE, true
			}
		case data[0] == 0xfe && data[1] == 0xff:
			if s, ok := utf16Text(data[2:], true); ok {
				return s, CharsetUTF16BE, true
			}
		default:
			if looksUTF16LE(data) {
				if s, ok := utf16Text(data, false); ok {
					return s, CharsetUTF16LE, true
				}
			}
		}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data = data[3:]
	}
	if !utf8.Valid(data) {
		return "", CharsetBinary, false
	}
	if !printable(data) {
		return "", CharsetBinary, false
	}
	return string(data), CharsetUTF8, true
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

func utf16Text(b []byte, bigEndian bool) (string, bool) {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	s := string(utf16.Decode(u))
	if !printable([]byte(s)) {
		return "", false
	}
	return s, true
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
