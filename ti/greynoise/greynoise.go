// Package greynoise looks IPv4 addresses up in GreyNoise: the free Community API
// (/v3/community/{ip}) by default, or the Enterprise IP context API (/v2/noise/context/{ip})
// with Args.Edition: enterprise. Importing it registers the "GreyNoise" provider.
package greynoise

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the GreyNoise API root.
const DefaultURL = "https://api.greynoise.io"

func init() {
	ti.Register(ti.Registration{
		Name: "GreyNoise", Aliases: []string{"GreyNoiseCommunity"},
		URL:         DefaultURL,
		Description: "GreyNoise: internet scanners and benign services (RIOT); community or enterprise API",
		Types:       []ioc.Type{ioc.IPv4},
		Rate:        ti.PerDay(50),
		Limits:      "community: about 50 lookups/day per source (HTTP 429 beyond); enterprise: per contract (set Args.RateLimit)",
		TTL:         24 * time.Hour, NegativeTTL: 12 * time.Hour, Concurrency: 2,
		New: New,
	})
}

// Provider is the GreyNoise client.
type Provider struct {
	s          ti.Settings
	base       string
	enterprise bool
}

// New builds the provider. Args.Edition is "community" (default; Args.AuthKey optional) or
// "enterprise" (Args.AuthKey required).
func New(s ti.Settings) (ti.Provider, error) {
	ed, _ := s.Arg("Edition")
	p := &Provider{s: s, base: s.URL(DefaultURL)}
	switch strings.ToLower(ed) {
	case "", "community":
	case "enterprise":
		if err := s.RequireKey(); err != nil {
			return nil, err
		}
		p.enterprise = true
		if _, set := s.Arg("RateLimit"); !set {
			s.HTTP.Limiter = nil // enterprise quotas are per contract
		}
	default:
		return nil, fmt.Errorf("%s.Args.Edition: %q: want community or enterprise", s.ConfigKey, ed)
	}
	return p, nil
}

// Name returns "GreyNoise".
func (p *Provider) Name() string { return "GreyNoise" }

// Supports reports IPv4 only (GreyNoise indexes IPv4 addresses).
func (p *Provider) Supports(t ioc.Type) bool { return t == ioc.IPv4 }

type community struct {
	IP             string `json:"ip"`
	Noise          bool   `json:"noise"`
	Riot           bool   `json:"riot"`
	Classification string `json:"classification"`
	Name           string `json:"name"`
	Link           string `json:"link"`
	LastSeen       string `json:"last_seen"`
	Message        string `json:"message"`
}

type context_ struct {
	IP             string   `json:"ip"`
	Seen           bool     `json:"seen"`
	Classification string   `json:"classification"`
	FirstSeen      string   `json:"first_seen"`
	LastSeen       string   `json:"last_seen"`
	Actor          string   `json:"actor"`
	Tags           []string `json:"tags"`
	CVE            []string `json:"cve"`
	Bot            bool     `json:"bot"`
	VPN            bool     `json:"vpn"`
	Metadata       struct {
		Country      string `json:"country"`
		Organization string `json:"organization"`
		ASN          string `json:"asn"`
		Tor          bool   `json:"tor"`
	} `json:"metadata"`
}

func severity(class string, noise bool) ti.Severity {
	switch strings.ToLower(class) {
	case "malicious":
		return ti.SevHigh
	case "suspicious":
		return ti.SevWarning
	case "benign":
		return ti.SevInformation
	}
	if noise {
		return ti.SevWarning
	}
	return ti.SevInformation
}

// Lookup queries the community or the enterprise endpoint.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	if it.Type != ioc.IPv4 {
		return ti.Result{}, fmt.Errorf("GreyNoise: %s lookups not supported", it.Type)
	}
	h := http.Header{}
	if p.s.AuthKey != "" {
		h.Set("key", p.s.AuthKey)
	}
	sub, path := "community", "/v3/community/"+it.Value
	if p.enterprise {
		sub, path = "context", "/v2/noise/context/"+it.Value
	}
	resp, err := p.s.HTTP.Do(ctx, ti.Request{Method: http.MethodGet, URL: p.base + path, Header: h})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://viz.greynoise.io/ip/" + it.Value
	if resp.Status == http.StatusNotFound {
		// The community API answers 404 for an IP it has never observed.
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = sub, ref
		return r, nil
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.s.HTTP.StatusError(resp)
	}
	if !p.enterprise {
		var c community
		if err := ti.DecodeJSON(resp.Body, &c); err != nil {
			return ti.Result{}, fmt.Errorf("GreyNoise community: %w", err)
		}
		if c.Link != "" {
			ref = c.Link
		}
		found := c.Noise || c.Riot
		d := map[string]any{"noise": c.Noise, "riot": c.Riot, "classification": c.Classification,
			"name": c.Name, "last_seen": c.LastSeen}
		return ti.Result{QuerySubtype: sub, Found: found, Severity: severity(c.Classification, c.Noise),
			Details: d, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
	}
	var c context_
	if err := ti.DecodeJSON(resp.Body, &c); err != nil {
		return ti.Result{}, fmt.Errorf("GreyNoise context: %w", err)
	}
	if !c.Seen {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = sub, ref
		return r, nil
	}
	d := map[string]any{"classification": c.Classification, "actor": c.Actor, "first_seen": c.FirstSeen,
		"last_seen": c.LastSeen, "tags": c.Tags, "bot": c.Bot, "vpn": c.VPN, "tor": c.Metadata.Tor,
		"country": c.Metadata.Country, "organization": c.Metadata.Organization, "asn": c.Metadata.ASN}
	if len(c.CVE) > 0 {
		d["cve"] = c.CVE
	}
	return ti.Result{QuerySubtype: sub, Found: true, Severity: severity(c.Classification, true),
		Details: d, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
