// Package threatfox looks IoCs up in abuse.ch ThreatFox (API v1: search_ioc and
// search_hash). Importing it registers the "ThreatFox" provider with package ti.
package threatfox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the ThreatFox API root.
const DefaultURL = "https://threatfox-api.abuse.ch"

// HighConfidence is the confidence_level (0-100) from which a match is rated high.
const HighConfidence = 75

var types = ti.TypeSet{ioc.IPv4, ioc.DNS, ioc.URL, ioc.MD5, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "ThreatFox", Description: "abuse.ch ThreatFox: IoCs linked to malware families",
		URL:   DefaultURL,
		Types: types, NeedsKey: true,
		Rate:   ti.PerSecond(10),
		Limits: "free abuse.ch Auth-Key; no published quota (fair use), huntkit default 10 requests/s",
		TTL:    12 * time.Hour, NegativeTTL: 2 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the ThreatFox client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (an abuse.ch Auth-Key) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type match struct {
	ID               any      `json:"id"`
	IOC              string   `json:"ioc"`
	ThreatType       string   `json:"threat_type"`
	IOCType          string   `json:"ioc_type"`
	Malware          string   `json:"malware"`
	MalwarePrintable string   `json:"malware_printable"`
	ConfidenceLevel  int      `json:"confidence_level"`
	FirstSeen        string   `json:"first_seen"`
	LastSeen         *string  `json:"last_seen"`
	Tags             []string `json:"tags"`
}

// Lookup POSTs a JSON search_ioc (or search_hash) query.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	var q map[string]any
	switch it.Type {
	case ioc.MD5, ioc.SHA256:
		q = map[string]any{"query": "search_hash", "hash": it.Value}
	case ioc.IPv4, ioc.DNS, ioc.URL:
		q = map[string]any{"query": "search_ioc", "search_term": it.Value}
	default:
		return ti.Result{}, fmt.Errorf("ThreatFox: %s lookups not supported", it.Type)
	}
	body, _ := json.Marshal(q)
	resp, err := p.S.HTTP.Do(ctx, ti.Request{Method: http.MethodPost, URL: p.Root + "/api/v1/", Body: body,
		Header: http.Header{"Auth-Key": {p.S.AuthKey}, "Content-Type": {"application/json"}}})
	if err != nil {
		return ti.Result{}, err
	}
	sub := q["query"].(string)
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var a struct {
		QueryStatus string          `json:"query_status"`
		Data        json.RawMessage `json:"data"`
	}
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return ti.Result{}, fmt.Errorf("ThreatFox %s: %w", sub, err)
	}
	switch a.QueryStatus {
	case "ok":
	case "no_result", "no_results":
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype = sub
		return r, nil
	case "unknown_auth_key":
		return ti.Result{}, &ti.AuthError{Provider: "ThreatFox", ConfigKey: p.S.ConfigKey + ".Args.AuthKey", Status: resp.Status}
	case "":
		return ti.Result{}, fmt.Errorf("ThreatFox %s: %w: no query_status", sub, ti.ErrMalformed)
	default:
		return ti.Result{}, fmt.Errorf("ThreatFox %s: query_status %s", sub, a.QueryStatus)
	}
	var ms []match
	if err := ti.DecodeJSON(a.Data, &ms); err != nil {
		return ti.Result{}, fmt.Errorf("ThreatFox %s data: %w", sub, err)
	}
	// IPs are stored as ip:port; keep matches for this exact indicator.
	var keep []match
	for _, m := range ms {
		if sub == "search_hash" || strings.EqualFold(m.IOC, it.Value) || strings.HasPrefix(m.IOC, it.Value+":") {
			keep = append(keep, m)
		}
	}
	if len(keep) == 0 {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype = sub
		return r, nil
	}
	best := 0
	var malware, threats []string
	seen := map[string]bool{}
	for _, m := range keep {
		best = max(best, m.ConfidenceLevel)
		if !seen["m"+m.MalwarePrintable] {
			seen["m"+m.MalwarePrintable] = true
			malware = append(malware, m.MalwarePrintable)
		}
		if !seen["t"+m.ThreatType] {
			seen["t"+m.ThreatType] = true
			threats = append(threats, m.ThreatType)
		}
	}
	sev := ti.SevWarning
	if best >= HighConfidence {
		sev = ti.SevHigh
	}
	d := map[string]any{"matches": len(keep), "malware": malware, "threat_types": threats, "confidence_level": best,
		"first_seen": keep[0].FirstSeen, "tags": keep[0].Tags}
	return ti.Result{QuerySubtype: sub, Found: true, Severity: sev, Details: d, Raw: ti.RawJSON(resp.Body),
		Reference: fmt.Sprintf("https://threatfox.abuse.ch/ioc/%v/", keep[0].ID)}, nil
}
