package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Reject is a record that ImportLenient left out.
type Reject struct {
	File    string
	Line    int64
	Column  string
	Message string
}

func (r Reject) String() string {
	where := fmt.Sprintf("%s:%d", r.File, r.Line)
	if r.Column != "" {
		where += " (column " + r.Column + ")"
	}
	return where + ": " + r.Message
}

// ImportLenient imports a CSV or JSON-lines file like Import but keeps going past malformed
// records: the good rows become the table and the bad ones are returned (CSV: each with its
// line and DuckDB's reason; JSON lines: located by re-reading the file). Other formats import
// as with Import.
func (w *Workspace) ImportLenient(ctx context.Context, table, path string) ([]Reject, error) {
	kind, err := sourceKind(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	switch kind {
	case "csv":
		return w.importCSVLenient(ctx, table, path)
	case "json":
		if err := w.Import(ctx, table, path); err == nil {
			return nil, nil
		}
		return w.importJSONLenient(ctx, table, path)
	}
	return nil, w.Import(ctx, table, path)
}

func (w *Workspace) importCSVLenient(ctx context.Context, table, path string) ([]Reject, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rejTable, rejScan := "huntkit_rejects_"+table, "huntkit_reject_scans_"+table
	text := w.hexColumnsLocked(ctx, []string{path})
	src := "read_csv(" + pathsArg([]string{path}) + csvDialect([]string{path}) + typesArg(text) +
		", null_padding=false, ignore_errors=true, store_rejects=true, rejects_table=" + QuoteString(rejTable) +
		", rejects_scan=" + QuoteString(rejScan) + ")"
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+QuoteIdent(table)+" AS SELECT * FROM "+src); err != nil {
		return nil, importError(ctx, path, err)
	}
	rows, err := conn.QueryContext(ctx, "SELECT line, coalesce(column_name, ''), error_message FROM "+QuoteIdent(rejTable)+" ORDER BY line")
	if err != nil {
		return nil, sqlError(ctx, err)
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.Line, &r.Column, &r.Message); err != nil {
			return out, err
		}
		r.File = path
		if n := len(out); n > 0 && out[n-1].Line == r.Line {
			continue // one record per line, with DuckDB's first reason
		}
		if i := strings.IndexByte(r.Message, '\n'); i >= 0 {
			r.Message = r.Message[:i]
		}
		out = append(out, r)
	}
	_, _ = conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+QuoteIdent(rejTable)+"; DROP TABLE IF EXISTS "+QuoteIdent(rejScan))
	return out, rows.Err()
}

// importJSONLenient keeps the lines that are valid JSON: they are copied to a temporary
// file that DuckDB imports, and the others are reported.
func (w *Workspace) importJSONLenient(ctx context.Context, table, path string) ([]Reject, error) {
	good, rejects, err := filterJSONLines(path)
	if err != nil {
		return nil, err
	}
	defer os.Remove(good)
	if err := w.Import(ctx, table, good); err != nil {
		return rejects, err
	}
	return rejects, nil
}
