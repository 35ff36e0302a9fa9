package remotetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/query"
)

// MsticpyTemplates loads msticpy's own template folder sub (of $HUNTKIT_MSTICPY_QUERIES, a
// checkout's msticpy/data/queries) unchanged and returns the templates for env; the test is
// skipped without the variable or without such templates.
func MsticpyTemplates(t *testing.T, sub, env string) []*query.Template {
	t.Helper()
	root := os.Getenv("HUNTKIT_MSTICPY_QUERIES")
	if root == "" {
		t.Skip("set HUNTKIT_MSTICPY_QUERIES to msticpy/data/queries")
	}
	ts, err := query.LoadDir(filepath.Join(root, sub))
	if err != nil {
		t.Fatal(err)
	}
	var out []*query.Template
	for _, tm := range ts {
		for _, e := range tm.Environments {
			if strings.EqualFold(e, env) {
				out = append(out, tm)
				break
			}
		}
	}
	if len(out) == 0 {
		t.Skipf("no %s templates in %s", env, filepath.Join(root, sub))
	}
	return out
}

// Render renders tm for env with its defaults, "x" for each required parameter other
// than start and end (value gives others), over the day before now.
func Render(t *testing.T, env string, tm *query.Template, now time.Time, value func(p *query.Param) any) (query.Request, error) {
	t.Helper()
	e, err := query.LookupEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	dl, err := tm.DialectIn(e)
	if err != nil {
		return query.Request{}, err
	}
	values := map[string]any{}
	for _, p := range tm.Params {
		if p.Required() && p.Name != "start" && p.Name != "end" {
			values[p.Name] = "x"
			if value != nil {
				if v := value(p); v != nil {
					values[p.Name] = v
				}
			}
		}
	}
	return tm.Render(dl, values, query.WithNow(now))
}
