package vis

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/huntkit/huntkit/frame"
)

// marshalJSON encodes v with HTML-safe escaping (so "</script>" can never appear).
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping <, >, & and the JavaScript line
// separators so the result is safe inside a <script> element.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendValue appends cell i of c: numbers, booleans, times as Unix milliseconds, dynamic
// values as compact JSON text, null for null.
func appendValue(b []byte, c *frame.Column, i int) []byte {
	if c.IsNull(i) {
		return append(b, "null"...)
	}
	switch c.Type() {
	case frame.Int:
		v := c.Int(i)
		if v > 1<<53 || v < -(1<<53) { // beyond JavaScript's exact integers: keep the digits
			return appendString(b, strconv.FormatInt(v, 10))
		}
		return strconv.AppendInt(b, v, 10)
	case frame.Float:
		return appendFloat(b, c.Float(i))
	case frame.Bool:
		return strconv.AppendBool(b, c.Bool(i))
	case frame.Time:
		t := c.Time(i)
		return appendFloat(b, float64(t.UnixNano())/1e6)
	case frame.String:
		return appendString(b, c.Str(i))
	}
	return appendString(b, c.Text(i))
}

// encodeColumns writes the columns at the given rows as
// {"n":rows,"total":all,"cols":[{"name","type","values"|"dict"+"codes"}]}; string columns with
// few distinct values are dictionary-encoded.
func encodeColumns(cols []*frame.Column, rows []int, total int) []byte {
	b := make([]byte, 0, 64+len(rows)*len(cols)*12)
	b = append(b, `{"n":`...)
	b = strconv.AppendInt(b, int64(len(rows)), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"cols":[`...)
	for j, c := range cols {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, c.Name())
		b = append(b, `,"type":`...)
		b = appendString(b, c.Type().String())
		if c.Type() == frame.String && len(rows) > 16 {
			if dict, codes, ok := dictionary(c, rows); ok {
				b = append(b, `,"dict":[`...)
				for k, s := range dict {
					if k > 0 {
						b = append(b, ',')
					}
					b = appendString(b, s)
				}
				b = append(b, `],"codes":[`...)
				for k, v := range codes {
					if k > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendInt(b, int64(v), 10)
				}
				b = append(b, "]}"...)
				continue
			}
		}
		b = append(b, `,"values":[`...)
		for k, r := range rows {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, c, r)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

// dictionary encodes a string column when it has at most a quarter as many distinct values
// as rows; null is code -1.
func dictionary(c *frame.Column, rows []int) ([]string, []int32, bool) {
	limit := len(rows) / 4
	idx := make(map[string]int32)
	var dict []string
	codes := make([]int32, len(rows))
	for k, r := range rows {
		if c.IsNull(r) {
			codes[k] = -1
			continue
		}
		s := c.Str(r)
		v, ok := idx[s]
		if !ok {
			if len(dict) >= limit {
				return nil, nil, false
			}
			v = int32(len(dict))
			idx[s] = v
			dict = append(dict, s)
		}
		codes[k] = v
	}
	return dict, codes, true
}

// rowRange returns 0..min(n, max)-1.
func rowRange(n, max int) []int {
	if max > 0 && n > max {
		n = max
	}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}
