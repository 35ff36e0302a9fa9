package kusto

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/internal/httpretry"
)

// maxAttempts bounds the tries of one request (the first and its retries).
const maxAttempts = 4

// retryWait bounds one wait between tries (a longer Retry-After gives up instead).
const retryWait = 30 * time.Second

// transport retries throttled (429) and failed (500, 502, 503, 504) requests, waiting as
// Retry-After says or backing off, within ctx; it remembers the last network failure so an
// unreachable cluster is one clear line (the SDK flattens it into text).
type transport struct {
	base http.RoundTripper

	mu     sync.Mutex
	netErr error
}

// httpClient returns an HTTP client for the SDK that trusts caFile (PEM, "" for none),
// does not follow redirects (as the SDK's own client), and retries through transport.
func httpClient(caFile string) (*http.Client, *transport, error) {
	hc, err := azauth.Transport(caFile)
	if err != nil {
		return nil, nil, err
	}
	var base http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if hc != nil {
		base = hc.Transport
	}
	tr := &transport{base: base}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, tr, nil
}

func (t *transport) lastNetErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.netErr
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := t.base.RoundTrip(r)
		t.mu.Lock()
		if err != nil && ctx.Err() == nil {
			t.netErr = err
		} else {
			t.netErr = nil
		}
		t.mu.Unlock()
		if err != nil || !retryable(resp.StatusCode) || attempt >= maxAttempts {
			return resp, err
		}
		wait := httpretry.Backoff(500*time.Millisecond, 8*time.Second, attempt-1)
		if ra, ok := httpretry.RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > retryWait {
				return resp, nil
			}
			wait = ra
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
