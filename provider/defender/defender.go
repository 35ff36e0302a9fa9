// Package defender is the Microsoft Defender advanced hunting environments: MDE (alias
// MDATP; Defender for Endpoint's POST /api/advancedqueries/run), M365D (Defender XDR's POST
// /api/advancedhunting/run) and M365DGraph (alias GraphHunting; Microsoft Graph's POST
// /v1.0/security/runHuntingQuery). Each sends KQL, receives a schema and rows, and returns
// a Frame typed from the schema (DateTime, Int64, Double, Boolean, Object, String, ...).
//
// Sign-in is package azauth's, with the tenant and application from msticpy's
// DataProviders sections (MicrosoftDefender, MDATPApp, M365D, M365DGraph, MicrosoftGraph)
// or else the Azure section. The documented limits are kept: at most 45 calls a minute per
// tenant (a client-side rate shared by every query of the process), 100,000 rows a
// result (a result of exactly that many rows is flagged partial: the service cuts there
// without saying so), a 429's Retry-After honoured.
package defender

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/azapi"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Environment names and aliases (msticpy's).
const (
	MDE        = "MDE"
	M365D      = "M365D"
	M365DGraph = "M365DGraph"
)

// Documented limits of the advanced hunting APIs.
const (
	// MaxRows is the most rows one query returns.
	MaxRows = 100000
	// CallsPerMinute is the per-tenant call rate.
	CallsPerMinute = 45
	// MaxTimeout is the longest a single request may run (Defender XDR's 10 minutes; MDE
	// stops a request after 200 s on its own).
	MaxTimeout = 10 * time.Minute
)

// Errors a caller can test.
var (
	ErrQuery   = errors.New("advanced hunting query failed")
	ErrPartial = errors.New("partial result")
)

// api describes one of the three environments.
type api struct {
	name     string
	aliases  []string
	desc     string
	sections []string // DataProviders sections, in order of preference
	service  func(cfg *config.Config, cloud string) (azapi.Service, error)
	path     string
	graph    bool // Graph's body and response shape (lower-case names, Timespan)
}

var apis = []api{
	{name: MDE, aliases: []string{"MDATP"}, desc: "Microsoft Defender for Endpoint advanced hunting (KQL through /api/advancedqueries/run)",
		sections: []string{"MicrosoftDefender", "MDATPApp", "MDE", "MDATP"}, service: azapi.MDE, path: "/api/advancedqueries/run"},
	{name: M365D, desc: "Microsoft Defender XDR advanced hunting (KQL through /api/advancedhunting/run)",
		sections: []string{"M365D", "MicrosoftDefender", "MDATPApp"}, service: azapi.M365D, path: "/api/advancedhunting/run"},
	{name: M365DGraph, aliases: []string{"GraphHunting"}, desc: "Microsoft Defender XDR advanced hunting through Microsoft Graph (security/runHuntingQuery)",
		sections: []string{"M365DGraph", "MicrosoftGraph", "MicrosoftDefender"}, service: azapi.Graph, path: "/v1.0/security/runHuntingQuery", graph: true},
}

func init() {
	for _, a := range apis {
		a := a
		query.Register(query.Environment{
			Name: a.name, Aliases: a.aliases, Language: "kql", Dialect: query.DialectFor("kql"), Description: a.desc,
			New: func(ctx context.Context, s query.Settings) (query.Driver, error) { return newDriver(ctx, a, s) },
			Configured: func(c *config.Config) bool {
				for _, s := range a.sections {
					if c.IsSet("DataProviders." + s) {
						return true
					}
				}
				return false
			},
		})
	}
}

// Driver runs advanced hunting queries on one of the three APIs.
type Driver struct {
	api           api
	app           azapi.App
	cred          *azauth.Credential
	client        *azapi.Client
	timeout       time.Duration
	failOnPartial bool

	mu       sync.Mutex
	warnings []error
}

// New makes the driver of environment env (MDE, MDATP, M365D, M365DGraph, GraphHunting).
func New(ctx context.Context, env string, s query.Settings) (*Driver, error) {
	for _, a := range apis {
		if strings.EqualFold(a.name, env) || contains(a.aliases, env) {
			return newDriver(ctx, a, s)
		}
	}
	return nil, fmt.Errorf("defender: unknown environment %q", env)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func newDriver(_ context.Context, a api, s query.Settings) (*Driver, error) {
	app, err := azapi.LoadApp(s.Config, a.sections, s.Options)
	if err != nil {
		return nil, err
	}
	svc, err := a.service(s.Config, app.Cloud)
	if err != nil {
		return nil, err
	}
	cred, err := azauth.New(app.Auth)
	if err != nil {
		return nil, err
	}
	client, err := azapi.NewClient(a.name, svc, cred, app.Auth, CallsPerMinute)
	if err != nil {
		return nil, err
	}
	d := &Driver{api: a, app: app, cred: cred, client: client}
	if d.timeout, err = azapi.Timeout(s.Options, MaxTimeout); err != nil {
		return nil, err
	}
	d.failOnPartial, _ = strconv.ParseBool(strings.TrimSpace(s.Options[azapi.OptFailOnPartial]))
	return d, nil
}

// Endpoint returns the API base address the driver calls.
func (d *Driver) Endpoint() string { return d.client.Service().Endpoint }

// Credential returns the sign-in chain (for `huntkit auth status`).
func (d *Driver) Credential() *azauth.Credential { return d.cred }

// Connect signs in: the first method that gives a token for the API's scope.
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

// response is the answer of all three APIs: MDE and M365D write Schema / Results (M365D
// adds Stats), Graph schema / results; JSON names match either case.
type response struct {
	Schema  []azapi.Field    `json:"schema"`
	Results []map[string]any `json:"results"`
}

// Query runs KQL. The APIs take no time range of their own (queries see the last 30 days;
// templates put their window in the KQL); for M365DGraph a bounded request's window is
// sent as the Timespan (start/end in ISO 8601).
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "kql" && l != "kusto" {
		return nil, fmt.Errorf("%s runs KQL, not %s", d.api.name, req.Language)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	body := map[string]any{"Query": req.Text}
	if d.api.graph && !req.Start.IsZero() && !req.End.IsZero() {
		body["Timespan"] = req.Start.UTC().Format(time.RFC3339) + "/" + req.End.UTC().Format(time.RFC3339)
	}
	data, err := d.client.Do(ctx, http.MethodPost, d.api.path, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrQuery, err)
	}
	var resp response
	if err := azapi.Decode(data, &resp); err != nil {
		return nil, fmt.Errorf("%w: %s: %w: %v", ErrQuery, d.api.name, remote.ErrMalformed, err)
	}
	f, err := azapi.Rows(resp.Schema, resp.Results)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w: %v", ErrQuery, d.api.name, remote.ErrMalformed, err)
	}
	if f.Len() >= MaxRows {
		p := fmt.Errorf("%w: %s returned %d rows, its limit; the result may be cut (narrow the query or its time range)", ErrPartial, d.api.name, f.Len())
		if d.failOnPartial {
			return nil, fmt.Errorf("%w (--fail-on-partial)", p)
		}
		f.SetPartial(p)
		d.mu.Lock()
		d.warnings = append(d.warnings, p)
		d.mu.Unlock()
	}
	return f, nil
}
