// Package abuseipdb looks IP addresses up in AbuseIPDB (API v2 CHECK endpoint). Importing
// it registers the "AbuseIPDB" provider with package ti.
package abuseipdb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the AbuseIPDB root.
const DefaultURL = "https://api.abuseipdb.com"

// Severity thresholds on abuseConfidenceScore (0-100).
const (
	HighScore    = 75
	WarningScore = 25
)

func init() {
	ti.Register(ti.Registration{
		Name: "AbuseIPDB", Description: "AbuseIPDB: community abuse reports and confidence score for IPs",
		URL:   DefaultURL,
		Types: []ioc.Type{ioc.IPv4, ioc.IPv6}, NeedsKey: true,
		Rate:   ti.PerDay(1000),
		Limits: "free plan: 1,000 check requests/day",
		TTL:    24 * time.Hour, NegativeTTL: 6 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the AbuseIPDB client.
type Provider struct {
	s      ti.Settings
	base   string
	maxAge int
}

// New builds the provider; Args.AuthKey is required, Args.MaxAgeInDays (1-365, default 90)
// bounds the reports considered.
func New(s ti.Settings) (ti.Provider, error) {
	if err := s.RequireKey(); err != nil {
		return nil, err
	}
	p := &Provider{s: s, base: s.URL(DefaultURL), maxAge: 90}
	if v, ok := s.Arg("MaxAgeInDays"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			return nil, fmt.Errorf("%s.Args.MaxAgeInDays: %q: want 1 to 365", s.ConfigKey, v)
		}
		p.maxAge = n
	}
	return p, nil
}

// Name returns "AbuseIPDB".
func (p *Provider) Name() string { return "AbuseIPDB" }

// Supports reports IPv4 and IPv6.
func (p *Provider) Supports(t ioc.Type) bool { return t == ioc.IPv4 || t == ioc.IPv6 }

type check struct {
	Data *struct {
		IPAddress            string   `json:"ipAddress"`
		IsPublic             bool     `json:"isPublic"`
		IsWhitelisted        *bool    `json:"isWhitelisted"`
		AbuseConfidenceScore int      `json:"abuseConfidenceScore"`
		CountryCode          string   `json:"countryCode"`
		UsageType            string   `json:"usageType"`
		ISP                  string   `json:"isp"`
		Domain               string   `json:"domain"`
		Hostnames            []string `json:"hostnames"`
		IsTor                bool     `json:"isTor"`
		TotalReports         int      `json:"totalReports"`
		NumDistinctUsers     int      `json:"numDistinctUsers"`
		LastReportedAt       *string  `json:"lastReportedAt"`
	} `json:"data"`
}

// Lookup calls GET /api/v2/check.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	q := url.Values{"ipAddress": {it.Value}, "maxAgeInDays": {strconv.Itoa(p.maxAge)}}
	resp, err := p.s.HTTP.Do(ctx, ti.Request{Method: http.MethodGet, URL: p.base + "/api/v2/check?" + q.Encode(),
		Header: http.Header{"Key": {p.s.AuthKey}, "Accept": {"application/json"}}})
	if err != nil {
		return ti.Result{}, err
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.s.HTTP.StatusError(resp)
	}
	var c check
	if err := ti.DecodeJSON(resp.Body, &c); err != nil {
		return ti.Result{}, fmt.Errorf("AbuseIPDB check: %w", err)
	}
	if c.Data == nil {
		return ti.Result{}, fmt.Errorf("AbuseIPDB check: %w: no data object", ti.ErrMalformed)
	}
	d := c.Data
	sev := ti.SevInformation
	switch {
	case d.AbuseConfidenceScore >= HighScore:
		sev = ti.SevHigh
	case d.AbuseConfidenceScore >= WarningScore:
		sev = ti.SevWarning
	}
	det := map[string]any{"abuse_confidence_score": d.AbuseConfidenceScore, "total_reports": d.TotalReports,
		"distinct_users": d.NumDistinctUsers, "country_code": d.CountryCode, "usage_type": d.UsageType,
		"isp": d.ISP, "domain": d.Domain, "is_tor": d.IsTor}
	if d.IsWhitelisted != nil {
		det["is_whitelisted"] = *d.IsWhitelisted
	}
	if d.LastReportedAt != nil {
		det["last_reported_at"] = *d.LastReportedAt
	}
	if len(d.Hostnames) > 0 {
		det["hostnames"] = d.Hostnames
	}
	return ti.Result{QuerySubtype: "check", Found: d.TotalReports > 0, Severity: sev, Details: det,
		Raw: ti.RawJSON(resp.Body), Reference: "https://www.abuseipdb.com/check/" + it.Value}, nil
}
