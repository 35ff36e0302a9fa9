package kql

import (
	"sort"
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// pivotIf names the conditional form of each aggregate the pivot plugin accepts.
var pivotIf = map[string]string{
	"count": "countif", "sum": "sumif", "min": "minif", "max": "maxif", "avg": "avgif",
	"dcount": "dcountif", "take_any": "take_anyif", "any": "take_anyif", "stdev": "stdevif", "variance": "varianceif",
	"make_list": "make_list_if", "make_set": "make_set_if", "make_bag": "make_bag_if",
}

// pivot compiles evaluate pivot(PivotColumn [, Aggregate(...)] [, Column, ...]) [:
// schema]: one output column per distinct value of the pivot column (from the declared
// schema, or read from the data with the probe, sorted), each the aggregate (count() by
// default) over the rows with that value, grouped by the named columns (by default every
// column other than the pivot column and the aggregated one).
func (c *compiler) pivot(r *rel, o *syntax.EvaluateOp, e *env) *rel {
	args := o.Call.Args
	if len(args) < 1 {
		c.failAt(o.Call, nil, "pivot() expects a pivot column")
	}
	pid, ok := unparen(args[0]).(*syntax.Ident)
	if !ok {
		c.failAt(args[0], nil, "pivot() expects a column name")
	}
	if _, ok := r.col(pid.Name); !ok {
		c.failAt(pid, ErrUnknownName, "unknown column %q%s", pid.Name, didYouMean(pid.Name, r.names()))
	}
	agg := &syntax.Call{Loc: o.Call.Loc, Fn: &syntax.Ident{Loc: o.Call.Loc, Name: "count"}}
	rest := args[1:]
	if len(rest) > 0 {
		if cl, ok := unparen(rest[0]).(*syntax.Call); ok {
			if _, ok := pivotIf[cl.Fn.Name]; !ok {
				c.failAt(cl, ErrUnsupported, "pivot() with the aggregate %s() is not supported", cl.Fn.Name)
			}
			agg, rest = cl, rest[1:]
		}
	}
	used := map[string]bool{pid.Name: true}
	syntax.Inspect(agg, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	var groups []column
	if len(rest) > 0 {
		for _, a := range rest {
			id, ok := unparen(a).(*syntax.Ident)
			col, found := column{}, false
			if ok {
				col, found = r.col(id.Name)
			}
			if !found {
				c.failAt(a, ErrUnknownName, "pivot() group columns must be columns of the input")
			}
			groups = append(groups, col)
		}
	} else {
		for _, col := range r.cols {
			if !used[col.name] {
				groups = append(groups, col)
			}
		}
	}
	values := c.pivotValues(o, r, pid, groups)
	sc := &scope{rel: r, env: e, agg: &aggCollector{}}
	var sel, keys []string
	var cols []column
	for _, g := range groups {
		sel = append(sel, g.ident())
		keys = append(keys, g.ident())
		cols = append(cols, column{name: g.name, t: g.t})
	}
	for _, v := range values {
		cond := &syntax.Binary{Loc: o.Call.Loc, Op: "==",
			L: &syntax.Call{Loc: pid.Loc, Fn: &syntax.Ident{Loc: pid.Loc, Name: "tostring"}, Args: []syntax.Expr{pid}},
			R: &syntax.Literal{Loc: pid.Loc, Kind: syntax.LitString, Value: v, Text: qs(v)}}
		call := &syntax.Call{Loc: agg.Loc, Fn: &syntax.Ident{Loc: agg.Fn.Loc, Name: pivotIf[agg.Fn.Name]}, Args: append(append([]syntax.Expr{}, agg.Args...), cond)}
		x := c.scalar(call, sc)
		sel = append(sel, x.sql)
		cols = append(cols, column{name: v, t: x.t})
	}
	cols = withIdents(cols)
	for i := range sel {
		sel[i] += " AS " + cols[i].ident()
	}
	if len(sel) == 0 {
		sel = []string{"NULL AS " + qi("__empty")}
	}
	sql := "(SELECT " + strings.Join(sel, ", ") + " FROM " + r.sql + " AS " + c.newAlias()
	if len(keys) > 0 {
		sql += " GROUP BY " + strings.Join(keys, ", ")
	}
	return &rel{sql: sql + ")", cols: cols}
}

// pivotValues returns the output column names of the pivoted values.
func (c *compiler) pivotValues(o *syntax.EvaluateOp, r *rel, pid *syntax.Ident, groups []column) []string {
	if len(o.Schema) > 0 {
		isGroup := map[string]bool{}
		for _, g := range groups {
			isGroup[g.name] = true
		}
		var out []string
		for _, p := range o.Schema {
			if !isGroup[p.Name] {
				out = append(out, p.Name)
			}
		}
		return out
	}
	if c.opt.probe == nil {
		c.failAt(o.Call, ErrUnsupported, "evaluate pivot without an output schema is not supported here (its columns are only known from the data); write pivot(...) : (Col1:type, ...)")
	}
	col, _ := r.col(pid.Name)
	x := c.strOf(sqlExpr{sql: col.ident(), t: col.t})
	f, err := c.opt.probe("SELECT DISTINCT " + x.sql + " AS v FROM " + r.sql + " AS " + c.newAlias() + " WHERE " + col.ident() + " IS NOT NULL")
	if err != nil {
		c.failAt(o.Call, nil, "pivot: reading the pivot values: %v", err)
	}
	vc := f.Col("v")
	if vc == nil {
		return nil
	}
	var out []string
	for i := 0; i < f.Len(); i++ {
		out = append(out, vc.Text(i))
	}
	sort.Strings(out)
	return out
}
