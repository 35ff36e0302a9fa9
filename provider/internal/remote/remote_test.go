package remote

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
)

func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusTooManyRequests) // no Retry-After: the default wait
		default:
			b, _ := io.ReadAll(r.Body)
			w.Write(b)
		}
	}))
	defer srv.Close()
	var waits []time.Duration
	r := Retry{Sleep: noSleep(&waits), Default: 3 * time.Second}
	resp, err := r.Do(context.Background(), srv.Client(), func() (*http.Request, error) {
		return http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("body"))
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "body" || len(waits) != 2 || waits[0] != 5*time.Second || waits[1] != 3*time.Second {
		t.Fatalf("body %q waits %v", b, waits)
	}
}

func TestRetryGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("slow down"))
	}))
	defer srv.Close()
	var waits []time.Duration
	r := Retry{Sleep: noSleep(&waits)}
	resp, err := r.Do(context.Background(), srv.Client(), func() (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) })
	if err != nil {
		t.Fatal(err)
	}
	err = Fail("svc", resp, nil)
	if !errors.Is(err, ErrRateLimited) || len(waits) != 0 || !strings.Contains(err.Error(), "Retry-After 3600") {
		t.Fatalf("err %v waits %v (an hour is beyond MaxWait: no wait)", err, waits)
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Retry{}.Do(ctx, srv.Client(), func() (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestTransportReplaysBody(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	defer srv.Close()
	var waits []time.Duration
	c := &http.Client{Transport: &Transport{Base: srv.Client().Transport, Retry: Retry{Sleep: noSleep(&waits)}}}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"q":1}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `{"q":1}` || len(waits) != 1 {
		t.Fatalf("body %q waits %v", b, waits)
	}
}

func TestStatusErrorSentinels(t *testing.T) {
	for code, want := range map[int]error{401: ErrAuth, 429: ErrRateLimited, 500: ErrServer, 503: ErrServer} {
		if err := (&StatusError{Service: "s", Code: code}); !errors.Is(err, want) {
			t.Errorf("%d does not match %v", code, want)
		}
	}
	if errors.Is(&StatusError{Code: 404}, ErrServer) || errors.Is(&StatusError{Code: 403}, ErrAuth) {
		t.Error("404/403 matched")
	}
}

func TestTLSCAFile(t *testing.T) {
	if _, err := (TLS{CAFile: filepath.Join(t.TempDir(), "missing.pem")}).Client(0); err == nil {
		t.Error("missing CA file accepted")
	}
	p := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(p, []byte("not a certificate"), 0o600)
	if _, err := (TLS{CAFile: p}).Client(0); err == nil || !strings.Contains(err.Error(), "no PEM") {
		t.Errorf("bad CA file: %v", err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c, _ := TLS{}.Client(0)
	if _, err := c.Get(srv.URL); err == nil {
		t.Error("unknown certificate accepted with verification on")
	}
}

func TestConnection(t *testing.T) {
	c, err := config.Parse("t.yaml", []byte("DataProviders:\n  Splunk:\n    Args:\n      timeout: 30\n      ca_file: ~/ca.pem\n      verify: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	timeout, tls := Connection(c, "DataProviders.Splunk", time.Minute)
	if timeout != 30*time.Second || !tls.Insecure || !strings.HasSuffix(tls.CAFile, "/ca.pem") || strings.HasPrefix(tls.CAFile, "~") {
		t.Errorf("set: %v %+v", timeout, tls)
	}
	timeout, tls = Connection(c, "DataProviders.Elastic", time.Minute)
	if timeout != time.Minute || tls.Insecure || tls.CAFile != "" {
		t.Errorf("unset: %v %+v", timeout, tls)
	}
}
