package whois

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rdapServer is a local stand-in for IANA's bootstrap service and three RDAP servers
// ("arin", "ripe", "verisign"), all on one httptest server.
type rdapServer struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	hooks map[string]func(n int, w http.ResponseWriter, r *http.Request) // path -> custom handler
	// bootstrapStatus makes the bootstrap files fail with this status when non-zero.
	bootstrapStatus int
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newRDAPServer(t *testing.T) *rdapServer {
	s := &rdapServer{t: t, hits: map[string]int{}, hooks: map[string]func(int, http.ResponseWriter, *http.Request){}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *rdapServer) hook(path string, h func(n int, w http.ResponseWriter, r *http.Request)) {
	s.mu.Lock()
	s.hooks[path] = h
	s.mu.Unlock()
}

func (s *rdapServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *rdapServer) bootstrapJSON(name string) string {
	u := s.srv.URL
	switch name {
	case "ipv4.json":
		return fmt.Sprintf(`{"version":"1.0","publication":"2026-11-01T00:00:00Z","description":"RDAP bootstrap file for IPv4 address allocations","services":[
			[["64.0.0.0/8","8.0.0.0/8"],["%[1]s/arin/"]],
			[["193.0.0.0/8","81.0.0.0/8"],["%[1]s/ripe/"]]]}`, u)
	case "ipv6.json":
		return fmt.Sprintf(`{"version":"1.0","publication":"2026-11-01T00:00:00Z","services":[[["2a00::/12"],["%[1]s/ripe/"]],[["2600::/12"],["%[1]s/arin/"]]]}`, u)
	case "asn.json":
		return fmt.Sprintf(`{"version":"1.0","publication":"2026-11-01T00:00:00Z","services":[[["64496-64511","13335"],["%[1]s/arin/"]],[["3333"],["%[1]s/ripe/"]]]}`, u)
	case "dns.json":
		return fmt.Sprintf(`{"version":"1.0","publication":"2026-11-01T00:00:00Z","services":[[["com","net"],["%[1]s/verisign/com/v1/"]],[["co.uk"],["%[1]s/nominet-couk/"]],[["uk"],["%[1]s/nominet/"]]]}`, u)
	}
	return ""
}

func (s *rdapServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	n := s.hits[r.URL.Path]
	h := s.hooks[r.URL.Path]
	bst := s.bootstrapStatus
	s.mu.Unlock()
	if h != nil {
		h(n, w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/iana/") {
		if bst != 0 {
			http.Error(w, "unavailable", bst)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, s.bootstrapJSON(strings.TrimPrefix(r.URL.Path, "/iana/")))
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "application/rdap+json") {
		http.Error(w, "client must accept application/rdap+json", http.StatusNotAcceptable)
		return
	}
	w.Header().Set("Content-Type", "application/rdap+json")
	switch r.URL.Path {
	case "/arin/ip/64.0.2.10":
		w.Write(fixture(s.t, "ip_arin.json"))
	case "/arin/ip/8.8.4.4":
		// Inter-RIR transfer: ARIN redirects to RIPE, as real RIR servers do.
		http.Redirect(w, r, "/ripe/ip/2a00:5c0::1", http.StatusMovedPermanently)
	case "/ripe/ip/2a00:5c0::1":
		w.Write(fixture(s.t, "ip6_ripe.json"))
	case "/arin/autnum/64496":
		w.Write(fixture(s.t, "autnum.json"))
	case "/verisign/com/v1/domain/example.com":
		w.Write(fixture(s.t, "domain.json"))
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write(fixture(s.t, "error404.json"))
	}
}

func (s *rdapServer) client(t *testing.T) *Client {
	return &Client{
		Bootstrap: &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: t.TempDir(), Client: s.srv.Client()},
		HTTP:      s.srv.Client(), Backoff: 10 * time.Millisecond, Timeout: 2 * time.Second,
	}
}

func TestLookups(t *testing.T) {
	s := newRDAPServer(t)
	c := s.client(t)
	ctx := context.Background()

	r, err := c.Lookup(ctx, "64.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Query: "64.0.2.10", Kind: KindIP, Handle: "NET-64-0-2-0-1", Name: "EXAMPLE-NET-1", Type: "DIRECT ALLOCATION",
		Org: "Example Networks, Inc.", Country: "US", Networks: []string{"64.0.2.0/24"}, StartAddress: "64.0.2.0", EndAddress: "64.0.2.255",
		ParentHandle: "NET-64-0-0-0-0", AbuseEmail: "abuse@example.net", AbusePhone: "+1-555-555-0100", AbuseName: "Abuse Desk",
		Status: []string{"active"}, Server: s.srv.URL + "/arin/ip/64.0.2.10", OriginASNs: []int64{64496, 64500},
		Created: time.Date(2011, 1, 20, 22, 23, 30, 0, time.UTC), Updated: time.Date(2024, 6, 13, 13, 15, 2, 0, time.UTC)}
	if fmt.Sprintf("%+v", *r) != fmt.Sprintf("%+v", want) {
		t.Errorf("ip network:\n got %+v\nwant %+v", *r, want)
	}

	// Redirected to another registry; IPv6 range without cidr0 gives a computed prefix.
	r, err = c.Lookup(ctx, "8.8.4.4")
	if err != nil {
		t.Fatal(err)
	}
	if r.Org != "Example B.V." || r.AbuseEmail != "abuse@example.nl" || r.Country != "NL" || r.Server != s.srv.URL+"/ripe/ip/2a00:5c0::1" ||
		strings.Join(r.Networks, ",") != "2a00:5c0::/29" || !r.Created.IsZero() || r.Updated.IsZero() {
		t.Errorf("redirected ipv6 network: %+v", r)
	}

	for _, q := range []string{"AS64496", "as64496", "64496"} {
		r, err = c.Lookup(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != KindASN || r.Name != "EXAMPLE-AS" || r.StartASN != 64496 || r.EndASN != 64496 || r.Org != "Example" ||
			r.AbuseEmail != "irt@example.com.au" || r.Country != "AU" || r.Created.Year() != 1990 {
			t.Errorf("%s: %+v", q, r)
		}
	}

	for _, q := range []string{"example.com", "EXAMPLE.com.", "https://example.com/login.php", "example[.]com", "user@example.com"} {
		r, err = c.Lookup(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if r.Kind != KindDomain || r.Name != "example.com" || r.Registrar != "RESERVED-Internet Assigned Numbers Authority" || r.RegistrarID != "376" ||
			r.AbuseEmail != "abuse@iana.example" || r.AbusePhone != "+1.3108239358" ||
			strings.Join(r.Nameservers, " ") != "a.iana-servers.net b.iana-servers.net" ||
			r.Expires != time.Date(2026, 8, 13, 4, 0, 0, 0, time.UTC) || r.Created.Year() != 1995 || len(r.Status) != 3 {
			t.Errorf("%s: %+v", q, r)
		}
	}
	// Bootstrap files were fetched once each and cached on disk.
	if n := s.count("/iana/dns.json"); n != 1 {
		t.Errorf("dns.json fetched %d times", n)
	}
	if _, err := os.Stat(filepath.Join(c.Bootstrap.CacheDir, "ipv4.json")); err != nil {
		t.Errorf("bootstrap not cached: %v", err)
	}
}

func TestLookupErrors(t *testing.T) {
	s := newRDAPServer(t)
	c := s.client(t)
	ctx := context.Background()
	tests := []struct {
		q       string
		want    error
		msg     string
		request bool
	}{
		{"64.0.9.9", ErrNotFound, "no RDAP record", true},
		{"nosuch.com", ErrNotFound, "no RDAP record", true},
		{"10.1.2.3", ErrNotPublic, "private", false},
		{"127.0.0.1", ErrNotPublic, "loopback", false},
		{"example.zz", ErrNoServer, "dns.json", false},
		{"100.1.2.3", ErrNoServer, "ipv4.json", false},
		{"AS1", ErrNoServer, "asn.json", false},
		{"not a value", ErrInvalidQuery, "not an IP address", false},
		{"", ErrInvalidQuery, "empty", false},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			r, err := c.Lookup(ctx, tc.q)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
			if r == nil || r.Query != tc.q || r.Err == nil {
				t.Errorf("result %+v", r)
			}
		})
	}
	if s.count("/arin/ip/10.1.2.3") != 0 {
		t.Error("private address was sent")
	}
	// The longest registered suffix wins: co.uk before uk.
	if _, err := c.Lookup(ctx, "shop.example.co.uk"); err == nil || s.count("/nominet-couk/domain/shop.example.co.uk") != 1 {
		t.Errorf("co.uk lookup: %v, hits %v", err, s.hits)
	}
}

func TestRetriesAndFaults(t *testing.T) {
	ok := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/rdap+json")
		w.Write(fixture(t, "autnum.json"))
	}
	tests := []struct {
		name     string
		h        func(n int, w http.ResponseWriter, r *http.Request)
		want     error
		msg      string
		calls    int
		minDelay time.Duration
	}{
		{"429 with Retry-After", func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			ok(w)
		}, nil, "", 2, 900 * time.Millisecond},
		{"429 without Retry-After", func(n int, w http.ResponseWriter, r *http.Request) {
			if n <= 2 {
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			ok(w)
		}, nil, "", 3, 0},
		{"429 forever", func(n int, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"errorCode":429,"title":"Too Many Requests","description":["Slow down."]}`)
		}, ErrRateLimited, "Too Many Requests", 3, 0},
		{"500", func(n int, w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, ErrService, "RDAP HTTP 500", 3, 0},
		{"503 then ok", func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			ok(w)
		}, nil, "", 2, 0},
		{"malformed JSON", func(n int, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"objectClassName": "autnum", "handle": `)
		}, ErrService, "malformed JSON", 1, 0},
		{"not RDAP", func(n int, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"hello": "world"}`)
		}, ErrService, "no objectClassName", 1, 0},
		{"timeout", func(n int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}, context.DeadlineExceeded, "timed out", 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newRDAPServer(t)
			s.hook("/arin/autnum/64500", tc.h)
			c := s.client(t)
			c.Retries, c.Timeout = 2, 200*time.Millisecond
			start := time.Now()
			r, err := c.Lookup(context.Background(), "AS64500")
			if got := s.count("/arin/autnum/64500"); got != tc.calls {
				t.Errorf("%d requests, want %d", got, tc.calls)
			}
			if tc.want == nil {
				if err != nil || r.Name != "EXAMPLE-AS" {
					t.Fatalf("err %v, result %+v", err, r)
				}
				if d := time.Since(start); d < tc.minDelay {
					t.Errorf("retried after %v, Retry-After asked for %v", d, tc.minDelay)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestCancelSlowServer(t *testing.T) {
	s := newRDAPServer(t)
	started := make(chan struct{}, 8)
	s.hook("/arin/autnum/64501", func(n int, w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	c := s.client(t)
	c.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	// A cancellation that did not stop the waits would hang here (the server never
	// answers): no wall-clock verdict is needed.
	res, err := c.LookupAll(ctx, []string{"AS64501", "AS64501", "AS64501", "AS64501", "AS64501", "AS64501", "AS64501"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	for _, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("result %+v", r)
		}
	}
}

func TestLookupAllAndFrame(t *testing.T) {
	s := newRDAPServer(t)
	c := s.client(t)
	vals := []string{"64.0.2.10", "example.com", "AS64496", "64.0.9.9", "192.168.0.1"}
	res, err := c.LookupAll(context.Background(), vals)
	if err != nil {
		t.Fatal(err)
	}
	n, first := Failed(res) // the 404; the private address is reported, not failed
	if n != 1 || !errors.Is(first, ErrNotFound) {
		t.Errorf("failed %d, first %v", n, first)
	}
	f := Frame(res)
	if f.Len() != len(vals) || strings.Join(f.Names(), ",") != strings.Join(FrameColumns, ",") {
		t.Fatalf("frame %d rows, columns %v", f.Len(), f.Names())
	}
	for i, v := range vals {
		if f.Col("Query").Str(i) != v {
			t.Errorf("row %d query %q", i, f.Col("Query").Str(i))
		}
	}
	if f.Col("Network").Str(0) != "64.0.2.0/24" || f.Col("Org").Str(0) != "Example Networks, Inc." || f.Col("Created").Time(0).Year() != 2011 {
		t.Errorf("row 0 %v", f.Row(0))
	}
	if f.Col("Registrar").Str(1) == "" || f.Col("Nameservers").Str(1) != "a.iana-servers.net, b.iana-servers.net" || f.Col("Expires").IsNull(1) {
		t.Errorf("row 1 %v", f.Row(1))
	}
	if f.Col("ASN").Str(2) != "64496" || f.Col("ASN").Str(0) != "64496, 64500" {
		t.Errorf("row 2 %v", f.Row(2))
	}
	if !strings.Contains(f.Col("Error").Str(3), "no RDAP record") || !f.Col("Handle").IsNull(3) {
		t.Errorf("row 3 %v", f.Row(3))
	}
	if !strings.Contains(f.Col("Error").Str(4), "not a public address") {
		t.Errorf("row 4 %v", f.Row(4))
	}
}

func TestBootstrapFallbacks(t *testing.T) {
	ctx := context.Background()
	// Embedded snapshot: real registries for well-known resources.
	emb := &Bootstrap{Offline: true}
	for _, tc := range []struct {
		get  func() ([]string, error)
		want string
	}{
		{func() ([]string, error) { return emb.ServerForIP(ctx, netip.MustParseAddr("8.8.8.8")) }, "rdap.arin.net"},
		{func() ([]string, error) { return emb.ServerForIP(ctx, netip.MustParseAddr("193.0.6.139")) }, "rdap.db.ripe.net"},
		{func() ([]string, error) { return emb.ServerForIP(ctx, netip.MustParseAddr("2a00:1450::1")) }, "rdap.db.ripe.net"},
		{func() ([]string, error) { return emb.ServerForIP(ctx, netip.MustParseAddr("1.1.1.1")) }, "rdap.apnic.net"},
		{func() ([]string, error) { return emb.ServerForASN(ctx, 3333) }, "rdap.db.ripe.net"},
		{func() ([]string, error) { return emb.ServerForASN(ctx, 15169) }, "rdap.arin.net"},
		{func() ([]string, error) { return emb.ServerForDomain(ctx, "www.example.com") }, "rdap.verisign.com/com/v1/"},
		{func() ([]string, error) { return emb.ServerForDomain(ctx, "example.dev") }, "pubapi.registry.google"},
	} {
		urls, err := tc.get()
		if err != nil || !strings.Contains(pickURL(urls), tc.want) || !strings.HasPrefix(pickURL(urls), "https://") {
			t.Errorf("embedded: %v %v, want %s", urls, err, tc.want)
		}
	}
	if src, pub := emb.Source("ipv4.json"); src != "embedded" || pub == "" {
		t.Errorf("source %q %q", src, pub)
	}

	// A server that fails: with nothing cached, the embedded snapshot is used and a warning given.
	s := newRDAPServer(t)
	s.bootstrapStatus = http.StatusServiceUnavailable
	var warnings []string
	dir := t.TempDir()
	b := &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: dir, Client: s.srv.Client(), Warn: func(m string) { warnings = append(warnings, m) }}
	urls, err := b.ServerForIP(ctx, netip.MustParseAddr("8.8.8.8"))
	if err != nil || !strings.Contains(urls[0], "arin") || len(warnings) != 1 || !strings.Contains(warnings[0], "built-in snapshot") {
		t.Errorf("fallback to embedded: %v %v %v", urls, err, warnings)
	}

	// Fetched files are cached; a stale cache is used when the refresh fails.
	s.bootstrapStatus = 0
	b2 := &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: dir, Client: s.srv.Client()}
	if err := b2.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(filepath.Join(dir, "asn.json"), old, old)
	s.bootstrapStatus = http.StatusInternalServerError
	warnings = nil
	b3 := &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: dir, Client: s.srv.Client(), Warn: func(m string) { warnings = append(warnings, m) }}
	urls, err = b3.ServerForASN(ctx, 3333)
	if err != nil || urls[0] != s.srv.URL+"/ripe/" || len(warnings) != 1 || !strings.Contains(warnings[0], "cached copy") {
		t.Errorf("stale cache: %v %v %v", urls, err, warnings)
	}
	// A fresh cache is used without any request.
	before := s.count("/iana/dns.json")
	b4 := &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: dir, Client: s.srv.Client()}
	if _, err := b4.ServerForDomain(ctx, "example.com"); err != nil || s.count("/iana/dns.json") != before {
		t.Errorf("fresh cache: %v, requests %d -> %d", err, before, s.count("/iana/dns.json"))
	}

	// A malformed download is rejected and not cached.
	s.bootstrapStatus = 0
	s.hook("/iana/ipv6.json", func(n int, w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"services": [[["not-a-prefix"], ["x"]]]}`)
	})
	dir2 := t.TempDir()
	warnings = nil
	b5 := &Bootstrap{BaseURL: s.srv.URL + "/iana/", CacheDir: dir2, Client: s.srv.Client(), Warn: func(m string) { warnings = append(warnings, m) }}
	if _, err := b5.ServerForIP(ctx, netip.MustParseAddr("2a00:1450::1")); err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "bad prefix") {
		t.Errorf("malformed bootstrap: %v %v", err, warnings)
	}
	if _, err := os.Stat(filepath.Join(dir2, "ipv6.json")); err == nil {
		t.Error("malformed bootstrap file was cached")
	}
}

func TestRangeToCIDRs(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"10.0.0.0", "10.0.0.255", "10.0.0.0/24"},
		{"10.0.0.0", "10.0.2.255", "10.0.0.0/23,10.0.2.0/24"},
		{"10.0.0.1", "10.0.0.2", "10.0.0.1/32,10.0.0.2/32"},
		{"0.0.0.0", "255.255.255.255", "0.0.0.0/0"},
		{"2001:db8::", "2001:db8::ffff", "2001:db8::/112"},
		{"10.0.0.5", "10.0.0.1", ""},
		{"10.0.0.1", "::1", ""},
	} {
		if got := strings.Join(rangeToCIDRs(tc.a, tc.b), ","); got != tc.want {
			t.Errorf("%s-%s: %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseVCard(t *testing.T) {
	raw := json.RawMessage(`["vcard",[["version",{},"text","4.0"],["fn",{},"text","Joe"],["org",{},"text",["Example","Ops"]],
		["adr",{},"text",["","","1 Main St","Town","","12345","Country"]],["tel",{},"uri","tel:+1-555"],["email",{},"text","j@example.com"],["bad"]]]`)
	v := parseVCard(raw)
	if v.FN != "Joe" || v.Org != "Example, Ops" || v.Address != "1 Main St, Town, 12345, Country" || v.Tel != "+1-555" || v.Email != "j@example.com" {
		t.Errorf("%+v", v)
	}
	if (parseVCard(json.RawMessage(`{"not":"a jcard"}`)) != vcard{}) {
		t.Error("non-jCard gave data")
	}
}

var queryCases = []struct {
	in   string
	kind Kind
	norm string
}{
	{"8.8.8.8", KindIP, "8.8.8.8"},
	{" 2001:4860:4860::8888 ", KindIP, "2001:4860:4860::8888"},
	{"::ffff:8.8.8.8", KindIP, "8.8.8.8"},
	{"AS15169", KindASN, "15169"},
	{"15169", KindASN, "15169"},
	{"Example.COM.", KindDomain, "example.com"},
	{"http://evil.example.net:8080/x", KindDomain, "evil.example.net"},
	{"bücher.example", KindDomain, "bücher.example"},
	{"bad..domain", "", ""},
	{"-bad.com", "", ""},
	{"AS99999999999", "", ""},
}

func TestParseQuery(t *testing.T) {
	for _, tc := range queryCases {
		q, err := ParseQuery(tc.in)
		if tc.kind == "" {
			if !errors.Is(err, ErrInvalidQuery) {
				t.Errorf("%q: %+v %v", tc.in, q, err)
			}
			continue
		}
		if err != nil || q.Kind != tc.kind {
			t.Errorf("%q: %+v %v", tc.in, q, err)
			continue
		}
		var norm string
		switch q.Kind {
		case KindIP:
			norm = q.IP.String()
		case KindASN:
			norm = fmt.Sprint(q.ASN)
		case KindDomain:
			norm = q.Domain
		}
		if norm != tc.norm {
			t.Errorf("%q: normalised %q, want %q", tc.in, norm, tc.norm)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, tc := range queryCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err == nil && q.Kind == "" {
			t.Fatalf("no kind for %q", s)
		}
	})
}

func FuzzRDAPResponse(f *testing.F) {
	for _, name := range []string{"ip_arin.json", "ip6_ripe.json", "autnum.json", "domain.json", "error404.json"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var o object
		if json.Unmarshal(data, &o) != nil {
			return
		}
		var r Result
		o.fill(&r) // must not panic
		Frame([]Result{r})
	})
}

func FuzzBootstrap(f *testing.F) {
	for _, name := range []string{fileDNS, fileIPv4, fileIPv6, fileASN} {
		b, _ := embedded.ReadFile("bootstrap/" + name)
		f.Add(name, b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		_, _ = parseRegistry(name, data)
	})
}

func TestPickURLPrefersHTTPS(t *testing.T) {
	if got := pickURL([]string{"http://a.example/", "https://b.example/"}); got != "https://b.example/" {
		t.Errorf("got %s", got)
	}
	if got := pickURL([]string{"http://a.example/"}); got != "http://a.example/" {
		t.Errorf("got %s", got)
	}
}

func TestBootstrapDownloadTimeout(t *testing.T) {
	s := newRDAPServer(t)
	s.hook("/iana/asn.json", func(n int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	var warnings []string
	b := &Bootstrap{BaseURL: s.srv.URL + "/iana/", Client: s.srv.Client(), Timeout: 200 * time.Millisecond, Warn: func(m string) { warnings = append(warnings, m) }}
	urls, err := b.ServerForASN(context.Background(), 3333)
	if err != nil || !strings.Contains(urls[0], "rdap.db.ripe.net") || len(warnings) != 1 {
		t.Errorf("%v %v %v", urls, err, warnings)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Offline, an RDAP server's name does not resolve: each lookup makes one attempt (no backoff,
// however many retries are allowed) and fails with ErrUnreachable.
func TestOfflineFailsFastWithoutRetries(t *testing.T) {
	var n atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}
	})}
	c := &Client{Bootstrap: &Bootstrap{Offline: true}, HTTP: hc, Retries: 5, Backoff: time.Hour}
	res, err := c.LookupAll(t.Context(), []string{"8.8.8.8", "example.com", "AS15169"})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3 (one per lookup, no retries)", n.Load())
	}
	for _, r := range res {
		if !errors.Is(r.Err, ErrUnreachable) || strings.Contains(r.Err.Error(), "\n") || !strings.Contains(r.Err.Error(), "no such host") {
			t.Errorf("%s: %v; want one line wrapping ErrUnreachable", r.Query, r.Err)
		}
	}
}
