package sumologic

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/query"
)

// TestMsticpyTemplatesRun loads msticpy's Sumo Logic template file unchanged (from
// $HUNTKIT_MSTICPY_QUERIES, a checkout's msticpy/data/queries; skipped without it), renders
// each template over a fixed window and runs it against the loopback server.
func TestMsticpyTemplatesRun(t *testing.T) {
	root := os.Getenv("HUNTKIT_MSTICPY_QUERIES")
	if root == "" {
		t.Skip("set HUNTKIT_MSTICPY_QUERIES to msticpy/data/queries")
	}
	ts, err := query.LoadDir(filepath.Join(root, "sumologic"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) == 0 {
		t.Fatal("no templates")
	}
	env, _ := query.LookupEnv(Name)
	now := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)
	for _, tm := range ts {
		f := &fakeSumo{}
		d := setup(t, f, nil)
		dl, err := tm.DialectIn(env)
		if err != nil {
			t.Fatalf("%s: %v", tm.QualifiedName(), err)
		}
		values := map[string]any{}
		for _, p := range tm.Params {
			if p.Required() && p.Name != "start" && p.Name != "end" {
				values[p.Name] = "x"
			}
		}
		req, err := tm.Render(dl, values, query.WithNow(now))
		if err != nil {
			t.Errorf("%s: render: %v", tm.QualifiedName(), err)
			continue
		}
		if res, err := d.Query(context.Background(), req); err != nil || res.Len() != 3 {
			t.Errorf("%s: run: %v", tm.QualifiedName(), err)
		}
		if f.created["from"] == "" || f.created["query"] != strings.TrimSpace(req.Text) {
			t.Errorf("%s: job %v", tm.QualifiedName(), f.created)
		}
	}
	t.Logf("%d msticpy Sumo Logic templates rendered and run", len(ts))
}
