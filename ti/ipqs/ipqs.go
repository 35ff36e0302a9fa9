// Package ipqs looks IPs, URLs and e-mail addresses up in IPQualityScore (JSON API:
// /api/json/ip, /api/json/url, /api/json/email). Importing it registers the
// "IPQualityScore" provider with package ti.
package ipqs

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

// DefaultURL is the IPQualityScore root.
const DefaultURL = "https://www.ipqualityscore.com"

// Fraud/risk score thresholds from IPQualityScore's guidance: 75+ suspicious, 85+ high risk.
const (
	HighScore    = 85
	WarningScore = 75
)

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.URL, ioc.DNS, ioc.Email}

func init() {
	ti.Register(ti.Registration{
		Name: "IPQualityScore", Aliases: []string{"IPQS"},
		URL:         DefaultURL,
		Description: "IPQualityScore: fraud score for IPs, malicious URL/domain and e-mail checks",
		Types:       types, NeedsKey: true,
		Rate:   ti.Rate{N: 5000, Per: 30 * 24 * time.Hour},
		Limits: "free plan: 5,000 lookups/month",
		TTL:    24 * time.Hour, NegativeTTL: 12 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the IPQualityScore client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey is required (IPQualityScore takes it in the path;
// it is removed from every error message).
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type answer struct {
	Success    *bool   `json:"success"`
	Message    string  `json:"message"`
	FraudScore float64 `json:"fraud_score"`
	RiskScore  float64 `json:"risk_score"`
	Unsafe     bool    `json:"unsafe"`
	Phishing   bool    `json:"phishing"`
	Malware    bool    `json:"malware"`
	Suspicious bool    `json:"suspicious"`
	Spamming   bool    `json:"spamming"`
	Proxy      bool    `json:"proxy"`
	VPN        bool    `json:"vpn"`
	Tor        bool    `json:"tor"`
	BotStatus  bool    `json:"bot_status"`
	Recent     bool    `json:"recent_abuse"`
	Country    string  `json:"country_code"`
	ISP        string  `json:"ISP"`
	ASN        any     `json:"ASN"`
	Valid      *bool   `json:"valid"`
	Disposable bool    `json:"disposable"`
	Leaked     bool    `json:"leaked"`
}

func sevOf(score float64, high, warn bool) ti.Severity {
	switch {
	case high || score >= HighScore:
		return ti.SevHigh
	case warn || score >= WarningScore:
		return ti.SevWarning
	}
	return ti.SevInformation
}

// Lookup calls /api/json/{ip|url|email}/{key}/{value}.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	var kind string
	switch it.Type {
	case ioc.IPv4, ioc.IPv6:
		kind = "ip"
	case ioc.URL, ioc.DNS:
		kind = "url"
	case ioc.Email:
		kind = "email"
	default:
		return ti.Result{}, fmt.Errorf("IPQualityScore: %s lookups not supported", it.Type)
	}
	u := p.Root + "/api/json/" + kind + "/" + url.PathEscape(p.S.AuthKey) + "/" + url.PathEscape(it.Value)
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: u})
	if err != nil {
		return ti.Result{}, err
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var a answer
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return ti.Result{}, fmt.Errorf("IPQualityScore %s: %w", kind, err)
	}
	if a.Success == nil {
		return ti.Result{}, fmt.Errorf("IPQualityScore %s: %w: no success field", kind, ti.ErrMalformed)
	}
	if !*a.Success {
		// The API answers 200 with success=false; a bad key is reported in the message.
		if m := strings.ToLower(a.Message); strings.Contains(m, "key") && (strings.Contains(m, "invalid") || strings.Contains(m, "unauthorized")) {
			return ti.Result{}, &ti.AuthError{Provider: "IPQualityScore", ConfigKey: p.S.ConfigKey + ".Args.AuthKey", Status: 200}
		}
		return ti.Result{}, fmt.Errorf("IPQualityScore %s: request failed: %s", kind, a.Message)
	}
	var sev ti.Severity
	d := map[string]any{}
	found := false
	switch kind {
	case "ip":
		sev = sevOf(a.FraudScore, false, false)
		found = a.FraudScore >= WarningScore || a.Proxy || a.VPN || a.Tor || a.Recent
		d = map[string]any{"fraud_score": a.FraudScore, "proxy": a.Proxy, "vpn": a.VPN, "tor": a.Tor,
			"bot_status": a.BotStatus, "recent_abuse": a.Recent, "country_code": a.Country, "isp": a.ISP, "asn": a.ASN}
	case "url":
		sev = sevOf(a.RiskScore, a.Malware || a.Phishing, a.Suspicious || a.Unsafe)
		found = a.Unsafe || a.Malware || a.Phishing || a.Suspicious
		d = map[string]any{"risk_score": a.RiskScore, "unsafe": a.Unsafe, "malware": a.Malware,
			"phishing": a.Phishing, "suspicious": a.Suspicious, "spamming": a.Spamming}
	case "email":
		sev = sevOf(a.FraudScore, false, a.Disposable)
		found = a.FraudScore >= WarningScore || a.Disposable || a.Leaked
		d = map[string]any{"fraud_score": a.FraudScore, "disposable": a.Disposable, "leaked": a.Leaked}
		if a.Valid != nil {
			d["valid"] = *a.Valid
		}
	}
	return ti.Result{QuerySubtype: kind, Found: found, Severity: sev, Details: d, Raw: ti.RawJSON(resp.Body),
		Reference: "https://www.ipqualityscore.com/"}, nil
}
