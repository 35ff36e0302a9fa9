package splunk

import (
	"context"
	"os"
	"strings"
	"testing"
)

// FuzzDecodeExport: any export body gives rows or an error, never a panic, and a Frame
// flagged partial always holds at least one row.
func FuzzDecodeExport(f *testing.F) {
	for _, name := range []string{"testdata/export.json", "testdata/fatal.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"preview":false,"result":{"a":["x",{"b":1}]}}{"result":{}}`)
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := decodeExport(context.Background(), strings.NewReader(s))
		if err != nil {
			return
		}
		if fr.Partial() != nil && fr.Len() == 0 && fr.NumCols() > 0 {
			t.Fatalf("%q: partial with no rows", s)
		}
	})
}
