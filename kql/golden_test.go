package kql

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden runs the case folders under testdata/cases (see testdata/cases/README.md):
// each holds input.kql, optional tables/*.csv, output.sql and, for cases that run,
// output.csv. go test -run TestGolden -update rewrites the outputs. It also checks that
// the printer round-trips each query.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*/input.kql")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	now := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range dirs {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			q, err := Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, q)
			ctx := context.Background()
			w, cat := caseTables(ctx, t, dir)
			probe := func(sql string) (*frame.Frame, error) { return w.Query(ctx, sql) }
			sql, err := CompileQuery(q, cat, WithNow(now), WithProbe(probe))
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(dir, "output.sql"), sql+"\n")
			outCSV := filepath.Join(dir, "output.csv")
			if _, err := os.Stat(outCSV); err != nil {
				return // compile-only case
			}
			f, err := w.Query(ctx, sql)
			if err != nil {
				t.Fatalf("run: %v\nSQL: %s", err, sql)
			}
			compareGolden(t, outCSV, csvText(t, f))
		})
	}
}

// caseTables opens a workspace holding the case's tables/*.csv and returns it with a
// catalogue of those tables in front of the Sentinel schemas.
func caseTables(ctx context.Context, t *testing.T, dir string) (*engine.Workspace, Catalog) {
	t.Helper()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	local := MapCatalog{}
	files, _ := filepath.Glob(filepath.Join(dir, "tables", "*.csv"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".csv")
		if err := w.Import(ctx, name, f); err != nil {
			t.Fatal(err)
		}
		cols, err := w.Columns(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		local[name] = cols
	}
	return w, Catalogs{local, SentinelCatalog()}
}

func checkRoundTrip(t *testing.T, q *Query) {
	t.Helper()
	printed := Format(q)
	q2, err := Parse(printed)
	if err != nil {
		t.Fatalf("printed query does not parse: %v\n%s", err, printed)
	}
	if Format(q2) != printed {
		t.Errorf("printer is not a fixed point:\n%s\n----\n%s", printed, Format(q2))
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func csvText(t *testing.T, f *frame.Frame) string {
	t.Helper()
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(f.Names())
	for i := 0; i < f.Len(); i++ {
		var row []string
		for _, c := range f.Columns() {
			row = append(row, c.Text(i))
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return b.String()
}
