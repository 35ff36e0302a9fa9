package httpretry

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// StatusError is an HTTP answer that is a failure: 401/403 (it matches ErrUnauthorized) or
// the last retryable status before ErrExhausted.
type StatusError struct {
	Name       string
	Method     string
	URL        string // without its query string or secrets
	Status     int
	Body       string        // the body's first characters, secrets removed
	RetryAfter time.Duration // the server's Retry-After, when it sent one
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d", e.Name, e.Status)
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		msg += " " + ErrUnauthorized.Error()
	case http.StatusTooManyRequests:
		msg += " too many requests"
		if e.RetryAfter > 0 {
			msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
		}
	}
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Is matches ErrUnauthorized for 401 and 403.
func (e *StatusError) Is(target error) bool {
	return target == ErrUnauthorized && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// ExhaustedError reports a request that failed on every attempt.
type ExhaustedError struct {
	Name       string
	Attempts   int
	Status     int           // the last HTTP status; 0 when the last attempt got no answer
	RetryAfter time.Duration // the last Retry-After, when the server sent one
	Last       error         // the last attempt's error (*StatusError or *TransportError)
}

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("%v (%d attempts)", e.Last, e.Attempts)
}

// Unwrap returns ErrExhausted and the last attempt's error.
func (e *ExhaustedError) Unwrap() []error { return []error{ErrExhausted, e.Last} }

// TransportError is an attempt that got no HTTP answer.
type TransportError struct {
	Name, Method, URL string
	Err               error // the cause, secrets removed
	// Timeout reports that the attempt passed Client.Timeout (After).
	Timeout bool
	After   time.Duration
	// Permanent reports a failure retrying cannot cure soon: the host name does not
	// resolve, or the network or host is unreachable (offline).
	Permanent bool
}

func (e *TransportError) Error() string {
	if e.Timeout {
		return fmt.Sprintf("%s: %s %s: timed out after %s", e.Name, e.Method, e.URL, e.After)
	}
	return fmt.Sprintf("%s: %s %s: %v", e.Name, e.Method, e.URL, e.Err)
}

// Unwrap returns ErrTimeout or ErrUnreachable, and the cause.
func (e *TransportError) Unwrap() []error {
	if e.Timeout {
		return []error{ErrTimeout, e.Err}
	}
	return []error{ErrUnreachable, e.Err}
}

// IsUnreachable reports whether err is a transport failure that is not a timeout (after its
// retries, if any): the service could not be reached at all.
func IsUnreachable(err error) bool {
	var te *TransportError
	return errors.As(err, &te) && !te.Timeout
}
