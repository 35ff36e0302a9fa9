// Package pulsedive looks IoCs up in Pulsedive (/api/info.php?indicator=). Importing it
// registers the "Pulsedive" provider with package ti.
package pulsedive

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the Pulsedive root.
const DefaultURL = "https://pulsedive.com"

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.DNS, ioc.URL}

func init() {
	ti.Register(ti.Registration{
		Name: "Pulsedive", Description: "Pulsedive: community threat intelligence risk for IPs, domains and URLs",
		URL:   DefaultURL,
		Types: types, NeedsKey: true,
		Rate:   ti.PerMinute(30),
		Limits: "free API key: 30 requests/min",
		TTL:    24 * time.Hour, NegativeTTL: 6 * time.Hour, Concurrency: 2,
		New: New,
	})
}

// Provider is the Pulsedive client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type info struct {
	Error       string `json:"error"`
	IID         int64  `json:"iid"`
	Type        string `json:"type"`
	Indicator   string `json:"indicator"`
	Risk        string `json:"risk"`
	Retired     any    `json:"retired"`
	StampSeen   string `json:"stamp_seen"`
	RiskFactors []struct {
		Description string `json:"description"`
		Risk        string `json:"risk"`
	} `json:"riskfactors"`
	Threats []struct {
		Name     string `json:"name"`
		Category string `json:"category"`
		Risk     string `json:"risk"`
	} `json:"threats"`
	Feeds []struct {
		Name     string `json:"name"`
		Category string `json:"category"`
	} `json:"feeds"`
}

// Severity maps Pulsedive's risk levels.
func Severity(risk string) ti.Severity {
	switch strings.ToLower(risk) {
	case "critical", "high":
		return ti.SevHigh
	case "medium", "low":
		return ti.SevWarning
	case "none":
		return ti.SevInformation
	}
	return ti.SevUnknown
}

// Lookup calls GET /api/info.php?indicator=...&key=....
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	q := url.Values{"indicator": {it.Value}, "key": {p.S.AuthKey}}
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: p.Root + "/api/info.php?" + q.Encode()})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://pulsedive.com/indicator/?ioc=" + url.QueryEscape(it.Value)
	var in info
	if resp.Status == http.StatusOK || resp.Status == http.StatusNotFound {
		if err := ti.DecodeJSON(resp.Body, &in); err != nil {
			return ti.Result{}, fmt.Errorf("Pulsedive info: %w", err)
		}
	}
	if resp.Status == http.StatusNotFound || strings.Contains(strings.ToLower(in.Error), "not found") {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = "info", ref
		return r, nil
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	if in.Error != "" {
		return ti.Result{}, fmt.Errorf("Pulsedive info: %s", in.Error)
	}
	if in.Risk == "" {
		return ti.Result{}, fmt.Errorf("Pulsedive info: %w: no risk", ti.ErrMalformed)
	}
	var factors, threats, feeds []string
	for _, f := range in.RiskFactors {
		factors = append(factors, f.Description)
	}
	for _, t := range in.Threats {
		threats = append(threats, t.Name)
	}
	for _, f := range in.Feeds {
		feeds = append(feeds, f.Name)
	}
	d := map[string]any{"risk": in.Risk, "risk_factors": factors, "threats": threats, "feeds": feeds, "stamp_seen": in.StampSeen}
	if in.IID != 0 {
		ref = fmt.Sprintf("https://pulsedive.com/indicator/?iid=%d", in.IID)
	}
	return ti.Result{QuerySubtype: "info", Found: true, Severity: Severity(in.Risk), Details: d, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
