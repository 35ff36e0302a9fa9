package remote

import (
	"net/http"
)

// Transport is an http.RoundTripper that retries 429 answers as Retry says (honouring
// Retry-After), for clients that take a RoundTripper rather than a Doer (the Elasticsearch
// client). Requests with a body must be replayable (GetBody set, as http.NewRequest does
// for in-memory bodies); others are sent once.
type Transport struct {
	Base  http.RoundTripper // nil: http.DefaultTransport
	Retry Retry
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	first := true
	return t.Retry.Do(req.Context(), doer{base}, func() (*http.Request, error) {
		if first {
			first = false
			return req, nil
		}
		r := req.Clone(req.Context())
		if req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, errNoReplay
			}
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = b
		}
		return r, nil
	})
}

type doer struct{ rt http.RoundTripper }

func (d doer) Do(req *http.Request) (*http.Response, error) { return d.rt.RoundTrip(req) }

var errNoReplay = &StatusError{Service: "retry", Code: http.StatusTooManyRequests, Message: "rate limited, and the request body cannot be sent again"}
