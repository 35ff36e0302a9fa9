package engine

import (
	"context"
	"fmt"
	"strings"
)

// ImportView makes table a view over the file's reader instead of a copy of its rows, for a
// workspace that is only queried once or twice (a command line run): DuckDB then reads only
// the columns and rows a query needs, with no table to fill first. Type detection is
// Import's (sample, hexadecimal columns kept as text) and the header must give the same
// columns. It returns view=false when it imported a table instead: for a workspace kept in a
// file (a view would point at the file, not hold its rows), zip archives, Zeek TSV logs
// (converted first), or when the view cannot be made. A value past the type-detection sample that does not fit, or a malformed
// row, shows only when a query reads it: Materialize then imports the table as Import does
// and reports the row. A sandboxed workspace (without WithFileAccess) always imports: a view
// would read its file at query time, when the sandbox refuses files outside the workspace.
func (w *Workspace) ImportView(ctx context.Context, table, path string) (view bool, err error) {
	kind, err := sourceKind(path)
	if err != nil {
		return false, err
	}
	if w.path != "" || kind == "zip" || kind == "zeek" || !w.fileAccess {
		return false, w.Import(ctx, table, path)
	}
	var src string
	headerFields := 0
	switch kind {
	case "csv":
		n, err := scanCSV(ctx, path, 20480)
		if err != nil {
			return false, fmt.Errorf("import %w", err)
		}
		headerFields = n
		src = csvSource([]string{path}, false, w.hexColumns(ctx, []string{path}), 0)
	case "json":
		src = jsonSource([]string{path}, false)
	default:
		src = "read_parquet(" + QuoteString(path) + ")"
	}
	w.mu.Lock()
	_, err = w.db.ExecContext(ctx, "CREATE OR REPLACE VIEW "+QuoteIdent(table)+" AS SELECT * FROM "+src)
	w.mu.Unlock()
	if err == nil && headerFields > 0 {
		cols, cerr := w.Columns(ctx, table)
		if cerr != nil || len(cols) != headerFields {
			err = fmt.Errorf("column count")
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, w.Materialize(ctx, table, path)
	}
	return true, nil
}

// Materialize replaces a view made by ImportView with a table imported by Import (type
// detection over every row when the sample's types do not fit, file:line errors).
func (w *Workspace) Materialize(ctx context.Context, table, path string) error {
	w.mu.Lock()
	_, _ = w.db.ExecContext(ctx, "DROP VIEW IF EXISTS "+QuoteIdent(table))
	w.mu.Unlock()
	return w.Import(ctx, table, path)
}

// ReadError reports whether err is a failure to read a value or row from a file (a value
// that does not fit the detected type, a malformed CSV row): the errors of a view made by
// ImportView that Materialize turns into Import's behaviour.
func ReadError(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"Conversion Error", "Invalid Input Error", "CSV Error", "Could not convert"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
