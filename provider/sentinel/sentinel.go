// Package sentinel is the MSSentinel data environment (aliases AzureSentinel, LogAnalytics,
// ...): KQL on Microsoft Sentinel / Log Analytics workspaces through the Azure SDK's Log
// Analytics query client (azquery QueryWorkspace), signed in with package azauth.
//
// Workspaces come from AzureSentinel.Workspaces by name (Options["workspace-name"], default
// Default; several names separated by commas are queried one by one into one result whose
// Workspace column names each row's workspace), or from an Azure ML config.json in the
// current folder or its parent. Split and multi-workspace runs report progress through
// query.Settings.Progress. A result the service cut short (the
// partial-result error beside the tables) is kept and flagged: a warning, and the Frame is
// marked partial (exit 1); Options["fail-on-partial"] makes it an error.
package sentinel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name; Aliases are its other names (msticpy's).
const Name = "MSSentinel"

// Aliases are accepted in place of Name.
var Aliases = []string{"AzureSentinel", "LogAnalytics", "MSSentinel_New", "MSSentinel_Legacy", "MSSentinel_KQLM"}

// Option names in query.Settings.Options.
const (
	OptWorkspace     = "workspace-name" // workspace names from AzureSentinel.Workspaces, comma-separated
	OptAuth          = "auth"           // auth methods, comma-separated, overriding Azure.auth_methods
	OptFailOnPartial = "fail-on-partial"
	OptTimeout       = "timeout" // server timeout (Prefer: wait), e.g. 300s or 5m
	OptInteractive   = "interactive"
	OptSplit         = "split" // cut the window into chunks of this length (1d, 6h), run concurrently
)

func init() {
	query.Register(query.Environment{
		Name: Name, Aliases: Aliases, Language: "kql", Dialect: query.DialectFor("kql"),
		Description: "Microsoft Sentinel / Log Analytics workspaces (KQL through the Log Analytics query API)",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return len(c.Names("AzureSentinel.Workspaces")) > 0 },
	})
}

// Errors a caller can test.
var (
	ErrNoWorkspace error = missingError("no Log Analytics workspace configured")
	ErrPartial           = errors.New("partial result")
	ErrQuery             = errors.New("Log Analytics query failed")
)

// missingError marks a setting that is not present; it matches config.ErrMissing, so the
// command line reports a configuration error (exit 3).
type missingError string

func (e missingError) Error() string { return string(e) }
func (e missingError) Unwrap() error { return config.ErrMissing }

// Workspace is one workspace to query.
type Workspace struct {
	Name, ID, TenantID string
}

// Driver queries Log Analytics workspaces.
type Driver struct {
	workspaces    []Workspace
	endpoint      string // Log Analytics base URL (no /v1)
	cred          *azauth.Credential
	client        *azquery.LogsClient
	pipe          *azcore.Client // for the metadata API
	failOnPartial bool
	wait          int           // seconds; 0 = the service default
	split         time.Duration // chunk length; 0 = one query
	progress      func(string, int) query.Progress

	mu       sync.Mutex
	warnings []error
}

// New reads the workspaces and the sign-in settings. Nothing is contacted until Connect or
// the first query.
func New(_ context.Context, s query.Settings) (*Driver, error) {
	cfg := s.Config
	if cfg == nil {
		cfg, _ = config.Parse("", nil)
	}
	opt := func(k string) string { return strings.TrimSpace(s.Options[k]) }
	wss, err := Workspaces(cfg, opt(OptWorkspace))
	if err != nil {
		return nil, err
	}
	var methods []string
	if a := opt(OptAuth); a != "" {
		methods = []string{a}
	}
	as, err := azauth.FromConfig(cfg, wss[0].Name, methods)
	if err != nil {
		return nil, err
	}
	if as.TenantID == "" {
		as.TenantID = wss[0].TenantID
	}
	if wss[0].TenantID != "" && !cfg.IsSet("AzureSentinel.Workspaces."+wss[0].Name+".Args.TenantId") {
		as.TenantID = wss[0].TenantID
	}
	as.Interactive, _ = strconv.ParseBool(opt(OptInteractive))
	cred, err := azauth.New(as)
	if err != nil {
		return nil, err
	}
	d := &Driver{workspaces: wss, endpoint: as.Cloud.LogAnalytics, cred: cred, progress: s.Progress}
	d.failOnPartial, _ = strconv.ParseBool(opt(OptFailOnPartial))
	if t := opt(OptTimeout); t != "" {
		dur, err := parseTimeout(t)
		if err != nil {
			return nil, err
		}
		d.wait = int(dur.Seconds())
	}
	if sp := opt(OptSplit); sp != "" {
		if d.split, err = ParseSplit(sp); err != nil {
			return nil, err
		}
	}
	co, err := azauth.ClientOptions(as.Cloud, as.CAFile)
	if err != nil {
		return nil, err
	}
	co.Cloud.Services[azquery.ServiceNameLogs] = cloud.ServiceConfiguration{Audience: d.endpoint, Endpoint: d.endpoint + "/v1"}
	d.client, err = azquery.NewLogsClient(cred, &azquery.LogsClientOptions{ClientOptions: co})
	if err != nil {
		return nil, fmt.Errorf("Log Analytics client: %w", err)
	}
	d.pipe, err = azcore.NewClient("huntkit.sentinel", "v1.0.0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{d.endpoint + "/.default"}, nil)},
	}, &co)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func parseTimeout(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 10*time.Minute {
		return 0, fmt.Errorf("timeout %q: want seconds or a duration up to 10m", s)
	}
	return d, nil
}

// Credential returns the sign-in chain (for `huntkit auth status`).
func (d *Driver) Credential() *azauth.Credential { return d.cred }

// Workspaces returns the workspaces the driver queries, the first being the primary.
func (d *Driver) Workspaces() []Workspace { return append([]Workspace(nil), d.workspaces...) }

// Connect signs in (the first method that gives a Log Analytics token).
func (d *Driver) Connect(ctx context.Context) error {
	_, err := d.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{d.endpoint + "/.default"}})
	return err
}

// Warnings returns the partial-result warnings of the last query.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.warnings...)
}

// Query runs KQL on the workspaces. req.Start/End become the timespan when both are set;
// with a split length the window is queried in chunks, and several workspaces are queried
// one by one with a Workspace column naming each row's workspace (see queryJobs).
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "kql" && l != "kusto" {
		return nil, fmt.Errorf("%s runs KQL, not %s", Name, req.Language)
	}
	if len(d.workspaces) > 1 || (d.split > 0 && !req.Start.IsZero() && req.End.Sub(req.Start) > d.split) {
		return d.queryJobs(ctx, req)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	f, err := d.queryOnce(ctx, req, d.workspaces[0])
	if err != nil {
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
	return f, nil
}

// queryOnce runs one QueryWorkspace call on workspace w; a partial result comes back flagged.
func (d *Driver) queryOnce(ctx context.Context, req query.Request, w Workspace) (*frame.Frame, error) {
	body := azquery.Body{Query: &req.Text}
	if !req.Start.IsZero() && !req.End.IsZero() {
		ts := azquery.NewTimeInterval(req.Start.UTC(), req.End.UTC())
		body.Timespan = &ts
	}
	var opts *azquery.LogsClientQueryWorkspaceOptions
	if d.wait > 0 {
		wait := d.wait
		opts = &azquery.LogsClientQueryWorkspaceOptions{Options: &azquery.LogsQueryOptions{Wait: &wait}}
	}
	resp, err := d.client.QueryWorkspace(ctx, w.ID, body, opts)
	if err != nil {
		return nil, describe(err)
	}
	if len(resp.Tables) == 0 {
		if resp.Error != nil {
			return nil, fmt.Errorf("%w: %s", ErrQuery, errorInfo(resp.Error))
		}
		return nil, fmt.Errorf("%w: the response holds no table", ErrQuery)
	}
	f, err := FromTable(resp.Tables[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	if resp.Error != nil {
		f.SetPartial(fmt.Errorf("%w: %s", ErrPartial, errorInfo(resp.Error)))
	}
	return f, nil
}

// Workspaces resolves workspace names (comma-separated; "" = Default) from
// AzureSentinel.Workspaces, or, when the configuration defines none, the Azure ML
// config.json of the current folder or its parent.
func Workspaces(cfg *config.Config, names string) ([]Workspace, error) {
	if len(cfg.Names("AzureSentinel.Workspaces")) == 0 {
		if ws, path, ok := azureMLConfig(); ok {
			if names != "" && !strings.EqualFold(names, "Default") && !strings.EqualFold(names, ws.Name) {
				return nil, fmt.Errorf("%w: workspace %q: the configuration defines none and %s holds %q", ErrNoWorkspace, names, path, ws.Name)
			}
			return []Workspace{ws}, nil
		}
		return nil, fmt.Errorf("%w: add AzureSentinel.Workspaces (a Default workspace) to msticpyconfig.yaml, or put an Azure ML config.json in this folder", ErrNoWorkspace)
	}
	var out []Workspace
	for _, n := range strings.Split(names, ",") {
		w, err := cfg.Workspace(strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		if w.WorkspaceID == "" {
			return nil, fmt.Errorf("config: AzureSentinel.Workspaces.%s.WorkspaceId: %w", w.Name, config.ErrMissing)
		}
		out = append(out, Workspace{Name: w.Name, ID: w.WorkspaceID, TenantID: w.TenantID})
	}
	return out, nil
}

// azureMLConfig reads the config.json an Azure ML notebook folder holds (workspace_id,
// tenant_id, workspace_name, ...), as msticpy does.
func azureMLConfig() (Workspace, string, bool) {
	for _, dir := range []string{".", ".."} {
		p := filepath.Join(dir, "config.json")
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var c struct {
			WorkspaceID   string `json:"workspace_id"`
			TenantID      string `json:"tenant_id"`
			WorkspaceName string `json:"workspace_name"`
		}
		if json.Unmarshal(data, &c) != nil || c.WorkspaceID == "" {
			continue
		}
		name := c.WorkspaceName
		if name == "" {
			name = "Default"
		}
		return Workspace{Name: name, ID: c.WorkspaceID, TenantID: c.TenantID}, p, true
	}
	return Workspace{}, "", false
}
