package kql

import (
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// search compiles T | search [kind=case_sensitive|case_insensitive] "term": rows where
// any column matches the term, as the search operator's predicate rules say for a bare
// string: "term" is has, "*term" hassuffix, "term*" hasprefix, "*term*" contains (case
// insensitive unless kind=case_sensitive). Other predicate forms (Column:value, and/or,
// inner wildcards) are reported as not supported.
func (c *compiler) search(r *rel, o *syntax.GenericOp, e *env) *rel {
	raw := strings.TrimSpace(o.Raw)
	cs := false
	if rest, ok := strings.CutPrefix(raw, "kind"); ok {
		rest = strings.TrimSpace(rest)
		if v, ok := strings.CutPrefix(rest, "="); ok {
			v = strings.TrimSpace(v)
			switch {
			case strings.HasPrefix(v, "case_sensitive"):
				cs, raw = true, strings.TrimSpace(strings.TrimPrefix(v, "case_sensitive"))
			case strings.HasPrefix(v, "case_insensitive"):
				raw = strings.TrimSpace(strings.TrimPrefix(v, "case_insensitive"))
			}
		}
	}
	q, err := syntax.Parse("print " + raw)
	if err != nil {
		c.unsupported(o, "this search predicate (only a string term is supported)")
	}
	pe, ok := q.Stmts[0].(*syntax.ExprStmt).X.(*syntax.PrintExpr)
	if !ok || len(pe.Cols) != 1 {
		c.unsupported(o, "this search predicate (only a string term is supported)")
	}
	lit, ok := pe.Cols[0].X.(*syntax.Literal)
	term, isStr := "", false
	if ok {
		term, isStr = lit.Value.(string)
	}
	if !isStr {
		c.unsupported(o, "this search predicate (only a string term is supported)")
	}
	op := "has"
	switch {
	case len(term) > 1 && strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*"):
		op, term = "contains", term[1:len(term)-1]
	case strings.HasPrefix(term, "*"):
		op, term = "hassuffix", term[1:]
	case strings.HasSuffix(term, "*"):
		op, term = "hasprefix", term[:len(term)-1]
	}
	if strings.Contains(term, "*") {
		c.unsupported(o, "a search term with an inner wildcard")
	}
	if cs {
		op += "_cs"
	}
	sc := &scope{rel: r, env: e}
	var parts []string
	for _, col := range r.cols {
		x := c.strOf(sqlExpr{sql: col.ident(), t: col.t})
		if col.t == kDynamic {
			x = c.convert(sqlExpr{sql: col.ident(), t: col.t}, kString)
		}
		b := c.binary(&syntax.Binary{Loc: o.Loc, Op: op, L: &syntax.Compiled{Value: x}, R: &syntax.Compiled{Value: strConst(term)}}, sc)
		parts = append(parts, "coalesce("+b.sql+", false)")
	}
	where := "false"
	if len(parts) > 0 {
		where = strings.Join(parts, " OR ")
	}
	return &rel{sql: "(SELECT " + c.selectList(r, true) + " FROM " + r.sql + " AS " + c.newAlias() + " WHERE " + where + ")", cols: r.cols, ord: r.ord, order: r.order, name: r.name}
}
