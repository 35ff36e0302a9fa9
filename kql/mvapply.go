package kql

import (
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// mvApply compiles mv-apply: for each input record, the subquery runs on the mv-expand
// of that record (a LATERAL subquery), and the results of all records are concatenated.
// A record whose subquery returns no rows is dropped. The output is the record's columns
// that the subquery does not return, followed by the subquery's columns.
func (c *compiler) mvApply(r *rel, o *syntax.MvApplyOp, e *env) *rel {
	if o.Sub == nil {
		c.failAt(o, nil, "mv-apply needs a subquery: on (...)")
	}
	outer := c.newAlias()
	parts := make([]string, len(r.cols))
	for i, col := range r.cols {
		parts[i] = outer + "." + col.ident() + " AS " + col.ident()
	}
	row := &rel{sql: "(SELECT " + strings.Join(parts, ", ") + ")", cols: r.cols}
	if len(parts) == 0 {
		row.sql = "(SELECT NULL AS " + qi("__empty") + ")"
	}
	inner := c.mvExpand(row, &syntax.MvExpandOp{Loc: o.Loc, Name: "mv-expand", Params: o.Params, Items: o.Items}, e)
	for _, op := range o.Sub.Ops {
		inner = c.operator(inner, op, e)
		c.checkSize(inner.sql, op)
	}
	inner = c.materializeOrder(inner)
	sub := c.newAlias()
	subNames := map[string]bool{}
	for _, col := range inner.cols {
		subNames[col.name] = true
	}
	var cols []column
	var sel []string
	for _, col := range r.cols {
		if !subNames[col.name] {
			cols = append(cols, column{name: col.name, t: col.t})
			sel = append(sel, outer+"."+col.ident())
		}
	}
	for _, col := range inner.cols {
		cols = append(cols, column{name: col.name, t: col.t})
		sel = append(sel, sub+"."+col.ident())
	}
	cols = withIdents(cols)
	for i, col := range cols {
		sel[i] += " AS " + col.ident()
	}
	if len(sel) == 0 {
		sel = []string{"NULL AS " + qi("__empty")}
	}
	return &rel{sql: "(SELECT " + strings.Join(sel, ", ") + " FROM " + r.sql + " AS " + outer + ", LATERAL " + inner.sql + " AS " + sub + ")", cols: cols, name: r.name}
}
