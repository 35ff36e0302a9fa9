// Package virustotal looks IoCs up in the VirusTotal API v3 (ip_addresses, domains, urls
// and files). Importing it registers the "VirusTotal" provider with package ti.
package virustotal

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the public API v3 root.
const DefaultURL = "https://www.virustotal.com/api/v3"

// Thresholds on last_analysis_stats.malicious: at least HighMalicious engines => high;
// any malicious or suspicious engine => warning.
const HighMalicious = 5

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.DNS, ioc.URL, ioc.MD5, ioc.SHA1, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "VirusTotal", Aliases: []string{"VT", "VirusTotalV3"},
		URL:         DefaultURL,
		Description: "VirusTotal API v3: IP addresses, domains, URLs and file hashes",
		Types:       types, NeedsKey: true,
		Rate:   ti.PerMinute(4),
		Limits: "public API: 4 requests/min, 500/day, 15.5k/month",
		TTL:    24 * time.Hour, NegativeTTL: 6 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the VirusTotal client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

// URLID returns VirusTotal's identifier for a URL: unpadded base64url of the URL.
func URLID(u string) string { return base64.RawURLEncoding.EncodeToString([]byte(u)) }

// object is the part of a v3 object the provider reads.
type object struct {
	Data struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			Stats struct {
				Harmless   int `json:"harmless"`
				Malicious  int `json:"malicious"`
				Suspicious int `json:"suspicious"`
				Undetected int `json:"undetected"`
				Timeout    int `json:"timeout"`
			} `json:"last_analysis_stats"`
			LastAnalysisDate int64             `json:"last_analysis_date"`
			Reputation       int               `json:"reputation"`
			Tags             []string          `json:"tags"`
			Categories       map[string]string `json:"categories"`
			Country          string            `json:"country"`
			ASOwner          string            `json:"as_owner"`
			ASN              int               `json:"asn"`
			Network          string            `json:"network"`
			Registrar        string            `json:"registrar"`
			MeaningfulName   string            `json:"meaningful_name"`
			TypeDescription  string            `json:"type_description"`
			Size             int64             `json:"size"`
			LastFinalURL     string            `json:"last_final_url"`
			Title            string            `json:"title"`
			ThreatLabel      *struct {
				Suggested string `json:"suggested_threat_label"`
			} `json:"popular_threat_classification"`
			Votes struct {
				Harmless  int `json:"harmless"`
				Malicious int `json:"malicious"`
			} `json:"total_votes"`
		} `json:"attributes"`
	} `json:"data"`
}

// Lookup queries the object endpoint matching the item's type.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	var path, gui, sub string
	switch it.Type {
	case ioc.IPv4, ioc.IPv6:
		path, gui, sub = "/ip_addresses/"+url.PathEscape(it.Value), "ip-address/"+it.Value, "ip_addresses"
	case ioc.DNS:
		path, gui, sub = "/domains/"+url.PathEscape(it.Value), "domain/"+it.Value, "domains"
	case ioc.URL:
		sum := sha256.Sum256([]byte(it.Value))
		path, gui, sub = "/urls/"+URLID(it.Value), "url/"+hex.EncodeToString(sum[:]), "urls"
	case ioc.MD5, ioc.SHA1, ioc.SHA256:
		path, gui, sub = "/files/"+it.Value, "file/"+it.Value, "files"
	default:
		return ti.Result{}, fmt.Errorf("VirusTotal: %s lookups not supported", it.Type)
	}
	resp, err := p.S.HTTP.Do(ctx, ti.Request{Method: http.MethodGet, URL: p.Root + path,
		Header: http.Header{"x-apikey": {p.S.AuthKey}}})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://www.virustotal.com/gui/" + gui
	switch {
	case resp.Status == http.StatusNotFound:
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = sub, ref
		return r, nil
	case resp.Status != http.StatusOK:
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var o object
	if err := ti.DecodeJSON(resp.Body, &o); err != nil {
		return ti.Result{}, fmt.Errorf("VirusTotal %s: %w", path, err)
	}
	if o.Data.ID == "" {
		return ti.Result{}, fmt.Errorf("VirusTotal %s: %w: no data.id in answer", path, ti.ErrMalformed)
	}
	a := o.Data.Attributes
	st := a.Stats
	sev := ti.SevInformation
	switch {
	case st.Malicious >= HighMalicious:
		sev = ti.SevHigh
	case st.Malicious > 0 || st.Suspicious > 0:
		sev = ti.SevWarning
	}
	d := map[string]any{
		"malicious": st.Malicious, "suspicious": st.Suspicious, "harmless": st.Harmless,
		"undetected": st.Undetected, "reputation": a.Reputation,
		"votes_malicious": a.Votes.Malicious, "votes_harmless": a.Votes.Harmless,
	}
	if a.LastAnalysisDate > 0 {
		d["last_analysis_date"] = time.Unix(a.LastAnalysisDate, 0).UTC().Format(time.RFC3339)
	}
	if len(a.Tags) > 0 {
		d["tags"] = a.Tags
	}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	switch it.Type {
	case ioc.IPv4, ioc.IPv6:
		set("country", a.Country)
		set("as_owner", a.ASOwner)
		set("network", a.Network)
		if a.ASN != 0 {
			d["asn"] = a.ASN
		}
	case ioc.DNS:
		set("registrar", a.Registrar)
		if len(a.Categories) > 0 {
			d["categories"] = a.Categories
		}
	case ioc.URL:
		set("last_final_url", a.LastFinalURL)
		set("title", a.Title)
	default:
		set("meaningful_name", a.MeaningfulName)
		set("type_description", a.TypeDescription)
		if a.Size > 0 {
			d["size"] = a.Size
		}
		if a.ThreatLabel != nil {
			set("threat_label", a.ThreatLabel.Suggested)
		}
	}
	return ti.Result{QuerySubtype: sub, Found: true, Severity: sev, Details: d,
		Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
