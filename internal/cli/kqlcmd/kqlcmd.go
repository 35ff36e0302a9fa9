// Package kqlcmd implements "huntkit kql": parse, compile and check KQL queries offline.
package kqlcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/kql"
)

// New returns the kql command group.
func New(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kql",
		Short: "Parse, compile and check KQL (Kusto) queries for local data",
		Long: `Work with KQL offline: print a query's syntax tree in canonical form, compile it to the
DuckDB SQL that runs it on local data, or check many queries (.kql files and the query:
field of YAML detections) and report parse / compile / run results grouped by reason.

Tables are resolved against the built-in Sentinel catalogue plus the tables of the
workspace (--workspace).`,
	}
	cmd.SilenceUsage = true
	cmd.AddCommand(newParse(app), newCompile(app), newCheck(app))
	return cmd
}

func readSource(app *cliapp.App, arg string) (string, error) {
	if arg == "-" {
		b, err := io.ReadAll(app.In)
		if err != nil {
			return "", fmt.Errorf("read stdin: %w", err)
		}
		return string(b), nil
	}
	if _, err := os.Stat(arg); err == nil {
		b, err := os.ReadFile(arg)
		if err != nil {
			return "", err
		}
		if strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
			return yamlQuery(arg, b)
		}
		return string(b), nil
	}
	return arg, nil // the query text itself
}

func yamlQuery(path string, b []byte) (string, error) {
	var doc struct {
		Query string `yaml:"query"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if strings.TrimSpace(doc.Query) == "" {
		return "", fmt.Errorf("%s: no query field", path)
	}
	return doc.Query, nil
}

// describe formats an error with its source context when it is a KQL error.
func describe(name string, err error) error {
	var ke *kql.Error
	if errors.As(err, &ke) {
		return fmt.Errorf("%s:%s", name, ke.Detailed())
	}
	return fmt.Errorf("%s: %w", name, err)
}

func newParse(app *cliapp.App) *cobra.Command {
	return &cobra.Command{
		Use:   "parse FILE|-|QUERY",
		Short: "Parse a query and print it back in canonical form",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := readSource(app, args[0])
			if err != nil {
				return cliapp.UsageError(err)
			}
			q, err := kql.Parse(src)
			if err != nil {
				return describe(args[0], err)
			}
			fmt.Fprintln(app.Out, kql.Format(q))
			return nil
		},
	}
}

// catalog combines the workspace tables (with --workspace) with the Sentinel tables and
// the corpus tables (custom logs and parser functions).
func catalog(ctx context.Context, app *cliapp.App) (kql.Catalog, error) {
	if app.WorkspacePath == "" {
		return huntkit.KQLCatalog(ctx, nil)
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	return hk.KQLCatalog(ctx)
}

func newCompile(app *cliapp.App) *cobra.Command {
	var explain bool
	cmd := &cobra.Command{
		Use:   "compile FILE|-|QUERY",
		Short: "Compile a query to DuckDB SQL",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			src, err := readSource(app, args[0])
			if err != nil {
				return cliapp.UsageError(err)
			}
			q, err := kql.Parse(src)
			if err != nil {
				return describe(args[0], err)
			}
			cat, err := catalog(ctx, app)
			if err != nil {
				return err
			}
			var opts []kql.Option
			if app.WorkspacePath != "" {
				// bag_unpack without a schema reads the bag keys from the workspace
				hk, err := app.Huntkit(ctx)
				if err != nil {
					return err
				}
				probe, err := hk.KQLProbe(ctx)
				if err != nil {
					return err
				}
				opts = append(opts, probe)
			}
			sql, err := kql.CompileQuery(q, cat, opts...)
			if err != nil {
				return describe(args[0], err)
			}
			if explain {
				fmt.Fprintln(app.Out, "-- KQL")
				for _, l := range strings.Split(kql.Format(q), "\n") {
					fmt.Fprintln(app.Out, "-- "+l)
				}
			}
			fmt.Fprintln(app.Out, sql+";")
			return nil
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "print the canonical KQL as comments before the SQL")
	return cmd
}

type checkResult struct {
	File   string `json:"file"`
	Stage  string `json:"stage"` // ok, parse, compile, run
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
}

// envFlags name a connected data environment whose own schema check resolves tables with.
type envFlags struct {
	env, workspaceName, cluster, database, auth string
}

// envCatalog returns the environment's catalogue (its schema first, then the built-in ones)
// and its schema.
func (e envFlags) envCatalog(ctx context.Context, app *cliapp.App) (kql.Catalog, map[string][]frame.Field, func(), error) {
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := hk.Provider(e.env, huntkit.WithOptions(map[string]string{"workspace-name": e.workspaceName, "cluster": e.cluster,
		"database": e.database, "auth": e.auth, "interactive": fmt.Sprint(cliapp.IsTerminal(app.Err))}))
	if err != nil {
		return nil, nil, nil, err
	}
	cat, sch, err := s.KQLCatalog(ctx)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return cat, sch, func() { s.Close() }, nil
}

func newCheck(app *cliapp.App) *cobra.Command {
	var run, asJSON bool
	var ef envFlags
	cmd := &cobra.Command{
		Use:   "check FILE|DIR...",
		Short: "Check .kql files and YAML detections: parse, compile and (with --run) run on empty tables",
		Long: `check parses and compiles each query (and with --run runs it on empty tables of the right
shape), resolving tables against the built-in Sentinel and corpus catalogues and the
workspace's tables. With --env, the tables and columns of a connected data environment come
first (a Sentinel workspace's metadata API, a Kusto database's schema), so custom tables and
columns are not reported as unknown.`,
		Example: `  huntkit --config ./emu/msticpyconfig.yaml kql check --env MSSentinel ./hunts`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var files []string
			for _, a := range args {
				err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
					if err != nil {
						return err
					}
					if !d.IsDir() && (strings.HasSuffix(p, ".kql") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
						files = append(files, p)
					}
					return nil
				})
				if err != nil {
					return cliapp.UsageError(err)
				}
			}
			sort.Strings(files)
			var cat kql.Catalog
			var envTables map[string][]frame.Field
			var err error
			if ef.env != "" {
				var done func()
				if cat, envTables, done, err = ef.envCatalog(ctx, app); err != nil {
					return err
				}
				defer done()
			} else if cat, err = catalog(ctx, app); err != nil {
				return err
			}
			var ws sqlRunner
			if run {
				empty, err := huntkit.EmptyWorkspace(ctx, envTables)
				if err != nil {
					return err
				}
				defer empty.Close()
				ws = empty
			}
			var results []checkResult
			for _, f := range files {
				results = append(results, checkFile(ctx, f, cat, ws)...)
			}
			return report(app, results, asJSON, run)
		},
	}
	cmd.Flags().BoolVar(&run, "run", false, "also run the SQL on empty tables of the catalogue's shape (Sentinel and corpus tables)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file")
	cmd.Flags().StringVar(&ef.env, "env", "", "resolve tables with this data environment's own schema first (MSSentinel, Kusto, ...)")
	cmd.Flags().StringVar(&ef.workspaceName, "workspace-name", "", "with --env MSSentinel: the workspace (default: Default)")
	cmd.Flags().StringVar(&ef.cluster, "cluster", "", "with --env Kusto: the cluster (name, URL or host)")
	cmd.Flags().StringVar(&ef.database, "database", "", "with --env Kusto: the database")
	cmd.Flags().StringVar(&ef.auth, "auth", "", "Azure sign-in methods to try, comma-separated")
	return cmd
}

// sqlRunner runs SQL: the empty workspace of check --run.
type sqlRunner interface {
	Query(ctx context.Context, sql string, args ...any) (*frame.Frame, error)
}

// checkFile checks each query of a file: a .kql file may hold several separated by blank
// lines, each reported as FILE:LINE.
func checkFile(ctx context.Context, f string, cat kql.Catalog, ws sqlRunner) []checkResult {
	b, err := os.ReadFile(f)
	if err != nil {
		return []checkResult{{File: f, Stage: "read", Reason: "unreadable", Error: err.Error()}}
	}
	src := string(b)
	if !strings.HasSuffix(f, ".kql") {
		if src, err = yamlQuery(f, b); err != nil {
			return []checkResult{{File: f, Stage: "read", Reason: "no query", Error: err.Error()}}
		}
		return []checkResult{checkOne(ctx, f, src, cat, ws)}
	}
	pieces := kql.SplitQueries(src)
	if len(pieces) == 1 {
		return []checkResult{checkOne(ctx, f, src, cat, ws)}
	}
	out := make([]checkResult, len(pieces))
	for i, p := range pieces {
		// pad with the lines before the piece so errors keep the file's line numbers
		out[i] = checkOne(ctx, fmt.Sprintf("%s:%d", f, p.Line), strings.Repeat("\n", p.Line-1)+p.Text, cat, ws)
	}
	return out
}

func checkOne(ctx context.Context, f, src string, cat kql.Catalog, ws sqlRunner) checkResult {
	q, err := kql.Parse(src)
	if err != nil {
		return checkResult{File: f, Stage: "parse", Reason: reason(err), Error: err.Error()}
	}
	sql, err := kql.CompileQuery(q, cat)
	if err != nil {
		return checkResult{File: f, Stage: "compile", Reason: reason(err), Error: err.Error()}
	}
	if ws != nil {
		if _, err := ws.Query(ctx, sql); err != nil {
			m := err.Error()
			if i := strings.IndexByte(m, '\n'); i > 0 {
				m = m[:i]
			}
			return checkResult{File: f, Stage: "run", Reason: m, Error: err.Error()}
		}
	}
	return checkResult{File: f, Stage: "ok"}
}

func reason(err error) string {
	var ke *kql.Error
	if errors.As(err, &ke) {
		m := ke.Msg
		if i := strings.Index(m, " (did you mean"); i >= 0 {
			m = m[:i]
		}
		return m
	}
	return err.Error()
}

func report(app *cliapp.App, results []checkResult, asJSON, ran bool) error {
	if asJSON {
		enc := json.NewEncoder(app.Out)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	stages := map[string]int{}
	groups := map[string][]string{}
	for _, r := range results {
		stages[r.Stage]++
		if r.Stage != "ok" {
			k := r.Stage + ": " + r.Reason
			groups[k] = append(groups[k], r.File)
		}
	}
	w := app.Out
	if asJSON {
		w = app.Err
	}
	n := len(results)
	pct := func(k int) float64 {
		if n == 0 {
			return 0
		}
		return 100 * float64(k) / float64(n)
	}
	parsed := n - stages["parse"] - stages["read"]
	compiled := parsed - stages["compile"]
	fmt.Fprintf(w, "%d queries: parsed %d (%.1f%%), compiled %d (%.1f%%)", n, parsed, pct(parsed), compiled, pct(compiled))
	if ran {
		fmt.Fprintf(w, ", ran %d (%.1f%%)", stages["ok"], pct(stages["ok"]))
	}
	fmt.Fprintln(w)
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(groups[keys[i]]) != len(groups[keys[j]]) {
			return len(groups[keys[i]]) > len(groups[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(w, "%5d  %s\n", len(groups[k]), k)
	}
	if stages["ok"] < n {
		return &cliapp.PartialError{Err: fmt.Errorf("%d of %d queries failed", n-stages["ok"], n)}
	}
	return nil
}
