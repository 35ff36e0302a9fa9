package remote

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/httpretry"
)

// Conn holds the connection settings every remote driver shares. The zero value verifies
// certificates against the system roots, has no per-request timeout and retries a 429, 408
// or 5xx answer four times (Retry-After honoured, capped exponential backoff with jitter).
type Conn struct {
	TLS     TLS
	Timeout time.Duration // longest one request may take (0: only the context bounds it)
	// HTTP is the transport (nil: one built from TLS); tests pass their loopback server's.
	HTTP *http.Client
	// Retries is how many times a retryable answer is tried again (0: 4; negative: none).
	Retries int
	// BaseDelay is the first backoff (0: httpretry's 500 ms); MaxDelay caps one wait and is
	// the longest Retry-After honoured (0: 2 minutes).
	BaseDelay, MaxDelay time.Duration
}

// ConnFrom reads the shared keys of section.Args (see Connection) into a Conn.
func ConnFrom(c *config.Config, section string, def time.Duration) Conn {
	var k Conn
	k.Timeout, k.TLS = Connection(c, section, def)
	return k
}

// Client is a driver's HTTP client: the shared retrying client (httpretry.Client) with the
// driver's TLS settings, whose failures come back as *StatusError (ErrAuth, ErrRateLimited,
// ErrServer) carrying the service's own error text.
type Client struct {
	Service string
	HTTP    *httpretry.Client
	// Message extracts the service's error text from an error body (nil: its first line).
	Message func([]byte) string
}

// Client returns the retrying client for service with these settings.
func (k Conn) Client(service string, message func([]byte) string) (*Client, error) {
	hc := k.HTTP
	if hc == nil {
		var err error
		if hc, err = k.TLS.Client(0); err != nil {
			return nil, err
		}
	}
	retries := k.Retries
	switch {
	case retries == 0:
		retries = 4
	case retries < 0:
		retries = 0
	}
	maxd := k.MaxDelay
	if maxd <= 0 {
		maxd = 2 * time.Minute
	}
	return &Client{Service: service, Message: message, HTTP: &httpretry.Client{Name: service, HTTP: hc,
		Timeout: k.Timeout, MaxRetries: retries, BaseDelay: k.BaseDelay, MaxDelay: maxd, MaxBody: 1 << 30}}, nil
}

// Do sends req through the retrying client and returns a 2xx answer (with Stream open when
// req.Stream). Any other answer, after the retries, is a *StatusError; a request that got no
// answer is httpretry's error (ErrTimeout, ErrUnreachable); a cancelled ctx is ctx's error.
func (c *Client) Do(ctx context.Context, req httpretry.Request) (*httpretry.Response, error) {
	resp, err := c.HTTP.Do(ctx, req)
	if resp != nil && (err != nil || resp.Status/100 != 2) {
		body := resp.Body
		if resp.Stream != nil {
			body, _ = io.ReadAll(io.LimitReader(resp.Stream, 8<<10))
			resp.Stream.Close()
		}
		return nil, c.fail(resp, body, err)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return resp, nil
}

// fail turns a failed answer into a *StatusError with the service's message.
func (c *Client) fail(resp *httpretry.Response, body []byte, cause error) error {
	m := ""
	if c.Message != nil {
		m = c.Message(body)
	}
	if m == "" {
		m = firstLine(body)
	}
	if ra := resp.Header.Get("Retry-After"); resp.Status == http.StatusTooManyRequests && ra != "" {
		m += " (Retry-After " + ra + ")"
	}
	return &StatusError{Service: c.Service, Code: resp.Status, Message: m, Err: cause}
}

func firstLine(b []byte) string {
	m := strings.TrimSpace(string(b))
	if i := strings.IndexByte(m, '\n'); i >= 0 {
		m = m[:i]
	}
	if len(m) > 300 {
		m = m[:300] + "..."
	}
	return m
}

// IsStatus reports whether err is a *StatusError with one of the codes.
func IsStatus(err error, codes ...int) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code == c {
			return true
		}
	}
	return false
}
