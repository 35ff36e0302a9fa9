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

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
)

// Owner is an incident's assignee.
type Owner struct {
	ObjectID          string `json:"objectId,omitempty"`
	Email             string `json:"email,omitempty"`
	AssignedTo        string `json:"assignedTo,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// IncidentProperties are the documented incident properties huntkit reads and writes.
type IncidentProperties struct {
	Title                 string     `json:"title"`
	Description           string     `json:"description,omitempty"`
	Severity              string     `json:"severity"`
	Status                string     `json:"status"`
	Classification        string     `json:"classification,omitempty"`
	ClassificationReason  string     `json:"classificationReason,omitempty"`
	ClassificationComment string     `json:"classificationComment,omitempty"`
	Owner                 *Owner     `json:"owner,omitempty"`
	IncidentNumber        int64      `json:"incidentNumber,omitempty"`
	IncidentURL           string     `json:"incidentUrl,omitempty"`
	ProviderName          string     `json:"providerName,omitempty"`
	CreatedTimeUTC        *time.Time `json:"createdTimeUtc,omitempty"`
	LastModifiedTimeUTC   *time.Time `json:"lastModifiedTimeUtc,omitempty"`
	FirstActivityTimeUTC  *time.Time `json:"firstActivityTimeUtc,omitempty"`
	LastActivityTimeUTC   *time.Time `json:"lastActivityTimeUtc,omitempty"`
	Labels                []struct {
		LabelName string `json:"labelName"`
	} `json:"labels,omitempty"`
	AdditionalData *struct {
		AlertsCount    int64    `json:"alertsCount"`
		CommentsCount  int64    `json:"commentsCount"`
		BookmarksCount int64    `json:"bookmarksCount"`
		Tactics        []string `json:"tactics,omitempty"`
	} `json:"additionalData,omitempty"`
}

// Incident is one Sentinel incident (Name is its id in the API paths).
type Incident struct {
	ID         string             `json:"id,omitempty"`
	Name       string             `json:"name"`
	ETag       string             `json:"etag,omitempty"`
	Properties IncidentProperties `json:"properties"`
}

// IncidentFilter narrows an incident list (OData on the service side).
type IncidentFilter struct {
	Status   string // New, Active, Closed (comma-separated: any of them)
	Severity string // High, Medium, Low, Informational (comma-separated)
	Filter   string // a raw $filter, ANDed with the above
	OrderBy  string // default "properties/createdTimeUtc desc"
	Top      int    // at most this many incidents (0: all pages)
}

// odata builds the $filter of f.
func (f IncidentFilter) odata() string {
	var parts []string
	add := func(field, vals string) {
		var or []string
		for _, v := range strings.Split(vals, ",") {
			if v = strings.TrimSpace(v); v != "" {
				or = append(or, fmt.Sprintf("properties/%s eq '%s'", field, strings.ReplaceAll(v, "'", "''")))
			}
		}
		if len(or) > 0 {
			parts = append(parts, "("+strings.Join(or, " or ")+")")
		}
	}
	add("status", f.Status)
	add("severity", f.Severity)
	if strings.TrimSpace(f.Filter) != "" {
		parts = append(parts, "("+f.Filter+")")
	}
	return strings.Join(parts, " and ")
}

// Incidents lists incidents matching f, newest first; a page that fails after the first
// keeps the rows read and flags the Frame partial.
func (c *Client) Incidents(ctx context.Context, f IncidentFilter) (*frame.Frame, error) {
	q := url.Values{}
	if s := f.odata(); s != "" {
		q.Set("$filter", s)
	}
	q.Set("$orderby", "properties/createdTimeUtc desc")
	if f.OrderBy != "" {
		q.Set("$orderby", f.OrderBy)
	}
	if f.Top > 0 {
		q.Set("$top", fmt.Sprint(f.Top))
	}
	items, err := list[Incident](ctx, c, http.MethodGet, c.siURL("incidents", q), nil, f.Top)
	return partial(IncidentFrame(items), items, err)
}

// partial returns the frame alone, or the error alone when nothing was read, or the frame
// flagged partial when some pages were read before the error.
func partial[T any](f *frame.Frame, items []T, err error) (*frame.Frame, error) {
	if err == nil {
		return f, nil
	}
	if len(items) == 0 {
		return nil, err
	}
	return f.SetPartial(fmt.Errorf("listing stopped after %d items: %w", len(items), err)), nil
}

// IncidentFrame lays incidents out as rows.
func IncidentFrame(items []Incident) *frame.Frame {
	fields := []frame.Field{{Name: "IncidentId", Type: frame.String}, {Name: "IncidentNumber", Type: frame.Int},
		{Name: "Title", Type: frame.String}, {Name: "Severity", Type: frame.String}, {Name: "Status", Type: frame.String},
		{Name: "Owner", Type: frame.String}, {Name: "Classification", Type: frame.String},
		{Name: "Alerts", Type: frame.Int}, {Name: "Comments", Type: frame.Int},
		{Name: "CreatedTime", Type: frame.Time}, {Name: "LastModifiedTime", Type: frame.Time}, {Name: "ETag", Type: frame.String}}
	rows := make([][]any, len(items))
	for i, it := range items {
		p := it.Properties
		var alerts, comments any
		if p.AdditionalData != nil {
			alerts, comments = p.AdditionalData.AlertsCount, p.AdditionalData.CommentsCount
		}
		rows[i] = []any{it.Name, p.IncidentNumber, p.Title, p.Severity, p.Status, p.Owner.label(), nz(p.Classification),
			alerts, comments, tp(p.CreatedTimeUTC), tp(p.LastModifiedTimeUTC), it.ETag}
	}
	f, _ := frame.FromRows(fields, rows)
	return f
}

func (o *Owner) label() any {
	switch {
	case o == nil:
		return nil
	case o.UserPrincipalName != "":
		return o.UserPrincipalName
	case o.Email != "":
		return o.Email
	case o.AssignedTo != "":
		return o.AssignedTo
	}
	return nil
}

func nz(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func tp(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

// Incident reads one incident.
func (c *Client) Incident(ctx context.Context, id string) (*Incident, error) {
	var inc Incident
	if _, err := c.call(ctx, http.MethodGet, c.siURL("incidents/"+url.PathEscape(id), nil), nil, nil, &inc); err != nil {
		return nil, fmt.Errorf("incident %s: %w", id, err)
	}
	return &inc, nil
}

// IncidentChange is an update; empty fields keep their value.
type IncidentChange struct {
	Status, Severity, Owner                                     string // Owner: a UPN or e-mail; "-" unassigns
	Classification, ClassificationReason, ClassificationComment string
	Title                                                       string
	// ETag, when set, is the version the change was decided on; "" means the one just read.
	ETag string
}

// Empty reports whether the change sets nothing.
func (ch IncidentChange) Empty() bool {
	return ch.Status == "" && ch.Severity == "" && ch.Owner == "" && ch.Classification == "" &&
		ch.ClassificationReason == "" && ch.ClassificationComment == "" && ch.Title == ""
}

// ConflictError is a write refused because the incident changed since it was read: Current
// is the incident as it is now (re-read after the refusal), nothing was overwritten.
type ConflictError struct {
	ID      string
	Sent    string // the ETag the write carried
	Current *Incident
	Err     error
}

func (e *ConflictError) Error() string {
	now := ""
	if e.Current != nil {
		p := e.Current.Properties
		now = fmt.Sprintf("; it is now status %s, severity %s, owner %v, etag %s", p.Status, p.Severity, p.Owner.label(), e.Current.ETag)
	}
	return fmt.Sprintf("incident %s was changed by someone else since it was read (etag %s)%s; nothing was overwritten: read it again and retry", e.ID, e.Sent, now)
}

// Unwrap returns ErrConflict and the status error.
func (e *ConflictError) Unwrap() []error { return []error{ErrConflict, e.Err} }

// UpdateIncident applies ch with a PUT carrying the ETag (idempotent: it can be retried).
// A Closed status needs a classification, as the service requires. A 409/412 re-reads the
// incident and returns a *ConflictError with its current state.
func (c *Client) UpdateIncident(ctx context.Context, id string, ch IncidentChange) (*Incident, error) {
	if ch.Empty() {
		return nil, errors.New("incident update: nothing to change (give a status, severity, owner or classification)")
	}
	cur, err := c.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	etag := cur.ETag
	if ch.ETag != "" {
		etag = ch.ETag
	}
	p := cur.Properties
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.Status, canon(ch.Status, "New", "Active", "Closed"))
	set(&p.Severity, canon(ch.Severity, "High", "Medium", "Low", "Informational"))
	set(&p.Classification, canon(ch.Classification, "Undetermined", "TruePositive", "BenignPositive", "FalsePositive"))
	set(&p.ClassificationReason, ch.ClassificationReason)
	set(&p.ClassificationComment, ch.ClassificationComment)
	set(&p.Title, ch.Title)
	switch {
	case ch.Owner == "-":
		p.Owner = nil
	case ch.Owner != "":
		p.Owner = &Owner{UserPrincipalName: ch.Owner, AssignedTo: ch.Owner}
		if strings.Contains(ch.Owner, "@") {
			p.Owner.Email = ch.Owner
		}
	}
	if strings.EqualFold(p.Status, "Closed") && p.Classification == "" {
		return nil, errors.New("incident update: closing an incident needs --classification (TruePositive, BenignPositive, FalsePositive or Undetermined)")
	}
	body := map[string]any{"etag": etag, "properties": p}
	h := http.Header{"If-Match": {etag}}
	var out Incident
	if _, err := c.call(ctx, http.MethodPut, c.siURL("incidents/"+url.PathEscape(id), nil), body, h, &out); err != nil {
		if errors.Is(err, ErrConflict) {
			ce := &ConflictError{ID: id, Sent: etag, Err: err}
			ce.Current, _ = c.Incident(ctx, id)
			return nil, ce
		}
		return nil, fmt.Errorf("incident %s: %w", id, err)
	}
	return &out, nil
}

// canon returns the allowed value matching v case-insensitively, or v unchanged (the service
// then refuses it with its own message).
func canon(v string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return v
}

// Comment is an incident comment.
type Comment struct {
	Name       string `json:"name"`
	Properties struct {
		Message        string     `json:"message"`
		CreatedTimeUTC *time.Time `json:"createdTimeUtc,omitempty"`
		Author         *struct {
			Name              string `json:"name,omitempty"`
			Email             string `json:"email,omitempty"`
			UserPrincipalName string `json:"userPrincipalName,omitempty"`
		} `json:"author,omitempty"`
	} `json:"properties"`
}

// Comments lists an incident's comments.
func (c *Client) Comments(ctx context.Context, id string) (*frame.Frame, error) {
	items, err := list[Comment](ctx, c, http.MethodGet, c.siURL("incidents/"+url.PathEscape(id)+"/comments", nil), nil, 0)
	fields := []frame.Field{{Name: "CommentId", Type: frame.String}, {Name: "Message", Type: frame.String},
		{Name: "Author", Type: frame.String}, {Name: "CreatedTime", Type: frame.Time}}
	rows := make([][]any, len(items))
	for i, it := range items {
		var author any
		if a := it.Properties.Author; a != nil {
			author = nz(firstNonEmpty(a.UserPrincipalName, a.Email, a.Name))
		}
		rows[i] = []any{it.Name, it.Properties.Message, author, tp(it.Properties.CreatedTimeUTC)}
	}
	f, _ := frame.FromRows(fields, rows)
	if err != nil && len(items) == 0 {
		return nil, fmt.Errorf("incident %s comments: %w", id, err)
	}
	return partial(f, items, err)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// AddComment adds a comment under a client-generated id with a PUT, so a retry after a lost
// answer cannot add it twice. It returns the comment as stored.
func (c *Client) AddComment(ctx context.Context, id, message string) (*Comment, error) {
	if strings.TrimSpace(message) == "" {
		return nil, errors.New("incident comment: the text is empty")
	}
	cid := uuid.NewString()
	body := map[string]any{"properties": map[string]any{"message": message}}
	var out Comment
	if _, err := c.call(ctx, http.MethodPut, c.siURL("incidents/"+url.PathEscape(id)+"/comments/"+cid, nil), body, nil, &out); err != nil {
		return nil, fmt.Errorf("incident %s comment: %w", id, err)
	}
	return &out, nil
}

// Alerts lists the alerts of an incident (POST .../incidents/{id}/alerts, a read).
func (c *Client) Alerts(ctx context.Context, id string) (*frame.Frame, error) {
	var resp struct {
		Value []struct {
			Name       string         `json:"name"`
			Properties map[string]any `json:"properties"`
		} `json:"value"`
	}
	if _, err := c.call(ctx, http.MethodPost, c.siURL("incidents/"+url.PathEscape(id)+"/alerts", nil), map[string]any{}, nil, &resp); err != nil {
		return nil, fmt.Errorf("incident %s alerts: %w", id, err)
	}
	fields := []frame.Field{{Name: "AlertId", Type: frame.String}, {Name: "AlertName", Type: frame.String},
		{Name: "Severity", Type: frame.String}, {Name: "Status", Type: frame.String}, {Name: "ProductName", Type: frame.String},
		{Name: "Tactics", Type: frame.Dynamic}, {Name: "StartTime", Type: frame.Time}, {Name: "EndTime", Type: frame.Time},
		{Name: "CompromisedEntity", Type: frame.String}, {Name: "Description", Type: frame.String}}
	rows := make([][]any, len(resp.Value))
	for i, a := range resp.Value {
		p := a.Properties
		rows[i] = []any{a.Name, str(p["alertDisplayName"]), str(p["severity"]), str(p["status"]), str(p["productName"]),
			p["tactics"], when(p["startTimeUtc"]), when(p["endTimeUtc"]), str(p["compromisedEntity"]), str(p["description"])}
	}
	return frame.FromRows(fields, rows)
}

// Entities lists the entities of an incident (POST .../incidents/{id}/entities): kind,
// friendly name and every property as JSON.
func (c *Client) Entities(ctx context.Context, id string) (*frame.Frame, error) {
	var resp struct {
		Entities []struct {
			Kind       string         `json:"kind"`
			Name       string         `json:"name"`
			Properties map[string]any `json:"properties"`
		} `json:"entities"`
	}
	if _, err := c.call(ctx, http.MethodPost, c.siURL("incidents/"+url.PathEscape(id)+"/entities", nil), map[string]any{}, nil, &resp); err != nil {
		return nil, fmt.Errorf("incident %s entities: %w", id, err)
	}
	fields := []frame.Field{{Name: "EntityId", Type: frame.String}, {Name: "Kind", Type: frame.String},
		{Name: "FriendlyName", Type: frame.String}, {Name: "Properties", Type: frame.Dynamic}}
	rows := make([][]any, len(resp.Entities))
	for i, e := range resp.Entities {
		rows[i] = []any{e.Name, e.Kind, str(e.Properties["friendlyName"]), e.Properties}
	}
	return frame.FromRows(fields, rows)
}

// str returns a JSON string value or nil.
func str(v any) any {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	if v == nil {
		return nil
	}
	if _, ok := v.(string); ok {
		return nil
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// when parses an RFC 3339 JSON string, nil otherwise.
func when(v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return t.UTC()
}
