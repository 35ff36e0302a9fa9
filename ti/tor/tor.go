// Package tor reports whether IP addresses are Tor exit nodes, from the Tor Project's bulk
// exit list (https://check.torproject.org/torbulkexitlist), downloaded once and kept in the
// provider's data folder until it is older than Args.MaxAge. Importing it registers "Tor".
package tor

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the bulk exit list.
const DefaultURL = "https://check.torproject.org/torbulkexitlist"

// DefaultMaxAge is how long a downloaded list is used before it is fetched again.
const DefaultMaxAge = 6 * time.Hour

const fileName = "torbulkexitlist.txt"

func init() {
	ti.Register(ti.Registration{
		Name: "Tor", Aliases: []string{"TorExitNodes"},
		URL:         DefaultURL,
		Description: "Tor Project bulk exit list (downloaded and cached; no key)",
		Types:       []ioc.Type{ioc.IPv4, ioc.IPv6},
		Rate:        ti.PerMinute(2),
		Limits:      "one download per Args.MaxAge (default 6h); lookups are local",
		TTL:         -1, NegativeTTL: -1, // the list itself is the cache: never cache answers
		Concurrency: 4,
		Local:       true, // lookups never leave the machine
		New:         New,
	})
}

// Provider checks IPs against the exit list.
type Provider struct {
	s      ti.Settings
	url    string
	maxAge time.Duration
	path   string
	now    func() time.Time

	mu      sync.Mutex
	loaded  time.Time
	exits   map[netip.Addr]bool
	listAge time.Time
	// failed is the last download failure and failedAt its time: for retryAfterFailure
	// every address gets that error at once instead of a new download each (every attempt
	// waits for the 2/min rate limit).
	failed   error
	failedAt time.Time
}

// retryAfterFailure is how long a failed download is not tried again.
const retryAfterFailure = 10 * time.Minute

// New builds the provider. Args.BaseURL replaces the list URL (a full URL); Args.MaxAge
// (e.g. "1h") sets how old the cached list may get.
func New(s ti.Settings) (ti.Provider, error) {
	p := &Provider{s: s, url: s.URL(DefaultURL), maxAge: DefaultMaxAge, now: time.Now}
	if v, ok := s.Arg("MaxAge"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%s.Args.MaxAge: %q is not a duration like 6h", s.ConfigKey, v)
		}
		p.maxAge = d
	}
	if s.CacheDir != "" {
		p.path = filepath.Join(s.CacheDir, fileName)
	}
	return p, nil
}

// Name returns "Tor".
func (p *Provider) Name() string { return "Tor" }

// Supports reports IPv4 and IPv6.
func (p *Provider) Supports(t ioc.Type) bool { return t == ioc.IPv4 || t == ioc.IPv6 }

// Lookup reports whether the address is a listed exit node.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	exits, age, err := p.list(ctx)
	if err != nil {
		return ti.Result{}, err
	}
	a, err := netip.ParseAddr(it.Value)
	if err != nil {
		return ti.Result{}, fmt.Errorf("Tor: %q is not an IP address", it.Value)
	}
	d := map[string]any{"list_updated": age.UTC().Format(time.RFC3339), "list_size": len(exits)}
	if exits[a.Unmap()] {
		d["exit_node"] = true
		return ti.Result{QuerySubtype: "exit_list", Found: true, Severity: ti.SevWarning, Details: d,
			Reference: "https://metrics.torproject.org/rs.html#search/" + it.Value}, nil
	}
	d["exit_node"] = false
	return ti.Result{QuerySubtype: "exit_list", Found: false, Severity: ti.SevInformation, Details: d}, nil
}

// list returns the exit set, loading the cached file or downloading a fresh one.
func (p *Provider) list(ctx context.Context) (map[netip.Addr]bool, time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.exits != nil && now.Sub(p.listAge) < p.maxAge {
		return p.exits, p.listAge, nil
	}
	if p.path != "" {
		if st, err := os.Stat(p.path); err == nil && now.Sub(st.ModTime()) < p.maxAge {
			if b, err := os.ReadFile(p.path); err == nil {
				if m, err := parse(b); err == nil {
					p.exits, p.listAge = m, st.ModTime()
					return m, st.ModTime(), nil
				}
			}
		}
	}
	if p.failed != nil && now.Sub(p.failedAt) < retryAfterFailure {
		return p.stale(p.failed)
	}
	resp, err := p.s.HTTP.Do(ctx, ti.Request{URL: p.url, Header: http.Header{"Accept": {"text/plain"}}})
	if err == nil && resp.Status != http.StatusOK {
		err = p.s.HTTP.StatusError(resp)
	}
	var m map[netip.Addr]bool
	if err == nil {
		m, err = parse(resp.Body)
	}
	if err != nil {
		// The error names the provider and the list's URL already.
		if ctx.Err() == nil { // a cancelled run says nothing about the site
			p.failed, p.failedAt = err, now
		}
		return p.stale(err)
	}
	p.failed = nil
	p.exits, p.listAge = m, now
	if p.path != "" {
		p.save(resp.Body)
	}
	return m, now, nil
}

// stale answers from the list in memory, else from the cached file whatever its age, when
// a fresh list cannot be had; with neither it returns err. p.mu is held.
func (p *Provider) stale(err error) (map[netip.Addr]bool, time.Time, error) {
	if p.exits != nil {
		return p.exits, p.listAge, nil
	}
	if p.path != "" {
		if st, serr := os.Stat(p.path); serr == nil {
			if b, rerr := os.ReadFile(p.path); rerr == nil {
				if m, perr := parse(b); perr == nil {
					p.exits, p.listAge = m, st.ModTime()
					return m, st.ModTime(), nil
				}
			}
		}
	}
	return nil, time.Time{}, err
}

// save writes the list atomically (temporary file + rename, mode 0600); a failure only
// costs a download next time.
func (p *Provider) save(b []byte) {
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil || os.Rename(tmp.Name(), p.path) != nil {
		os.Remove(tmp.Name())
	}
}

// parse reads one address a line ('#' comments allowed); any other line is an error.
func parse(b []byte) (map[netip.Addr]bool, error) {
	m := map[netip.Addr]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		a, err := netip.ParseAddr(string(line))
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %q is not an IP address", ti.ErrMalformed, n, line)
		}
		m[a.Unmap()] = true
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%w: the list is empty", ti.ErrMalformed)
	}
	return m, sc.Err()
}
