package query

import (
	"fmt"
	"strings"
)

// segment is one piece of a parsed template: literal text, or a {field} placeholder.
type segment struct {
	lit   string // literal text with {{ and }} already unescaped
	field string // placeholder name ("" for literal segments)
	off   int    // byte offset of the segment in the query text
}

// parseFormat splits a Python str.format template into literal text and {name} fields.
// "{{" and "}}" stand for literal braces. Positional fields, attribute/index access,
// conversions and format specs are rejected with the query line:col.
func parseFormat(q string) ([]segment, error) {
	segs, err := parseStrict(q)
	if err != nil {
		if t := strings.TrimSpace(q); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			return parseJSONBody(q), nil
		}
	}
	return segs, err
}

// parseJSONBody splits a JSON query body written the way msticpy's Cybereason templates are:
// braces are JSON's own, and only {name} (a parameter name alone between braces) is a
// placeholder. It is used when a body that starts with { or [ is not a str.format template.
func parseJSONBody(q string) []segment {
	var segs []segment
	start := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '{' {
			continue
		}
		end := strings.IndexByte(q[i+1:], '}')
		if end <= 0 {
			continue
		}
		name := q[i+1 : i+1+end]
		ok := name[0] < '0' || name[0] > '9'
		for j := 0; j < len(name) && ok; j++ {
			ok = isIdent(name[j])
		}
		if !ok {
			continue
		}
		if i > start {
			segs = append(segs, segment{lit: q[start:i], off: start})
		}
		segs = append(segs, segment{field: name, off: i})
		i += end + 1
		start = i + 1
	}
	if start < len(q) {
		segs = append(segs, segment{lit: q[start:], off: start})
	}
	return segs
}

// parseStrict is parseFormat for str.format templates.
func parseStrict(q string) ([]segment, error) {
	var segs []segment
	var lit strings.Builder
	litStart := 0
	flush := func(next int) {
		if lit.Len() > 0 {
			segs = append(segs, segment{lit: lit.String(), off: litStart})
			lit.Reset()
		}
		litStart = next
	}
	errAt := func(off int, format string, args ...any) error {
		l, c := lineCol(q, off)
		return &SyntaxError{QueryLine: l, QueryCol: c, Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '{':
			if i+1 < len(q) && q[i+1] == '{' {
				lit.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(q[i+1:], '}')
			if end < 0 {
				return nil, errAt(i, "unclosed '{' (write {{ for a literal brace)")
			}
			body := q[i+1 : i+1+end]
			if strings.ContainsRune(body, '{') {
				return nil, errAt(i, "nested '{' in placeholder {%s (write {{ for a literal brace)", body)
			}
			name := body
			if k := strings.IndexAny(name, "!:"); k >= 0 {
				return nil, errAt(i+1+k, "placeholder {%s}: conversions and format specs are not supported", body)
			}
			if k := strings.IndexAny(name, ".["); k >= 0 {
				return nil, errAt(i+1+k, "placeholder {%s}: attribute and index access are not supported", body)
			}
			name = strings.TrimSpace(name)
			if name == "" || name[0] >= '0' && name[0] <= '9' {
				return nil, errAt(i, "placeholder {%s}: positional fields are not supported; use a parameter name", body)
			}
			for j := 0; j < len(name); j++ {
				if !isIdent(name[j]) {
					return nil, errAt(i+1+j, "placeholder {%s}: bad character %q in parameter name", body, name[j])
				}
			}
			flush(i)
			segs = append(segs, segment{field: name, off: i})
			i += end + 1
			litStart = i + 1
		case '}':
			if i+1 < len(q) && q[i+1] == '}' {
				lit.WriteByte('}')
				i++
				continue
			}
			return nil, errAt(i, "single '}' (write }} for a literal brace)")
		default:
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteByte(c)
		}
	}
	flush(len(q))
	return segs, nil
}
