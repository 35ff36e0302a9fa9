// Package workbenchcmd implements "huntkit workbench": it parses the flags and serves
// package workbench until Ctrl-C.
package workbenchcmd

import (
	"context"
	"fmt"
	"github.com/huntkit/huntkit"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/workbench"
)

// Options are the command's flags.
type Options struct {
	Listen string
	Open   bool
	Data   []string
	Env    string
}

// New returns the workbench command.
func New(app *cliapp.App) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "workbench",
		Short: "Serve the investigation workbench: query, results, enrichment, views, notebook and config editor in the browser",
		Long: `workbench serves huntkit's web UI on 127.0.0.1 on a random port and prints its address on
the first line of stdout (--open also opens it in the browser). In one page: choose a data
environment and see its sign-in status; browse, search and run query templates with typed
parameters and a time range (msticpy expressions such as -7d@d); write KQL or SQL with
highlighting and completion; watch progress and cancel; look at results in the data viewer;
keep them as workspace tables; export CSV, JSON or Parquet; run TI, GeoIP, whois, IoC
extraction or decoding on a selected column or cell; open timeline, process tree, map and
matrix views; write Markdown notes. Every step is kept in the workspace (table hk_notebook),
so with --workspace FILE the investigation reopens where it stopped, and it exports as a
self-contained HTML report or a Jupyter notebook for the huntkit kernel. The configuration
tab edits msticpyconfig.yaml section by section with the checks of 'config validate';
secrets never go back to the browser, and saving keeps comments and key order and leaves
FILE.bak.

--listen ADDR serves on another address. Beyond loopback, an access token is printed in the
address (only the holder of the address gets in; it becomes an HttpOnly cookie). Every
change needs the page's CSRF token and a same-origin request. The page works offline:
everything it needs is inside the binary. Stop with Ctrl-C.`,
		Example: `  huntkit workbench --data ./data --open
  huntkit --workspace case.duckdb workbench`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return Run(cmd.Context(), app, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.Listen, "listen", "", "serve on ADDR (host:port); beyond loopback an access token is required")
	f.BoolVar(&o.Open, "open", false, "open the workbench in the browser")
	f.StringArrayVar(&o.Data, "data", nil, "data folder or file for local environments such as LocalData (repeatable)")
	f.StringVar(&o.Env, "env", "", "environment selected when the page opens (default LocalData)")
	return cmd
}

// Run serves the workbench until ctx ends.
func Run(ctx context.Context, app *cliapp.App, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ln, err := workbench.Listener(o.Listen, o.Listen != "")
	if err != nil {
		return cliapp.UsageError(err)
	}
	defer ln.Close()
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	opts := workbench.Options{Data: o.Data, Env: o.Env, ConfigFile: app.ConfigPath, Log: app.Err}
	if !workbench.IsLoopbackAddr(ln.Addr().String()) {
		opts.Token = workbench.RemoteToken()
	}
	srv, err := workbench.New(hk, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	env := o.Env
	if env == "" {
		env = "LocalData"
	}
	pv, err := hk.Pivots(ctx, huntkit.PivotOptions{Env: env, Session: []huntkit.SessionOption{huntkit.WithData(o.Data...)},
		Enrich: huntkit.EnrichOptions{NoUpdate: true}})
	if err != nil {
		app.Warnf("pivots are not offered: %v", err)
	} else {
		defer pv.Close()
		srv.AddEntityPivots(pv)
	}
	url := srv.URL(ln)
	fmt.Fprintln(app.Out, url)
	if opts.Token != "" {
		app.Infof("huntkit workbench: serving beyond loopback; the address above holds the access token, keep it private")
	}
	app.Infof("huntkit workbench: Ctrl-C stops it")
	if o.Open {
		if err := workbench.OpenBrowser(url); err != nil {
			app.Infof("could not open a browser: %v", err)
		}
	}
	return srv.Serve(ctx, ln)
}
