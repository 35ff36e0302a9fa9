package emulate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

// fakeBackend answers every query with one small frame.
type fakeBackend struct{ start, end time.Time }

func (b *fakeBackend) Query(_ context.Context, kql string, start, end time.Time) (*frame.Frame, error) {
	b.start, b.end = start, end
	return frame.MustNew(frame.NewStrings("Name", []string{"a", "b", "c"}),
		frame.NewTimes("TimeGenerated", []time.Time{time.Unix(0, 0), time.Unix(60, 0), time.Unix(120, 0)}),
		frame.NewDynamics("Bag", []any{map[string]any{"k": 1.0}, nil, []any{"x"}})), nil
}

func (b *fakeBackend) Schema(context.Context) (map[string][]frame.Field, error) {
	return map[string][]frame.Field{"T": {{Name: "Name", Type: frame.String}}}, nil
}

func start(t *testing.T, opt Options) (*Server, *http.Client) {
	t.Helper()
	if opt.Backend == nil {
		opt.Backend = &fakeBackend{}
	}
	s, err := Start(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM)
	return s, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func do(t *testing.T, c *http.Client, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return resp.StatusCode, m
}

func token(t *testing.T, s *Server, c *http.Client, form url.Values) (int, map[string]any) {
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/"+s.TenantID()+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

func TestTokenEndpoint(t *testing.T) {
	s, c := start(t, Options{ClientSecret: "right"})
	base := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID()}, "scope": {s.URL + "/.default"}}
	for _, tc := range []struct {
		name   string
		set    map[string]string
		status int
		code   string
	}{
		{"ok", map[string]string{"client_secret": "right"}, 200, ""},
		{"wrong secret", map[string]string{"client_secret": "wrong"}, 401, "invalid_client"},
		{"unknown client", map[string]string{"client_secret": "right", "client_id": "nobody"}, 400, "unauthorized_client"},
		{"no credential", nil, 401, "invalid_client"},
		{"password grant", map[string]string{"client_secret": "right", "grant_type": "password"}, 400, "unsupported_grant_type"},
		{"bad assertion", map[string]string{"client_assertion": "x.y.z", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, 401, "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range base {
				f[k] = v
			}
			for k, v := range tc.set {
				f.Set(k, v)
			}
			status, m := token(t, s, c, f)
			if status != tc.status || (tc.code != "" && m["error"] != tc.code) {
				t.Fatalf("status %d body %v", status, m)
			}
			if tc.status == 200 && m["access_token"] == "" {
				t.Fatal("no token")
			}
		})
	}
}

func TestAPIRequiresToken(t *testing.T) {
	s, c := start(t, Options{})
	body := `{"query": "T | take 1"}`
	for _, auth := range []string{"", "Bearer nonsense"} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/workspaces/"+s.WorkspaceID()+"/query", strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		status, m := do(t, c, req)
		if status != 401 || m["error"].(map[string]any)["code"] != "InvalidTokenError" {
			t.Fatalf("auth %q: %d %v", auth, status, m)
		}
	}
	// A token for another audience is refused too.
	tok, _, _ := s.Issue("https://api.loganalytics.io", "app")
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/workspaces/"+s.WorkspaceID()+"/query", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if status, _ := do(t, c, req); status != 401 {
		t.Fatalf("foreign audience: %d", status)
	}
}

func TestLogsQueryWire(t *testing.T) {
	be := &fakeBackend{}
	s, c := start(t, Options{Backend: be, RowLimit: 2})
	tok, _, _ := s.Issue(s.URL, "app")
	post := func(ws, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/workspaces/"+ws+"/query", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		return do(t, c, req)
	}
	status, m := post(s.WorkspaceID(), `{"query": "T", "timespan": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"}`)
	if status != 200 {
		t.Fatalf("%d %v", status, m)
	}
	if !be.start.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || !be.end.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("timespan passed as %v..%v", be.start, be.end)
	}
	tables := m["tables"].([]any)
	tb := tables[0].(map[string]any)
	if tb["name"] != "PrimaryResult" || len(tb["rows"].([]any)) != 2 {
		t.Fatalf("table = %v", tb)
	}
	cols, _ := json.Marshal(tb["columns"])
	if string(cols) != `[{"name":"Name","type":"string"},{"name":"TimeGenerated","type":"datetime"},{"name":"Bag","type":"dynamic"}]` {
		t.Errorf("columns = %s", cols)
	}
	row0, _ := json.Marshal(tb["rows"].([]any)[0])
	if string(row0) != `["a","1970-01-01T00:00:00.0000000Z","{\"k\":1}"]` {
		t.Errorf("row 0 = %s", row0)
	}
	perr := m["error"].(map[string]any)
	if perr["code"] != "PartialError" {
		t.Errorf("partial error = %v", perr)
	}
	if status, m := post("00000000-0000-0000-0000-000000000000", `{"query": "T"}`); status != 404 || m["error"].(map[string]any)["code"] != "WorkspaceNotFoundError" {
		t.Errorf("unknown workspace: %d %v", status, m)
	}
	if status, _ := post(s.WorkspaceID(), `{"query": "T", "timespan": "yesterday"}`); status != 400 {
		t.Errorf("bad timespan: %d", status)
	}
	if status, _ := post(s.WorkspaceID(), `{"query": `); status != 400 {
		t.Errorf("malformed body: %d", status)
	}
}

func TestManagedIdentityEndpoint(t *testing.T) {
	s, c := start(t, Options{IdentityHeader: "h1"})
	for _, tc := range []struct {
		header string
		status int
	}{{"h1", 200}, {"wrong", 401}, {"", 401}} {
		req, _ := http.NewRequest(http.MethodGet, s.IdentityEndpoint()+"?api-version=2019-08-01&resource="+url.QueryEscape(s.URL), nil)
		if tc.header != "" {
			req.Header.Set("X-IDENTITY-HEADER", tc.header)
		}
		if status, m := do(t, c, req); status != tc.status || (status == 200 && m["access_token"] == "") {
			t.Errorf("header %q: %d %v", tc.header, status, m)
		}
	}
}

func TestParseTimespan(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in         string
		start, end string
		err        bool
	}{
		{"", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", false},
		{"P7D", "2026-11-27T12:00:00Z", "2026-12-04T12:00:00Z", false},
		{"PT1H30M", "2026-12-04T10:30:00Z", "2026-12-04T12:00:00Z", false},
		{"P1W", "2026-11-27T12:00:00Z", "2026-12-04T12:00:00Z", false},
		{"2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", false},
		{"2026-11-01T00:00:00Z/P1D", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", false},
		{"PT6H/2026-11-02T00:00:00Z", "2026-11-01T18:00:00Z", "2026-11-02T00:00:00Z", false},
		{"P", "", "", true},
		{"PT", "", "", true},
		{"7 days", "", "", true},
		{"a/b", "", "", true},
	} {
		s, e, err := parseTimespan(c.in, now)
		if c.err {
			if err == nil {
				t.Errorf("%q: no error", c.in)
			}
			continue
		}
		if err != nil || s.Format(time.RFC3339) != c.start || e.Format(time.RFC3339) != c.end {
			t.Errorf("%q = %v..%v, %v", c.in, s, e, err)
		}
	}
}

func FuzzParseTimespan(f *testing.F) {
	for _, s := range []string{"P7D", "PT1H", "2026-11-01T00:00:00Z/P1D", "/", "P1W2DT3H4M5.5S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b, err := parseTimespan(s, time.Unix(0, 0).UTC())
		if err == nil && s != "" && b.Before(a) && !strings.Contains(s, "/") {
			t.Fatalf("%q: end %v before start %v", s, b, a)
		}
	})
}

// TestWriteConfig: the written configuration validates cleanly, holds what clients need and
// is private.
func TestWriteConfig(t *testing.T) {
	s, _ := start(t, Options{ClientSecret: "sekret"})
	dir := t.TempDir()
	p := filepath.Join(dir, "msticpyconfig.yaml")
	ca, err := s.WriteConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if probs := c.Validate(); len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if v, _ := c.String("Azure.authority_host"); v != s.URL+"/" {
		t.Errorf("authority_host = %s", v)
	}
	if v, _ := c.String("Azure.ca_file"); v != ca {
		t.Errorf("ca_file = %s, want %s", v, ca)
	}
	if sec, err := c.Secret(context.Background(), "AzureSentinel.Workspaces.Default.Args.ClientSecret"); err != nil || sec != "sekret" {
		t.Errorf("secret = %q, %v", sec, err)
	}
	for _, f := range []string{p, ca} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, %v", f, st.Mode(), err)
		}
	}
}

func TestToTableSpecialFloats(t *testing.T) {
	f := frame.MustNew(frame.NewFloats("x", []float64{1.5, math.NaN(), math.Inf(1), math.Inf(-1)}))
	b, err := json.Marshal(ToTable("PrimaryResult", f).Rows)
	if err != nil || string(b) != `[[1.5],["NaN"],["Infinity"],["-Infinity"]]` {
		t.Fatalf("rows = %s, %v", b, err)
	}
}

// tenantBackend answers with two rows carrying a TenantId column.
type tenantBackend struct{}

func (tenantBackend) Query(context.Context, string, time.Time, time.Time) (*frame.Frame, error) {
	return frame.MustNew(frame.NewStrings("Name", []string{"a", "b"}), frame.NewStrings("TenantId", []string{"t", "t"})), nil
}

func (tenantBackend) Schema(context.Context) (map[string][]frame.Field, error) { return nil, nil }

// TestLogsQuerySeveralWorkspaces: a query with additional workspaces unions the workspaces'
// rows, each with TenantId set to its workspace id (as Log Analytics fills that column); a
// workspace named twice is queried once.
func TestLogsQuerySeveralWorkspaces(t *testing.T) {
	second := "11111111-2222-3333-4444-555555555555"
	s, c := start(t, Options{Backend: tenantBackend{}, WorkspaceIDs: []string{DefaultWorkspaceID, second}})
	tok, _, _ := s.Issue(s.URL, "app")
	for _, tc := range []struct{ body, want string }{
		{`{"query": "T"}`, `[["a","t"],["b","t"]]`},
		{`{"query": "T", "workspaces": ["` + second + `", "` + DefaultWorkspaceID + `"]}`,
			`[["a","` + DefaultWorkspaceID + `"],["b","` + DefaultWorkspaceID + `"],["a","` + second + `"],["b","` + second + `"]]`},
	} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/workspaces/"+DefaultWorkspaceID+"/query", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		status, m := do(t, c, req)
		if status != 200 {
			t.Fatalf("%s: %d %v", tc.body, status, m)
		}
		rows, _ := json.Marshal(m["tables"].([]any)[0].(map[string]any)["rows"])
		if string(rows) != tc.want {
			t.Errorf("%s: rows = %s, want %s", tc.body, rows, tc.want)
		}
	}
}
