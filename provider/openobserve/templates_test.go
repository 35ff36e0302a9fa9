package openobserve

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntkit/huntkit/query"
)

// TestMsticpyTemplatesRun loads msticpy's OpenObserve templates unchanged (from
// $HUNTKIT_MSTICPY_QUERIES, a checkout's msticpy/data/queries; skipped without it), renders
// each over a fixed window and runs it against the loopback server.
func TestMsticpyTemplatesRun(t *testing.T) {
	root := os.Getenv("HUNTKIT_MSTICPY_QUERIES")
	if root == "" {
		t.Skip("set HUNTKIT_MSTICPY_QUERIES to msticpy/data/queries")
	}
	ts, err := query.LoadDir(filepath.Join(root, "openobserve"))
	if err != nil || len(ts) == 0 {
		t.Fatalf("%d templates: %v", len(ts), err)
	}
	env, _ := query.LookupEnv(Name)
	now := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)
	_, d := setup(t, nil)
	for _, tm := range ts {
		dl, err := tm.DialectIn(env)
		if err != nil {
			t.Fatalf("%s: %v", tm.QualifiedName(), err)
		}
		r, err := tm.Render(dl, nil, query.WithNow(now))
		if err != nil {
			t.Errorf("%s: render: %v", tm.QualifiedName(), err)
			continue
		}
		if res, err := d.Query(context.Background(), r); err != nil || res.Len() != 3 {
			t.Errorf("%s: run: %v", tm.QualifiedName(), err)
		}
	}
	t.Logf("%d msticpy OpenObserve templates rendered and run", len(ts))
}
