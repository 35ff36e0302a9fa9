package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// Query runs req: ES|QL (language "esql", or a query that starts with FROM, ROW or SHOW),
// query DSL (language "dsl"/"json", or a JSON object) or a Lucene query string (the
// default). Searches read every hit; a failure after some hits returns them with the
// Frame flagged partial (remote.ErrPartial).
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return nil, fmt.Errorf("elastic: empty query")
	}
	if d.set.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.set.Timeout)
		defer cancel()
	}
	lang := strings.ToLower(req.Language)
	switch {
	case lang == "esql" || lang == "es|ql" || (lang != "dsl" && lang != "json" && isESQL(text)):
		return d.esql(ctx, text, req)
	case lang == "dsl" || lang == "json" || strings.HasPrefix(text, "{"):
		return d.searchDSL(ctx, text, req)
	case lang == "" || lang == "lucene" || lang == "elastic" || lang == "kql_lucene":
		index, q := splitIndex(text, d.set.Index)
		body := map[string]any{"query": map[string]any{"query_string": map[string]any{"query": q}}}
		return d.search(ctx, index, body, req)
	}
	return nil, fmt.Errorf("elastic: unsupported query language %q (want lucene, dsl or esql)", req.Language)
}

// isESQL reports whether a query reads as ES|QL: its first word is a source command.
func isESQL(q string) bool {
	f := strings.Fields(q)
	if len(f) < 2 {
		return false
	}
	switch strings.ToUpper(f[0]) {
	case "FROM", "ROW", "SHOW", "METRICS", "TS":
		return !strings.Contains(f[0], ":")
	}
	return false
}

// splitIndex takes a leading "index=PATTERN" off a Lucene query.
func splitIndex(q, def string) (index, rest string) {
	if strings.HasPrefix(q, "index=") {
		f := strings.SplitN(q, " ", 2)
		index = strings.TrimPrefix(f[0], "index=")
		if len(f) == 2 {
			return index, strings.TrimSpace(f[1])
		}
		return index, "*"
	}
	return def, q
}

// searchDSL runs a query DSL body. A top-level "index" member (huntkit's, not
// Elasticsearch's) names the index pattern.
func (d *Driver) searchDSL(ctx context.Context, text string, req query.Request) (*frame.Frame, error) {
	var body map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("elastic: query DSL is not a JSON object: %v", err)
	}
	index := d.set.Index
	if v, ok := body["index"].(string); ok {
		index = v
		delete(body, "index")
	}
	if _, ok := body["query"]; !ok {
		body["query"] = map[string]any{"match_all": map[string]any{}}
	}
	return d.search(ctx, index, body, req)
}

// window wraps the query in a bool filter on the timestamp field when the request has a
// window.
func (d *Driver) window(body map[string]any, req query.Request) {
	if req.Start.IsZero() && req.End.IsZero() {
		return
	}
	rng := map[string]any{"format": "strict_date_optional_time"}
	if !req.Start.IsZero() {
		rng["gte"] = req.Start.UTC().Format(time.RFC3339Nano)
	}
	if !req.End.IsZero() {
		rng["lte"] = req.End.UTC().Format(time.RFC3339Nano)
	}
	body["query"] = map[string]any{"bool": map[string]any{
		"must":   []any{body["query"]},
		"filter": []any{map[string]any{"range": map[string]any{d.set.TimestampField: rng}}},
	}}
}

// search reads every hit of body over the index pattern: a point in time is opened, pages
// of PageSize hits are read in _shard_doc order with search_after, and the point in time is
// closed at the end.
func (d *Driver) search(ctx context.Context, index string, body map[string]any, req query.Request) (*frame.Frame, error) {
	d.window(body, req)
	pit, err := d.openPIT(ctx, index)
	if err != nil {
		return nil, err
	}
	defer func() { d.closePIT(pit) }()
	sort := []any{}
	if s, ok := body["sort"]; ok {
		if l, ok := s.([]any); ok {
			sort = append(sort, l...)
		} else {
			sort = append(sort, s)
		}
	}
	body["sort"] = append(sort, map[string]any{"_shard_doc": "asc"})
	body["size"] = d.set.PageSize
	body["track_total_hits"] = false
	c := &rows.Collector{}
	var after json.RawMessage
	for {
		body["pit"] = map[string]any{"id": pit, "keep_alive": d.set.KeepAlive}
		if after != nil {
			body["search_after"] = after
		}
		p, err := d.page(ctx, body, c)
		if err != nil {
			return remote.Finish("elastic", c, err)
		}
		if p.pit != "" {
			pit = p.pit
		}
		if p.incomplete != nil {
			return remote.Finish("elastic", c, p.incomplete)
		}
		if p.hits < d.set.PageSize || p.lastSort == nil {
			return remote.Finish("elastic", c, nil)
		}
		after = p.lastSort
	}
}

type pageResult struct {
	hits       int
	pit        string
	lastSort   json.RawMessage
	incomplete error // timed_out or failed shards: the page is kept, paging stops
}

// page runs one search request and reads its hits into c.
func (d *Driver) page(ctx context.Context, body map[string]any, c *rows.Collector) (pageResult, error) {
	var p pageResult
	b, err := json.Marshal(body)
	if err != nil {
		return p, err
	}
	res, err := d.es.Search(d.es.Search.WithContext(ctx), d.es.Search.WithBody(bytes.NewReader(b)))
	if err != nil {
		return p, remote.CtxErr(ctx, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return p, fail(res.StatusCode, res.Body)
	}
	dec := jsontext.NewDecoder(res.Body, rows.DecoderOptions...)
	if err := rows.Expect(dec, '{'); err != nil {
		return p, err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return p, remote.CtxErr(ctx, err)
		}
		switch name.String() {
		case "pit_id":
			v, err := dec.ReadToken()
			if err != nil {
				return p, remote.CtxErr(ctx, err)
			}
			p.pit = v.String()
		case "timed_out":
			v, err := dec.ReadToken()
			if err != nil {
				return p, remote.CtxErr(ctx, err)
			}
			if v.Kind() == 't' {
				p.incomplete = errors.New("the search timed out on the server")
			}
		case "_shards":
			v, err := dec.ReadValue()
			if err != nil {
				return p, remote.CtxErr(ctx, err)
			}
			var sh struct{ Failed int }
			if json.Unmarshal(v, &sh) == nil && sh.Failed > 0 {
				p.incomplete = fmt.Errorf("%d shards failed", sh.Failed)
			}
		case "hits":
			if err := d.hits(ctx, dec, c, &p); err != nil {
				return p, err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return p, remote.CtxErr(ctx, err)
			}
		}
	}
	return p, nil
}

// hits reads {"hits":[{_index,_id,_source,sort},...]}.
func (d *Driver) hits(ctx context.Context, dec *jsontext.Decoder, c *rows.Collector, p *pageResult) error {
	if err := rows.Expect(dec, '{'); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return remote.CtxErr(ctx, err)
		}
		if name.String() != "hits" {
			if err := dec.SkipValue(); err != nil {
				return remote.CtxErr(ctx, err)
			}
			continue
		}
		if err := rows.Expect(dec, '['); err != nil {
			return err
		}
		for dec.PeekKind() != ']' {
			if err := hit(dec, c, p); err != nil {
				return remote.CtxErr(ctx, err)
			}
			p.hits++
		}
		if _, err := dec.ReadToken(); err != nil {
			return remote.CtxErr(ctx, err)
		}
	}
	_, err := dec.ReadToken()
	return remote.CtxErr(ctx, err)
}

func hit(dec *jsontext.Decoder, c *rows.Collector, p *pageResult) error {
	if err := rows.Expect(dec, '{'); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch n := name.String(); n {
		case "_index", "_id":
			v, err := dec.ReadToken()
			if err != nil {
				return err
			}
			c.String(n, v.String())
		case "_source":
			if err := c.Object(dec, true); err != nil {
				return err
			}
		case "sort":
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			p.lastSort = append(p.lastSort[:0], v...)
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	c.EndRow()
	return nil
}

// openPIT opens a point in time over the index pattern.
func (d *Driver) openPIT(ctx context.Context, index string) (string, error) {
	res, err := d.es.OpenPointInTime(strings.Split(index, ","), d.set.KeepAlive, d.es.OpenPointInTime.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("elastic: open point in time: %w", remote.CtxErr(ctx, err))
	}
	defer res.Body.Close()
	if res.IsError() {
		return "", fmt.Errorf("elastic: open point in time on %s: %w", index, fail(res.StatusCode, res.Body))
	}
	var b struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&b); err != nil || b.ID == "" {
		return "", fmt.Errorf("elastic: open point in time: %w: no id in the answer", remote.ErrMalformed)
	}
	return b.ID, nil
}

// closePIT releases the point in time (best effort: it expires by itself after keep_alive).
func (d *Driver) closePIT(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, _ := json.Marshal(map[string]string{"id": id})
	res, err := d.es.ClosePointInTime(d.es.ClosePointInTime.WithContext(ctx), d.es.ClosePointInTime.WithBody(bytes.NewReader(b)))
	if err == nil {
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
	}
}
