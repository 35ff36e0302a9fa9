// Package resourcegraph is the ResourceGraph environment: KQL over Azure Resource Graph
// (the Resources, ResourceContainers, ... tables of every subscription the identity can
// read) through the Azure SDK's armresourcegraph client, signed in with package azauth.
//
// The subscriptions come from the subscriptions option (comma-separated), else
// DataProviders.ResourceGraph.Args.Subscriptions (a list or comma-separated text); none
// means the whole tenant. Results are read in the table format (typed columns) and paged
// with $skipToken to the last row; the max-rows option caps them (flagged partial), and a
// result the service truncated (a query it cannot page) is flagged partial too. The ARM
// endpoint is the cloud's, or Azure.resource_manager_url (the emulator).
package resourcegraph

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/azapi"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name.
const Name = "ResourceGraph"

// Option names beyond azapi's.
const (
	// OptPageSize is the rows asked for per page ($top, 1 to 1000; default 1000).
	OptPageSize = "page-size"
)

// MaxPageSize is the largest page Resource Graph returns.
const MaxPageSize = 1000

// Errors a caller can test.
var (
	ErrQuery   = errors.New("Resource Graph query failed")
	ErrPartial = errors.New("partial result")
)

// Templates holds the built-in ResourceGraph templates.
//
//go:embed queries/*.yaml
var Templates embed.FS

func init() {
	query.Register(query.Environment{
		Name: Name, Language: "kql", Dialect: query.DialectFor("kql"),
		Description: "Azure Resource Graph (KQL over the resources of one or more subscriptions, armresourcegraph)",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return c.IsSet("DataProviders.ResourceGraph") || c.IsSet("Azure") },
	})
	query.RegisterBuiltin(Templates, "queries")
}

// Driver queries Azure Resource Graph.
type Driver struct {
	cred          *azauth.Credential
	client        *armresourcegraph.Client
	scope         string
	subs          []string
	pageSize      int
	maxRows       int
	timeout       time.Duration
	failOnPartial bool

	mu       sync.Mutex
	warnings []error
}

// New reads the sign-in, the subscriptions and the ARM endpoint. Nothing is contacted
// until Connect or the first query.
func New(_ context.Context, s query.Settings) (*Driver, error) {
	cfg := s.Config
	if cfg == nil {
		cfg, _ = config.Parse("", nil)
	}
	app, err := azapi.LoadApp(cfg, []string{"ResourceGraph"}, s.Options)
	if err != nil {
		return nil, err
	}
	cred, err := azauth.New(app.Auth)
	if err != nil {
		return nil, err
	}
	co, err := azauth.ClientOptions(app.Auth.Cloud, app.Auth.CAFile)
	if err != nil {
		return nil, err
	}
	co.Retry.MaxRetryDelay = time.Minute
	client, err := armresourcegraph.NewClient(cred, &arm.ClientOptions{ClientOptions: co})
	if err != nil {
		return nil, fmt.Errorf("Resource Graph client: %w", err)
	}
	arm := strings.TrimRight(app.Auth.Cloud.ResourceManager, "/")
	d := &Driver{cred: cred, client: client, scope: arm + "/.default", pageSize: MaxPageSize}
	d.subs = Subscriptions(cfg, app.Section, s.Options[azapi.OptSubscriptions])
	if v := strings.TrimSpace(s.Options[OptPageSize]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return nil, fmt.Errorf("page-size %q: want 1 to %d", v, MaxPageSize)
		}
		d.pageSize = n
	}
	if d.maxRows, err = azapi.MaxRows(s.Options); err != nil {
		return nil, err
	}
	if d.timeout, err = azapi.Timeout(s.Options, time.Hour); err != nil {
		return nil, err
	}
	d.failOnPartial, _ = strconv.ParseBool(strings.TrimSpace(s.Options[azapi.OptFailOnPartial]))
	return d, nil
}

// Subscriptions reads the subscription ids: the option (comma-separated) when given, else
// section.Args.Subscriptions (a list or comma-separated text).
func Subscriptions(cfg *config.Config, section, option string) []string {
	text := option
	if strings.TrimSpace(text) == "" && section != "" {
		if list, ok := cfg.Strings(section + ".Args.Subscriptions"); ok {
			text = strings.Join(list, ",")
		} else if s, ok := cfg.String(section + ".Args.Subscriptions"); ok {
			text = s
		}
	}
	var out []string
	for _, s := range strings.Split(text, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// SubscriptionIDs returns the subscriptions queried (none: the tenant).
func (d *Driver) SubscriptionIDs() []string { return append([]string(nil), d.subs...) }

// Credential returns the sign-in chain.
func (d *Driver) Credential() *azauth.Credential { return d.cred }

// Connect signs in for Azure Resource Manager.
func (d *Driver) Connect(ctx context.Context) error {
	_, err := d.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{d.scope}})
	return err
}

// Warnings returns the partial-result warning of the last query.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.warnings...)
}

// Query runs KQL on Resource Graph and reads every page.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "kql" && l != "kusto" {
		return nil, fmt.Errorf("%s runs KQL, not %s", Name, req.Language)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	var schema []azapi.Field
	var rows [][]any
	var cause error
	var skipToken *string
	for page := 1; ; page++ {
		top := int32(d.pageSize)
		format := armresourcegraph.ResultFormatTable
		qr := armresourcegraph.QueryRequest{Query: &req.Text,
			Options: &armresourcegraph.QueryRequestOptions{ResultFormat: &format, Top: &top, SkipToken: skipToken}}
		for i := range d.subs {
			qr.Subscriptions = append(qr.Subscriptions, &d.subs[i])
		}
		resp, err := d.client.Resources(ctx, qr, nil)
		if err != nil {
			err = azapi.Describe(ctx, Name, err)
		} else {
			var s []azapi.Field
			var r [][]any
			s, r, err = table(resp.Data)
			if err == nil && schema == nil {
				schema = s
			}
			rows = append(rows, r...)
		}
		if err != nil {
			if page == 1 || errors.Is(err, context.Canceled) {
				return nil, fmt.Errorf("%w: %w", ErrQuery, err)
			}
			cause = fmt.Errorf("%w: page %d failed after %d rows: %w", ErrPartial, page, len(rows), err)
			break
		}
		if resp.ResultTruncated != nil && *resp.ResultTruncated == armresourcegraph.ResultTruncatedTrue && resp.SkipToken == nil {
			cause = fmt.Errorf("%w: Resource Graph truncated the result at %d rows and cannot page it (project the id column, or summarize)", ErrPartial, len(rows))
			break
		}
		if resp.SkipToken == nil || *resp.SkipToken == "" {
			break
		}
		if d.maxRows > 0 && len(rows) >= d.maxRows {
			cause = fmt.Errorf("%w: stopped after %d rows (--max-rows); more pages remain", ErrPartial, len(rows))
			break
		}
		skipToken = resp.SkipToken
	}
	if d.maxRows > 0 && len(rows) > d.maxRows {
		rows = rows[:d.maxRows]
		if cause == nil {
			cause = fmt.Errorf("%w: stopped after %d rows (--max-rows); more rows remain", ErrPartial, len(rows))
		}
	}
	f, err := azapi.Table(schema, rows)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %v", ErrQuery, remote.ErrMalformed, err)
	}
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

// table reads the table format's {"columns":[{name,type}],"rows":[[...]]}.
func table(data any) ([]azapi.Field, [][]any, error) {
	m, ok := data.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: data is %T, not a table", remote.ErrMalformed, data)
	}
	cols, ok := m["columns"].([]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: the table has no columns", remote.ErrMalformed)
	}
	schema := make([]azapi.Field, len(cols))
	for i, c := range cols {
		cm, _ := c.(map[string]any)
		name, _ := cm["name"].(string)
		typ, _ := cm["type"].(string)
		schema[i] = azapi.Field{Name: name, Type: typ}
	}
	raw, _ := m["rows"].([]any)
	rows := make([][]any, len(raw))
	for i, r := range raw {
		row, ok := r.([]any)
		if !ok {
			return nil, nil, fmt.Errorf("%w: row %d is not an array", remote.ErrMalformed, i+1)
		}
		rows[i] = row
	}
	return schema, rows, nil
}
