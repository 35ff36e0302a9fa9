package query

import (
	"encoding/json"
	"strings"
	"time"
)

// WholeValueDialect is an optional Dialect capability for JSON query bodies whose templates
// put a placeholder alone in a string literal ("{name}") to stand for a JSON value, as
// msticpy's Cybereason templates do: ["{host_list}"] is a list of hosts, ["{start}",
// "{end}"] two epoch-millisecond numbers. The literal, quotes included, is replaced by what
// WholeValue writes.
type WholeValueDialect interface {
	Dialect
	// WholeValue writes v (a string, time.Time, int64, float64, bool, or []any of those)
	// in place of a whole literal; inArray reports the literal was an array element, so a
	// list's items may be spliced into that array.
	WholeValue(v any, inArray bool) (string, error)
}

// wholeValue reports whether the placeholder at segs[i] fills a whole "..." literal (the
// output so far ends with the opening quote and the next segment starts with the closing
// one), and whether that literal is an array element.
func wholeValue(out string, segs []segment, i int) (whole, inArray bool) {
	if !strings.HasSuffix(out, `"`) || i+1 >= len(segs) || segs[i+1].field != "" || !strings.HasPrefix(segs[i+1].lit, `"`) {
		return false, false
	}
	before := strings.TrimRight(out[:len(out)-1], " \t\r\n")
	if before == "" {
		return false, false
	}
	switch before[len(before)-1] {
	case '[', ',':
		return true, true
	case ':':
		return true, false
	}
	return false, false
}

// value returns the bound value as a Go value for WholeValue.
func (b *boundValue) value() any {
	switch b.p.Type {
	case TypeDatetime:
		return b.t
	case TypeList:
		return b.items
	case TypeStr:
		return b.str
	}
	var v any
	if json.Unmarshal([]byte(b.num), &v) == nil {
		if f, ok := v.(float64); ok && b.p.Type == TypeInt {
			return int64(f)
		}
		return v
	}
	return b.num
}

// JSONValue writes v as msticpy's Cybereason driver sends it: times as epoch milliseconds,
// lists spliced into the enclosing array (or as an array), anything else as JSON.
func JSONValue(v any, inArray bool) (string, error) {
	switch x := v.(type) {
	case time.Time:
		return jsonText(x.UnixMilli())
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			s, err := JSONValue(it, false)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		if inArray {
			return strings.Join(parts, ", "), nil
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return jsonText(v)
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
