package decode

import (
	"encoding/base64"
	"strings"
	"testing"
)

// fuzzOpts keep one fuzz input's work and memory small.
var fuzzOpts = []Option{WithMaxSize(4<<20, 2<<20), WithMaxItems(200), WithMaxDepth(6)}

func checkResult(t *testing.T, in string, r *Result) {
	t.Helper()
	for _, it := range r.Items {
		if it.Size != len(it.Data) || it.Depth != strings.Count(it.Reference, ".")+1 {
			t.Fatalf("inconsistent item %+v", it.Reference)
		}
		if it.Depth == 1 && (it.Start < 0 || it.End > len(in) || in[it.Start:it.End] != it.Original) {
			t.Fatalf("item %s: span %d:%d does not hold Original", it.Reference, it.Start, it.End)
		}
	}
	if len(r.Items) == 0 && r.Text != in {
		t.Fatalf("text changed without items")
	}
}

// FuzzDecode feeds arbitrary text.
func FuzzDecode(f *testing.F) {
	f.Add("powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=")
	f.Add("x H4sIAAAAAAAA/8tIzcnJBwCGphA2BQAAAA== y")
	f.Add("payload=68656c6c6f20776f726c6421")
	f.Add("UEsDBBQAAAAIAOpjmk2ljLVQrQAAAPYAAAAKAAAAZGxsZW5jLnR4dG2PywqCQABF\nAwADABcBAADhAQAAAAA=")
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := Decode(s, fuzzOpts...)
		checkResult(t, s, r)
	})
}

// FuzzDecodeBinary feeds arbitrary bytes as a base64 payload, so that they reach the
// magic-byte detection and the gzip, zlib, zip and tar readers.
func FuzzDecodeBinary(f *testing.F) {
	f.Add(gz([]byte("hello gzip"), "n"))
	f.Add(zl([]byte("hello zlib")))
	f.Add(zipOf(map[string][]byte{"a.txt": []byte("hello zip member text")}, "a.txt"))
	f.Add(tarOf(map[string][]byte{"a.txt": []byte("hello tar member text")}, "a.txt"))
	f.Add([]byte("MZ\x90\x00binary"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := "blob " + base64.StdEncoding.EncodeToString(append([]byte("PK\x03\x04"), data...)) + " end"
		r, _ := Decode(in, fuzzOpts...)
		checkResult(t, in, r)
		in = "blob " + base64.StdEncoding.EncodeToString(data) + " end"
		r, _ = Decode(in, fuzzOpts...)
		checkResult(t, in, r)
		_, _ = Inflate(data, 1<<20)
		_ = Magic(data)
		_, _, _ = asText(data)
	})
}
