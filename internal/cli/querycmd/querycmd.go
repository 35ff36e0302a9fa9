// Package querycmd holds the commands that list data environments (providers), list, search
// and explain query templates (queries), and run templates or ad-hoc queries (query).
package querycmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/query"
	// the built-in template library registers itself with package query
	_ "github.com/huntkit/huntkit/queries"
)

// New returns the providers, queries and query commands.
func New(app *cliapp.App) []*cobra.Command {
	return []*cobra.Command{newProviders(app), newQueries(app), newQuery(app)}
}

// now is the clock used for time expressions (tests replace it).
var now = time.Now

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
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			envs := query.Environments()
			n := len(envs)
			names, aliases, langs, descs, status := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			built, configured := make([]bool, n), make([]bool, n)
			for i, e := range envs {
				names[i] = e.Name
				aliases[i] = strings.Join(e.Aliases, ", ")
				langs[i] = e.Language
				descs[i] = e.Description
				built[i] = e.Built()
				configured[i] = e.IsConfigured(cfg)
				switch {
				case !built[i]:
					status[i] = "not built yet"
				case configured[i]:
					status[i] = "configured"
				default:
					status[i] = "not configured"
				}
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

// load builds the template store: built-in templates, the config's QueryDefinitions.Custom
// folders, then --queries folders. Broken files are reported as warnings; the rest loads.
func (s *storeFlags) load(app *cliapp.App) (*query.Store, error) {
	cfg, err := app.Config()
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, d := range cfg.QueryPaths() {
		if _, err := os.Stat(d); err != nil {
			app.Warnf("QueryDefinitions folder %s: %v", d, err)
			continue
		}
		dirs = append(dirs, d)
	}
	for _, d := range s.dirs {
		if _, err := os.Stat(d); err != nil {
			return nil, cliapp.UsageError(fmt.Errorf("--queries %s: %w", d, err))
		}
		dirs = append(dirs, d)
	}
	st, err := query.LoadStore(dirs...)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			app.Warnf("%s", line)
		}
	}
	return st, nil
}

// ---------------------------------------------------------------------------------------------
// queries

func newQueries(app *cliapp.App) *cobra.Command {
	var sf storeFlags
	var env string
	var out cliapp.Output
	list := func(pattern string) error {
		if err := out.Validate(); err != nil {
			return err
		}
		var re *regexp.Regexp
		if pattern != "" {
			var err error
			if re, err = regexp.Compile("(?i)" + pattern); err != nil {
				return cliapp.UsageError(fmt.Errorf("bad search pattern %q: %w", pattern, err))
			}
		}
		st, err := sf.load(app)
		if err != nil {
			return err
		}
		if err := checkEnv(st, env); err != nil {
			return err
		}
		var entries []query.Entry
		if re != nil {
			entries = st.Search(re, env)
		} else {
			entries = st.List(env)
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
			return list(pattern)
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
				return list(args[0])
			}
			return list("")
		},
	}
	cliapp.AddOutputFlags(listCmd, &out)
	searchCmd := &cobra.Command{
		Use:   "search REGEX",
		Short: "List templates whose name, description, table or parameters match REGEX",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return list(args[0]) },
	}
	cliapp.AddOutputFlags(searchCmd, &out)
	helpCmd := &cobra.Command{
		Use:   "help Family.name",
		Short: "Show a template's description, parameters and query text",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := sf.load(app)
			if err != nil {
				return err
			}
			if err := checkEnv(st, env); err != nil {
				return err
			}
			if env != "" {
				t, err := st.Lookup(env, args[0])
				if err != nil {
					return cliapp.UsageError(err)
				}
				return t.WriteHelp(app.Out, dialectFor(env, t))
			}
			// No environment: explain every template of that name (one per definition).
			entries, err := st.LookupAll(args[0])
			if err != nil {
				return cliapp.UsageError(err)
			}
			for i, e := range entries {
				if i > 0 {
					fmt.Fprintln(app.Out, "\n"+strings.Repeat("-", 72))
				}
				if err := e.Template.WriteHelp(app.Out, dialectFor(firstEnv(e.Env), e.Template)); err != nil {
					return err
				}
			}
			return nil
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

// checkEnv accepts a registered environment name or alias, or an environment named only by
// templates in the store (msticpy files may name environments huntkit has no driver for).
func checkEnv(st *query.Store, env string) error {
	if env == "" {
		return nil
	}
	_, err := query.LookupEnv(env)
	if err == nil {
		return nil
	}
	for _, n := range st.EnvNames() {
		if strings.EqualFold(n, env) {
			return nil
		}
	}
	return envError(err)
}

// envError makes an unknown-environment error a usage error; when no name is close enough
// to suggest, it points at the list.
func envError(err error) error {
	var nf *query.NotFoundError
	if errors.As(err, &nf) && len(nf.Suggestions) == 0 {
		err = fmt.Errorf("%w (see huntkit providers)", err)
	}
	return cliapp.UsageError(err)
}

// dialectFor picks the dialect to explain a template in: the named environment's, else that
// of the template's first registered environment, else KQL.
func dialectFor(env string, t *query.Template) query.Dialect {
	if d := query.DialectFor(t.Language()); d != nil {
		return d
	}
	names := append([]string{env}, t.Environments...)
	for _, n := range names {
		if n == "" {
			continue
		}
		if e, err := query.LookupEnv(n); err == nil && e.Dialect != nil {
			return e.Dialect
		}
	}
	return query.KQL
}

func firstEnv(list string) string {
	first, _, _ := strings.Cut(list, ",")
	return strings.TrimSpace(first)
}

func entriesFrame(entries []query.Entry) *frame.Frame {
	n := len(entries)
	envs, names, descs, req, file := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range entries {
		envs[i] = e.Env
		names[i] = e.Name
		descs[i] = e.Template.Description
		var r []string
		for _, p := range e.Template.Params {
			if p.Required() && !(p.Type == query.TypeDatetime && (p.Name == "start" || p.Name == "end")) {
				r = append(r, p.Name)
			}
		}
		req[i] = strings.Join(r, ", ")
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
	st, err := sf.load(app)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range st.List(env) {
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
	data       []string
	out        cliapp.Output
	driverOpts driverOpts
}

// driverOpts are the flags cloud drivers read from query.Settings.Options.
type driverOpts struct {
	workspaceName, auth, timeout, split string
	failOnPartial                       bool
}

func (d driverOpts) options(app *cliapp.App) map[string]string {
	return map[string]string{"workspace-name": d.workspaceName, "auth": d.auth, "timeout": d.timeout, "split": d.split,
		"fail-on-partial": fmt.Sprint(d.failOnPartial), "interactive": fmt.Sprint(cliapp.IsTerminal(app.Err))}
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

Parameter values are bound safely: a value the template places inside a quoted literal is
escaped for that literal; numbers, times and lists are validated against their declared type.
Code-fragment parameters (add_query_items, table, query_project, event_filter,
subscription_filter) and str parameters placed outside quotes are inserted as query code.`,
		Example: `  huntkit query LogAnalytics WindowsSecurity.list_host_logons --param host_name=web01 --start -2d --print
  huntkit query LocalData --sql "SELECT * FROM host_logons LIMIT 10" --data ./data
  huntkit query LocalData SecurityAlert.list_alerts --data ./data -o csv --out alerts.csv --save alerts`,
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
	f.StringVar(&o.driverOpts.workspaceName, "workspace-name", "", "Sentinel workspaces from AzureSentinel.Workspaces, comma-separated (default: Default)")
	f.StringVar(&o.driverOpts.auth, "auth", "", "Azure sign-in methods to try in order, comma-separated (default: Azure.auth_methods)")
	f.StringVar(&o.driverOpts.timeout, "timeout", "", "server-side query timeout for cloud environments (e.g. 300s, 5m)")
	f.StringVar(&o.driverOpts.split, "split", "", "cloud environments: query the window in chunks of this length (1d, 6h), concurrently")
	f.BoolVar(&o.driverOpts.failOnPartial, "fail-on-partial", false, "treat a partial result from the service as an error")
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
	st, err := sf.load(app)
	if err != nil {
		return nil
	}
	t, err := st.Lookup(args[0], args[1])
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
	env, err := query.LookupEnv(args[0])
	if err != nil {
		return envError(err)
	}
	dialect := env.Dialect
	if dialect == nil {
		dialect = query.KQL
	}
	var req query.Request
	switch {
	case o.sql != "" && o.kql != "":
		return cliapp.UsageError(errors.New("give --sql or --kql, not both"))
	case o.sql != "" || o.kql != "":
		req.Text, req.Language = o.sql, "sql"
		if o.kql != "" {
			req.Text, req.Language = o.kql, "kql"
		}
		if len(args) > 1 {
			return cliapp.UsageError(fmt.Errorf("give a template name or --%s, not both", req.Language))
		}
		if len(o.params) > 0 {
			return cliapp.UsageError(errors.New("--param applies to templates, not to --sql / --kql"))
		}
		if o.start != "" || o.end != "" {
			s, e, err := query.Window(o.start, o.end, now())
			if err != nil {
				return cliapp.UsageError(err)
			}
			req.Start, req.End = s, e
			req.Bounded = true
		}
	default:
		if len(args) < 2 {
			return cliapp.UsageError(errors.New("name a template (Family.name) or give --sql / --kql; see 'huntkit queries --env " + env.Name + "'"))
		}
		st, err := o.sf.load(app)
		if err != nil {
			return err
		}
		t, err := st.Lookup(env.Name, args[1])
		if err != nil {
			return cliapp.UsageError(err)
		}
		values, err := parseParams(o.params)
		if err != nil {
			return cliapp.UsageError(err)
		}
		for name, v := range map[string]string{"start": o.start, "end": o.end} {
			if v == "" {
				continue
			}
			if _, dup := values[name]; dup {
				return cliapp.UsageError(fmt.Errorf("--%s and --param %s=... both given", name, name))
			}
			if p := t.Param(name); p != nil && p.Type == query.TypeDatetime {
				values[name] = v
			} else {
				app.Warnf("template %s has no %s parameter; --%s ignored", t.QualifiedName(), name, name)
			}
		}
		if dialect, err = t.DialectIn(env); err != nil {
			return cliapp.UsageError(err)
		}
		req, err = t.Render(dialect, values, query.WithNow(now()))
		if err != nil {
			return cliapp.UsageError(err)
		}
	}
	if o.print {
		text := req.Text
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		_, err := io.WriteString(app.Out, text)
		return err
	}
	if !env.Built() {
		return fmt.Errorf("data environment %s: %w (use --print to see the query)", env.Name, query.ErrNotBuilt)
	}
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	ws, err := app.Workspace(ctx)
	if err != nil {
		return err
	}
	drv, err := env.New(ctx, query.Settings{Config: cfg, DataPaths: o.data, Workspace: ws, Options: o.driverOpts.options(app)})
	if err != nil {
		return fmt.Errorf("data environment %s: %w", env.Name, err)
	}
	if c, ok := drv.(io.Closer); ok {
		defer c.Close()
	}
	if c, ok := drv.(query.Connector); ok {
		if err := c.Connect(ctx); err != nil {
			return fmt.Errorf("connect to %s: %w", env.Name, err)
		}
	}
	res, err := drv.Query(ctx, req)
	if err != nil {
		return fmt.Errorf("query %s: %w", env.Name, err)
	}
	if w, ok := drv.(query.Warner); ok {
		for _, werr := range w.Warnings() {
			app.Warnf("%s: %v", env.Name, werr)
		}
	}
	if o.save != "" {
		if err := ws.Register(ctx, o.save, res); err != nil {
			return fmt.Errorf("save result as %s: %w", o.save, err)
		}
		app.Infof("saved %d rows as table %s", res.Len(), o.save)
		if app.WorkspacePath == "" {
			app.Infof("note: the workspace is in memory; pass --workspace FILE to keep the table")
		}
	}
	return app.WriteFrame(&o.out, res)
}

// parseParams reads name=value pairs; a name given twice is an error.
func parseParams(list []string) (map[string]any, error) {
	out := map[string]any{}
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
