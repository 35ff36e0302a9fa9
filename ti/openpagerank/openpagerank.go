// Package openpagerank looks domains up in Open PageRank (/api/v1.0/getPageRank), up to 100
// domains per request. A domain without a rank is unusual for a legitimate site and is rated
// warning. Importing it registers the "OpenPageRank" provider (msticpy: "OPR").
package openpagerank

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

// DefaultURL is the Open PageRank root.
const DefaultURL = "https://openpagerank.com"

// MaxBatch is the API's limit on domains per request.
const MaxBatch = 100

var types = ti.TypeSet{ioc.DNS}

func init() {
	ti.Register(ti.Registration{
		Name: "OpenPageRank", Aliases: []string{"OPR"},
		URL:         DefaultURL,
		Description: "Open PageRank: domain popularity (unranked domains are suspicious)",
		Types:       types, NeedsKey: true,
		Rate:   ti.PerHour(10000),
		Limits: "free key: 10,000 requests/hour, 100 domains per request",
		TTL:    7 * 24 * time.Hour, NegativeTTL: 24 * time.Hour, Concurrency: 2,
		New: New,
	})
}

// Provider is the Open PageRank client; it implements ti.BatchLooker.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (sent as the API-OPR header) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

// BatchSize returns 100.
func (p *Provider) BatchSize() int { return MaxBatch }

type answer struct {
	StatusCode int `json:"status_code"`
	Response   []struct {
		StatusCode      int      `json:"status_code"`
		Error           string   `json:"error"`
		PageRankInteger *float64 `json:"page_rank_integer"`
		PageRankDecimal *float64 `json:"page_rank_decimal"`
		Rank            any      `json:"rank"`
		Domain          string   `json:"domain"`
	} `json:"response"`
	LastUpdated string `json:"last_updated"`
}

// Lookup looks one domain up (a batch of one).
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	rs, err := p.LookupBatch(ctx, []ti.Item{it})
	if err != nil {
		return ti.Result{}, err
	}
	return rs[0], nil
}

// LookupBatch sends up to 100 domains in one GET (domains[]=a&domains[]=b...).
func (p *Provider) LookupBatch(ctx context.Context, items []ti.Item) ([]ti.Result, error) {
	if len(items) > MaxBatch {
		return nil, fmt.Errorf("OpenPageRank: batch of %d exceeds %d", len(items), MaxBatch)
	}
	q := url.Values{}
	for _, it := range items {
		q.Add("domains[]", it.Value)
	}
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: p.Root + "/api/v1.0/getPageRank?" + q.Encode(),
		Header: http.Header{"API-OPR": {p.S.AuthKey}}})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, p.S.HTTP.StatusError(resp)
	}
	var a answer
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return nil, fmt.Errorf("OpenPageRank: %w", err)
	}
	byDomain := map[string]int{}
	for i, r := range a.Response {
		byDomain[strings.ToLower(r.Domain)] = i
	}
	out := make([]ti.Result, len(items))
	for i, it := range items {
		j, ok := byDomain[it.Value]
		if !ok {
			return nil, fmt.Errorf("OpenPageRank: %w: no answer for %s", ti.ErrMalformed, it.Value)
		}
		r := a.Response[j]
		raw := map[string]any{"status_code": r.StatusCode, "error": r.Error, "rank": r.Rank, "domain": r.Domain,
			"page_rank_integer": r.PageRankInteger, "page_rank_decimal": r.PageRankDecimal, "last_updated": a.LastUpdated}
		if r.StatusCode != http.StatusOK || r.PageRankDecimal == nil || *r.PageRankDecimal == 0 {
			out[i] = ti.Result{QuerySubtype: "pagerank", Found: false, Severity: ti.SevWarning,
				Details: map[string]any{"ranked": false, "error": r.Error}, Raw: raw}
			continue
		}
		out[i] = ti.Result{QuerySubtype: "pagerank", Found: true, Severity: ti.SevInformation,
			Details: map[string]any{"ranked": true, "page_rank_decimal": *r.PageRankDecimal, "rank": r.Rank}, Raw: raw}
	}
	return out, nil
}
