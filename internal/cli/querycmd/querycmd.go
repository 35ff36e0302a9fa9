// Package querycmd holds the commands that list data environments (providers), list, search
// and explain query templates (queries), and run templates or ad-hoc queries (query).
package querycmd

import (
	"context"
	"errors"
	"fmt"
	"github.com/huntkit/huntkit/config"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/query"
)

// New returns the providers, queries and query commands.
func New(app *cliapp.App) []*cobra.Command {
	return []*cobra.Command{newProviders(app), newQueries(app), newQuery(app)}
}

// ---------------------------------------------------------------------------------------------
// providers

func newProviders(app *cliapp.App) *cobra.Command {
	var out cliapp.Output
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List data environments: names, aliases, language, and whether each is built and configured",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			envs, err := hk.Providers()
			if err != nil {
				return err
			}
			n := len(envs)
			names, aliases, langs, descs, status := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			built, configured := make([]bool, n), make([]bool, n)
			for i, e := range envs {
				names[i], aliases[i], langs[i], descs[i] = e.Name, strings.Join(e.Aliases, ", "), e.Language, e.Description
				built[i], configured[i], status[i] = e.Built, e.Configured, e.Status()
			}
			f := frame.MustNew(
				frame.NewStrings("name", names),
				frame.NewStrings("aliases", aliases),
				frame.NewStrings("language", langs),
				frame.NewBools("built", built),
				frame.NewBools("configured", configured),
				frame.NewStrings("status", status),
				frame.NewStrings("description", descs),
			)
			return app.WriteFrame(&out, f)
		},
	}
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

// ---------------------------------------------------------------------------------------------
// template store

// storeFlags are the flags that choose template folders.
type storeFlags struct {
	dirs []string
}

func (s *storeFlags) add(cmd *cobra.Command, persistent bool) {
	fs := cmd.Flags()
	if persistent {
		fs = cmd.PersistentFlags()
	}
	fs.StringArrayVar(&s.dirs, "queries", nil, "folder (or file) of query templates in msticpy's YAML format; repeatable; added to QueryDefinitions.Custom")
}

// open opens the library with the --queries folders added to its template library.
func (s *storeFlags) open(ctx context.Context, app *cliapp.App) (*huntkit.Huntkit, error) {
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range s.dirs {
		if err := hk.AddQueryDirs(d); err != nil {
			return nil, fmt.Errorf("--queries %s: %w", d, err)
		}
	}
	s.dirs = nil // added once
	return hk, nil
}

// ---------------------------------------------------------------------------------------------
// queries

func newQueries(app *cliapp.App) *cobra.Command {
	var sf storeFlags
	var env string
	var out cliapp.Output
	list := func(ctx context.Context, pattern string) error {
		if err := out.Validate(); err != nil {
			return err
		}
		hk, err := sf.open(ctx, app)
		if err != nil {
			return err
		}
		entries, err := hk.QueriesContext(ctx, huntkit.Filter{Env: env, Pattern: pattern})
		if err != nil {
			return err
		}
		return app.WriteFrame(&out, entriesFrame(entries))
	}
	cmd := &cobra.Command{
		Use:   "queries [REGEX]",
		Short: "List query templates (optionally those matching REGEX), search them, or show help for one",
		Long: `List the query templates known to huntkit: the built-in library, the folders in the
configuration's QueryDefinitions.Custom and any --queries folders. Templates are named
Family.name. A REGEX (case-insensitive) matches names, descriptions, tables and parameter
names.`,
		Example: `  huntkit queries --env LogAnalytics
  huntkit queries logon --queries ./my-templates
  huntkit queries help WindowsSecurity.list_host_logons`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			return list(cmd.Context(), pattern)
		},
	}
	sf.add(cmd, true)
	cmd.PersistentFlags().StringVar(&env, "env", "", "only templates for this data environment (name or alias)")
	_ = cmd.RegisterFlagCompletionFunc("env", completeEnvs)
	cliapp.AddOutputFlags(cmd, &out)

	listCmd := &cobra.Command{
		Use:   "list [REGEX]",
		Short: "List query templates (optionally those matching REGEX)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return list(cmd.Context(), args[0])
			}
			return list(cmd.Context(), "")
		},
	}
	cliapp.AddOutputFlags(listCmd, &out)
	searchCmd := &cobra.Command{
		Use:   "search REGEX",
		Short: "List templates whose name, description, table or parameters match REGEX",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return list(cmd.Context(), args[0]) },
	}
	cliapp.AddOutputFlags(searchCmd, &out)
	helpCmd := &cobra.Command{
		Use:   "help Family.name",
		Short: "Show a template's description, parameters and query text",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			hk, err := sf.open(cmd.Context(), app)
			if err != nil {
				return err
			}
			return hk.Help(app.Out, env, args[0])
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return templateNames(app, &sf, env), cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.AddCommand(listCmd, searchCmd, helpCmd)
	return cmd
}

func entriesFrame(entries []query.Entry) *frame.Frame {
	n := len(entries)
	envs, names, descs, req, file := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range entries {
		envs[i] = e.Env
		names[i] = e.Name
		descs[i] = e.Template.Description
		req[i] = strings.Join(huntkit.RequiredParams(e.Template), ", ")
		file[i] = e.Template.File
	}
	return frame.MustNew(
		frame.NewStrings("environment", envs),
		frame.NewStrings("template", names),
		frame.NewStrings("description", descs),
		frame.NewStrings("required", req),
		frame.NewStrings("file", file),
	)
}

func completeEnvs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, e := range query.Environments() {
		out = append(out, e.Names()...)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func templateNames(app *cliapp.App, sf *storeFlags, env string) []string {
	old := app.Err
	app.Err = io.Discard // no warnings while completing
	defer func() { app.Err = old }()
	hk, err := sf.open(context.Background(), app)
	if err != nil {
		return nil
	}
	entries, err := hk.Queries(huntkit.Filter{Env: env})
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	sort.Strings(out)
	return out
}

// ---------------------------------------------------------------------------------------------
// query

type queryOpts struct {
	sf         storeFlags
	params     []string
	start, end string
	print      bool
	sql, kql   string
	save       string
	text       string
	data       []string
	mapping    string
	out        cliapp.Output
	driverOpts driverOpts
}

// driverOpts are the flags cloud drivers read from query.Settings.Options.
type driverOpts struct {
	workspaceName, auth, timeout, split string
	splunkApp                           string
	cluster, database                   string // Kusto
	failOnPartial                       bool
	extra                               []string // --option KEY=VALUE
}

func (d driverOpts) options(app *cliapp.App) (map[string]string, error) {
	m := map[string]string{"workspace-name": d.workspaceName, "auth": d.auth, "timeout": d.timeout, "split": d.split,
		"fail-on-partial": fmt.Sprint(d.failOnPartial), "splunk-app": d.splunkApp, "interactive": fmt.Sprint(cliapp.IsTerminal(app.Err)),
		"cluster": d.cluster, "database": d.database}
	for _, kv := range d.extra {
		k, v, ok := strings.Cut(kv, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return nil, fmt.Errorf("--option %q: want KEY=VALUE", kv)
		}
		m[k] = strings.TrimSpace(v)
	}
	return m, nil
}

func newQuery(app *cliapp.App) *cobra.Command {
	var o queryOpts
	cmd := &cobra.Command{
		Use:   "query ENV [Family.name]",
		Short: "Run a query template, or an ad-hoc query with --sql / --kql, on a data environment",
		Long: `Run a query template on a data environment (name or alias, see 'huntkit providers'), or an
ad-hoc query given with --sql or --kql. Template parameters are given with --param name=value
(lists as a,b,c); --start and --end set the query window (ISO-8601, now, -3d@d, -2h, or a
number of days; default: the last day). --print shows the rendered query without running it.
--map FILE (LocalData) makes Sentinel-named views over files of another schema, e.g. --map
otrf for OTRF Security-Datasets files (TimeCreated as TimeGenerated, Hostname as Computer).

Parameter values are bound safely: a value the template places inside a quoted literal is
escaped for that literal; numbers, times and lists are validated against their declared type.
Code-fragment parameters (add_query_items, table, query_project, event_filter,
subscription_filter) and str parameters placed outside quotes are inserted as query code.`,
		Example: `  huntkit query LogAnalytics WindowsSecurity.list_host_logons --param host_name=web01 --start -2d --print
  huntkit query LocalData --sql "SELECT * FROM host_logons LIMIT 10" --data ./data
  huntkit query LocalData SecurityAlert.list_alerts --data ./data -o csv --out alerts.csv --save alerts
  huntkit --config ./emu/msticpyconfig.yaml query Kusto --cluster Emulator --kql 'SecurityAlert | summarize count() by AlertSeverity'
  huntkit query LocalData WindowsSecurity.list_host_logons --data ./otrf --map otrf --param host_name=WORKSTATION5 --start 2020-10-18 --end 2020-10-19`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runQuery(cmd.Context(), app, &o, args)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			switch len(args) {
			case 0:
				return completeEnvs(cmd, args, "")
			case 1:
				return templateNames(app, &o.sf, args[0]), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
	}
	f := cmd.Flags()
	o.sf.add(cmd, false)
	f.StringArrayVarP(&o.params, "param", "p", nil, "template parameter name=value (repeatable)")
	f.StringVar(&o.start, "start", "", "query window start: ISO-8601, now, -3d@d, -2h, or days (default: end - 1 day)")
	f.StringVar(&o.end, "end", "", "query window end (default: now)")
	f.BoolVar(&o.print, "print", false, "print the rendered query and do not run it")
	f.StringVar(&o.sql, "sql", "", "run this SQL instead of a template")
	f.StringVar(&o.kql, "kql", "", "run this KQL instead of a template")
	f.StringVar(&o.save, "save", "", "also save the result as a table in the workspace")
	f.StringArrayVar(&o.data, "data", nil, "data folder or file for local environments (repeatable)")
	f.StringVar(&o.mapping, "map", "", "LocalData: table/column mapping YAML file, or a built-in one (otrf), so Sentinel templates run on other schemas")
	f.StringVar(&o.driverOpts.workspaceName, "workspace-name", "", "Sentinel workspaces from AzureSentinel.Workspaces, comma-separated (default: Default)")
	f.StringVar(&o.driverOpts.cluster, "cluster", "", "Kusto: a KustoClusters name, cluster URL or host (default: the template's, or the only one configured)")
	f.StringVar(&o.driverOpts.database, "database", "", "Kusto: the database (default: the template's, then the cluster's Database)")
	f.StringVar(&o.driverOpts.auth, "auth", "", "Azure sign-in methods to try in order, comma-separated (default: Azure.auth_methods)")
	f.StringVar(&o.driverOpts.timeout, "timeout", "", "server-side query timeout for cloud environments (e.g. 300s, 5m)")
	f.StringVar(&o.driverOpts.split, "split", "", "cloud environments: query the window in chunks of this length (1d, 6h), concurrently")
	f.StringVar(&o.driverOpts.splunkApp, "splunk-app", "", "Splunk: the app whose namespace searches run in (servicesNS/-/APP/...; default: DataProviders.Splunk.Args.app)")
	f.BoolVar(&o.driverOpts.failOnPartial, "fail-on-partial", false, "treat a partial result from the service as an error")
	f.StringArrayVar(&o.driverOpts.extra, "option", nil, "a driver option KEY=VALUE (repeatable), e.g. subscriptions=ID1,ID2 (ResourceGraph), max-rows=N, page-size=N, instance=NAME")
	f.StringVar(&o.text, "text", "", "run this query in the environment's own language (a Graph path for MSGraph, KQL for MDE, ...)")
	cliapp.AddOutputFlags(cmd, &o.out)
	_ = cmd.RegisterFlagCompletionFunc("param", func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		return paramNames(app, &o.sf, args), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// paramNames completes --param with "name=" for the template named by args (ENV Family.name).
func paramNames(app *cliapp.App, sf *storeFlags, args []string) []string {
	if len(args) < 2 {
		return nil
	}
	old := app.Err
	app.Err = io.Discard
	defer func() { app.Err = old }()
	hk, err := sf.open(context.Background(), app)
	if err != nil {
		return nil
	}
	t, err := hk.Template(args[0], args[1])
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range t.Params {
		out = append(out, p.Name+"=")
	}
	return out
}

func runQuery(ctx context.Context, app *cliapp.App, o *queryOpts, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.out.Validate(); err != nil {
		return err
	}
	if n := btoi(o.sql != "") + btoi(o.kql != "") + btoi(o.text != ""); n > 1 {
		return cliapp.UsageError(errors.New("give --sql, --kql or --text, not both"))
	}
	dopts, err := o.driverOpts.options(app)
	if err != nil {
		return cliapp.UsageError(err)
	}
	hk, err := o.sf.open(ctx, app)
	if err != nil {
		return err
	}
	s, err := hk.Provider(args[0], huntkit.WithData(o.data...), huntkit.WithOptions(dopts),
		huntkit.WithMapping(o.mapping))
	if err != nil {
		return err
	}
	r := huntkit.Request{Window: huntkit.Window{Start: o.start, End: o.end}}
	switch {
	case o.sql != "":
		r.Text, r.Language = o.sql, "sql"
	case o.kql != "":
		r.Text, r.Language = o.kql, "kql"
	case o.text != "":
		r.Text = o.text
	}
	if len(args) > 1 {
		if r.Text != "" {
			flag := r.Language
			if flag == "" {
				flag = "text"
			}
			return cliapp.UsageError(fmt.Errorf("give a template name or --%s, not both", flag))
		}
		r.Template = args[1]
	}
	if r.Params, err = parseParams(o.params); err != nil {
		return cliapp.UsageError(err)
	}
	req, err := s.PrepareContext(ctx, r)
	if err != nil {
		return err
	}
	if o.print {
		text := config.MaskText(req.Text) // a URL or connection string in the query keeps its secret
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		_, err := io.WriteString(app.Out, text)
		return err
	}
	res, err := s.Execute(ctx, req)
	if errors.Is(err, query.ErrNotBuilt) {
		return fmt.Errorf("%w (use --print to see the query)", err)
	}
	if err != nil {
		return err
	}
	if o.save != "" {
		if err := s.Save(ctx, res, o.save); err != nil {
			return err
		}
		app.Infof("saved %d rows as table %s", res.Len(), o.save)
		if app.WorkspacePath == "" {
			app.Infof("note: the workspace is in memory; pass --workspace FILE to keep the table")
		}
	}
	return app.WriteFrame(&o.out, res)
}

// parseParams reads name=value pairs; a name given twice is an error.
func parseParams(list []string) (huntkit.Params, error) {
	out := huntkit.Params{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want name=value", kv)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--param %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
