package prismacloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// ErrQuery marks a query the driver cannot send (no RQL, an unknown endpoint).
var ErrQuery = errors.New("prismacloud query")

// Endpoints, by msticpy's names for them.
const (
	Config  = "config_resource" // config from cloud.resource ... → /search/api/v2/config
	Events  = "events"          // event from cloud.audit_logs ... → /search/event
	Network = "network"         // network from vpc.flow_record ... → /search
	Assets  = "assets"          // asset where ... → /search/api/v1/asset
)

// search is one query ready to send.
type search struct {
	endpoint string
	rql      string
	window   map[string]any // timeRange; nil for none
}

// parse reads plain RQL or msticpy's {"querymetadata": {...}} body.
func parse(req query.Request) (search, error) {
	text := strings.TrimSpace(req.Text)
	var s search
	if strings.HasPrefix(text, "{") {
		var body struct {
			Meta map[string]any `json:"querymetadata"`
		}
		if err := json.Unmarshal([]byte(text), &body); err != nil {
			return s, fmt.Errorf("%w: the query is neither RQL nor a JSON body: %v", ErrQuery, err)
		}
		m := body.Meta
		s.rql, _ = m["query_by_user"].(string)
		s.endpoint, _ = m["endpoint"].(string)
		if st, en := str(m["start_time"]), str(m["end_time"]); st != "" && en != "" {
			a, err1 := parseTime(st)
			b, err2 := parseTime(en)
			if err := errors.Join(err1, err2); err != nil {
				return s, fmt.Errorf("%w: querymetadata start_time/end_time: %v", ErrQuery, err)
			}
			s.window = absolute(a, b)
		} else if unit := str(m["unit"]); unit != "" {
			n, err := strconv.Atoi(str(m["amount"]))
			if err != nil || n <= 0 {
				return s, fmt.Errorf("%w: querymetadata amount %q is not a positive number", ErrQuery, str(m["amount"]))
			}
			s.window = map[string]any{"type": "relative", "value": map[string]any{"unit": unit, "amount": n}}
		}
	} else {
		s.rql = text
	}
	s.rql = strings.TrimSpace(s.rql)
	if s.rql == "" {
		return s, fmt.Errorf("%w: no RQL (query_by_user) in the query", ErrQuery)
	}
	if s.endpoint == "" {
		first := strings.ToLower(strings.Fields(s.rql)[0])
		s.endpoint = map[string]string{"config": Config, "event": Events, "network": Network, "asset": Assets}[first]
		if s.endpoint == "" {
			return s, fmt.Errorf("%w: RQL starts with config, event, network or asset, not %q", ErrQuery, first)
		}
	}
	switch s.endpoint {
	case Config, Events, Network, Assets:
	default:
		return s, fmt.Errorf("%w: unknown endpoint %q (want config_resource, events, network or assets)", ErrQuery, s.endpoint)
	}
	if s.window == nil && !req.Start.IsZero() && !req.End.IsZero() {
		s.window = absolute(req.Start, req.End)
	}
	return s, nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func parseTime(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999Z", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// absolute is Prisma Cloud's absolute time range (epoch milliseconds).
func absolute(a, b time.Time) map[string]any {
	return map[string]any{"type": "absolute", "value": map[string]any{"startTime": a.UnixMilli(), "endTime": b.UnixMilli()}}
}

// Query runs RQL on the endpoint its first word (or msticpy's querymetadata) names, reading
// pages until max_results rows or the last page. A failure after some rows, or an answer
// that says it holds more rows than it returned, gives the rows so far flagged partial.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	s, err := parse(req)
	if err != nil {
		return nil, err
	}
	c := &rows.Collector{}
	return remote.Finish("prismacloud", c, d.read(ctx, s, c))
}

// page describes where an endpoint's answer keeps its rows and next-page token.
type page struct {
	Items         []json.RawMessage `json:"items"`
	Value         []json.RawMessage `json:"value"`
	NextPageToken string            `json:"nextPageToken"`
	TotalRows     *int              `json:"totalRows"`
	Data          *struct {
		Items         []json.RawMessage `json:"items"`
		Nodes         []json.RawMessage `json:"nodes"`
		NextPageToken string            `json:"nextPageToken"`
		TotalRows     *int              `json:"totalRows"`
	} `json:"data"`
}

func (p page) rows(endpoint string) ([]json.RawMessage, string, *int) {
	switch endpoint {
	case Config:
		return p.Items, p.NextPageToken, p.TotalRows
	case Assets:
		return p.Value, p.NextPageToken, p.TotalRows
	}
	if p.Data == nil {
		return nil, p.NextPageToken, nil
	}
	tok := p.Data.NextPageToken
	if tok == "" {
		tok = p.NextPageToken
	}
	if endpoint == Network {
		return p.Data.Nodes, tok, p.Data.TotalRows
	}
	return p.Data.Items, tok, p.Data.TotalRows
}

// read sends the search and its next pages into c.
func (d *Driver) read(ctx context.Context, s search, c *rows.Collector) error {
	token := ""
	for {
		want := d.set.MaxResults - c.Len()
		path, body := d.request(s, token, min(want, d.set.PageSize))
		resp, err := d.post(ctx, path, body)
		if err != nil {
			return err
		}
		var p page
		if err := json.Unmarshal(resp.Body, &p); err != nil {
			return fmt.Errorf("%w: %v", remote.ErrMalformed, err)
		}
		items, next, total := p.rows(s.endpoint)
		if items == nil && p.Data == nil && p.Items == nil && p.Value == nil {
			return fmt.Errorf("%w: no %s rows in the answer", remote.ErrMalformed, s.endpoint)
		}
		for _, raw := range items {
			if c.Len() >= d.set.MaxResults {
				break
			}
			dec := jsontext.NewDecoder(bytes.NewReader(raw), rows.DecoderOptions...)
			if err := c.Object(dec, false); err != nil {
				return err
			}
			c.EndRow()
		}
		if c.Len() >= d.set.MaxResults {
			return nil
		}
		if next == "" || len(items) == 0 {
			if total != nil && *total > c.Len() {
				return fmt.Errorf("the answer ended at %d of its %d rows", c.Len(), *total)
			}
			return nil
		}
		token = next
	}
}

// request returns the path and body of a search page (token "" for the first).
func (d *Driver) request(s search, token string, limit int) (string, map[string]any) {
	body := map[string]any{"query": s.rql, "limit": limit}
	switch {
	case s.window != nil:
		body["timeRange"] = s.window
	case s.endpoint != Config: // the latest configuration needs no window; the others do
		body["timeRange"] = map[string]any{"type": "relative", "value": map[string]any{"unit": "day", "amount": 1}}
	}
	switch s.endpoint {
	case Config:
		body["withResourceJson"] = true
		if token != "" {
			return "/search/config/page", map[string]any{"pageToken": token, "limit": limit, "withResourceJson": true}
		}
		return "/search/api/v2/config", body
	case Assets:
		if token != "" {
			body["nextPageToken"] = token
		}
		return "/search/api/v1/asset", body
	case Network:
		body["saved"], body["default"] = false, false
		if token != "" {
			body["nextPageToken"] = token
		}
		return "/search", body
	}
	if token != "" {
		body["nextPageToken"] = token
	}
	return "/search/event", body
}
