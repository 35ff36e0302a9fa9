// Package whois looks up registration data for IP addresses, domains and autonomous system
// numbers over RDAP (RFC 9082 queries, RFC 9083 JSON responses), finding the authoritative
// server through IANA's bootstrap registry (RFC 9224). The registry ships embedded in the
// binary and is refreshed from IANA into a disk cache.
//
// A lookup yields a Result with the network or domain name, handle, registrant organisation,
// registrar, country, registration/update/expiry dates, abuse contact, network range (cidr0
// or computed from the address range) and name servers; Frame turns results into a table.
package whois

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/ipscope"
)

// Sentinel errors; returned errors wrap them, test with errors.Is.
var (
	// ErrNotFound reports an HTTP 404 from the RDAP server: "no RDAP record".
	ErrNotFound = errors.New("no RDAP record")
	// ErrInvalidQuery reports a value that is neither an IP address, an AS number nor a domain.
	ErrInvalidQuery = errors.New("not an IP address, AS number or domain name")
	// ErrRateLimited reports HTTP 429 still returned after the retries.
	ErrRateLimited = errors.New("rate limited")
	// ErrService reports other failed requests: 5xx, malformed JSON, unexpected statuses.
	ErrService = errors.New("RDAP service error")
	// ErrNotPublic reports an IP address in a private or reserved range, which no registry holds.
	ErrNotPublic = errors.New("not a public address")
	// ErrUnreachable reports an RDAP server that could not be reached (no HTTP answer:
	// unknown host, offline, connection refused), after the retries the failure allows.
	ErrUnreachable = errors.New("RDAP server unreachable")
)

// Kind is the kind of a query.
type Kind string

// Query kinds.
const (
	KindIP     Kind = "ip"
	KindASN    Kind = "asn"
	KindDomain Kind = "domain"
)

// Query is a classified, normalised lookup value.
type Query struct {
	Raw    string
	Kind   Kind
	IP     netip.Addr
	ASN    uint32
	Domain string // lower case, as given (A-labels or U-labels)
}

// ParseQuery classifies s: an IP address (IPv4, IPv6, refanged forms accepted), an AS number
// ("AS13335", "as13335" or a bare number), or a domain name (a URL or e-mail address gives its
// host; refanged dots are accepted).
func ParseQuery(s string) (Query, error) {
	q := Query{Raw: s}
	t := strings.TrimSpace(s)
	if t == "" {
		return q, fmt.Errorf("empty value: %w", ErrInvalidQuery)
	}
	if ip, err := geoip.ParseIP(t); err == nil {
		q.Kind, q.IP = KindIP, ip.Unmap()
		return q, nil
	}
	if n, ok := parseASN(t); ok {
		q.Kind, q.ASN = KindASN, n
		return q, nil
	}
	d := t
	if i := strings.Index(d, "://"); i >= 0 {
		if u, err := url.Parse(d); err == nil && u.Hostname() != "" {
			d = u.Hostname()
		}
	}
	if i := strings.LastIndex(d, "@"); i >= 0 {
		d = d[i+1:]
	}
	d = strings.NewReplacer("[.]", ".", "(.)", ".", "[dot]", ".").Replace(d)
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	if !validDomain(d) {
		return q, fmt.Errorf("%q: %w", truncate(s, 80), ErrInvalidQuery)
	}
	q.Kind, q.Domain = KindDomain, d
	return q, nil
}

// validDomain checks the shape of a domain name: at least two dot-separated labels of
// letters, digits, hyphens and underscores (non-ASCII letters are allowed: RDAP servers take
// U-labels, RFC 9082 section 3.1.3), none empty or longer than 63 bytes.
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r > 0x7f:
			default:
				return false
			}
		}
	}
	return true
}

func parseASN(s string) (uint32, bool) {
	t := s
	if len(t) > 2 && strings.EqualFold(t[:2], "as") {
		t = t[2:]
	} else if strings.Contains(t, ".") {
		return 0, false
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Result is the registration data for one query. Fields the server did not return are empty.
type Result struct {
	Query        string
	Kind         Kind
	Handle       string
	Name         string // network name, domain name or AS name
	Type         string // network / AS type, e.g. "DIRECT ALLOCATION"
	Org          string // registrant organisation (or name)
	Registrar    string // registrar (domains)
	RegistrarID  string // IANA registrar ID (domains)
	Country      string
	Networks     []string // CIDR prefixes of the network (cidr0, else computed from the range)
	StartAddress string
	EndAddress   string
	StartASN     int64   // autnum lookups
	EndASN       int64   // autnum lookups
	OriginASNs   []int64 // IP lookups: origin ASes, where the registry publishes them (ARIN originas0)
	ParentHandle string
	Created      time.Time
	Updated      time.Time
	Expires      time.Time
	AbuseEmail   string
	AbusePhone   string
	AbuseName    string
	Nameservers  []string
	Status       []string
	Server       string // the RDAP URL that answered (after redirects)
	Raw          json.RawMessage
	Err          error
}

// Client performs RDAP lookups. The zero value works (embedded bootstrap, no disk cache).
// It is safe for concurrent use.
type Client struct {
	Bootstrap    *Bootstrap    // a Bootstrap with DefaultCacheDir when nil
	HTTP         *http.Client  // the shared transport of internal/httpretry when nil
	Timeout      time.Duration // per request; 20 s when zero
	Retries      int           // retries after 429/5xx/network errors; 3 when zero, none when negative
	Backoff      time.Duration // first wait without Retry-After, doubled each retry; 1 s when zero
	MaxRetryWait time.Duration // cap on one wait; 60 s when zero
	Concurrency  int           // parallel lookups in LookupAll; 4 when zero
	KeepRaw      bool          // keep the raw JSON in Result.Raw
	OnItem       func()        // called after each lookup of LookupAll (progress), when set
	// MaxElapsed bounds one lookup's retries, waits included; 2 min when zero, none when
	// negative. An unknown host or unreachable network is never retried.
	MaxElapsed time.Duration

	once   sync.Once
	bs     *Bootstrap
	rcOnce sync.Once
	rc     *httpretry.Client
}

func (c *Client) bootstrap() *Bootstrap {
	c.once.Do(func() {
		c.bs = c.Bootstrap
		if c.bs == nil {
			c.bs = &Bootstrap{CacheDir: DefaultCacheDir(), Client: c.HTTP}
		}
	})
	return c.bs
}

// Lookup queries RDAP for one value. On failure the returned Result still names the query,
// and the error (also in Result.Err) matches one of the package's sentinel errors,
// ErrNoServer, or a context error.
func (c *Client) Lookup(ctx context.Context, value string) (*Result, error) {
	r := &Result{Query: value}
	err := c.lookup(ctx, value, r)
	r.Err = err
	return r, err
}

func (c *Client) lookup(ctx context.Context, value string, r *Result) error {
	q, err := ParseQuery(value)
	if err != nil {
		return err
	}
	r.Kind = q.Kind
	var urls []string
	var path string
	bs := c.bootstrap()
	switch q.Kind {
	case KindIP:
		if info := ipscope.Classify(q.IP); !info.Global {
			return fmt.Errorf("%s: %w: %s address, %s", q.IP, ErrNotPublic, info.Scope, info.Note)
		}
		urls, err = bs.ServerForIP(ctx, q.IP)
		path = "ip/" + q.IP.String()
	case KindASN:
		urls, err = bs.ServerForASN(ctx, q.ASN)
		path = "autnum/" + strconv.FormatUint(uint64(q.ASN), 10)
	case KindDomain:
		urls, err = bs.ServerForDomain(ctx, q.Domain)
		path = "domain/" + url.PathEscape(q.Domain)
	}
	if err != nil {
		return err
	}
	u := strings.TrimRight(pickURL(urls), "/") + "/" + path
	r.Server = u
	obj, raw, err := c.get(ctx, u)
	if err != nil {
		return err
	}
	if final := obj.finalURL; final != "" {
		r.Server = final // after redirects
	}
	obj.fill(r)
	if c.KeepRaw {
		r.Raw = raw
	}
	return nil
}

// HTTPError is a failed RDAP request; it matches ErrNotFound (404), ErrRateLimited (429) or
// ErrService.
type HTTPError struct {
	URL    string
	Status int
	Title  string // from the RFC 9083 error response, when present
	Detail string
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	if e.Status == http.StatusNotFound {
		b.WriteString("no RDAP record")
	} else {
		fmt.Fprintf(&b, "RDAP HTTP %d", e.Status)
	}
	fmt.Fprintf(&b, " at %s", e.URL)
	if e.Title != "" {
		b.WriteString(": " + e.Title)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Is maps the status to a sentinel error.
func (e *HTTPError) Is(target error) bool {
	switch e.Status {
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	}
	return target == ErrService
}

// retrier returns the shared retrying client (internal/httpretry) built from c's fields.
func (c *Client) retrier() *httpretry.Client {
	c.rcOnce.Do(func() {
		retries := c.Retries
		if retries == 0 {
			retries = 3
		} else if retries < 0 {
			retries = 0
		}
		backoff := c.Backoff
		if backoff <= 0 {
			backoff = time.Second
		}
		maxWait := c.MaxRetryWait
		if maxWait <= 0 {
			maxWait = time.Minute
		}
		timeout := c.Timeout
		if timeout <= 0 {
			timeout = 20 * time.Second
		}
		budget := c.MaxElapsed
		if budget == 0 {
			budget = 2 * time.Minute
		}
		c.rc = &httpretry.Client{Name: "RDAP", HTTP: c.HTTP, Timeout: timeout, MaxRetries: retries,
			BaseDelay: backoff, MaxDelay: maxWait, MaxElapsed: max(budget, 0), UserAgent: "huntkit-whois",
			Accept: "application/rdap+json, application/json", MaxBody: 8 << 20}
	})
	return c.rc
}

// get performs the RDAP GET through the shared retrying client: 429 (honouring Retry-After),
// 5xx and connection failures are retried; an unknown host or an unreachable network
// (offline) fails at once.
func (c *Client) get(ctx context.Context, u string) (*object, json.RawMessage, error) {
	resp, err := c.retrier().Do(ctx, httpretry.Request{URL: u})
	var te *httpretry.TransportError
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, nil, fmt.Errorf("RDAP %s: %w", u, ctx.Err())
	case err != nil && resp != nil:
		return nil, nil, httpError(resp) // 401/403, or 429/5xx after the retries
	case err != nil && errors.As(err, &te) && te.Timeout:
		return nil, nil, fmt.Errorf("RDAP %s: timed out after %v: %w", u, te.After, context.DeadlineExceeded)
	case err != nil && errors.As(err, &te):
		return nil, nil, fmt.Errorf("RDAP %s: %w: %w", u, ErrUnreachable, te.Err)
	case err != nil:
		return nil, nil, fmt.Errorf("RDAP %s: %w", u, err)
	}
	if resp.Status != http.StatusOK {
		return nil, nil, httpError(resp)
	}
	final := resp.URL
	var o object
	if err := json.Unmarshal(resp.Body, &o); err != nil {
		return nil, nil, fmt.Errorf("RDAP %s: %w: malformed JSON: %v", final, ErrService, err)
	}
	if o.ObjectClassName == "" && o.ErrorCode != 0 {
		return nil, nil, &HTTPError{URL: final, Status: o.ErrorCode, Title: o.Title, Detail: strings.Join(o.Description, " ")}
	}
	if o.ObjectClassName == "" {
		return nil, nil, fmt.Errorf("RDAP %s: %w: response has no objectClassName", final, ErrService)
	}
	o.finalURL = final
	return &o, json.RawMessage(resp.Body), nil
}

// httpError reads an RFC 9083 error response (title, description) when the body is one.
func httpError(resp *httpretry.Response) *HTTPError {
	he := &HTTPError{URL: resp.URL, Status: resp.Status}
	var o object
	if json.Unmarshal(resp.Body, &o) == nil {
		he.Title = o.Title
		he.Detail = strings.Join(o.Description, " ")
	}
	return he
}

// LookupAll looks up values concurrently and returns one Result per value, in order; failed
// items carry Err. The error return is only for cancellation.
func (c *Client) LookupAll(ctx context.Context, values []string) ([]Result, error) {
	out := make([]Result, len(values))
	workers := c.Concurrency
	if workers <= 0 {
		workers = 4
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers && w < len(values); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = Result{Query: values[i]}
				out[i].Err = c.lookup(ctx, values[i], &out[i])
				if c.OnItem != nil {
					c.OnItem()
				}
			}
		}()
	}
feed:
	for i := range values {
		select {
		case jobs <- i:
		case <-ctx.Done():
			for j := i; j < len(values); j++ {
				out[j] = Result{Query: values[j], Err: ctx.Err()}
			}
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return out, ctx.Err()
}
