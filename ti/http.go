package ti

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/huntkit/huntkit/internal/httpretry"
)

// defaultClient keeps enough idle connections per host for concurrent lookups (the
// standard transport keeps 2, so busier providers would reconnect for every request).
var defaultClient = &http.Client{Transport: NewTransport()}

// NewTransport returns a clone of http.DefaultTransport that keeps up to 64 idle
// connections per host (httpretry.NewTransport).
func NewTransport() *http.Transport { return httpretry.NewTransport() }

func (h *HTTP) redact(s string) string { return (&httpretry.Client{Secrets: h.Secrets}).Redact(s) }

func (h *HTTP) redactURL(u string) string {
	return (&httpretry.Client{Secrets: h.Secrets}).RedactURL(u)
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

	once sync.Once
	rc   *httpretry.Client
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

// Do sends req through the shared retrying client (internal/httpretry): it waits for the
// rate limiter before every attempt and retries 429, 5xx and transport errors with capped
// exponential backoff and jitter; a Retry-After header (seconds or an HTTP date) replaces the
// backoff for that attempt, and one longer than MaxDelay fails at once. A retry after an
// attempt that got no HTTP answer does not wait for the limiter, and a host name that does
// not resolve is not retried. TI lookups are read-only queries, so POSTs are retried too.
// 401 and 403 return an *AuthError at once. Other statuses (including 404) are returned.
func (h *HTTP) Do(ctx context.Context, req Request) (*Response, error) {
	h.once.Do(func() {
		client := h.Client
		if client == nil {
			client = defaultClient
		}
		ua := h.UserAgent
		if ua == "" {
			ua = "huntkit-ti/1"
		}
		h.rc = &httpretry.Client{Name: h.Provider, HTTP: client, Limiter: h.Limiter, Timeout: h.Timeout,
			MaxRetries: h.MaxRetries, BaseDelay: h.BaseDelay, MaxDelay: h.MaxDelay, UserAgent: ua,
			Accept: "application/json", MaxBody: maxBody, Secrets: h.Secrets}
	})
	resp, err := h.rc.Do(ctx, httpretry.Request{Method: req.Method, URL: req.URL, Header: req.Header, Body: req.Body, Idempotent: true})
	if err == nil {
		return &Response{Status: resp.Status, Header: resp.Header, Body: resp.Body}, nil
	}
	return nil, h.translate(ctx, err)
}

// translate maps the shared client's errors to the package's: *AuthError, *HTTPError
// (ErrRateLimited, ErrHTTP), ErrTimeout, transportFailure and cancellation.
func (h *HTTP) translate(ctx context.Context, err error) error {
	var se *httpretry.StatusError
	var te *httpretry.TransportError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w: %w", h.Provider, errCancelled, ctx.Err())
	case errors.Is(err, httpretry.ErrLimitDeadline):
		return fmt.Errorf("%s: rate limit wait exceeds deadline: %w", h.Provider, ErrRateLimited)
	case errors.As(err, &se) && errors.Is(err, httpretry.ErrUnauthorized):
		return &AuthError{Provider: h.Provider, ConfigKey: h.ConfigKey, Status: se.Status}
	case errors.As(err, &se):
		return &HTTPError{Provider: h.Provider, Status: se.Status, Body: se.Body, RetryAfter: se.RetryAfter}
	case errors.As(err, &te) && te.Timeout:
		return fmt.Errorf("%s: %s %s: %w after %s", h.Provider, te.Method, te.URL, ErrTimeout, te.After)
	case errors.As(err, &te):
		return transportFailure{fmt.Errorf("%s: %s %s: %v", h.Provider, te.Method, te.URL, te.Err), te.Permanent}
	}
	return err
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
		return fmt.Errorf("%w: %v (body starts %q)", ErrMalformed, err, httpretry.Snippet(body))
	}
	return nil
}

// StatusError returns the error for an unexpected status in resp.
func (h *HTTP) StatusError(resp *Response) error {
	return &HTTPError{Provider: h.Provider, Status: resp.Status, Body: h.redact(httpretry.Snippet(resp.Body))}
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
