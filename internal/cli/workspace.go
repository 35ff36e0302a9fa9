package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
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
		Short: "Import CSV, JSON lines (.json, .jsonl, .log), Zeek TSV logs, Parquet or zipped JSON files as tables (named after each file)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			hk, err := app.Huntkit(ctx)
			if err != nil {
				return err
			}
			results, err := hk.Import(ctx, args, huntkit.ImportOptions{Table: table, Lenient: lenient})
			if err != nil {
				return err
			}
			var failed, partial []string
			for _, r := range results {
				if r.Err != nil {
					app.Warnf("%s", cliapp.Message(r.Err))
					failed = append(failed, r.File)
					continue
				}
				for i, rj := range r.Rejected {
					if i == 10 {
						app.Warnf("%s: %d more rejected records not listed", r.File, len(r.Rejected)-10)
						break
					}
					app.Warnf("skipped %s", rj)
				}
				if len(r.Rejected) > 0 {
					partial = append(partial, fmt.Sprintf("%s (%d records skipped)", r.File, len(r.Rejected)))
				}
				app.Infof("imported %s as table %s", r.File, r.Table)
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d files failed to import: %s", len(failed), len(results), strings.Join(failed, ", "))
			}
			if len(partial) > 0 {
				return fmt.Errorf("imported with malformed records left out: %s", strings.Join(partial, ", "))
			}
			app.NoteInMemory()
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
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			infos, err := hk.Tables(cmd.Context())
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
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			f, err := hk.SQL(cmd.Context(), args[0])
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
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			if err := hk.Export(cmd.Context(), args[0], args[1], format); err != nil {
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
