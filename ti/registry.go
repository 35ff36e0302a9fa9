package ti

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/ioc"
)

// Registration describes a provider package to the framework. Provider packages call
// Register from init().
type Registration struct {
	Name        string   // canonical name, also msticpy's Provider value (e.g. "VirusTotal")
	Aliases     []string // other accepted names (case-insensitive)
	Description string   // one line
	// URL is the service's public base URL (Args.BaseURL overrides it), used to check that
	// the service can be reached; empty for providers that need no network.
	URL   string
	Types []ioc.Type // IoC types the service answers
	// NeedsKey reports that Args.AuthKey is required; NeedsAPIID that Args.ApiID is too.
	NeedsKey, NeedsAPIID bool
	// Rate is the documented free-tier request rate, used unless Args.RateLimit overrides it.
	Rate Rate
	// Limits is a human summary of the free tier (for `huntkit ti providers`).
	Limits string
	// TTL and NegativeTTL are the default cache lifetimes for found and not-found answers
	// (0 => 24h and TTL/4; negative => never cached).
	TTL, NegativeTTL time.Duration
	// Concurrency is the default number of requests in flight (Args.Concurrency overrides).
	Concurrency int
	// Local reports that lookups never send an item over the network (a feed on disk, a
	// downloaded list): such a provider is asked about every address, private ones
	// included; online providers only get globally reachable addresses (package ipscope).
	Local bool
	// New builds the provider from its settings.
	New func(s Settings) (Provider, error)
}

var (
	regMu    sync.RWMutex
	registry = map[string]Registration{}
)

// Register adds a provider. It panics on a duplicate or incomplete registration (a
// programming error caught at start-up).
func Register(r Registration) {
	if r.Name == "" || r.New == nil {
		panic("ti: Register needs a Name and New")
	}
	regMu.Lock()
	defer regMu.Unlock()
	for _, n := range append([]string{r.Name}, r.Aliases...) {
		k := strings.ToLower(n)
		if _, dup := registry[k]; dup {
			panic("ti: provider registered twice: " + n)
		}
	}
	if r.TTL == 0 {
		r.TTL = 24 * time.Hour
	}
	if r.NegativeTTL == 0 {
		r.NegativeTTL = r.TTL / 4
	}
	if r.Concurrency == 0 {
		r.Concurrency = 4
	}
	for _, n := range append([]string{r.Name}, r.Aliases...) {
		registry[strings.ToLower(n)] = r
	}
}

// Registered returns every registered provider once, sorted by name.
func Registered() []Registration {
	regMu.RLock()
	defer regMu.RUnlock()
	seen := map[string]bool{}
	var out []Registration
	for _, r := range registry {
		if !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the registration for a name or alias (case-insensitive). An unknown name
// is an error wrapping ErrUnknownProvider that lists the known names.
func LookupProvider(name string) (Registration, error) {
	regMu.RLock()
	r, ok := registry[strings.ToLower(strings.TrimSpace(name))]
	regMu.RUnlock()
	if ok {
		return r, nil
	}
	var names []string
	for _, r := range Registered() {
		names = append(names, r.Name)
	}
	return Registration{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownProvider, name, strings.Join(names, ", "))
}

// Supports reports whether the registration lists type t.
func (r Registration) Supports(t ioc.Type) bool { return slices.Contains(r.Types, t) }

// TypeSet is a helper for providers: Supports(t) over a fixed list.
type TypeSet []ioc.Type

// Supports reports whether t is in the set.
func (s TypeSet) Supports(t ioc.Type) bool { return slices.Contains(s, t) }
