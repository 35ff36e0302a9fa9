package whois

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenFrame renders lookups of every fixture (and two failures) as CSV. The local
// server's address varies, so it is replaced by "SERVER".
func TestGoldenFrame(t *testing.T) {
	s := newRDAPServer(t)
	c := s.client(t)
	res, err := c.LookupAll(context.Background(), []string{"64.0.2.10", "8.8.4.4", "AS64496", "example.com", "nosuch.com", "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := frame.WriteCSV(&buf, Frame(res)); err != nil {
		t.Fatal(err)
	}
	got := []byte(strings.ReplaceAll(buf.String(), s.srv.URL, "SERVER"))
	p := filepath.Join("testdata", "lookups.golden.csv")
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./whois -run TestGoldenFrame -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", p, got)
	}
}
