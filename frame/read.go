package frame

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrMalformed is wrapped by read errors about malformed input; the message names the
// source and line.
var ErrMalformed = errors.New("malformed input")

// ReadFile reads a CSV (.csv, .tsv) or JSON lines (.json, .jsonl, .ndjson) file into a Frame,
// inferring column types. A .json file may also hold one JSON array of objects.
func ReadFile(path string) (*Frame, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return ReadCSV(fh, path)
	case ".tsv", ".tab":
		return readDelimited(fh, path, '\t')
	case ".json", ".jsonl", ".ndjson":
		return ReadNDJSON(fh, path)
	}
	return nil, fmt.Errorf("read %s: unsupported file type %q (want .csv, .tsv, .json, .jsonl or .ndjson)", path, filepath.Ext(path))
}

// ReadCSV reads comma-separated values with a header row. Column types are inferred: a
// column whose every non-empty value parses as an integer is int, then float, bool
// (true/false) and time (RFC 3339 and common log layouts, UTC when no zone is given); other
// columns are strings. Empty fields are nulls. Errors name the source and line.
func ReadCSV(r io.Reader, name string) (*Frame, error) { return readDelimited(r, name, ',') }

func readDelimited(r io.Reader, name string, comma rune) (*Frame, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: %w: empty file, no header row", name, ErrMalformed)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	names := uniqueNames(header)
	raw := make([][]string, len(names))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		for j := range raw {
			raw[j] = append(raw[j], rec[j])
		}
	}
	cols := make([]*Column, len(names))
	for j, n := range names {
		cols[j] = inferColumn(n, raw[j])
	}
	return New(cols...)
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %w: %v", name, pe.StartLine, pe.Column, ErrMalformed, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

func uniqueNames(header []string) []string {
	out := make([]string, len(header))
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = "Column" + strconv.Itoa(i+1)
		}
		if k := seen[h]; k > 0 {
			seen[h]++
			h = h + "_" + strconv.Itoa(k)
		} else {
			seen[h] = 1
		}
		out[i] = h
	}
	return out
}

// inferColumn picks the narrowest type that every non-empty value parses as.
func inferColumn(name string, vals []string) *Column {
	isInt, isFloat, isBool, isTime := true, true, true, true
	nonEmpty := 0
	for _, v := range vals {
		if v == "" {
			continue
		}
		nonEmpty++
		if isInt {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				isInt = false
			}
		}
		if !isInt && isFloat {
			if _, err := strconv.ParseFloat(v, 64); err != nil || !looksNumeric(v) {
				isFloat = false
			}
		}
		if isBool {
			if _, ok := parseBoolWord(v); !ok {
				isBool = false
			}
		}
		if isTime {
			if _, ok := ParseTime(v); !ok {
				isTime = false
			}
		}
		if !isInt && !isFloat && !isBool && !isTime {
			break
		}
	}
	t := String
	switch {
	case nonEmpty == 0:
		t = String
	case isInt:
		t = Int
	case isFloat:
		t = Float
	case isBool:
		t = Bool
	case isTime:
		t = Time
	}
	if t == String {
		var valid []bool
		for i, v := range vals {
			if v == "" {
				if valid == nil {
					valid = make([]bool, len(vals))
					for k := range valid {
						valid[k] = true
					}
				}
				valid[i] = false
			}
		}
		return NewStrings(name, vals).WithValid(valid)
	}
	b := NewBuilder(name, t, len(vals))
	for _, v := range vals {
		if v == "" {
			b.AppendNull()
			continue
		}
		switch t {
		case Int:
			n, _ := strconv.ParseInt(v, 10, 64)
			b.AppendInt(n)
		case Float:
			f, _ := strconv.ParseFloat(v, 64)
			b.AppendFloat(f)
		case Bool:
			x, _ := parseBoolWord(v)
			b.AppendBool(x)
		case Time:
			tm, _ := ParseTime(v)
			b.AppendTime(tm)
		}
	}
	return b.Column()
}

// looksNumeric rejects strings strconv accepts but people do not mean as numbers (inf, nan, 0x1p-2).
func looksNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

func parseBoolWord(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02",
	"1/2/2006, 3:04:05.999999999 PM",
	"1/2/2006 3:04:05 PM",
}

// ParseTime parses the date-time layouts found in security logs (RFC 3339, ISO without a
// zone, space-separated, date only, Sentinel's US export format). Times without a zone are UTC.
func ParseTime(s string) (time.Time, bool) {
	if len(s) < 8 || len(s) > 40 {
		return time.Time{}, false
	}
	c := s[0]
	if c < '0' || c > '9' {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ReadNDJSON reads JSON lines (one object per line; blank lines are skipped) or a single
// JSON array of objects. Column types are inferred from the values; strings that all parse
// as times become time columns. Errors name the source and line.
func ReadNDJSON(r io.Reader, name string) (*Frame, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := peekNonSpace(br)
	if err == io.EOF {
		return Empty(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var recs []map[string]any
	if first == '[' {
		dec := json.NewDecoder(br)
		dec.UseNumber()
		if err := dec.Decode(&recs); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, ErrMalformed, err)
		}
	} else {
		line := 0
		for {
			b, err := br.ReadBytes('\n')
			if len(b) > 0 {
				line++
				t := bytes.TrimSpace(b)
				if len(t) > 0 {
					var m map[string]any
					dec := json.NewDecoder(bytes.NewReader(t))
					dec.UseNumber()
					if derr := dec.Decode(&m); derr != nil {
						return nil, fmt.Errorf("%s:%d: %w: %v", name, line, ErrMalformed, derr)
					}
					recs = append(recs, m)
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
		}
	}
	return fromJSONRecords(recs)
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b == 0xEF { // BOM
			br.Discard(2)
			continue
		}
		if b != ' ' && b != '\n' && b != '\r' && b != '\t' {
			return b, br.UnreadByte()
		}
	}
}

// fromJSONRecords converts decoded JSON objects: json.Number becomes int or float, strings
// that all look like times become time columns.
func fromJSONRecords(recs []map[string]any) (*Frame, error) {
	for _, r := range recs {
		for k, v := range r {
			if n, ok := v.(json.Number); ok {
				if i, err := n.Int64(); err == nil {
					r[k] = i
				} else if f, err := n.Float64(); err == nil {
					r[k] = f
				}
			}
		}
	}
	f, err := FromRecords(recs)
	if err != nil {
		return nil, err
	}
	for _, c := range f.cols {
		if c.typ != String {
			continue
		}
		ok := c.n > 0
		any := false
		for i := 0; i < c.n && ok; i++ {
			if c.IsNull(i) {
				continue
			}
			any = true
			_, ok = ParseTime(c.strs[i])
		}
		if ok && any {
			b := NewBuilder(c.name, Time, c.n)
			for i := 0; i < c.n; i++ {
				if c.IsNull(i) {
					b.AppendNull()
					continue
				}
				t, _ := ParseTime(c.strs[i])
				b.AppendTime(t)
			}
			_ = f.AddColumn(b.Column())
		}
	}
	return f, nil
}
