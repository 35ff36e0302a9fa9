package kql

import (
	"github.com/huntkit/huntkit/kql/syntax"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// aggCollector marks a scope where aggregate calls are allowed.
type aggCollector struct{}

func (a *aggCollector) aggregate(c *compiler, v *syntax.Call, sc *scope) sqlExpr {
	d := funcIndex[v.Fn.Name]
	if d == nil || d.compile == nil {
		c.unsupported(v, "aggregate function "+v.Fn.Name+"()")
	}
	if d.kind == kindTopAggregate {
		c.failAt(v, ErrUnsupported, "%s() must be a top-level summarize aggregate", v.Fn.Name)
	}
	c.nargs(v, d.min, d.max)
	return d.compile(&fcall{compiler: c, sc: sc, inner: &scope{rel: sc.rel, env: sc.env}, v: v, name: v.Fn.Name, lname: v.Fn.Name}, v)
}

func aggCount(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 1 {
		if _, ok := v.Args[0].(*syntax.Star); !ok {
			return c.res("count("+c.arg(0).sql+")", kLong)
		}
	}
	return c.res("count(*)", kLong)
}

func aggCountif(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("count(*) FILTER (WHERE "+c.cond(0)+")", kLong)
}

func aggDcount(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("count(DISTINCT "+c.arg(0).sql+")", kLong)
}

func aggDcountif(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("count(DISTINCT "+c.arg(0).sql+") FILTER (WHERE "+c.cond(1)+")", kLong)
}

func aggSum(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	if x.t == kDynamic {
		x = c.convert(x, kReal)
	}
	s := "sum(" + x.sql + ")"
	if x.t == kTimespan {
		s = "to_microseconds(CAST(sum(epoch_us(" + x.sql + ")) AS BIGINT))"
	}
	if c.name == "sumif" {
		s += " FILTER (WHERE " + c.cond(1) + ")"
	}
	t := x.t
	switch t {
	case kInt, kLong, kBool:
		s, t = "CAST("+s+" AS BIGINT)", kLong
	case kTimespan:
	default:
		s, t = "CAST("+s+" AS DOUBLE)", kReal
	}
	return c.res(s, t)
}

func aggAvg(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	if x.t == kDynamic || x.t == kBool {
		x = c.convert(x, kReal)
	}
	s := "avg(" + x.sql + ")"
	if c.name == "avgif" {
		s += " FILTER (WHERE " + c.cond(1) + ")"
	}
	if x.t == kTimespan || x.t == kDatetime {
		return c.res(s, x.t)
	}
	return c.res(s, kReal)
}

func aggMin(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	if x.t == kDynamic {
		x = c.convert(x, kReal)
	}
	fn := strings.TrimSuffix(c.name, "if")
	s := fn + "(" + x.sql + ")"
	if strings.HasSuffix(c.name, "if") {
		s += " FILTER (WHERE " + c.cond(1) + ")"
	}
	return c.res(s, x.t)
}

func aggMakeSet(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	isIf := strings.HasSuffix(c.name, "_if")
	maxArg := 1
	if isIf {
		maxArg = 2
	}
	distinct := ""
	if strings.Contains(c.name, "set") {
		distinct = "DISTINCT "
	}
	val := x.sql
	if x.t == kDatetime {
		val = "strftime(" + x.sql + ", '%Y-%m-%dT%H:%M:%S.%fZ')"
	} else if x.t == kTimespan {
		val = "CAST(" + x.sql + " AS VARCHAR)"
	}
	filter := x.sql + " IS NOT NULL"
	if c.name == "make_list_with_nulls" {
		filter = "true"
	}
	if isIf {
		filter += " AND " + c.cond(1)
	}
	order := ""
	if distinct == "" && c.sc.rel != nil && c.sc.rel.ord {
		order = " ORDER BY " + ordCol // make_list keeps the serialized row order
	}
	s := "list(" + distinct + val + order + ") FILTER (WHERE " + filter + ")"
	if len(v.Args) > maxArg {
		s = "list_slice(" + s + ", 1, " + c.arg(maxArg).sql + ")"
	}
	return c.res("coalesce(to_json("+s+"), CAST('[]' AS JSON))", kDynamic)
}

func aggMakeBag(c *fcall, v *syntax.Call) sqlExpr {
	x := c.dyn(c.arg(0))
	filter := "json_type(" + x.sql + ") = 'OBJECT'"
	if c.name == "make_bag_if" {
		filter += " AND " + c.cond(1)
	}
	return c.res("coalesce(list_reduce(list("+x.sql+") FILTER (WHERE "+filter+"), lambda a, b: json_merge_patch(a, b)), CAST('{}' AS JSON))", kDynamic)
}

func aggAny(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 1 {
		if _, ok := v.Args[0].(*syntax.Star); ok {
			c.unsupported(v, c.name+"(*)")
		}
	}
	x := c.arg(0)
	return c.res("any_value("+x.sql+")", x.t)
}

func aggAnyif(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	return c.res("any_value("+x.sql+") FILTER (WHERE "+c.cond(1)+")", x.t)
}

func aggStdev(c *fcall, v *syntax.Call) sqlExpr {
	fn := map[string]string{"stdev": "stddev_samp", "stdevp": "stddev_pop", "variance": "var_samp", "variancep": "var_pop", "stdevif": "stddev_samp", "varianceif": "var_samp"}[c.name]
	x := c.convert(c.arg(0), kReal)
	s := fn + "(" + x.sql + ")"
	if strings.HasSuffix(c.name, "if") {
		s += " FILTER (WHERE " + c.cond(1) + ")"
	}
	return c.res(s, kReal)
}

func aggPercentile(c *fcall, v *syntax.Call) sqlExpr {
	x := c.arg(0)
	if x.t == kDynamic {
		x = c.convert(x, kReal)
	}
	return c.res("quantile_disc("+x.sql+", "+c.arg(1).sql+" / 100.0)", x.t)
}

func aggBinaryAllOr(c *fcall, v *syntax.Call) sqlExpr {
	fn := "bit_or"
	if c.name == "binary_all_and" {
		fn = "bit_and"
	}
	return c.res(fn+"("+c.arg(0).sql+")", kLong)
}

// aggName is the default result name of an unnamed aggregate.
func aggName(call *syntax.Call) string {
	p := funcIndex[call.Fn.Name].prefix
	switch call.Fn.Name {
	case "countif":
		return p
	case "count":
		if len(call.Args) == 1 {
			if n := derivedName(call.Args[0]); n != "" {
				return p + n
			}
		}
		return p
	case "percentile":
		if len(call.Args) == 2 {
			if l, ok := call.Args[1].(*syntax.Literal); ok {
				return p + derivedName(call.Args[0]) + "_" + strings.ReplaceAll(strings.TrimPrefix(l.Text, "+"), ".", "_")
			}
		}
	}
	if len(call.Args) > 0 {
		if n := derivedName(call.Args[0]); n != "" {
			return p + n
		}
	}
	return p
}

func (c *compiler) summarize(r *rel, o *syntax.SummarizeOp, e *env) *rel {
	var keyCols, aggCols []outCol // inner select
	type unpack struct {
		name, sql string
		t         ktype
	}
	var outer []unpack
	used := map[string]bool{}
	auto := 0
	uniq := func(n string) string {
		if !used[n] {
			used[n] = true
			return n
		}
		for i := 1; ; i++ {
			m := n + strconv.Itoa(i)
			if !used[m] {
				used[m] = true
				return m
			}
		}
	}
	byNames := map[string]bool{}
	for i, a := range o.By {
		x := c.scalar(a.X, &scope{rel: r, env: e})
		if x.agg {
			c.failAt(a, nil, "aggregates are not allowed in summarize by")
		}
		names := c.assignNames(a, x, &auto, nil)
		n := uniq(names[0])
		byNames[n] = true
		tmp := "__k" + strconv.Itoa(i)
		keyCols = append(keyCols, outCol{tmp, x.sql, x.t})
		outer = append(outer, unpack{n, qi(tmp), x.t})
	}
	for i, a := range o.Aggs {
		tmp := "__a" + strconv.Itoa(i)
		if call, ok := unparen(a.X).(*syntax.Call); ok && (call.Fn.Name == "arg_max" || call.Fn.Name == "arg_min") {
			if len(call.Args) < 1 {
				c.failAt(call, nil, "%s() expects an expression and columns", call.Fn.Name)
			}
			sc := &scope{rel: r, env: e}
			key := c.scalar(call.Args[0], sc)
			keyName := derivedName(call.Args[0])
			if len(a.Names) > 0 {
				keyName = a.Names[0].Name
			}
			if keyName == "" {
				keyName = aggName(call)
			}
			type fld struct {
				name string
				x    sqlExpr
			}
			var flds []fld
			seen := map[string]bool{keyName: true}
			for j, arg := range call.Args[1:] {
				if _, ok := arg.(*syntax.Star); ok {
					for _, col := range r.cols {
						if seen[col.name] || byNames[col.name] {
							continue
						}
						seen[col.name] = true
						flds = append(flds, fld{col.name, sqlExpr{sql: col.ident(), t: col.t}})
					}
					continue
				}
				n := ""
				ax := arg
				if na, ok := arg.(*syntax.NamedArg); ok {
					n, ax = na.Name, na.Value
				}
				x := c.scalar(ax, sc)
				if n == "" {
					n = derivedName(ax)
				}
				if n == "" {
					n = "Column" + strconv.Itoa(j+1)
				}
				if seen[n] {
					continue
				}
				seen[n] = true
				flds = append(flds, fld{n, x})
			}
			fn := "arg_max"
			mx := "max"
			if call.Fn.Name == "arg_min" {
				fn, mx = "arg_min", "min"
			}
			aggCols = append(aggCols, outCol{tmp + "v", mx + "(" + key.sql + ")", key.t})
			outer = append(outer, unpack{uniq(keyName), qi(tmp + "v"), key.t})
			if len(flds) > 0 {
				parts := make([]string, len(flds))
				for j, f := range flds {
					parts[j] = qs("f"+strconv.Itoa(j)) + ": " + f.x.sql
				}
				aggCols = append(aggCols, outCol{tmp, fn + "({" + strings.Join(parts, ", ") + "}, " + key.sql + ")", kUnknown})
				for j, f := range flds {
					outer = append(outer, unpack{uniq(f.name), qi(tmp) + "." + qi("f"+strconv.Itoa(j)), f.x.t})
				}
			}
			continue
		}
		if call, ok := unparen(a.X).(*syntax.Call); ok && call.Fn.Name == "percentiles" {
			c.nargs(call, 2, 64)
			sc := &scope{rel: r, env: e}
			x := c.scalar(call.Args[0], sc)
			base := derivedName(call.Args[0])
			for j, pa := range call.Args[1:] {
				p := c.scalar(pa, sc)
				pn := strings.TrimSuffix(strings.TrimSuffix(strings.ReplaceAll(strings.TrimSuffix(p.sql, "::DOUBLE"), ".", "_"), "_0"), ")")
				if p.num != nil {
					pn = strconv.FormatFloat(*p.num, 'f', -1, 64)
					pn = strings.ReplaceAll(pn, ".", "_")
				}
				n := "percentile_" + base + "_" + pn
				if len(a.Names) > j {
					n = a.Names[j].Name
				}
				t := tmp + "_" + strconv.Itoa(j)
				aggCols = append(aggCols, outCol{t, "quantile_disc(" + x.sql + ", " + p.sql + " / 100.0)", x.t})
				outer = append(outer, unpack{uniq(n), qi(t), x.t})
			}
			continue
		}
		x := c.scalar(a.X, &scope{rel: r, env: e, agg: &aggCollector{}})
		if !x.agg {
			c.failAt(a, nil, "summarize expects an aggregate function such as count() or sum()")
		}
		var n string
		switch {
		case len(a.Names) == 1:
			n = a.Names[0].Name
		case len(a.Names) > 1:
			c.unsupported(a, "several names for one aggregate")
		default:
			if call, ok := unparen(a.X).(*syntax.Call); ok && isAggregate(call.Fn.Name) {
				n = aggName(call)
			} else {
				auto++
				n = "Column" + strconv.Itoa(auto)
			}
		}
		aggCols = append(aggCols, outCol{tmp, x.sql, x.t})
		outer = append(outer, unpack{uniq(n), qi(tmp), x.t})
	}
	var parts []string
	for _, k := range keyCols {
		parts = append(parts, k.sql+" AS "+qi(k.name))
	}
	for _, a := range aggCols {
		parts = append(parts, a.sql+" AS "+qi(a.name))
	}
	inner := "SELECT " + strings.Join(parts, ", ") + " FROM " + r.sql + " AS " + c.newAlias()
	if len(keyCols) > 0 {
		var gb []string
		for i := range keyCols {
			gb = append(gb, strconv.Itoa(i+1))
		}
		inner += " GROUP BY " + strings.Join(gb, ", ")
	}
	out := &rel{}
	var op []string
	for _, u := range outer {
		out.cols = append(out.cols, column{name: u.name, t: u.t})
	}
	out.cols = withIdents(out.cols)
	for i, u := range outer {
		op = append(op, u.sql+" AS "+out.cols[i].ident())
	}
	out.sql = "(SELECT " + strings.Join(op, ", ") + " FROM (" + inner + ") AS " + c.newAlias() + ")"
	return out
}

func paramValue(ps []*syntax.NamedArg, name string) (string, bool) {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return syntax.ExprText(p.Value), true
		}
	}
	return "", false
}

func (c *compiler) join(l *rel, o *syntax.JoinOp, e *env, lookup bool) *rel {
	kind := "innerunique"
	if lookup {
		kind = "leftouter"
	}
	if k, ok := paramValue(o.Params, "kind"); ok {
		kind = strings.ToLower(k)
	}
	right := c.tabular(o.Right, e)
	if len(o.On) == 0 {
		c.failAt(o, nil, "%s needs an on clause", o.Name)
	}
	var conds, leftKeys []string
	rightKeyCols := map[string]bool{}
	var onExprs []syntax.Expr
	for _, x := range o.On {
		var split func(syntax.Expr)
		split = func(x syntax.Expr) {
			if b, ok := x.(*syntax.Binary); ok && b.Op == "and" {
				split(b.L)
				split(b.R)
				return
			}
			onExprs = append(onExprs, x)
		}
		split(x)
	}
	sc := &scope{env: e, left: l, right: right}
	for _, x := range onExprs {
		switch v := x.(type) {
		case *syntax.Ident:
			lc, ok := l.col(v.Name)
			if !ok {
				c.failAt(v, ErrUnknownName, "join key %q is not a column of the left table%s", v.Name, didYouMean(v.Name, l.names()))
			}
			rc, ok := right.col(v.Name)
			if !ok {
				c.failAt(v, ErrUnknownName, "join key %q is not a column of the right table%s", v.Name, didYouMean(v.Name, right.names()))
			}
			ls, rs := c.unify(sqlExpr{sql: "l." + lc.ident(), t: lc.t}, sqlExpr{sql: "r." + rc.ident(), t: rc.t})
			conds = append(conds, ls.sql+" = "+rs.sql)
			leftKeys = append(leftKeys, lc.ident())
			rightKeyCols[rc.name] = true
		case *syntax.Binary:
			if v.Op != "==" {
				c.failAt(v, nil, "join conditions must be equalities ($left.a == $right.b)")
			}
			a := c.scalar(v.L, sc)
			b := c.scalar(v.R, sc)
			if strings.HasPrefix(a.sql, "r.") && strings.HasPrefix(b.sql, "l.") {
				a, b = b, a
			}
			a, b = c.unify(a, b)
			conds = append(conds, a.sql+" = "+b.sql)
			if strings.HasPrefix(a.sql, "l.") {
				leftKeys = append(leftKeys, strings.TrimPrefix(a.sql, "l."))
			}
			if lookup {
				if m, ok := v.R.(*syntax.Member); ok {
					rightKeyCols[m.Name.Name] = true
				}
			}
		default:
			c.failAt(x, nil, "join conditions must be column names or $left.a == $right.b")
		}
	}
	on := strings.Join(conds, " AND ")
	lsql := l.sql
	if kind == "innerunique" {
		lsql = "(SELECT * FROM " + l.sql + " AS " + c.newAlias() + " QUALIFY row_number() OVER (PARTITION BY " + strings.Join(leftKeys, ", ") + ") = 1)"
		kind = "inner"
	}
	lcols := func(alias string, r *rel) ([]string, []column) {
		var p []string
		for _, col := range r.cols {
			p = append(p, alias+"."+col.ident())
		}
		return p, r.cols
	}
	switch kind {
	case "leftanti", "anti", "leftantisemi", "leftsemi":
		neg := "NOT "
		if kind == "leftsemi" {
			neg = ""
		}
		p, cols := lcols("l", l)
		return &rel{sql: "(SELECT " + strings.Join(p, ", ") + " FROM " + lsql + " AS l WHERE " + neg + "EXISTS (SELECT 1 FROM " + right.sql + " AS r WHERE " + on + "))", cols: cols}
	case "rightanti", "rightantisemi", "rightsemi":
		neg := "NOT "
		if kind == "rightsemi" {
			neg = ""
		}
		p, cols := lcols("r", right)
		return &rel{sql: "(SELECT " + strings.Join(p, ", ") + " FROM " + right.sql + " AS r WHERE " + neg + "EXISTS (SELECT 1 FROM " + lsql + " AS l WHERE " + on + "))", cols: cols}
	}
	jt := map[string]string{"inner": "INNER JOIN", "leftouter": "LEFT JOIN", "rightouter": "RIGHT JOIN", "fullouter": "FULL JOIN"}[kind]
	if jt == "" {
		c.failAt(o, ErrUnsupported, "join kind %q is not supported", kind)
	}
	used := map[string]bool{}
	var srcs []string
	out := &rel{}
	for _, col := range l.cols {
		used[col.name] = true
		srcs = append(srcs, "l."+col.ident())
		out.cols = append(out.cols, column{name: col.name, t: col.t})
	}
	for _, col := range right.cols {
		if lookup && rightKeyCols[col.name] {
			continue
		}
		n := col.name
		for i := 1; used[n]; i++ {
			n = col.name + strconv.Itoa(i)
		}
		used[n] = true
		srcs = append(srcs, "r."+col.ident())
		out.cols = append(out.cols, column{name: n, t: col.t})
	}
	out.cols = withIdents(out.cols)
	parts := make([]string, len(srcs))
	for i, s := range srcs {
		parts[i] = s + " AS " + out.cols[i].ident()
	}
	out.sql = "(SELECT " + strings.Join(parts, ", ") + " FROM " + lsql + " AS l " + jt + " " + right.sql + " AS r ON " + on + ")"
	return out
}

func (c *compiler) union(input *rel, params []*syntax.NamedArg, tables []syntax.Expr, e *env, n syntax.Node) *rel {
	fuzzy := false
	if v, ok := paramValue(params, "isfuzzy"); ok && strings.EqualFold(v, "true") {
		fuzzy = true
	}
	withSource, _ := paramValue(params, "withsource")
	kind, _ := paramValue(params, "kind")
	var rels []*rel
	var names []string
	if input != nil {
		rels = append(rels, input)
		names = append(names, input.name)
	}
	for i, t := range tables {
		switch v := t.(type) {
		case *syntax.Wildcard, *syntax.Star:
			pat := "*"
			if w, ok := v.(*syntax.Wildcard); ok {
				pat = w.Pattern
			}
			l, ok := c.cat.(TableLister)
			if !ok {
				c.failAt(t, ErrUnsupported, "wildcard table names need a catalogue that lists its tables")
			}
			for _, tn := range l.Tables() {
				if matchWildcard(pat, tn) {
					rels = append(rels, c.tableRef(&syntax.Ident{Loc: syntax.Loc(t.Span()), Name: tn}, e))
					names = append(names, tn)
				}
			}
			continue
		}
		if fuzzy {
			if id, ok := unparen(t).(*syntax.Ident); ok {
				if _, known := c.cat.Columns(id.Name); !known && e.lookup(id.Name) == nil {
					continue
				}
			}
		}
		r := c.tabular(t, e)
		rels = append(rels, r)
		nm := "union_arg" + strconv.Itoa(i)
		if id, ok := unparen(t).(*syntax.Ident); ok {
			nm = id.Name
		}
		names = append(names, nm)
	}
	if len(rels) == 0 {
		c.failAt(n, nil, "union has no tables")
	}
	// the output schema: columns by name in order of appearance; a name with several
	// types becomes one column per type, suffixed with the type name
	types := map[string]map[ktype]bool{}
	var order []string
	for _, r := range rels {
		for _, col := range r.cols {
			if types[col.name] == nil {
				types[col.name] = map[ktype]bool{}
				order = append(order, col.name)
			}
			types[col.name][col.t] = true
		}
	}
	type oc struct {
		name, src string
		t         ktype
	}
	var outCols []oc
	for _, nm := range order {
		ts := types[nm]
		if len(ts) == 1 {
			for t := range ts {
				outCols = append(outCols, oc{nm, nm, t})
			}
			continue
		}
		var tl []ktype
		for t := range ts {
			tl = append(tl, t)
		}
		sort.Slice(tl, func(a, b int) bool { return tl[a] < tl[b] })
		for _, t := range tl {
			outCols = append(outCols, oc{nm + "_" + t.String(), nm, t})
		}
	}
	if strings.EqualFold(kind, "inner") {
		var keep []oc
		for _, o := range outCols {
			all := true
			for _, r := range rels {
				col, ok := r.col(o.src)
				if !ok || col.t != o.t {
					all = false
				}
			}
			if all {
				keep = append(keep, o)
			}
		}
		outCols = keep
	}
	out := &rel{}
	if withSource != "" {
		out.cols = append(out.cols, column{name: withSource, t: kString})
	}
	for _, o := range outCols {
		out.cols = append(out.cols, column{name: o.name, t: o.t})
	}
	out.cols = withIdents(out.cols)
	off := 0
	if withSource != "" {
		off = 1
	}
	var branches []string
	for i, r := range rels {
		var parts []string
		if withSource != "" {
			parts = append(parts, qs(names[i])+" AS "+out.cols[0].ident())
		}
		for j, o := range outCols {
			col, ok := r.col(o.src)
			if ok && col.t == o.t {
				parts = append(parts, col.ident()+" AS "+out.cols[off+j].ident())
			} else {
				parts = append(parts, "CAST(NULL AS "+o.t.sqlType()+") AS "+out.cols[off+j].ident())
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "NULL AS "+qi("__empty"))
		}
		branches = append(branches, "SELECT "+strings.Join(parts, ", ")+" FROM "+r.sql+" AS "+c.newAlias())
	}
	out.sql = "(" + strings.Join(branches, " UNION ALL ") + ")"
	return out
}

func (c *compiler) mvExpand(r *rel, o *syntax.MvExpandOp, e *env) *rel {
	bagArray := false
	if v, ok := paramValue(o.Params, "bagexpansion"); ok && strings.EqualFold(v, "array") {
		bagArray = true
	}
	if v, ok := paramValue(o.Params, "kind"); ok && strings.EqualFold(v, "array") {
		bagArray = true
	}
	idxName, _ := paramValue(o.Params, "with_itemindex")
	cols := passCols(r)
	var limit string
	if o.Limit != nil {
		limit = c.scalar(o.Limit, &scope{env: e}).sql
	}
	var firstList string
	auto := 0
	for _, it := range o.Items {
		x := c.scalar(it.Assign.X, &scope{rel: r, env: e})
		x = c.dyn(x)
		names := c.assignNames(it.Assign, x, &auto, r)
		elem := "json_object(k, json_extract(" + x.sql + `, '$."' || replace(k, '"', '\"') || '"'))`
		if bagArray {
			elem = "json_array(k, json_extract(" + x.sql + `, '$."' || replace(k, '"', '\"') || '"'))`
		}
		list := "CASE coalesce(json_type(" + x.sql + "), 'NULL') WHEN 'ARRAY' THEN CAST(" + x.sql + " AS JSON[]) WHEN 'OBJECT' THEN list_transform(json_keys(" + x.sql + "), lambda k: " + elem + ") WHEN 'NULL' THEN CAST([] AS JSON[]) ELSE [" + x.sql + "] END"
		if limit != "" {
			list = "list_slice(" + list + ", 1, " + limit + ")"
		}
		t := kDynamic
		if it.Type != "" {
			tt, ok := parseKType(it.Type)
			if !ok {
				c.failAt(it, nil, "unknown type %q", it.Type)
			}
			if tt != kDynamic {
				conv := c.convert(sqlExpr{sql: "x", t: kDynamic}, tt)
				list = "list_transform(" + list + ", lambda x: " + conv.sql + ")"
				t = tt
			}
		}
		if firstList == "" {
			firstList = list
		}
		cols = setCol(cols, outCol{names[0], "unnest(" + list + ")", t})
	}
	if idxName != "" {
		cols = append(cols, outCol{idxName, "unnest(range(0, len(" + firstList + ")))", kLong})
	}
	out := c.buildSelect(r, cols, false, "")
	return out
}

func (c *compiler) parse(r *rel, o *syntax.ParseOp, e *env) *rel {
	src := c.strOf(c.scalar(o.Source, &scope{rel: r, env: e}))
	kind := strings.ToLower(o.Kind)
	if kind == "" {
		kind = "simple"
	}
	var b strings.Builder
	flags := ""
	if kind == "regex" && o.Flags != "" {
		for _, f := range o.Flags {
			switch f {
			case 'i', 'm', 's', 'U':
				flags += string(f)
			default:
				c.failAt(o, nil, "unknown parse regex flag %q", string(f))
			}
		}
	}
	if flags != "" {
		b.WriteString("(?" + flags + ")")
	}
	if kind != "regex" {
		b.WriteString("^")
	}
	type pc struct {
		name string
		t    ktype
	}
	var pcols []pc
	lastCol := -1
	for i, it := range o.Pattern {
		if it.Col != nil {
			lastCol = i
		}
	}
	for i, it := range o.Pattern {
		switch {
		case it.Star:
			b.WriteString("(?:.*?)")
		case it.Lit != nil:
			s := it.Lit.Value.(string)
			if kind == "regex" {
				if _, err := regexp.Compile(s); err != nil {
					c.failAt(it, nil, "invalid regular expression in parse: %v", err)
				}
				b.WriteString("(?:" + s + ")")
			} else {
				b.WriteString(regexp.QuoteMeta(s))
			}
		case it.Col != nil:
			t := kString
			if it.Type != "" {
				tt, ok := parseKType(it.Type)
				if !ok {
					c.failAt(it, nil, "unknown type %q", it.Type)
				}
				t = tt
			}
			g := "(.*?)"
			if i == lastCol && i == len(o.Pattern)-1 {
				g = "(.*)"
			}
			switch t {
			case kInt, kLong:
				g = `(-?\d+)`
			case kReal:
				g = `(-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)`
			case kBool:
				g = `(?i)(true|false)`
				g = `((?i:true|false))`
			}
			b.WriteString(g)
			pcols = append(pcols, pc{it.Col.Name, t})
		}
	}
	if kind == "simple" && len(o.Pattern) > 0 && o.Pattern[len(o.Pattern)-1].Col == nil {
		// literal or * last: nothing more to anchor
	}
	pat := b.String()
	if _, err := regexp.Compile(pat); err != nil {
		c.failAt(o, nil, "invalid parse pattern: %v", err)
	}
	cols := passCols(r)
	for i, p := range pcols {
		x := sqlExpr{sql: regexGroup(nz(src), qs(pat), i+1), t: kString}
		if p.t != kString {
			x = c.convert(sqlExpr{sql: "nullif(" + x.sql + ", '')", t: kString}, p.t)
		}
		cols = setCol(cols, outCol{p.name, x.sql, p.t})
	}
	where := ""
	if strings.EqualFold(o.Name, "parse-where") {
		where = "regexp_matches(" + nz(src) + ", " + qs(pat) + ")"
	}
	return c.buildSelect(r, cols, true, where)
}

func (c *compiler) makeSeries(r *rel, o *syntax.MakeSeriesOp, e *env) *rel {
	sc := &scope{rel: r, env: e}
	axis := c.scalar(o.On, sc)
	step := c.scalar(o.Step, &scope{env: e})
	if axis.t != kDatetime && !axis.t.numeric() {
		c.failAt(o.On, nil, "make-series axis must be a datetime or a number")
	}
	var from, to string
	src := r.sql
	binOf := func(origin string) string {
		if axis.t == kDatetime {
			return "time_bucket(" + step.sql + ", " + axis.sql + ", " + origin + ")"
		}
		return "(floor((" + axis.sql + " - " + origin + ") / " + step.sql + ") * " + step.sql + " + " + origin + ")"
	}
	if o.From != nil {
		from = c.convert(c.scalar(o.From, &scope{env: e}), axis.t).sql
	} else {
		zero := "TIMESTAMP '1970-01-01 00:00:00'"
		if axis.t != kDatetime {
			zero = "0"
		}
		from = "(SELECT min(" + binOf(zero) + ") FROM " + src + " AS " + c.newAlias() + ")"
	}
	if o.To != nil {
		to = c.convert(c.scalar(o.To, &scope{env: e}), axis.t).sql
	} else {
		zero := "TIMESTAMP '1970-01-01 00:00:00'"
		if axis.t != kDatetime {
			zero = "0"
		}
		to = "(SELECT max(" + binOf(zero) + ") + " + step.sql + " FROM " + src + " AS " + c.newAlias() + ")"
	}
	var keys []outCol
	auto := 0
	for i, a := range o.By {
		x := c.scalar(a.X, sc)
		names := c.assignNames(a, x, &auto, nil)
		keys = append(keys, outCol{names[0], x.sql, x.t})
		_ = i
	}
	type agg struct {
		name, sql, def string
		t              ktype
	}
	var aggs []agg
	for _, sa := range o.Aggs {
		x := c.scalar(sa.Assign.X, &scope{rel: r, env: e, agg: &aggCollector{}})
		if !x.agg {
			c.failAt(sa, nil, "make-series expects an aggregate function")
		}
		n := ""
		if len(sa.Assign.Names) > 0 {
			n = sa.Assign.Names[0].Name
		} else if call, ok := unparen(sa.Assign.X).(*syntax.Call); ok {
			n = aggName(call)
		}
		def := "0"
		if sa.Default != nil {
			def = c.scalar(sa.Default, &scope{env: e}).sql
		}
		if x.t == kDatetime || x.t == kTimespan || x.t == kString || x.t == kDynamic {
			if sa.Default == nil {
				def = "NULL"
			}
		}
		aggs = append(aggs, agg{n, x.sql, def, x.t})
	}
	axisName := derivedName(o.On)
	if axisName == "" {
		axisName = "Column1"
	}
	al := c.newAlias()
	var b strings.Builder
	b.WriteString("(WITH " + al + "_b AS (SELECT " + from + " AS f, " + to + " AS t), ")
	// bins [from, to)
	if axis.t == kDatetime {
		b.WriteString(al + "_bins AS (SELECT unnest(generate_series(f, t - INTERVAL '1 microseconds', " + step.sql + ")) AS __b FROM " + al + "_b), ")
	} else {
		b.WriteString(al + "_bins AS (SELECT unnest(generate_series(f, t - 1e-9, " + step.sql + ")) AS __b FROM " + al + "_b), ")
	}
	var kp, gk []string
	for i, k := range keys {
		kp = append(kp, k.sql+" AS "+qi("__k"+strconv.Itoa(i)))
		gk = append(gk, strconv.Itoa(i+1))
	}
	inRange := axis.sql + " >= (SELECT f FROM " + al + "_b) AND " + axis.sql + " < (SELECT t FROM " + al + "_b)"
	keySel := "SELECT DISTINCT " + strings.Join(append(kp, "1 AS __one"), ", ") + " FROM " + src + " AS " + c.newAlias() + " WHERE " + inRange
	b.WriteString(al + "_k AS (" + keySel + "), ")
	ap := append([]string{}, kp...)
	ap = append(ap, binOf("(SELECT f FROM "+al+"_b)")+" AS __b")
	for i, a := range aggs {
		ap = append(ap, a.sql+" AS "+qi("__v"+strconv.Itoa(i)))
	}
	gk = append(gk, strconv.Itoa(len(keys)+1))
	b.WriteString(al + "_a AS (SELECT " + strings.Join(ap, ", ") + " FROM " + src + " AS " + c.newAlias() + " WHERE " + inRange + " GROUP BY " + strings.Join(gk, ", ") + ") ")
	var sel []string
	var grp []string
	out := &rel{}
	for i, k := range keys {
		kn := qi("__k" + strconv.Itoa(i))
		sel = append(sel, "k."+kn+" AS "+qi(k.name))
		grp = append(grp, "k."+kn)
		out.cols = append(out.cols, column{name: k.name, t: k.t})
	}
	for i, a := range aggs {
		v := "a." + qi("__v"+strconv.Itoa(i))
		sel = append(sel, "to_json(list(coalesce("+v+", "+a.def+") ORDER BY bins.__b)) AS "+qi(a.name))
		out.cols = append(out.cols, column{name: a.name, t: kDynamic})
	}
	axisVal := "bins.__b"
	if axis.t == kDatetime {
		axisVal = "strftime(bins.__b, '%Y-%m-%dT%H:%M:%S.%fZ')"
	}
	sel = append(sel, "to_json(list("+axisVal+" ORDER BY bins.__b)) AS "+qi(axisName))
	out.cols = append(out.cols, column{name: axisName, t: kDynamic})
	var jc []string
	for i := range keys {
		kn := qi("__k" + strconv.Itoa(i))
		jc = append(jc, "a."+kn+" IS NOT DISTINCT FROM k."+kn)
	}
	jc = append(jc, "a.__b = bins.__b")
	b.WriteString("SELECT " + strings.Join(sel, ", ") + " FROM " + al + "_k AS k CROSS JOIN " + al + "_bins AS bins LEFT JOIN " + al + "_a AS a ON " + strings.Join(jc, " AND "))
	if len(grp) > 0 {
		b.WriteString(" GROUP BY " + strings.Join(grp, ", "))
	} else {
		b.WriteString(" GROUP BY k.__one")
	}
	b.WriteString(")")
	out.sql = b.String()
	return out
}

func (c *compiler) evaluate(r *rel, o *syntax.EvaluateOp, e *env) *rel {
	switch o.Call.Fn.Name {
	case "bag_unpack":
		if len(o.Call.Args) < 1 {
			c.failAt(o.Call, nil, "bag_unpack() expects a column")
		}
		src := c.dyn(c.scalar(o.Call.Args[0], &scope{rel: r, env: e}))
		schema := o.Schema
		if len(schema) == 0 {
			schema = c.probeBag(o, r, src)
		}
		prefix := ""
		if len(o.Call.Args) > 1 {
			p := c.scalar(o.Call.Args[1], &scope{env: e})
			if p.str != nil {
				prefix = *p.str
			}
		}
		srcName := derivedName(o.Call.Args[0])
		var cols []outCol
		have := map[string]bool{}
		for _, p := range schema {
			have[p.Name] = true
		}
		for _, col := range r.cols {
			if col.name == srcName {
				continue
			}
			if have[col.name] {
				continue
			}
			cols = append(cols, outCol{col.name, col.ident(), col.t})
		}
		for _, p := range schema {
			t, ok := parseKType(p.Type)
			if !ok {
				c.failAt(p, nil, "unknown type %q", p.Type)
			}
			if col, ok := r.col(p.Name); ok && col.name != srcName {
				cols = append(cols, outCol{p.Name, col.ident(), col.t})
				continue
			}
			key := strings.TrimPrefix(p.Name, prefix)
			x := sqlExpr{sql: "json_extract(" + src.sql + ", " + qs("$"+pathKey(key)) + ")", t: kDynamic}
			cols = append(cols, outCol{p.Name, c.convert(x, t).sql, t})
		}
		return c.buildSelect(r, cols, true, "")
	case "pivot":
		return c.pivot(r, o, e)
	}
	c.unsupported(o.Call, "evaluate "+o.Call.Fn.Name+"()")
	return nil
}

// probeBag asks the data for the keys (and value types) of the bags bag_unpack expands.
func (c *compiler) probeBag(o *syntax.EvaluateOp, r *rel, src sqlExpr) []*syntax.Param {
	if c.opt.probe == nil {
		c.failAt(o.Call, ErrUnsupported, "evaluate bag_unpack without an output schema is not supported here (the keys are only known from the data); write bag_unpack(col) : (Key1:type, ...)")
	}
	prefix := ""
	if len(o.Call.Args) > 1 {
		if p := c.scalar(o.Call.Args[1], &scope{}); p.str != nil {
			prefix = *p.str
		}
	}
	sql := "SELECT j.key AS k, string_agg(DISTINCT json_type(j.value), ',') AS ts FROM (SELECT " + src.sql + " AS c FROM " + r.sql + " AS " + c.newAlias() +
		") AS s, json_each(s.c) AS j WHERE json_type(s.c) = 'OBJECT' GROUP BY 1 ORDER BY 1"
	f, err := c.opt.probe(sql)
	if err != nil {
		c.failAt(o.Call, nil, "bag_unpack: reading the bag keys: %v", err)
	}
	kc, tc := f.Col("k"), f.Col("ts")
	if kc == nil || tc == nil {
		c.failAt(o.Call, nil, "bag_unpack: the key probe returned no keys")
	}
	var out []*syntax.Param
	for i := 0; i < f.Len(); i++ {
		t := "dynamic"
		kinds := map[string]bool{}
		for _, k := range strings.Split(tc.Str(i), ",") {
			if k != "NULL" && k != "" {
				kinds[k] = true
			}
		}
		switch {
		case len(kinds) == 1 && kinds["VARCHAR"]:
			t = "string"
		case len(kinds) == 1 && kinds["BOOLEAN"]:
			t = "bool"
		case len(kinds) > 0 && onlyNumeric(kinds):
			t = "long"
			if kinds["DOUBLE"] {
				t = "real"
			}
		}
		out = append(out, &syntax.Param{Loc: o.Loc, Name: prefix + kc.Str(i), Type: t})
	}
	return out
}

func onlyNumeric(kinds map[string]bool) bool {
	for k := range kinds {
		switch k {
		case "BIGINT", "UBIGINT", "DOUBLE":
		default:
			return false
		}
	}
	return true
}

// topNested compiles top-nested: level i groups by the first i keys, keeps the top N_i
// groups under each group kept at level i-1, and outputs every level's key and aggregate.
func (c *compiler) topNested(r *rel, o *syntax.TopNestedOp, e *env) *rel {
	var prev string // the previous level's rows: __k1.., __v1..
	out := &rel{}
	var keySQL []string
	for i, lv := range o.Levels {
		if lv.Others != nil {
			c.unsupported(lv.Others, "top-nested with others")
		}
		k := c.scalar(lv.Of.X, &scope{rel: r, env: e})
		kname := derivedName(lv.Of.X)
		if len(lv.Of.Names) > 0 {
			kname = lv.Of.Names[0].Name
		}
		if kname == "" {
			kname = "Column" + strconv.Itoa(i+1)
		}
		a := c.scalar(lv.By.X, &scope{rel: r, env: e, agg: &aggCollector{}})
		if !a.agg {
			c.failAt(lv.By, nil, "top-nested expects an aggregate after by")
		}
		aname := "aggregated_" + kname
		if len(lv.By.Names) > 0 {
			aname = lv.By.Names[0].Name
		}
		keySQL = append(keySQL, k.sql)
		var sel, grp, part []string
		for j, ks := range keySQL {
			sel = append(sel, ks+" AS __k"+strconv.Itoa(j))
			grp = append(grp, strconv.Itoa(j+1))
		}
		level := "SELECT " + strings.Join(sel, ", ") + ", " + a.sql + " AS __v FROM " + r.sql + " AS " + c.newAlias() + " GROUP BY " + strings.Join(grp, ", ")
		dir := " DESC NULLS LAST"
		if lv.Dir == "asc" {
			dir = " ASC NULLS FIRST"
		}
		cols := []string{}
		for j := 0; j <= i; j++ {
			cols = append(cols, "g.__k"+strconv.Itoa(j))
		}
		for j := 0; j < i; j++ {
			cols = append(cols, "p.__v"+strconv.Itoa(j))
			part = append(part, "g.__k"+strconv.Itoa(j))
		}
		cols = append(cols, "g.__v AS __v"+strconv.Itoa(i))
		q := "SELECT " + strings.Join(cols, ", ") + " FROM (" + level + ") AS g"
		if prev != "" {
			var on []string
			for j := 0; j < i; j++ {
				on = append(on, "g.__k"+strconv.Itoa(j)+" IS NOT DISTINCT FROM p.__k"+strconv.Itoa(j))
			}
			q += " JOIN (" + prev + ") AS p ON " + strings.Join(on, " AND ")
		}
		over := "ORDER BY g.__v" + dir
		if len(part) > 0 {
			over = "PARTITION BY " + strings.Join(part, ", ") + " " + over
		}
		if lv.N != nil {
			n := c.scalar(lv.N, &scope{env: e})
			q += " QUALIFY row_number() OVER (" + over + ") <= " + n.sql
		}
		prev = q
		out.cols = append(out.cols, column{name: kname, t: k.t}, column{name: aname, t: a.t})
	}
	out.cols = withIdents(out.cols)
	var final []string
	for i := range o.Levels {
		final = append(final, "__k"+strconv.Itoa(i)+" AS "+out.cols[2*i].ident(), "__v"+strconv.Itoa(i)+" AS "+out.cols[2*i+1].ident())
	}
	out.sql = "(SELECT " + strings.Join(final, ", ") + " FROM (" + prev + ") AS " + c.newAlias() + ")"
	return out
}
