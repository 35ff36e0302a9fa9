// Package crowdsec looks IP addresses up in the CrowdSec CTI API (/v2/smoke/{ip}).
// Importing it registers the "CrowdSec" provider with package ti.
package crowdsec

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the CTI API root.
const DefaultURL = "https://cti.api.crowdsec.net"

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6}

func init() {
	ti.Register(ti.Registration{
		Name: "CrowdSec", Description: "CrowdSec CTI: crowd-sourced attack behaviours and reputation for IPs",
		URL:   DefaultURL,
		Types: types, NeedsKey: true,
		Rate:   ti.PerDay(50),
		Limits: "community CTI key: 50 lookups/day",
		TTL:    24 * time.Hour, NegativeTTL: 12 * time.Hour, Concurrency: 2,
		New: New,
	})
}

// Provider is the CrowdSec CTI client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (a CTI API key) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type label struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

type smoke struct {
	IP              string  `json:"ip"`
	ASName          string  `json:"as_name"`
	ASNum           int     `json:"as_num"`
	ReverseDNS      *string `json:"reverse_dns"`
	IPRangeScore    int     `json:"ip_range_score"`
	BackgroundNoise int     `json:"background_noise_score"`
	Behaviors       []label `json:"behaviors"`
	Classifications struct {
		FalsePositives  []label `json:"false_positives"`
		Classifications []label `json:"classifications"`
	} `json:"classifications"`
	AttackDetails []label `json:"attack_details"`
	Location      struct {
		Country *string `json:"country"`
	} `json:"location"`
	Scores struct {
		Overall struct {
			Aggressiveness int `json:"aggressiveness"`
			Threat         int `json:"threat"`
			Trust          int `json:"trust"`
			Anomaly        int `json:"anomaly"`
			Total          int `json:"total"`
		} `json:"overall"`
	} `json:"scores"`
	History struct {
		FirstSeen *string `json:"first_seen"`
		LastSeen  *string `json:"last_seen"`
	} `json:"history"`
}

func names(ls []label) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// Lookup calls GET /v2/smoke/{ip}.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: p.Root + "/v2/smoke/" + it.Value,
		Header: http.Header{"x-api-key": {p.S.AuthKey}}})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://app.crowdsec.net/cti/" + it.Value
	if resp.Status == http.StatusNotFound {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = "smoke", ref
		return r, nil
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var s smoke
	if err := ti.DecodeJSON(resp.Body, &s); err != nil {
		return ti.Result{}, fmt.Errorf("CrowdSec smoke: %w", err)
	}
	total := s.Scores.Overall.Total
	sev := ti.SevInformation
	switch {
	case len(s.Classifications.FalsePositives) > 0:
		sev = ti.SevInformation
	case total >= 4:
		sev = ti.SevHigh
	case total >= 2 || len(s.Behaviors) > 0:
		sev = ti.SevWarning
	}
	d := map[string]any{"behaviors": names(s.Behaviors), "classifications": names(s.Classifications.Classifications),
		"false_positives": names(s.Classifications.FalsePositives), "attack_details": names(s.AttackDetails),
		"score_total": total, "score_threat": s.Scores.Overall.Threat, "score_trust": s.Scores.Overall.Trust,
		"background_noise_score": s.BackgroundNoise, "as_name": s.ASName, "as_num": s.ASNum}
	if s.Location.Country != nil {
		d["country"] = *s.Location.Country
	}
	if s.ReverseDNS != nil {
		d["reverse_dns"] = *s.ReverseDNS
	}
	return ti.Result{QuerySubtype: "smoke", Found: true, Severity: sev, Details: d, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
