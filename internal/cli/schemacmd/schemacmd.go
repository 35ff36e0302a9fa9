// Package schemacmd implements "huntkit schema ENV": the tables and columns a data
// environment reports (drivers with the query.Schemaer capability, e.g. MSSentinel from the
// workspace's metadata API), as a table of table, column and type.
package schemacmd

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/query"
)

// Options are the command's flags.
type Options struct {
	Table     string
	Data      []string
	Workspace string
	Auth      string
	Out       cliapp.Output
}

// New returns the schema command.
func New(app *cliapp.App) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "schema ENV",
		Short: "List the tables and columns of a data environment",
		Long: `schema lists the tables and columns a data environment reports (environments whose driver
can list them; for MSSentinel the workspace's schema from the Log Analytics metadata API).`,
		Example: `  huntkit --config ./emu/msticpyconfig.yaml schema MSSentinel --table SecurityAlert`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(cmd.Context(), app, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Table, "table", "", "only this table")
	f.StringArrayVar(&o.Data, "data", nil, "data folder or file for local environments (repeatable)")
	f.StringVar(&o.Workspace, "workspace-name", "", "Sentinel workspace from AzureSentinel.Workspaces (default: Default)")
	f.StringVar(&o.Auth, "auth", "", "Azure sign-in methods to try, comma-separated")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

// Schema returns the tables and columns of env (name or alias).
func Schema(ctx context.Context, app *cliapp.App, env string, data []string, options map[string]string) (map[string][]frame.Field, error) {
	e, err := query.LookupEnv(env)
	if err != nil {
		return nil, cliapp.UsageError(err)
	}
	if !e.Built() {
		return nil, fmt.Errorf("data environment %s: %w", e.Name, query.ErrNotBuilt)
	}
	cfg, err := app.Config()
	if err != nil {
		return nil, err
	}
	ws, err := app.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	drv, err := e.New(ctx, query.Settings{Config: cfg, DataPaths: data, Workspace: ws, Options: options})
	if err != nil {
		return nil, fmt.Errorf("data environment %s: %w", e.Name, err)
	}
	if c, ok := drv.(io.Closer); ok {
		defer c.Close()
	}
	sc, ok := drv.(query.Schemaer)
	if !ok {
		return nil, fmt.Errorf("data environment %s does not list its schema", e.Name)
	}
	return sc.Schema(ctx)
}

// Run prints the schema of env.
func Run(ctx context.Context, app *cliapp.App, o *Options, env string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.Out.Validate(); err != nil {
		return err
	}
	opts := map[string]string{"workspace-name": o.Workspace, "auth": o.Auth, "interactive": fmt.Sprint(cliapp.IsTerminal(app.Err))}
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
