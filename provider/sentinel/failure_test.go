package sentinel_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/provider/sentinel"
)

// laServer is a Log Analytics stand-in answering every query with h, over TLS. The
// returned CA file trusts both it and the emulator (which issues the tokens).
func laServer(t *testing.T, srv *emulate.Server, h http.HandlerFunc) (url, caFile string, calls *atomic.Int32) {
	t.Helper()
	calls = &atomic.Int32{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.URL.Path != "/v1/workspaces/"+srv.WorkspaceID()+"/query" {
			http.Error(w, "bad request from the client", http.StatusTeapot)
			return
		}
		h(w, r)
	}))
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ca := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), srv.CAPEM...)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	return ts.URL, caFile, calls
}

func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// TestFailureModes: each documented failure gives one clear line.
func TestFailureModes(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	cases := []struct {
		name    string
		h       http.HandlerFunc
		want    []string
		minHits int32
	}{
		{"401", reply(401, `{"error":{"code":"InvalidTokenError","message":"The provided authentication is not valid for this resource"}}`),
			[]string{"HTTP 401", "InvalidTokenError", "not valid for this resource"}, 1},
		{"403", reply(403, `{"error":{"code":"InsufficientAccessError","message":"The provided credentials have insufficient access to perform the requested operation","innererror":{"code":"WorkspaceAccessDenied","message":"no read permission on the workspace"}}}`),
			[]string{"HTTP 403", "InsufficientAccessError", "WorkspaceAccessDenied: no read permission"}, 1},
		{"429", reply(429, `{"error":{"code":"ThrottledError","message":"Your request was throttled"}}`, "Retry-After", "1"),
			[]string{"HTTP 429", "ThrottledError", "Retry-After 1 s"}, 2},
		{"500", reply(500, `{"error":{"code":"InternalServerError","message":"An internal error occurred"}}`),
			[]string{"HTTP 500", "InternalServerError"}, 2},
		{"malformed", reply(200, `{"tables": [{"name": "PrimaryResult", "columns": [`),
			[]string{"Log Analytics query failed", "unexpected end of JSON"}, 1},
		{"wrong shape", reply(200, `{"tables": [{"name": "PrimaryResult", "columns": [{"name":"a","type":"long"}], "rows": [["x"]]}]}`),
			[]string{"Log Analytics query failed", `row 1 column a: long "x"`}, 1},
		{"error only", reply(200, `{"tables": [], "error": {"code":"BadArgumentError","message":"The request had some invalid properties"}}`),
			[]string{"Log Analytics query failed", "BadArgumentError"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url, ca, calls := laServer(t, srv, c.h)
			d := newDriver(t, writeConfig(t, srv, url, ca, "        ClientSecret: x", "clientsecret"), nil)
			_, err := d.Query(context.Background(), alertsKQL())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !errors.Is(err, sentinel.ErrQuery) {
				t.Fatalf("not one ErrQuery line: %q", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			if calls.Load() < c.minHits {
				t.Errorf("%d requests, want at least %d (retries)", calls.Load(), c.minHits)
			}
		})
	}
	t.Run("partial sample", func(t *testing.T) {
		partial, err := os.ReadFile(testdata.Shared(t, "api-samples/loganalytics/msticpy_az_mon_raw_query.json"))
		if err != nil {
			t.Fatal(err)
		}
		body := strings.TrimSpace(string(partial))
		body = strings.TrimSuffix(body, "}") + `, "error": {"code": "PartialError", "message": "There were some errors when processing your query.", "details": [{"code": "EngineError", "message": "Query execution has exceeded the allowed limits"}]}}`
		url, ca, _ := laServer(t, srv, reply(200, body))
		d := newDriver(t, writeConfig(t, srv, url, ca, "        ClientSecret: x", "clientsecret"), nil)
		f, err := d.Query(context.Background(), alertsKQL())
		if err != nil {
			t.Fatal(err)
		}
		if f.Len() == 0 || f.Partial() == nil || !strings.Contains(f.Partial().Error(), "exceeded the allowed limits") {
			t.Fatalf("rows %d partial %v", f.Len(), f.Partial())
		}
	})
	t.Run("timeout", func(t *testing.T) {
		stop := make(chan struct{})
		defer close(stop) // before the server's Close in Cleanup
		url, ca, _ := laServer(t, srv, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		})
		d := newDriver(t, writeConfig(t, srv, url, ca, "        ClientSecret: x", "clientsecret"), nil)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := d.Query(ctx, alertsKQL())
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "timed out") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestTokenEndpointDown: the authority host does not answer; the sign-in error names the
// method and the refused connection in one line.
func TestTokenEndpointDown(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	cfg := writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret")
	data, _ := os.ReadFile(cfg)
	down := strings.Replace(string(data), "authority_host: "+srv.URL, "authority_host: https://127.0.0.1:1", 1)
	if err := os.WriteFile(cfg, []byte(down), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, cfg, nil)
	err := d.Connect(context.Background())
	if !errors.Is(err, azauth.ErrNoCredential) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "clientsecret:") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
}
