// Package msgraph is the MSGraph environment (alias SecurityGraph): GET of Microsoft Graph
// paths with OData query options ($filter, $select, $top, $orderby, ...), following
// @odata.nextLink to the last page, each returned object one row (nested objects as
// dynamic values, ISO 8601 text as times). Its templates cover the security API's
// alerts_v2 and incidents.
//
// A query is a Graph path, e.g. security/alerts_v2?$filter=severity eq 'high'; without a
// version the path is under /v1.0. Paging stops at the max-rows option (then the result is
// flagged partial: more pages remained) or when a page fails after rows were read (the
// rows so far are kept and flagged partial). A 429's Retry-After is honoured (azcore's
// retry policy, up to a minute).
package msgraph

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/azapi"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name; Aliases its other names (msticpy's).
const Name = "MSGraph"

// Aliases are accepted in place of Name.
var Aliases = []string{"SecurityGraph"}

// sections are the DataProviders sections read for the sign-in, in order.
var sections = []string{"MicrosoftGraph", "SecurityGraphApp", "SecurityGraph"}

// MaxPages bounds the pages one query follows when no max-rows is given.
const MaxPages = 10000

// Errors a caller can test.
var (
	ErrQuery   = errors.New("Microsoft Graph query failed")
	ErrPartial = errors.New("partial result")
)

// Templates holds the built-in MSGraph templates (security alerts_v2 and incidents).
//
//go:embed queries/*.yaml
var Templates embed.FS

func init() {
	query.Register(query.Environment{
		Name: Name, Aliases: Aliases, Language: "odata", Dialect: query.DialectFor("odata"),
		Description: "Microsoft Graph (GET of Graph paths with OData filters; security alerts_v2 and incidents)",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool {
			for _, s := range sections {
				if c.IsSet("DataProviders." + s) {
					return true
				}
			}
			return false
		},
	})
	query.RegisterBuiltin(Templates, "queries")
}

// Driver reads Microsoft Graph.
type Driver struct {
	cred          *azauth.Credential
	client        *azapi.Client
	timeout       time.Duration
	maxRows       int
	failOnPartial bool

	mu       sync.Mutex
	warnings []error
}

// New reads the sign-in (DataProviders.MicrosoftGraph, else the Azure section) and the
// Graph endpoint (Azure.graph_endpoint, else the cloud's).
func New(_ context.Context, s query.Settings) (*Driver, error) {
	app, err := azapi.LoadApp(s.Config, sections, s.Options)
	if err != nil {
		return nil, err
	}
	svc, err := azapi.Graph(s.Config, app.Cloud)
	if err != nil {
		return nil, err
	}
	cred, err := azauth.New(app.Auth)
	if err != nil {
		return nil, err
	}
	client, err := azapi.NewClient(Name, svc, cred, app.Auth, 0)
	if err != nil {
		return nil, err
	}
	d := &Driver{cred: cred, client: client}
	if d.timeout, err = azapi.Timeout(s.Options, time.Hour); err != nil {
		return nil, err
	}
	if d.maxRows, err = azapi.MaxRows(s.Options); err != nil {
		return nil, err
	}
	d.failOnPartial, _ = strconv.ParseBool(strings.TrimSpace(s.Options[azapi.OptFailOnPartial]))
	return d, nil
}

// Endpoint returns the Graph base address.
func (d *Driver) Endpoint() string { return d.client.Service().Endpoint }

// Credential returns the sign-in chain.
func (d *Driver) Credential() *azauth.Credential { return d.cred }

// Connect signs in.
func (d *Driver) Connect(ctx context.Context) error {
	_, err := d.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{d.client.Service().Scope}})
	return err
}

// Warnings returns the partial-result warning of the last query.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.warnings...)
}

// Path turns a query text into a request path: /v1.0 added when no version is named,
// query options percent-encoded (names keep their $).
func Path(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", fmt.Errorf("%w: empty Graph path", ErrQuery)
	}
	if strings.HasPrefix(text, "https://") || strings.HasPrefix(text, "http://") {
		return "", fmt.Errorf("%w: give a Graph path (security/alerts_v2?...), not a full URL", ErrQuery)
	}
	p, q, _ := strings.Cut(text, "?")
	p = "/" + strings.Trim(strings.TrimSpace(p), "/")
	if !strings.HasPrefix(p, "/v1.0/") && !strings.HasPrefix(p, "/beta/") {
		p = "/v1.0" + p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	p = strings.Join(segs, "/")
	if strings.TrimSpace(q) == "" {
		return p, nil
	}
	var parts []string
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" {
			continue
		}
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil && strings.Contains(v, "%") {
			v = uv
		}
		parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
	}
	return p + "?" + strings.Join(parts, "&"), nil
}

// Query GETs the path of req.Text and follows @odata.nextLink to the end.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "odata" {
		return nil, fmt.Errorf("%s reads Graph paths with OData options, not %s", Name, req.Language)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	next, err := Path(req.Text)
	if err != nil {
		return nil, err
	}
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	c := &rows.Collector{InferText: true}
	var cause error
	seen := map[string]bool{}
	for page := 1; next != ""; page++ {
		if d.maxRows > 0 && c.Len() >= d.maxRows || page > MaxPages {
			cause = fmt.Errorf("%w: stopped after %d rows (%d pages); more pages remain (raise --max-rows)", ErrPartial, c.Len(), page-1)
			break
		}
		if seen[next] {
			cause = fmt.Errorf("%w: page %d repeats an earlier next link; stopped after %d rows", ErrPartial, page, c.Len())
			break
		}
		seen[next] = true
		data, err := d.client.Do(ctx, http.MethodGet, next, nil)
		cut := false
		if err == nil {
			next, cut, err = readPage(data, c, d.maxRows)
		}
		if err == nil && cut {
			cause = fmt.Errorf("%w: stopped at %d rows (--max-rows); more rows remain", ErrPartial, c.Len())
			break
		}
		if err != nil {
			if c.Len() == 0 || ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
				return nil, fmt.Errorf("%w: %w", ErrQuery, err)
			}
			cause = fmt.Errorf("%w: page %d failed after %d rows: %w", ErrPartial, page, c.Len(), err)
			break
		}
	}
	f, err := c.Frame()
	if err != nil {
		return nil, err
	}
	f = dropODataColumns(f)
	if cause != nil {
		if d.failOnPartial {
			return nil, fmt.Errorf("%w (--fail-on-partial)", cause)
		}
		f.SetPartial(cause)
		d.mu.Lock()
		d.warnings = append(d.warnings, cause)
		d.mu.Unlock()
	}
	return f, nil
}

// readPage adds a page's rows to c: the objects of "value", or the body itself for a
// single entity. It returns the next link ("" on the last page). With max > 0 it stops
// adding at max rows and reports cut when rows of the page were left.
func readPage(data []byte, c *rows.Collector, max int) (next string, cut bool, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return "", false, fmt.Errorf("%w: %v", remote.ErrMalformed, err)
	}
	if raw, ok := top["@odata.nextLink"]; ok {
		if err := json.Unmarshal(raw, &next); err != nil {
			return "", false, fmt.Errorf("%w: @odata.nextLink: %v", remote.ErrMalformed, err)
		}
	}
	raw, ok := top["value"]
	if !ok {
		if err := c.Object(jsontext.NewDecoder(bytes.NewReader(data), rows.DecoderOptions...), false); err != nil {
			return "", false, fmt.Errorf("%w: %v", remote.ErrMalformed, err)
		}
		c.EndRow()
		return "", false, nil
	}
	dec := jsontext.NewDecoder(bytes.NewReader(raw), rows.DecoderOptions...)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return "", false, fmt.Errorf("%w: value is not an array", remote.ErrMalformed)
	}
	for dec.PeekKind() != ']' {
		if max > 0 && c.Len() >= max {
			return next, true, nil
		}
		if err := c.Object(dec, false); err != nil {
			return "", false, fmt.Errorf("%w: row %d: %v", remote.ErrMalformed, c.Len()+1, err)
		}
		c.EndRow()
	}
	return next, false, nil
}

// dropODataColumns removes annotation columns (@odata.type, @odata.context, ...).
func dropODataColumns(f *frame.Frame) *frame.Frame {
	var keep []string
	for _, n := range f.Names() {
		if !strings.HasPrefix(n, "@odata.") {
			keep = append(keep, n)
		}
	}
	if len(keep) == len(f.Names()) {
		return f
	}
	out, err := f.Select(keep...)
	if err != nil {
		return f
	}
	return out
}
