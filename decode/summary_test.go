package decode

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// Corrupt zlib data is reported as corrupt, not as refused by the limits (issue 11).
func TestSummaryTellsCorruptFromLimits(t *testing.T) {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte(strings.Repeat("hello world ", 50)))
	zw.Close()
	z := buf.Bytes()
	z[10] ^= 0xff
	z[20] ^= 0x55
	res, err := Decode("payload " + base64.StdEncoding.EncodeToString(z))
	if err == nil || len(res.Errors) == 0 {
		t.Fatalf("corrupt zlib decoded without error: %v %+v", err, res.Errors)
	}
	if !errors.Is(res.Errors[0], ErrCorrupt) {
		t.Fatalf("error %v is not ErrCorrupt", res.Errors[0])
	}
	if got, want := Summary(res.Errors, "payloads"), "1 payloads corrupt (not valid compressed data or archive)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	mixed := []error{&LimitError{Ref: "1", Err: ErrRatio}, &LimitError{Ref: "2", Err: ErrCorrupt}}
	if got, want := Summary(mixed, "payloads"), "1 payloads corrupt (not valid compressed data or archive) and 1 refused or cut short by the decoding limits"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := SummaryOf([]string{"", "decode item 3: ratio 900:1 over limit 200:1"}, "items"), "1 items refused or cut short by the decoding limits"; got != want {
		t.Errorf("SummaryOf = %q, want %q", got, want)
	}
}
