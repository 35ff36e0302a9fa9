package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huntkit/huntkit/frame"
)

// sniffLog tells what a .log file holds from its first non-blank bytes: JSON lines (a '{',
// as Zeek's JSON writer and many other tools write) or a Zeek TSV log (a "#separator"
// header line). Anything else is an ErrFormat error saying how the file starts.
func sniffLog(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	r, err := logReader(path, fh)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	head := make([]byte, 8192)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(head[:n], []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(b) > 0 && b[0] == '{':
		return "json", nil
	case bytes.HasPrefix(b, []byte("#separator ")):
		return "zeek", nil
	}
	first := b
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	if len(first) > 40 {
		first = first[:40]
	}
	if len(b) == 0 {
		return "", fmt.Errorf("%s: %w: the .log file is empty", path, ErrFormat)
	}
	return "", fmt.Errorf("%s: %w: a .log file is imported when it holds JSON lines or is a Zeek TSV log, and this one starts %q", path, ErrFormat, first)
}

// logReader decompresses a gzip-compressed log (.gz); zstd logs are refused.
func logReader(path string, r io.Reader) (io.Reader, error) {
	switch p := strings.ToLower(path); {
	case strings.HasSuffix(p, ".gz"):
		return gzip.NewReader(r)
	case strings.HasSuffix(p, ".zst"):
		return nil, fmt.Errorf("%w: a zstd-compressed .log file (gunzip or decompress it first)", ErrFormat)
	}
	return r, nil
}

// zeekColumn is one field of a Zeek TSV log: its name (dots, as in id.orig_h, become _ as in
// the JSON logs most pipelines write) and its Zeek type.
type zeekColumn struct {
	name, zeekType string
}

// sqlType maps a Zeek type to the column type of the table: time → TIMESTAMP (UTC, from epoch
// seconds), interval and double → DOUBLE (seconds for intervals), count, int and port →
// BIGINT, bool → BOOLEAN, set[...] and vector[...] → VARCHAR[], others (string, addr, subnet,
// enum, pattern) → VARCHAR.
func (c zeekColumn) sqlType() string {
	switch t := c.zeekType; {
	case t == "time":
		return "TIMESTAMP"
	case t == "interval", t == "double":
		return "DOUBLE"
	case t == "count", t == "int", t == "port":
		return "BIGINT"
	case t == "bool":
		return "BOOLEAN"
	case strings.HasPrefix(t, "set["), strings.HasPrefix(t, "vector["), strings.HasPrefix(t, "table["):
		return "VARCHAR[]"
	}
	return "VARCHAR"
}

// zeekLog holds the header of a Zeek TSV log.
type zeekLog struct {
	sep, setSep, empty, unset string
	cols                      []zeekColumn
	types                     []string
}

// zeekToJSON converts a Zeek TSV log to JSON lines in a temporary file under tmpRoot with one
// typed value per field ("-" unset → null, "(empty)" → "" or an empty list, \xHH escapes
// decoded) and returns that file and the read_json columns argument giving each column's type.
func zeekToJSON(ctx context.Context, path, tmpRoot string) (string, string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer fh.Close()
	r, err := logReader(path, ctxReader{ctx, fh})
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	out, err := os.CreateTemp(tmpRoot, "zeek-*.jsonl")
	if err != nil {
		return "", "", err
	}
	fail := func(err error) (string, string, error) {
		out.Close()
		os.Remove(out.Name())
		return "", "", err
	}
	bw := bufio.NewWriter(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	z := zeekLog{sep: "\t", setSep: ",", empty: "(empty)", unset: "-"}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(text, "#") {
			if err := z.header(text); err != nil {
				return fail(fmt.Errorf("%s:%d: %w: %v", path, line, frame.ErrMalformed, err))
			}
			continue
		}
		if text == "" {
			continue
		}
		if z.cols == nil {
			return fail(fmt.Errorf("%s:%d: %w: a data line before the #fields header", path, line, frame.ErrMalformed))
		}
		if err := z.writeRow(bw, text); err != nil {
			return fail(fmt.Errorf("%s:%d: %w: %v", path, line, frame.ErrMalformed, err))
		}
	}
	if err := sc.Err(); err != nil {
		return fail(fmt.Errorf("%s:%d: %w", path, line+1, err))
	}
	if z.cols == nil {
		return fail(fmt.Errorf("%s: %w: a Zeek log without a #fields header", path, frame.ErrMalformed))
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", "", err
	}
	parts := make([]string, len(z.cols))
	for i, c := range z.cols {
		parts[i] = QuoteString(c.name) + ": " + QuoteString(c.sqlType())
	}
	return out.Name(), "{" + strings.Join(parts, ", ") + "}", nil
}

// header reads one '#' line of a Zeek log.
func (z *zeekLog) header(text string) error {
	if v, ok := strings.CutPrefix(text, "#separator "); ok {
		z.sep = zeekUnescape(v)
		if z.sep == "" {
			return fmt.Errorf("an empty #separator")
		}
		return nil
	}
	key, rest, _ := strings.Cut(text[1:], z.sep)
	switch key {
	case "set_separator":
		z.setSep = zeekUnescape(rest)
	case "empty_field":
		z.empty = rest
	case "unset_field":
		z.unset = rest
	case "fields":
		var cols []zeekColumn
		for _, f := range strings.Split(rest, z.sep) {
			cols = append(cols, zeekColumn{name: strings.ReplaceAll(f, ".", "_"), zeekType: "string"})
		}
		if z.cols != nil && !sameNames(z.cols, cols) {
			return fmt.Errorf("the #fields header changes within the file")
		}
		if z.cols == nil {
			z.cols = cols
			z.applyTypes()
		}
	case "types":
		z.types = strings.Split(rest, z.sep)
		z.applyTypes()
	}
	return nil
}

func sameNames(a, b []zeekColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].name != b[i].name {
			return false
		}
	}
	return true
}

func (z *zeekLog) applyTypes() {
	for i := range z.cols {
		if i < len(z.types) {
			z.cols[i].zeekType = z.types[i]
		}
	}
}

// writeRow writes one data line as a JSON object.
func (z *zeekLog) writeRow(w *bufio.Writer, text string) error {
	vals := strings.Split(text, z.sep)
	if len(vals) != len(z.cols) {
		return fmt.Errorf("%d fields, the #fields header names %d", len(vals), len(z.cols))
	}
	w.WriteByte('{')
	for i, c := range z.cols {
		if i > 0 {
			w.WriteByte(',')
		}
		writeJSONString(w, c.name)
		w.WriteByte(':')
		if err := z.writeValue(w, c, vals[i]); err != nil {
			return fmt.Errorf("field %s: %w", c.name, err)
		}
	}
	w.WriteString("}\n")
	return nil
}

func (z *zeekLog) writeValue(w *bufio.Writer, c zeekColumn, v string) error {
	if v == z.unset {
		w.WriteString("null")
		return nil
	}
	switch c.sqlType() {
	case "VARCHAR[]":
		w.WriteByte('[')
		if v != z.empty {
			for j, s := range strings.Split(v, z.setSep) {
				if j > 0 {
					w.WriteByte(',')
				}
				writeJSONString(w, zeekUnescape(s))
			}
		}
		w.WriteByte(']')
	case "VARCHAR":
		if v == z.empty {
			v = ""
		}
		writeJSONString(w, zeekUnescape(v))
	case "TIMESTAMP":
		t, err := epochTime(v)
		if err != nil {
			return err
		}
		writeJSONString(w, t.Format("2006-01-02 15:04:05.999999999"))
	case "DOUBLE":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		w.WriteString(v)
	case "BIGINT":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
		w.WriteString(v)
	case "BOOLEAN":
		switch v {
		case "T":
			w.WriteString("true")
		case "F":
			w.WriteString("false")
		default:
			return fmt.Errorf("%q is not T or F", v)
		}
	}
	return nil
}

// epochTime reads Zeek's time (seconds since 1970 with a fraction) exactly, as UTC.
func epochTime(v string) (time.Time, error) {
	secs, frac, _ := strings.Cut(v, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err == nil && len(frac) <= 9 {
		var ns int64
		if frac != "" {
			ns, err = strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		}
		if err == nil && !strings.HasPrefix(secs, "-") {
			return time.Unix(s, ns).UTC(), nil
		}
	}
	f, ferr := strconv.ParseFloat(v, 64)
	if ferr != nil {
		return time.Time{}, fmt.Errorf("%q is not a time in epoch seconds", v)
	}
	return time.Unix(0, int64(f*1e9)).UTC(), nil
}

// zeekUnescape decodes the \xHH escapes Zeek writes for separators and unprintable bytes.
func zeekUnescape(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// writeJSONString writes s as a JSON string (invalid UTF-8 becomes U+FFFD).
func writeJSONString(w *bufio.Writer, s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b, _ := json.Marshal(s)
	w.Write(b)
}
