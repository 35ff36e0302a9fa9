package ti

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors, to test with errors.Is.
var (
	// ErrAuth: the service refused the credentials (HTTP 401 or 403).
	ErrAuth = errors.New("authentication failed")
	// ErrRateLimited: the service kept answering 429 after every retry.
	ErrRateLimited = errors.New("rate limited")
	// ErrHTTP: the service answered with an unexpected HTTP status.
	ErrHTTP = errors.New("unexpected HTTP status")
	// ErrMalformed: the service's answer could not be decoded.
	ErrMalformed = errors.New("malformed response")
	// ErrTimeout: a request took longer than the per-request timeout.
	ErrTimeout = errors.New("request timed out")
	// ErrNotConfigured: a provider lacks a required setting (usually Args.AuthKey).
	ErrNotConfigured = errors.New("provider not configured")
	// ErrUnknownProvider: no provider is registered under the name.
	ErrUnknownProvider = errors.New("unknown TI provider")
	// ErrNoProviders: no provider was selected or configured.
	ErrNoProviders = errors.New("no TI providers")
	// ErrLookupsFailed: some lookups failed; their rows carry the Status and message.
	ErrLookupsFailed = errors.New("lookups failed")
)

// AuthError reports credentials a provider's service refused. Its message names the
// provider and the configuration key to fix, never the secret.
type AuthError struct {
	Provider  string // provider name
	ConfigKey string // e.g. "TIProviders.VirusTotal.Args.AuthKey"
	Status    int    // HTTP status (401 or 403)
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s: authentication failed (HTTP %d): check %s", e.Provider, e.Status, e.ConfigKey)
}

// Unwrap returns ErrAuth.
func (e *AuthError) Unwrap() error { return ErrAuth }

// HTTPError reports an HTTP status the client did not expect (after retries for 429/5xx).
type HTTPError struct {
	Provider   string
	Status     int
	Body       string        // first bytes of the body, for the message
	RetryAfter time.Duration // server's Retry-After, when it sent one
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d", e.Provider, e.Status)
	if e.Status == 429 {
		msg += " too many requests"
		if e.RetryAfter > 0 {
			msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
		}
	}
	if b := strings.TrimSpace(e.Body); b != "" {
		msg += ": " + b
	}
	return msg
}

// Unwrap returns ErrRateLimited for 429 and ErrHTTP otherwise.
func (e *HTTPError) Unwrap() error {
	if e.Status == 429 {
		return ErrRateLimited
	}
	return ErrHTTP
}

// LookupError summarises the failed rows of a Lookup. The frame still holds every row.
type LookupError struct {
	Failed int          // rows whose Status is not ok, not_public or not_supported
	Total  int          // rows in the result
	Auth   []*AuthError // one per provider whose credentials were refused
	First  string       // message of the first other failure
}

func (e *LookupError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d TI lookups failed", e.Failed, e.Total)
	for _, a := range e.Auth {
		b.WriteString("; ")
		b.WriteString(a.Error())
	}
	if e.First != "" {
		b.WriteString("; first error: ")
		b.WriteString(e.First)
	}
	return b.String()
}

// Unwrap returns ErrLookupsFailed and the auth errors.
func (e *LookupError) Unwrap() []error {
	out := []error{ErrLookupsFailed}
	for _, a := range e.Auth {
		out = append(out, a)
	}
	return out
}

// statusOf maps an error to a row Status.
func statusOf(err error) Status {
	switch {
	case errors.Is(err, ErrAuth):
		return StatusAuthFailed
	case errors.Is(err, ErrRateLimited):
		return StatusRateLimited
	case errors.Is(err, ErrTimeout):
		return StatusTimeout
	case errors.Is(err, errCancelled):
		return StatusCancelled
	}
	return StatusQueryFailed
}

var errCancelled = errors.New("lookup cancelled")

var errMissingColumns = errors.New("ti: frame lacks the result columns (Ioc, IocType, Provider, Severity, Status)")
