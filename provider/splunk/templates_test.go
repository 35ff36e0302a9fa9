package splunk

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/query"
)

// msticpyDir is where msticpy's own template folders are looked for: $HUNTKIT_MSTICPY_QUERIES
// (a checkout's msticpy/data/queries), else the shared template samples.
func msticpyDir(t *testing.T, sub string) string {
	if d := os.Getenv("HUNTKIT_MSTICPY_QUERIES"); d != "" {
		return filepath.Join(d, sub)
	}
	d := testdata.Dir()
	if d == "" {
		t.Skip("no shared data and no HUNTKIT_MSTICPY_QUERIES")
	}
	return filepath.Join(d, "msticpy", "query-templates")
}

// TestMsticpyTemplatesRun loads msticpy's Splunk template files unchanged, renders every
// template with its defaults over a fixed window and runs it against the loopback server.
func TestMsticpyTemplatesRun(t *testing.T) {
	dir := msticpyDir(t, "splunk")
	ts, err := query.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var splunk []*query.Template
	for _, tm := range ts {
		for _, e := range tm.Environments {
			if strings.EqualFold(e, "Splunk") {
				splunk = append(splunk, tm)
				break
			}
		}
	}
	if len(splunk) == 0 {
		t.Skipf("no Splunk templates in %s (set HUNTKIT_MSTICPY_QUERIES to msticpy/data/queries)", dir)
	}
	f, srv := serve(t, body(golden(t, "export.json")))
	d := driver(t, srv, nil)
	env, _ := query.LookupEnv(Name)
	now := time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tm := range splunk {
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
		res, err := d.Query(context.Background(), req)
		if err != nil || res.Len() != 3 {
			t.Errorf("%s: run: %v", tm.QualifiedName(), err)
		}
		sent := f.form.Load().(url.Values).Get("search")
		if !strings.HasPrefix(sent, "search ") && !strings.HasPrefix(sent, "|") {
			t.Errorf("%s: sent %q", tm.QualifiedName(), sent)
		}
	}
	t.Logf("%d msticpy Splunk templates rendered and run", len(splunk))
}
