package httpretry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// server answers with the given steps in order (the last repeats) and counts requests.
func server(t *testing.T, steps ...func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1) - 1)
		steps[min(i, len(steps)-1)](w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"n":1}`))
	}
}

func fast() *Client {
	return &Client{Name: "svc", MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
}

func TestRetryAfter429ThenOK(t *testing.T) {
	srv, n := server(t, status(429, "Retry-After", "0"), status(200))
	resp, err := fast().Do(t.Context(), Request{URL: srv.URL})
	if err != nil || resp.Status != 200 || resp.Attempts != 2 || n.Load() != 2 {
		t.Fatalf("resp %+v err %v hits %d; want 200 after 2 attempts", resp, err, n.Load())
	}
}

func TestRetryAfterLongerThanMaxDelayGivesUpAtOnce(t *testing.T) {
	srv, n := server(t, status(429, "Retry-After", "3600"))
	resp, err := fast().Do(t.Context(), Request{URL: srv.URL})
	var ee *ExhaustedError
	if !errors.As(err, &ee) || ee.Status != 429 || ee.RetryAfter != time.Hour || n.Load() != 1 {
		t.Fatalf("err %v hits %d; want ExhaustedError with status 429 after 1 attempt", err, n.Load())
	}
	if resp == nil || resp.Status != 429 {
		t.Errorf("last response %+v; want the 429", resp)
	}
	if !strings.Contains(err.Error(), "retry after 1h0m0s") {
		t.Errorf("message %q", err)
	}
}

func Test500ThenOK(t *testing.T) {
	srv, n := server(t, status(500), status(502), status(200))
	resp, err := fast().Do(t.Context(), Request{URL: srv.URL})
	if err != nil || resp.Status != 200 || n.Load() != 3 {
		t.Fatalf("resp %+v err %v hits %d", resp, err, n.Load())
	}
}

func TestExhaustedCarriesLastStatus(t *testing.T) {
	srv, n := server(t, status(500), status(503))
	c := fast()
	c.MaxRetries = 2
	_, err := c.Do(t.Context(), Request{URL: srv.URL})
	var ee *ExhaustedError
	if !errors.As(err, &ee) || !errors.Is(err, ErrExhausted) || ee.Status != 503 || ee.Attempts != 3 || n.Load() != 3 {
		t.Fatalf("err %v hits %d; want ErrExhausted, last status 503, 3 attempts", err, n.Load())
	}
}

func TestUnauthorizedIsOneLineWithoutRetries(t *testing.T) {
	for _, code := range []int{401, 403} {
		srv, n := server(t, status(code))
		c := fast()
		c.Secrets = []string{"s3cret"}
		resp, err := c.Do(t.Context(), Request{URL: srv.URL + "/x?key=s3cret"})
		if !errors.Is(err, ErrUnauthorized) || n.Load() != 1 || resp == nil || resp.Status != code {
			t.Fatalf("%d: err %v hits %d; want ErrUnauthorized after one request", code, err, n.Load())
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "s3cret") || !strings.HasPrefix(msg, "svc: HTTP ") {
			t.Errorf("%d: message %q: want one line naming the service, no secret", code, msg)
		}
	}
}

func TestOtherStatusesAreReturned(t *testing.T) {
	srv, n := server(t, status(404))
	resp, err := fast().Do(t.Context(), Request{URL: srv.URL})
	if err != nil || resp.Status != 404 || n.Load() != 1 {
		t.Fatalf("resp %+v err %v hits %d", resp, err, n.Load())
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv, n := server(t, status(503))
	c := &Client{Name: "svc", MaxRetries: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for n.Load() < 1 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Do(ctx, Request{URL: srv.URL})
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Fatalf("err %v hits %d; want context.Canceled after the first attempt", err, n.Load())
	}
}

// Rate limits are checked by counting requests, never by timing them.
func TestRateLimitRespected(t *testing.T) {
	srv, n := server(t, status(200))
	c := &Client{Name: "svc", Limiter: rate.NewLimiter(rate.Every(time.Hour), 2)}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var ok, limited int
	for range 4 {
		_, err := c.Do(ctx, Request{URL: srv.URL})
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrLimitDeadline):
			limited++
		default:
			t.Fatalf("err %v", err)
		}
	}
	if ok != 2 || limited != 2 || n.Load() != 2 {
		t.Errorf("ok %d limited %d hits %d; want the burst of 2 sent, 2 refused", ok, limited, n.Load())
	}
}

func TestPerHostRateLimit(t *testing.T) {
	a, na := server(t, status(200))
	b, nb := server(t, status(200))
	c := &Client{Name: "svc", HostRate: rate.Every(time.Hour), HostBurst: 1}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for _, u := range []string{a.URL, b.URL, a.URL, b.URL} {
		c.Do(ctx, Request{URL: u})
	}
	if na.Load() != 1 || nb.Load() != 1 {
		t.Errorf("hits %d and %d; want one per host", na.Load(), nb.Load())
	}
}

func TestPostIsNotRetriedUnlessIdempotent(t *testing.T) {
	srv, n := server(t, status(503), status(200))
	_, err := fast().Do(t.Context(), Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("{}")})
	if !errors.Is(err, ErrExhausted) || n.Load() != 1 {
		t.Fatalf("POST: err %v hits %d; want no retry", err, n.Load())
	}
	srv, n = server(t, status(503), status(200))
	resp, err := fast().Do(t.Context(), Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("{}"), Idempotent: true})
	if err != nil || resp.Status != 200 || n.Load() != 2 {
		t.Fatalf("idempotent POST: err %v hits %d; want a retry", err, n.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Offline: a name that does not resolve, or a network that is unreachable, fails at once.
func TestOfflineFailsFast(t *testing.T) {
	for name, cause := range map[string]error{
		"dns":     &net.DNSError{Err: "no such host", Name: "rdap.example", IsNotFound: true},
		"unreach": &net.OpError{Op: "dial", Net: "tcp", Err: errNetUnreach},
	} {
		var n atomic.Int64
		c := &Client{Name: "svc", MaxRetries: 3, BaseDelay: time.Hour, HTTP: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			n.Add(1)
			return nil, cause
		})}}
		_, err := c.Do(t.Context(), Request{URL: "http://rdap.example/ip/8.8.8.8"})
		var te *TransportError
		if !errors.As(err, &te) || !te.Permanent || !errors.Is(err, ErrUnreachable) || n.Load() != 1 {
			t.Errorf("%s: err %v attempts %d; want one attempt, a permanent ErrUnreachable", name, err, n.Load())
		}
	}
}

func TestConnectionRefusedIsRetriedWithoutTheLimiter(t *testing.T) {
	var n atomic.Int64
	c := fast()
	c.MaxRetries = 2
	c.Limiter = rate.NewLimiter(rate.Every(time.Hour), 1)
	c.HTTP = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	})}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Do(ctx, Request{URL: "http://127.0.0.1:1/"})
	if !errors.Is(err, ErrExhausted) || !errors.Is(err, ErrUnreachable) || !IsUnreachable(err) || n.Load() != 3 {
		t.Errorf("err %v attempts %d; want 3 attempts then ErrExhausted/ErrUnreachable", err, n.Load())
	}
}

func TestMaxElapsedBoundsRetries(t *testing.T) {
	srv, n := server(t, status(503))
	c := &Client{Name: "svc", MaxRetries: 10, BaseDelay: time.Hour, MaxDelay: time.Hour, MaxElapsed: time.Minute}
	_, err := c.Do(t.Context(), Request{URL: srv.URL})
	if !errors.Is(err, ErrBudget) || !errors.Is(err, ErrExhausted) || n.Load() != 1 {
		t.Errorf("err %v hits %d; want ErrBudget after one attempt (the next wait passes the budget)", err, n.Load())
	}
}

func TestTimeoutIsTyped(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c := &Client{Name: "svc", Timeout: 20 * time.Millisecond}
	_, err := c.Do(t.Context(), Request{URL: srv.URL})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "timed out after 20ms") {
		t.Errorf("err %v; want ErrTimeout", err)
	}
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	for attempt := range 30 {
		d := Backoff(100*time.Millisecond, time.Second, attempt)
		want := min(100*time.Millisecond<<min(attempt, 20), time.Second)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %s outside [%s, %s]", attempt, d, want/2, want)
		}
	}
}

var errNetUnreach error = syscall.ENETUNREACH
