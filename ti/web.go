package ti

import "github.com/huntkit/huntkit/ioc"

// Web is the part every provider calling one web API with a key shares: its settings and
// API root. A provider embeds it (type Provider struct{ ti.Web }) and so gets Name and
// Supports; it only writes Lookup.
type Web struct {
	S     Settings // S.HTTP sends the requests (rate limit, retries); S.AuthKey is the key
	Root  string   // API root without a trailing slash: Args.BaseURL, else the default
	types TypeSet
}

// NewWeb checks that Args.AuthKey is set and returns the shared part of a web provider whose
// public API root is defaultURL and which answers the given IoC types.
func NewWeb(s Settings, defaultURL string, types TypeSet) (Web, error) {
	if err := s.RequireKey(); err != nil {
		return Web{}, err
	}
	return Web{S: s, Root: s.URL(defaultURL), types: types}, nil
}

// Name returns the provider's registered name.
func (w *Web) Name() string { return w.S.Name }

// Supports reports whether the provider answers IoCs of type t.
func (w *Web) Supports(t ioc.Type) bool { return w.types.Supports(t) }
