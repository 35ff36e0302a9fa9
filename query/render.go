package query

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/internal/suggest"
)

// Request is a query ready for a driver.
type Request struct {
	Text       string    // the query in the environment's language
	Language   string    // "kql", "sql", "spl", ...
	Start, End time.Time // the query window when known
	// Bounded asks the driver to keep only rows inside Start..End in every table the query
	// reads (ad-hoc queries given --start/--end). Templates bound themselves with their
	// start/end parameters and leave it false.
	Bounded bool
	// Metadata is the template's merged metadata (msticpy's cluster, clusters,
	// cluster_groups, database, ...) for drivers that route by it; nil for ad-hoc queries.
	Metadata map[string]any
}

// CodeParams are parameter names that hold query code by design (msticpy templates use them to
// splice clauses): their values are inserted verbatim when placed outside a literal.
var CodeParams = map[string]bool{
	"add_query_items":     true,
	"table":               true,
	"query_project":       true,
	"event_filter":        true,
	"subscription_filter": true,
}

type renderConfig struct {
	now    time.Time
	window time.Duration
}

// RenderOption configures Render.
type RenderOption func(*renderConfig)

// WithNow fixes the clock used for "now" and relative times (tests, reproducible runs).
func WithNow(now time.Time) RenderOption { return func(c *renderConfig) { c.now = now.UTC() } }

// WithDefaultWindow sets the span used for start when neither a value nor a default is given
// (default DefaultWindow, one day before end).
func WithDefaultWindow(d time.Duration) RenderOption { return func(c *renderConfig) { c.window = d } }

// boundValue is a parameter value converted to its declared type.
type boundValue struct {
	p           *Param
	fromDefault bool
	str         string
	t           time.Time
	items       []any // list items (string, int64, float64, bool)
	num         string
}

// Render fills the template's placeholders for dialect d. values maps parameter names (or
// aliases) to values: strings (as typed on a command line), time.Time, numbers, bools, or
// []string / []any for lists.
//
// Binding rule (see the package documentation): a value placed inside a literal of the query
// (a quoted string, quoted identifier or comment) is escaped for that literal, so it can never
// end it. Outside literals, datetime, int, float, bool and list values are written as validated
// literals of their type; str values stay query code — the code-fragment parameters
// (add_query_items, table, query_project, event_filter, subscription_filter) and any str
// parameter the template places outside quotes. Template defaults are template text and are
// inserted as written.
//
// Optional filters: a KQL pipe filter line ("| where A contains "{p}" or B == "{p}"") whose
// every term tests a str parameter left out whose default is "" is left out of the query,
// as msticpy's empty defaults intend (no filter), instead of rendering `contains ""`.
//
// Parameters "start" and "end" of type datetime that have no value and no default get the
// default window: end = now, start = end - 1 day.
func (t *Template) Render(d Dialect, values map[string]any, opts ...RenderOption) (Request, error) {
	cfg := renderConfig{now: time.Now().UTC(), window: DefaultWindow}
	for _, o := range opts {
		o(&cfg)
	}
	name := t.QualifiedName()
	if t.parseErr != nil {
		return Request{}, t.parseErr
	}
	segs, err := t.segments()
	if err != nil {
		return Request{}, err
	}
	// Resolve names and aliases.
	given := map[string]any{}
	givenAs := map[string]string{}
	var unknown []string
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := t.Param(k)
		if p == nil {
			unknown = append(unknown, k)
			continue
		}
		if prev, dup := givenAs[p.Name]; dup {
			return Request{}, &ParamTypeError{Template: name, Param: p.Name, Expected: "one value",
				Value: fmt.Sprint(values[k]), Err: fmt.Errorf("given twice, as %s and %s", prev, k)}
		}
		givenAs[p.Name] = k
		given[p.Name] = values[k]
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		var cands []string
		for _, p := range t.Params {
			cands = append(cands, p.Name)
			cands = append(cands, p.Aliases...)
		}
		return Request{}, &NotFoundError{Kind: kindParam, Name: unknown[0], Env: "", Suggestions: suggest.Ranked(unknown[0], cands, 3),
			tmpl: name, all: unknown}
	}
	bound := map[string]*boundValue{}
	var missing []string
	var typeErrs []error
	// end before start: the start default depends on end.
	order := make([]*Param, 0, len(t.Params))
	for _, p := range t.Params {
		if p.Name == "end" {
			order = append([]*Param{p}, order...)
		} else {
			order = append(order, p)
		}
	}
	for _, p := range order {
		v, ok := given[p.Name]
		fromDefault := false
		if !ok || v == nil {
			switch {
			case p.HasDefault:
				v, fromDefault = p.Default, true
			case p.Type == TypeDatetime && p.Name == "end":
				v = cfg.now
			case p.Type == TypeDatetime && p.Name == "start":
				end := cfg.now
				if b := bound["end"]; b != nil && b.p.Type == TypeDatetime {
					end = b.t
				}
				v = end.Add(-cfg.window)
			default:
				missing = append(missing, p.Name)
				continue
			}
		}
		b, err := convert(name, p, v, fromDefault, cfg.now)
		if err != nil {
			typeErrs = append(typeErrs, err)
			continue
		}
		bound[p.Name] = b
	}
	if len(missing) > 0 {
		return Request{}, &MissingParamsError{Template: name, Names: missing}
	}
	if len(typeErrs) == 1 {
		return Request{}, typeErrs[0]
	}
	if len(typeErrs) > 1 {
		return Request{}, paramErrors(typeErrs)
	}
	req := Request{Language: d.Name(), Metadata: t.Metadata}
	if b := bound["start"]; b != nil && b.p.Type == TypeDatetime {
		req.Start = b.t
	}
	if b := bound["end"]; b != nil && b.p.Type == TypeDatetime {
		req.End = b.t
	}
	if !req.Start.IsZero() && !req.End.IsZero() && req.Start.After(req.End) {
		return Request{}, fmt.Errorf("template %s: start %s is after end %s: %w", name,
			req.Start.Format(time.RFC3339), req.End.Format(time.RFC3339), ErrBadWindow)
	}

	if q, dropped := dropUnsetFilters(t.Query, unsetOptional(bound)); dropped {
		if segs, err = parseFormat(q); err != nil {
			return Request{}, err
		}
	}
	sc := d.NewScanner()
	var out strings.Builder
	wd, _ := d.(WholeValueDialect)
	skipQuote := false
	for i, s := range segs {
		if s.field == "" {
			lit := s.lit
			if skipQuote { // the closing quote of a literal a whole value replaced
				lit, skipQuote = lit[1:], false
			}
			out.WriteString(lit)
			sc.Feed(lit)
			continue
		}
		b := bound[s.field]
		whole, inArray := false, false
		if wd != nil && b != nil {
			whole, inArray = wholeValue(out.String(), segs, i)
		}
		if whole {
			text, err := wd.WholeValue(b.value(), inArray)
			if err != nil {
				return Request{}, &ParamTypeError{Template: name, Param: b.p.Name, Expected: "a JSON value", Value: fmt.Sprint(b.value()), Err: err}
			}
			o := out.String()
			out.Reset()
			out.WriteString(o[:len(o)-1])
			out.WriteString(text)
			sc.Feed(`"`) // the scanner saw the opening quote; close the literal it opened
			skipQuote = true
			continue
		}
		if b == nil {
			l, c := lineCol(t.Query, s.off)
			return Request{}, &SyntaxError{File: t.File, Line: t.Line, Template: name, QueryLine: l, QueryCol: c,
				Msg: fmt.Sprintf("placeholder {%s} has no parameter definition", s.field)}
		}
		text, err := bindFormatted(d, sc, b, name)
		if err != nil {
			return Request{}, err
		}
		out.WriteString(text)
	}
	// msticpy removes the blank lines left by empty clause parameters.
	req.Text = blankLines.ReplaceAllString(out.String(), "\n")
	return req, nil
}

var blankLines = regexp.MustCompile(`\n\s*\n`)

// unsetOptional names the str parameters left out whose default is "": optional filters.
func unsetOptional(bound map[string]*boundValue) map[string]bool {
	out := map[string]bool{}
	for name, b := range bound {
		if b.p.Type == TypeStr && b.fromDefault && b.str == "" && !CodeParams[name] {
			out[name] = true
		}
	}
	return out
}

// bindFormatted binds one value, wrapped in the parameter's msticpy "format" template when it
// has one (the value goes where the format has {} or {0}; the rest is template text), and
// advances the scanner over the result.
func bindFormatted(d Dialect, sc Scanner, b *boundValue, tmpl string) (string, error) {
	if b.p.Format == "" {
		text, err := bind(d, sc, b, tmpl)
		if err == nil {
			sc.Feed(text)
		}
		return text, err
	}
	pre, post, err := splitFormat(b.p.Format)
	if err != nil {
		return "", &SyntaxError{Template: tmpl, Msg: fmt.Sprintf("parameter %s: format %q: %v", b.p.Name, b.p.Format, err)}
	}
	sc.Feed(pre)
	text, err := bind(d, sc, b, tmpl)
	if err != nil {
		return "", err
	}
	sc.Feed(text)
	sc.Feed(post)
	return pre + text + post, nil
}

// splitFormat splits a Python format string with one positional field ({} or {0}) into the
// text before and after it, unescaping {{ and }}.
func splitFormat(f string) (string, string, error) {
	var pre, post strings.Builder
	cur := &pre
	seen := false
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && strings.HasPrefix(f[i:], "{{"), c == '}' && strings.HasPrefix(f[i:], "}}"):
			cur.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return "", "", errors.New("unclosed '{'")
			}
			field := f[i+1 : i+end]
			if field != "" && field != "0" {
				return "", "", fmt.Errorf("field {%s}: want {} or {0}", field)
			}
			if seen {
				return "", "", errors.New("more than one field")
			}
			seen = true
			cur = &post
			i += end
		case c == '}':
			return "", "", errors.New("single '}'")
		default:
			cur.WriteByte(c)
		}
	}
	if !seen {
		return "", "", errors.New("no {} field")
	}
	return pre.String(), post.String(), nil
}

// bind writes one value for the scanner's current context.
func bind(d Dialect, sc Scanner, b *boundValue, tmpl string) (string, error) {
	ctx, pending, escPending := sc.State()
	p := b.p
	if ctx.Literal() {
		if escPending {
			return "", &UnsafeValueError{Template: tmpl, Param: p.Name, Context: ctx.String(),
				Reason: "the placeholder directly follows an escape character"}
		}
		var text string
		switch p.Type {
		case TypeDatetime:
			text = d.Time(b.t, true)
		case TypeList:
			parts := make([]string, len(b.items))
			for i, it := range b.items {
				parts[i] = itemText(it)
			}
			text = strings.Join(parts, ", ")
		case TypeStr:
			text = b.str
			if b.fromDefault {
				return text, nil // template text, written for this literal by the author
			}
		default:
			text = b.num
		}
		esc, err := d.Escape(ctx, text)
		if err != nil {
			return "", &UnsafeValueError{Template: tmpl, Param: p.Name, Context: ctx.String(), Reason: err.Error()}
		}
		return esc, nil
	}
	var text string
	switch p.Type {
	case TypeStr:
		return b.str, nil // code: by design or because the template places it outside quotes
	case TypeDatetime:
		text = d.Time(b.t, false)
	case TypeList:
		parts := make([]string, len(b.items))
		for i, it := range b.items {
			if s, ok := it.(string); ok {
				parts[i] = d.Literal(s)
			} else {
				parts[i] = itemText(it)
			}
		}
		text = strings.Join(parts, ", ")
	default:
		text = b.num
	}
	if pending {
		// keep a generated literal from fusing with a token the template left open (-- // @)
		text = " " + text
	}
	return text, nil
}

func itemText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// convert checks a value against the parameter's declared type.
func convert(tmpl string, p *Param, v any, fromDefault bool, now time.Time) (*boundValue, error) {
	b := &boundValue{p: p, fromDefault: fromDefault}
	expected := string(p.Type)
	if fromDefault {
		expected += " (template default)"
	}
	bad := func(err error) error {
		return &ParamTypeError{Template: tmpl, Param: p.Name, Expected: expected, Value: shortValue(v), Err: err}
	}
	switch p.Type {
	case TypeStr:
		switch x := v.(type) {
		case string:
			b.str = x
		case []string:
			b.str = strings.Join(x, ",")
		case time.Time:
			b.str = x.UTC().Format(time.RFC3339Nano)
		case float64:
			b.str = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			b.str = fmt.Sprint(x)
		}
	case TypeInt:
		n, err := toInt(v)
		if err != nil {
			return nil, bad(err)
		}
		b.num = strconv.FormatInt(n, 10)
	case TypeFloat:
		f, err := toFloat(v)
		if err != nil {
			return nil, bad(err)
		}
		b.num = strconv.FormatFloat(f, 'f', -1, 64)
	case TypeBool:
		bv, err := toBool(v)
		if err != nil {
			return nil, bad(err)
		}
		b.num = strconv.FormatBool(bv)
	case TypeDatetime:
		t, err := toTime(v, now)
		if err != nil {
			return nil, bad(err)
		}
		b.t = t
	case TypeList:
		items, err := toList(v)
		if err != nil {
			return nil, bad(err)
		}
		b.items = items
	default:
		return nil, bad(fmt.Errorf("unknown type %q", p.Type))
	}
	return b, nil
}

func shortValue(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, errors.New("out of range")
		}
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<62 {
			return 0, errors.New("not a whole number")
		}
		return int64(x), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, errors.New("not an integer")
		}
		return n, nil
	}
	return 0, fmt.Errorf("cannot use %T as int", v)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, errors.New("not a finite number")
		}
		return x, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, errors.New("not a number")
		}
		return f, nil
	}
	return 0, fmt.Errorf("cannot use %T as float", v)
}

func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "yes", "1", "on":
			return true, nil
		case "false", "no", "0", "off":
			return false, nil
		}
		return false, errors.New("want true or false")
	}
	return false, fmt.Errorf("cannot use %T as bool", v)
}

// toTime accepts time.Time, numbers (days from now, as msticpy) and time expressions.
func toTime(v any, now time.Time) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case int:
		return now.AddDate(0, 0, x), nil
	case int64:
		return now.AddDate(0, 0, int(x)), nil
	case float64:
		if math.Abs(x) > 36500 || math.IsNaN(x) {
			return time.Time{}, errors.New("offset out of range")
		}
		return now.Add(time.Duration(x * float64(24*time.Hour))), nil
	case string:
		return ParseTime(x, now)
	}
	return time.Time{}, fmt.Errorf("cannot use %T as datetime", v)
}

// toList accepts []string, []any and comma-separated strings (msticpy splits on commas).
func toList(v any) ([]any, error) {
	switch x := v.(type) {
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			switch y := e.(type) {
			case string, int64, float64, bool:
				out = append(out, y)
			case int:
				out = append(out, int64(y))
			default:
				return nil, fmt.Errorf("list item %v is not a scalar", e)
			}
		}
		return out, nil
	case string:
		if !strings.Contains(x, ",") {
			return []any{x}, nil
		}
		parts := strings.Split(x, ",")
		out := make([]any, len(parts))
		for i, s := range parts {
			out[i] = strings.TrimSpace(s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot use %T as list", v)
}

// paramErrors joins several parameter errors on one line.
type paramErrors []error

func (p paramErrors) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the individual errors (for errors.Is and errors.As).
func (p paramErrors) Unwrap() []error { return p }
