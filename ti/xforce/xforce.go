// Package xforce looks IoCs up in IBM X-Force Exchange (IP reputation /ipr, URL reputation
// /url and malware /malware). Importing it registers the "XForce" provider with package ti.
package xforce

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

// DefaultURL is the X-Force Exchange API root.
const DefaultURL = "https://api.xforce.ibmcloud.com"

// Score thresholds (X-Force risk scores run from 1 to 10).
const (
	HighScore    = 7
	WarningScore = 4
)

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.DNS, ioc.URL, ioc.MD5, ioc.SHA1, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "XForce", Aliases: []string{"X-Force", "IBMXForce"},
		URL:         DefaultURL,
		Description: "IBM X-Force Exchange: IP and URL reputation, malware by hash",
		Types:       types, NeedsKey: true, NeedsAPIID: true,
		Rate:   ti.Rate{N: 5000, Per: 30 * 24 * time.Hour},
		Limits: "free tier: 5,000 API calls/month",
		TTL:    24 * time.Hour, NegativeTTL: 6 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the X-Force client.
type Provider struct{ ti.Web }

// New builds the provider. Args.ApiID is the API key and Args.AuthKey the API password
// (msticpy's naming); both are sent with HTTP basic authentication.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	if s.APIID == "" {
		return nil, fmt.Errorf("XForce: %w: set %s.Args.ApiID", ti.ErrNotConfigured, s.ConfigKey)
	}
	return &Provider{w}, nil
}

type answer struct {
	// /ipr
	IP     string         `json:"ip"`
	Score  *float64       `json:"score"`
	Cats   any            `json:"cats"` // an object of category => score (lists tolerated)
	Reason string         `json:"reason"`
	Geo    map[string]any `json:"geo"`
	// /url
	Result *struct {
		URL   string   `json:"url"`
		Score *float64 `json:"score"`
		Cats  any      `json:"cats"`
	} `json:"result"`
	// /malware
	Malware *struct {
		Risk   string `json:"risk"`
		Type   string `json:"type"`
		Family any    `json:"family"` // a list of names (objects tolerated)
	} `json:"malware"`
	Tags []any `json:"tags"`
}

func scoreSeverity(s float64) ti.Severity {
	switch {
	case s >= HighScore:
		return ti.SevHigh
	case s >= WarningScore:
		return ti.SevWarning
	}
	return ti.SevInformation
}

// Lookup calls /ipr/{ip}, /url/{url or domain} or /malware/{hash}.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	var path, sub, gui string
	switch it.Type {
	case ioc.IPv4, ioc.IPv6:
		path, sub, gui = "/ipr/"+it.Value, "ipr", "ip/"+it.Value
	case ioc.DNS, ioc.URL:
		path, sub, gui = "/url/"+url.PathEscape(it.Value), "url", "url/"+url.PathEscape(it.Value)
	case ioc.MD5, ioc.SHA1, ioc.SHA256:
		path, sub, gui = "/malware/"+it.Value, "malware", "malware/"+it.Value
	default:
		return ti.Result{}, fmt.Errorf("XForce: %s lookups not supported", it.Type)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	req.SetBasicAuth(p.S.APIID, p.S.AuthKey)
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: p.Root + path,
		Header: http.Header{"Authorization": {req.Header.Get("Authorization")}}})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://exchange.xforce.ibmcloud.com/" + gui
	if resp.Status == http.StatusNotFound {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = sub, ref
		return r, nil
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var a answer
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return ti.Result{}, fmt.Errorf("XForce %s: %w", sub, err)
	}
	d := map[string]any{}
	sev := ti.SevInformation
	switch sub {
	case "ipr":
		if a.Score == nil {
			return ti.Result{}, fmt.Errorf("XForce ipr: %w: no score", ti.ErrMalformed)
		}
		sev = scoreSeverity(*a.Score)
		d["score"], d["categories"], d["reason"] = *a.Score, a.Cats, a.Reason
		if a.Geo != nil {
			d["geo"] = a.Geo
		}
	case "url":
		switch {
		case a.Result != nil && a.Result.Score != nil:
			sev = scoreSeverity(*a.Result.Score)
			d["score"], d["categories"] = *a.Result.Score, a.Result.Cats
		case a.Score != nil:
			sev = scoreSeverity(*a.Score)
			d["score"], d["categories"] = *a.Score, a.Cats
		default:
			return ti.Result{}, fmt.Errorf("XForce url: %w: no result.score", ti.ErrMalformed)
		}
	case "malware":
		if a.Malware == nil {
			return ti.Result{}, fmt.Errorf("XForce malware: %w: no malware object", ti.ErrMalformed)
		}
		switch strings.ToLower(a.Malware.Risk) {
		case "high":
			sev = ti.SevHigh
		case "medium":
			sev = ti.SevWarning
		}
		d["risk"], d["family"], d["type"] = a.Malware.Risk, a.Malware.Family, a.Malware.Type
	}
	if len(a.Tags) > 0 {
		d["tags"] = a.Tags
	}
	return ti.Result{QuerySubtype: sub, Found: true, Severity: sev, Details: d, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
