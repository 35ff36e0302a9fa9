package cybereason

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// ErrSearch marks a query Cybereason refused or failed (status FAILURE).
var ErrSearch = errors.New("cybereason query failed")

// answer is a visual-search response.
type answer struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Data    *struct {
		TotalResults    int             `json:"totalResults"`
		PaginationToken string          `json:"paginationToken"`
		Results         json.RawMessage `json:"resultIdToElementDataMap"`
	} `json:"data"`
}

// Query runs a visual-search query (a JSON object: queryPath, customFields, ...; the
// driver's defaults fill what it leaves out) and reads every page up to max_results. A
// failure after some rows, a PARTIAL_SUCCESS answer, or paging that ends before the total
// the server announced returns the rows so far with the Frame flagged partial.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	var q map[string]any
	if err := json.Unmarshal([]byte(req.Text), &q); err != nil {
		return nil, fmt.Errorf("cybereason: the query is not a JSON object: %w", err)
	}
	body := map[string]any{"queryPath": []any{}, "totalResultLimit": d.set.MaxResults, "perGroupLimit": 100,
		"perFeatureLimit": 100, "templateContext": "SPECIFIC", "customFields": []any{}}
	if d.set.Conn.Timeout > 0 {
		body["queryTimeout"] = d.set.Conn.Timeout.Milliseconds()
	}
	for k, v := range q {
		body[k] = v
	}
	c := &rows.Collector{}
	seen := map[string]bool{}
	first, err := d.page(ctx, body, -1, "", c, seen)
	if err != nil {
		return remote.Finish("cybereason", c, err)
	}
	want := min(first.total, d.set.MaxResults)
	warn := first.warn
	if c.Len() < want && first.token != "" {
		// The first answer (no token) may hold fewer than a page; pages are read from 0
		// with the token, as msticpy does, and results already seen are skipped.
		for p := 0; c.Len() < want; p++ {
			before := c.Len()
			pg, err := d.page(ctx, body, p, first.token, c, seen)
			if err != nil {
				return remote.Finish("cybereason", c, err)
			}
			if pg.warn != nil {
				warn = pg.warn
			}
			if pg.n == 0 || (c.Len() == before && p > want/d.set.PageSize) {
				break
			}
		}
	}
	if warn == nil && c.Len() < want {
		warn = fmt.Errorf("paging ended at %d of the %d results announced", c.Len(), want)
	}
	return remote.Finish("cybereason", c, warn)
}

type pageResult struct {
	n     int // results in the page
	total int
	token string
	warn  error // PARTIAL_SUCCESS
}

// page sends one page (p < 0: the first query, without a token) and adds its new results.
func (d *Driver) page(ctx context.Context, body map[string]any, p int, token string, c *rows.Collector, seen map[string]bool) (pageResult, error) {
	b := make(map[string]any, len(body)+1)
	for k, v := range body {
		b[k] = v
	}
	h := http.Header{}
	params := url.Values{"page": {"0"}, "itemsPerPage": {strconv.Itoa(d.set.PageSize)}}
	if p < 0 {
		b["pagination"] = map[string]any{"pageSize": d.set.PageSize}
	} else {
		b["pagination"] = map[string]any{"pageSize": d.set.PageSize, "page": p + 1, "paginationToken": token, "skip": p * d.set.PageSize}
		h.Set("Pagination-Token", token)
		params.Set("page", strconv.Itoa(p))
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return pageResult{}, err
	}
	resp, err := d.post(ctx, raw, h, params)
	if err != nil {
		return pageResult{}, err
	}
	var a answer
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		return pageResult{}, fmt.Errorf("%w: %v", remote.ErrMalformed, err)
	}
	var pr pageResult
	switch strings.ToUpper(a.Status) {
	case "SUCCESS":
	case "PARTIAL_SUCCESS":
		pr.warn = fmt.Errorf("the server answered PARTIAL_SUCCESS: %s", a.Message)
	default:
		return pr, fmt.Errorf("%w: status %q: %s", ErrSearch, a.Status, a.Message)
	}
	if a.Data == nil {
		return pr, fmt.Errorf("%w: no data in the answer", remote.ErrMalformed)
	}
	pr.total, pr.token = a.Data.TotalResults, a.Data.PaginationToken
	pr.n, err = addResults(a.Data.Results, c, seen)
	return pr, err
}

// addResults flattens resultIdToElementDataMap into rows, in the order the server sent
// them, skipping results already read.
func addResults(raw json.RawMessage, c *rows.Collector, seen map[string]bool) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, fmt.Errorf("%w: resultIdToElementDataMap is not an object", remote.ErrMalformed)
	}
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n, fmt.Errorf("%w: %v", remote.ErrMalformed, err)
		}
		id, _ := tok.(string)
		var e map[string]any
		if err := dec.Decode(&e); err != nil {
			return n, fmt.Errorf("%w: result %s: %v", remote.ErrMalformed, id, err)
		}
		n++
		if seen[id] {
			continue
		}
		seen[id] = true
		row := map[string]any{}
		flatten(e, "", row)
		keys := make([]string, 0, len(row))
		for k := range row {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := row[k].(type) {
			case time.Time:
				c.Time(k, v)
			default:
				c.Value(k, v)
			}
		}
		c.String("resultId", id)
		c.EndRow()
	}
	return n, nil
}

// counters are the element fields msticpy keeps as they are.
var counters = []string{"totalSuspicious", "totalMalicious", "suspicions", "isMalicious", "suspicionCount",
	"malopPriority", "malicious", "suspect"}

// flatten writes one element's fields into row under prefix.
func flatten(e map[string]any, prefix string, row map[string]any) {
	if sv, ok := e["simpleValues"].(map[string]any); ok {
		for name, x := range sv {
			m, _ := x.(map[string]any)
			vals, _ := m["values"].([]any)
			row[prefix+name] = simple(name, vals)
		}
	}
	switch ev := e["elementValues"].(type) {
	case []any:
		for _, x := range ev {
			m, _ := x.(map[string]any)
			t, _ := m["elementType"].(string)
			if t == "" {
				continue
			}
			row[prefix+t] = m["name"]
			row[prefix+t+".guid"] = m["guid"]
		}
	case map[string]any:
		for name, x := range ev {
			if m, ok := x.(map[string]any); ok {
				flatten(m, prefix+name+".", row)
			}
		}
	}
	for _, k := range counters {
		if v, ok := e[k]; ok {
			row[prefix+k] = v
		}
	}
}

// simple turns a simple value's list into one value (or a list of distinct values), times
// (names holding "Time", epoch milliseconds) as times and text without trailing NULs.
func simple(name string, vals []any) any {
	conv := func(v any) any {
		s, ok := v.(string)
		if !ok {
			return v
		}
		if strings.Contains(name, "Time") {
			if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
				return time.UnixMilli(ms).UTC()
			}
		}
		return strings.TrimRight(strings.TrimSpace(s), "\x00")
	}
	if len(vals) == 1 {
		return conv(vals[0])
	}
	seen := map[string]bool{}
	out := make([]any, 0, len(vals))
	for _, v := range vals {
		k := fmt.Sprint(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		x := conv(v)
		if t, ok := x.(time.Time); ok {
			x = t.Format(time.RFC3339Nano)
		}
		out = append(out, x)
	}
	return out
}
