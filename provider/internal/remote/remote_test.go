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
	"github.com/huntkit/huntkit/internal/httpretry"
)

func fast(srv *httptest.Server) Conn {
	return Conn{HTTP: srv.Client(), BaseDelay: time.Millisecond}
}

func TestClientRetriesAndReportsStatus(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			b, _ := io.ReadAll(r.Body)
			w.Write(b)
		}
	}))
	defer srv.Close()
	c, err := fast(srv).Client("svc", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), httpretry.Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("body"), Idempotent: true})
	if err != nil || string(resp.Body) != "body" || resp.Attempts != 3 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

func TestClientStatusErrors(t *testing.T) {
	for _, tc := range []struct {
		code       int
		retryAfter string
		want       error
	}{
		{http.StatusUnauthorized, "", ErrAuth},
		{http.StatusTooManyRequests, "3600", ErrRateLimited},
		{http.StatusInternalServerError, "", ErrServer},
		{http.StatusNotFound, "", nil},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.retryAfter != "" {
				w.Header().Set("Retry-After", tc.retryAfter)
			}
			w.WriteHeader(tc.code)
			w.Write([]byte(`{"message":"the service says no"}`))
		}))
		c, _ := fast(srv).Client("svc", func(b []byte) string {
			if strings.Contains(string(b), "says no") {
				return "says no"
			}
			return ""
		})
		_, err := c.Do(context.Background(), httpretry.Request{URL: srv.URL, Stream: true})
		srv.Close()
		var se *StatusError
		if !errors.As(err, &se) || se.Code != tc.code || se.Message == "" || !strings.Contains(err.Error(), "says no") {
			t.Errorf("%d: err = %v", tc.code, err)
			continue
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%d: %v does not match %v", tc.code, err, tc.want)
		}
		if tc.retryAfter != "" && !strings.Contains(err.Error(), "Retry-After 3600") {
			t.Errorf("%d: %v", tc.code, err)
		}
	}
}

func TestClientCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := fast(srv).Client("svc", nil)
	if _, err := c.Do(ctx, httpretry.Request{URL: srv.URL}); !errors.Is(err, context.Canceled) {
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
	tr, err := fast(srv).Transport("svc")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: tr}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"q":1}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `{"q":1}` || n.Load() != 2 {
		t.Fatalf("body %q requests %d", b, n.Load())
	}
	// a final failure is a response for the library to read, not an error
	n.Store(-100)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) })
	resp, err = c.Get(srv.URL)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("resp %v err %v", resp, err)
	}
	resp.Body.Close()
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
