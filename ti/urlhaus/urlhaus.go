// Package urlhaus looks URLs, hosts and payload hashes up in abuse.ch URLhaus (API v1:
// /v1/url/, /v1/host/, /v1/payload/). Importing it registers the "URLhaus" provider.
package urlhaus

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

// DefaultURL is the URLhaus API root.
const DefaultURL = "https://urlhaus-api.abuse.ch"

var types = ti.TypeSet{ioc.URL, ioc.DNS, ioc.IPv4, ioc.MD5, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "URLhaus", Description: "abuse.ch URLhaus: malware distribution URLs, hosts and payloads",
		URL:   DefaultURL,
		Types: types, NeedsKey: true,
		Rate:   ti.PerSecond(10),
		Limits: "free abuse.ch Auth-Key; no published quota (fair use), huntkit default 10 requests/s",
		TTL:    12 * time.Hour, NegativeTTL: 2 * time.Hour, Concurrency: 4,
		New: New,
	})
}

// Provider is the URLhaus client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (an abuse.ch Auth-Key) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type urlEntry struct {
	URL       string `json:"url"`
	URLStatus string `json:"url_status"`
	Threat    string `json:"threat"`
	DateAdded string `json:"date_added"`
	Tags      []any  `json:"tags"`
}

type answer struct {
	QueryStatus      string         `json:"query_status"`
	URLhausReference string         `json:"urlhaus_reference"`
	URLStatus        string         `json:"url_status"`
	Threat           string         `json:"threat"`
	Host             string         `json:"host"`
	DateAdded        string         `json:"date_added"`
	Firstseen        string         `json:"firstseen"`
	Lastseen         string         `json:"lastseen"`
	Blacklists       map[string]any `json:"blacklists"`
	Tags             []any          `json:"tags"`
	URLCount         any            `json:"url_count"`
	URLs             []urlEntry     `json:"urls"`
	FileType         string         `json:"file_type"`
	Signature        *string        `json:"signature"`
	SHA256           string         `json:"sha256_hash"`
	MD5              string         `json:"md5_hash"`
}

// Lookup POSTs the value to the endpoint for its type.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	var path string
	form := url.Values{}
	switch it.Type {
	case ioc.URL:
		path = "/v1/url/"
		form.Set("url", it.Value)
	case ioc.DNS, ioc.IPv4:
		path = "/v1/host/"
		form.Set("host", it.Value)
	case ioc.MD5:
		path = "/v1/payload/"
		form.Set("md5_hash", it.Value)
	case ioc.SHA256:
		path = "/v1/payload/"
		form.Set("sha256_hash", it.Value)
	default:
		return ti.Result{}, fmt.Errorf("URLhaus: %s lookups not supported", it.Type)
	}
	sub := strings.Trim(strings.TrimPrefix(path, "/v1/"), "/")
	resp, err := p.S.HTTP.Do(ctx, ti.Request{Method: http.MethodPost, URL: p.Root + path, Body: []byte(form.Encode()),
		Header: http.Header{"Auth-Key": {p.S.AuthKey}, "Content-Type": {"application/x-www-form-urlencoded"}}})
	if err != nil {
		return ti.Result{}, err
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var a answer
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return ti.Result{}, fmt.Errorf("URLhaus %s: %w", sub, err)
	}
	switch a.QueryStatus {
	case "ok":
	case "no_results":
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype = sub
		return r, nil
	case "unknown_auth_key":
		return ti.Result{}, &ti.AuthError{Provider: "URLhaus", ConfigKey: p.S.ConfigKey + ".Args.AuthKey", Status: resp.Status}
	case "":
		return ti.Result{}, fmt.Errorf("URLhaus %s: %w: no query_status", sub, ti.ErrMalformed)
	default:
		return ti.Result{}, fmt.Errorf("URLhaus %s: query_status %s", sub, a.QueryStatus)
	}
	d := map[string]any{}
	sev := ti.SevHigh
	switch sub {
	case "url":
		if a.URLStatus != "online" {
			sev = ti.SevWarning
		}
		d = map[string]any{"url_status": a.URLStatus, "threat": a.Threat, "host": a.Host, "date_added": a.DateAdded,
			"tags": a.Tags, "blacklists": a.Blacklists}
	case "host":
		online := 0
		for _, u := range a.URLs {
			if u.URLStatus == "online" {
				online++
			}
		}
		if online == 0 {
			sev = ti.SevWarning
		}
		d = map[string]any{"url_count": a.URLCount, "online_urls": online, "firstseen": a.Firstseen,
			"blacklists": a.Blacklists}
	case "payload":
		d = map[string]any{"file_type": a.FileType, "firstseen": a.Firstseen, "lastseen": a.Lastseen,
			"url_count": a.URLCount, "sha256": a.SHA256}
		if a.Signature != nil {
			d["signature"] = *a.Signature
		}
	}
	return ti.Result{QuerySubtype: sub, Found: true, Severity: sev, Details: d, Raw: ti.RawJSON(resp.Body), Reference: a.URLhausReference}, nil
}
