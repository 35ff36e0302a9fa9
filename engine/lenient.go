package engine

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/huntkit/huntkit/frame"
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
	if _, err := sourceKind(path); err != nil {
		return nil, err
	}
	staged, release, err := w.stageFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer release()
	rejects, err := w.importLenient(ctx, table, staged)
	for i := range rejects {
		rejects[i].File = path
		rejects[i].Message = strings.ReplaceAll(rejects[i].Message, staged, path)
	}
	return rejects, unstage(err, staged, path)
}

func (w *Workspace) importLenient(ctx context.Context, table, path string) ([]Reject, error) {
	kind, err := sourceKind(path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "csv":
		rejects, err := w.importCSVLenient(ctx, table, path)
		if err != nil {
			return rejects, err
		}
		// DuckDB's sniffer can misread a small, inconsistent file (a later row taken for the
		// header): then keep the records Go's strict reader accepts instead.
		header, _ := scanCSV(ctx, path, 1)
		cols, cerr := w.Columns(ctx, table)
		if cerr == nil && header > 0 && len(cols) != header {
			return w.importCSVFiltered(ctx, table, path)
		}
		return rejects, nil
	case "json":
		if err := w.importFile(ctx, table, path); err == nil {
			return nil, nil
		}
		return w.importJSONLenient(ctx, table, path)
	}
	return nil, w.importFile(ctx, table, path)
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
	good, rejects, err := filterJSONLines(ctx, path, w.stage)
	if err != nil {
		return nil, err
	}
	defer os.Remove(good)
	if err := w.importFile(ctx, table, good); err != nil {
		return rejects, err
	}
	return rejects, nil
}

// importCSVFiltered copies the records with the header's field count to a temporary CSV
// file that DuckDB imports, and reports the others.
func (w *Workspace) importCSVFiltered(ctx context.Context, table, path string) ([]Reject, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	cr := csv.NewReader(ctxReader{ctx, fh})
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	out, err := os.CreateTemp(w.stage, "good-*.csv")
	if err != nil {
		return nil, err
	}
	defer os.Remove(out.Name())
	cw := frame.NewCSVWriter(out)
	var rejects []Reject
	want := -1
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			rejects = append(rejects, Reject{File: path, Line: int64(line), Message: err.Error()})
			continue
		}
		if want < 0 {
			want = len(rec)
		}
		if len(rec) != want {
			l, _ := cr.FieldPos(0)
			rejects = append(rejects, Reject{File: path, Line: int64(l), Message: fmt.Sprintf("%d fields, the header has %d", len(rec), want)})
			continue
		}
		if err := cw.Write(rec); err != nil {
			out.Close()
			return nil, err
		}
	}
	if err := cw.Flush(); err != nil {
		out.Close()
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if err := w.importFile(ctx, table, out.Name()); err != nil {
		return rejects, err
	}
	return rejects, nil
}
