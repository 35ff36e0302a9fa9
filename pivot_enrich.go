package huntkit

import (
	"context"
	"fmt"
	"os"

	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/pivot"
	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all" // every threat-intelligence provider
	"github.com/huntkit/huntkit/whois"
)

// The enrichment steps the pivots use. Each is one small function over the capability
// package, so the pivots have one place to call.

// pivotTI looks value up with one TI provider.
func (h *Huntkit) pivotTI(ctx context.Context, provider, value string, t ioc.Type) (*frame.Frame, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	return ti.Lookup(ctx, []ti.Item{{Value: value, Type: t}}, ti.WithConfig(cfg), ti.WithProviders(provider))
}

// tiReady says whether provider can be used with the configuration.
func (h *Huntkit) tiReady(ctx context.Context) map[string]ti.ProviderStatus {
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

// geoDB opens the configured GeoLite2 databases (an error wrapping
// pivot.ErrNotConfigured when there are none).
func (h *Huntkit) geoDB(ctx context.Context, dir string) (*geoip.DB, error) {
	if dir == "" {
		cfg, err := h.Config()
		if err != nil {
			return nil, err
		}
		s, err := geoip.LoadSettings(ctx, cfg)
		if err != nil {
			return nil, err
		}
		dir = s.DBFolder
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: no GeoIP database folder %s (huntkit geoip update, or GeoIPLite.DBFolder)", pivot.ErrNotConfigured, dir)
	}
	db, err := geoip.OpenDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", pivot.ErrNotConfigured, err)
	}
	return db, nil
}

// pivotGeoIP locates one address.
func (h *Huntkit) pivotGeoIP(ctx context.Context, dir, ip string) (*frame.Frame, error) {
	db, err := h.geoDB(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	locs, err := db.LookupIPs(ctx, []string{ip})
	if err != nil {
		return nil, err
	}
	return geoip.Frame(locs), nil
}

// pivotWhois looks one value up over RDAP.
func (h *Huntkit) pivotWhois(ctx context.Context, value string) (*frame.Frame, error) {
	c := &whois.Client{}
	r, err := c.Lookup(ctx, value)
	if r == nil {
		return nil, err
	}
	return whois.Frame([]whois.Result{*r}), err
}

// pivotIoCs extracts the indicators in a text.
func pivotIoCs(text string) *frame.Frame {
	return ioc.Frame(ioc.ExtractUnique(text, ioc.WithPrivateIPs(true)))
}

// pivotDecode decodes the encoded payloads in a text.
func pivotDecode(text string) (*frame.Frame, error) {
	r, err := decode.Decode(text)
	if r == nil {
		return nil, err
	}
	return r.Frame(), err
}
