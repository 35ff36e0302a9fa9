package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/suggest"
)

// newWorkspaceCmd is the workspace group: import files, list tables, run SQL, export.
func newWorkspaceCmd(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "workspace",
		Aliases: []string{"ws"},
		Short:   "Manage the DuckDB investigation workspace (--workspace FILE): import, tables, sql, export",
	}
	var table string
	var lenient bool
	imp := &cobra.Command{
		Use:   "import FILE|DIR...",
		Short: "Import CSV, JSON lines, Parquet or zipped JSON files as tables (named after each file)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			plan, err := engine.PlanImport(args)
			if err != nil {
				return cliapp.UsageError(err)
			}
			for _, m := range plan.Skipped {
				app.Warnf("skipped %s", m)
			}
			for _, m := range plan.Notices {
				app.Warnf("%s", m)
			}
			files := plan.Sources
			if table != "" && len(files) != 1 {
				return cliapp.UsageError(fmt.Errorf("--table needs exactly one file, got %d", len(files)))
			}
			ws, err := app.Workspace(ctx)
			if err != nil {
				return err
			}
			var failed, partial []string
			p := app.Progress("importing", len(files))
			defer p.Done()
			for _, src := range files {
				f, name := src.Path, src.Table
				if table != "" {
					name = table
				}
				if lenient {
					rejects, err := ws.ImportLenient(ctx, name, f)
					if err != nil {
						app.Warnf("%s", cliapp.Message(err))
						failed = append(failed, f)
						continue
					}
					for i, r := range rejects {
						if i == 10 {
							app.Warnf("%s: %d more rejected records not listed", f, len(rejects)-10)
							break
						}
						app.Warnf("skipped %s", r)
					}
					if len(rejects) > 0 {
						partial = append(partial, fmt.Sprintf("%s (%d records skipped)", f, len(rejects)))
					}
				} else if err := ws.Import(ctx, name, f); err != nil {
					hint := ""
					if errors.Is(err, frame.ErrMalformed) {
						hint = " (--skip-bad-rows imports the good records and lists the bad ones)"
					}
					app.Warnf("%s%s", cliapp.Message(err), hint)
					failed = append(failed, f)
					continue
				}
				p.Add(1)
				app.Infof("imported %s as table %s", f, name)
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d files failed to import: %s", len(failed), len(files), strings.Join(failed, ", "))
			}
			if len(partial) > 0 {
				return fmt.Errorf("imported with malformed records left out: %s", strings.Join(partial, ", "))
			}
			if app.WorkspacePath == "" {
				app.Infof("note: the workspace is in memory; pass --workspace FILE to keep the tables")
			}
			return nil
		},
	}
	imp.Flags().StringVar(&table, "table", "", "table name (default: the file's base name)")
	imp.Flags().BoolVar(&lenient, "skip-bad-rows", false, "import the good records of a malformed CSV or JSON-lines file and list the bad ones (exit code 1)")

	var out cliapp.Output
	tables := &cobra.Command{
		Use:   "tables",
		Short: "List the workspace's tables with their row counts and columns",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := app.Workspace(cmd.Context())
			if err != nil {
				return err
			}
			infos, err := ws.Tables(cmd.Context())
			if err != nil {
				return err
			}
			b := []*frame.Builder{frame.NewBuilder("Table", frame.String, len(infos)), frame.NewBuilder("Rows", frame.Int, len(infos)),
				frame.NewBuilder("Columns", frame.String, len(infos))}
			for _, ti := range infos {
				b[0].AppendString(ti.Name)
				if ti.Rows < 0 {
					b[1].AppendNull()
				} else {
					b[1].AppendInt(ti.Rows)
				}
				cols := make([]string, len(ti.Columns))
				for i, c := range ti.Columns {
					cols[i] = c.Name + ":" + c.Type.String()
				}
				b[2].AppendString(strings.Join(cols, ", "))
			}
			f := frame.MustNew(b[0].Column(), b[1].Column(), b[2].Column())
			return app.WriteFrame(&out, f)
		},
	}
	cliapp.AddOutputFlags(tables, &out)

	var sqlOut cliapp.Output
	sqlCmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Run DuckDB SQL on the workspace",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sqlOut.Validate(); err != nil {
				return err
			}
			ws, err := app.Workspace(cmd.Context())
			if err != nil {
				return err
			}
			f, err := ws.Query(cmd.Context(), args[0])
			if err != nil {
				if f != nil {
					_ = app.WriteFrame(&sqlOut, f)
				}
				return err
			}
			return app.WriteFrame(&sqlOut, f)
		},
	}
	cliapp.AddOutputFlags(sqlCmd, &sqlOut)

	var format string
	export := &cobra.Command{
		Use:   "export TABLE|QUERY FILE",
		Short: "Export a table or a query's result with DuckDB's COPY (csv, ndjson, parquet)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := exportFormat(format, args[1]); err != nil {
				return cliapp.UsageError(err)
			}
			ws, err := app.Workspace(cmd.Context())
			if err != nil {
				return err
			}
			src := args[0]
			if bareName.MatchString(src) {
				// a single word is a table name (DuckDB names are case-insensitive), not SQL
				infos, err := ws.Tables(cmd.Context())
				if err != nil {
					return err
				}
				var names []string
				for _, ti := range infos {
					names = append(names, ti.Name)
					if strings.EqualFold(ti.Name, src) {
						src = ti.Name
					}
				}
				if !slices.Contains(names, src) {
					hint := " (see huntkit workspace tables)"
					if c := suggest.Closest(src, names); c != "" {
						hint = fmt.Sprintf(" (did you mean %q?)", c)
					}
					return cliapp.UsageError(fmt.Errorf("export: no table %q in the workspace%s", src, hint))
				}
			}
			if err := ws.Export(cmd.Context(), src, args[1], format); err != nil {
				return err
			}
			app.Infof("exported %s to %s", args[0], args[1])
			return nil
		},
	}
	export.Flags().StringVar(&format, "format", "", "csv, ndjson or parquet (default: from the file's extension)")
	cmd.AddCommand(imp, tables, sqlCmd, export)
	return cmd
}

// bareName matches a single identifier: workspace export reads it as a table name.
var bareName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// exportFormat checks that the export format is known, from --format or else from the
// file's extension (DuckDB's COPY would otherwise write CSV under any name).
func exportFormat(format, path string) error {
	if format != "" {
		switch strings.ToLower(format) {
		case "csv", "json", "ndjson", "jsonl", "parquet":
			return nil
		}
		return fmt.Errorf("export: unknown --format %q (want csv, ndjson or parquet)", format)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".json", ".jsonl", ".ndjson", ".parquet", ".pq":
		return nil
	}
	return fmt.Errorf("export: cannot tell the format of %s from its extension; name one with --format csv|ndjson|parquet", path)
}
