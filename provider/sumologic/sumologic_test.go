package sumologic

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/remotetest"
	"github.com/huntkit/huntkit/query"
)

func golden(t *testing.T, name string) []byte { return remotetest.Golden(t, name) }

// fakeSumo follows the Search Job API: one job, "GATHERING RESULTS" on the first poll, then
// the done status; hooks replace an answer by path kind ("create", "status", "page").
type fakeSumo struct {
	t       *testing.T
	done    string // status file when done
	page    string // messages or records file
	hook    func(kind string, w http.ResponseWriter, r *http.Request) bool
	mu      sync.Mutex
	polls   int
	deleted bool
	created map[string]any
	offsets []string
}

func (f *fakeSumo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if u, p, ok := r.BasicAuth(); !ok || u != "suABC" || p != "key123" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(golden(f.t, "unauthorized.json"))
		return
	}
	kind := "status"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/search/jobs":
		kind = "create"
	case r.Method == http.MethodDelete:
		kind = "delete"
	case strings.HasSuffix(r.URL.Path, "/messages"), strings.HasSuffix(r.URL.Path, "/records"):
		kind = "page"
	}
	if f.hook != nil && f.hook(kind, w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch kind {
	case "create":
		json.NewDecoder(r.Body).Decode(&f.created)
		w.WriteHeader(http.StatusAccepted)
		w.Write(golden(f.t, "create.json"))
	case "delete":
		f.deleted = true
		w.Write([]byte(`{"id":"37589506F194FC80"}`))
	case "page":
		f.offsets = append(f.offsets, r.URL.Query().Get("offset"))
		if r.URL.Query().Get("offset") != "0" {
			w.Write([]byte(`{"fields":[],"messages":[],"records":[]}`))
			return
		}
		w.Write(golden(f.t, f.page))
	default:
		f.polls++
		if f.polls == 1 {
			w.Write(golden(f.t, "gathering.json"))
			return
		}
		w.Write(golden(f.t, f.done))
	}
}

func setup(t *testing.T, f *fakeSumo, mod func(*Settings)) *Driver {
	t.Helper()
	f.t = t
	if f.done == "" {
		f.done, f.page = "done.json", "messages.json"
	}
	srv := remotetest.Serve(t, f)
	s := Settings{Endpoint: srv.URL + "/api", AccessID: "suABC", AccessKey: "key123", Interval: time.Millisecond,
		Conn: srv.Conn(time.Minute)}
	if mod != nil {
		mod(&s)
	}
	d, err := NewWith(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var window = query.Request{Text: `_sourceCategory=prod/web/nginx "wp-login"`,
	Start: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), End: time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC)}

func TestMessages(t *testing.T) {
	f := &fakeSumo{}
	d := setup(t, f, nil)
	res, err := d.Query(context.Background(), window)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || strings.Join(res.Names(), ",") != "_messageid,_messagetime,_sourcecategory,_raw" {
		t.Fatalf("%d rows %v", res.Len(), res.Names())
	}
	if c := res.Col("_messagetime"); c.Type() != frame.Int || c.Int(2) != 1709632802500 {
		t.Errorf("_messagetime %v %v", c.Type(), c.Value(2))
	}
	if f.created["from"] != "2024-03-05T10:00:00" || f.created["to"] != "2024-03-05T11:00:00" || f.created["timeZone"] != "UTC" {
		t.Errorf("job %v", f.created)
	}
	if f.polls != 2 || !f.deleted {
		t.Errorf("polls %d deleted %v", f.polls, f.deleted)
	}
}

func TestRecordsPaged(t *testing.T) {
	f := &fakeSumo{done: "done_records.json", page: "records.json"}
	d := setup(t, f, func(s *Settings) { s.PageSize = 1 })
	res, err := d.Query(context.Background(), query.Request{Text: "* | count by _sourceCategory"})
	if err != nil {
		t.Fatal(err)
	}
	// the page of offset 0 holds both records; count 2 reached: no second request
	if res.Len() != 2 || res.Col("_count").Type() != frame.Int || len(f.offsets) != 1 {
		t.Fatalf("rows %d offsets %v", res.Len(), f.offsets)
	}
	if got := strings.Join(res.Names(), ","); got != "_sourcecategory,_count" {
		t.Errorf("columns %s", got)
	}
}

func TestBadCredentials(t *testing.T) {
	d := setup(t, &fakeSumo{}, func(s *Settings) { s.AccessKey = "nope" })
	_, err := d.Query(context.Background(), window)
	if !errors.Is(err, remote.ErrAuth) || !strings.Contains(err.Error(), "Credential could not be verified") || strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	n := 0
	f := &fakeSumo{hook: func(kind string, w http.ResponseWriter, r *http.Request) bool {
		if kind == "status" {
			n++
		}
		if kind == "status" && n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"status":429,"code":"rate.limit.exceeded","message":"Rate limit exceeded."}`))
			return true
		}
		return false
	}}
	d := setup(t, f, nil)
	start := time.Now()
	res, err := d.Query(context.Background(), window)
	if err != nil || res.Len() != 3 || n < 2 {
		t.Fatalf("res %v err %v status requests %d", res, err, n)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("the retry came after %v, before the Retry-After of 1 s", waited)
	}
}

func TestServerError(t *testing.T) {
	f := &fakeSumo{hook: func(kind string, w http.ResponseWriter, r *http.Request) bool {
		if kind == "status" {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"status":500,"code":"internal.error","message":"Internal server error."}`))
			return true
		}
		return false
	}}
	_, err := setup(t, f, nil).Query(context.Background(), window)
	if !errors.Is(err, remote.ErrServer) || !strings.Contains(err.Error(), "Internal server error") || !f.deleted {
		t.Fatalf("err = %v deleted %v", err, f.deleted)
	}
}

func TestTimeoutWhilePolling(t *testing.T) {
	f := &fakeSumo{hook: func(kind string, w http.ResponseWriter, r *http.Request) bool {
		if kind == "status" {
			w.Write(golden(t, "gathering.json")) // never done
			return true
		}
		return false
	}}
	d := setup(t, f, func(s *Settings) { s.Timeout = 200 * time.Millisecond; s.Interval = 20 * time.Millisecond })
	_, err := d.Query(context.Background(), window)
	if !errors.Is(err, context.DeadlineExceeded) || !f.deleted {
		t.Fatalf("err = %v deleted %v", err, f.deleted)
	}
}

func TestPageCut(t *testing.T) {
	f := &fakeSumo{hook: func(kind string, w http.ResponseWriter, r *http.Request) bool {
		if kind == "page" {
			b := golden(t, "messages.json")
			w.Header().Set("Content-Length", "99999")
			w.Write(b[:len(b)-80]) // cut inside the third message
			return true
		}
		return false
	}}
	res, err := setup(t, f, nil).Query(context.Background(), window)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestMalformed(t *testing.T) {
	f := &fakeSumo{hook: func(kind string, w http.ResponseWriter, r *http.Request) bool {
		if kind == "page" {
			w.Write([]byte(`<html>maintenance</html>`))
			return true
		}
		return false
	}}
	if _, err := setup(t, f, nil).Query(context.Background(), window); !errors.Is(err, remote.ErrMalformed) {
		t.Fatalf("err = %v", err)
	}
}

func TestQueryError(t *testing.T) {
	f := &fakeSumo{done: "bad_query.json", page: "messages.json"}
	_, err := setup(t, f, nil).Query(context.Background(), query.Request{Text: "* | | count"})
	if !errors.Is(err, ErrQuery) || !strings.Contains(err.Error(), "Parse error") {
		t.Fatalf("err = %v", err)
	}
}

func TestSettingsFromConfig(t *testing.T) {
	t.Setenv("HK_SUMO_KEY", "key123")
	cfg, err := config.Parse("c.yaml", []byte(`
DataProviders:
  Sumologic:
    Args:
      connection_str: https://api.eu.sumologic.com/api
      accessid: suABC
      accesskey:
        EnvironmentVar: HK_SUMO_KEY
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), cfg)
	if err != nil || s.AccessKey != "key123" || s.Endpoint != "https://api.eu.sumologic.com/api" {
		t.Fatalf("%+v %v", s, err)
	}
	env, err := query.LookupEnv("SumoLogic")
	if err != nil || !env.Built() || env.Name != Name {
		t.Fatalf("registered: %v", err)
	}
}
