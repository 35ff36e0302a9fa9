package kql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/kql"
)

// runFloor is the minimum share of corpus queries whose SQL DuckDB runs on empty tables
// of the catalogue's shape.
const runFloor = 0.85

// TestSentinelCorpusRun compiles every corpus query against the Sentinel catalogue and runs
// the SQL on empty tables, so "compiled" means SQL that DuckDB accepts.
func TestSentinelCorpusRun(t *testing.T) {
	dir := testdata.Shared(t, "kql/sentinel-2021")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cat := kql.CorpusTables()
	for name, fields := range cat {
		var cols []string
		for _, f := range fields {
			typ := map[string]string{"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "time": "TIMESTAMP", "dynamic": "JSON"}[f.Type.String()]
			cols = append(cols, engine.QuoteIdent(f.Name)+" "+typ)
		}
		if err := w.Exec(ctx, "CREATE TABLE "+engine.QuoteIdent(name)+" ("+strings.Join(cols, ", ")+")"); err != nil {
			t.Fatal(err)
		}
	}
	parsed, compiled, ran := 0, 0, 0
	reasons := map[string]int{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Query string `yaml:"query"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		q, err := kql.Parse(doc.Query)
		if err != nil {
			reasons["parse: "+msgOf(err)]++
			continue
		}
		parsed++
		sql, err := kql.CompileQuery(q, cat, kql.WithNow(testNow))
		if err != nil {
			reasons["compile: "+msgOf(err)]++
			continue
		}
		compiled++
		// no wall-clock limit: whether a query runs must not depend on machine load
		// (speed is measured by the benchmarks)
		start := time.Now()
		_, err = w.Query(ctx, sql)
		if d := time.Since(start); d > time.Second {
			t.Logf("slow (%v, not a failure): %s", d.Round(time.Millisecond), p)
		}
		if err != nil {
			m := err.Error()
			if i := strings.Index(m, "\n"); i > 0 {
				m = m[:i]
			}
			if len(m) > 140 {
				m = m[:140]
			}
			reasons["run: "+m]++
			if testing.Verbose() {
				t.Logf("%s: %v", p, m)
			}
			continue
		}
		ran++
	}
	n := float64(len(files))
	t.Logf("corpus %d: parsed %d (%.1f%%), compiled %d (%.1f%%), ran on empty tables %d (%.1f%%)",
		len(files), parsed, 100*float64(parsed)/n, compiled, 100*float64(compiled)/n, ran, 100*float64(ran)/n)
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range reasons {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v || list[i].v == list[j].v && list[i].k < list[j].k })
	for _, e := range list {
		t.Logf("%4d  %s", e.v, e.k)
	}
	if float64(ran)/n < runFloor {
		t.Errorf("run rate %.3f below floor %.2f", float64(ran)/n, runFloor)
	}
}

func msgOf(err error) string {
	var ke *kql.Error
	if errors.As(err, &ke) {
		m := ke.Msg
		if i := strings.Index(m, " (did you mean"); i >= 0 {
			m = m[:i]
		}
		return m
	}
	return err.Error()
}
