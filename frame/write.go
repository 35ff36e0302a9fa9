package frame

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Formats lists the output formats Write understands.
var Formats = []string{"table", "csv", "json", "ndjson", "parquet", "html"}

// ErrFormat is returned (wrapped) for an unknown output format.
var ErrFormat = errors.New("unknown output format")

// FormatFromPath guesses an output format from a file name's extension; "" when unknown.
func FormatFromPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".json":
		return "json"
	case ".jsonl", ".ndjson":
		return "ndjson"
	case ".parquet", ".pq":
		return "parquet"
	case ".html", ".htm":
		return "html"
	case ".txt":
		return "table"
	}
	return ""
}

// Write renders f to w in the named format: table, csv, json, ndjson, parquet or html.
func Write(w io.Writer, f *Frame, format string) error {
	switch strings.ToLower(format) {
	case "table", "":
		return WriteTable(w, f, TableOptions{})
	case "csv":
		return WriteCSV(w, f)
	case "json":
		return WriteJSON(w, f)
	case "ndjson", "jsonl":
		return WriteNDJSON(w, f)
	case "parquet":
		return WriteParquet(w, f)
	case "html":
		return WriteHTML(w, f)
	}
	return fmt.Errorf("%w %q (want one of %s)", ErrFormat, format, strings.Join(Formats, ", "))
}

// WriteFile writes f to path in the given format (guessed from the extension when empty).
// It writes a temporary file in the same folder and renames it into place, so a failure
// never leaves half a file behind.
func WriteFile(path string, f *Frame, format string) error {
	return WriteFileContext(context.Background(), path, f, format)
}

// WriteFileContext is WriteFile that stops when ctx is done (Ctrl-C), leaving no file behind.
func WriteFileContext(ctx context.Context, path string, f *Frame, format string) error {
	if format == "" {
		format = FormatFromPath(path)
		if format == "" {
			format = "csv"
		}
	}
	return AtomicWriteContext(ctx, path, 0o644, func(w io.Writer) error { return Write(w, f, format) })
}

// ctxWriter fails writes once its context is done, so a long write stops.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// StaleTemp is how old a temporary file of AtomicWrite's naming (".NAME.tmp-DIGITS") must be
// before a later write to the same folder removes it as left behind by a killed process.
const StaleTemp = 15 * time.Minute

var tempName = regexp.MustCompile(`^\..+\.tmp-[0-9]+$`)

// removeStaleTemps removes the temporary files of AtomicWrite's naming in dir that are
// regular files older than StaleTemp (left by a process killed with SIGKILL).
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !tempName.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > StaleTemp {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// AtomicWrite creates path with the given mode by writing through fill into a temporary
// file next to it and renaming it into place once fill and the flush succeed.
func AtomicWrite(path string, mode os.FileMode, fill func(w io.Writer) error) (err error) {
	return AtomicWriteContext(context.Background(), path, mode, fill)
}

// AtomicWriteContext is AtomicWrite that stops when ctx is done: writes fail with ctx's error
// and the temporary file is removed, so an interrupted write leaves nothing behind. Stale
// temporary files of the same naming left in the folder by a killed process are removed.
func AtomicWriteContext(ctx context.Context, path string, mode os.FileMode, fill func(w io.Writer) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	removeStaleTemps(dir)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(ctxWriter{ctx, tmp}, 1<<16)
	if err = fill(bw); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteCSV writes a header row and one row per record; nulls are empty fields.
func WriteCSV(w io.Writer, f *Frame) error {
	cw := NewCSVWriter(w)
	if err := cw.Write(f.Names()); err != nil {
		return err
	}
	rec := make([]string, len(f.cols))
	for i := 0; i < f.n; i++ {
		for j, c := range f.cols {
			rec[j] = c.Text(i)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CSVWriter writes CSV records like encoding/csv, except that a record whose only field is
// empty is written as "" so that it cannot be mistaken for a blank line (which CSV readers
// skip, or read as a record with no field). Every CSV writer in huntkit uses it.
type CSVWriter struct {
	w  io.Writer
	cw *csv.Writer
}

// NewCSVWriter returns a CSVWriter on w with a comma delimiter.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: w, cw: csv.NewWriter(w)} }

// Write writes one record.
func (c *CSVWriter) Write(rec []string) error {
	if len(rec) == 1 && rec[0] == "" {
		if err := c.Flush(); err != nil {
			return err
		}
		_, err := io.WriteString(c.w, "\"\"\n")
		return err
	}
	return c.cw.Write(rec)
}

// Flush writes any buffered data and returns the first write error.
func (c *CSVWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// WriteJSON writes an array of objects, one per row, keys in column order.
func WriteJSON(w io.Writer, f *Frame) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i := 0; i < f.n; i++ {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		if err := appendRecordJSON(bw, f, i); err != nil {
			return err
		}
	}
	if f.n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// WriteNDJSON writes one JSON object per line.
func WriteNDJSON(w io.Writer, f *Frame) error {
	bw := bufio.NewWriter(w)
	for i := 0; i < f.n; i++ {
		if err := appendRecordJSON(bw, f, i); err != nil {
			return err
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

func appendRecordJSON(bw *bufio.Writer, f *Frame, i int) error {
	bw.WriteByte('{')
	for j, c := range f.cols {
		if j > 0 {
			bw.WriteByte(',')
		}
		k, _ := json.Marshal(c.name)
		bw.Write(k)
		bw.WriteByte(':')
		if err := appendValueJSON(bw, c, i); err != nil {
			return fmt.Errorf("column %q row %d: %w", c.name, i, err)
		}
	}
	bw.WriteByte('}')
	return nil
}

func appendValueJSON(bw *bufio.Writer, c *Column, i int) error {
	if c.IsNull(i) {
		bw.WriteString("null")
		return nil
	}
	switch c.typ {
	case String:
		b, _ := json.Marshal(c.strs[i])
		bw.Write(b)
	case Int:
		bw.WriteString(strconv.FormatInt(c.ints[i], 10))
	case Float:
		v := c.floats[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bw.WriteString("null")
		} else {
			bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
	case Bool:
		bw.WriteString(strconv.FormatBool(c.bools[i]))
	case Time:
		bw.WriteByte('"')
		bw.WriteString(c.times[i].Format(time.RFC3339Nano))
		bw.WriteByte('"')
	case Dynamic:
		b, err := json.Marshal(c.dyn[i])
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	return nil
}

// WriteHTML writes a plain, self-contained HTML table (for notebooks and reports).
func WriteHTML(w io.Writer, f *Frame) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<table class="huntkit-frame">` + "\n<thead><tr>")
	for _, c := range f.cols {
		fmt.Fprintf(bw, `<th title="%s">%s</th>`, c.typ, html.EscapeString(c.name))
	}
	bw.WriteString("</tr></thead>\n<tbody>\n")
	for i := 0; i < f.n; i++ {
		bw.WriteString("<tr>")
		for _, c := range f.cols {
			if c.IsNull(i) {
				bw.WriteString(`<td class="null"></td>`)
				continue
			}
			bw.WriteString("<td>")
			bw.WriteString(html.EscapeString(c.Text(i)))
			bw.WriteString("</td>")
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</tbody>\n</table>\n")
	if f.partial != nil {
		fmt.Fprintf(bw, "<p class=\"huntkit-partial\">partial result: %s</p>\n", html.EscapeString(f.partial.Error()))
	}
	return bw.Flush()
}
