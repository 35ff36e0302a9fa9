// Package emulatecmd implements "huntkit emulate": a local Microsoft Sentinel / Log
// Analytics and Entra ID token endpoint (package emulate) over the demo tenant, a data
// folder or a workspace file, for rehearsing hunts and testing clients offline.
package emulatecmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// Options are the command's flags.
type Options struct {
	Addr         string
	Data         []string
	Days         int
	WriteConfig  string
	RowLimit     int
	ClientSecret string
	AuthMethods  []string
	Secrets      []string
	Databases    []string // Kusto databases served
}

// New returns the emulate command.
func New(app *cliapp.App) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "emulate",
		Short: "Serve a local Sentinel / Log Analytics workspace and Entra ID token endpoint over local data",
		Long: `emulate serves, on 127.0.0.1 over HTTPS with a self-signed certificate, a stand-in for the
Azure services huntkit uses, so hunts, notebooks and clients run offline against a simulated
tenant:

  token endpoint   /{tenant}/oauth2/v2.0/token (client secret or certificate), OpenID
                   configuration, instance discovery: usable as azidentity's authority host
  managed identity /msi/token (set IDENTITY_ENDPOINT and IDENTITY_HEADER as printed)
  Log Analytics    POST /v1/workspaces/{id}/query (query, timespan, workspaces) and
                   GET /v1/workspaces/{id}/metadata
  Key Vault        GET /secrets/{name} for the --secret values ({KeyVault: ...} settings)
  Data Explorer    POST /v2/rest/query (v2 frames), /v1/rest/query, /v1/rest/mgmt (.show tables,
                   .show database schema [as json]) for the --kusto-database databases, and
                   GET /v1/rest/auth/metadata: a Kusto cluster at the base URL
  Defender         POST /api/advancedqueries/run (MDE), /api/advancedhunting/run (M365D) and
                   Graph's POST /v1.0/security/runHuntingQuery (M365DGraph): KQL on the data
  Graph security   GET /v1.0/security/alerts_v2 and /incidents (from SecurityAlert and
                   SecurityIncident; $filter, $select, $orderby, $top, @odata.nextLink paging)
  Resource Graph   POST /providers/Microsoft.ResourceGraph/resources over a small fixed
                   inventory (VMs, storage accounts, NSGs; two subscriptions; $skipToken paging)

Every API answers 401 without a token the emulator issued.

The data is the demo tenant (the tables 'huntkit demo' hunts, dated to end today), or the
files of --data DIR, or the tables of the --workspace FILE. KQL runs through huntkit's
compiler; KQL it cannot run answers with Kusto's error shape and the compiler's message.

--write-config FILE writes a msticpyconfig.yaml pointing huntkit at the emulator (a Default
workspace, the tenant, a client id and secret the token endpoint accepts, the endpoint
overrides and the CA file, written beside it; and KustoClusters.Emulator for the Data Explorer
API). Port 0 picks a free port; the base URL is
printed on the first line. Stop with Ctrl-C.`,
		Example: `  huntkit emulate --write-config ./emu/msticpyconfig.yaml
  huntkit --config ./emu/msticpyconfig.yaml query MSSentinel SecurityAlert.list_alerts --start -7d
  huntkit --config ./emu/msticpyconfig.yaml query Kusto --kql 'SigninLogs | summarize count() by ResultType' --start -1d
  huntkit --config ./emu/msticpyconfig.yaml query MDE --kql "DeviceProcessEvents | summarize n = count() by DeviceName"
  huntkit --config ./emu/msticpyconfig.yaml query MSGraph SecurityGraph.list_incidents --start -7d
  huntkit --config ./emu/msticpyconfig.yaml query ResourceGraph ResourceGraph.list_virtual_machines`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Run(cmd.Context(), app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	f.StringArrayVar(&o.Data, "data", nil, "serve the files of this folder instead of the demo tenant (repeatable)")
	f.IntVar(&o.Days, "days", 14, "days of demo data, ending today")
	f.StringVar(&o.WriteConfig, "write-config", "", "write a msticpyconfig.yaml that points huntkit at the emulator")
	f.IntVar(&o.RowLimit, "row-limit", 500000, "rows after which a result is cut and flagged partial")
	f.StringVar(&o.ClientSecret, "client-secret", "", "the client secret the token endpoint accepts (default: random)")
	f.StringArrayVar(&o.Secrets, "secret", nil, "a Key Vault secret NAME=VALUE the emulator serves at /secrets/NAME (repeatable)")
	f.StringSliceVar(&o.Databases, "kusto-database", []string{emulate.DefaultKustoDatabase}, "the Azure Data Explorer databases served (each over the same data)")
	f.StringSliceVar(&o.AuthMethods, "auth-methods", []string{"clientsecret"}, "Azure.auth_methods written by --write-config")
	return cmd
}

// Run starts the emulator and serves until ctx ends.
func Run(ctx context.Context, app *cliapp.App, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.RowLimit < 1 {
		return cliapp.UsageError(fmt.Errorf("--row-limit %d: want at least 1", o.RowLimit))
	}
	secrets := map[string]string{}
	for _, kv := range o.Secrets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return cliapp.UsageError(fmt.Errorf("--secret %q: want NAME=VALUE", kv))
		}
		secrets[k] = v
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	ws, err := hk.Workspace(ctx)
	if err != nil {
		return err
	}
	what := ""
	switch {
	case len(o.Data) > 0:
		what = fmt.Sprintf("the files of %v", o.Data)
	case app.WorkspacePath != "":
		what = "the tables of " + app.WorkspacePath
	default:
		opt := emulate.DemoOptions(o.Days, time.Now())
		dir, err := emulate.DemoDir(opt)
		if err != nil {
			return err
		}
		app.Infof("preparing the demo tenant in %s ...", dir)
		truth, err := emulate.LoadDemo(ctx, ws, dir, opt)
		if err != nil {
			return err
		}
		what = fmt.Sprintf("the demo tenant %s (%s to %s)", truth.Domain, truth.Start.Format("2006-01-02"), truth.End.Format("2006-01-02"))
	}
	be, err := emulate.NewWorkspaceBackend(ctx, ws, o.Data...)
	if err != nil {
		return err
	}
	srv, err := emulate.Start(ctx, emulate.Options{Addr: o.Addr, Backend: be, RowLimit: o.RowLimit, ClientSecret: o.ClientSecret, Secrets: secrets,
		KustoDatabases: o.Databases})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintln(app.Out, srv.URL)
	app.Infof("huntkit emulate: serving %s", what)
	app.Infof("  tenant %s, workspace %s, client id %s", srv.TenantID(), srv.WorkspaceID(), srv.ClientID())
	if o.WriteConfig != "" {
		ca, err := srv.WriteConfig(o.WriteConfig, o.AuthMethods...)
		if err != nil {
			return err
		}
		envFile := o.WriteConfig + ".env"
		if err := srv.WriteEnv(envFile, ca); err != nil {
			return err
		}
		app.Infof("  wrote %s, the CA %s and the variables %s (managed identity, env method)", o.WriteConfig, ca, envFile)
		app.Infof("  run: huntkit --config %s query MSSentinel SecurityAlert.list_alerts --start -7d", o.WriteConfig)
	}
	app.Infof("  Ctrl-C stops it")
	select {
	case <-ctx.Done():
		return nil
	case <-waitC(srv):
		return srv.Wait()
	}
}

func waitC(srv *emulate.Server) <-chan struct{} {
	c := make(chan struct{})
	go func() { _ = srv.Wait(); close(c) }()
	return c
}
