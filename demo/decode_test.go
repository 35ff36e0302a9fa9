package demo

import (
	"encoding/base64"
	"testing"
	"unicode/utf16"
)

func decodeUTF16B64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64: %v", err)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

func TestEncodePS(t *testing.T) {
	for _, s := range []string{"", "Get-Process", "IEX 'ünïcode'"} {
		if got := decodeUTF16B64(t, encodePS(s)); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
}
