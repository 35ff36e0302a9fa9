// Package schemacmd implements "huntkit schema ENV": the tables and columns a data
// environment reports (drivers with the query.Schemaer capability, e.g. MSSentinel from the
// workspace's metadata API), as a table of table, column and type.
package schemacmd

import (
	"context"
	"fmt"
	"github.com/huntkit/huntkit"
	"sort"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// Options are the command's flags.
type Options struct {
	Table     string
	Data      []string
	Workspace string
	Auth      string
	Cluster   string // Kusto
	Database  string // Kusto
	Out       cliapp.Output
}

// New returns the schema command.
func New(app *cliapp.App) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "schema ENV",
		Short: "List the tables and columns of a data environment",
		Long: `schema lists the tables and columns a data environment reports (environments whose driver
can list them; for MSSentinel the workspace's schema from the Log Analytics metadata API, for
Kusto the database's from '.show database schema as json').`,
		Example: `  huntkit --config ./emu/msticpyconfig.yaml schema MSSentinel --table SecurityAlert
  huntkit --config ./emu/msticpyconfig.yaml schema Kusto --cluster Emulator --database SecurityLogs --table SigninLogs`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(cmd.Context(), app, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Table, "table", "", "only this table")
	f.StringArrayVar(&o.Data, "data", nil, "data folder or file for local environments (repeatable)")
	f.StringVar(&o.Workspace, "workspace-name", "", "Sentinel workspace from AzureSentinel.Workspaces (default: Default)")
	f.StringVar(&o.Auth, "auth", "", "Azure sign-in methods to try, comma-separated")
	f.StringVar(&o.Cluster, "cluster", "", "Kusto: a KustoClusters name, cluster URL or host")
	f.StringVar(&o.Database, "database", "", "Kusto: the database (default: the cluster's Database)")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

// Schema returns the tables and columns of env (name or alias), through the library's
// session for that environment.
func Schema(ctx context.Context, app *cliapp.App, env string, data []string, options map[string]string) (map[string][]frame.Field, error) {
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	s, err := hk.Provider(env, huntkit.WithData(data...), huntkit.WithOptions(options))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Schema(ctx)
}

// Run prints the schema of env.
func Run(ctx context.Context, app *cliapp.App, o *Options, env string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.Out.Validate(); err != nil {
		return err
	}
	opts := map[string]string{"workspace-name": o.Workspace, "auth": o.Auth, "interactive": fmt.Sprint(cliapp.IsTerminal(app.Err)),
		"cluster": o.Cluster, "database": o.Database}
	sch, err := Schema(ctx, app, env, o.Data, opts)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(sch))
	for t := range sch {
		if o.Table == "" || o.Table == t {
			names = append(names, t)
		}
	}
	if o.Table != "" && len(names) == 0 {
		return fmt.Errorf("no table %s in %s", o.Table, env)
	}
	sort.Strings(names)
	var tb, cb, ty []string
	for _, t := range names {
		for _, f := range sch[t] {
			tb, cb, ty = append(tb, t), append(cb, f.Name), append(ty, f.Type.String())
		}
	}
	f := frame.MustNew(frame.NewStrings("table", tb), frame.NewStrings("column", cb), frame.NewStrings("type", ty))
	return app.WriteFrame(&o.Out, f)
}
