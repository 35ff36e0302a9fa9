package splunk

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/remotetest"
	"github.com/huntkit/huntkit/query"
)

func golden(t *testing.T, name string) []byte { return remotetest.Golden(t, name) }

// fake is a Splunk server on loopback: export answers with body, login with the golden
// session key for alice/secret.
type fake struct {
	t       *testing.T
	export  func(w http.ResponseWriter, r *http.Request)
	logins  atomic.Int32
	exports atomic.Int32
	form    atomic.Value // last export form
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/services/auth/login":
		f.logins.Add(1)
		r.ParseForm()
		if r.PostForm.Get("username") != "alice" || r.PostForm.Get("password") != "secret" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(golden(f.t, "login_bad.json"))
			return
		}
		w.Write(golden(f.t, "login_ok.json"))
	case strings.HasSuffix(r.URL.Path, "/search/jobs/export"):
		f.exports.Add(1)
		r.ParseForm()
		f.form.Store(r.PostForm)
		a := r.Header.Get("Authorization")
		if a != "Splunk 192fd3e46a31246da7ea7f109e7f95fd" && a != "Bearer tok123" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}`))
			return
		}
		f.export(w, r)
	case strings.HasSuffix(r.URL.Path, "/saved/searches"):
		w.Write(golden(f.t, "saved_searches.json"))
	default:
		http.NotFound(w, r)
	}
}

func serve(t *testing.T, export func(w http.ResponseWriter, r *http.Request)) (*fake, *httptest.Server) {
	f := &fake{t: t, export: export}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func body(b []byte) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { w.Write(b) }
}

func driver(t *testing.T, srv *httptest.Server, mod func(*Settings)) *Driver {
	t.Helper()
	s := Settings{BaseURL: srv.URL, Username: "alice", Password: "secret",
		Conn: remote.Conn{HTTP: srv.Client(), BaseDelay: time.Millisecond}}
	if mod != nil {
		mod(&s)
	}
	d, err := NewWith(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestExportRows(t *testing.T) {
	f, srv := serve(t, body(golden(t, "export.json")))
	d := driver(t, srv, nil)
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	res, err := d.Query(context.Background(), query.Request{Text: "index=wineventlog EventCode=4625", Language: "spl",
		Start: start, End: start.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial() != nil {
		t.Fatalf("partial: %v", res.Partial())
	}
	if res.Len() != 3 {
		t.Fatalf("rows = %d, want 3 (the preview row skipped)", res.Len())
	}
	if got := strings.Join(res.Names(), ","); got != "_time,host,EventCode,user,src_ip,extra" {
		t.Errorf("columns = %s", got)
	}
	if c := res.Col("_time"); c.Type() != frame.Time || !c.Time(2).Equal(time.Date(2024, 3, 1, 10, 7, 30, 5e8, time.UTC)) {
		t.Errorf("_time: %v %v", c.Type(), c.Value(2))
	}
	if c := res.Col("EventCode"); c.Type() != frame.Int || c.Int(1) != 4624 {
		t.Errorf("EventCode: %v %v", c.Type(), c.Value(1))
	}
	if got := res.Col("user").Str(2); got != "café" {
		t.Errorf("user = %q", got)
	}
	if c := res.Col("src_ip"); c.Type() != frame.Dynamic || !c.IsNull(1) {
		t.Errorf("src_ip multivalue: %v null(1)=%v", c.Type(), c.IsNull(1))
	}
	if c := res.Col("extra"); !c.IsNull(0) || c.Str(2) != "x" {
		t.Errorf("extra: %v %v", c.Value(0), c.Value(2))
	}
	form := f.form.Load().(url.Values)
	want := map[string]string{"search": "search index=wineventlog EventCode=4625", "output_mode": "json", "count": "0",
		"earliest_time": "1709251200.000", "latest_time": "1709337600.000"}
	for k, v := range want {
		if form[k] == nil || form[k][0] != v {
			t.Errorf("form %s = %v, want %q", k, form[k], v)
		}
	}
	if f.logins.Load() != 1 {
		t.Errorf("logins = %d", f.logins.Load())
	}
}

func TestTokenAndApp(t *testing.T) {
	var path string
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		w.Write(golden(t, "export.json"))
	})
	d := driver(t, srv, func(s *Settings) { s.Token, s.Username, s.Password, s.App = "tok123", "", "", "search" })
	if _, err := d.Query(context.Background(), query.Request{Text: "| tstats count", Language: "spl"}); err != nil {
		t.Fatal(err)
	}
	if path != "/servicesNS/-/search/search/jobs/export" {
		t.Errorf("path = %s", path)
	}
}

func TestBadCredentials(t *testing.T) {
	f, srv := serve(t, body(golden(t, "export.json")))
	d := driver(t, srv, func(s *Settings) { s.Password = "wrong" })
	_, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if !errors.Is(err, remote.ErrAuth) || !strings.Contains(err.Error(), "Login failed") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the password is in the error: %v", err)
	}
	if f.exports.Load() != 0 {
		t.Errorf("exports = %d after a failed login", f.exports.Load())
	}
}

func TestExpiredSessionRelogin(t *testing.T) {
	var n atomic.Int32
	f, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 { // the session has expired on the server
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}`))
			return
		}
		w.Write(golden(t, "export.json"))
	})
	d := driver(t, srv, nil)
	res, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || f.logins.Load() != 2 {
		t.Fatalf("rows %d logins %d, want 3 rows after a second login", res.Len(), f.logins.Load())
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	var n atomic.Int32
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write(golden(t, "export.json"))
	})
	d := driver(t, srv, nil)
	start := time.Now()
	res, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || n.Load() != 2 {
		t.Fatalf("rows %d exports %d", res.Len(), n.Load())
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("the retry came after %v, before the Retry-After of 1 s", waited)
	}
}

func TestRateLimitExhausted(t *testing.T) {
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600") // longer than the client waits: told at once
		w.WriteHeader(http.StatusTooManyRequests)
	})
	d := driver(t, srv, nil)
	_, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if !errors.Is(err, remote.ErrRateLimited) || !strings.Contains(err.Error(), "Retry-After 3600") {
		t.Fatalf("err = %v", err)
	}
}

func TestServerError(t *testing.T) {
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"messages":[{"type":"ERROR","text":"Search head is restarting"}]}`))
	})
	_, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "index=x"})
	if !errors.Is(err, remote.ErrServer) || !strings.Contains(err.Error(), "Search head is restarting") {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutKeepsRows(t *testing.T) {
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		lines := strings.SplitAfter(string(golden(t, "export.json")), "\n")
		w.Write([]byte(lines[0] + lines[1]))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the server stalls
	})
	d := driver(t, srv, func(s *Settings) { s.Timeout = 300 * time.Millisecond })
	res, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 1 || !errors.Is(res.Partial(), remote.ErrPartial) || !errors.Is(res.Partial(), context.DeadlineExceeded) {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestTimeoutBeforeRows(t *testing.T) {
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	d := driver(t, srv, func(s *Settings) { s.Timeout = 200 * time.Millisecond })
	_, err := d.Query(context.Background(), query.Request{Text: "index=x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestStreamCut(t *testing.T) {
	b := golden(t, "export.json")
	cut := b[:len(b)-40] // the connection drops inside the last result
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(cut)
	})
	res, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "index=x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestMalformedBody(t *testing.T) {
	for name, b := range map[string]string{
		"html":       "<html><body>proxy error</body></html>",
		"bad middle": `{"preview":false,"offset":0,"result":{"a":"1"}}` + "\n{\"preview\":false,\"result\":{\"a\" 2}}\n",
		"not object": `["a"]`,
	} {
		t.Run(name, func(t *testing.T) {
			_, srv := serve(t, body([]byte(b)))
			res, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "index=x"})
			if name == "bad middle" {
				if err != nil || res.Len() != 1 || !errors.Is(res.Partial(), remote.ErrMalformed) {
					t.Fatalf("res %v err %v", res, err)
				}
				return
			}
			if !errors.Is(err, remote.ErrMalformed) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestFatalMessage(t *testing.T) {
	_, srv := serve(t, body(golden(t, "fatal.json")))
	_, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "index=x ("})
	if !errors.Is(err, ErrSearch) || !strings.Contains(err.Error(), "unbalanced parentheses") {
		t.Fatalf("err = %v", err)
	}
}

func TestSavedSearchTemplates(t *testing.T) {
	_, srv := serve(t, body(golden(t, "export.json")))
	d := driver(t, srv, nil)
	ts, err := d.Templates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[1].QualifiedName() != "SavedSearches.Failed_logons_by_user" {
		t.Fatalf("templates %v", ts)
	}
	req, err := ts[1].Render(query.SPL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if req.Text != "search index=wineventlog EventCode=4625 | stats count by user" {
		t.Errorf("query = %q", req.Text)
	}
	req, err = ts[0].Render(query.SPL, nil)
	if err != nil || req.Text != `| makeresults | eval x="{a}"` {
		t.Errorf("braces: %q %v", req.Text, err)
	}
	if res, err := d.Query(context.Background(), req); err != nil || res.Len() != 3 {
		t.Errorf("run: %v", err)
	}
}

func TestSettingsFromConfig(t *testing.T) {
	t.Setenv("HK_SPLUNK_PW", "pw-from-env")
	cfg, err := config.Parse("msticpyconfig.yaml", []byte(`
DataProviders:
  Splunk:
    Args:
      host: splunk.example.com
      port: 8089
      username: alice
      password:
        EnvironmentVar: HK_SPLUNK_PW
      app: search
      verify: true
      ca_file: /etc/ssl/splunk-ca.pem
      timeout: 90
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "https://splunk.example.com:8089" || s.Password != "pw-from-env" || s.App != "search" ||
		s.Conn.TLS.Insecure || s.Conn.TLS.CAFile != "/etc/ssl/splunk-ca.pem" || s.Timeout != 90*time.Second {
		t.Errorf("settings %+v", s)
	}
	cfg, _ = config.Parse("c.yaml", []byte("DataProviders:\n  Splunk:\n    Args:\n      host: h\n"))
	if _, err := SettingsFrom(context.Background(), cfg); !errors.Is(err, ErrConfig) || !errors.Is(err, config.ErrMissing) {
		t.Errorf("no credentials: %v", err)
	}
	// a missing host is a configuration error (config.ErrMissing: the CLI's exit code 3)
	cfg, _ = config.Parse("c.yaml", []byte("DataProviders:\n  Splunk:\n    Args:\n      bearer_token: t\n"))
	_, err = New(context.Background(), query.Settings{Config: cfg})
	if !errors.Is(err, ErrConfig) || !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "Args.host is not set") {
		t.Errorf("no host: %v", err)
	}
}

func TestTLSVerifiedByDefault(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(golden(t, "export.json"))
	}))
	defer srv.Close()
	d, err := NewWith(Settings{BaseURL: srv.URL, Token: "tok123"}) // no CA for the test certificate
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Query(context.Background(), query.Request{Text: "index=x"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
}

func TestRegistered(t *testing.T) {
	env, err := query.LookupEnv("splunk")
	if err != nil || !env.Built() {
		t.Fatalf("Splunk registered: %v built=%v", err, env.Built())
	}
}

func TestConnect(t *testing.T) {
	f, srv := serve(t, body(golden(t, "export.json")))
	if err := driver(t, srv, nil).Connect(context.Background()); err != nil || f.logins.Load() != 1 {
		t.Fatalf("session connect: %v, logins %d", err, f.logins.Load())
	}
	if err := driver(t, srv, func(s *Settings) { s.Password = "bad" }).Connect(context.Background()); !errors.Is(err, remote.ErrAuth) {
		t.Fatalf("bad password: %v", err)
	}
}
