package engine

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
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
		if err != nil && ctx.Err() == nil {
			// DuckDB's sniffer can fail on the file as a whole (an unterminated quote):
			// keep the records that parse on their own instead.
			return w.importCSVFiltered(ctx, table, path)
		}
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
	src := func(maxLine int) string {
		return "read_csv(" + pathsArg([]string{path}) + csvDialect([]string{path}) + typesArg(text) + lineArg(maxLine) +
			", null_padding=false, ignore_errors=true, store_rejects=true, rejects_table=" + QuoteString(rejTable) +
			", rejects_scan=" + QuoteString(rejScan) + ")"
	}
	_, err = conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+QuoteIdent(table)+" AS SELECT * FROM "+src(0))
	for try := 0; err != nil && try < 4 && ctx.Err() == nil; try++ {
		n := longLine(err)
		if n == 0 {
			break
		}
		_, err = conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+QuoteIdent(table)+" AS SELECT * FROM "+src(n))
	}
	if err != nil {
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

// maxRecordLines bounds the lines one quoted field may span before its opening quote is
// taken for an unterminated one.
const maxRecordLines = 1000

// importCSVFiltered copies the records that parse on their own and have the header's field
// count to a temporary CSV file that DuckDB imports, and reports the others with their line.
// It reads line by line (long lines in linear time): a record whose quotes do not close
// within maxRecordLines lines, or by the end of the file, is reported at its first line and
// reading resumes on the next line, so an unterminated quote costs one record, not the rest.
func (w *Workspace) importCSVFiltered(ctx context.Context, table, path string) ([]Reject, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	comma := ','
	if strings.Contains(strings.ToLower(path), ".tsv") {
		comma = '\t'
	}
	out, err := os.CreateTemp(w.stage, "good-*.csv")
	if err != nil {
		return nil, err
	}
	defer os.Remove(out.Name())
	cw := frame.NewCSVWriter(out)
	var rejects []Reject
	want := -1
	parse := func(rec string) ([]string, error) {
		cr := csv.NewReader(strings.NewReader(rec))
		cr.Comma = comma
		cr.FieldsPerRecord = -1
		return cr.Read()
	}
	// emit writes the record that starts on line, or returns why it is rejected.
	emit := func(rec string) (string, error) {
		fields, err := parse(rec)
		if err != nil {
			msg := err.Error()
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				msg = pe.Err.Error()
			}
			return msg, nil
		}
		if want < 0 {
			want = len(fields)
		} else if len(fields) != want {
			return fmt.Sprintf("%d fields, the header has %d", len(fields), want), nil
		}
		return "", cw.Write(fields)
	}
	lines, err := readLines(ctx, fh)
	if err != nil {
		out.Close()
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		quotes, j := 0, i
		for ; j < len(lines) && j < i+maxRecordLines; j++ {
			quotes += strings.Count(lines[j], `"`)
			if quotes%2 == 0 {
				break
			}
		}
		if quotes%2 != 0 { // never closed: reject the first line, go on with the next
			rejects = append(rejects, Reject{File: path, Line: int64(i + 1), Message: "unterminated quoted field"})
			i++
			continue
		}
		why, err := emit(strings.Join(lines[i:j+1], ""))
		if err != nil {
			out.Close()
			return nil, err
		}
		if why != "" {
			// A record that spans lines but does not parse came from a stray quote: reject
			// its first line and read on from the next.
			if j > i {
				why = "unterminated quoted field"
			}
			rejects = append(rejects, Reject{File: path, Line: int64(i + 1), Message: why})
			i++
			continue
		}
		i = j + 1
	}
	if err := cw.Flush(); err != nil {
		out.Close()
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if want < 0 {
		return rejects, fmt.Errorf("import %s: %w: no readable header row", path, frame.ErrMalformed)
	}
	if err := w.importFile(ctx, table, out.Name()); err != nil {
		return rejects, err
	}
	return rejects, nil
}

// readLines reads r into lines that keep their line endings (long lines in linear time).
func readLines(ctx context.Context, r io.Reader) ([]string, error) {
	br := bufio.NewReaderSize(ctxReader{ctx, r}, 1<<16)
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if l != "" {
			lines = append(lines, l)
		}
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}
