package cybereason

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/remotetest"
	"github.com/huntkit/huntkit/query"
)

// fake is a Cybereason server on loopback: /login.html hands out a JSESSIONID for
// analyst / S3cret!pw, the visual search answers pages of testdata/results.json.
type fake struct {
	t        *testing.T
	results  []json.RawMessage // in order
	ids      []string
	total    int // totalResults announced (default: len(results))
	firstCut int // results in the first answer without a token (msticpy's "short first page")
	stopAt   int // pages with a token beyond this hold nothing (0: no stop)
	expireAt int // the query request (1-based) whose session is refused once
	status   string
	mu       sync.Mutex
	sessions map[string]bool
	queries  int
	bodies   []map[string]any
}

func newFake(t *testing.T) *fake {
	b, err := os.ReadFile("testdata/results.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct {
			Map json.RawMessage `json:"resultIdToElementDataMap"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	f := &fake{t: t, sessions: map[string]bool{}, status: "SUCCESS", firstCut: 1}
	dec := json.NewDecoder(strings.NewReader(string(doc.Data.Map)))
	dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		var raw json.RawMessage
		dec.Decode(&raw)
		f.ids = append(f.ids, tok.(string))
		f.results = append(f.results, raw)
	}
	return f
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/login.html":
		r.ParseForm()
		if r.PostForm.Get("username") != "analyst" || r.PostForm.Get("password") != "S3cret!pw" {
			w.Header().Set("Location", "/login.html?error=true")
			w.WriteHeader(http.StatusFound)
			return
		}
		f.mu.Lock()
		id := fmt.Sprintf("SESSION%d", len(f.sessions)+1)
		f.sessions[id] = true
		f.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: "/", HttpOnly: true})
		w.Header().Set("Location", "/")
		w.WriteHeader(http.StatusFound)
	case "/rest/visualsearch/query/simple":
		ck, err := r.Cookie("JSESSIONID")
		f.mu.Lock()
		f.queries++
		n := f.queries
		if err == nil && n == f.expireAt {
			delete(f.sessions, ck.Value)
		}
		ok := err == nil && f.sessions[ck.Value]
		f.mu.Unlock()
		if !ok {
			w.Header().Set("Location", "/login.html")
			w.WriteHeader(http.StatusFound)
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		f.bodies = append(f.bodies, body)
		f.mu.Unlock()
		pg := body["pagination"].(map[string]any)
		size := int(pg["pageSize"].(float64))
		from, to := 0, f.firstCut
		token := "TOKEN-1"
		if t, ok := pg["paginationToken"].(string); ok {
			if t != token || r.Header.Get("Pagination-Token") != token {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			from = int(pg["skip"].(float64))
			to = from + size
			if f.stopAt > 0 && from >= f.stopAt {
				to = from
			}
		}
		to = min(to, len(f.results))
		from = min(from, to)
		var parts []string
		for i := from; i < to; i++ {
			parts = append(parts, fmt.Sprintf("%q:%s", f.ids[i], f.results[i]))
		}
		total := f.total
		if total == 0 {
			total = len(f.results)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"resultIdToElementDataMap":{%s},"paginationToken":%q,"totalResults":%d},"status":%q,"message":"%s","failures":0}`,
			strings.Join(parts, ","), token, total, f.status, map[string]string{"PARTIAL_SUCCESS": "1 of 3 servers timed out", "FAILURE": "Unknown facet: nope"}[f.status])
	default:
		http.NotFound(w, r)
	}
}

func setup(t *testing.T, f *fake, mod func(*Settings)) (*remotetest.Server, *Driver) {
	srv := remotetest.Serve(t, f)
	s := Settings{URL: srv.URL, ClientID: "analyst", ClientSecret: "S3cret!pw", PageSize: 2, Conn: srv.Conn(time.Minute)}
	if mod != nil {
		mod(&s)
	}
	d, err := NewWith(s)
	if err != nil {
		t.Fatal(err)
	}
	return srv, d
}

var req = query.Request{Text: `{"queryPath":[{"requestedType":"Process","filters":[],"isResult":true}],"customFields":["elementDisplayName"]}`,
	Language: "cybereason"}

func TestQueryReadsEveryPage(t *testing.T) {
	f := newFake(t)
	srv, d := setup(t, f, nil)
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := d.Query(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || res.Partial() != nil {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
	// the first answer (no token) held one result; pages 0 and 1 with the token hold the rest
	if len(f.bodies) != 3 || srv.Count("/login.html") != 1 {
		t.Fatalf("queries %d logins %d", len(f.bodies), srv.Count("/login.html"))
	}
	b0, b2 := f.bodies[0], f.bodies[2]
	if b0["totalResultLimit"].(float64) != 1000 || b0["templateContext"] != "SPECIFIC" || b0["customFields"].([]any)[0] != "elementDisplayName" {
		t.Errorf("first body %v", b0)
	}
	if pg := b2["pagination"].(map[string]any); pg["page"].(float64) != 2 || pg["skip"].(float64) != 2 {
		t.Errorf("third body's pagination %v", pg)
	}
	names := res.Col("elementDisplayName")
	if names.Str(0) != "powershell.exe" || names.Str(2) != "rundll32.exe" {
		t.Errorf("names %v %v", names.Str(0), names.Str(2))
	}
	if c := res.Col("creationTime"); c == nil || c.Type() != frame.Time || !c.Time(0).Equal(time.UnixMilli(1709632800000)) {
		t.Errorf("creationTime %v", res.Fields())
	}
	if res.Col("commandLine").Str(0) != "powershell.exe -enc SQBFAFgA" {
		t.Errorf("trailing NUL kept: %q", res.Col("commandLine").Str(0))
	}
	if res.Col("ownerMachine.Machine").Str(2) != "SRV-DB" || res.Col("ownerMachine.Machine.guid") == nil ||
		res.Col("calculatedUser.User").Str(0) != `corp\alice` || res.Col("resultId").Str(1) != "-1845889193.4223404221281234553" {
		t.Errorf("element values %v", res.Fields())
	}
	if c := res.Col("isMalicious"); c.Type() != frame.Bool || !c.Bool(0) || c.Bool(1) {
		t.Errorf("isMalicious %v", c.Type())
	}
	if c := res.Col("endTime"); c.Type() != frame.Dynamic {
		t.Errorf("two end times should be a list: %v", c.Type())
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("bad credentials", func(t *testing.T) {
		_, d := setup(t, newFake(t), func(s *Settings) { s.ClientSecret = "wrong" })
		err := d.Connect(ctx)
		if !errors.Is(err, remote.ErrAuth) || strings.Contains(err.Error(), "wrong") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("expired session signs in again", func(t *testing.T) {
		f := newFake(t)
		f.expireAt = 2
		srv, d := setup(t, f, nil)
		res, err := d.Query(ctx, req)
		if err != nil || res.Len() != 3 || res.Partial() != nil || srv.Count("/login.html") != 2 {
			t.Fatalf("rows %v err %v logins %d", res, err, srv.Count("/login.html"))
		}
	})
	t.Run("429 with Retry-After then success", func(t *testing.T) {
		f := newFake(t)
		srv, d := setup(t, f, nil)
		d.Connect(ctx)
		srv.Set(remotetest.Sequence(remotetest.Status(http.StatusTooManyRequests, `{"message":"slow down"}`, "1"), f))
		res, err := d.Query(ctx, req)
		if err != nil || res.Len() != 3 {
			t.Fatalf("rows %v err %v", res, err)
		}
		if n := srv.Count("/rest/visualsearch/query/simple"); n != 4 {
			t.Errorf("query requests %d, want 4 (one refused, then three pages)", n)
		}
	})
	t.Run("429 asking for too long a wait", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusTooManyRequests, `{"message":"quota used"}`, "3600"))
		_, err := d.Query(ctx, req)
		if !errors.Is(err, remote.ErrRateLimited) || !strings.Contains(err.Error(), "Retry-After 3600") || !strings.Contains(err.Error(), "quota used") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("500", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusInternalServerError, `{"message":"bad query"}`, ""))
		_, err := d.Query(ctx, req)
		if !errors.Is(err, remote.ErrServer) || !errors.Is(err, httpretry.ErrExhausted) || !strings.Contains(err.Error(), "bad query") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv, d := setup(t, newFake(t), func(s *Settings) { s.Conn.Retries = -1 })
		d.Connect(ctx)
		d.client.HTTP.Timeout = 50 * time.Millisecond
		srv.Set(remotetest.Hang())
		_, err := d.Query(ctx, req)
		if !errors.Is(err, httpretry.ErrTimeout) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("malformed body", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusOK, `{"data":{"resultIdToElementDataMap":[1,2]},"status":"SUCCESS"}`, ""))
		_, err := d.Query(ctx, req)
		if !errors.Is(err, remote.ErrMalformed) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("body cut on a later page keeps the rows so far", func(t *testing.T) {
		f := newFake(t)
		srv, d := setup(t, f, func(s *Settings) { s.Conn.Retries = -1 })
		d.Connect(ctx)
		srv.Set(remotetest.Sequence(f, f, remotetest.Truncated(`{"data":{"resultIdToElementDataMap":{}}}`, 12)))
		res, err := d.Query(ctx, req)
		if err != nil || res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) {
			t.Fatalf("rows %v err %v partial %v", res, err, res.Partial())
		}
	})
	t.Run("paging that stops early is flagged", func(t *testing.T) {
		f := newFake(t)
		f.stopAt = 2
		_, d := setup(t, f, nil)
		res, err := d.Query(ctx, req)
		if err != nil || res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) || !strings.Contains(res.Partial().Error(), "2 of the 3") {
			t.Fatalf("rows %v err %v partial %v", res, err, res.Partial())
		}
	})
	t.Run("PARTIAL_SUCCESS is flagged", func(t *testing.T) {
		f := newFake(t)
		f.status = "PARTIAL_SUCCESS"
		_, d := setup(t, f, nil)
		res, err := d.Query(ctx, req)
		if err != nil || res.Len() != 3 || res.Partial() == nil || !strings.Contains(res.Partial().Error(), "timed out") {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("FAILURE is an error", func(t *testing.T) {
		f := newFake(t)
		f.status = "FAILURE"
		_, d := setup(t, f, nil)
		if _, err := d.Query(ctx, req); !errors.Is(err, ErrSearch) || !strings.Contains(err.Error(), "Unknown facet") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		_, d := setup(t, newFake(t), nil)
		if _, err := d.Query(ctx, query.Request{Text: "process where name = x"}); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Hang())
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(20*time.Millisecond, cancel)
		if _, err := d.Query(cctx, req); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSettingsFromConfig(t *testing.T) {
	t.Setenv("CR_SECRET", "from-env")
	cfg, err := config.Parse("msticpyconfig.yaml", []byte(`
DataProviders:
  Cybereason:
    Args:
      TenantId: acme
      ClientId: analyst
      ClientSecret:
        EnvironmentVar: CR_SECRET
      max_results: 5000
      timeout: 30
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "https://acme.cybereason.net" || s.ClientID != "analyst" || s.ClientSecret != "from-env" || s.MaxResults != 5000 || s.Conn.Timeout != 30*time.Second {
		t.Errorf("settings %+v", s)
	}
	cfg, _ = config.Parse("c.yaml", []byte("DataProviders:\n  Cybereason:\n    Args:\n      tenant_id: acme\n"))
	_, err = New(context.Background(), query.Settings{Config: cfg})
	if !errors.Is(err, ErrConfig) || !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "client_id, client_secret") {
		t.Errorf("missing keys: %v", err)
	}
}

// TestTemplateRendersJSONValues renders a template in msticpy's Cybereason format: lists are
// spliced into their array, times become epoch milliseconds, the rest stays JSON.
func TestTemplateRendersJSONValues(t *testing.T) {
	ts, err := query.LoadDir("testdata/templates")
	if err != nil || len(ts) != 1 {
		t.Fatalf("templates %v err %v", ts, err)
	}
	env, _ := query.LookupEnv(Name)
	dl, err := ts[0].DialectIn(env)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	r, err := ts[0].Render(dl, map[string]any{"host_list": "WKS-001,SRV-\"DB\"", "command": `-enc "x"`,
		"start": start, "end": start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		QueryPath []struct {
			Filters []struct {
				FacetName string `json:"facetName"`
				Values    []any  `json:"values"`
			} `json:"filters"`
		} `json:"queryPath"`
		CustomFields []string `json:"customFields"`
	}
	if err := json.Unmarshal([]byte(r.Text), &q); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.Text)
	}
	hosts := q.QueryPath[0].Filters[0].Values
	between := q.QueryPath[1].Filters[0]
	if len(hosts) != 2 || hosts[1] != `SRV-"DB"` || between.FacetName != "creationTime" ||
		between.Values[0] != float64(1709632800000) || between.Values[1] != float64(1709636400000) ||
		q.QueryPath[1].Filters[1].Values[0] != `-enc "x"` || len(q.CustomFields) != 5 {
		t.Fatalf("rendered:\n%s", r.Text)
	}
	// and it runs
	_, d := setup(t, newFake(t), nil)
	res, err := d.Query(context.Background(), r)
	if err != nil || res.Len() != 3 {
		t.Fatalf("rows %v err %v", res, err)
	}
	cols := res.Names()
	sort.Strings(cols)
	if len(cols) < 5 {
		t.Errorf("columns %v", cols)
	}
}
