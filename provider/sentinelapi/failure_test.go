package sentinelapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntkit/huntkit/provider/sentinelapi"
)

type fakeCred struct{}

func (fakeCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

var ws = sentinelapi.Workspace{Name: "Default", SubscriptionID: "sub", ResourceGroup: "rg", WorkspaceName: "ws"}

// client points a Client at an httptest TLS server running h.
func client(t *testing.T, h http.HandlerFunc) *sentinelapi.Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	c, err := sentinelapi.New(fakeCred{}, srv.URL, ws, azcore.ClientOptions{Transport: srv.Client(),
		Retry: policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond, TryTimeout: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func apiErr(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":{"code":"` + code + `","message":"from the test server"}}`))
}

const incidentJSON = `{"name":"inc1","etag":"\"v2\"","properties":{"title":"t","severity":"High","status":"New"}}`

func TestStatusErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   error
	}{{401, sentinelapi.ErrUnauthorized}, {403, sentinelapi.ErrForbidden}, {404, sentinelapi.ErrNotFound}, {500, sentinelapi.ErrService}} {
		var calls atomic.Int32
		c := client(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1); apiErr(w, tc.status, "E") })
		_, err := c.Incident(context.Background(), "inc1")
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "from the test server") {
			t.Errorf("%d: %v", tc.status, err)
		}
		if tc.status < 500 && calls.Load() != 1 {
			t.Errorf("%d retried %d times", tc.status, calls.Load())
		}
		if tc.status == 500 && calls.Load() != 3 {
			t.Errorf("500 tried %d times, want 3 (a GET is retried)", calls.Load())
		}
	}
}

func TestRetryAfter429(t *testing.T) {
	var calls atomic.Int32
	c := client(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			apiErr(w, 429, "TooManyRequests")
			return
		}
		_, _ = w.Write([]byte(incidentJSON))
	})
	inc, err := c.Incident(context.Background(), "inc1")
	if err != nil || inc.Properties.Title != "t" || calls.Load() != 2 {
		t.Fatalf("%v %v calls=%d", inc, err, calls.Load())
	}
}

func TestTimeoutAndMalformed(t *testing.T) {
	c := client(t, func(w http.ResponseWriter, r *http.Request) { time.Sleep(2 * time.Second) })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := c.Incident(ctx, "inc1"); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("timeout: %v", err)
	}
	c = client(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"name": "inc1", "properties": [`))
	})
	if _, err := c.Incident(context.Background(), "inc1"); !errors.Is(err, sentinelapi.ErrMalformed) {
		t.Errorf("malformed: %v", err)
	}
}

// TestConflictReread: a 409 (or 412) is re-read and reported, and the PUT is sent once.
func TestConflictReread(t *testing.T) {
	for _, status := range []int{409, 412} {
		var puts atomic.Int32
		c := client(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				puts.Add(1)
				if r.Header.Get("If-Match") != `"v2"` {
					t.Errorf("If-Match %q", r.Header.Get("If-Match"))
				}
				apiErr(w, status, "Conflict")
				return
			}
			_, _ = w.Write([]byte(incidentJSON))
		})
		_, err := c.UpdateIncident(context.Background(), "inc1", sentinelapi.IncidentChange{Status: "Active"})
		var ce *sentinelapi.ConflictError
		if !errors.As(err, &ce) || ce.Current == nil || !errors.Is(err, sentinelapi.ErrConflict) || puts.Load() != 1 {
			t.Errorf("%d: %v (puts %d)", status, err, puts.Load())
		}
	}
}

// TestPagingStopsEarly: a page failing after the first keeps the rows read, flagged partial;
// a repeated nextLink ends the listing.
func TestPagingStopsEarly(t *testing.T) {
	c := client(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("$skipToken") == "" {
			_, _ = w.Write([]byte(`{"value":[` + incidentJSON + `],"nextLink":"https://` + r.Host + r.URL.Path + `?$skipToken=1"}`))
			return
		}
		apiErr(w, 404, "Gone")
	})
	f, err := c.Incidents(context.Background(), sentinelapi.IncidentFilter{})
	if err != nil || f.Len() != 1 || f.Partial() == nil {
		t.Fatalf("partial listing: %v %v", f, err)
	}
}

// TestCreateIndicatorNotRetried: the non-idempotent POST is sent once even on a 503.
func TestCreateIndicatorNotRetried(t *testing.T) {
	var calls atomic.Int32
	c := client(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1); apiErr(w, 503, "Busy") })
	_, err := c.CreateIndicator(context.Background(), sentinelapi.Indicator{Pattern: "[ipv4-addr:value = '203.0.113.1']", PatternType: "ipv4-addr"})
	if err == nil || calls.Load() != 1 {
		t.Errorf("create: %v, calls %d", err, calls.Load())
	}
}
