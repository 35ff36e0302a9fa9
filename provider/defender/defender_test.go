package defender_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/provider/defender"
	"github.com/huntkit/huntkit/provider/internal/aztest"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

func driver(t *testing.T, env string, srv *emulate.Server, ep aztest.Endpoints, extra string, opts map[string]string) *defender.Driver {
	t.Helper()
	cfg := aztest.Config(t, srv, ep, extra)
	d, err := defender.New(context.Background(), env, query.Settings{Config: cfg, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const procKQL = `DeviceProcessEvents
| where ActionType == "ProcessCreated"
| project Timestamp, DeviceName, ProcessId, FileName, ProcessCommandLine, AdditionalFields
| order by Timestamp asc, DeviceName asc, ProcessId asc
| take 50`

// TestHuntingOnEmulator runs the same KQL through the three APIs (and the aliases) on the
// emulator: the rows are the backend's, typed from the schema each API returns.
func TestHuntingOnEmulator(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	ds := aztest.Demo(t)
	for _, env := range []string{"MDE", "MDATP", "M365D", "M365DGraph", "GraphHunting"} {
		t.Run(env, func(t *testing.T) {
			d := driver(t, env, srv, aztest.Endpoints{}, "", nil)
			if err := d.Connect(context.Background()); err != nil {
				t.Fatal(err)
			}
			f, err := d.Query(context.Background(), query.Request{Text: procKQL, Language: "kql"})
			if err != nil {
				t.Fatal(err)
			}
			if f.Len() != 50 || f.Partial() != nil {
				t.Fatalf("rows = %d (partial %v), want 50", f.Len(), f.Partial())
			}
			want := map[string]frame.Type{"Timestamp": frame.Time, "DeviceName": frame.String, "ProcessId": frame.Int,
				"ProcessCommandLine": frame.String}
			for c, typ := range want {
				if f.Col(c) == nil || f.Col(c).Type() != typ {
					t.Errorf("column %s: %v, want %v (fields %v)", c, f.Col(c), typ, f.Fields())
				}
			}
			if strings.Join(f.Names(), ",") != "Timestamp,DeviceName,ProcessId,FileName,ProcessCommandLine,AdditionalFields" {
				t.Errorf("column order %v", f.Names())
			}
			src := ds.Tables["DeviceProcessEvents"]
			if !f.Col("Timestamp").Time(0).Equal(minCreated(src)) {
				t.Errorf("first Timestamp %v, want %v", f.Col("Timestamp").Time(0), minCreated(src))
			}
			if len(d.Warnings()) != 0 {
				t.Errorf("warnings: %v", d.Warnings())
			}
		})
	}
}

func minCreated(f *frame.Frame) time.Time {
	var m time.Time
	for i := 0; i < f.Len(); i++ {
		if f.Col("ActionType").Str(i) != "ProcessCreated" {
			continue
		}
		if ts := f.Col("Timestamp").Time(i); m.IsZero() || ts.Before(m) {
			m = ts
		}
	}
	return m
}

// TestMsticpyTemplates runs msticpy's own MDE template file through MDE and M365D on the
// emulator: every source renders and runs, and the host query finds only that host.
func TestMsticpyTemplates(t *testing.T) {
	aztest.Isolate(t)
	dir := testdata.Shared(t, "msticpy/query-templates")
	st, err := query.LoadStore(dir)
	if st == nil {
		t.Fatal(err)
	}
	srv := aztest.Start(t, emulate.Options{})
	ds := aztest.Demo(t)
	procs := ds.Tables["DeviceProcessEvents"]
	host := procs.Col("DeviceName").Str(0)
	params := map[string][2]any{"list_host_processes": {"host_name", host}, "process_creations": {"process_identifier", procs.Col("FileName").Str(0)},
		"process_for_hash": {"file_hash", procs.Col("SHA256").Str(0)}, "process_paths": {"file_path", procs.Col("FileName").Str(0)},
		"process_cmd_line": {"cmd_line", `"powershell", "cmd"`}}
	for _, env := range []string{"MDE", "M365D"} {
		d := driver(t, env, srv, aztest.Endpoints{}, "", nil)
		e, _ := query.LookupEnv(env)
		for _, name := range []string{"list_host_processes", "process_creations", "process_for_hash", "process_paths", "process_cmd_line"} {
			tmpl, err := st.Lookup(env, "MDATP."+name)
			if err != nil {
				t.Fatalf("%s: %v", env, err)
			}
			values := map[string]any{"start": ds.Truth.Start.Format(time.RFC3339), "end": ds.Truth.End.Format(time.RFC3339),
				params[name][0].(string): params[name][1]}
			req, err := tmpl.Render(e.Dialect, values)
			if err != nil {
				t.Fatalf("%s %s: %v", env, name, err)
			}
			f, err := d.Query(context.Background(), req)
			if err != nil {
				t.Fatalf("%s %s: %v", env, name, err)
			}
			if f.Len() == 0 {
				t.Errorf("%s %s: no rows", env, name)
			}
			if name == "list_host_processes" {
				for i := 0; i < f.Len(); i++ {
					if !strings.Contains(strings.ToLower(f.Col("DeviceName").Str(i)), strings.ToLower(host)) {
						t.Fatalf("row %d DeviceName %q is not host %q", i, f.Col("DeviceName").Str(i), host)
					}
				}
			}
		}
	}
}

// TestBadKQL: the emulator's 400 comes back as one line with the compiler's message.
func TestBadKQL(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	for _, env := range []string{"MDE", "M365DGraph"} {
		d := driver(t, env, srv, aztest.Endpoints{}, "", nil)
		_, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents | where NoSuchColumn == 1", Language: "kql"})
		if err == nil || !errors.Is(err, defender.ErrQuery) || !strings.Contains(err.Error(), "HTTP 400") ||
			!strings.Contains(err.Error(), "NoSuchColumn") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v", env, err)
		}
	}
}

// TestWrongSecret: the emulator refuses the secret; the error names the method.
func TestWrongSecret(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, "MDE", srv, aztest.Endpoints{}, `DataProviders:
  MicrosoftDefender:
    Args:
      TenantId: `+srv.TenantID()+`
      ClientId: `+srv.ClientID()+`
      ClientSecret: not-the-secret
`, nil)
	_, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents | take 1"})
	if err == nil || !strings.Contains(err.Error(), "clientsecret") || strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("err = %v", err)
	}
}

// TestGraphTimespan: M365DGraph sends a bounded request's window as Timespan; the
// emulator bounds the tables to it.
func TestGraphTimespan(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	ds := aztest.Demo(t)
	d := driver(t, "M365DGraph", srv, aztest.Endpoints{}, "", nil)
	start := ds.Truth.Start.Add(24 * time.Hour)
	end := start.Add(6 * time.Hour)
	f, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents | summarize n = count(), lo = min(TimeGenerated), hi = max(TimeGenerated)",
		Start: start, End: end, Bounded: true})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := f.Col("lo").Time(0), f.Col("hi").Time(0)
	if f.Col("n").Int(0) == 0 || lo.Before(start) || hi.After(end) {
		t.Fatalf("n=%d lo=%v hi=%v, want inside %v..%v", f.Col("n").Int(0), lo, hi, start, end)
	}
}

// TestFailureModes: every documented failure is one line; 429 and 500 are retried.
func TestFailureModes(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	cases := []struct {
		name    string
		h       http.HandlerFunc
		want    []string
		is      error
		minHits int32
	}{
		{"401", aztest.Reply(401, `{"error":{"code":"Unauthorized","message":"Access token validation failure","target":"x"}}`),
			[]string{"MDE: HTTP 401", "Unauthorized: Access token validation failure"}, remote.ErrAuth, 1},
		{"403", aztest.Reply(403, `{"error":{"code":"Forbidden","message":"The application does not have any of the required application permissions (AdvancedQuery.Read.All)"}}`),
			[]string{"HTTP 403", "AdvancedQuery.Read.All"}, nil, 1},
		{"429", aztest.Reply(429, `{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! Maximum allowed 45 per 00:01:00"}}`, "Retry-After", "1"),
			[]string{"HTTP 429", "Maximum allowed 45", "Retry-After 1 s"}, remote.ErrRateLimited, 2},
		{"500", aztest.Reply(500, `{"error":{"code":"InternalServerError","message":"An unexpected error occurred"}}`),
			[]string{"HTTP 500", "InternalServerError"}, remote.ErrServer, 2},
		{"malformed", aztest.Reply(200, `{"Schema":[{"Name":"a","Type":"String"}],"Results":[{"a":`),
			[]string{"malformed response", "unexpected"}, remote.ErrMalformed, 1},
		{"wrong type", aztest.Reply(200, `{"Schema":[{"Name":"n","Type":"Int64"}],"Results":[{"n":"seven"}]}`),
			[]string{"malformed response", `row 1 column n: integer "seven"`}, remote.ErrMalformed, 1},
		{"not json", aztest.Reply(502, "<html><body>Bad gateway</body></html>"),
			[]string{"HTTP 502", "<html>"}, remote.ErrServer, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := aztest.Serve(t, srv, c.h)
			d := driver(t, "MDE", srv, aztest.Endpoints{MDE: api.URL, CAFile: api.CAFile}, "", nil)
			_, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents | take 1"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") || !errors.Is(err, defender.ErrQuery) {
				t.Errorf("err = %q", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err %q is not %v", err, c.is)
			}
			if n := api.Calls.Load(); n < c.minHits {
				t.Errorf("calls = %d, want at least %d", n, c.minHits)
			}
		})
	}
}

// TestTimeout: a server slower than the timeout option fails with a timeout, at once.
func TestTimeout(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	release := make(chan struct{})
	defer close(release)
	api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	d := driver(t, "M365D", srv, aztest.Endpoints{M365D: api.URL, CAFile: api.CAFile}, "", map[string]string{"timeout": "500ms"})
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents | take 1"})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v", err)
	}
}

// TestRowLimit: a result of 100,000 rows (the documented cap) is kept and flagged
// partial; --fail-on-partial makes it an error.
func TestRowLimit(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	var body strings.Builder
	body.WriteString(`{"Schema":[{"Name":"n","Type":"Int64"}],"Results":[`)
	for i := 0; i < defender.MaxRows; i++ {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"n":%d}`, i)
	}
	body.WriteString(`]}`)
	api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, body.String())
	})
	d := driver(t, "MDE", srv, aztest.Endpoints{MDE: api.URL, CAFile: api.CAFile}, "", nil)
	f, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != defender.MaxRows || !errors.Is(f.Partial(), defender.ErrPartial) || len(d.Warnings()) != 1 {
		t.Fatalf("rows %d partial %v warnings %v", f.Len(), f.Partial(), d.Warnings())
	}
	d = driver(t, "MDE", srv, aztest.Endpoints{MDE: api.URL, CAFile: api.CAFile}, "", map[string]string{"fail-on-partial": "true"})
	if _, err := d.Query(context.Background(), query.Request{Text: "DeviceProcessEvents"}); !errors.Is(err, defender.ErrPartial) {
		t.Fatalf("fail-on-partial: err = %v", err)
	}
}

// TestRegionalEndpoints: Args.Cloud picks msticpy's regional hosts; the configured
// override wins.
func TestRegionalEndpoints(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	cfg := aztest.Config(t, srv, aztest.Endpoints{}, "")
	cases := []struct{ env, cloud, want string }{
		{"MDE", "eu", "https://api-eu.securitycenter.microsoft.com"},
		{"MDE", "gcc-high", "https://api-gov.securitycenter.microsoft.us"},
		{"M365D", "uk", "https://api-uk.security.microsoft.com"},
		{"M365DGraph", "dod", "https://dod-graph.microsoft.us"},
		{"MDE", "", "https://api.securitycenter.microsoft.com"},
	}
	for _, c := range cases {
		sec := "MicrosoftDefender"
		if c.env == "M365DGraph" {
			sec = "M365DGraph"
		}
		extra := ""
		if c.cloud != "" {
			extra = fmt.Sprintf("DataProviders:\n  %s:\n    Args:\n      Cloud: %s\n", sec, c.cloud)
		}
		d, err := defender.New(context.Background(), c.env, query.Settings{Config: cfgWithout(t, extra)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Endpoint() != c.want {
			t.Errorf("%s cloud %q: endpoint %s, want %s", c.env, c.cloud, d.Endpoint(), c.want)
		}
	}
	d, err := defender.New(context.Background(), "MDE", query.Settings{Config: cfg})
	if err != nil || d.Endpoint() != srv.URL {
		t.Fatalf("override: %v %v", d, err)
	}
	_, err = defender.New(context.Background(), "MDE", query.Settings{Config: cfgWithout(t, "DataProviders:\n  MicrosoftDefender:\n    Args:\n      Cloud: mars\n")})
	if err == nil || !strings.Contains(err.Error(), `"mars"`) {
		t.Fatalf("unknown cloud: %v", err)
	}
}

// cfgWithout loads a configuration without endpoint overrides.
func cfgWithout(t *testing.T, text string) *config.Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte("Azure:\n  auth_methods: [env]\n"+text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
