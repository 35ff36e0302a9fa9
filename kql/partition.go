package kql

import (
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// partition compiles T | partition [hint.*=...] by Col (ops) and T | partition by Col
// { query over $input }: the subquery runs once per distinct value of Col (a LATERAL
// subquery over that value's rows) and the results are concatenated.
func (c *compiler) partition(r *rel, o *syntax.GenericOp, e *env) *rel {
	raw := o.Raw
	start := o.Loc.End - len(raw)
	if start < 0 || start+len(raw) > len(c.src) || c.src[start:start+len(raw)] != raw {
		start = 0 // spans then point at the operator only approximately
	}
	rest := strings.TrimSpace(raw)
	for strings.HasPrefix(rest, "hint.") {
		_, after, _ := strings.Cut(rest, " ")
		rest = strings.TrimSpace(after)
	}
	after, ok := strings.CutPrefix(rest, "by ")
	if !ok {
		c.failAt(o, nil, "partition expects: partition by Column (subquery)")
	}
	after = strings.TrimSpace(after)
	i := strings.IndexAny(after, "({")
	if i <= 0 {
		c.failAt(o, nil, "partition expects: partition by Column (subquery)")
	}
	key := strings.Trim(strings.TrimSpace(after[:i]), "[]'\"")
	open := start + len(raw) - len(after) + i // offset of the bracket in the source
	body := after[i:]
	kcol, ok := r.col(key)
	if !ok {
		c.failAt(o, ErrUnknownName, "unknown column %q%s", key, didYouMean(key, r.names()))
	}
	// a text with the subquery at its place in the source, so errors point into it
	pad := func(n int) string {
		var b strings.Builder
		for _, ch := range c.src[:min(n, len(c.src))] {
			if ch == '\n' {
				b.WriteByte('\n')
			} else {
				b.WriteString(strings.Repeat(" ", len(string(ch))))
			}
		}
		return b.String()
	}
	outer, keys := c.newAlias(), c.newAlias()
	part := &rel{cols: r.cols, name: r.name,
		sql: "(SELECT " + c.selectList(r, false) + " FROM " + r.sql + " AS " + outer + " WHERE " + outer + "." + kcol.ident() + " IS NOT DISTINCT FROM " + keys + ".k)"}
	var sub *rel
	inner := e.child()
	switch body[0] {
	case '(':
		if !strings.HasSuffix(body, ")") || open < 1 {
			c.failAt(o, nil, "partition expects: partition by Column (subquery)")
		}
		text := pad(open-1) + "P|" + body[1:len(body)-1]
		q, err := syntax.Parse(text)
		if err != nil {
			c.failAt(o, nil, "partition subquery: %v", err)
		}
		pipe, ok := q.Stmts[len(q.Stmts)-1].(*syntax.ExprStmt).X.(*syntax.Pipe)
		if !ok || len(q.Stmts) != 1 {
			c.failAt(o, nil, "partition expects operators in its parentheses")
		}
		sub = part
		for _, op := range pipe.Ops {
			sub = c.operator(sub, op, inner)
		}
	case '{':
		if !strings.HasSuffix(body, "}") {
			c.failAt(o, nil, "partition expects: partition by Column { subquery }")
		}
		q, err := syntax.Parse(pad(open+1) + body[1:len(body)-1])
		if err != nil {
			c.failAt(o, nil, "partition subquery: %v", err)
		}
		inner.vars["$input"] = &binding{rel: part}
		sub = c.body(q, inner)
	}
	sub = c.materializeOrder(sub)
	subA := c.newAlias()
	return &rel{cols: sub.cols, name: r.name,
		sql: "(SELECT " + subA + ".* FROM (SELECT DISTINCT " + kcol.ident() + " AS k FROM " + r.sql + " AS " + c.newAlias() + ") AS " + keys + ", LATERAL " + sub.sql + " AS " + subA + ")"}
}
