package sentinel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

// SearchName is msticpy's MSSentinelSearch environment: KQL on Basic and Auxiliary tables
// through the Log Analytics search API (POST /v1/workspaces/{id}/search), which needs a window.
const SearchName = "MSSentinelSearch"

// ErrNoWindow is returned when a search has no start and end.
var ErrNoWindow = errors.New("a search needs a time window")

func init() {
	query.Register(query.Environment{
		Name: SearchName, Language: "kql", Dialect: query.DialectFor("kql"),
		Description: "Microsoft Sentinel Basic and Auxiliary tables (KQL through the Log Analytics search API)",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			d, err := New(ctx, s)
			if err != nil {
				return nil, err
			}
			return &SearchDriver{Driver: d}, nil
		},
		Configured: func(c *config.Config) bool { return len(c.Names("AzureSentinel.Workspaces")) > 0 },
	})
}

// SearchDriver runs KQL through the search API of the workspaces (sign-in, workspaces,
// timeout, fail-on-partial and schema as Driver).
type SearchDriver struct {
	*Driver
}

// Query searches each workspace in req's window (required: --start/--end, or a template's
// start and end); several workspaces give one result with a Workspace column.
func (d *SearchDriver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "kql" && l != "kusto" {
		return nil, fmt.Errorf("%s runs KQL, not %s", SearchName, req.Language)
	}
	if req.Start.IsZero() || req.End.IsZero() {
		return nil, fmt.Errorf("%w: give --start and --end (or a template with start and end parameters)", ErrNoWindow)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	parts := make([]*frame.Frame, 0, len(d.workspaces))
	for _, w := range d.workspaces {
		f, err := d.search(ctx, req, w)
		if err != nil {
			if len(d.workspaces) > 1 {
				return nil, fmt.Errorf("workspace %s: %w", w.Name, err)
			}
			return nil, err
		}
		if p := f.Partial(); p != nil {
			if d.failOnPartial {
				return nil, fmt.Errorf("%w (%d rows returned; --fail-on-partial)", p, f.Len())
			}
			d.mu.Lock()
			d.warnings = append(d.warnings, p)
			d.mu.Unlock()
		}
		if len(d.workspaces) > 1 {
			names := make([]string, f.Len())
			for i := range names {
				names[i] = w.Name
			}
			if f.Col("Workspace") != nil {
				f = f.Drop("Workspace")
			}
			f, err = frame.New(append([]*frame.Column{frame.NewStrings("Workspace", names)}, f.Columns()...)...)
			if err != nil {
				return nil, err
			}
		}
		parts = append(parts, f)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return frame.Concat(parts...)
}

// search posts one search to workspace w.
func (d *SearchDriver) search(ctx context.Context, req query.Request, w Workspace) (*frame.Frame, error) {
	u := d.endpoint + "/v1/workspaces/" + url.PathEscape(w.ID) + "/search"
	r, err := runtime.NewRequest(ctx, http.MethodPost, u)
	if err != nil {
		return nil, err
	}
	body := map[string]string{"query": req.Text, "start": req.Start.UTC().Format(time.RFC3339Nano), "end": req.End.UTC().Format(time.RFC3339Nano)}
	if err := runtime.MarshalAsJSON(r, body); err != nil {
		return nil, err
	}
	if d.wait > 0 {
		r.Raw().Header.Set("Prefer", fmt.Sprintf("wait=%d", d.wait))
	}
	resp, err := d.pipe.Pipeline().Do(r)
	if err != nil {
		return nil, describe(err)
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, describe(runtime.NewResponseError(resp))
	}
	var res azquery.Results
	if err := runtime.UnmarshalAsJSON(resp, &res); err != nil {
		return nil, fmt.Errorf("%w: search: malformed body: %s", ErrQuery, firstLine(err.Error(), 200))
	}
	if len(res.Tables) == 0 {
		if res.Error != nil {
			return nil, fmt.Errorf("%w: %s", ErrQuery, errorInfo(res.Error))
		}
		return nil, fmt.Errorf("%w: the response holds no table", ErrQuery)
	}
	f, err := FromTable(res.Tables[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	if res.Error != nil {
		f.SetPartial(fmt.Errorf("%w: %s", ErrPartial, errorInfo(res.Error)))
	}
	return f, nil
}
