package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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

func golden(t testing.TB, name string) []byte { return remotetest.Golden(t, name) }

// fakeES answers like an Elasticsearch 8.19 node: a point in time, search pages of the
// documents of testdata/docs.json repeated to total hits (sort value = hit number), ES|QL.
type fakeES struct {
	t     testing.TB
	docs  []json.RawMessage
	total int
	// hook may take over the n-th search request (0-based); it returns true when it answered.
	hook func(w http.ResponseWriter, r *http.Request, n int) bool

	mu        sync.Mutex
	pitIndex  string
	searches  []map[string]any
	esqlBody  map[string]any
	pitClosed bool
}

func (f *fakeES) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	// auth schemes are case-insensitive (RFC 9110 §11.1); the client writes "APIKey"
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !(strings.EqualFold(scheme, "ApiKey") && cred == "a2V5OnNlY3JldA==") && !(strings.EqualFold(scheme, "Basic") && cred == "ZWxhc3RpYzpjaGFuZ2VtZQ==") {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(golden(f.t, "auth_error.json"))
		return
	}
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/_pit"):
		f.mu.Lock()
		f.pitIndex = strings.Trim(strings.TrimSuffix(r.URL.Path, "/_pit"), "/")
		f.mu.Unlock()
		w.Write(golden(f.t, "pit.json"))
	case r.Method == http.MethodDelete && r.URL.Path == "/_pit":
		f.mu.Lock()
		f.pitClosed = true
		f.mu.Unlock()
		w.Write([]byte(`{"succeeded":true,"num_freed":1}`))
	case r.URL.Path == "/_search":
		f.mu.Lock()
		n := len(f.searches)
		f.searches = append(f.searches, body)
		f.mu.Unlock()
		if f.hook != nil && f.hook(w, r, n) {
			return
		}
		f.page(w, body)
	case r.URL.Path == "/_query":
		f.mu.Lock()
		f.esqlBody = body
		f.mu.Unlock()
		w.Write(golden(f.t, "esql.json"))
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeES) page(w http.ResponseWriter, body map[string]any) {
	from := 0
	if sa, ok := body["search_after"].([]any); ok {
		from = int(sa[0].(float64)) + 1
	}
	size := int(body["size"].(float64))
	var sb strings.Builder
	sb.WriteString(`{"pit_id":"46ToAwMDaWR5BXV1aWQy","took":3,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"gte"},"max_score":null,"hits":[`)
	for i := from; i < f.total && i < from+size; i++ {
		if i > from {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"_index":"logs-2024.03.01","_id":"id%d","_score":null,"_source":%s,"sort":[%d]}`, i, f.docs[i%len(f.docs)], i)
	}
	sb.WriteString(`]}}`)
	w.Write([]byte(sb.String()))
}

func newFake(t testing.TB, total int) (*fakeES, *httptest.Server) {
	var docs []json.RawMessage
	if err := json.Unmarshal(golden(t, "docs.json"), &docs); err != nil {
		t.Fatal(err)
	}
	f := &fakeES{t: t, docs: docs, total: total}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func driver(t testing.TB, srv *httptest.Server, mod func(*Settings)) *Driver {
	t.Helper()
	s := Settings{URLs: []string{srv.URL}, APIKey: "a2V5OnNlY3JldA==", Index: "logs-*", PageSize: 2,
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

func TestLucenePagesEveryHit(t *testing.T) {
	f, srv := newFake(t, 5)
	d := driver(t, srv, nil)
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	res, err := d.Query(context.Background(), query.Request{Text: "index=winlogbeat-* event.code:4625", Language: "lucene",
		Start: start, End: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 5 || res.Partial() != nil {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
	if len(f.searches) != 3 {
		t.Errorf("pages = %d, want 3 of 2 hits", len(f.searches))
	}
	if f.pitIndex != "winlogbeat-*" || !f.pitClosed {
		t.Errorf("pit index %q closed %v", f.pitIndex, f.pitClosed)
	}
	want := "_index,_id,@timestamp,event.code,event.action,event.outcome,host.name,host.ip,user.name,user.domain,source.ip,source.port,process.pid"
	if got := strings.Join(res.Names(), ","); got != want {
		t.Errorf("columns\n got %s\nwant %s", got, want)
	}
	if c := res.Col("source.port"); c.Type() != frame.Int || c.Int(2) != 50999 {
		t.Errorf("source.port %v %v", c.Type(), c.Value(2))
	}
	if c := res.Col("process.pid"); !c.IsNull(0) || c.Int(1) != 4242 {
		t.Errorf("process.pid %v %v", c.Value(0), c.Value(1))
	}
	if c := res.Col("host.ip"); c.Type() != frame.Dynamic {
		t.Errorf("host.ip type %v", c.Type())
	}
	if res.Col("user.name").Str(2) != "café" || res.Col("_id").Str(4) != "id4" {
		t.Errorf("values %v %v", res.Col("user.name").Value(2), res.Col("_id").Value(4))
	}
	b, _ := json.Marshal(f.searches[1])
	for _, w := range []string{`"search_after":[1]`, `"query_string":{"query":"event.code:4625"}`, `"_shard_doc":"asc"`,
		`"range":{"@timestamp":{"format":"strict_date_optional_time","gte":"2024-03-01T00:00:00Z","lte":"2024-03-01T01:00:00Z"}}`,
		`"pit":{"id":"46ToAwMDaWR5BXV1aWQy","keep_alive":"2m"}`} {
		if !strings.Contains(string(b), w) {
			t.Errorf("second page body lacks %s:\n%s", w, b)
		}
	}
}

func TestDSL(t *testing.T) {
	f, srv := newFake(t, 3)
	d := driver(t, srv, func(s *Settings) { s.PageSize = 100 })
	res, err := d.Query(context.Background(), query.Request{Language: "dsl",
		Text: `{"index":"auditbeat-*","query":{"term":{"user.name":"alice"}},"sort":[{"@timestamp":"desc"}]}`})
	if err != nil || res.Len() != 3 {
		t.Fatalf("rows %v err %v", res, err)
	}
	b, _ := json.Marshal(f.searches[0])
	if f.pitIndex != "auditbeat-*" || !strings.Contains(string(b), `"sort":[{"@timestamp":"desc"},{"_shard_doc":"asc"}]`) ||
		strings.Contains(string(b), `"index"`) {
		t.Errorf("index %s body %s", f.pitIndex, b)
	}
}

func TestESQLColumnar(t *testing.T) {
	f, srv := newFake(t, 0)
	d := driver(t, srv, func(s *Settings) { s.APIKey, s.Username, s.Password = "", "elastic", "changeme" })
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	res, err := d.Query(context.Background(), query.Request{Text: "FROM logs-* | STATS failures = COUNT(*) BY host.name",
		Start: start, End: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || strings.Join(res.Names(), ",") != "@timestamp,host.name,event.code,failures,ratio,source.ip,is_admin" {
		t.Fatalf("%d rows, columns %v", res.Len(), res.Names())
	}
	types := []frame.Type{frame.Time, frame.String, frame.String, frame.Int, frame.Float, frame.Dynamic, frame.Bool}
	for i, c := range res.Columns() {
		if c.Type() != types[i] {
			t.Errorf("%s: %v, want %v", c.Name(), c.Type(), types[i])
		}
	}
	if !res.Col("failures").IsNull(2) || res.Col("failures").Int(0) != 17 || !res.Col("is_admin").Bool(1) {
		t.Errorf("values %v", res.Row(0))
	}
	b, _ := json.Marshal(f.esqlBody)
	if !strings.Contains(string(b), `"columnar":true`) || !strings.Contains(string(b), `"filter":{"bool"`) {
		t.Errorf("body %s", b)
	}
}

func TestESQLError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(golden(t, "esql_error.json"))
	}))
	defer srv.Close()
	_, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "FROM logs-* | KEEP hots.name", Language: "esql"})
	if !errors.Is(err, ErrQuery) || !strings.Contains(err.Error(), "Unknown column [hots.name]") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadCredentials(t *testing.T) {
	_, srv := newFake(t, 3)
	d := driver(t, srv, func(s *Settings) { s.APIKey = "d3Jvbmc6a2V5" })
	_, err := d.Query(context.Background(), query.Request{Text: "*"})
	if !errors.Is(err, remote.ErrAuth) || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "d3Jvbmc6a2V5") {
		t.Errorf("key in error: %v", err)
	}
	if err := d.Connect(context.Background()); !errors.Is(err, remote.ErrAuth) {
		t.Errorf("connect: %v", err)
	}
}

// Elasticsearch has no session to renew (every request carries the key); what expires is
// the point in time: paging stops, the hits so far are kept and flagged.
func TestExpiredPointInTime(t *testing.T) {
	f, srv := newFake(t, 6)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			w.WriteHeader(http.StatusNotFound)
			w.Write(golden(t, "pit_expired.json"))
			return true
		}
		return false
	}
	res, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) || !strings.Contains(res.Partial().Error(), "No search context") {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	f, srv := newFake(t, 3)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write(golden(t, "rejected.json"))
			return true
		}
		return false
	}
	d := driver(t, srv, nil)
	start := time.Now()
	res, err := d.Query(context.Background(), query.Request{Text: "*"})
	if err != nil || res.Len() != 3 {
		t.Fatalf("rows %v err %v", res, err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("the retry came after %v, before the Retry-After of 1 s", waited)
	}
	// the replayed request carried the same body
	if len(f.searches) != 3 || f.searches[1]["size"] == nil {
		t.Errorf("searches %d", len(f.searches))
	}
}

func TestServerError(t *testing.T) {
	f, srv := newFake(t, 3)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":{"root_cause":[],"type":"illegal_state_exception","reason":"node is shutting down"},"status":500}`))
		return true
	}
	_, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "*"})
	if !errors.Is(err, remote.ErrServer) || !strings.Contains(err.Error(), "node is shutting down") {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutKeepsRows(t *testing.T) {
	f, srv := newFake(t, 6)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			<-r.Context().Done()
			return true
		}
		return false
	}
	d := driver(t, srv, func(s *Settings) { s.Timeout = 300 * time.Millisecond })
	res, err := d.Query(context.Background(), query.Request{Text: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || !errors.Is(res.Partial(), context.DeadlineExceeded) {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestStreamCut(t *testing.T) {
	f, srv := newFake(t, 6)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			rec := httptest.NewRecorder()
			var body map[string]any
			json.Unmarshal([]byte(`{"size":2,"search_after":[1]}`), &body)
			f.page(rec, body)
			b := rec.Body.Bytes()
			w.Header().Set("Content-Length", "99999")
			w.Write(b[:len(b)-60]) // cut inside the second hit of the page
			return true
		}
		return false
	}
	res, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || !errors.Is(res.Partial(), remote.ErrPartial) {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
}

func TestMalformedBody(t *testing.T) {
	f, srv := newFake(t, 3)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Write([]byte(`{"hits":{"hits":[{"_id":"a","_source":{"x":1}},{"_id":"b","_source":{"x" 2}}]}}`))
		return true
	}
	res, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "*"})
	if err != nil || res.Len() != 1 || !errors.Is(res.Partial(), remote.ErrMalformed) {
		t.Fatalf("rows %v err %v", res, err)
	}
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Write([]byte(`<html>gateway</html>`))
		return true
	}
	if _, err := driver(t, srv, nil).Query(context.Background(), query.Request{Text: "*"}); !errors.Is(err, remote.ErrMalformed) {
		t.Fatalf("html: %v", err)
	}
}

func TestSettingsFromConfig(t *testing.T) {
	t.Setenv("HK_ES_KEY", "a2V5OnNlY3JldA==")
	cfg, err := config.Parse("msticpyconfig.yaml", []byte(`
DataProviders:
  Elastic:
    Args:
      cloud_id: "my-deployment:ZXhhbXBsZS5jbG91ZCRhYmMkZGVm"
      api_key:
        EnvironmentVar: HK_ES_KEY
      index: "logs-*,winlogbeat-*"
      page_size: 20000
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.APIKey != "a2V5OnNlY3JldA==" || s.CloudID == "" || s.Index != "logs-*,winlogbeat-*" || s.PageSize != 10000 || s.Conn.TLS.Insecure {
		t.Errorf("%+v", s)
	}
	if _, err := NewWith(s); err != nil {
		t.Errorf("cloud id client: %v", err)
	}
	cfg, _ = config.Parse("c.yaml", []byte("DataProviders:\n  Elastic:\n    Args:\n      url: http://127.0.0.1:9200\n"))
	if _, err := SettingsFrom(context.Background(), cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("no credentials: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	env, err := query.LookupEnv("elasticsearch")
	if err != nil || !env.Built() || env.Name != Name {
		t.Fatalf("%v %v", env.Name, err)
	}
}
