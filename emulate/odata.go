package emulate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// odataFilter is a parsed $filter: comparisons (eq, ne, gt, ge, lt, le) of a property path
// with a literal (string, number, true/false/null, ISO 8601 date-time), contains /
// startswith / endswith, joined by and / or / not with parentheses — the subset the
// Graph security API's list calls accept.
type odataFilter func(obj map[string]any) bool

type odataParser struct {
	toks []string
	pos  int
}

// parseODataFilter parses a $filter expression; an empty one matches everything.
func parseODataFilter(s string) (odataFilter, error) {
	if strings.TrimSpace(s) == "" {
		return func(map[string]any) bool { return true }, nil
	}
	toks, err := odataTokens(s)
	if err != nil {
		return nil, err
	}
	p := &odataParser{toks: toks}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q at token %d", p.toks[p.pos], p.pos+1)
	}
	return f, nil
}

func odataTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, string(c))
			i++
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string at %d", i+1)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, "'"+b.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && !unicode.IsSpace(rune(s[j])) && !strings.ContainsRune("(),'", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

func (p *odataParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *odataParser) next() string { t := p.peek(); p.pos++; return t }

func (p *odataParser) or() (odataFilter, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "or") {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(o map[string]any) bool { return a(o) || b(o) }
	}
	return l, nil
}

func (p *odataParser) and() (odataFilter, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "and") {
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(o map[string]any) bool { return a(o) && b(o) }
	}
	return l, nil
}

func (p *odataParser) unary() (odataFilter, error) {
	switch t := p.peek(); {
	case strings.EqualFold(t, "not"):
		p.next()
		f, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(o map[string]any) bool { return !f(o) }, nil
	case t == "(":
		p.next()
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return f, nil
	}
	return p.comparison()
}

func (p *odataParser) comparison() (odataFilter, error) {
	first := p.next()
	if first == "" {
		return nil, fmt.Errorf("expression ends early")
	}
	if fn := strings.ToLower(first); (fn == "contains" || fn == "startswith" || fn == "endswith") && p.peek() == "(" {
		p.next()
		prop := p.next()
		if p.next() != "," {
			return nil, fmt.Errorf("%s: want (property, 'text')", fn)
		}
		lit := p.next()
		if p.next() != ")" || !strings.HasPrefix(lit, "'") {
			return nil, fmt.Errorf("%s: want (property, 'text')", fn)
		}
		want := strings.ToLower(lit[1:])
		test := map[string]func(string, string) bool{"contains": strings.Contains, "startswith": strings.HasPrefix, "endswith": strings.HasSuffix}[fn]
		return func(o map[string]any) bool {
			s, ok := odataLookup(o, prop).(string)
			return ok && test(strings.ToLower(s), want)
		}, nil
	}
	op := strings.ToLower(p.next())
	lit := p.next()
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return nil, fmt.Errorf("unsupported operator %q after %s (want eq, ne, gt, ge, lt, le)", op, first)
	}
	if lit == "" || lit == ")" || lit == "(" {
		return nil, fmt.Errorf("%s %s: missing value", first, op)
	}
	want := odataLiteral(lit)
	return func(o map[string]any) bool {
		c, ok := odataCompare(odataLookup(o, first), want)
		if !ok {
			return op == "ne"
		}
		switch op {
		case "eq":
			return c == 0
		case "ne":
			return c != 0
		case "gt":
			return c > 0
		case "ge":
			return c >= 0
		case "lt":
			return c < 0
		}
		return c <= 0
	}, nil
}

// odataLiteral reads a literal: 'text', true, false, null, a number or a date-time.
func odataLiteral(t string) any {
	switch {
	case strings.HasPrefix(t, "'"):
		return t[1:]
	case strings.EqualFold(t, "true"):
		return true
	case strings.EqualFold(t, "false"):
		return false
	case strings.EqualFold(t, "null"):
		return nil
	}
	if ts, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return ts
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f
	}
	return t
}

// odataLookup follows a property path (a/b) through nested objects.
func odataLookup(o map[string]any, path string) any {
	var cur any = o
	for _, part := range strings.Split(path, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// odataCompare orders a property value against a literal; ok is false when they cannot
// be compared (then only ne holds).
func odataCompare(v, want any) (int, bool) {
	switch w := want.(type) {
	case nil:
		if v == nil {
			return 0, true
		}
		return 1, true
	case time.Time:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, false
		}
		return t.Compare(w), true
	case float64:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case int:
			f = float64(x)
		default:
			return 0, false
		}
		switch {
		case f < w:
			return -1, true
		case f > w:
			return 1, true
		}
		return 0, true
	case bool:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		if b == w {
			return 0, true
		}
		return 1, true
	case string:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(s, w), true
	}
	return 0, false
}

// odataOrder sorts objects by "prop [asc|desc]" (one key).
func odataOrder(objs []map[string]any, orderBy string) error {
	f := strings.Fields(orderBy)
	if len(f) == 0 {
		return nil
	}
	if len(f) > 2 || len(f) == 2 && !strings.EqualFold(f[1], "asc") && !strings.EqualFold(f[1], "desc") {
		return fmt.Errorf("$orderby %q: want one property, then asc or desc", orderBy)
	}
	desc := len(f) == 2 && strings.EqualFold(f[1], "desc")
	sort.SliceStable(objs, func(i, j int) bool {
		c, ok := odataCompare(odataLookup(objs[i], f[0]), odataLiteralOf(odataLookup(objs[j], f[0])))
		if !ok {
			return false
		}
		if desc {
			return c > 0
		}
		return c < 0
	})
	return nil
}

// odataLiteralOf makes a property value comparable as a literal (date-time text as a time).
func odataLiteralOf(v any) any {
	if s, ok := v.(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v
}
