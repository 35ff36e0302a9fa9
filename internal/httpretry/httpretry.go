// Package httpretry holds what huntkit's HTTP clients (threat-intel providers, IPStack,
// RDAP) share when a service asks them to slow down: reading the Retry-After header.
package httpretry

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter parses a Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP date,
// relative to now. It reports false for an empty or unreadable value; a date in the past
// gives 0, and an absurdly large delay is capped at the largest Duration rather than
// overflowing.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
