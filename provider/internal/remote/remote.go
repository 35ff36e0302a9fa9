// Package remote is what the REST data-environment drivers (Splunk, Elastic, Sumo Logic,
// OpenObserve, Cybereason, Prisma Cloud) share: the connection settings every one reads
// (Conn: timeout, ca_file, verify), a client on huntkit's one retrying HTTP client
// (internal/httpretry; Client for calls, Transport for libraries that take a RoundTripper),
// TLS with verification on by default, one error type for HTTP failures with sentinels
// callers can test, the settings-error sentinel the CLI maps to exit code 3, and the end of
// a paged read (Finish: rows so far kept and flagged partial).
package remote

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/huntkit/huntkit/config"
)

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
