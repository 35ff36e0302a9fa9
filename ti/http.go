package ti

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/huntkit/huntkit/internal/httpretry"
)

// defaultClient keeps enough idle connections per host for concurrent lookups (the
// standard transport keeps 2, so busier providers would reconnect for every request).
var defaultClient = &http.Client{Transport: NewTransport()}

// NewTransport returns a clone of http.DefaultTransport that keeps up to 64 idle
// connections per host.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// maxBody caps how much of an answer is read (a defence against runaway responses).
const maxBody = 64 << 20

// HTTP is the rate-limited, retrying HTTP client a provider uses. The framework builds one
// per provider from its settings; providers only call Do / GetJSON / PostJSON.
type HTTP struct {
	Provider   string        // provider name, for messages
	ConfigKey  string        // key to fix when the service refuses credentials
	Client     *http.Client  // transport (default: NewTransport, no overall timeout)
	Limiter    *rate.Limiter // waits before every attempt; nil => unlimited
	Timeout    time.Duration // per attempt; 0 => none
	MaxRetries int           // retries after the first attempt, for 429, 5xx and transport errors
	BaseDelay  time.Duration // first backoff delay (doubles each retry, full jitter)
	MaxDelay   time.Duration // cap on one backoff or Retry-After wait
	UserAgent  string
	// Secrets are strings removed from every error message (keys sent in URLs).
	Secrets []string
}

// Response is a completed HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request describes one call. Body is re-sent on every attempt.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Do sends req, waiting for the rate limiter before every attempt and retrying 429, 5xx
// and transport errors with exponential backoff and full jitter; a Retry-After header (in
// seconds or as an HTTP date) replaces the backoff for that attempt. A retry after an attempt
// that got no HTTP answer does not wait for the limiter (it used none of the quota), and a
// host name that does not resolve is not retried. 401 and 403 return an *AuthError at once.
// Other statuses (including 404) are returned to the caller.
func (h *HTTP) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	client := h.Client
	if client == nil {
		client = defaultClient
	}
	base, maxd := h.BaseDelay, h.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxd <= 0 {
		maxd = time.Minute
	}
	var lastErr error
	unsent := false // the last attempt got no HTTP answer, so it used none of the quota
	for attempt := 0; ; attempt++ {
		if h.Limiter != nil && !unsent {
			if err := h.Limiter.Wait(ctx); err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("%s: %w: %w", h.Provider, errCancelled, ctx.Err())
				}
				// The wait would outlast the context deadline.
				return nil, fmt.Errorf("%s: rate limit wait exceeds deadline: %w", h.Provider, ErrRateLimited)
			}
		}
		unsent = false
		resp, err := h.once(ctx, client, req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w: %w", h.Provider, errCancelled, ctx.Err())
			}
			tf := transportFailure{}
			if errors.As(err, &tf) && tf.permanent {
				return nil, err
			}
			unsent = errors.As(err, &tf)
			lastErr = err
		case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
			return nil, &AuthError{Provider: h.Provider, ConfigKey: h.ConfigKey, Status: resp.Status}
		case resp.Status == http.StatusTooManyRequests || resp.Status >= 500:
			ra, hasRA := httpretry.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
			lastErr = &HTTPError{Provider: h.Provider, Status: resp.Status, Body: h.redact(snippet(resp.Body)), RetryAfter: ra}
			if hasRA {
				if ra > maxd {
					// The server asks for longer than we are willing to wait: give up now.
					return nil, lastErr
				}
				wait = ra
			}
		default:
			return resp, nil
		}
		if attempt >= h.MaxRetries {
			return nil, lastErr
		}
		if wait == 0 {
			wait = backoff(base, maxd, attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s: %w: %w", h.Provider, errCancelled, ctx.Err())
		case <-t.C:
		}
	}
}

func (h *HTTP) once(ctx context.Context, client *http.Client, req Request) (*Response, error) {
	actx := ctx
	if h.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, h.Timeout)
		defer cancel()
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %s", h.Provider, h.redact(err.Error()))
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if hr.Header.Get("User-Agent") == "" {
		ua := h.UserAgent
		if ua == "" {
			ua = "huntkit-ti/1"
		}
		hr.Header.Set("User-Agent", ua)
	}
	if hr.Header.Get("Accept") == "" {
		hr.Header.Set("Accept", "application/json")
	}
	res, err := client.Do(hr)
	if err != nil {
		return nil, h.transportError(ctx, actx, req, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, h.transportError(ctx, actx, req, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

func (h *HTTP) transportError(ctx, actx context.Context, req Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctx.Err() == nil && actx.Err() != nil {
		return fmt.Errorf("%s: %s %s: %w after %s", h.Provider, req.Method, h.redactURL(req.URL), ErrTimeout, h.Timeout)
	}
	msg := fmt.Errorf("%s: %s %s: %s", h.Provider, req.Method, h.redactURL(req.URL), h.redact(err.Error()))
	dns := (*net.DNSError)(nil)
	return transportFailure{msg, errors.As(err, &dns) && dns.IsNotFound}
}

// transportFailure is a request that got no HTTP answer (other than a timeout): connection
// refused or reset, TLS failure, unknown host. When it is permanent (the host name does not
// resolve: offline, or a mistyped BaseURL) Do returns it without retrying. A Client stops
// sending a provider more items once one item has failed this way after its retries.
type transportFailure struct {
	error
	permanent bool
}

func (e transportFailure) Unwrap() error { return e.error }

// GetJSON sends a GET and decodes a 2xx JSON answer into out. It returns the response so the
// caller can inspect the status: a non-2xx status other than those Do handles is returned
// with a nil error and out left alone.
func (h *HTTP) GetJSON(ctx context.Context, url string, header http.Header, out any) (*Response, error) {
	return h.JSON(ctx, Request{Method: http.MethodGet, URL: url, Header: header}, out)
}

// JSON sends req and decodes a 2xx JSON answer into out (see GetJSON).
func (h *HTTP) JSON(ctx context.Context, req Request, out any) (*Response, error) {
	resp, err := h.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if resp.Status >= 200 && resp.Status < 300 && out != nil {
		if err := DecodeJSON(resp.Body, out); err != nil {
			return resp, fmt.Errorf("%s: %s %s: %w", h.Provider, req.Method, h.redactURL(req.URL), err)
		}
	}
	return resp, nil
}

// DecodeJSON decodes body into out; failures wrap ErrMalformed.
func DecodeJSON(body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %v (body starts %q)", ErrMalformed, err, snippet(body))
	}
	return nil
}

// StatusError returns the error for an unexpected status in resp.
func (h *HTTP) StatusError(resp *Response) error {
	return &HTTPError{Provider: h.Provider, Status: resp.Status, Body: h.redact(snippet(resp.Body))}
}

func (h *HTTP) redact(s string) string {
	for _, sec := range h.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "REDACTED")
			s = strings.ReplaceAll(s, url.QueryEscape(sec), "REDACTED")
			s = strings.ReplaceAll(s, url.PathEscape(sec), "REDACTED")
		}
	}
	return s
}

// redactURL drops the query string (keys often travel there) and removes secrets.
func (h *HTTP) redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] + "?…"
	}
	return h.redact(u)
}

func snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}

// backoff returns a full-jitter exponential delay for the given retry (0-based).
func backoff(base, maxd time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 20)
	if d <= 0 || d > maxd {
		d = maxd
	}
	// Full jitter in [d/2, d): keeps a floor so retries never hammer the server.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// RawJSON decodes body into JSON values (map[string]any, []any, float64, ...) for a
// Result's Raw field; a body that is not JSON is returned as a string.
func RawJSON(body []byte) any {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	return v
}
