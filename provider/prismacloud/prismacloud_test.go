package prismacloud

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
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/remotetest"
	"github.com/huntkit/huntkit/query"
)

func golden(t *testing.T, name string) []byte { return remotetest.Golden(t, name) }

// fake is a Prisma Cloud API on loopback: /login for analyst / S3cretKey, token extension,
// and the four searches answering from testdata.
type fake struct {
	t       *testing.T
	mu      sync.Mutex
	valid   map[string]bool
	n       int
	revoke  bool // refuse the next search's token once
	bodies  map[string][]map[string]any
	page2   http.Handler // answer for /search/config/page (default: config_page2.json)
	extends int
}

func newFake(t *testing.T) *fake {
	return &fake{t: t, valid: map[string]bool{}, bodies: map[string][]map[string]any{}}
}

func (f *fake) issue(w http.ResponseWriter) {
	f.mu.Lock()
	f.n++
	tok := "jwt-" + string(rune('0'+f.n))
	f.valid[tok] = true
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]string{"token": tok, "message": "login_successful"})
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/login" {
		var b map[string]string
		json.NewDecoder(r.Body).Decode(&b)
		if b["username"] != "analyst" || b["password"] != "S3cretKey" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`[{"i18nKey":"invalid_credentials","severity":"error","subject":null}]`))
			return
		}
		f.issue(w)
		return
	}
	tok := r.Header.Get("x-redlock-auth")
	f.mu.Lock()
	ok := f.valid[tok]
	if ok && f.revoke && r.URL.Path != "/auth_token/extend" {
		f.revoke, ok = false, false
		delete(f.valid, tok)
	}
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/auth_token/extend" {
		f.mu.Lock()
		f.extends++
		f.mu.Unlock()
		f.issue(w)
		return
	}
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	f.bodies[r.URL.Path] = append(f.bodies[r.URL.Path], body)
	f.mu.Unlock()
	switch r.URL.Path {
	case "/search/api/v2/config":
		w.Write(golden(f.t, "config_page1.json"))
	case "/search/config/page":
		if body["pageToken"] != "cGFnZTI=" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if f.page2 != nil {
			f.page2.ServeHTTP(w, r)
			return
		}
		w.Write(golden(f.t, "config_page2.json"))
	case "/search/event":
		w.Write(golden(f.t, "event.json"))
	case "/search":
		w.Write(golden(f.t, "network.json"))
	case "/search/api/v1/asset":
		w.Write(golden(f.t, "asset.json"))
	default:
		http.NotFound(w, r)
	}
}

func setup(t *testing.T, f *fake, mod func(*Settings)) (*remotetest.Server, *Driver) {
	srv := remotetest.Serve(t, f)
	s := Settings{URL: srv.URL, Username: "analyst", Password: "S3cretKey", PageSize: 2, Conn: srv.Conn(time.Minute)}
	if mod != nil {
		mod(&s)
	}
	d, err := NewWith(s)
	if err != nil {
		t.Fatal(err)
	}
	return srv, d
}

const configRQL = "config from cloud.resource where api.name = 'aws-s3api-get-bucket-acl'"

func TestConfigSearchPages(t *testing.T) {
	f := newFake(t)
	srv, d := setup(t, f, nil)
	res, err := d.Query(context.Background(), query.Request{Text: configRQL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || res.Partial() != nil {
		t.Fatalf("rows %d partial %v", res.Len(), res.Partial())
	}
	if srv.Count("/login") != 1 || len(f.bodies["/search/config/page"]) != 1 {
		t.Errorf("logins %d next pages %d", srv.Count("/login"), len(f.bodies["/search/config/page"]))
	}
	first := f.bodies["/search/api/v2/config"][0]
	if first["query"] != configRQL || first["withResourceJson"] != true || first["limit"].(float64) != 2 || first["timeRange"] != nil {
		t.Errorf("first body %v", first)
	}
	for _, r := range srv.Requests() {
		if r.Path != "/login" && !strings.HasPrefix(r.Header.Get("x-redlock-auth"), "jwt-") {
			t.Errorf("%s without the token", r.Path)
		}
	}
	if res.Col("name").Str(2) != "backup-acme" || res.Col("insertTs").Type() != frame.Int || res.Col("data").Type() != frame.Dynamic {
		t.Errorf("columns %v", res.Fields())
	}
}

func TestEndpointsAndWindows(t *testing.T) {
	f := newFake(t)
	_, d := setup(t, f, nil)
	start := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	ctx := context.Background()
	res, err := d.Query(ctx, query.Request{Text: "event from cloud.audit_logs where operation IN ('PutBucketWebsite')", Start: start, End: start.Add(time.Hour)})
	if err != nil || res.Len() != 2 || res.Col("operation").Str(1) != "PutBucketWebsite" || res.Col("success").Type() != frame.Bool {
		t.Fatalf("events %v err %v", res, err)
	}
	tr := f.bodies["/search/event"][0]["timeRange"].(map[string]any)
	if tr["type"] != "absolute" || tr["value"].(map[string]any)["startTime"].(float64) != 1709632800000 {
		t.Errorf("timeRange %v", tr)
	}
	res, err = d.Query(ctx, query.Request{Text: "network from vpc.flow_record where bytes > 0"})
	if err != nil || res.Len() != 2 || res.Col("ipAddr").Str(0) != "10.0.1.5" {
		t.Fatalf("network %v err %v", res, err)
	}
	if tr := f.bodies["/search"][0]["timeRange"].(map[string]any); tr["type"] != "relative" {
		t.Errorf("network without a window: %v", tr)
	}
	// msticpy's JSON body: endpoint and relative window from querymetadata
	q := `{"querymetadata": {"queryType": "x", "unit": "hour", "amount": "4", "endpoint": "assets", "query_by_user": "asset where cloud.service IN ('azure_sql_database')", "isParsedinDriver": true}}`
	res, err = d.Query(ctx, query.Request{Text: q})
	if err != nil || res.Len() != 1 || res.Col("findings").Type() != frame.Dynamic {
		t.Fatalf("assets %v err %v", res, err)
	}
	if v := f.bodies["/search/api/v1/asset"][0]["timeRange"].(map[string]any)["value"].(map[string]any); v["unit"] != "hour" || v["amount"].(float64) != 4 {
		t.Errorf("relative window %v", v)
	}
	for _, bad := range []string{"select * from x", `{"querymetadata": {"endpoint": "alerts", "query_by_user": "x"}}`, `{"querymetadata": {}}`} {
		if _, err := d.Query(ctx, query.Request{Text: bad}); !errors.Is(err, ErrQuery) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

func TestToken(t *testing.T) {
	ctx := context.Background()
	t.Run("extended before it lapses", func(t *testing.T) {
		f := newFake(t)
		now := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
		srv, d := setup(t, f, func(s *Settings) { s.Now = func() time.Time { return now } })
		if err := d.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(9*time.Minute + time.Second)
		if _, err := d.Query(ctx, query.Request{Text: "event from cloud.audit_logs where x = 1"}); err != nil {
			t.Fatal(err)
		}
		if f.extends != 1 || srv.Count("/login") != 1 || srv.Requests()[2].Header.Get("x-redlock-auth") != "jwt-2" {
			t.Errorf("extends %d logins %d", f.extends, srv.Count("/login"))
		}
	})
	t.Run("refused token signs in again", func(t *testing.T) {
		f := newFake(t)
		srv, d := setup(t, f, nil)
		d.Connect(ctx)
		f.revoke = true
		res, err := d.Query(ctx, query.Request{Text: "event from cloud.audit_logs where x = 1"})
		if err != nil || res.Len() != 2 || srv.Count("/login") != 2 {
			t.Fatalf("rows %v err %v logins %d", res, err, srv.Count("/login"))
		}
	})
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	ev := query.Request{Text: "event from cloud.audit_logs where x = 1"}
	t.Run("bad credentials", func(t *testing.T) {
		_, d := setup(t, newFake(t), func(s *Settings) { s.Password = "wrong-secret" })
		err := d.Connect(ctx)
		if !errors.Is(err, remote.ErrAuth) || !strings.Contains(err.Error(), "invalid_credentials") || strings.Contains(err.Error(), "wrong-secret") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("429 with Retry-After then success", func(t *testing.T) {
		f := newFake(t)
		srv, d := setup(t, f, nil)
		d.Connect(ctx)
		srv.Set(remotetest.Sequence(remotetest.Status(http.StatusTooManyRequests, `{"message":"rate limit"}`, "1"), f))
		res, err := d.Query(ctx, ev)
		if err != nil || res.Len() != 2 || srv.Count("/search/event") != 2 {
			t.Fatalf("rows %v err %v requests %d", res, err, srv.Count("/search/event"))
		}
	})
	t.Run("429 asking for too long a wait", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusTooManyRequests, `{"message":"rate limit"}`, "600"))
		if _, err := d.Query(ctx, ev); !errors.Is(err, remote.ErrRateLimited) || !strings.Contains(err.Error(), "Retry-After 600") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("500", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusInternalServerError, `{"message":"search backend unavailable"}`, ""))
		if _, err := d.Query(ctx, ev); !errors.Is(err, remote.ErrServer) || !strings.Contains(err.Error(), "search backend unavailable") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv, d := setup(t, newFake(t), func(s *Settings) { s.Conn.Retries = -1 })
		d.Connect(ctx)
		d.client.HTTP.Timeout = 50 * time.Millisecond
		srv.Set(remotetest.Hang())
		if _, err := d.Query(ctx, ev); !errors.Is(err, httpretry.ErrTimeout) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("malformed body", func(t *testing.T) {
		srv, d := setup(t, newFake(t), nil)
		d.Connect(ctx)
		srv.Set(remotetest.Status(http.StatusOK, `<html>maintenance</html>`, ""))
		if _, err := d.Query(ctx, ev); !errors.Is(err, remote.ErrMalformed) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("second page cut keeps the first", func(t *testing.T) {
		f := newFake(t)
		f.page2 = remotetest.Truncated(string(golden(t, "config_page2.json")), 30)
		_, d := setup(t, f, func(s *Settings) { s.Conn.Retries = -1 })
		res, err := d.Query(ctx, query.Request{Text: configRQL})
		if err != nil || res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("paging that stops early is flagged", func(t *testing.T) {
		f := newFake(t)
		f.page2 = remotetest.Status(http.StatusOK, `{"items":[],"nextPageToken":null,"totalRows":3}`, "")
		_, d := setup(t, f, nil)
		res, err := d.Query(ctx, query.Request{Text: configRQL})
		if err != nil || res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrPartial) || !strings.Contains(res.Partial().Error(), "2 of its 3") {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("max_results stops paging", func(t *testing.T) {
		f := newFake(t)
		_, d := setup(t, f, func(s *Settings) { s.MaxResults = 2 })
		res, err := d.Query(ctx, query.Request{Text: configRQL})
		if err != nil || res.Len() != 2 || res.Partial() != nil || len(f.bodies["/search/config/page"]) != 0 {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
}

func TestSettingsFromConfig(t *testing.T) {
	t.Setenv("PC_SECRET", "from-env")
	cfg, err := config.Parse("msticpyconfig.yaml", []byte(`
DataProviders:
  Prismacloud:
    Args:
      base_url: https://api2.eu.prismacloud.io
      username: AKID123
      password:
        EnvironmentVar: PC_SECRET
      timeout: 60
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "https://api2.eu.prismacloud.io" || s.Username != "AKID123" || s.Password != "from-env" || s.Conn.Timeout != time.Minute {
		t.Errorf("settings %+v", s)
	}
	cfg, _ = config.Parse("c.yaml", []byte("DataProviders:\n  PrismaCloud:\n    Args:\n      username: u\n"))
	_, err = New(context.Background(), query.Settings{Config: cfg})
	if !errors.Is(err, ErrConfig) || !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "DataProviders.PrismaCloud.Args") {
		t.Errorf("missing password: %v", err)
	}
}
