package kql

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden compiles testdata/golden/*.kql and compares the SQL with the .sql golden
// file next to it (go test -run TestGolden -update rewrites them). It also checks that
// the printer round-trips each query.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	now := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			q, err := Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			printed := Format(q)
			q2, err := Parse(printed)
			if err != nil {
				t.Fatalf("printed query does not parse: %v\n%s", err, printed)
			}
			if Format(q2) != printed {
				t.Errorf("printer is not a fixed point:\n%s\n----\n%s", printed, Format(q2))
			}
			sql, err := CompileQuery(q, SentinelCatalog(), WithNow(now))
			if err != nil {
				t.Fatal(err)
			}
			got := sql + "\n"
			golden := strings.TrimSuffix(f, ".kql") + ".sql"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("SQL differs from %s:\ngot:  %s\nwant: %s", golden, got, want)
			}
		})
	}
}
