package ti_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func scoreHandler(w http.ResponseWriter, r *http.Request) {
	v := strings.TrimPrefix(r.URL.Path, "/lookup/")
	if strings.HasPrefix(v, "unknown") {
		http.NotFound(w, r)
		return
	}
	titest.JSON(w, 200, []byte(`{"score":`+strconv.Itoa(scoreOf(v))+`}`))
}

func items(vals ...string) []ti.Item {
	out := make([]ti.Item, len(vals))
	for i, v := range vals {
		out[i] = ti.Item{Value: v}
	}
	return out
}

func TestLookupRowsAndPrechecks(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	c := titest.Client(t, "Fake", srv.URL)
	rows, err := c.LookupRows(context.Background(), items(
		"bad.example.com", "8.8.8.8", "10.1.2.3", "127.0.0.1", "192.0.2.7", "unknown.example.org",
		"00000000000000000000000000000000", "not an ioc!", "8[.]8[.]4[.]4", "bad.example.com",
		"http://example.com/x", "2001:db8::1"))
	if err == nil {
		t.Fatal("want a LookupError for the bad-format rows")
	}
	var le *ti.LookupError
	if !errors.As(err, &le) || !errors.Is(err, ti.ErrLookupsFailed) {
		t.Fatalf("error %T %v: want *LookupError", err, err)
	}
	want := []struct {
		ioc, prov string
		status    ti.Status
		sev       ti.Severity
		found     bool
	}{
		{"bad.example.com", "Fake", ti.StatusOK, ti.SevHigh, true},
		{"8.8.8.8", "Fake", ti.StatusOK, ti.Severity(-2), true},
		{"10.1.2.3", ti.PrecheckProvider, ti.StatusNotPublic, ti.SevUnknown, false},
		{"127.0.0.1", ti.PrecheckProvider, ti.StatusNotPublic, ti.SevUnknown, false},
		{"192.0.2.7", ti.PrecheckProvider, ti.StatusNotPublic, ti.SevUnknown, false},
		{"unknown.example.org", "Fake", ti.StatusOK, ti.SevInformation, false},
		{"00000000000000000000000000000000", ti.PrecheckProvider, ti.StatusBadFormat, ti.SevUnknown, false},
		{"not an ioc!", ti.PrecheckProvider, ti.StatusBadFormat, ti.SevUnknown, false},
		{"8.8.4.4", "Fake", ti.StatusOK, ti.Severity(-2), true},
		{"http://example.com/x", ti.PrecheckProvider, ti.StatusNotSupported, ti.SevUnknown, false},
		{"2001:db8::1", ti.PrecheckProvider, ti.StatusNotPublic, ti.SevUnknown, false},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d (duplicates folded): %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Ioc != w.ioc || r.Provider != w.prov || r.Status != w.status || r.Result != w.found {
			t.Errorf("row %d = %q %q status %v result %v, want %q %q %v %v (%s)", i, r.Ioc, r.Provider, r.Status, r.Result, w.ioc, w.prov, w.status, w.found, r.Message)
		}
		if w.sev != -2 && r.Severity != w.sev {
			t.Errorf("row %d %s severity %v, want %v", i, r.Ioc, r.Severity, w.sev)
		}
		if r.Status != ti.StatusOK && r.Message == "" {
			t.Errorf("row %d %s: failed row without a message", i, r.Ioc)
		}
	}
	if rows[0].SafeIoc != "bad[.]example[.]com" {
		t.Errorf("SafeIoc = %q", rows[0].SafeIoc)
	}
	if !strings.Contains(rows[2].Message, "RFC 1918") {
		t.Errorf("private IP message = %q", rows[2].Message)
	}
	if le.Failed != 2 {
		t.Errorf("Failed = %d, want 2 (the bad-format rows)", le.Failed)
	}
	if got := srv.Hits.Load(); got != 4 {
		t.Errorf("server saw %d requests, want 4 (private, reserved, bad and duplicate values never sent)", got)
	}
}

func TestResultFrameAndSummary(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	c := titest.Client(t, "Fake", srv.URL, ti.WithProviders("FakeIP"), ti.WithBaseURL("FakeIP", srv.URL))
	f, err := c.Lookup(context.Background(), items("bad-host.example.com", "9.9.9.9", "10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Names(); strings.Join(got, ",") != strings.Join(ti.ResultColumns, ",") {
		t.Fatalf("columns %v", got)
	}
	// 9.9.9.9 goes to both providers.
	if f.Len() != 4 {
		t.Fatalf("rows = %d, want 4", f.Len())
	}
	if f.Col("Severity").Str(0) != "high" || f.Col("Status").Int(0) != 0 || f.Col("Details").Text(0) != `{"score":90}` {
		t.Errorf("row 0: %v", f.Row(0))
	}
	s, err := ti.Summary(f)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Fatalf("summary rows = %d", s.Len())
	}
	rec := s.Record(1)
	if rec["Ioc"] != "9.9.9.9" || rec["Answered"] != int64(2) {
		t.Errorf("summary 9.9.9.9 = %v", rec)
	}
	if s.Col("Severity").Str(0) != "high" || s.Col("Severity").Str(2) != "unknown" {
		t.Errorf("summary severities %q %q", s.Col("Severity").Str(0), s.Col("Severity").Str(2))
	}
	hi := ti.FilterSeverity(f, ti.SevHigh)
	if hi.Len() != 1 || hi.Col("Ioc").Str(0) != "bad-host.example.com" {
		t.Errorf("FilterSeverity(high) kept %d rows", hi.Len())
	}
}

func TestFaults(t *testing.T) {
	type step struct {
		status int
		header map[string]string
		body   string
		sleep  time.Duration
	}
	ok := step{status: 200, body: `{"score":5}`}
	tests := []struct {
		name      string
		steps     []step // answers in order; the last repeats
		timeout   time.Duration
		status    ti.Status
		hits      int64
		errIs     error
		msgSubstr string
	}{
		{"429 with Retry-After seconds then ok", []step{{status: 429, header: map[string]string{"Retry-After": "0"}}, ok}, 0, ti.StatusOK, 2, nil, ""},
		{"429 with Retry-After HTTP date then ok", []step{{status: 429, header: map[string]string{"Retry-After": time.Now().Add(-time.Second).UTC().Format(http.TimeFormat)}}, ok}, 0, ti.StatusOK, 2, nil, ""},
		{"429 Retry-After too long gives up at once", []step{{status: 429, header: map[string]string{"Retry-After": "3600"}}}, 0, ti.StatusRateLimited, 1, ti.ErrRateLimited, "retry after 1h0m0s"},
		{"429 without Retry-After backs off then ok", []step{{status: 429}, {status: 429}, ok}, 0, ti.StatusOK, 3, nil, ""},
		{"429 forever", []step{{status: 429}}, 0, ti.StatusRateLimited, 3, ti.ErrRateLimited, "HTTP 429"},
		{"500 then ok", []step{{status: 500, body: "boom"}, ok}, 0, ti.StatusOK, 2, nil, ""},
		{"503 forever", []step{{status: 503, body: "down"}}, 0, ti.StatusQueryFailed, 3, ti.ErrHTTP, "HTTP 503: down"},
		{"timeout", []step{{status: 200, body: `{"score":1}`, sleep: 300 * time.Millisecond}}, 30 * time.Millisecond, ti.StatusTimeout, 3, ti.ErrTimeout, "timed out"},
		{"malformed JSON", []step{{status: 200, body: `{"score": 12`}}, 0, ti.StatusQueryFailed, 1, ti.ErrMalformed, "malformed"},
		{"400 not retried", []step{{status: 400, body: `{"error":"bad"}`}}, 0, ti.StatusQueryFailed, 1, ti.ErrHTTP, "HTTP 400"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1) - 1)
				s := tc.steps[min(i, len(tc.steps)-1)]
				if s.sleep > 0 {
					select {
					case <-time.After(s.sleep):
					case <-r.Context().Done():
						return
					}
				}
				for k, v := range s.header {
					w.Header().Set(k, v)
				}
				titest.JSON(w, s.status, []byte(s.body))
			})
			opts := []ti.Option{}
			if tc.timeout > 0 {
				opts = append(opts, ti.WithTimeout(tc.timeout))
			}
			c := titest.Client(t, "Fake", srv.URL, opts...)
			rows, err := c.LookupRows(context.Background(), items("1.1.1.1"))
			if len(rows) != 1 {
				t.Fatalf("rows %d", len(rows))
			}
			r := rows[0]
			if r.Status != tc.status {
				t.Fatalf("status %v (%s), want %v", r.Status, r.Message, tc.status)
			}
			if got := srv.Hits.Load(); got != tc.hits {
				t.Errorf("requests = %d, want %d", got, tc.hits)
			}
			if tc.status == ti.StatusOK {
				if err != nil || r.Details == nil {
					t.Errorf("err %v details %v", err, r.Details)
				}
				return
			}
			if err == nil || !errors.Is(err, ti.ErrLookupsFailed) {
				t.Errorf("err = %v, want ErrLookupsFailed", err)
			}
			if !strings.Contains(r.Message, tc.msgSubstr) || !strings.HasPrefix(r.Message, "Fake") {
				t.Errorf("message %q, want it to name Fake and contain %q", r.Message, tc.msgSubstr)
			}
			if strings.Contains(r.Message, titest.Key) || strings.Contains(err.Error(), titest.Key) {
				t.Error("secret key leaked into a message")
			}
		})
	}
}

// The errors behind the rows are typed: check through the HTTP client directly.
func TestHTTPErrorTypes(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/401":
			w.WriteHeader(401)
		case "/429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(429)
		case "/bad":
			w.Write([]byte("<html>"))
		}
	})
	h := &ti.HTTP{Provider: "X", ConfigKey: "TIProviders.X.Args.AuthKey", MaxDelay: time.Second}
	_, err := h.Do(context.Background(), ti.Request{URL: srv.URL + "/401"})
	var ae *ti.AuthError
	if !errors.As(err, &ae) || ae.Status != 401 || !errors.Is(err, ti.ErrAuth) {
		t.Errorf("401: %v", err)
	}
	_, err = h.Do(context.Background(), ti.Request{URL: srv.URL + "/429"})
	var he *ti.HTTPError
	if !errors.As(err, &he) || he.RetryAfter != 2*time.Minute || !errors.Is(err, ti.ErrRateLimited) {
		t.Errorf("429: %v", err)
	}
	var v map[string]any
	if _, err = h.GetJSON(context.Background(), srv.URL+"/bad", nil, &v); !errors.Is(err, ti.ErrMalformed) {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestAuthFailureIsOneClearErrorWithoutRetries(t *testing.T) {
	for _, code := range []int{401, 403} {
		srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
			titest.JSON(w, code, []byte(`{"error":{"code":"WrongCredentialsError"}}`))
		})
		c := titest.Client(t, "Fake", srv.URL, ti.WithConcurrency(1))
		rows, err := c.LookupRows(context.Background(), items("1.1.1.1", "2.2.2.2", "3.3.3.3", "bad.example.com", "4.4.4.4"))
		if srv.Hits.Load() != 1 {
			t.Errorf("%d: server saw %d requests, want exactly 1 (no retries, no storm)", code, srv.Hits.Load())
		}
		for _, r := range rows {
			if r.Status != ti.StatusAuthFailed {
				t.Errorf("%d: %s status %v", code, r.Ioc, r.Status)
			}
		}
		var ae *ti.AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("%d: err %v: want an *AuthError inside", code, err)
		}
		msg := err.Error()
		if strings.Count(msg, "authentication failed") != 1 || !strings.Contains(msg, "TIProviders.Fake.Args.AuthKey") || strings.Contains(msg, titest.Key) {
			t.Errorf("%d: message %q: want one auth error naming the key path, no secret", code, msg)
		}
	}
}

// A provider whose quota is spent answers 429 to everything: once one item has used up its
// retries, the rest of the batch is not sent (no retry storm at the rate limit), and every
// row is kept with StatusRateLimited.
func TestQuotaExhaustedStopsTheProvider(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		titest.JSON(w, 429, []byte(`{"error":{"code":"QuotaExceededError"}}`))
	})
	c := titest.Client(t, "Fake", srv.URL, ti.WithConcurrency(1))
	rows, err := c.LookupRows(context.Background(), items("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"))
	if got := srv.Hits.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3 (one item's attempts, then none)", got)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5", len(rows))
	}
	for _, r := range rows {
		if r.Status != ti.StatusRateLimited || !strings.Contains(r.Message, "429") {
			t.Errorf("%s: status %v %q", r.Ioc, r.Status, r.Message)
		}
	}
	if !errors.Is(err, ti.ErrLookupsFailed) {
		t.Errorf("err %v", err)
	}
}

// roundTripFunc is an http.RoundTripper from a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A host name that does not resolve (offline, or a wrong BaseURL) is not retried: under a
// per-minute rate limit each retry would wait for the limiter (the Tor list took 90 s).
func TestUnresolvableHostIsNotRetried(t *testing.T) {
	var n atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}
	})}
	c := titest.Client(t, "Fake", "http://api.example.invalid", ti.WithHTTPClient(hc))
	rows, _ := c.LookupRows(context.Background(), items("1.1.1.1"))
	if n.Load() != 1 {
		t.Errorf("%d attempts, want 1", n.Load())
	}
	if len(rows) != 1 || rows[0].Status != ti.StatusQueryFailed || !strings.Contains(rows[0].Message, "no such host") {
		t.Errorf("rows %+v", rows)
	}
}

// A provider that cannot be reached at all (connection refused: a wrong BaseURL port, a
// proxy down) stops after one item's retries: at a rate of 4/min, 1,000 items would
// otherwise retry for hours. Every row is kept with the reason.
func TestUnreachableProviderStopsAfterOneItem(t *testing.T) {
	var n atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	})}
	c := titest.Client(t, "Fake", "http://127.0.0.1:1", ti.WithHTTPClient(hc), ti.WithConcurrency(1))
	rows, err := c.LookupRows(context.Background(), items("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"))
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3 (one item and its 2 retries)", n.Load())
	}
	if len(rows) != 4 || !errors.Is(err, ti.ErrLookupsFailed) {
		t.Fatalf("rows %d, err %v", len(rows), err)
	}
	for _, r := range rows {
		if r.Status != ti.StatusQueryFailed || !strings.Contains(r.Message, "connection refused") {
			t.Errorf("%s: %v %q", r.Ioc, r.Status, r.Message)
		}
	}
}

// A timeout is about one request, not the provider: the other items are still sent.
func TestTimeoutDoesNotStopTheProvider(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "1.1.1.1") {
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
			return
		}
		titest.JSON(w, 200, []byte(`{"score":1}`))
	})
	c := titest.Client(t, "Fake", srv.URL, ti.WithConcurrency(1), ti.WithTimeout(30*time.Millisecond))
	rows, _ := c.LookupRows(context.Background(), items("1.1.1.1", "2.2.2.2"))
	if len(rows) != 2 || rows[0].Status != ti.StatusTimeout || rows[1].Status != ti.StatusOK {
		t.Errorf("rows %+v", rows)
	}
}

func TestSlowServerCancelledByContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	c := titest.Client(t, "Fake", srv.URL, ti.WithConcurrency(2), ti.WithTimeout(time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Hits.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	done := make(chan struct{})
	var rows []ti.Row
	var err error
	go func() {
		rows, err = c.LookupRows(ctx, items("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("lookup did not stop after cancellation")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(rows) != 5 {
		t.Fatalf("rows = %d, want all 5 kept", len(rows))
	}
	for _, r := range rows {
		if r.Status != ti.StatusCancelled {
			t.Errorf("%s: status %v (%s)", r.Ioc, r.Status, r.Message)
		}
	}
	if srv.Hits.Load() > 2 {
		t.Errorf("%d requests sent; the rest should not start after cancel", srv.Hits.Load())
	}
}

// An attempt that got no HTTP answer used none of the quota: its retries do not wait for the
// rate limiter (at one request an hour they would never run before the deadline).
func TestRetryAfterConnectionFailureSkipsTheRateLimiter(t *testing.T) {
	var n atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	})}
	c := titest.Client(t, "Fake", "http://127.0.0.1:1", ti.WithHTTPClient(hc), ti.WithRate("Fake", ti.PerHour(1)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, _ := c.LookupRows(ctx, items("1.1.1.1"))
	if n.Load() != 3 || rows[0].Status != ti.StatusQueryFailed {
		t.Errorf("%d attempts, status %v (%s); want 3 attempts, query_failed", n.Load(), rows[0].Status, rows[0].Message)
	}
}

func TestRateLimiterIsApplied(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	// One request per hour with a burst of one: the second lookup cannot start before the
	// context's deadline, so it fails as rate limited instead of being sent.
	c := titest.Client(t, "Fake", srv.URL, ti.WithRate("Fake", ti.PerHour(1)), ti.WithConcurrency(1))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, _ := c.LookupRows(ctx, items("1.1.1.1", "2.2.2.2"))
	if srv.Hits.Load() != 1 {
		t.Errorf("requests = %d, want 1", srv.Hits.Load())
	}
	if rows[0].Status != ti.StatusOK || rows[1].Status != ti.StatusRateLimited {
		t.Errorf("statuses %v %v (%s)", rows[0].Status, rows[1].Status, rows[1].Message)
	}
	if got := c.Providers()[0].Rate; got != ti.PerHour(1) {
		t.Errorf("rate %v", got)
	}
}

func TestBatchProvider(t *testing.T) {
	var calls atomic.Int64
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var vals []string
		if err := json.NewDecoder(r.Body).Decode(&vals); err != nil || len(vals) > 3 {
			w.WriteHeader(400)
			return
		}
		out := make([]map[string]int, len(vals))
		for i, v := range vals {
			out[i] = map[string]int{"score": scoreOf(v)}
		}
		b, _ := json.Marshal(out)
		titest.JSON(w, 200, b)
	})
	c := titest.Client(t, "FakeBatch", srv.URL)
	rows, err := c.LookupRows(context.Background(), items("a.example.com", "b.example.com", "bad.example.com",
		"d.example.com", "e.example.com", "f.example.com", "g.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Errorf("batch calls = %d, want 3 (7 items, 3 per batch)", calls.Load())
	}
	if len(rows) != 7 || rows[2].Severity != ti.SevHigh || rows[2].Ioc != "bad.example.com" {
		t.Errorf("rows %+v", rows)
	}
}

func TestBatchFailureKeepsEveryRow(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	c := titest.Client(t, "FakeBatch", srv.URL)
	rows, err := c.LookupRows(context.Background(), items("a.example.com", "b.example.com", "c.example.com", "d.example.com"))
	if err == nil || len(rows) != 4 {
		t.Fatalf("err %v rows %d", err, len(rows))
	}
	for _, r := range rows {
		if r.Status != ti.StatusQueryFailed || !strings.Contains(r.Message, "HTTP 500") {
			t.Errorf("%s: %v %q", r.Ioc, r.Status, r.Message)
		}
	}
}

func TestCacheServesRepeatsAndNegativeTTL(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	cache, err := ti.OpenDiskCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := titest.Client(t, "Fake", srv.URL, ti.WithCache(cache))
	in := items("bad.example.com", "unknown.example.net")
	if _, err := c.LookupRows(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	rows, err := c.LookupRows(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Hits.Load() != 2 {
		t.Errorf("requests = %d, want 2 (second run from cache)", srv.Hits.Load())
	}
	if !rows[0].Cached || !rows[1].Cached || rows[0].Severity != ti.SevHigh || rows[1].Result {
		t.Errorf("cached rows %+v", rows)
	}
	e1, _ := cache.Get("Fake", ti.Item{Value: "bad.example.com", Type: "dns"})
	e2, _ := cache.Get("Fake", ti.Item{Value: "unknown.example.net", Type: "dns"})
	if d1, d2 := e1.Expires.Sub(e1.Stored), e2.Expires.Sub(e2.Stored); d1 != time.Hour || d2 != time.Minute {
		t.Errorf("TTLs %v (found) and %v (not found), want 1h and 1m", d1, d2)
	}
}

func TestConfigSelection(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	cfg := fakeConfig{"TIProviders": map[string]any{
		"MyFake": map[string]any{"Primary": true, "Provider": "Fake",
			"Args": map[string]any{"AuthKey": "cfg-secret", "BaseURL": srv.URL, "RateLimit": "20/min", "Concurrency": 3, "CacheTTL": "2h"}},
		"Secondary": map[string]any{"Primary": false, "Provider": "FakeIP", "Args": map[string]any{"BaseURL": srv.URL}},
		"Mystery":   map[string]any{"Provider": "NoSuchService"},
		"Broken":    map[string]any{"Provider": "Fake", "Args": map[string]any{}},
	}}
	c, err := ti.New(context.Background(), ti.WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Providers()
	if len(ps) != 1 || ps[0].Name != "MyFake" || ps[0].Rate != ti.PerMinute(20) || ps[0].Concurrency != 3 || ps[0].TTL != 2*time.Hour {
		t.Fatalf("providers %+v", ps)
	}
	if w := strings.Join(c.Warnings(), "\n"); !strings.Contains(w, "NoSuchService") || !strings.Contains(w, "TIProviders.Broken.Args.AuthKey") {
		t.Errorf("warnings %q", w)
	}
	rows, err := c.LookupRows(context.Background(), items("bad.example.com"))
	if err != nil || rows[0].Provider != "MyFake" || rows[0].Severity != ti.SevHigh {
		t.Fatalf("rows %+v err %v", rows, err)
	}
	// A secondary provider is used when named.
	c, err = ti.New(context.Background(), ti.WithConfig(cfg), ti.WithProviders("Secondary", "myfake"))
	if err != nil {
		t.Fatal(err)
	}
	if ps := c.Providers(); len(ps) != 2 || ps[0].Name != "Secondary" || ps[1].Name != "MyFake" {
		t.Errorf("named providers %+v", ps)
	}
	// Errors name the key to fix.
	_, err = ti.New(context.Background(), ti.WithProviders("Fake"))
	if !errors.Is(err, ti.ErrNotConfigured) || !strings.Contains(err.Error(), "TIProviders.Fake.Args.AuthKey") {
		t.Errorf("unconfigured: %v", err)
	}
	_, err = ti.New(context.Background(), ti.WithProviders("Nope"))
	if !errors.Is(err, ti.ErrUnknownProvider) {
		t.Errorf("unknown: %v", err)
	}
	_, err = ti.New(context.Background())
	if !errors.Is(err, ti.ErrNoProviders) {
		t.Errorf("none: %v", err)
	}
	bad := fakeConfig{"TIProviders": map[string]any{"Fake": map[string]any{"Args": map[string]any{"AuthKey": "k", "RateLimit": "fast"}}}}
	_, err = ti.New(context.Background(), ti.WithConfig(bad), ti.WithProviders("Fake"))
	if err == nil || !strings.Contains(err.Error(), "TIProviders.Fake.Args.RateLimit") {
		t.Errorf("bad rate: %v", err)
	}
	// Configured entries that all fail to start: the message leads with what to fix, not
	// with "none configured".
	_, err = ti.New(context.Background(), ti.WithConfig(bad))
	if !errors.Is(err, ti.ErrNoProviders) || strings.Contains(err.Error(), "none configured") || !strings.Contains(err.Error(), "TIProviders.Fake.Args.RateLimit") {
		t.Errorf("all configured providers broken: %v", err)
	}
}

func TestProgress(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	var last, calls atomic.Int64
	c := titest.Client(t, "Fake", srv.URL, ti.WithProgress(func(done, total int) {
		calls.Add(1)
		last.Store(int64(done*1000 + total))
	}))
	if _, err := c.LookupRows(context.Background(), items("1.1.1.1", "2.2.2.2", "3.3.3.3")); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || last.Load() != 3003 {
		t.Errorf("progress calls %d last %d", calls.Load(), last.Load())
	}
}

// Addresses that are not globally reachable (ipscope) never reach an online provider, while a
// Local provider is asked about every one of them.
func TestNonGlobalAddressesOnlyGoToLocalProviders(t *testing.T) {
	var sent []string
	var mu sync.Mutex
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, strings.TrimPrefix(r.URL.Path, "/lookup/"))
		mu.Unlock()
		scoreHandler(w, r)
	})
	c, err := ti.New(t.Context(), ti.WithProviders("FakeIP46", "FakeLocal"), ti.WithBaseURL("FakeIP46", srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	nonGlobal := []string{"3fff::1", "2001:2::1", "192.88.99.1", "64:ff9b::808:808", "100.64.1.1", "10.0.0.1", "fe80::1"}
	rows, err := c.LookupRows(t.Context(), items(append([]string{"8.8.8.8"}, nonGlobal...)...))
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0] != "8.8.8.8" {
		t.Errorf("online provider was sent %v; want only 8.8.8.8", sent)
	}
	byIoc := map[string]map[string]ti.Row{}
	for _, r := range rows {
		if byIoc[r.Ioc] == nil {
			byIoc[r.Ioc] = map[string]ti.Row{}
		}
		byIoc[r.Ioc][r.Provider] = r
	}
	for _, ip := range nonGlobal {
		got := byIoc[ip]
		if r, ok := got["FakeLocal"]; !ok || r.Status != ti.StatusOK || !r.Result {
			t.Errorf("%s: local provider row %+v; want an answer", ip, r)
		}
		if r, ok := got[ti.PrecheckProvider]; !ok || r.Status != ti.StatusNotPublic || !strings.Contains(r.Message, "not sent to online") {
			t.Errorf("%s: precheck row %+v; want not_public saying it was not sent", ip, r)
		}
		if _, ok := got["FakeIP46"]; ok {
			t.Errorf("%s: has a row from the online provider", ip)
		}
	}
}
