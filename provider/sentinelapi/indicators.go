package sentinelapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// IndicatorQuery narrows a threat-intelligence indicator query (queryIndicators).
type IndicatorQuery struct {
	Keywords      string   // free text matched against the indicators
	PatternTypes  []string // ipv4-addr, domain-name, url, file, ...
	Sources       []string
	MinConfidence int
	Top           int // at most this many indicators (0: all pages)
}

// Indicators queries the workspace's threat-intelligence indicators (POST
// .../threatIntelligence/main/queryIndicators, a read that is safe to retry).
func (c *Client) Indicators(ctx context.Context, q IndicatorQuery) (*frame.Frame, error) {
	body := map[string]any{"pageSize": 100}
	if q.Top > 0 && q.Top < 100 {
		body["pageSize"] = q.Top
	}
	if q.Keywords != "" {
		body["keywords"] = q.Keywords
	}
	if len(q.PatternTypes) > 0 {
		body["patternTypes"] = q.PatternTypes
	}
	if len(q.Sources) > 0 {
		body["sources"] = q.Sources
	}
	if q.MinConfidence > 0 {
		body["minConfidence"] = q.MinConfidence
	}
	items, err := list[resource](ctx, c, http.MethodPost, c.siURL("threatIntelligence/main/queryIndicators", nil), body, q.Top)
	if err != nil && len(items) == 0 {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	return partial(layout(items, nameCol("IndicatorId"), prop("DisplayName", "displayName", frame.String),
		prop("Pattern", "pattern", frame.String), prop("PatternType", "patternType", frame.String),
		prop("Source", "source", frame.String), prop("Confidence", "confidence", frame.Int),
		prop("ThreatTypes", "threatTypes", frame.Dynamic), prop("Tags", "threatIntelligenceTags", frame.Dynamic),
		prop("ValidFrom", "validFrom", frame.Time), prop("ValidUntil", "validUntil", frame.Time),
		prop("Description", "description", frame.String)), items, err)
}

// Indicator is an indicator to create.
type Indicator struct {
	DisplayName string
	Pattern     string // STIX pattern, e.g. [ipv4-addr:value = '203.0.113.7']
	PatternType string // ipv4-addr, domain-name, url, file, ...
	Source      string // default huntkit
	Confidence  int
	ThreatTypes []string
	Tags        []string
	Description string
	ValidFrom   time.Time
}

// CreateIndicator creates an indicator (POST createIndicator). The API gives no client id
// for it, so it is sent once and never retried: after a lost answer, query before creating
// again. It returns the indicator's id.
func (c *Client) CreateIndicator(ctx context.Context, in Indicator) (string, error) {
	if in.Pattern == "" || in.PatternType == "" {
		return "", errors.New("indicator: a pattern and a pattern type are required")
	}
	if in.Source == "" {
		in.Source = "huntkit"
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Pattern
	}
	if in.ValidFrom.IsZero() {
		in.ValidFrom = time.Now().UTC()
	}
	p := map[string]any{"displayName": in.DisplayName, "pattern": in.Pattern, "patternType": in.PatternType,
		"source": in.Source, "validFrom": in.ValidFrom.UTC().Format(time.RFC3339), "threatTypes": nonNil(in.ThreatTypes),
		"threatIntelligenceTags": nonNil(in.Tags)}
	if in.Confidence > 0 {
		p["confidence"] = in.Confidence
	}
	if in.Description != "" {
		p["description"] = in.Description
	}
	var out resource
	if _, err := c.call(noRetry(ctx), http.MethodPost, c.siURL("threatIntelligence/main/createIndicator", nil),
		map[string]any{"kind": "indicator", "properties": p}, nil, &out); err != nil {
		return "", fmt.Errorf("indicator: %w (not retried: check with 'indicators list' before creating it again)", err)
	}
	return out.Name, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AppendTags adds tags to an indicator (appending a tag it has is a no-op, so this is safe
// to retry).
func (c *Client) AppendTags(ctx context.Context, id string, tags []string) error {
	if len(tags) == 0 {
		return errors.New("indicator tags: none given")
	}
	u := c.siURL("threatIntelligence/main/indicators/"+url.PathEscape(id)+"/appendTags", nil)
	if _, err := c.call(ctx, http.MethodPost, u, map[string]any{"threatIntelligenceTags": tags}, nil, nil); err != nil {
		return fmt.Errorf("indicator %s tags: %w", id, err)
	}
	return nil
}

// jsonText is v as compact JSON text.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return strings.TrimSpace(string(b)), err
}
