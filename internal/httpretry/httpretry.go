// Package httpretry is huntkit's one retrying HTTP client, shared by the threat-intel
// providers (ti), IPStack (geoip), RDAP (whois) and the cloud drivers: a per-client or
// per-host rate limit (golang.org/x/time/rate), Retry-After (RFC 9110 §10.2.3), capped
// exponential backoff with jitter, context cancellation during every wait, an overall time
// bound, no retry of non-idempotent requests unless asked, and typed errors:
//
//   - ErrUnauthorized (a *StatusError for 401 or 403), never retried;
//   - ErrExhausted (an *ExhaustedError carrying the attempts and the last status);
//   - ErrUnreachable and ErrTimeout (a *TransportError: no HTTP answer);
//   - ErrLimitDeadline (the rate-limit wait would outlast the context's deadline).
//
// A name that does not resolve, or a network that is unreachable, is not retried: offline,
// the first attempt's error is the answer, at once.
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
