// Package sentinelapi is a typed client for Microsoft Sentinel's workspace APIs
// (Microsoft.SecurityInsights through Azure Resource Manager): incidents with their comments,
// alerts and entities, bookmarks, watchlists, analytic rules and rule templates, hunting
// queries (the workspace's saved searches in the "Hunting Queries" category) and
// threat-intelligence indicators, plus the Log Analytics workspaces of a subscription.
//
// It speaks the documented REST shapes over azcore's pipeline (bearer token for the Resource
// Manager audience, azcore's retry policy with Retry-After). Writes are idempotent where the
// API allows it: updates are PUTs carrying the ETag (a 409 or 412 is re-read and reported as a
// *ConflictError, never overwritten), comments, bookmarks and watchlist items are PUTs to
// client-generated ids; the one non-idempotent call (createIndicator) is never retried.
// Lists come back as frame.Frame; single objects as typed values.
package sentinelapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
)

// API versions used (the current stable ones).
const (
	APIVersion          = "2025-09-01" // Microsoft.SecurityInsights
	WorkspaceAPIVersion = "2023-09-01" // Microsoft.OperationalInsights/workspaces
	SavedSearchVersion  = "2020-08-01" // Microsoft.OperationalInsights/workspaces/savedSearches
)

// HuntingCategory is the saved-search category of Sentinel's hunting queries.
const HuntingCategory = "Hunting Queries"

// Errors a caller can test.
var (
	ErrUnauthorized = errors.New("not signed in (401)")
	ErrForbidden    = errors.New("access denied (403)")
	ErrNotFound     = errors.New("not found (404)")
	ErrConflict     = errors.New("changed by someone else")
	ErrService      = errors.New("Sentinel API error")
	ErrMalformed    = errors.New("malformed response")
	ErrWorkspace    = errors.New("Sentinel workspace settings")
)

// Workspace names a Sentinel workspace in Resource Manager.
type Workspace struct {
	Name           string // the configuration's name (Default, ...)
	SubscriptionID string
	ResourceGroup  string
	WorkspaceName  string
	WorkspaceID    string
	TenantID       string
}

// Check reports a missing resource coordinate as one line naming the config key.
func (w Workspace) Check() error {
	for _, kv := range [][2]string{{"SubscriptionId", w.SubscriptionID}, {"ResourceGroup", w.ResourceGroup}, {"WorkspaceName", w.WorkspaceName}} {
		if strings.TrimSpace(kv[1]) == "" {
			return fmt.Errorf("%w: AzureSentinel.Workspaces.%s.%s is not set (the workspace APIs need SubscriptionId, ResourceGroup and WorkspaceName)", ErrWorkspace, w.Name, kv[0])
		}
	}
	return nil
}

// Client calls the Sentinel APIs of one workspace.
type Client struct {
	pl  runtime.Pipeline
	arm string // Resource Manager base URL without trailing slash
	ws  Workspace
}

// New builds a client for workspace ws at Resource Manager endpoint arm, signed in with cred.
// opts carries the transport (CA file) and retry settings.
func New(cred azcore.TokenCredential, arm string, ws Workspace, opts azcore.ClientOptions) (*Client, error) {
	if err := ws.Check(); err != nil {
		return nil, err
	}
	arm = strings.TrimRight(arm, "/")
	if arm == "" {
		return nil, fmt.Errorf("%w: no Resource Manager endpoint", ErrWorkspace)
	}
	c, err := azcore.NewClient("huntkit.sentinelapi", "v1.0.0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{arm + "/.default"}, nil)},
	}, &opts)
	if err != nil {
		return nil, fmt.Errorf("Sentinel API client: %w", err)
	}
	return &Client{pl: c.Pipeline(), arm: arm, ws: ws}, nil
}

// Workspace returns the workspace the client addresses.
func (c *Client) Workspace() Workspace { return c.ws }

func (c *Client) wsBase() string {
	return fmt.Sprintf("%s/subscriptions/%s/resourceGroups/%s/providers/Microsoft.OperationalInsights/workspaces/%s",
		c.arm, url.PathEscape(c.ws.SubscriptionID), url.PathEscape(c.ws.ResourceGroup), url.PathEscape(c.ws.WorkspaceName))
}

// siURL is a Microsoft.SecurityInsights path under the workspace with the API version and
// extra query values.
func (c *Client) siURL(path string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	q.Set("api-version", APIVersion)
	return c.wsBase() + "/providers/Microsoft.SecurityInsights/" + path + "?" + q.Encode()
}

// call sends one request and decodes a JSON answer into out (nil: ignore the body). A
// non-2xx status becomes a typed error.
func (c *Client) call(ctx context.Context, method, u string, body any, header http.Header, out any) (http.Header, error) {
	req, err := runtime.NewRequest(ctx, method, u)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v", ErrService, method, redact(u), err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Raw().Header[k] = v
	}
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(data)), "application/json"); err != nil {
			return nil, err
		}
	}
	resp, err := c.pl.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, redact(u), ctx.Err())
		}
		return nil, fmt.Errorf("%w: %s %s: %v", ErrService, method, redact(u), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: reading the answer: %v", ErrService, method, redact(u), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, statusError(method, u, resp.StatusCode, data)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, fmt.Errorf("%w: %s %s: %v", ErrMalformed, method, redact(u), err)
		}
	} else if out != nil && resp.StatusCode != http.StatusNoContent {
		return resp.Header, fmt.Errorf("%w: %s %s: empty body", ErrMalformed, method, redact(u))
	}
	return resp.Header, nil
}

// StatusError is a non-2xx answer: the status and the service's error code and message.
type StatusError struct {
	Method, URL string
	Status      int
	Code, Msg   string
}

func (e *StatusError) Error() string {
	msg := e.Msg
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.Status, strings.TrimSpace(msg))
}

// Unwrap maps the status to a sentinel error.
func (e *StatusError) Unwrap() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return ErrConflict
	}
	return ErrService
}

func statusError(method, u string, status int, body []byte) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	se := &StatusError{Method: method, URL: redact(u), Status: status}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		se.Code, se.Msg = e.Error.Code, e.Error.Message
	} else {
		se.Msg = http.StatusText(status)
	}
	return se
}

// redact drops the query string (api-version, filters) from a URL in messages.
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// page is the ARM list shape.
type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"nextLink"`
}

// list follows nextLink until there is none, limit items are read (0: all), or a link
// repeats. A failure after the first page keeps what was read: the items and the error
// come back together (the caller flags the result partial).
func list[T any](ctx context.Context, c *Client, method, u string, body any, limit int) ([]T, error) {
	var out []T
	seen := map[string]bool{}
	for u != "" {
		if seen[u] {
			return out, fmt.Errorf("%w: the service repeated a nextLink", ErrMalformed)
		}
		seen[u] = true
		var p page[T]
		if _, err := c.call(ctx, method, u, body, nil, &p); err != nil {
			return out, err
		}
		out = append(out, p.Value...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], nil
		}
		u = p.NextLink
		if u != "" && !strings.HasPrefix(strings.ToLower(u), strings.ToLower(c.arm)) {
			return out, fmt.Errorf("%w: nextLink %s is not on %s", ErrMalformed, redact(u), c.arm)
		}
	}
	return out, nil
}

// noRetry is a context whose requests azcore never retries (for non-idempotent POSTs).
func noRetry(ctx context.Context) context.Context {
	return policy.WithRetryOptions(ctx, policy.RetryOptions{MaxRetries: -1})
}
