// Package kusto is the Kusto / Azure Data Explorer data environment (aliases
// AzureDataExplorer, ADX, Kusto_New): KQL on ADX clusters through the Azure SDK's
// azkustodata client (v2 query frames, v1 management commands), signed in with package
// azauth.
//
// Clusters come from msticpy's KustoClusters section (ClusterDefaults filling in what an
// entry leaves out) or the older DataProviders.Kusto[-instance] entries; a query's cluster is
// Options["cluster"] (a name, URL or host), else the template's metadata (cluster, clusters,
// cluster_groups), else the only configured cluster. The database is Options["database"],
// else the template's database metadata, else the cluster's configured Database.
//
// A result the service cut short (a partial-failure error at the end of the primary table,
// such as the 500,000-record truncation limit) keeps the rows read and is flagged partial
// (exit 1); Options["fail-on-partial"] makes it an error. Throttling (429) and server errors
// (5xx) are retried with Retry-After; the server timeout is the servertimeout request
// property (Options["timeout"]); ctx cancels a running query.
package kusto

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	kerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name.
const Name = "Kusto"

// Aliases are accepted in place of Name (msticpy's, plus ADX).
var Aliases = []string{"AzureDataExplorer", "ADX", "Kusto_New"}

// Option names in query.Settings.Options.
const (
	OptCluster       = "cluster"  // a KustoClusters name, a cluster URL or host
	OptDatabase      = "database" // the database (default: the template's, then the cluster's)
	OptAuth          = "auth"
	OptTimeout       = "timeout" // the servertimeout request property, e.g. 300s or 5m
	OptFailOnPartial = "fail-on-partial"
	OptInteractive   = "interactive"
)

func init() {
	query.Register(query.Environment{
		Name: Name, Aliases: Aliases, Language: "kql", Dialect: query.DialectFor("kql"),
		Description: "Azure Data Explorer (Kusto) clusters (KQL through the ADX REST API)",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return len(Clusters(c)) > 0 },
	})
}

// Errors a caller can test.
var (
	ErrNoDatabase error = missing("no Kusto database")
	ErrPartial          = errors.New("partial result")
	ErrQuery            = errors.New("Kusto query failed")
)

// Driver runs KQL on Azure Data Explorer clusters.
type Driver struct {
	cfg           *config.Config
	clusters      []Cluster
	sel, database string
	methods       []string
	interactive   bool
	timeout       time.Duration
	failOnPartial bool

	mu       sync.Mutex
	clients  map[string]*client // by cluster URL
	warnings []error
}

// client is one cluster's SDK client and what its transport saw.
type client struct {
	cl      Cluster
	kc      *azkustodata.Client
	cred    *azauth.Credential
	net     *transport
	dbFixed string
}

// New reads the clusters and options. Nothing is contacted until Connect or a query.
func New(_ context.Context, s query.Settings) (*Driver, error) {
	cfg := s.Config
	if cfg == nil {
		cfg, _ = config.Parse("", nil)
	}
	opt := func(k string) string { return strings.TrimSpace(s.Options[k]) }
	d := &Driver{cfg: cfg, clusters: Clusters(cfg), sel: opt(OptCluster), database: opt(OptDatabase), clients: map[string]*client{}}
	if a := opt(OptAuth); a != "" {
		d.methods = []string{a}
	}
	d.interactive, _ = strconv.ParseBool(opt(OptInteractive))
	d.failOnPartial, _ = strconv.ParseBool(opt(OptFailOnPartial))
	if t := opt(OptTimeout); t != "" {
		dur, err := parseTimeout(t)
		if err != nil {
			return nil, err
		}
		d.timeout = dur
	}
	if d.sel != "" || len(d.clusters) == 1 {
		// A named cluster must exist now (a config mistake is reported before any query).
		if _, err := Select(d.clusters, d.sel, nil); err != nil {
			return nil, err
		}
	} else if len(d.clusters) == 0 {
		_, err := Select(nil, "", nil)
		return nil, err
	}
	return d, nil
}

func parseTimeout(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > time.Hour {
		return 0, fmt.Errorf("%w: timeout %q: want seconds or a duration up to 1h", config.ErrInvalid, s)
	}
	return d, nil
}

// Connect signs in to the cluster a query without template metadata would use (when one is
// determined: --cluster, or a single configured cluster).
func (d *Driver) Connect(ctx context.Context) error {
	if d.sel == "" && len(d.clusters) != 1 {
		return nil
	}
	c, err := d.client(nil)
	if err != nil {
		return err
	}
	// The SDK learns the authority and audience from the cluster's auth metadata; a
	// management command is the cheapest call that signs in.
	_, err = c.kc.Mgmt(ctx, "", kql.New(".show version"))
	if err != nil {
		return c.describe(err)
	}
	return nil
}

// Credential returns the sign-in chain of the cluster Connect used (nil before).
func (d *Driver) Credential() *azauth.Credential {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.clients {
		return c.cred
	}
	return nil
}

// Warnings returns the partial-result warnings of the last query.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.warnings...)
}

// Close releases the clients' connections.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.clients {
		_ = c.kc.Close()
	}
	d.clients = map[string]*client{}
	return nil
}

// client returns (making once) the client of the cluster for a request's metadata.
func (d *Driver) client(meta map[string]any) (*client, error) {
	cl, err := Select(d.clusters, d.sel, meta)
	if err != nil {
		return nil, err
	}
	if cl.URL == "" {
		return nil, fmt.Errorf("config: %s.Args.Cluster: %w (the cluster URL)", cl.Section, config.ErrMissing)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[cl.URL]; ok {
		return c, nil
	}
	as, err := d.authSettings(cl)
	if err != nil {
		return nil, err
	}
	cred, err := azauth.New(as)
	if err != nil {
		return nil, err
	}
	hc, tr, err := httpClient(as.CAFile)
	if err != nil {
		return nil, err
	}
	kcsb := azkustodata.NewConnectionStringBuilder(cl.URL).WithTokenCredential(cred)
	kcsb.ApplicationForTracing = "huntkit"
	kc, err := azkustodata.New(kcsb, azkustodata.WithHttpClient(hc))
	if err != nil {
		return nil, fmt.Errorf("%w: cluster %s: %v", config.ErrInvalid, cl.URL, err)
	}
	c := &client{cl: cl, kc: kc, cred: cred, net: tr}
	d.clients[cl.URL] = c
	return c, nil
}

// authSettings reads the sign-in settings: Azure.* as for Sentinel, then the cluster's Args
// (TenantId, ClientId, ClientSecret, Certificate; ClusterDefaults.Args for what it leaves out).
func (d *Driver) authSettings(cl Cluster) (azauth.Settings, error) {
	as, err := azauth.FromConfig(d.cfg, "", d.methods)
	if err != nil {
		return as, err
	}
	as.Interactive = d.interactive
	if k, ok := cl.arg(d.cfg, "TenantId"); ok {
		as.TenantID, _ = d.cfg.String(k)
	}
	if k, ok := cl.arg(d.cfg, "ClientId"); ok {
		as.ClientID, _ = d.cfg.String(k)
	}
	if k, ok := cl.arg(d.cfg, "Certificate"); ok {
		as.CertFile, _ = d.cfg.String(k)
	}
	if k, ok := cl.arg(d.cfg, "ClientSecret"); ok {
		c := d.cfg
		as.ClientSecret = func(ctx context.Context) (string, error) { return c.Secret(ctx, k) }
	}
	return as, nil
}

// Query runs KQL on the cluster and database the request (or the options) name.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	if l := strings.ToLower(req.Language); l != "" && l != "kql" && l != "kusto" {
		return nil, fmt.Errorf("%s runs KQL, not %s", Name, req.Language)
	}
	if strings.HasPrefix(strings.TrimSpace(req.Text), ".") {
		return nil, fmt.Errorf("%w: management commands (%s) are not queries; huntkit runs only .show commands itself (huntkit schema Kusto)", ErrQuery, firstWord(req.Text))
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	c, err := d.client(req.Metadata)
	if err != nil {
		return nil, err
	}
	db, err := d.databaseFor(c.cl, req.Metadata)
	if err != nil {
		return nil, err
	}
	opts := []azkustodata.QueryOption{azkustodata.Application("huntkit")}
	if d.timeout > 0 {
		opts = append(opts, azkustodata.ServerTimeout(d.timeout))
	}
	if req.Bounded && !req.Start.IsZero() {
		opts = append(opts, azkustodata.QueryDateTimeScopeColumn("TimeGenerated"),
			azkustodata.QueryDateTimeScopeFrom(req.Start.UTC()), azkustodata.QueryDateTimeScopeTo(req.End.UTC()))
	}
	ds, err := c.kc.IterativeQuery(ctx, db, kql.New("").AddUnsafe(req.Text), opts...)
	if err != nil {
		return nil, c.describe(err)
	}
	defer ds.Close()
	f, partial, err := readPrimary(ctx, ds)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, c.describe(err)
	}
	if partial != nil {
		p := fmt.Errorf("%w: %s", ErrPartial, oneApiLine(partial))
		if d.failOnPartial {
			return nil, fmt.Errorf("%w (%d rows returned; --fail-on-partial)", p, f.Len())
		}
		f.SetPartial(p)
		d.mu.Lock()
		d.warnings = append(d.warnings, p)
		d.mu.Unlock()
	}
	return f, nil
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	if len(f) > 1 {
		return f[0] + " " + f[1]
	}
	return f[0]
}

// databaseFor picks the database: the option, the template's metadata, the cluster's.
func (d *Driver) databaseFor(cl Cluster, meta map[string]any) (string, error) {
	if d.database != "" {
		return d.database, nil
	}
	if s, ok := meta["database"].(string); ok && s != "" {
		return s, nil
	}
	if cl.Database != "" {
		return cl.Database, nil
	}
	where := "the cluster's Args.Database"
	if cl.Section != "" {
		where = cl.Section + ".Args.Database"
	}
	return "", fmt.Errorf("%w for cluster %s: give --database or set %s", ErrNoDatabase, cl.Name, where)
}

// describe makes one line of an SDK error: the HTTP status and the service's error, or
// the network failure the transport saw.
func (c *client) describe(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, azauth.ErrNoCredential) {
		return err
	}
	if ne := c.net.lastNetErr(); ne != nil {
		return fmt.Errorf("%w: cannot reach cluster %s: %s", ErrQuery, c.cl.URL, oneLine(ne.Error()))
	}
	var he *kerrors.HttpError
	if errors.As(err, &he) {
		msg := fmt.Sprintf("HTTP %d", he.StatusCode)
		if m := he.UnmarshalREST(); m != nil {
			if e, ok := m["error"].(map[string]any); ok {
				for _, k := range []string{"code", "@message", "message"} {
					if s, ok := e[k].(string); ok && s != "" {
						msg += " " + s
						if k == "@message" {
							break
						}
					}
				}
			}
		}
		switch he.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			msg += " (not authorised for this cluster or database)"
		case http.StatusTooManyRequests:
			msg += " (throttled; retried " + strconv.Itoa(maxAttempts-1) + " times)"
		}
		return fmt.Errorf("%w: %s", ErrQuery, oneLine(msg))
	}
	if strings.Contains(err.Error(), "Error while getting token") {
		return fmt.Errorf("%w: sign-in: %s", ErrQuery, oneLine(tokenCause(err.Error())))
	}
	return fmt.Errorf("%w: %s", ErrQuery, oneLine(err.Error()))
}

// tokenCause keeps the sign-in part of the SDK's "Error while getting token : ..." text.
func tokenCause(s string) string {
	if i := strings.Index(s, "Error while getting token : "); i >= 0 {
		return s[i+len("Error while getting token : "):]
	}
	return s
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		rest := strings.TrimSpace(s[i+1:])
		s = strings.TrimSpace(s[:i])
		if strings.HasSuffix(s, ":") && rest != "" {
			first, _, _ := strings.Cut(rest, "\n")
			s += " " + first
		}
	}
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}
