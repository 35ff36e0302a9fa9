package geoip

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./geoip -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", p, got)
	}
}

// TestGoldenExpectedLookups renders all 18 expected lookups, plus special addresses, as CSV.
func TestGoldenExpectedLookups(t *testing.T) {
	exp := loadExpected(t)
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	var ips []string
	for _, e := range exp {
		ips = append(ips, e.IP)
	}
	ips = append(ips, "100.64.0.1", "192.0.2.1", "::ffff:81.2.69.142", "fe80::1", "not-an-ip")
	locs, err := db.LookupIPs(context.Background(), ips)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := frame.WriteCSV(&buf, Frame(locs)); err != nil {
		t.Fatal(err)
	}
	golden(t, "expected_lookups.golden.csv", buf.Bytes())
}
