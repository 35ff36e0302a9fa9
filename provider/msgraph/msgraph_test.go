package msgraph_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/aztest"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/msgraph"
	"github.com/huntkit/huntkit/query"
)

func driver(t *testing.T, srv *emulate.Server, ep aztest.Endpoints, opts map[string]string) *msgraph.Driver {
	t.Helper()
	d, err := msgraph.New(context.Background(), query.Settings{Config: aztest.Config(t, srv, ep, ""), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t *testing.T, d *msgraph.Driver, text string) *frame.Frame {
	t.Helper()
	f, err := d.Query(context.Background(), query.Request{Text: text, Language: "odata"})
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return f
}

func count(f *frame.Frame, col, val string) int {
	n := 0
	for i := 0; i < f.Len(); i++ {
		if f.Col(col).Str(i) == val {
			n++
		}
	}
	return n
}

// TestSecurityOnEmulator reads alerts_v2 and incidents from the emulator, through pages of
// two, with filters, select, a single entity and the built-in templates.
func TestSecurityOnEmulator(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	ds := aztest.Demo(t)
	alerts, incs := ds.Tables["SecurityAlert"], ds.Tables["SecurityIncident"]
	d := driver(t, srv, aztest.Endpoints{}, nil)
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}

	f := run(t, d, "security/alerts_v2?$top=2")
	if f.Len() != alerts.Len() || f.Partial() != nil {
		t.Fatalf("alerts: %d rows (partial %v), want %d", f.Len(), f.Partial(), alerts.Len())
	}
	if f.Col("createdDateTime").Type() != frame.Time || f.Col("evidence").Type() != frame.Dynamic || f.Col("@odata.type") != nil {
		t.Errorf("alert fields: %v", f.Fields())
	}
	if got := strings.Join(f.Col("id").Strings(), ","); got != strings.Join(alerts.Col("SystemAlertId").Strings(), ",") {
		t.Errorf("alert ids %s, want the SecurityAlert rows in time order", got)
	}

	sev := run(t, d, "/v1.0/security/alerts_v2?$filter=severity eq 'informational' and createdDateTime ge "+ds.Truth.Start.Format(time.RFC3339)+"&$select=id,severity,title")
	if want := count(alerts, "AlertSeverity", "Informational"); sev.Len() != want || want == 0 {
		t.Errorf("informational alerts: %d, want %d", sev.Len(), want)
	}
	if strings.Join(sev.Names(), ",") != "id,severity,title" && len(sev.Names()) != 3 {
		t.Errorf("$select columns: %v", sev.Names())
	}

	in := run(t, d, "security/incidents?$top=1&$orderby=createdDateTime desc")
	if in.Len() != incs.Len() {
		t.Fatalf("incidents: %d, want %d", in.Len(), incs.Len())
	}
	if !in.Col("createdDateTime").Time(0).After(in.Col("createdDateTime").Time(in.Len() - 1)) {
		t.Errorf("$orderby desc not applied: %v", in.Col("createdDateTime").Strings())
	}
	one := run(t, d, "security/incidents/"+in.Col("id").Str(0)+"?$expand=alerts")
	if one.Len() != 1 || one.Col("id").Str(0) != in.Col("id").Str(0) || one.Col("alerts") == nil {
		t.Fatalf("single incident: %v rows, fields %v", one.Len(), one.Fields())
	}
	if list, ok := one.Col("alerts").Value(0).([]any); !ok || len(list) == 0 {
		t.Errorf("expanded alerts: %v", one.Col("alerts").Value(0))
	}

	// the built-in templates
	st, err := query.LoadStore()
	if st == nil {
		t.Fatal(err)
	}
	e, _ := query.LookupEnv("SecurityGraph")
	for name, want := range map[string]int{"list_alerts": alerts.Len(), "list_incidents": incs.Len(),
		"list_incidents_by_status": count(incs, "Status", "Closed"), "get_alert": 1} {
		tmpl, err := st.Lookup("SecurityGraph", "SecurityGraph."+name)
		if err != nil {
			t.Fatal(err)
		}
		values := map[string]any{"start": ds.Truth.Start, "end": ds.Truth.End.Add(time.Hour)}
		switch name {
		case "list_incidents_by_status":
			values["status"] = "resolved"
		case "get_alert":
			values = map[string]any{"alert_id": alerts.Col("SystemAlertId").Str(1)}
		}
		req, err := tmpl.Render(e.Dialect, values)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := run(t, d, req.Text); got.Len() != want {
			t.Errorf("%s: %d rows, want %d (%s)", name, got.Len(), want, req.Text)
		}
	}
}

// TestMaxRows: paging stops at max-rows and the result says more remained.
func TestMaxRows(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, srv, aztest.Endpoints{}, map[string]string{"max-rows": "3"})
	f := run(t, d, "security/alerts_v2?$top=2")
	if f.Len() != 3 || !errors.Is(f.Partial(), msgraph.ErrPartial) || len(d.Warnings()) != 1 {
		t.Fatalf("rows %d partial %v", f.Len(), f.Partial())
	}
	d = driver(t, srv, aztest.Endpoints{}, map[string]string{"max-rows": "3", "fail-on-partial": "1"})
	if _, err := d.Query(context.Background(), query.Request{Text: "security/alerts_v2?$top=2"}); !errors.Is(err, msgraph.ErrPartial) {
		t.Fatalf("fail-on-partial: %v", err)
	}
}

// TestBadFilter: the emulator's 400 for a filter it cannot read is one line.
func TestBadFilter(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, srv, aztest.Endpoints{}, nil)
	_, err := d.Query(context.Background(), query.Request{Text: "security/alerts_v2?$filter=severity has 'high'"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "Invalid filter clause") {
		t.Fatalf("err = %v", err)
	}
	_, err = d.Query(context.Background(), query.Request{Text: "security/incidents/999999"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Fatalf("missing incident: %v", err)
	}
}

const page1 = `{"value":[{"id":"1","createdDateTime":"2026-11-01T00:00:00Z"},{"id":"2","createdDateTime":"2026-11-01T01:00:00Z"}],"@odata.nextLink":"NEXT"}`

// paged serves page1 with a next link to /page2, then h for the second page.
func paged(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/page2") {
			h(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.Replace(page1, "NEXT", "https://"+r.Host+"/v1.0/security/page2", 1)))
	}
}

// TestPagingStopsEarly: a later page that fails keeps the rows so far, flagged partial.
func TestPagingStopsEarly(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	for name, h := range map[string]http.HandlerFunc{
		"500":       aztest.Reply(500, `{"error":{"code":"InternalServerError","message":"boom"}}`),
		"malformed": aztest.Reply(200, `{"value":[{"id":`),
		"404":       aztest.Reply(404, `{"error":{"code":"NotFound","message":"skip token expired"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			api := aztest.Serve(t, srv, paged(h))
			d := driver(t, srv, aztest.Endpoints{Graph: api.URL, CAFile: api.CAFile}, nil)
			f := run(t, d, "security/alerts_v2")
			p := f.Partial()
			if f.Len() != 2 || !errors.Is(p, msgraph.ErrPartial) || !strings.Contains(p.Error(), "page 2 failed after 2 rows") {
				t.Fatalf("rows %d partial %v", f.Len(), p)
			}
		})
	}
}

// TestFailureModes: first-page failures are errors of one line; 429 waits Retry-After and
// then succeeds.
func TestFailureModes(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	cases := []struct {
		name string
		h    http.HandlerFunc
		want []string
		is   error
	}{
		{"401", aztest.Reply(401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"date":"2026-11-01T00:00:00","request-id":"r"}}}`),
			[]string{"MSGraph: HTTP 401", "InvalidAuthenticationToken: Access token has expired"}, remote.ErrAuth},
		{"403", aztest.Reply(403, `{"error":{"code":"Forbidden","message":"Missing application roles. API required roles: SecurityAlert.Read.All"}}`),
			[]string{"HTTP 403", "SecurityAlert.Read.All"}, nil},
		{"500", aztest.Reply(500, `{"error":{"code":"UnknownError","message":""}}`), []string{"HTTP 500", "UnknownError"}, remote.ErrServer},
		{"malformed", aztest.Reply(200, `{"value":[{"id":"1"},`), []string{"malformed response"}, remote.ErrMalformed},
		{"not an array", aztest.Reply(200, `{"value":{"id":"1"}}`), []string{"value is not an array"}, remote.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := aztest.Serve(t, srv, c.h)
			d := driver(t, srv, aztest.Endpoints{Graph: api.URL, CAFile: api.CAFile}, nil)
			_, err := d.Query(context.Background(), query.Request{Text: "security/alerts_v2"})
			if err == nil || strings.Contains(err.Error(), "\n") || !errors.Is(err, msgraph.ErrQuery) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q lacks %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err %q is not %v", err, c.is)
			}
		})
	}

	t.Run("429 then ok", func(t *testing.T) {
		var n atomic.Int32
		var waited time.Duration
		var first time.Time
		api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				first = time.Now()
				aztest.Reply(429, `{"error":{"code":"TooManyRequests","message":"Too many requests"}}`, "Retry-After", "1")(w, r)
				return
			}
			waited = time.Since(first)
			aztest.Reply(200, `{"value":[{"id":"a"}]}`)(w, r)
		})
		d := driver(t, srv, aztest.Endpoints{Graph: api.URL, CAFile: api.CAFile}, nil)
		f := run(t, d, "security/alerts_v2")
		if f.Len() != 1 || n.Load() != 2 || waited < 900*time.Millisecond {
			t.Fatalf("rows %d calls %d waited %v", f.Len(), n.Load(), waited)
		}
	})
	t.Run("429 always", func(t *testing.T) {
		api := aztest.Serve(t, srv, aztest.Reply(429, `{"error":{"code":"TooManyRequests","message":"Too many requests"}}`, "Retry-After", "1"))
		d := driver(t, srv, aztest.Endpoints{Graph: api.URL, CAFile: api.CAFile}, nil)
		_, err := d.Query(context.Background(), query.Request{Text: "security/alerts_v2"})
		if !errors.Is(err, remote.ErrRateLimited) || !strings.Contains(err.Error(), "Retry-After 1 s") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		d := driver(t, srv, aztest.Endpoints{Graph: api.URL, CAFile: api.CAFile}, map[string]string{"timeout": "1s"})
		if err := d.Connect(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, err := d.Query(context.Background(), query.Request{Text: "security/alerts_v2"})
		if err == nil || !strings.Contains(err.Error(), "timed out") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPath(t *testing.T) {
	cases := map[string]string{
		"security/alerts_v2":                            "/v1.0/security/alerts_v2",
		"/beta/security/incidents/12":                   "/beta/security/incidents/12",
		"security/alerts_v2?$filter=severity eq 'high'": "/v1.0/security/alerts_v2?$filter=severity%20eq%20%27high%27",
		"security/alerts_v2?$top=5&$select=id,title":    "/v1.0/security/alerts_v2?$top=5&$select=id%2Ctitle",
		"security/alerts_v2?$filter=title eq 'a%26b'":   "/v1.0/security/alerts_v2?$filter=title%20eq%20%27a%26b%27",
	}
	for in, want := range cases {
		got, err := msgraph.Path(in)
		if err != nil || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "https://graph.microsoft.com/v1.0/me"} {
		if _, err := msgraph.Path(bad); err == nil {
			t.Errorf("Path(%q): no error", bad)
		}
	}
}
