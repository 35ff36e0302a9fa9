package localfeed_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/ti"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGoldenResultFrame pins the result frame (every column but RawResult, whose sources
// carry local paths) for a fixed set of lookups against the test feeds.
func TestGoldenResultFrame(t *testing.T) {
	c := client(t, "testdata/feed.csv", "testdata/list.txt", "testdata/misp", "testdata/bundle.json")
	f, err := c.Lookup(t.Context(), []ti.Item{{Value: "185.220.101.4"}, {Value: "45.77.65.211"}, {Value: "pivy[.]example[.]com"},
		{Value: "10.1.1.1"}, {Value: "clean.example.com"}, {Value: "e2fc714c4727ee9395f324cd2e7f331f"}})
	if err != nil {
		t.Fatal(err)
	}
	f = f.Drop("RawResult")
	var buf bytes.Buffer
	if err := frame.WriteCSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/golden_lookup.csv"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("result frame differs from %s (run with -update after checking):\n%s", golden, buf.String())
	}
}
