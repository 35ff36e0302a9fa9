package kql

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/engine"
)

// TestFunctionTable checks every row of the function table: it is documented, its
// arity is sane, and its sample call compiles and runs on DuckDB.
func TestFunctionTable(t *testing.T) {
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const input = "range i from 1 to 4 step 1 | extend s = tostring(i) | serialize"
	for _, d := range funcIndex {
		t.Run(d.name, func(t *testing.T) {
			if d.doc == "" || d.result == "" || d.sample == "" || d.category == "" {
				t.Fatalf("row %s lacks a doc, result, category or sample: %+v", d.name, *d)
			}
			if d.max >= 0 && d.max < d.min {
				t.Fatalf("arity %d..%d", d.min, d.max)
			}
			if !strings.HasPrefix(d.sample, d.name+"(") {
				t.Fatalf("sample %q does not call %s", d.sample, d.name)
			}
			if d.compile == nil && d.kind != kindColumns && d.kind != kindTopAggregate {
				t.Fatalf("no compile function")
			}
			q := input + " | extend x = " + d.sample
			switch d.kind {
			case kindAggregate, kindTopAggregate:
				q = input + " | summarize " + d.sample
			case kindColumns:
				q = input + " | extend " + d.sample
			}
			sql, err := Compile(q, MapCatalog{})
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if _, err := w.Query(ctx, sql); err != nil {
				t.Fatalf("%s: run: %v\nSQL: %s", q, err, sql)
			}
		})
	}
}

// TestFunctionsDocumented keeps the function reference in docs/kql.md generated from
// the table (go test -run TestFunctionsDocumented -update rewrites it).
func TestFunctionsDocumented(t *testing.T) {
	const path = "../docs/kql.md"
	const begin, end = "<!-- BEGIN FUNCTION TABLE (generated from kql/functab.go; go test ./kql -run TestFunctionsDocumented -update) -->\n", "<!-- END FUNCTION TABLE -->"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated function table between the markers", path)
	}
	want := text[:i+len(begin)] + functionsMarkdown() + "\n" + text[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != text {
		t.Errorf("%s: the function table is out of date (run with -update)", path)
	}
	for _, f := range Functions() {
		if !strings.Contains(text, "`"+mdEscape(f.Signature)+"`") {
			t.Errorf("%s is not documented in %s", f.Name, path)
		}
	}
}

// TestFunctionsAccessor checks the exported view used by completion.
func TestFunctionsAccessor(t *testing.T) {
	fns := Functions()
	seen := map[string]Function{}
	for i, f := range fns {
		if i > 0 && fns[i-1].Name >= f.Name {
			t.Fatalf("not sorted at %s", f.Name)
		}
		seen[f.Name] = f
	}
	if f := seen["ago"]; f.Signature != "ago(span: timespan)" || f.Result != "datetime" || f.Kind != "scalar" {
		t.Errorf("ago: %+v", f)
	}
	if f := seen["iif"]; f.AliasOf != "iff" || !strings.HasPrefix(f.Doc, "Alias of iff.") {
		t.Errorf("iif: %+v", f)
	}
	if f := seen["dcount"]; f.Kind != "aggregate" || f.MinArgs != 1 || f.MaxArgs != 2 {
		t.Errorf("dcount: %+v", f)
	}
	if _, err := Compile("print x = tolowr('A')", MapCatalog{}); err == nil || !strings.Contains(err.Error(), "tolower") {
		t.Errorf("misspelled function: %v", err)
	}
}
