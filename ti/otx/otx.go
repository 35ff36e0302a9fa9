// Package otx looks IoCs up in AlienVault OTX (DirectConnect API v1, the "general" section
// of /api/v1/indicators). Importing it registers the "OTX" provider with package ti.
package otx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the public OTX root.
const DefaultURL = "https://otx.alienvault.com"

// HighPulses is the pulse count from which an IoC is rated high (1 or more => warning).
const HighPulses = 5

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.DNS, ioc.URL, ioc.MD5, ioc.SHA1, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "OTX", Aliases: []string{"AlienVault", "AlienVaultOTX"},
		URL:         DefaultURL,
		Description: "AlienVault OTX: pulses mentioning IPs, domains, URLs and file hashes",
		Types:       types, NeedsKey: true,
		Rate:   ti.PerHour(10000),
		Limits: "no published per-key quota; huntkit defaults to 10,000 requests/hour",
		TTL:    24 * time.Hour, NegativeTTL: 6 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the OTX client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (the OTX API key) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

// section returns OTX's indicator type and the value as it goes in the path.
func section(it ti.Item) (string, string, bool) {
	switch it.Type {
	case ioc.IPv4:
		return "IPv4", it.Value, true
	case ioc.IPv6:
		return "IPv6", it.Value, true
	case ioc.DNS:
		return "domain", it.Value, true
	case ioc.URL:
		// OTX takes the URL itself as a path segment; escape only what would end the path.
		r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23", " ", "%20")
		return "url", r.Replace(it.Value), true
	case ioc.MD5, ioc.SHA1, ioc.SHA256:
		return "file", it.Value, true
	}
	return "", "", false
}

type general struct {
	Indicator  string `json:"indicator"`
	Reputation any    `json:"reputation"`
	PulseInfo  struct {
		Count  int `json:"count"`
		Pulses []struct {
			ID         string   `json:"id"`
			Name       text     `json:"name"`
			Tags       []string `json:"tags"`
			References []string `json:"references"`
			Created    string   `json:"created"`
		} `json:"pulses"`
		References []string `json:"references"`
	} `json:"pulse_info"`
}

// Lookup reads the indicator's "general" section.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	kind, val, ok := section(it)
	if !ok {
		return ti.Result{}, fmt.Errorf("OTX: %s lookups not supported", it.Type)
	}
	u := p.Root + "/api/v1/indicators/" + kind + "/" + val + "/general"
	resp, err := p.S.HTTP.Do(ctx, ti.Request{Method: http.MethodGet, URL: u,
		Header: http.Header{"X-OTX-API-KEY": {p.S.AuthKey}}})
	if err != nil {
		return ti.Result{}, err
	}
	refKind := strings.ToLower(kind)
	if it.Type == ioc.IPv4 || it.Type == ioc.IPv6 {
		refKind = "ip"
	}
	ref := "https://otx.alienvault.com/indicator/" + refKind + "/" + url.PathEscape(it.Value)
	switch {
	case resp.Status == http.StatusNotFound:
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = "general", ref
		return r, nil
	case resp.Status != http.StatusOK:
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var g general
	if err := ti.DecodeJSON(resp.Body, &g); err != nil {
		return ti.Result{}, fmt.Errorf("OTX %s: %w", kind, err)
	}
	pi := g.PulseInfo
	count := max(pi.Count, len(pi.Pulses))
	sev := ti.SevInformation
	switch {
	case count >= HighPulses:
		sev = ti.SevHigh
	case count > 0:
		sev = ti.SevWarning
	}
	var names, tags, refs []string
	seenTag := map[string]bool{}
	for _, pl := range pi.Pulses {
		names = append(names, string(pl.Name))
		for _, t := range pl.Tags {
			if !seenTag[t] {
				seenTag[t] = true
				tags = append(tags, t)
			}
		}
		refs = append(refs, pl.References...)
	}
	refs = append(refs, pi.References...)
	d := map[string]any{"pulse_count": count}
	if len(names) > 0 {
		d["pulse_names"] = names
	}
	if len(tags) > 0 {
		d["tags"] = tags
	}
	if len(refs) > 0 {
		d["references"] = refs
	}
	return ti.Result{QuerySubtype: "general", Found: count > 0, Severity: sev, Details: d,
		Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}

// text decodes a JSON string, or an array of strings joined with "; " (some OTX mirrors
// and msticpy's fixtures send names as arrays).
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*t = text(strings.Join(ss, "; "))
	return nil
}
