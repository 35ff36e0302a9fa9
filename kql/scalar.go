package kql

import (
	"github.com/huntkit/huntkit/kql/syntax"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sqlExpr is a compiled scalar expression.
type sqlExpr struct {
	sql    string
	t      ktype
	str    *string // value when a constant string
	num    *float64
	hasDyn bool // constant dynamic value known at compile time
	dynVal any
	agg    bool // contains an aggregate
}

// scope is what names resolve to inside a scalar expression.
type scope struct {
	rel         *rel
	env         *env
	refs        map[string]bool
	left, right *rel          // join on clause
	agg         *aggCollector // non-nil inside summarize
}

func strConst(s string) sqlExpr { return sqlExpr{sql: qs(s), t: kString, str: &s} }

func (c *compiler) scalar(x syntax.Expr, sc *scope) sqlExpr {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 300 {
		c.failAt(x, nil, "expression nested too deeply")
	}
	out := c.scalarNode(x, sc)
	c.checkSize(out.sql, x)
	return out
}

// scalarNode compiles one scalar node (see scalar, which bounds and checks it).
func (c *compiler) scalarNode(x syntax.Expr, sc *scope) sqlExpr {
	switch v := x.(type) {
	case *syntax.Paren:
		if c.isTabular(v.X, sc.env) {
			return c.scalarSubquery(v.X, sc)
		}
		in := c.scalar(v.X, sc)
		in.sql = "(" + in.sql + ")"
		return in
	case *syntax.Literal:
		return c.literal(v)
	case *syntax.Ident:
		return c.ident(v, sc)
	case *syntax.Unary:
		in := c.scalar(v.X, sc)
		if v.Op == "+" {
			return in
		}
		if in.t == kDynamic {
			in = c.convert(in, kReal)
		}
		out := sqlExpr{sql: "(-" + in.sql + ")", t: in.t, agg: in.agg}
		if in.num != nil {
			n := -*in.num
			out.num = &n
		}
		return out
	case *syntax.Binary:
		return c.binary(v, sc)
	case *syntax.InExpr:
		return c.in(v, sc)
	case *syntax.BetweenExpr:
		l := c.scalar(v.L, sc)
		lo := c.scalar(v.Lo, sc)
		hi := c.scalar(v.Hi, sc)
		if l.t == kDynamic {
			l = c.convert(l, lo.t)
		}
		if lo.t == kDatetime && hi.t == kTimespan {
			hi = sqlExpr{sql: "(" + lo.sql + " + " + hi.sql + ")", t: kDatetime}
		}
		s := "(" + l.sql + " BETWEEN " + lo.sql + " AND " + hi.sql + ")"
		if v.Not {
			s = "(NOT " + s + ")"
		}
		return sqlExpr{sql: s, t: kBool, agg: l.agg || lo.agg || hi.agg}
	case *syntax.Member:
		return c.member(v, sc)
	case *syntax.IndexExpr:
		return c.index(v, sc)
	case *syntax.Call:
		return c.call(v, sc)
	case *syntax.Pipe:
		return c.scalarSubquery(v, sc)
	case *syntax.Compiled:
		if x, ok := v.Value.(sqlExpr); ok {
			return x
		}
	case *syntax.Star:
		c.failAt(v, nil, "'*' is not valid here")
	}
	c.failAt(x, nil, "expected a scalar expression")
	return sqlExpr{}
}

// scalarSubquery compiles a tabular expression used as a scalar (its first column of the
// first row), as toscalar() does.
func (c *compiler) scalarSubquery(x syntax.Expr, sc *scope) sqlExpr {
	r := c.tabular(x, sc.env)
	if len(r.cols) == 0 {
		c.failAt(x, nil, "tabular expression has no columns")
	}
	return sqlExpr{sql: "(SELECT " + r.cols[0].ident() + " FROM " + r.sql + " AS " + c.newAlias() + " LIMIT 1)", t: r.cols[0].t}
}

func (c *compiler) literal(l *syntax.Literal) sqlExpr {
	if l.Null {
		t := kUnknown
		switch l.Kind {
		case syntax.LitInt:
			t = kInt
		case syntax.LitLong:
			t = kLong
		case syntax.LitReal, syntax.LitDecimal:
			t = kReal
		case syntax.LitBool:
			t = kBool
		case syntax.LitDatetime:
			t = kDatetime
		case syntax.LitTimespan:
			t = kTimespan
		case syntax.LitGuid:
			t = kGuid
		case syntax.LitDynamic:
			t = kDynamic
		}
		return sqlExpr{sql: "CAST(NULL AS " + t.sqlType() + ")", t: t}
	}
	switch l.Kind {
	case syntax.LitString:
		return strConst(l.Value.(string))
	case syntax.LitLong, syntax.LitInt:
		v := l.Value.(int64)
		f := float64(v)
		t := kLong
		if l.Kind == syntax.LitInt {
			t = kInt
			return sqlExpr{sql: "CAST(" + fmtInt(v) + " AS INTEGER)", t: t, num: &f}
		}
		s := fmtInt(v)
		if v < 0 {
			s = "(" + s + ")"
		}
		return sqlExpr{sql: "CAST(" + s + " AS BIGINT)", t: t, num: &f}
	case syntax.LitReal, syntax.LitDecimal:
		v := l.Value.(float64)
		return sqlExpr{sql: fmtFloat(v), t: kReal, num: &v}
	case syntax.LitBool:
		if l.Value.(bool) {
			return sqlExpr{sql: "true", t: kBool}
		}
		return sqlExpr{sql: "false", t: kBool}
	case syntax.LitDatetime:
		return sqlExpr{sql: tsLit(l.Value.(time.Time)), t: kDatetime}
	case syntax.LitTimespan:
		return sqlExpr{sql: intervalLit(l.Value.(time.Duration)), t: kTimespan}
	case syntax.LitGuid:
		s := l.Value.(string)
		return sqlExpr{sql: qs(s), t: kGuid, str: &s}
	case syntax.LitDynamic:
		return sqlExpr{sql: "CAST(" + qs(syntax.JSONText(l.Value)) + " AS JSON)", t: kDynamic, hasDyn: true, dynVal: l.Value}
	}
	return sqlExpr{sql: "NULL", t: kNull}
}

func intervalLit(d time.Duration) string {
	return "INTERVAL '" + strconv.FormatInt(d.Microseconds(), 10) + " microseconds'"
}

func (c *compiler) ident(id *syntax.Ident, sc *scope) sqlExpr {
	if sc.rel != nil {
		if col, ok := sc.rel.col(id.Name); ok {
			if sc.refs != nil {
				sc.refs[id.Name] = true
			}
			return sqlExpr{sql: col.ident(), t: col.t}
		}
	}
	if b := sc.env.lookup(id.Name); b != nil {
		switch {
		case b.scalar != nil:
			x := *b.scalar
			x.hasDyn, x.dynVal = b.hasDyn, b.dynVal
			return x
		case b.tabular != nil || b.rel != nil:
			c.failAt(id, nil, "%q is a table; use toscalar() or a column of it", id.Name)
		case b.fn != nil && len(b.fn.Params) == 0:
			return c.scalarFn(&syntax.Call{Loc: id.Loc, Fn: id}, b, sc)
		}
	}
	if sc.rel == nil {
		c.failAt(id, ErrUnknownName, "unknown name %q", id.Name)
	}
	c.failAt(id, ErrUnknownName, "unknown column %q%s", id.Name, didYouMean(id.Name, sc.rel.names()))
	return sqlExpr{}
}

// convert casts x to type t with KQL conversion rules (failed conversions give null).
func (c *compiler) convert(x sqlExpr, t ktype) sqlExpr {
	if x.t == t || t == kUnknown {
		return x
	}
	out := sqlExpr{t: t, agg: x.agg}
	switch t {
	case kString, kGuid:
		switch x.t {
		case kDynamic:
			out.sql = "json_extract_string(" + x.sql + ", '$')"
		case kDatetime:
			out.sql = "strftime(" + x.sql + ", '%Y-%m-%dT%H:%M:%S.%fZ')"
		case kTimespan:
			out.sql = "CAST(" + x.sql + " AS VARCHAR)"
		case kBool:
			out.sql = "CASE WHEN " + x.sql + " THEN 'true' WHEN NOT " + x.sql + " THEN 'false' END"
		default:
			out.sql = "CAST(" + x.sql + " AS VARCHAR)"
		}
		out.str = x.str
		return out
	case kDynamic:
		switch x.t {
		case kString, kGuid:
			out.sql = "to_json(" + x.sql + ")"
		case kDatetime:
			out.sql = "to_json(strftime(" + x.sql + ", '%Y-%m-%dT%H:%M:%S.%fZ'))"
		case kTimespan:
			out.sql = "to_json(CAST(" + x.sql + " AS VARCHAR))"
		default:
			out.sql = "to_json(" + x.sql + ")"
		}
		return out
	}
	src := x.sql
	if x.t == kDynamic {
		src = "json_extract_string(" + x.sql + ", '$')"
	}
	switch t {
	case kDatetime:
		if x.t.numeric() {
			c.failAt(nil, nil, "cannot convert a number to datetime")
		}
		if x.t == kString || x.t == kDynamic {
			// an explicit UTC offset must shift the time; plain TIMESTAMP casts ignore it
			out.sql = "coalesce(CASE WHEN regexp_matches(" + src + ", '[+-][0-9]{2}:?[0-9]{2}$') THEN TRY_CAST(" + src + " AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END, TRY_CAST(" + src + " AS TIMESTAMP), try_strptime(" + src + ", '%a, %d %b %Y %H:%M:%S GMT'))"
		} else {
			out.sql = "TRY_CAST(" + src + " AS TIMESTAMP)"
		}
	case kTimespan:
		out.sql = "TRY_CAST(" + src + " AS INTERVAL)"
	case kBool:
		if x.t.numeric() {
			out.sql = "(" + src + " <> 0)"
		} else {
			out.sql = "TRY_CAST(" + src + " AS BOOLEAN)"
		}
	case kInt, kLong:
		if x.t == kReal {
			out.sql = "TRY_CAST(trunc(" + src + ") AS " + t.sqlType() + ")"
		} else if x.t == kString || x.t == kDynamic {
			out.sql = "TRY_CAST(TRY_CAST(" + src + " AS DOUBLE) AS " + t.sqlType() + ")"
			out.sql = "COALESCE(TRY_CAST(" + src + " AS " + t.sqlType() + "), TRY_CAST(trunc(TRY_CAST(" + src + " AS DOUBLE)) AS " + t.sqlType() + "))"
		} else if x.t == kBool {
			out.sql = "CAST(" + src + " AS " + t.sqlType() + ")"
		} else if x.t == kDatetime {
			out.sql = "(epoch_us(" + src + ") * 10 + 621355968000000000)"
		} else if x.t == kTimespan {
			out.sql = "(to_microseconds(0) + " + src + ")"
			out.sql = "CAST(epoch(" + src + ") * 10000000 AS BIGINT)"
		} else {
			out.sql = "TRY_CAST(" + src + " AS " + t.sqlType() + ")"
		}
	case kReal:
		if x.t == kTimespan {
			out.sql = "(epoch(" + src + ") * 10000000)"
		} else {
			out.sql = "TRY_CAST(" + src + " AS DOUBLE)"
		}
	default:
		out.sql = "TRY_CAST(" + src + " AS " + t.sqlType() + ")"
	}
	return out
}

func (c *compiler) toBool(x sqlExpr) sqlExpr {
	if x.t == kBool {
		return x
	}
	return c.convert(x, kBool)
}

// strOf converts x to a string for string operators; dynamic values use their text.
func (c *compiler) strOf(x sqlExpr) sqlExpr {
	if x.t == kString || x.t == kGuid {
		return x
	}
	return c.convert(x, kString)
}

// nz wraps a string expression so null counts as "" (KQL strings have no null).
func nz(x sqlExpr) string {
	if x.str != nil {
		return x.sql
	}
	return "coalesce(" + x.sql + ", '')"
}

// termPattern builds the regular expression for has-style operators on a constant term.
func termPattern(term string, prefix, suffix bool) string {
	const b = `[^\pL\pN]`
	p := regexp.QuoteMeta(term)
	if prefix && term != "" && isWordRune(term[0]) {
		p = "(^|" + b + ")" + p
	}
	if suffix && term != "" && isWordRune(term[len(term)-1]) {
		p = p + "($|" + b + ")"
	}
	return p
}

func isWordRune(c byte) bool { return isAlnum(c) || c >= 0x80 }

func (c *compiler) binary(b *syntax.Binary, sc *scope) sqlExpr {
	switch b.Op {
	case "and", "or":
		l := c.toBool(c.scalar(b.L, sc))
		r := c.toBool(c.scalar(b.R, sc))
		return sqlExpr{sql: "(" + l.sql + " " + strings.ToUpper(b.Op) + " " + r.sql + ")", t: kBool, agg: l.agg || r.agg}
	}
	l := c.scalar(b.L, sc)
	r := c.scalar(b.R, sc)
	agg := l.agg || r.agg
	out := func(s string, t ktype) sqlExpr { return sqlExpr{sql: s, t: t, agg: agg} }
	switch b.Op {
	case "+", "-", "*", "/", "%":
		return c.arith(b, l, r)
	case "==", "!=", "<", "<=", ">", ">=":
		l, r = c.unify(l, r)
		op := b.Op
		if op == "==" {
			op = "="
		}
		if op == "!=" {
			if l.t == kString || l.t == kGuid {
				return out("("+nz(l)+" <> "+nz(r)+")", kBool)
			}
			return out("("+l.sql+" IS DISTINCT FROM "+r.sql+")", kBool)
		}
		if op == "=" && (l.t == kString || l.t == kGuid) && ((l.str != nil && *l.str == "") || (r.str != nil && *r.str == "")) {
			return out("("+nz(l)+" = "+nz(r)+")", kBool)
		}
		return out("("+l.sql+" "+op+" "+r.sql+")", kBool)
	case "=~", "!~":
		l, r = c.strOf(l), c.strOf(r)
		rs := "lower(" + r.sql + ")"
		if r.str != nil {
			rs = qs(strings.ToLower(*r.str))
		}
		if b.Op == "=~" {
			return out("(lower("+nz(l)+") = "+rs+")", kBool)
		}
		return out("(lower("+nz(l)+") <> "+rs+")", kBool)
	case "matches regex":
		l, r = c.strOf(l), c.strOf(r)
		if r.str != nil {
			if _, err := regexp.Compile(*r.str); err != nil {
				c.failAt(b.R, nil, "invalid regular expression: %v", err)
			}
		}
		return out("regexp_matches("+nz(l)+", "+r.sql+")", kBool)
	}
	neg := strings.HasPrefix(b.Op, "!")
	op := strings.TrimPrefix(b.Op, "!")
	l, r = c.strOf(l), c.strOf(r)
	// a null string is "" in KQL; only negations can turn that into true
	ls := l.sql
	if neg {
		ls = nz(l)
	}
	var s string
	cs := strings.HasSuffix(op, "_cs")
	base := strings.TrimSuffix(op, "_cs")
	fold := func(x string) string {
		if cs {
			return x
		}
		return "lower(" + x + ")"
	}
	switch base {
	case "has", "hasprefix", "hassuffix":
		flags := "'i'"
		if cs {
			flags = "'c'"
		}
		if r.str != nil {
			term := *r.str
			if term == "" {
				s = "true"
				break
			}
			pat := termPattern(term, base != "hassuffix", base != "hasprefix")
			lit := term
			if !cs {
				lit = strings.ToLower(term)
			}
			// a cheap substring test first, then the term boundaries
			s = "(contains(" + fold(ls) + ", " + qs(lit) + ") AND regexp_matches(" + ls + ", " + qs(pat) + ", " + flags + "))"
		} else {
			const bnd = `[^\pL\pN]`
			pre, suf := "'(^|"+bnd+")' || ", " || '($|"+bnd+")'"
			if base == "hasprefix" {
				suf = ""
			}
			if base == "hassuffix" {
				pre = ""
			}
			s = "regexp_matches(" + ls + ", " + pre + "regexp_escape(" + r.sql + ")" + suf + ", " + flags + ")"
		}
	case "contains", "startswith", "endswith":
		fn := map[string]string{"contains": "contains", "startswith": "starts_with", "endswith": "ends_with"}[base]
		rs := fold(nz(r))
		if r.str != nil {
			v := *r.str
			if !cs {
				v = strings.ToLower(v)
			}
			rs = qs(v)
		}
		s = fn + "(" + fold(ls) + ", " + rs + ")"
	case "like":
		s = "(" + ls + " LIKE " + r.sql + ")"
	default:
		c.unsupported(b, "the "+b.Op+" operator")
	}
	if neg {
		s = "(NOT " + s + ")"
	}
	return out(s, kBool)
}

// unify coerces the operands of a comparison to a common type.
func (c *compiler) unify(l, r sqlExpr) (sqlExpr, sqlExpr) {
	if l.t == r.t {
		return l, r
	}
	if l.t == kDynamic && r.t != kDynamic && r.t != kNull && r.t != kUnknown {
		return c.convert(l, r.t), r
	}
	if r.t == kDynamic && l.t != kDynamic && l.t != kNull && l.t != kUnknown {
		return l, c.convert(r, l.t)
	}
	if (l.t == kString && r.t == kGuid) || (l.t == kGuid && r.t == kString) {
		return l, r
	}
	if l.t == kDatetime && r.t == kString {
		return l, c.convert(r, kDatetime)
	}
	if r.t == kDatetime && l.t == kString {
		return c.convert(l, kDatetime), r
	}
	if l.t == kBool && r.t.numeric() {
		return c.convert(l, kLong), r
	}
	if r.t == kBool && l.t.numeric() {
		return l, c.convert(r, kLong)
	}
	return l, r
}

func (c *compiler) arith(b *syntax.Binary, l, r sqlExpr) sqlExpr {
	agg := l.agg || r.agg
	if l.t == kDynamic {
		l = c.convert(l, kReal)
	}
	if r.t == kDynamic {
		r = c.convert(r, kReal)
	}
	out := func(s string, t ktype) sqlExpr { return sqlExpr{sql: s, t: t, agg: agg} }
	op := b.Op
	switch {
	case l.t == kDatetime && r.t == kDatetime && op == "-":
		return out("("+l.sql+" - "+r.sql+")", kTimespan)
	case l.t == kDatetime && r.t == kTimespan && (op == "+" || op == "-"):
		return out("("+l.sql+" "+op+" "+r.sql+")", kDatetime)
	case l.t == kTimespan && r.t == kDatetime && op == "+":
		return out("("+r.sql+" + "+l.sql+")", kDatetime)
	case l.t == kTimespan && r.t == kTimespan:
		switch op {
		case "+", "-":
			return out("("+l.sql+" "+op+" "+r.sql+")", kTimespan)
		case "/":
			return out("(epoch("+l.sql+") / nullif(epoch("+r.sql+"), 0))", kReal)
		case "%":
			return out("to_microseconds(CAST(epoch_us("+l.sql+") % nullif(epoch_us("+r.sql+"), 0) AS BIGINT))", kTimespan)
		}
	case l.t == kTimespan && r.t.numeric() && (op == "*" || op == "/"):
		return out("to_microseconds(CAST(round(epoch("+l.sql+") * 1000000 "+op+" "+r.sql+") AS BIGINT))", kTimespan)
	case r.t == kTimespan && l.t.numeric() && op == "*":
		return out("to_microseconds(CAST(round(epoch("+r.sql+") * 1000000 * "+l.sql+") AS BIGINT))", kTimespan)
	case l.t == kString || r.t == kString:
		c.failAt(b, nil, "operator %s cannot be applied to strings (use strcat)", op)
	}
	t := kLong
	if l.t == kReal || r.t == kReal {
		t = kReal
	} else if l.t == kInt && r.t == kInt {
		t = kInt
	}
	switch op {
	case "/":
		if t == kReal {
			return out("("+l.sql+" / "+r.sql+")", kReal)
		}
		return out("("+l.sql+" // nullif("+r.sql+", 0))", t)
	case "%":
		return out("("+l.sql+" % nullif("+r.sql+", 0))", t)
	}
	res := out("("+l.sql+" "+op+" "+r.sql+")", t)
	if l.num != nil && r.num != nil {
		var v float64
		switch op {
		case "+":
			v = *l.num + *r.num
		case "-":
			v = *l.num - *r.num
		case "*":
			v = *l.num * *r.num
		}
		res.num = &v
	}
	return res
}

// dynList flattens compile-time values of an in/has_any list: literal scalars and dynamic
// arrays. ok is false when the list has runtime parts.
func (c *compiler) constList(list []syntax.Expr, sc *scope) (vals []sqlExpr, ok bool) {
	for _, x := range list {
		e := c.scalar(x, sc)
		if e.hasDyn {
			arr, isArr := e.dynVal.([]any)
			if !isArr {
				arr = []any{e.dynVal}
			}
			for _, v := range arr {
				vals = append(vals, dynToSQL(v))
			}
			continue
		}
		if e.t == kDynamic {
			return nil, false
		}
		vals = append(vals, e)
	}
	return vals, true
}

// hasDynamic is has_any / has_all over a dynamic array known only at run time (a column
// or a computed value): each element is a term that must appear in l with term
// boundaries, ignoring case. Empty elements never match; has_all of an empty array is
// true and has_any false, as for constant lists.
func (c *compiler) hasDynamic(op string, l, arr sqlExpr) sqlExpr {
	const bnd = `[^\pL\pN]`
	terms := "list_transform(CAST(" + c.dyn(arr).sql + " AS JSON[]), lambda __e: coalesce(json_extract_string(__e, '$'), ''))"
	match := "lambda __t: __t <> '' AND regexp_matches(" + nz(c.strOf(l)) + ", '(^|" + bnd + ")' || regexp_escape(__t) || '($|" + bnd + ")', 'i')"
	hits := "len(list_filter(" + terms + ", " + match + "))"
	s := "coalesce(" + hits + " > 0, false)"
	if op == "has_all" {
		s = "coalesce(" + hits + " = len(" + terms + "), false)"
	}
	return sqlExpr{sql: s, t: kBool, agg: l.agg}
}

func dynToSQL(v any) sqlExpr {
	switch x := v.(type) {
	case string:
		return strConst(x)
	case int64:
		f := float64(x)
		return sqlExpr{sql: fmtInt(x), t: kLong, num: &f}
	case float64:
		return sqlExpr{sql: fmtFloat(x), t: kReal, num: &x}
	case bool:
		return sqlExpr{sql: strconv.FormatBool(x), t: kBool}
	case nil:
		return sqlExpr{sql: "NULL", t: kNull}
	}
	return sqlExpr{sql: "CAST(" + qs(syntax.JSONText(v)) + " AS JSON)", t: kDynamic}
}

func (c *compiler) in(v *syntax.InExpr, sc *scope) sqlExpr {
	l := c.scalar(v.L, sc)
	op := v.Op
	neg := strings.HasPrefix(op, "!")
	op = strings.TrimPrefix(op, "!")
	// a single tabular argument: a subquery over its first column
	if len(v.List) == 1 && c.isTabular(v.List[0], sc.env) {
		r := c.tabular(v.List[0], sc.env)
		if len(r.cols) == 0 {
			c.failAt(v.List[0], nil, "tabular expression has no columns")
		}
		col := r.cols[0]
		ls, cs := l.sql, col.ident()
		if l.t == kDynamic && col.t != kDynamic {
			ls = c.convert(l, col.t).sql
		}
		if col.t == kDynamic && l.t != kDynamic {
			cs = c.convert(sqlExpr{sql: cs, t: kDynamic}, l.t).sql
		}
		switch op {
		case "in~":
			ls, cs = "lower("+c.strOf(sqlExpr{sql: ls, t: l.t}).sql+")", "lower("+cs+")"
		case "has_any":
			const bnd = `[^\pL\pN]`
			t := c.strOf(sqlExpr{sql: cs, t: col.t})
			s := "EXISTS (SELECT 1 FROM " + r.sql + " AS " + c.newAlias() + " WHERE " + t.sql + " <> '' AND regexp_matches(" + nz(c.strOf(l)) + ", '(^|" + bnd + ")' || regexp_escape(" + t.sql + ") || '($|" + bnd + ")', 'i'))"
			return sqlExpr{sql: s, t: kBool, agg: l.agg}
		case "has_all":
			c.unsupported(v, op+" with a tabular argument")
		}
		s := "coalesce(" + ls + " IN (SELECT " + cs + " FROM " + r.sql + " AS " + c.newAlias() + "), false)"
		if neg {
			s = "(NOT " + s + ")"
		}
		return sqlExpr{sql: s, t: kBool, agg: l.agg}
	}
	vals, ok := c.constList(v.List, sc)
	if !ok {
		// runtime dynamic array
		if len(v.List) != 1 {
			c.unsupported(v, op+" with a mix of dynamic columns and values")
		}
		arr := c.scalar(v.List[0], sc)
		switch op {
		case "in", "in~":
			ls := c.strOf(l)
			s := "list_contains(list_transform(CAST(" + arr.sql + " AS JSON[]), lambda x: json_extract_string(x, '$')), " + ls.sql + ")"
			if op == "in~" {
				s = "list_contains(list_transform(CAST(" + arr.sql + " AS JSON[]), lambda x: lower(json_extract_string(x, '$'))), lower(" + ls.sql + "))"
			}
			s = "coalesce(" + s + ", false)"
			if neg {
				s = "(NOT " + s + ")"
			}
			return sqlExpr{sql: s, t: kBool}
		}
		if op == "has_any" || op == "has_all" {
			return c.hasDynamic(op, l, arr)
		}
		c.unsupported(v, op+" with a dynamic column argument")
	}
	switch op {
	case "has_any", "has_all":
		ls := c.strOf(l)
		if len(vals) == 0 {
			if op == "has_any" {
				return sqlExpr{sql: "false", t: kBool}
			}
			return sqlExpr{sql: "true", t: kBool}
		}
		var parts, pats []string
		allConst := true
		for _, x := range vals {
			xs := c.strOf(x)
			if xs.str == nil || *xs.str == "" {
				allConst = false
			} else {
				pats = append(pats, "(?:"+termPattern(*xs.str, true, true)+")")
			}
			parts = append(parts, c.binary(&syntax.Binary{Loc: v.Loc, Op: "has", L: &syntax.Compiled{Value: ls}, R: &syntax.Compiled{Value: xs}}, sc).sql)
		}
		if op == "has_any" && allConst && len(pats) > 1 {
			// one alternation instead of many OR-ed predicates
			s := "regexp_matches(" + nz(ls) + ", " + qs(strings.Join(pats, "|")) + ", 'i')"
			return sqlExpr{sql: s, t: kBool, agg: l.agg}
		}
		j := " OR "
		if op == "has_all" {
			j = " AND "
		}
		s := "(" + strings.Join(parts, j) + ")"
		return sqlExpr{sql: s, t: kBool, agg: l.agg}
	}
	if len(vals) == 0 {
		if neg {
			return sqlExpr{sql: "true", t: kBool}
		}
		return sqlExpr{sql: "false", t: kBool}
	}
	ls := l
	var items []string
	for _, x := range vals {
		a, b := c.unify(ls, x)
		ls = a
		if op == "in~" {
			b = c.strOf(b)
			if b.str != nil {
				items = append(items, qs(strings.ToLower(*b.str)))
			} else {
				items = append(items, "lower("+b.sql+")")
			}
		} else {
			items = append(items, b.sql)
		}
	}
	lsql := ls.sql
	if op == "in~" {
		lsql = "lower(" + nz(c.strOf(ls)) + ")"
	} else if ls.t == kString {
		lsql = nz(ls)
	}
	s := "(" + lsql + " IN (" + strings.Join(items, ", ") + "))"
	if neg {
		s = "(NOT coalesce(" + lsql + " IN (" + strings.Join(items, ", ") + "), false))"
	}
	return sqlExpr{sql: s, t: kBool, agg: l.agg}
}

// jsonPath builds a DuckDB JSON path for a chain of member/index accesses on a dynamic
// base. ok is false when an index is not a constant.
func (c *compiler) jsonPath(x syntax.Expr, sc *scope) (base sqlExpr, path string, ok bool) {
	switch v := x.(type) {
	case *syntax.Member:
		b, p, ok := c.jsonPath(v.X, sc)
		if !ok {
			return b, p, false
		}
		return b, p + pathKey(v.Name.Name), true
	case *syntax.IndexExpr:
		b, p, ok := c.jsonPath(v.X, sc)
		if !ok {
			return b, p, false
		}
		idx := c.scalar(v.Index, sc)
		if idx.str != nil {
			return b, p + pathKey(*idx.str), true
		}
		if idx.num != nil && idx.t != kReal {
			n := int64(*idx.num)
			if n < 0 {
				return b, p + "[#" + fmtInt(n) + "]", true
			}
			return b, p + "[" + fmtInt(n) + "]", true
		}
		return b, p, false
	}
	b := c.scalar(x, sc)
	return b, "$", true
}

func pathKey(k string) string {
	simple := k != ""
	for i := 0; i < len(k); i++ {
		if !(isAlnum(k[i]) || k[i] == '_') {
			simple = false
		}
	}
	if simple && !isDigit(k[0]) {
		return "." + k
	}
	return `."` + strings.ReplaceAll(k, `"`, `\"`) + `"`
}

func (c *compiler) member(v *syntax.Member, sc *scope) sqlExpr {
	// $left.x / $right.x only inside join conditions
	if id, ok := v.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
		r := sc.left
		if id.Name == "$right" {
			r = sc.right
		}
		if r == nil {
			c.failAt(v, nil, "%s is only valid in a join condition", id.Name)
		}
		col, ok := r.col(v.Name.Name)
		if !ok {
			c.failAt(v.Name, ErrUnknownName, "unknown column %q in %s side%s", v.Name.Name, strings.TrimPrefix(id.Name, "$"), didYouMean(v.Name.Name, r.names()))
		}
		alias := "l"
		if id.Name == "$right" {
			alias = "r"
		}
		return sqlExpr{sql: alias + "." + col.ident(), t: col.t}
	}
	return c.access(v, sc)
}

func (c *compiler) index(v *syntax.IndexExpr, sc *scope) sqlExpr { return c.access(v, sc) }

func (c *compiler) access(x syntax.Expr, sc *scope) sqlExpr {
	base, path, ok := c.jsonPath(x, sc)
	if ok {
		if base.t != kDynamic && base.t != kString && base.t != kUnknown {
			c.failAt(x, nil, "property access on a %s value", base.t)
		}
		return sqlExpr{sql: "json_extract(" + base.sql + ", " + qs(path) + ")", t: kDynamic, agg: base.agg}
	}
	// runtime index
	v := x.(*syntax.IndexExpr)
	b := c.scalar(v.X, sc)
	idx := c.scalar(v.Index, sc)
	var p string
	if idx.t == kString {
		p = `'$."' || replace(` + idx.sql + `, '"', '\"') || '"'`
	} else {
		p = "CASE WHEN " + idx.sql + " < 0 THEN '$[#' || " + idx.sql + " || ']' ELSE '$[' || " + idx.sql + " || ']' END"
	}
	return sqlExpr{sql: "json_extract(" + b.sql + ", " + p + ")", t: kDynamic}
}

// sortedKeys returns map keys in order.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
