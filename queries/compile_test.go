package queries

import (
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/kql"
)

func demoCatalog(t *testing.T, ds *demo.Dataset) kql.MapCatalog {
	t.Helper()
	cat := kql.MapCatalog{}
	for name, f := range ds.Tables {
		cat[name] = f.Fields()
	}
	return cat
}

// TestCompileAll compiles every rendered template against the demo tables' schemas.
// Constructs the compiler does not translate yet are reported (and skip the template);
// any other error - an unknown column, a type error - fails.
func TestCompileAll(t *testing.T) {
	ds, err := demo.Generate(demo.Options{Seed: 1, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	cat := demoCatalog(t, ds)
	reqs := renderAll(t, ds.Truth.Start, ds.Truth.End, nil)
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	unsupported := 0
	for _, k := range keys {
		_, err := kql.Compile(reqs[k].Text, cat, kql.WithNow(ds.Truth.End.Add(time.Hour)))
		switch {
		case err == nil:
		case errors.Is(err, kql.ErrUnsupported):
			unsupported++
			t.Logf("%s: compiler gap: %v", k, err)
		default:
			t.Errorf("%s: %v\n%s", k, err, reqs[k].Text)
		}
	}
	t.Logf("%d of %d templates use constructs the KQL compiler does not translate yet", unsupported, len(keys))
}
