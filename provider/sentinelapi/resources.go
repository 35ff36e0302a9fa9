package sentinelapi

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
)

// resource is the generic ARM resource shape the list calls read.
type resource struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Kind       string         `json:"kind,omitempty"`
	ETag       string         `json:"etag,omitempty"`
	Location   string         `json:"location,omitempty"`
	Properties map[string]any `json:"properties"`
}

// column picks one value out of a resource.
type column struct {
	field frame.Field
	get   func(r resource) any
}

func prop(name, key string, t frame.Type) column {
	return column{frame.Field{Name: name, Type: t}, func(r resource) any {
		v := r.Properties[key]
		switch t {
		case frame.String:
			return str(v)
		case frame.Time:
			return when(v)
		case frame.Bool:
			if b, ok := v.(bool); ok {
				return b
			}
			return nil
		case frame.Int:
			if f, ok := v.(float64); ok {
				return int64(f)
			}
			return nil
		}
		return v
	}}
}

func nameCol(label string) column {
	return column{frame.Field{Name: label, Type: frame.String}, func(r resource) any { return r.Name }}
}

func layout(items []resource, cols ...column) *frame.Frame {
	fields := make([]frame.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		row := make([]any, len(cols))
		for j, c := range cols {
			row[j] = c.get(it)
		}
		rows[i] = row
	}
	f, _ := frame.FromRows(fields, rows)
	return f
}

func (c *Client) listFrame(ctx context.Context, what, u string, cols ...column) (*frame.Frame, error) {
	items, err := list[resource](ctx, c, http.MethodGet, u, nil, 0)
	if err != nil && len(items) == 0 {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return partial(layout(items, cols...), items, err)
}

// Workspaces lists the Log Analytics workspaces of the client's subscription.
func (c *Client) Workspaces(ctx context.Context) (*frame.Frame, error) {
	u := fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.OperationalInsights/workspaces?api-version=%s",
		c.arm, url.PathEscape(c.ws.SubscriptionID), WorkspaceAPIVersion)
	return c.listFrame(ctx, "workspaces", u, nameCol("WorkspaceName"),
		prop("WorkspaceId", "customerId", frame.String),
		column{frame.Field{Name: "ResourceGroup", Type: frame.String}, func(r resource) any { return nz(resourceGroup(r.ID)) }},
		column{frame.Field{Name: "Location", Type: frame.String}, func(r resource) any { return nz(r.Location) }},
		prop("RetentionInDays", "retentionInDays", frame.Int),
		column{frame.Field{Name: "ResourceId", Type: frame.String}, func(r resource) any { return r.ID }})
}

// resourceGroup reads the resource group out of an ARM id.
func resourceGroup(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// Bookmarks lists the workspace's bookmarks.
func (c *Client) Bookmarks(ctx context.Context) (*frame.Frame, error) {
	return c.listFrame(ctx, "bookmarks", c.siURL("bookmarks", nil), nameCol("BookmarkId"),
		prop("DisplayName", "displayName", frame.String), prop("Query", "query", frame.String),
		prop("QueryResult", "queryResult", frame.String), prop("Notes", "notes", frame.String),
		prop("Labels", "labels", frame.Dynamic), prop("EventTime", "eventTime", frame.Time),
		prop("Created", "created", frame.Time))
}

// Bookmark is a bookmark to create.
type Bookmark struct {
	DisplayName string
	Query       string
	// Row is the query result row the bookmark keeps (stored as JSON in queryResult).
	Row       map[string]any
	Notes     string
	Labels    []string
	EventTime time.Time
}

// CreateBookmark stores b under a client-generated id with a PUT (a retry cannot create it
// twice) and returns the id.
func (c *Client) CreateBookmark(ctx context.Context, b Bookmark) (string, error) {
	if strings.TrimSpace(b.DisplayName) == "" || strings.TrimSpace(b.Query) == "" {
		return "", errors.New("bookmark: a display name and the query are required")
	}
	p := map[string]any{"displayName": b.DisplayName, "query": b.Query}
	if b.Row != nil {
		data, err := jsonText(b.Row)
		if err != nil {
			return "", fmt.Errorf("bookmark: the result row: %w", err)
		}
		p["queryResult"] = data
	}
	if b.Notes != "" {
		p["notes"] = b.Notes
	}
	if len(b.Labels) > 0 {
		p["labels"] = b.Labels
	}
	if !b.EventTime.IsZero() {
		p["eventTime"] = b.EventTime.UTC().Format(time.RFC3339Nano)
	}
	id := uuid.NewString()
	if _, err := c.call(ctx, http.MethodPut, c.siURL("bookmarks/"+id, nil), map[string]any{"properties": p}, nil, &resource{}); err != nil {
		return "", fmt.Errorf("bookmark: %w", err)
	}
	return id, nil
}

// RowOf returns row i of f as a map (times in RFC 3339), for a bookmark or a watchlist item.
func RowOf(f *frame.Frame, i int) map[string]any {
	out := map[string]any{}
	for _, col := range f.Columns() {
		if col.IsNull(i) {
			continue
		}
		if col.Type() == frame.Time {
			out[col.Name()] = col.Time(i).UTC().Format(time.RFC3339Nano)
			continue
		}
		out[col.Name()] = col.Value(i)
	}
	return out
}

// Watchlists lists the workspace's watchlists.
func (c *Client) Watchlists(ctx context.Context) (*frame.Frame, error) {
	return c.listFrame(ctx, "watchlists", c.siURL("watchlists", nil), nameCol("Alias"),
		prop("DisplayName", "displayName", frame.String), prop("SearchKey", "itemsSearchKey", frame.String),
		prop("Provider", "provider", frame.String), prop("Description", "description", frame.String),
		prop("Created", "created", frame.Time), prop("Updated", "updated", frame.Time))
}

// WatchlistItems lists the items of a watchlist: ItemId and each key of the item.
func (c *Client) WatchlistItems(ctx context.Context, alias string) (*frame.Frame, error) {
	items, err := list[resource](ctx, c, http.MethodGet, c.siURL("watchlists/"+url.PathEscape(alias)+"/watchlistItems", nil), nil, 0)
	if err != nil && len(items) == 0 {
		return nil, fmt.Errorf("watchlist %s: %w", alias, err)
	}
	recs := make([]map[string]any, len(items))
	for i, it := range items {
		rec := map[string]any{"ItemId": it.Name}
		if kv, ok := it.Properties["itemsKeyValue"].(map[string]any); ok {
			for k, v := range kv {
				rec[k] = v
			}
		}
		recs[i] = rec
	}
	f, ferr := frame.FromRecords(recs)
	if ferr != nil {
		return nil, fmt.Errorf("watchlist %s: %w", alias, ferr)
	}
	return partial(f, items, err)
}

// CreateWatchlist creates (or replaces) watchlist alias from f, whose column searchKey is
// the lookup key; the items are sent as CSV in rawContent, as the API documents.
func (c *Client) CreateWatchlist(ctx context.Context, alias, displayName, searchKey string, f *frame.Frame) error {
	if alias == "" || searchKey == "" || f == nil {
		return errors.New("watchlist: an alias, a search key and the items are required")
	}
	if f.Col(searchKey) == nil {
		return fmt.Errorf("watchlist %s: the search key %q is not a column (columns: %s)", alias, searchKey, strings.Join(f.Names(), ", "))
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(f.Names())
	for i := 0; i < f.Len(); i++ {
		rec := make([]string, 0, len(f.Columns()))
		for _, col := range f.Columns() {
			switch {
			case col.IsNull(i):
				rec = append(rec, "")
			case col.Type() == frame.Time:
				rec = append(rec, col.Time(i).UTC().Format(time.RFC3339Nano))
			default:
				rec = append(rec, fmt.Sprint(col.Value(i)))
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if displayName == "" {
		displayName = alias
	}
	body := map[string]any{"properties": map[string]any{"displayName": displayName, "provider": "huntkit", "source": "huntkit",
		"itemsSearchKey": searchKey, "rawContent": b.String(), "contentType": "text/csv", "numberOfLinesToSkip": 0}}
	if _, err := c.call(ctx, http.MethodPut, c.siURL("watchlists/"+url.PathEscape(alias), nil), body, nil, &resource{}); err != nil {
		return fmt.Errorf("watchlist %s: %w", alias, err)
	}
	return nil
}

// AddWatchlistItem adds an item under a client-generated id (PUT) and returns the id.
func (c *Client) AddWatchlistItem(ctx context.Context, alias string, item map[string]any) (string, error) {
	if len(item) == 0 {
		return "", errors.New("watchlist item: no values")
	}
	id := uuid.NewString()
	body := map[string]any{"properties": map[string]any{"itemsKeyValue": item}}
	if _, err := c.call(ctx, http.MethodPut, c.siURL("watchlists/"+url.PathEscape(alias)+"/watchlistItems/"+id, nil), body, nil, &resource{}); err != nil {
		return "", fmt.Errorf("watchlist %s item: %w", alias, err)
	}
	return id, nil
}

// DeleteWatchlistItem deletes an item (idempotent).
func (c *Client) DeleteWatchlistItem(ctx context.Context, alias, itemID string) error {
	u := c.siURL("watchlists/"+url.PathEscape(alias)+"/watchlistItems/"+url.PathEscape(itemID), nil)
	if _, err := c.call(ctx, http.MethodDelete, u, nil, nil, nil); err != nil {
		return fmt.Errorf("watchlist %s item %s: %w", alias, itemID, err)
	}
	return nil
}

var ruleCols = []column{nameCol("RuleId"),
	{frame.Field{Name: "Kind", Type: frame.String}, func(r resource) any { return nz(r.Kind) }},
	prop("DisplayName", "displayName", frame.String), prop("Severity", "severity", frame.String),
	prop("Enabled", "enabled", frame.Bool), prop("Tactics", "tactics", frame.Dynamic),
	prop("QueryFrequency", "queryFrequency", frame.String), prop("QueryPeriod", "queryPeriod", frame.String),
	prop("Query", "query", frame.String)}

// AlertRules lists the analytic rules.
func (c *Client) AlertRules(ctx context.Context) (*frame.Frame, error) {
	return c.listFrame(ctx, "alert rules", c.siURL("alertRules", nil), ruleCols...)
}

// AlertRuleTemplates lists the analytic rule templates.
func (c *Client) AlertRuleTemplates(ctx context.Context) (*frame.Frame, error) {
	return c.listFrame(ctx, "alert rule templates", c.siURL("alertRuleTemplates", nil), ruleCols...)
}

// Rule is one analytic rule or template: what is needed to show and run its query.
type Rule struct {
	ID, Kind, DisplayName, Severity, Query, QueryPeriod string
}

// AlertRule reads a rule (template: read a rule template instead).
func (c *Client) AlertRule(ctx context.Context, id string, template bool) (*Rule, error) {
	path := "alertRules/"
	if template {
		path = "alertRuleTemplates/"
	}
	var r resource
	if _, err := c.call(ctx, http.MethodGet, c.siURL(path+url.PathEscape(id), nil), nil, nil, &r); err != nil {
		return nil, fmt.Errorf("rule %s: %w", id, err)
	}
	s := func(k string) string { v, _ := r.Properties[k].(string); return v }
	return &Rule{ID: r.Name, Kind: r.Kind, DisplayName: s("displayName"), Severity: s("severity"), Query: s("query"), QueryPeriod: s("queryPeriod")}, nil
}

// HuntingQueries lists the workspace's saved searches in the "Hunting Queries" category.
func (c *Client) HuntingQueries(ctx context.Context) (*frame.Frame, error) {
	u := c.wsBase() + "/savedSearches?api-version=" + SavedSearchVersion
	var p page[resource]
	if _, err := c.call(ctx, http.MethodGet, u, nil, nil, &p); err != nil {
		return nil, fmt.Errorf("hunting queries: %w", err)
	}
	var items []resource
	for _, r := range p.Value {
		if strings.EqualFold(fmt.Sprint(r.Properties["category"]), HuntingCategory) {
			items = append(items, r)
		}
	}
	return layout(items, nameCol("QueryId"), prop("DisplayName", "displayName", frame.String),
		column{frame.Field{Name: "Tactics", Type: frame.String}, func(r resource) any { return nz(tag(r, "tactics")) }},
		column{frame.Field{Name: "Description", Type: frame.String}, func(r resource) any { return nz(tag(r, "description")) }},
		prop("Query", "query", frame.String)), nil
}

// tag returns the value of a saved search's tag (case-insensitive name).
func tag(r resource, name string) string {
	tags, _ := r.Properties["tags"].([]any)
	for _, t := range tags {
		m, _ := t.(map[string]any)
		if n, _ := m["name"].(string); strings.EqualFold(n, name) {
			v, _ := m["value"].(string)
			return v
		}
	}
	return ""
}

// HuntingQuery returns the KQL of one hunting query, by id or display name.
func (c *Client) HuntingQuery(ctx context.Context, idOrName string) (name, kql string, err error) {
	f, err := c.HuntingQueries(ctx)
	if err != nil {
		return "", "", err
	}
	ids, names, qs := f.Col("QueryId"), f.Col("DisplayName"), f.Col("Query")
	for i := 0; i < f.Len(); i++ {
		if strings.EqualFold(ids.Str(i), idOrName) || strings.EqualFold(names.Str(i), idOrName) {
			return names.Str(i), qs.Str(i), nil
		}
	}
	return "", "", fmt.Errorf("hunting query %q: %w (list them with 'huntkit sentinel hunting list')", idOrName, ErrNotFound)
}
