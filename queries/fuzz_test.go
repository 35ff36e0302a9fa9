package queries

import (
	"errors"
	"testing"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/query"
)

// FuzzQuotedParams binds arbitrary text into templates that place it inside KQL string
// literals and checks the result still compiles: a value can never end its literal and
// inject query code. Values a literal cannot hold must be refused with ErrUnsafeValue.
func FuzzQuotedParams(f *testing.F) {
	for _, s := range []string{"WKS-FIN-01", `x" | union SecurityEvent | where "1"=="1`, `a\`, "line\nbreak",
		`'; drop table x; --`, "```", "{host_name}", "$<macro>$", "日本語", "\x00"} {
		f.Add(s)
	}
	ts, err := query.LoadFS(FS, ".")
	if err != nil {
		f.Fatal(err)
	}
	store := query.NewStore()
	store.Add(ts...)
	cat := kql.MapCatalog{}
	for name, spec := range demoSchemas() {
		cat[name] = spec
	}
	names := []string{"WindowsSecurity.list_host_logons", "MDE.process_cmd_line", "Azure.list_aad_signins_for_account",
		"LinuxSyslog.list_logons_for_source_ip", "Network.list_dns_for_domain"}
	end := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		for _, n := range names {
			tm, err := store.Lookup("LocalData", n)
			if err != nil {
				t.Fatal(err)
			}
			vals := map[string]any{"start": end.AddDate(0, 0, -1), "end": end}
			for _, p := range tm.Params {
				if p.Required() && p.Name != "start" && p.Name != "end" {
					vals[p.Name] = v
				}
			}
			req, err := tm.Render(query.KQL, vals, query.WithNow(end))
			if err != nil {
				if errors.Is(err, query.ErrUnsafeValue) {
					continue
				}
				t.Fatalf("%s: render %q: %v", n, v, err)
			}
			if _, err := kql.Compile(req.Text, cat); err != nil {
				t.Fatalf("%s: value %q breaks the query: %v\n%s", n, v, err, req.Text)
			}
		}
	})
}

// demoSchemas returns the columns of the demo tables (from a short generated tenant).
func demoSchemas() map[string][]frame.Field {
	ds, err := demo.Generate(demo.Options{Days: 3})
	if err != nil {
		panic(err)
	}
	out := map[string][]frame.Field{}
	for n, f := range ds.Tables {
		out[n] = f.Fields()
	}
	return out
}
