package httpretry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestStreamLeavesFinalBodyOpen(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("busy"))
			return
		}
		w.Write([]byte("line 1\n"))
		w.(http.Flusher).Flush()
		w.Write([]byte("line 2\n"))
	}))
	defer srv.Close()
	c := &Client{Name: "svc", MaxRetries: 2, BaseDelay: time.Millisecond, Timeout: time.Minute}
	resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("q"), Idempotent: true, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil || resp.Stream == nil || resp.Attempts != 2 {
		t.Fatalf("response %+v", resp)
	}
	b, err := io.ReadAll(resp.Stream)
	resp.Stream.Close()
	if err != nil || string(b) != "line 1\nline 2\n" {
		t.Fatalf("stream %q err %v", b, err)
	}
}

func TestStreamNotUsedForRefusals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("bad token"))
	}))
	defer srv.Close()
	c := &Client{Name: "svc"}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, Stream: true})
	if err == nil || resp == nil || resp.Stream != nil || string(resp.Body) != "bad token" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

func TestCertificateFailureNotRetried(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := &Client{Name: "svc", MaxRetries: 3, BaseDelay: time.Hour} // a retry would wait an hour
	_, err := c.Do(context.Background(), Request{URL: srv.URL})
	var te *TransportError
	if !errors.As(err, &te) || !te.Permanent || !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
}
