package huntkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ipscope"
	"github.com/huntkit/huntkit/pivot"
	"github.com/huntkit/huntkit/ti"
)

// enrich runs one enrichment of the front door (Enrich) for a pivot: a configuration
// problem (no GeoIP database, no API key) makes the pivot skipped, not failed.
func (p *Pivots) enrich(ctx context.Context, kind Enrichment, value string, o EnrichOptions) (pivot.Output, error) {
	f, err := p.hk.Enrich(ctx, kind, []string{value}, o)
	if errors.Is(err, ErrConfig) {
		err = fmt.Errorf("%w: %v", pivot.ErrNotConfigured, err)
	}
	return pivot.Output{Frame: f}, err
}

// enrichOptions are the pivot's enrichment options with overrides.
func (p *Pivots) enrichOptions(edit func(o *EnrichOptions)) EnrichOptions {
	o := p.o.Enrich
	o.IoC = append([]ioc.Option{ioc.WithPrivateIPs(true)}, o.IoC...)
	if edit != nil {
		edit(&o)
	}
	return o
}

// tiStatuses describes every TI provider against the configuration (no secret, no
// network), by name.
func (h *Huntkit) tiStatuses(ctx context.Context) map[string]ti.ProviderStatus {
	out := map[string]ti.ProviderStatus{}
	cfg, err := h.Config()
	if err != nil {
		return out
	}
	for _, st := range ti.Statuses(ctx, cfg) {
		out[st.Name] = st
	}
	return out
}

// ipGlobal reports whether an address is globally reachable (worth asking online services).
func ipGlobal(s string) bool { return ipscope.Parse(s).Global }
