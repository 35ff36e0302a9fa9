// Package ti looks indicators of compromise (IoCs) up in threat-intelligence services.
//
// Each service lives in its own package under ti/ and registers itself from init() with
// [Register]; importing github.com/huntkit/huntkit/ti/all makes every provider available.
// A [Client] builds the configured providers (msticpy's TIProviders section), checks every
// item before any call (public IPs only, refanged values, hash entropy, type validation),
// runs lookups concurrently across and within providers under a per-provider rate limit,
// retries 429/5xx answers with backoff that honours Retry-After, caches answers on disk and
// returns one row per IoC and provider in msticpy's result columns. A provider or item that
// fails becomes a row with a Status and a message; nothing in a batch is lost.
package ti

import (
	"context"
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/ioc"
)

// Item is one indicator to look up. Type may be empty, in which case it is inferred from
// the value with ioc.TypeOf.
type Item struct {
	Value string
	Type  ioc.Type
}

// Provider is one threat-intelligence service.
type Provider interface {
	// Name returns the provider's registered name (e.g. "VirusTotal").
	Name() string
	// Supports reports whether the provider can look up IoCs of type t.
	Supports(t ioc.Type) bool
	// Lookup looks one item up. A "not found" answer is a Result with Found false and a
	// nil error; errors are for failed queries.
	Lookup(ctx context.Context, item Item) (Result, error)
}

// BatchLooker is implemented by providers whose service answers many items in one call.
type BatchLooker interface {
	// BatchSize returns the largest number of items one LookupBatch call accepts.
	BatchSize() int
	// LookupBatch looks items up in one call; it returns one Result per item, in order.
	LookupBatch(ctx context.Context, items []Item) ([]Result, error)
}

// Result is a provider's answer for one item.
type Result struct {
	// QuerySubtype names the kind of query when a provider has several (e.g. "payload").
	QuerySubtype string `json:"subtype,omitempty"`
	// Found reports that the service knows the IoC (msticpy's Result column).
	Found bool `json:"found"`
	// Severity is the provider's verdict.
	Severity Severity `json:"severity"`
	// Details holds the fields worth reading, as JSON values.
	Details any `json:"details,omitempty"`
	// Raw holds the service's decoded answer.
	Raw any `json:"raw,omitempty"`
	// Reference is a URL for a human to read more.
	Reference string `json:"reference,omitempty"`
}

// Severity is a provider's verdict on an IoC, ordered unknown < information < warning < high.
type Severity int

// Severities, as in msticpy's TISeverity.
const (
	SevUnknown     Severity = -1
	SevInformation Severity = 0
	SevWarning     Severity = 1
	SevHigh        Severity = 2
)

// String returns msticpy's name for s.
func (s Severity) String() string {
	switch s {
	case SevInformation:
		return "information"
	case SevWarning:
		return "warning"
	case SevHigh:
		return "high"
	}
	return "unknown"
}

// ParseSeverity parses "information" (or "info"), "warning", "high" or "unknown".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "information", "info", "informational":
		return SevInformation, nil
	case "warning", "warn", "medium":
		return SevWarning, nil
	case "high":
		return SevHigh, nil
	case "unknown":
		return SevUnknown, nil
	}
	return SevUnknown, fmt.Errorf("severity %q: want information, warning, high or unknown", s)
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is the outcome of one lookup row. The values 0, 1, 2, 3 and 10 are msticpy's
// TILookupStatus; the others are huntkit's finer-grained failures.
type Status int

// Lookup statuses.
const (
	StatusOK           Status = 0  // the service answered
	StatusNotSupported Status = 1  // no selected provider handles this IoC type
	StatusBadFormat    Status = 2  // the value is not a valid IoC of its type
	StatusQueryFailed  Status = 3  // the service failed (HTTP error, bad answer, retries exhausted)
	StatusNotPublic    Status = 4  // private, loopback or reserved IP address: never sent out
	StatusAuthFailed   Status = 5  // the service refused the credentials (401/403)
	StatusRateLimited  Status = 6  // the service kept answering 429
	StatusCancelled    Status = 7  // the caller cancelled (context) before the lookup finished
	StatusTimeout      Status = 8  // the request timed out
	StatusOther        Status = 10 // anything else
)

// String returns a short name for s.
func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusNotSupported:
		return "not_supported"
	case StatusBadFormat:
		return "bad_format"
	case StatusQueryFailed:
		return "query_failed"
	case StatusNotPublic:
		return "not_public"
	case StatusAuthFailed:
		return "auth_failed"
	case StatusRateLimited:
		return "rate_limited"
	case StatusCancelled:
		return "cancelled"
	case StatusTimeout:
		return "timeout"
	}
	return "other"
}

// NotFound is the Result for a service that does not know the IoC.
func NotFound(raw any) Result {
	return Result{Found: false, Severity: SevInformation, Details: map[string]any{"found": false}, Raw: raw}
}
