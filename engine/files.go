package engine

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// ErrFormat is wrapped when a file's type is not one the workspace imports.
var ErrFormat = errors.New("unsupported file type")

// TableName derives a table name from a file name: the base name without extensions
// (case kept), with characters other than letters, digits and _ replaced by _.
func TableName(path string) string {
	base := filepath.Base(path)
	for {
		ext := filepath.Ext(base)
		if ext == "" || ext == base {
			break
		}
		switch strings.ToLower(ext) {
		case ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".zip", ".gz", ".zst", ".log", ".txt", ".pq":
			base = strings.TrimSuffix(base, ext)
			continue
		}
		break
	}
	var b strings.Builder
	for i, r := range base {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' && i > 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteString("t")
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "data"
	}
	return b.String()
}

// Importable reports whether Import understands the file's extension.
func Importable(path string) bool {
	_, err := sourceKind(path)
	return err == nil
}

func sourceKind(path string) (string, error) {
	p := strings.ToLower(path)
	for _, c := range []string{".gz", ".zst"} {
		p = strings.TrimSuffix(p, c)
	}
	switch filepath.Ext(p) {
	case ".csv", ".tsv":
		return "csv", nil
	case ".json", ".jsonl", ".ndjson":
		return "json", nil
	case ".parquet", ".pq":
		return "parquet", nil
	case ".zip":
		return "zip", nil
	case ".log":
		return sniffLog(path)
	}
	return "", fmt.Errorf("%s: %w %q (want .csv, .tsv, .json, .jsonl, .ndjson, .log (JSON lines or Zeek TSV), .parquet or .zip of JSON lines)", path, ErrFormat, filepath.Ext(path))
}

// Import reads a file into table (replacing a table of that name), inferring column types:
// CSV/TSV (header row; gzip and zstd compressed too), JSON lines or a JSON array, Parquet,
// .log files holding JSON lines or a Zeek TSV log (typed from its #types header; see zeekToJSON),
// and zip archives of JSON lines or CSV files (as OTRF security datasets ship; every
// member becomes part of one table, columns united by name).
func (w *Workspace) Import(ctx context.Context, table, path string) error {
	if _, err := sourceKind(path); err != nil {
		return err
	}
	staged, release, err := w.stageFile(ctx, path)
	if err != nil {
		return err
	}
	defer release()
	return unstage(w.importFile(ctx, table, staged), staged, path)
}

// importFile is Import of a file DuckDB may read (in place, or staged).
func (w *Workspace) importFile(ctx context.Context, table, path string) error {
	kind, err := sourceKind(path)
	if err != nil {
		return err
	}
	var src func(full bool) string
	headerFields := 0
	maxLine := 0 // DuckDB's max_line_size when a line is longer than its default
	switch kind {
	case "csv":
		n, err := w.checkCSVHead(ctx, path)
		if err != nil {
			return fmt.Errorf("import %w", err)
		}
		headerFields = n
		text := w.hexColumns(ctx, []string{path})
		src = func(full bool) string { return csvSource([]string{path}, full, text, maxLine) }
	case "json":
		src = func(full bool) string { return jsonSource([]string{path}, full) }
	case "parquet":
		src = func(bool) string { return "read_parquet(" + QuoteString(path) + ")" }
	case "zeek":
		tmp, cols, err := zeekToJSON(ctx, path, w.stage)
		if err != nil {
			return fmt.Errorf("import %w", err)
		}
		defer os.Remove(tmp)
		src = func(bool) string {
			return "read_json(" + QuoteString(tmp) + ", format='newline_delimited', maximum_object_size=67108864, columns=" + cols + ")"
		}
	case "zip":
		dir, files, skipped, err := unzipMembers(ctx, path, w.stage)
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		defer os.RemoveAll(dir)
		var js, cs []string
		for _, f := range files {
			if k, _ := sourceKind(f); k == "csv" {
				cs = append(cs, f)
			} else {
				js = append(js, f)
			}
		}
		switch {
		case len(js) > 0:
			src = func(full bool) string { return jsonSource(js, full) }
		case len(cs) > 0:
			text := w.hexColumns(ctx, cs)
			src = func(full bool) string { return csvSource(cs, full, text, maxLine) }
		default:
			why := ""
			if len(skipped) > 0 {
				why = " (" + strings.Join(skipped, "; ") + ")"
			}
			return fmt.Errorf("import %s: %w: the archive holds no JSON or CSV files%s", path, ErrFormat, why)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	create := "CREATE OR REPLACE TABLE " + QuoteIdent(table) + " AS SELECT * FROM "
	_, err = w.db.ExecContext(ctx, create+src(false))
	for try := 0; err != nil && try < 4 && ctx.Err() == nil; try++ {
		// A line longer than DuckDB's default maximum (2 MB): read again with room for it.
		n := longLine(err)
		if n == 0 {
			break
		}
		maxLine = n
		_, err = w.db.ExecContext(ctx, create+src(false))
	}
	if err != nil && ctx.Err() == nil && kind != "parquet" {
		// A value past DuckDB's type-detection sample may not fit the type it chose:
		// detect again over every row before giving up.
		_, err = w.db.ExecContext(ctx, create+src(true))
	}
	if err != nil {
		switch kind {
		case "csv":
			if perr := locateCSVProblem(ctx, path); perr != nil {
				return fmt.Errorf("import %w", perr)
			}
		case "json":
			if perr := locateJSONLinesProblem(ctx, path); perr != nil {
				return fmt.Errorf("import %w", perr)
			}
		}
		return importError(ctx, path, err)
	}
	if headerFields > 0 {
		var got int
		if qerr := w.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = 'main' AND table_name = ?`, table).Scan(&got); qerr == nil && got != headerFields {
			_, _ = w.db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+QuoteIdent(table))
			if perr := locateCSVProblem(ctx, path); perr != nil {
				return fmt.Errorf("import %w", perr)
			}
			return fmt.Errorf("import %s: %w: the header has %d fields but the reader found %d columns", path, frame.ErrMalformed, headerFields, got)
		}
	}
	return nil
}

// locateJSONLinesProblem finds the first line of a JSON-lines file that is not a JSON value.
// Files holding one JSON array (first byte '[') are left to DuckDB's message.
func locateJSONLinesProblem(ctx context.Context, path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var r io.Reader = ctxReader{ctx, fh}
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(fh)
		if err != nil {
			return nil
		}
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if line == 1 && b[0] == '[' {
			return nil
		}
		if !json.Valid(b) {
			var v any
			msg := "not valid JSON"
			if err := json.Unmarshal(b, &v); err != nil {
				msg = err.Error()
			}
			return fmt.Errorf("%s:%d: %w: %s", path, line, frame.ErrMalformed, msg)
		}
	}
	return nil
}

// filterJSONLines copies the valid lines of a JSON-lines file to a temporary file and
// reports the others.
func filterJSONLines(ctx context.Context, path, tmpRoot string) (string, []Reject, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer fh.Close()
	var r io.Reader = ctxReader{ctx, fh}
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(fh)
		if err != nil {
			return "", nil, fmt.Errorf("import %s: %w", path, err)
		}
		r = gz
	}
	out, err := os.CreateTemp(tmpRoot, "good-*.jsonl")
	if err != nil {
		return "", nil, err
	}
	bw := bufio.NewWriter(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var rejects []Reject
	line := int64(0)
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if !json.Valid(b) {
			var v any
			msg := "not valid JSON"
			if err := json.Unmarshal(b, &v); err != nil {
				msg = err.Error()
			}
			rejects = append(rejects, Reject{File: path, Line: line, Message: msg})
			continue
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", nil, fmt.Errorf("import %s:%d: %w", path, line+1, err)
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", nil, err
	}
	return out.Name(), rejects, out.Close()
}

// locateCSVProblem re-reads a CSV file that DuckDB refused to find the first malformed
// record, so the error can say file:line.
func locateCSVProblem(ctx context.Context, path string) error {
	_, err := scanCSV(ctx, path, -1)
	return err
}

// scanCSV reads up to limit records (all when negative) of a CSV file with Go's strict
// reader and returns the header's field count and the first malformed record as a
// file:line error. Files it cannot open or decompress give (0, nil): DuckDB reports those.
func scanCSV(ctx context.Context, path string, limit int) (int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, nil
	}
	defer fh.Close()
	var r io.Reader = ctxReader{ctx, fh}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gz":
		gz, err := gzip.NewReader(fh)
		if err != nil {
			return 0, nil
		}
		r = gz
	case ".zst":
		return 0, nil
	}
	cr := csv.NewReader(r)
	if strings.Contains(strings.ToLower(path), ".tsv") {
		cr.Comma = '\t'
	}
	cr.ReuseRecord = true
	fields := 0
	for n := 0; limit < 0 || n < limit; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return fields, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fields, fmt.Errorf("%s:%d:%d: %w: %v", path, pe.StartLine, pe.Column, frame.ErrMalformed, pe.Err)
		}
		if err != nil {
			return fields, nil
		}
		if n == 0 {
			fields = len(rec)
		}
	}
	return fields, nil
}

// checkCSVHead guards against DuckDB's sniffer guessing a wrong layout on an inconsistent file
// (it may take a later row for the header and drop the data): the first records are read
// strictly before the import, and the imported table must have the header's columns.
func (w *Workspace) checkCSVHead(ctx context.Context, path string) (int, error) {
	return scanCSV(ctx, path, 20480)
}

func listLiteral(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = QuoteString(p)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func csvSource(paths []string, full bool, textCols []string, maxLine int) string {
	return "read_csv(" + pathsArg(paths) + csvDialect(paths) + sampling(paths, full) + typesArg(textCols) + lineArg(maxLine) + ")"
}

func csvDialect(paths []string) string {
	delim := ","
	if k := strings.ToLower(paths[0]); strings.Contains(k, ".tsv") {
		delim = `\t`
	}
	return ", header=true, delim=" + QuoteString(delim) + ", quote='\"', escape='\"'"
}

func typesArg(textCols []string) string {
	if len(textCols) == 0 {
		return ""
	}
	parts := make([]string, len(textCols))
	for i, c := range textCols {
		parts[i] = QuoteString(c) + ": 'VARCHAR'"
	}
	return ", types={" + strings.Join(parts, ", ") + "}"
}

var hexRE = regexp.MustCompile(`^[+-]?0[xX][0-9a-fA-F]+$`)

// hexColumns finds the columns whose sampled values include hexadecimal numbers such as
// Windows status codes (0xc000006d) and logon ids (0x3e7). DuckDB would read such a column as
// integers and lose the text analysts search for, so these columns are imported as text.
func (w *Workspace) hexColumns(ctx context.Context, paths []string) []string {
	return w.hexColumnsLocked(ctx, paths)
}

// hexColumnsLocked is hexColumns for callers holding w.mu (it takes no lock itself).
func (w *Workspace) hexColumnsLocked(ctx context.Context, paths []string) []string {
	src := "read_csv(" + pathsArg(paths) + csvDialect(paths) + ", all_varchar=true" + sampling(paths, false) + ")"
	f, err := w.query(ctx, "SELECT * FROM "+src+" LIMIT 20480")
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range f.Columns() {
		for i := 0; i < c.Len(); i++ {
			if v := c.Str(i); len(v) > 2 && hexRE.MatchString(v) {
				out = append(out, c.Name())
				break
			}
		}
	}
	return out
}

func jsonSource(paths []string, full bool) string {
	return "read_json(" + pathsArg(paths) + ", format='auto', maximum_object_size=67108864" + sampling(paths, full) + ")"
}

// sampling returns the reader options for type detection: DuckDB's default sample first
// (fast: one pass over the file), or every row when full is set (the retry after a value
// later in the file did not fit the sampled type).
func sampling(paths []string, full bool) string {
	s := ""
	if len(paths) > 1 {
		s = ", union_by_name=true"
	}
	if full {
		s += ", sample_size=-1"
	}
	return s
}

func pathsArg(paths []string) string {
	if len(paths) == 1 {
		return QuoteString(paths[0])
	}
	return listLiteral(paths)
}

var lineRE = regexp.MustCompile(`\bline:? (\d+)`)

// importError shortens DuckDB's reader error to one line that names the file and, where
// DuckDB reports it, the line.
func importError(ctx context.Context, path string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := err.Error()
	where := path
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		where = path + ":" + m[1]
	}
	first := msg
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	return fmt.Errorf("import %s: %w: %s", where, ErrSQL, strings.TrimSpace(first))
}

// maxMember bounds one unpacked archive member (zip bombs are refused).
const maxMember = 4 << 30

// unzipMembers extracts the data files of a zip archive into a temporary folder: JSON, CSV
// and .log members holding JSON lines. The .log members that are not (Zeek TSV logs, text
// logs) are left out and returned in skipped with the reason.
func unzipMembers(ctx context.Context, path, tmpRoot string) (dir string, files, skipped []string, err error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return "", nil, nil, err
	}
	defer zr.Close()
	dir, err = os.MkdirTemp(tmpRoot, "zip-*")
	if err != nil {
		return "", nil, nil, err
	}
	for i, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(filepath.Base(f.Name), ".") || strings.Contains(f.Name, "__MACOSX") {
			continue
		}
		name := strings.ToLower(f.Name)
		isLog := strings.HasSuffix(name, ".log")
		if !(isLog || strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson") ||
			strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".tsv")) {
			continue
		}
		if f.UncompressedSize64 > maxMember {
			os.RemoveAll(dir)
			return "", nil, nil, fmt.Errorf("member %s unpacks to %d bytes, over the %d-byte limit", f.Name, f.UncompressedSize64, int64(maxMember))
		}
		out := filepath.Join(dir, fmt.Sprintf("%03d_%s", i, filepath.Base(f.Name)))
		if err := extract(ctx, f, out); err != nil {
			os.RemoveAll(dir)
			return "", nil, nil, fmt.Errorf("member %s: %w", f.Name, err)
		}
		if isLog {
			kind, err := sniffLog(out)
			switch {
			case kind == "zeek":
				skipped = append(skipped, f.Name+": a Zeek TSV log (unzip the archive and import the folder: one table per log)")
				os.Remove(out)
				continue
			case err != nil:
				skipped = append(skipped, f.Name+": not JSON lines")
				os.Remove(out)
				continue
			}
		}
		files = append(files, out)
	}
	return dir, files, skipped, nil
}

func extract(ctx context.Context, f *zip.File, out string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	fh, err := os.Create(out)
	if err != nil {
		return err
	}
	n, err := io.Copy(fh, io.LimitReader(ctxReader{ctx, rc}, maxMember+1))
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxMember {
		err = fmt.Errorf("unpacks to more than %d bytes", int64(maxMember))
	}
	return err
}

// Export writes the result of a SQL query, or a whole table when sqlOrTable names one, to
// path with DuckDB's COPY in format csv, ndjson (json), or parquet (guessed from the
// extension when format is ""). The file is written beside its final name and renamed, so
// a failed export never leaves half a file.
func (w *Workspace) Export(ctx context.Context, sqlOrTable, path, format string) error {
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".parquet", ".pq":
			format = "parquet"
		case ".json", ".jsonl", ".ndjson":
			format = "ndjson"
		default:
			format = "csv"
		}
	}
	var opts string
	switch strings.ToLower(format) {
	case "csv":
		opts = "FORMAT csv, HEADER true"
	case "json", "ndjson", "jsonl":
		opts = "FORMAT json"
	case "parquet":
		opts = "FORMAT parquet, COMPRESSION zstd"
	default:
		return fmt.Errorf("export %s: %w %q (want csv, ndjson or parquet)", path, ErrFormat, format)
	}
	if err := w.Lock(ctx); err != nil {
		return err
	}
	src := sqlOrTable
	if w.HasTable(ctx, sqlOrTable) {
		src = "SELECT * FROM " + QuoteIdent(sqlOrTable)
	}
	if opts == "FORMAT csv, HEADER true" {
		src = w.oneColumnCSV(ctx, src)
	}
	// DuckDB writes into the staging folder (the only one it may write once locked); the
	// file is then copied or moved into place atomically.
	dir, err := os.MkdirTemp(w.stage, "out-*")
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "export")
	stmt := "COPY (" + src + ") TO " + QuoteString(tmp) + " (" + opts + ")"
	if _, err := w.db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("export %s: %w", path, sqlError(ctx, err))
	}
	if err := moveInto(ctx, tmp, path); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	return nil
}

// oneColumnCSV rewrites a one-column query so that its nulls become empty strings, which
// DuckDB's CSV writer quotes (""): a null would be written as a blank line, which CSV readers
// skip or read as a record with no field.
func (w *Workspace) oneColumnCSV(ctx context.Context, src string) string {
	f, err := w.query(ctx, "SELECT * FROM ("+src+") LIMIT 0")
	if err != nil || f.NumCols() != 1 {
		return src
	}
	c := QuoteIdent(f.Names()[0])
	return "SELECT coalesce(CAST(" + c + " AS VARCHAR), '') AS " + c + " FROM (" + src + ")"
}

var lineSizeRE = regexp.MustCompile(`Maximum line size of \d+ bytes exceeded\. Actual Size:\s*(\d+)`)

// maxLineLimit bounds the line size DuckDB is asked to accept.
const maxLineLimit = 1 << 30

// longLine returns the max_line_size to retry with when DuckDB refused a line as too long
// (twice the line it reported, within maxLineLimit), else 0.
func longLine(err error) int {
	m := lineSizeRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	if n <= 0 || n >= maxLineLimit {
		return 0
	}
	return min(2*n+1024, maxLineLimit)
}

func lineArg(maxLine int) string {
	if maxLine <= 0 {
		return ""
	}
	return ", max_line_size=" + strconv.Itoa(maxLine)
}
