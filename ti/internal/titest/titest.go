// Package titest holds helpers for testing TI providers against local httptest servers.
package titest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/ti"
)

// Key is the API key test clients send.
const Key = "test-secret-key-123"

// Server is an httptest server counting requests.
type Server struct {
	*httptest.Server
	Hits atomic.Int64
}

// NewServer starts a loopback server running h and closes it when the test ends.
func NewServer(t testing.TB, h http.HandlerFunc) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Client returns a client for one provider pointed at baseURL, with the test key, no rate
// limit, fast retries and no cache, plus any extra options.
func Client(t testing.TB, provider, baseURL string, opts ...ti.Option) *ti.Client {
	t.Helper()
	all := []ti.Option{ti.WithProviders(provider), ti.WithBaseURL(provider, baseURL),
		ti.WithAuthKey(provider, Key), ti.WithRate(provider, ti.Rate{}),
		ti.WithRetries(2, time.Millisecond, 20*time.Millisecond), ti.WithTimeout(5 * time.Second),
		ti.WithDataDir(t.TempDir())}
	c, err := ti.New(context.Background(), append(all, opts...)...)
	if err != nil {
		t.Fatalf("ti.New(%s): %v", provider, err)
	}
	return c
}

// Rows looks items up and fails the test on a setup error; lookup failures stay in rows.
func Rows(t testing.TB, c *ti.Client, items ...ti.Item) ([]ti.Row, error) {
	t.Helper()
	return c.LookupRows(context.Background(), items)
}

// Sample reads a file from the shared api-samples folder (skips or fails when absent).
func Sample(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Shared(t, "api-samples/"+rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// JSON writes body with status and a JSON content type.
func JSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// Config is a flat ti.ConfigSource: keys are full dotted paths
// ("TIProviders.XForce.Args.ApiID"); secrets are the literal values.
type Config map[string]string

// Lookup returns the value at key, or an empty map for a key that has children.
func (c Config) Lookup(k string) (any, bool) {
	if v, ok := c[k]; ok {
		return v, true
	}
	for key := range c {
		if strings.HasPrefix(key, k+".") {
			return map[string]any{}, true
		}
	}
	return nil, false
}

// Names lists the children of section, sorted.
func (c Config) Names(section string) []string {
	seen := map[string]bool{}
	var out []string
	for k := range c {
		if rest, ok := strings.CutPrefix(k, section+"."); ok {
			n, _, _ := strings.Cut(rest, ".")
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Secret returns the literal value.
func (c Config) Secret(_ context.Context, k string) (string, error) {
	v, ok := c[k]
	if !ok {
		return "", fmt.Errorf("%s: not set", k)
	}
	return v, nil
}
