// Package binaryedge looks IPv4 addresses up in BinaryEdge (API v2 /query/ip/{ip}): the
// services seen exposed on the host. Exposure is informational, so every answer is rated
// information. Importing it registers the "BinaryEdge" provider with package ti.
package binaryedge

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// DefaultURL is the BinaryEdge API root.
const DefaultURL = "https://api.binaryedge.io"

var types = ti.TypeSet{ioc.IPv4}

func init() {
	ti.Register(ti.Registration{
		Name: "BinaryEdge", Description: "BinaryEdge: internet-exposed services on an IP (informational)",
		URL:   DefaultURL,
		Types: types, NeedsKey: true,
		Rate:   ti.Rate{N: 250, Per: 30 * 24 * time.Hour},
		Limits: "free plan: 250 queries/month",
		TTL:    3 * 24 * time.Hour, NegativeTTL: 24 * time.Hour, Concurrency: 2,
		New: New,
	})
}

// Provider is the BinaryEdge client.
type Provider struct{ ti.Web }

// New builds the provider; Args.AuthKey (sent as X-Key) is required.
func New(s ti.Settings) (ti.Provider, error) {
	w, err := ti.NewWeb(s, DefaultURL, types)
	if err != nil {
		return nil, err
	}
	return &Provider{w}, nil
}

type answer struct {
	Total  *int   `json:"total"`
	Query  string `json:"query"`
	Events []struct {
		Port    int `json:"port"`
		Results []struct {
			Origin struct {
				TS      int64  `json:"ts"`
				Country string `json:"country"`
			} `json:"origin"`
			Target struct {
				Protocol string `json:"protocol"`
				Port     int    `json:"port"`
			} `json:"target"`
			Result struct {
				Data struct {
					Service struct {
						Name    string `json:"name"`
						Product string `json:"product"`
					} `json:"service"`
				} `json:"data"`
			} `json:"result"`
		} `json:"results"`
	} `json:"events"`
}

// Lookup calls GET /v2/query/ip/{ip}.
func (p *Provider) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	resp, err := p.S.HTTP.Do(ctx, ti.Request{URL: p.Root + "/v2/query/ip/" + it.Value,
		Header: http.Header{"X-Key": {p.S.AuthKey}}})
	if err != nil {
		return ti.Result{}, err
	}
	ref := "https://app.binaryedge.io/services/query/" + it.Value
	if resp.Status == http.StatusNotFound {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = "ip", ref
		return r, nil
	}
	if resp.Status != http.StatusOK {
		return ti.Result{}, p.S.HTTP.StatusError(resp)
	}
	var a answer
	if err := ti.DecodeJSON(resp.Body, &a); err != nil {
		return ti.Result{}, fmt.Errorf("BinaryEdge ip: %w", err)
	}
	if a.Total == nil {
		return ti.Result{}, fmt.Errorf("BinaryEdge ip: %w: no total", ti.ErrMalformed)
	}
	if *a.Total == 0 || len(a.Events) == 0 {
		r := ti.NotFound(ti.RawJSON(resp.Body))
		r.QuerySubtype, r.Reference = "ip", ref
		return r, nil
	}
	ports := []int{}
	services := map[string]bool{}
	for _, e := range a.Events {
		ports = append(ports, e.Port)
		for _, r := range e.Results {
			s := r.Result.Data.Service
			if s.Name != "" || s.Product != "" {
				services[fmt.Sprintf("%d/%s %s %s", r.Target.Port, r.Target.Protocol, s.Name, s.Product)] = true
			}
		}
	}
	sort.Ints(ports)
	var svc []string
	for s := range services {
		svc = append(svc, s)
	}
	sort.Strings(svc)
	return ti.Result{QuerySubtype: "ip", Found: true, Severity: ti.SevInformation,
		Details: map[string]any{"total": *a.Total, "ports": ports, "services": svc}, Raw: ti.RawJSON(resp.Body), Reference: ref}, nil
}
