// Package remotetest is what the remote drivers' tests share: a loopback server that records
// the requests it gets, canned failure answers (a status with Retry-After, a hang past the
// client's timeout, a body cut mid-way), scripted sequences of answers, and connection
// settings that retry without long waits.
package remotetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/provider/internal/remote"
)

// Request is one request the server received.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// Server is a loopback server that records requests before handing them to Handler.
type Server struct {
	*httptest.Server
	// Handler answers; replace it between requests with Set.
	mu      sync.Mutex
	handler http.Handler
	reqs    []Request
}

// Serve starts a server on 127.0.0.1 answering with h; it is closed when the test ends.
func Serve(t testing.TB, h http.Handler) *Server {
	s := &Server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Server.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(&reader{b: b})
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: b})
	h := s.handler
	s.mu.Unlock()
	h.ServeHTTP(w, r)
}

// Set replaces the handler.
func (s *Server) Set(h http.Handler) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count returns how many requests had path p.
func (s *Server) Count(p string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == p {
			n++
		}
	}
	return n
}

// Conn returns connection settings that reach the server and retry after a millisecond
// (Retry-After values are still honoured; a value longer than maxDelay ends the retries).
func (s *Server) Conn(maxDelay time.Duration) remote.Conn {
	return remote.Conn{HTTP: s.Client(), BaseDelay: time.Millisecond, MaxDelay: maxDelay}
}

type reader struct {
	b []byte
	i int
}

func (r *reader) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}

// Status answers code with body (JSON) and, when retryAfter is not empty, a Retry-After.
func Status(code int, body, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// Hang answers nothing until the client gives up (its timeout or cancellation).
func Hang() http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
}

// Truncated declares body's full length but sends only its first n bytes, then drops the
// connection: the client reads a body cut mid-way.
func Truncated(body string, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body[:n])
	}
}

// Sequence answers the i-th request (from 0) with hs[i], and every later one with the last.
func Sequence(hs ...http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(hs)-1)
		n++
		mu.Unlock()
		hs[i].ServeHTTP(w, r)
	})
}

// Golden returns the test's testdata/name.
func Golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
