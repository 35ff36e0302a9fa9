package openobserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

type fakeOO struct {
	t      *testing.T
	hits   []json.RawMessage
	hook   func(n int, w http.ResponseWriter) bool
	mu     sync.Mutex
	bodies []map[string]any
}

func (f *fakeOO) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if u, p, ok := r.BasicAuth(); !ok || u != "root@example.com" || p != "Complexpass#123" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"code":401,"message":"Unauthorized Access"}`))
		return
	}
	if r.URL.Path != "/api/default/_search" {
		http.NotFound(w, r)
		return
	}
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	n := len(f.bodies)
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	if f.hook != nil && f.hook(n, w) {
		return
	}
	q := body["query"].(map[string]any)
	from, size := 0, len(f.hits)
	if v, ok := q["from"].(float64); ok {
		from, size = int(v), int(q["size"].(float64))
	}
	var parts []string
	for i := from; i < len(f.hits) && i < from+size; i++ {
		parts = append(parts, string(f.hits[i]))
	}
	fmt.Fprintf(w, `{"took":3,"hits":[%s],"total":%d,"from":%d,"size":%d,"scan_size":1}`, strings.Join(parts, ","), len(f.hits), from, size)
}

func setup(t *testing.T, mod func(*Settings)) (*fakeOO, *Driver) {
	b, err := os.ReadFile("testdata/hits.json")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeOO{t: t}
	json.Unmarshal(b, &f.hits)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s := Settings{URL: srv.URL, User: "root@example.com", Password: "Complexpass#123", PageSize: 2,
		Conn: remote.Conn{HTTP: srv.Client(), BaseDelay: time.Millisecond}}
	if mod != nil {
		mod(&s)
	}
	d, err := NewWith(s)
	if err != nil {
		t.Fatal(err)
	}
	return f, d
}

var req = query.Request{Text: `SELECT * FROM "default" WHERE code >= 400`, Language: "sql",
	Start: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), End: time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC)}

func TestPaged(t *testing.T) {
	f, d := setup(t, nil)
	res, err := d.Query(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 || len(f.bodies) != 2 || res.Partial() != nil {
		t.Fatalf("rows %d requests %d", res.Len(), len(f.bodies))
	}
	q := f.bodies[1]["query"].(map[string]any)
	if q["from"].(float64) != 2 || q["start_time"].(float64) != 1709632800000000 || q["end_time"].(float64) != 1709636400000000 {
		t.Errorf("second request %v", q)
	}
	if c := res.Col("code"); c.Type() != frame.Int || !c.IsNull(2) || res.Col("extra").Type() != frame.Dynamic {
		t.Errorf("columns %v", res.Fields())
	}
}

func TestOwnLimitNotPaged(t *testing.T) {
	f, d := setup(t, nil)
	r := req
	r.Text = `SELECT log FROM "default" LIMIT 100`
	res, err := d.Query(context.Background(), r)
	if err != nil || res.Len() != 3 || len(f.bodies) != 1 {
		t.Fatalf("rows %v err %v requests %d", res, err, len(f.bodies))
	}
	if _, ok := f.bodies[0]["query"].(map[string]any)["size"]; ok {
		t.Error("size sent with the query's own LIMIT")
	}
}

func TestFailures(t *testing.T) {
	t.Run("bad credentials", func(t *testing.T) {
		_, d := setup(t, func(s *Settings) { s.Password = "wrong" })
		if _, err := d.Query(context.Background(), req); !errors.Is(err, remote.ErrAuth) || !strings.Contains(err.Error(), "Unauthorized Access") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("429", func(t *testing.T) {
		f, d := setup(t, nil)
		f.hook = func(n int, w http.ResponseWriter) bool {
			if n == 0 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return true
			}
			return false
		}
		if res, err := d.Query(context.Background(), req); err != nil || res.Len() != 3 {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("500 after a page", func(t *testing.T) {
		f, d := setup(t, nil)
		f.hook = func(n int, w http.ResponseWriter) bool {
			if n >= 1 { // every retry of the second page fails too
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"code":500,"message":"querier unavailable"}`))
				return true
			}
			return false
		}
		res, err := d.Query(context.Background(), req)
		if err != nil || res.Len() != 2 || !errors.Is(res.Partial(), remote.ErrServer) {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f, d := setup(t, func(s *Settings) { s.Timeout = 200 * time.Millisecond })
		f.hook = func(n int, w http.ResponseWriter) bool { time.Sleep(600 * time.Millisecond); return true }
		if _, err := d.Query(context.Background(), req); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cut", func(t *testing.T) {
		f, d := setup(t, nil)
		f.hook = func(n int, w http.ResponseWriter) bool {
			w.Header().Set("Content-Length", "9999")
			fmt.Fprintf(w, `{"took":1,"hits":[%s,{"_timestamp":17096`, f.hits[0])
			return true
		}
		res, err := d.Query(context.Background(), req)
		if err != nil || res.Len() != 1 || !errors.Is(res.Partial(), remote.ErrPartial) {
			t.Fatalf("rows %v err %v", res, err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		f, d := setup(t, nil)
		f.hook = func(n int, w http.ResponseWriter) bool { w.Write([]byte(`[1,2]`)); return true }
		if _, err := d.Query(context.Background(), req); !errors.Is(err, remote.ErrMalformed) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRegistered(t *testing.T) {
	env, err := query.LookupEnv("openobserve")
	if err != nil || !env.Built() {
		t.Fatalf("%v", err)
	}
}
