package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// A field longer than DuckDB's default line limit imports, strictly and with skip-bad-rows;
// an unterminated quote keeps every good record and reports the bad one at its line (#11).
func TestImportLongFieldAndUnterminatedQuote(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	long := filepath.Join(dir, "long.csv")
	if err := os.WriteFile(long, []byte("a,b\n1,\""+strings.Repeat("x", 3_000_000)+"\"\n2,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := open(t)
	if err := w.Import(ctx, "long", long); err != nil {
		t.Fatalf("strict import of a 3 MB field: %v", err)
	}
	f, err := w.Query(ctx, "SELECT a, length(b) AS n FROM long ORDER BY a")
	if err != nil || f.Len() != 2 || f.Col("n").Int(0) != 3_000_000 {
		t.Fatalf("long: %v %v", f, err)
	}
	if rej, err := w.ImportLenient(ctx, "long2", long); err != nil || len(rej) != 0 {
		t.Fatalf("lenient import of a 3 MB field: %v %v", rej, err)
	}

	bad := filepath.Join(dir, "bad.csv")
	body := "a,b\n1,short\n2,\"" + strings.Repeat("x", 3_000_000) + "\"\n3,y\n4,\"unterminated\n5,z\n6,\"multi\nline\"\n"
	if err := os.WriteFile(bad, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	err = w.Import(ctx, "bad", bad)
	if !errors.Is(err, frame.ErrMalformed) || !strings.Contains(err.Error(), bad+":5:") {
		t.Errorf("strict import: %v, want %s:5", err, bad)
	}
	rej, err := w.ImportLenient(ctx, "bad", bad)
	if err != nil {
		t.Fatalf("lenient import: %v", err)
	}
	if len(rej) != 1 || rej[0].Line != 5 || rej[0].File != bad {
		t.Errorf("rejects %v, want one at %s:5", rej, bad)
	}
	f, err = w.Query(ctx, "SELECT a FROM bad ORDER BY a")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < f.Len(); i++ {
		got = append(got, f.Col("a").Text(i))
	}
	if strings.Join(got, ",") != "1,2,3,5,6" {
		t.Errorf("kept records %v, want 1,2,3,5,6", got)
	}
}
