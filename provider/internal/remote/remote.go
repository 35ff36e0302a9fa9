// Package remote is what the REST data-environment drivers (Splunk, Elastic, Sumo Logic,
// ...) share: a transport seam (Doer) so the shared retrying client can be swapped in,
// TLS settings with verification on by default, one error type for HTTP failures with
// sentinels callers can test, and a 429 retry that honours Retry-After.
package remote

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/httpretry"
)

// Doer sends one HTTP request. *http.Client satisfies it; so will the shared retrying client.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Sentinels matched by *StatusError.
var (
	// ErrAuth: the service refused the credentials (401, or 403 on login).
	ErrAuth = errors.New("authentication failed")
	// ErrRateLimited: 429 Too Many Requests, still after the retries.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: a 5xx answer.
	ErrServer = errors.New("server error")
	// ErrMalformed: a body that does not follow the documented format.
	ErrMalformed = errors.New("malformed response")
	// ErrPartial: the answer stopped before its end; the rows so far are kept.
	ErrPartial = errors.New("answer cut short; rows so far kept")
)

// StatusError is an HTTP answer other than success. Message is the service's own error
// text (never the request's credentials).
type StatusError struct {
	Service string
	Code    int
	Message string
	Err     error // the retrying client's error behind it (attempts made), if any
}

// Unwrap returns the retrying client's error.
func (e *StatusError) Unwrap() error { return e.Err }

// Error implements the error interface.
func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Code)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Service, e.Code, msg)
}

// Is matches ErrAuth, ErrRateLimited and ErrServer by status code.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrAuth:
		return e.Code == http.StatusUnauthorized
	case ErrRateLimited:
		return e.Code == http.StatusTooManyRequests
	case ErrServer:
		return e.Code >= 500
	}
	return false
}

// TLS holds a driver's TLS settings. Verification is on unless Insecure is set.
type TLS struct {
	CAFile   string // PEM bundle of extra trusted roots
	Insecure bool   // skip certificate verification (only when the config says so)
}

// Client returns an *http.Client with the TLS settings and an overall timeout per request
// (0: none; streaming answers rely on ctx instead).
func (t TLS) Client(timeout time.Duration) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	cfg.InsecureSkipVerify = t.Insecure // #nosec G402 -- only when the config asks for it
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}

// Retry holds how 429 answers are retried.
type Retry struct {
	Attempts int           // tries in all (default 4)
	MaxWait  time.Duration // longest Retry-After honoured (default 2 minutes)
	Default  time.Duration // wait when Retry-After is missing (default 2 s)
	// Sleep waits d or until ctx ends (tests replace it).
	Sleep func(ctx context.Context, d time.Duration) error
}

func (r Retry) norm() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 4
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 2 * time.Minute
	}
	if r.Default <= 0 {
		r.Default = 2 * time.Second
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	return r
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

// Do sends the request made by mk, again after a 429 (waiting as Retry-After says, within
// MaxWait) up to Attempts times. mk is called for each try so bodies are fresh. A 429 that
// outlasts the tries, or asks for a wait longer than MaxWait, is returned as a response
// for the caller to turn into a *StatusError.
func (r Retry) Do(ctx context.Context, c Doer, mk func() (*http.Request, error)) (*http.Response, error) {
	r = r.norm()
	for try := 1; ; try++ {
		req, err := mk()
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req.WithContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if resp.StatusCode != http.StatusTooManyRequests || try >= r.Attempts {
			return resp, nil
		}
		wait, ok := httpretry.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			wait = r.Default
		}
		if wait > r.MaxWait {
			return resp, nil
		}
		Drain(resp)
		if err := r.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// Drain reads a little of the body and closes it so the connection can be reused.
func Drain(resp *http.Response) {
	io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// Fail turns a non-success response into a *StatusError with the service's message,
// extracted from the body by msg (nil: the first line of the body), and closes the body.
func Fail(service string, resp *http.Response, msg func([]byte) string) error {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	m := ""
	if msg != nil {
		m = msg(b)
	}
	if m == "" {
		m = firstLine(b)
	}
	if ra := resp.Header.Get("Retry-After"); resp.StatusCode == http.StatusTooManyRequests && ra != "" {
		m += " (Retry-After " + ra + ")"
	}
	return &StatusError{Service: service, Code: resp.StatusCode, Message: m}
}

// Connection reads the connection keys every remote driver shares from section.Args:
// `timeout` (seconds per request; unset or not positive keeps def), `ca_file` (extra trusted
// roots, "~" expanded) and `verify` (false skips certificate checks).
func Connection(c *config.Config, section string, def time.Duration) (time.Duration, TLS) {
	timeout := def
	if n, ok := c.Int(section + ".Args.timeout"); ok && n > 0 {
		timeout = time.Duration(n) * time.Second
	}
	var t TLS
	if v, ok := c.String(section + ".Args.ca_file"); ok {
		t.CAFile = config.ExpandHome(strings.TrimSpace(v))
	}
	if v, ok := c.Bool(section + ".Args.verify"); ok {
		t.Insecure = !v
	}
	return timeout, t
}

// SettingsError returns a driver's sentinel for settings that cannot work (no host, no
// credentials, a bad port). It reads as name and matches config.ErrMissing, so the CLI
// reports it as a configuration error (exit code 3).
func SettingsError(name string) error { return settingsError(name) }

type settingsError string

func (e settingsError) Error() string { return string(e) }

// Is matches config.ErrMissing.
func (e settingsError) Is(target error) bool { return target == config.ErrMissing }
