package httpretry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// Sentinel errors; the errors Do returns wrap them (test with errors.Is).
var (
	// ErrUnauthorized: the service refused the credentials (HTTP 401 or 403).
	ErrUnauthorized = errors.New("credentials refused")
	// ErrExhausted: every attempt failed with a retryable answer or transport error.
	ErrExhausted = errors.New("retries exhausted")
	// ErrUnreachable: a request got no HTTP answer (unknown host, connection refused, TLS).
	ErrUnreachable = errors.New("service unreachable")
	// ErrTimeout: one attempt took longer than Client.Timeout.
	ErrTimeout = errors.New("request timed out")
	// ErrLimitDeadline: waiting for the rate limiter would outlast the context's deadline.
	ErrLimitDeadline = errors.New("rate-limit wait would outlast the deadline")
	// ErrBudget: the next wait would pass Client.MaxElapsed.
	ErrBudget = errors.New("time budget spent")
)

// Request is one call. Body is sent again on every attempt.
type Request struct {
	Method string // GET when empty
	URL    string
	Header http.Header
	Body   []byte
	// Idempotent allows retrying a method that is not idempotent by definition (POST,
	// PATCH): set it for read-only queries sent as POST. GET, HEAD, OPTIONS, TRACE, PUT and
	// DELETE are always retryable, as is a request with an Idempotency-Key header.
	Idempotent bool
	// Stream leaves the body of the final answer unread: Response.Stream holds it open
	// (Body stays nil) and the caller must close it. Retried answers (429, 5xx, 408) and
	// 401/403 are still read for their messages. Client.Timeout then bounds the whole
	// answer, reading included, and ends when the stream is closed.
	Stream bool
}

// Response is a completed exchange.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	URL      string // the URL that answered, after redirects
	Attempts int    // attempts made, this one included
	// Stream is the unread body of a Request.Stream answer; the caller closes it.
	Stream io.ReadCloser
}

// Client sends requests with rate limiting and retries. The zero value works: no rate
// limit, no retries, the shared transport. Set fields before first use; it is then safe
// for concurrent use.
type Client struct {
	Name string       // service name, the first word of every error message
	HTTP *http.Client // transport; a shared one keeping 64 idle connections per host when nil
	// Limiter, when set, is waited for before every attempt that may reach the service.
	Limiter *rate.Limiter
	// HostRate and HostBurst, when HostRate > 0, give each host its own limiter as well.
	HostRate  rate.Limit
	HostBurst int
	// Timeout bounds one attempt (0: none).
	Timeout time.Duration
	// MaxRetries is how many times a retryable failure is retried after the first attempt:
	// 429, 5xx, 408 and transport errors other than unknown hosts and unreachable networks.
	MaxRetries int
	// BaseDelay is the first backoff (500 ms when 0), doubled each retry with jitter in
	// [d/2, d); MaxDelay caps one wait (1 min when 0). A Retry-After longer than MaxDelay
	// ends the retries at once: the caller is told instead of kept waiting.
	BaseDelay, MaxDelay time.Duration
	// MaxElapsed bounds one Do, waits included (0: only the context bounds it). A retry
	// whose wait would pass it is not made.
	MaxElapsed time.Duration
	// UserAgent and Accept are set on requests that do not carry their own.
	UserAgent, Accept string
	// MaxBody caps how much of an answer is read (64 MiB when 0).
	MaxBody int64
	// Secrets are removed from every error message (keys sent in URLs or paths).
	Secrets []string

	mu    sync.Mutex
	hosts map[string]*rate.Limiter
}

var sharedClient = &http.Client{Transport: NewTransport()}

// NewTransport returns a clone of http.DefaultTransport that keeps up to 64 idle connections
// per host (the default 2 would make concurrent lookups reconnect for every request).
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// Do sends req. It waits for the rate limiters before every attempt (not after an attempt
// that got no HTTP answer: that used none of the quota) and retries what MaxRetries allows.
// A non-retryable status other than 401/403 (2xx, 3xx, 404, 400, ...) is returned with a nil
// error for the caller to read. On ErrUnauthorized and on ErrExhausted after an HTTP answer,
// the last response is returned with the error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	base, maxd := c.BaseDelay, c.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxd <= 0 {
		maxd = time.Minute
	}
	start := time.Now()
	retryable := idempotent(req)
	var last error
	var lastResp *Response
	unsent := false
	for attempt := 1; ; attempt++ {
		if !unsent {
			if err := c.wait(ctx, req.URL); err != nil {
				return nil, err
			}
		}
		resp, err := c.once(ctx, req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, c.cancelled(ctx)
			}
			var te *TransportError
			if !errors.As(err, &te) || te.Permanent {
				return nil, err
			}
			unsent = !te.Timeout
			last, lastResp = err, nil
		case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
			resp.Attempts = attempt
			return resp, c.statusError(req, resp, 0)
		case retryStatus(resp.Status):
			resp.Attempts = attempt
			unsent = false
			ra, hasRA := RetryAfter(resp.Header.Get("Retry-After"), time.Now())
			last, lastResp = c.statusError(req, resp, ra), resp
			if hasRA {
				if ra > maxd {
					return resp, c.exhausted(attempt, last)
				}
				wait = ra
			}
		default:
			resp.Attempts = attempt
			return resp, nil
		}
		if attempt > c.MaxRetries || !retryable {
			if attempt == 1 && lastResp == nil {
				return nil, last // one attempt, no answer: the transport error says it all
			}
			return lastResp, c.exhausted(attempt, last)
		}
		if wait == 0 {
			wait = Backoff(base, maxd, attempt-1)
		}
		if c.MaxElapsed > 0 && time.Since(start)+wait > c.MaxElapsed {
			return lastResp, fmt.Errorf("%w (%s): %w", ErrBudget, c.MaxElapsed, c.exhausted(attempt, last))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, c.cancelled(ctx)
		case <-t.C:
		}
	}
}

// Backoff returns the wait before retry number attempt (0-based): base doubled per attempt,
// capped at maxd, with jitter in [d/2, d) so that retries never hammer the server in step.
func Backoff(base, maxd time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 20)
	if d <= 0 || d > maxd {
		d = maxd
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func idempotent(req Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return req.Idempotent || req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

func retryStatus(s int) bool {
	return s == http.StatusTooManyRequests || s == http.StatusRequestTimeout || s >= 500
}

func (c *Client) wait(ctx context.Context, rawURL string) error {
	lims := []*rate.Limiter{c.Limiter}
	if c.HostRate > 0 {
		lims = append(lims, c.hostLimiter(rawURL))
	}
	for _, l := range lims {
		if l == nil {
			continue
		}
		if err := l.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return c.cancelled(ctx)
			}
			return fmt.Errorf("%s: %w", c.Name, ErrLimitDeadline)
		}
	}
	return nil
}

func (c *Client) hostLimiter(rawURL string) *rate.Limiter {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hosts == nil {
		c.hosts = map[string]*rate.Limiter{}
	}
	l := c.hosts[host]
	if l == nil {
		l = rate.NewLimiter(c.HostRate, max(1, c.HostBurst))
		c.hosts[host] = l
	}
	return l
}

func (c *Client) cancelled(ctx context.Context) error {
	return fmt.Errorf("%s: %w", c.Name, context.Cause(ctx))
}

func (c *Client) once(ctx context.Context, req Request) (*Response, error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.Timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.Timeout)
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: build request: %s", c.Name, c.Redact(err.Error()))
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if hr.Header.Get("User-Agent") == "" && c.UserAgent != "" {
		hr.Header.Set("User-Agent", c.UserAgent)
	}
	if hr.Header.Get("Accept") == "" && c.Accept != "" {
		hr.Header.Set("Accept", c.Accept)
	}
	hc := c.HTTP
	if hc == nil {
		hc = sharedClient
	}
	res, err := hc.Do(hr)
	if err != nil {
		terr := c.transportError(ctx, actx, req, err) // before cancel: it reads actx's state
		cancel()
		return nil, terr
	}
	final := req.URL
	if res.Request != nil && res.Request.URL != nil {
		final = res.Request.URL.String()
	}
	out := &Response{Status: res.StatusCode, Header: res.Header, URL: final}
	if req.Stream && !retryStatus(res.StatusCode) && res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
		out.Stream = &streamBody{ReadCloser: res.Body, cancel: cancel}
		return out, nil
	}
	defer cancel()
	defer res.Body.Close()
	limit := c.MaxBody
	if limit <= 0 {
		limit = 64 << 20
	}
	if out.Body, err = io.ReadAll(io.LimitReader(res.Body, limit)); err != nil {
		return nil, c.transportError(ctx, actx, req, err)
	}
	return out, nil
}

// streamBody ends the attempt's timeout when the stream is closed.
type streamBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *streamBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (c *Client) transportError(ctx, actx context.Context, req Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the URL, which may hold a key
	}
	te := &TransportError{Name: c.Name, Method: req.Method, URL: c.RedactURL(req.URL), Err: err}
	if red := c.Redact(err.Error()); red != err.Error() {
		te.Err = errors.New(red) // the cause's type is lost, the secret with it
	}
	if ctx.Err() == nil && actx.Err() != nil {
		te.Timeout, te.After = true, c.Timeout
		return te
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	te.Permanent = errors.As(err, &dns) || errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.As(err, &cert) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) // a certificate does not heal
	return te
}

func (c *Client) statusError(req Request, resp *Response, ra time.Duration) *StatusError {
	return &StatusError{Name: c.Name, Method: req.Method, URL: c.RedactURL(req.URL), Status: resp.Status,
		Body: c.Redact(Snippet(resp.Body)), RetryAfter: ra}
}

func (c *Client) exhausted(attempts int, last error) error {
	e := &ExhaustedError{Name: c.Name, Attempts: attempts, Last: last}
	var se *StatusError
	if errors.As(last, &se) {
		e.Status, e.RetryAfter = se.Status, se.RetryAfter
	}
	return e
}

// Redact removes the client's secrets (also URL-escaped) from s.
func (c *Client) Redact(s string) string {
	for _, sec := range c.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "REDACTED")
			s = strings.ReplaceAll(s, url.QueryEscape(sec), "REDACTED")
			s = strings.ReplaceAll(s, url.PathEscape(sec), "REDACTED")
		}
	}
	return s
}

// RedactURL drops the query string (keys often travel there) and removes secrets.
func (c *Client) RedactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] + "?…"
	}
	return c.Redact(u)
}

// Snippet returns the first 200 characters of a body on one line, for messages.
func Snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}
