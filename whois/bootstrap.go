package whois

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBootstrapURL is where IANA publishes the RDAP bootstrap files (RFC 9224).
const DefaultBootstrapURL = "https://data.iana.org/rdap/"

// DefaultBootstrapTTL is how long a downloaded bootstrap file is used before it is fetched again.
const DefaultBootstrapTTL = 24 * time.Hour

//go:embed bootstrap/*.json
var embedded embed.FS

// Registry kinds, named after IANA's bootstrap files.
const (
	fileDNS  = "dns.json"
	fileIPv4 = "ipv4.json"
	fileIPv6 = "ipv6.json"
	fileASN  = "asn.json"
)

// bootstrapFile is the RFC 9224 format: services is a list of [entries, urls] pairs.
type bootstrapFile struct {
	Version     string       `json:"version"`
	Publication string       `json:"publication"`
	Description string       `json:"description"`
	Services    [][][]string `json:"services"`
}

// registry is one parsed bootstrap file.
type registry struct {
	publication string
	source      string // "embedded", "cache", or the URL fetched
	dns         map[string][]string
	prefixes    []prefixEntry // sorted by prefix length, longest first
	asns        []asnEntry
}

type prefixEntry struct {
	p    netip.Prefix
	urls []string
}

type asnEntry struct {
	lo, hi uint32
	urls   []string
}

// BootstrapError reports a malformed bootstrap file.
type BootstrapError struct {
	File string
	Msg  string
}

func (e *BootstrapError) Error() string { return "RDAP bootstrap " + e.File + ": " + e.Msg }

// parseRegistry parses a bootstrap file of the given name.
func parseRegistry(name string, data []byte) (*registry, error) {
	var f bootstrapFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &BootstrapError{File: name, Msg: "malformed JSON: " + err.Error()}
	}
	if len(f.Services) == 0 {
		return nil, &BootstrapError{File: name, Msg: "no services"}
	}
	r := &registry{publication: f.Publication}
	for i, svc := range f.Services {
		if len(svc) < 2 || len(svc[1]) == 0 {
			return nil, &BootstrapError{File: name, Msg: fmt.Sprintf("service %d: want [entries, urls]", i)}
		}
		entries, urls := svc[0], svc[1]
		for _, e := range entries {
			switch name {
			case fileDNS:
				if r.dns == nil {
					r.dns = map[string][]string{}
				}
				r.dns[strings.ToLower(strings.TrimSuffix(e, "."))] = urls
			case fileIPv4, fileIPv6:
				p, err := netip.ParsePrefix(e)
				if err != nil {
					return nil, &BootstrapError{File: name, Msg: fmt.Sprintf("service %d: bad prefix %q", i, e)}
				}
				r.prefixes = append(r.prefixes, prefixEntry{p.Masked(), urls})
			case fileASN:
				lo, hi, ok := strings.Cut(e, "-")
				if !ok {
					hi = lo
				}
				l, err1 := strconv.ParseUint(lo, 10, 32)
				h, err2 := strconv.ParseUint(hi, 10, 32)
				if err1 != nil || err2 != nil || h < l {
					return nil, &BootstrapError{File: name, Msg: fmt.Sprintf("service %d: bad AS range %q", i, e)}
				}
				r.asns = append(r.asns, asnEntry{uint32(l), uint32(h), urls})
			}
		}
	}
	sort.SliceStable(r.prefixes, func(i, j int) bool { return r.prefixes[i].p.Bits() > r.prefixes[j].p.Bits() })
	return r, nil
}

// Bootstrap finds the RDAP server for a query from IANA's bootstrap registry. Files are read
// lazily: a fresh copy in the cache folder, else downloaded from BaseURL (and cached), else a
// stale cached copy, else the snapshot embedded in the binary.
type Bootstrap struct {
	BaseURL  string        // DefaultBootstrapURL when empty
	CacheDir string        // where downloaded files are kept; no disk cache when empty
	TTL      time.Duration // DefaultBootstrapTTL when zero
	Offline  bool          // never download; use the cache or the embedded snapshot
	Timeout  time.Duration // per download; 30 s when zero
	Client   *http.Client  // http.DefaultClient when nil
	// Warn receives non-fatal problems (a failed refresh that fell back to an older copy).
	Warn func(msg string)

	mu   sync.Mutex
	regs map[string]*registry
	// noNet is set once a download got no HTTP answer (offline, unknown host): the other
	// files are then not fetched either, and falling back to the built-in snapshot is not
	// warned about (the lookups' own errors say the network is missing).
	noNet bool
}

// DefaultCacheDir returns the per-user cache folder for bootstrap files.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil || d == "" {
		return ""
	}
	return filepath.Join(d, "huntkit", "rdap")
}

func (b *Bootstrap) warn(format string, args ...any) {
	if b.Warn != nil {
		b.Warn(fmt.Sprintf(format, args...))
	}
}

// registry returns the parsed file, loading it on first use.
func (b *Bootstrap) registry(ctx context.Context, name string) (*registry, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.regs[name]; r != nil {
		return r, nil
	}
	r, err := b.load(ctx, name)
	if err != nil {
		return nil, err
	}
	if b.regs == nil {
		b.regs = map[string]*registry{}
	}
	b.regs[name] = r
	return r, nil
}

func (b *Bootstrap) load(ctx context.Context, name string) (*registry, error) {
	ttl := b.TTL
	if ttl <= 0 {
		ttl = DefaultBootstrapTTL
	}
	var stale *registry
	if b.CacheDir != "" {
		p := filepath.Join(b.CacheDir, name)
		if st, err := os.Stat(p); err == nil {
			data, err := os.ReadFile(p)
			if err == nil {
				r, perr := parseRegistry(name, data)
				if perr == nil {
					r.source = "cache"
					if time.Since(st.ModTime()) < ttl || b.Offline {
						return r, nil
					}
					stale = r
				} else {
					b.warn("ignoring cached %s: %v", p, perr)
				}
			}
		}
	}
	if !b.Offline && !b.noNet {
		r, err := b.download(ctx, name)
		if err == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		var ue *url.Error
		b.noNet = errors.As(err, &ue) && !ue.Timeout()
		switch {
		case stale != nil:
			b.warn("%v; using the cached copy", err)
			return stale, nil
		case !b.noNet:
			b.warn("%v; using the built-in snapshot", err)
		}
		// No network: the built-in snapshot serves silently; a lookup that needs the
		// network says so itself, in one line.
	} else if stale != nil {
		return stale, nil
	}
	data, err := embedded.ReadFile("bootstrap/" + name)
	if err != nil {
		return nil, err
	}
	r, err := parseRegistry(name, data)
	if err != nil {
		return nil, err
	}
	r.source = "embedded"
	return r, nil
}

// download fetches a bootstrap file, validates it and stores it in the cache atomically.
func (b *Bootstrap) download(ctx context.Context, name string) (*registry, error) {
	base := b.BaseURL
	if base == "" {
		base = DefaultBootstrapURL
	}
	u := strings.TrimRight(base, "/") + "/" + name
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("RDAP bootstrap %s: %w", name, err)
	}
	req.Header.Set("Accept", "application/json")
	c := b.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("RDAP bootstrap %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("RDAP bootstrap %s: HTTP %d", u, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("RDAP bootstrap %s: %w", u, err)
	}
	r, err := parseRegistry(name, data)
	if err != nil {
		return nil, err
	}
	r.source = u
	if b.CacheDir != "" {
		if err := writeAtomic(filepath.Join(b.CacheDir, name), data); err != nil {
			b.warn("cannot cache %s: %v", name, err)
		}
	}
	return r, nil
}

// writeAtomic writes data to a temporary file beside path and renames it into place.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, bytes.NewReader(data)); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Refresh downloads all four bootstrap files now, replacing cached copies. It returns the
// errors of the files that could not be fetched.
func (b *Bootstrap) Refresh(ctx context.Context) error {
	var errs []error
	for _, name := range []string{fileDNS, fileIPv4, fileIPv6, fileASN} {
		r, err := b.download(ctx, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.mu.Lock()
		if b.regs == nil {
			b.regs = map[string]*registry{}
		}
		b.regs[name] = r
		b.mu.Unlock()
	}
	return errors.Join(errs...)
}

// ErrNoServer reports that the bootstrap registry lists no RDAP server for a query.
var ErrNoServer = errors.New("no RDAP server")

// ServerForIP returns the base URLs of the RDAP service for ip.
func (b *Bootstrap) ServerForIP(ctx context.Context, ip netip.Addr) ([]string, error) {
	name := fileIPv4
	if !ip.Is4() {
		name = fileIPv6
	}
	r, err := b.registry(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, e := range r.prefixes {
		if e.p.Contains(ip) {
			return e.urls, nil
		}
	}
	return nil, fmt.Errorf("%s: %w in the IANA bootstrap registry (%s)", ip, ErrNoServer, name)
}

// ServerForASN returns the base URLs of the RDAP service for an AS number.
func (b *Bootstrap) ServerForASN(ctx context.Context, asn uint32) ([]string, error) {
	r, err := b.registry(ctx, fileASN)
	if err != nil {
		return nil, err
	}
	for _, e := range r.asns {
		if asn >= e.lo && asn <= e.hi {
			return e.urls, nil
		}
	}
	return nil, fmt.Errorf("AS%d: %w in the IANA bootstrap registry (asn.json)", asn, ErrNoServer)
}

// ServerForDomain returns the base URLs of the RDAP service for a domain name (in A-label
// form), matching the longest registered label suffix.
func (b *Bootstrap) ServerForDomain(ctx context.Context, domain string) ([]string, error) {
	r, err := b.registry(ctx, fileDNS)
	if err != nil {
		return nil, err
	}
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	for {
		if urls, ok := r.dns[d]; ok {
			return urls, nil
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return nil, fmt.Errorf("%s: %w for its top-level domain in the IANA bootstrap registry (dns.json)", domain, ErrNoServer)
}

// Source says where a loaded bootstrap file came from ("embedded", "cache" or its URL) and its
// publication time, for diagnostics; "" when it is not loaded yet.
func (b *Bootstrap) Source(name string) (source, publication string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.regs[name]; r != nil {
		return r.source, r.publication
	}
	return "", ""
}

// pickURL prefers an https base URL.
func pickURL(urls []string) string {
	for _, u := range urls {
		if strings.HasPrefix(u, "https://") {
			return u
		}
	}
	return urls[0]
}
