package remote

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/huntkit/huntkit/internal/httpretry"
)

// Transport is an http.RoundTripper that sends through the shared retrying client, for
// clients that take a RoundTripper rather than calling Client.Do (the Elasticsearch
// client): 429, 408 and 5xx are retried as httpretry does (Retry-After honoured, capped
// backoff), and the last answer, success or not, is returned as a response for the client
// to read; only a request that got no answer is an error. Bodies are streamed.
type Transport struct {
	Client *httpretry.Client
}

// Transport returns a RoundTripper with these settings (see Conn.Client).
func (k Conn) Transport(service string) (*Transport, error) {
	c, err := k.Client(service, nil)
	if err != nil {
		return nil, err
	}
	return &Transport{Client: c.HTTP}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	// Searches are read-only even when sent as POST.
	resp, err := t.Client.Do(req.Context(), httpretry.Request{Method: req.Method, URL: req.URL.String(),
		Header: req.Header, Body: body, Idempotent: true, Stream: true})
	if resp == nil {
		if err == nil {
			err = errors.New("no answer")
		}
		return nil, err
	}
	rc := resp.Stream
	if rc == nil {
		rc = io.NopCloser(bytes.NewReader(resp.Body))
	}
	return &http.Response{Status: http.StatusText(resp.Status), StatusCode: resp.Status, Header: resp.Header,
		Body: rc, Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1}, nil
}
