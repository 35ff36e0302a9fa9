package kql

import (
	"errors"
	"github.com/huntkit/huntkit/kql/syntax"
	"sort"
	"strconv"
	"strings"
	"time"
)

// column is a column of an intermediate table.
type column struct {
	name string
	t    ktype
	sql  string // the DuckDB identifier when it differs from name (see uniqueIdents)
}

// ident is the quoted DuckDB identifier of the column.
func (c column) ident() string {
	if c.sql != "" {
		return qi(c.sql)
	}
	return qi(c.name)
}

// uniqueIdents returns DuckDB identifiers for KQL column names. DuckDB resolves names
// case-insensitively, so a name that differs only in case from an earlier one gets a
// suffix; the final SELECT restores the KQL names.
func uniqueIdents(names []string) []string {
	out := make([]string, len(names))
	used := make(map[string]bool, len(names))
	for i, n := range names {
		id := n
		for k := 1; used[strings.ToLower(id)]; k++ {
			id = n + "~" + strconv.Itoa(k)
		}
		used[strings.ToLower(id)] = true
		out[i] = id
	}
	return out
}

// withIdents sets the DuckDB identifiers of cols from their names.
func withIdents(cols []column) []column {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	ids := uniqueIdents(names)
	for i := range cols {
		if ids[i] != cols[i].name {
			cols[i].sql = ids[i]
		} else {
			cols[i].sql = ""
		}
	}
	return cols
}

// rel is a compiled tabular expression: a FROM-able SQL item and its schema.
type rel struct {
	sql   string   // a quoted table name or a parenthesised SELECT
	cols  []column // visible columns in order
	order string   // pending ORDER BY clause over cols (just sorted)
	ord   bool     // carries the hidden __ord column giving the row order
	name  string   // table name for union withsource, when known
	// computed marks columns defined by an expression in the previous stage; using one
	// of them twice in a new expression makes DuckDB's projection inlining duplicate it
	computed map[string]bool
}

const ordCol = `"__ord"`

func (r *rel) col(name string) (column, bool) {
	for _, c := range r.cols {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

func (r *rel) names() []string {
	out := make([]string, len(r.cols))
	for i, c := range r.cols {
		out[i] = c.name
	}
	return out
}

// binding is what a let name stands for.
type binding struct {
	scalar  *sqlExpr // compiled scalar
	dynVal  any      // value of a dynamic literal (for in/has_any expansion)
	hasDyn  bool
	tabular syntax.Expr // tabular expression, compiled at each use
	fn      *syntax.FuncLit
	env     *env // defining environment of tabular and fn
	rel     *rel // precompiled tabular (function arguments)
}

type env struct {
	parent *env
	vars   map[string]*binding
}

func (e *env) lookup(n string) *binding {
	for ; e != nil; e = e.parent {
		if b, ok := e.vars[n]; ok {
			return b
		}
	}
	return nil
}

func (e *env) child() *env { return &env{parent: e, vars: map[string]*binding{}} }

type compiler struct {
	src   string
	cat   Catalog
	opt   options
	alias int
	depth int
}

// bail aborts compilation with an error.
type bail struct{ err error }

func (c *compiler) failAt(n syntax.Node, cause error, format string, args ...any) {
	off := 0
	if n != nil {
		off = n.Span().Pos
	}
	panic(bail{newError(c.src, off, cause, format, args...)})
}

func (c *compiler) unsupported(n syntax.Node, what string) {
	c.failAt(n, ErrUnsupported, "%s is not supported", what)
}

func (c *compiler) newAlias() string {
	c.alias++
	return "_t" + strconv.Itoa(c.alias)
}

// Compile translates a KQL query into one DuckDB SQL statement. cat supplies table
// schemas; errors are *Error values with the line and column of the offending node.
func Compile(src string, cat Catalog, opts ...Option) (string, error) {
	q, err := Parse(src)
	if err != nil {
		return "", err
	}
	return CompileQuery(q, cat, opts...)
}

// CompileQuery compiles an already parsed query (see Compile).
func CompileQuery(q *syntax.Query, cat Catalog, opts ...Option) (sql string, err error) {
	c := &compiler{cat: cat, opt: defaultOptions()}
	defer func() {
		if r := recover(); r != nil {
			if b, ok := r.(bail); ok {
				sql, err = "", b.err
				return
			}
			sql, err = "", internalError(c.src, "compiler", r)
		}
	}()
	if q == nil {
		return "", &Error{Line: 1, Col: 1, Msg: "no query to compile"}
	}
	c.src = q.Src
	for _, o := range opts {
		o(&c.opt)
	}
	if c.cat == nil {
		c.cat = MapCatalog{}
	}
	c.checkCtx(q)
	r := c.body(q, &env{vars: map[string]*binding{}})
	return c.finish(r), nil
}

// body compiles let statements then the single result expression.
func (c *compiler) body(q *syntax.Query, e *env) *rel {
	var result syntax.Expr
	for _, s := range q.Stmts {
		switch st := s.(type) {
		case *syntax.LetStmt:
			c.let(st, e)
		case *syntax.SetStmt, *syntax.DeclareStmt:
			// query options and parameter declarations do not change the data
		case *syntax.ExprStmt:
			if result != nil {
				c.failAt(st, ErrUnsupported, "more than one result statement is not supported")
			}
			result = st.X
		}
	}
	if result == nil {
		c.failAt(q, nil, "the query has no result expression")
	}
	return c.tabular(result, e)
}

func (c *compiler) let(st *syntax.LetStmt, e *env) {
	name := st.Name.Name
	b := &binding{env: e}
	switch v := st.Value.(type) {
	case *syntax.FuncLit:
		b.fn = v
	default:
		if c.isTabular(v, e) {
			b.tabular = v
		} else {
			x := c.scalar(v, &scope{env: e})
			b.scalar = &x
			if lit, ok := unparen(v).(*syntax.Literal); ok && lit.Kind == syntax.LitDynamic {
				b.dynVal, b.hasDyn = lit.Value, true
			} else if x.hasDyn {
				b.dynVal, b.hasDyn = x.dynVal, true
			}
		}
	}
	ne := e.vars
	ne[name] = b
}

func unparen(x syntax.Expr) syntax.Expr {
	for {
		p, ok := x.(*syntax.Paren)
		if !ok {
			return x
		}
		x = p.X
	}
}

// isTabular decides whether an expression denotes a table.
func (c *compiler) isTabular(x syntax.Expr, e *env) bool {
	switch v := unparen(x).(type) {
	case *syntax.Pipe, *syntax.Datatable, *syntax.RangeExpr, *syntax.UnionExpr, *syntax.ExternalData:
		return true
	case *syntax.PrintExpr:
		return true
	case *syntax.Ident:
		if b := e.lookup(v.Name); b != nil {
			return b.tabular != nil || b.rel != nil
		}
		_, ok := c.cat.Columns(v.Name)
		return ok
	case *syntax.Call:
		n := v.Fn.Name
		if n == "materialize" || n == "table" || n == "view" {
			return true
		}
		if b := e.lookup(n); b != nil && b.fn != nil {
			return c.fnIsTabular(b.fn, b.env)
		}
	}
	return false
}

func (c *compiler) fnIsTabular(f *syntax.FuncLit, e *env) bool {
	if len(f.Body.Stmts) == 0 {
		return false
	}
	last, ok := f.Body.Stmts[len(f.Body.Stmts)-1].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	inner := e.child()
	for _, p := range f.Params {
		if strings.HasPrefix(p.Type, "(") {
			inner.vars[p.Name] = &binding{rel: &rel{}}
		} else {
			x := sqlExpr{sql: "NULL", t: kUnknown}
			if t, ok := parseKType(p.Type); ok {
				x.t = t
			}
			inner.vars[p.Name] = &binding{scalar: &x}
		}
	}
	for _, s := range f.Body.Stmts {
		if l, ok := s.(*syntax.LetStmt); ok {
			if fl, ok := l.Value.(*syntax.FuncLit); ok {
				inner.vars[l.Name.Name] = &binding{fn: fl, env: inner}
			} else if c.isTabular(l.Value, inner) {
				inner.vars[l.Name.Name] = &binding{tabular: l.Value, env: inner}
			} else {
				inner.vars[l.Name.Name] = &binding{scalar: &sqlExpr{sql: "NULL"}}
			}
		}
	}
	return c.isTabular(last.X, inner)
}

// finish wraps the final relation into a statement with its ordering.
func (c *compiler) finish(r *rel) string {
	cols := c.selectList(r, false)
	renamed := false
	for _, col := range r.cols {
		if col.sql != "" {
			renamed = true
		}
	}
	if renamed {
		parts := make([]string, len(r.cols))
		for i, col := range r.cols {
			parts[i] = col.ident() + " AS " + qi(col.name)
		}
		cols = strings.Join(parts, ", ")
	}
	switch {
	case r.order != "":
		return "SELECT " + cols + " FROM " + r.sql + " AS " + c.newAlias() + " ORDER BY " + r.order
	case r.ord:
		return "SELECT " + cols + " FROM " + r.sql + " AS " + c.newAlias() + " ORDER BY " + ordCol
	}
	return "SELECT " + cols + " FROM " + r.sql + " AS " + c.newAlias()
}

// selectList selects r's visible columns (plus __ord when withOrd and r carries it). Every
// relation exposes exactly its columns (and __ord when it has one), so this is a star.
func (c *compiler) selectList(r *rel, withOrd bool) string {
	if len(r.cols) == 0 {
		return "NULL AS " + qi("__empty")
	}
	if r.ord && !withOrd {
		return "* EXCLUDE (" + ordCol + ")"
	}
	return "*"
}

// qi quotes an identifier.
func qi(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// qs quotes a string literal.
func qs(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.IndexByte(s, 0) >= 0 { // DuckDB cannot lex a NUL inside a literal
		q = "(" + strings.ReplaceAll(q, "\x00", "' || chr(0) || '") + ")"
	}
	return q
}

// materializeOrder turns a pending sort into the hidden __ord column so that following
// operators keep the order.
func (c *compiler) materializeOrder(r *rel) *rel {
	if r.order == "" {
		return r
	}
	sql := "(SELECT " + c.selectList(r, false) + ", row_number() OVER (ORDER BY " + r.order + ") AS " + ordCol + " FROM " + r.sql + " AS " + c.newAlias() + ")"
	return &rel{sql: sql, cols: r.cols, ord: true, name: r.name}
}

// tabular compiles a tabular expression.
func (c *compiler) tabular(x syntax.Expr, e *env) *rel {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > c.opt.maxNesting {
		c.failAt(x, ErrLimit, "query nested too deeply: views, lets, functions and subqueries nest more than %d levels (recursive function? the limit is raised with kql.WithMaxNesting)", c.opt.maxNesting)
	}
	c.checkCtx(x)
	r := c.tabularNode(x, e)
	c.checkSize(r.sql, x)
	return r
}

// checkCtx stops compilation when the context given with WithContext is done.
func (c *compiler) checkCtx(n syntax.Node) {
	if c.opt.ctx == nil {
		return
	}
	if err := c.opt.ctx.Err(); err != nil {
		c.failAt(n, err, "compilation interrupted: %v", err)
	}
}

// checkSize refuses SQL text that grows past the size limit. Views used twice and long
// chains of operators make the SQL grow exponentially or quadratically in the query, so
// the check runs after every operator, long before the text could exhaust memory.
func (c *compiler) checkSize(sql string, n syntax.Node) {
	if len(sql) > c.opt.maxSQL {
		c.failAt(n, ErrLimit, "the generated SQL exceeds %s (views used several times or long chains of operators multiply its size; the limit is raised with kql.WithMaxSQLSize)", byteSize(c.opt.maxSQL))
	}
}

// byteSize renders a byte count for limit messages.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// tabularNode compiles one tabular node (see tabular, which bounds and checks it).
func (c *compiler) tabularNode(x syntax.Expr, e *env) *rel {
	switch v := x.(type) {
	case *syntax.Paren:
		return c.tabular(v.X, e)
	case *syntax.Pipe:
		r := c.tabular(v.Source, e)
		for _, op := range v.Ops {
			r = c.operator(r, op, e)
			c.checkSize(r.sql, op)
			c.checkCtx(op)
		}
		return r
	case *syntax.Ident:
		return c.tableRef(v, e)
	case *syntax.Datatable:
		return c.datatable(v, e)
	case *syntax.PrintExpr:
		return c.print(v, e)
	case *syntax.RangeExpr:
		return c.rangeExpr(v, e)
	case *syntax.UnionExpr:
		return c.union(nil, v.Params, v.Tables, e, v)
	case *syntax.ExternalData:
		return c.externalData(v, e)
	case *syntax.Call:
		switch v.Fn.Name {
		case "materialize", "view":
			if len(v.Args) != 1 {
				c.failAt(v, nil, "%s expects one argument", v.Fn.Name)
			}
			return c.tabular(v.Args[0], e)
		case "table":
			if len(v.Args) >= 1 {
				if l, ok := v.Args[0].(*syntax.Literal); ok && l.Kind == syntax.LitString {
					return c.tableRef(&syntax.Ident{Loc: l.Loc, Name: l.Value.(string)}, e)
				}
			}
			c.failAt(v, nil, "table() expects a string literal table name")
		}
		if b := e.lookup(v.Fn.Name); b != nil && b.fn != nil {
			return c.invokeFn(v, b, nil, e)
		}
		if b := e.lookup(v.Fn.Name); b != nil && (b.rel != nil || b.tabular != nil) && len(v.Args) == 0 {
			// T() on a let-bound tabular expression is T itself
			return c.tableRef(v.Fn, e)
		}
		c.failAt(v.Fn, ErrUnknownName, "unknown tabular function %q", v.Fn.Name)
	}
	c.failAt(x, nil, "expected a tabular expression")
	return nil
}

func (c *compiler) tableRef(id *syntax.Ident, e *env) *rel {
	if b := e.lookup(id.Name); b != nil {
		switch {
		case b.rel != nil:
			r := *b.rel
			return &r
		case b.tabular != nil:
			r := c.tabular(b.tabular, b.env)
			if r.name == "" {
				r.name = id.Name
			}
			return r
		case b.fn != nil && len(b.fn.Params) == 0:
			return c.invokeFn(&syntax.Call{Loc: id.Loc, Fn: id}, b, nil, e)
		}
		c.failAt(id, nil, "%q is a scalar, not a table", id.Name)
	}
	fields, ok := c.cat.Columns(id.Name)
	if !ok {
		var cands []string
		if l, ok := c.cat.(TableLister); ok {
			cands = l.Tables()
		}
		for en := e; en != nil; en = en.parent {
			for k, b := range en.vars {
				if b.tabular != nil {
					cands = append(cands, k)
				}
			}
		}
		c.failAt(id, ErrUnknownName, "unknown table or name %q%s", id.Name, didYouMean(id.Name, cands))
	}
	r := &rel{name: id.Name}
	var names []string
	for _, f := range fields {
		r.cols = append(r.cols, column{name: f.Name, t: fromFrameType(f.Type)})
		names = append(names, qi(f.Name))
	}
	// the table may have more columns than the catalogue knows; expose only the known ones
	r.sql = "(SELECT " + strings.Join(names, ", ") + " FROM " + qi(id.Name) + ")"
	if len(names) == 0 {
		r.sql = "(SELECT NULL AS " + qi("__empty") + " FROM " + qi(id.Name) + ")"
	}
	if (!c.opt.start.IsZero() || !c.opt.end.IsZero()) && c.opt.timeColumn != "" {
		if col, ok := r.col(c.opt.timeColumn); ok && col.t == kDatetime {
			var conds []string
			if !c.opt.start.IsZero() {
				conds = append(conds, qi(col.name)+" >= "+tsLit(c.opt.start))
			}
			if !c.opt.end.IsZero() {
				conds = append(conds, qi(col.name)+" < "+tsLit(c.opt.end))
			}
			r.sql = "(SELECT " + strings.Join(names, ", ") + " FROM " + qi(id.Name) + " WHERE " + strings.Join(conds, " AND ") + ")"
		}
	}
	return r
}

func tsLit(t time.Time) string {
	return "TIMESTAMP '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "'"
}

// invokeFn expands a user function call. input is the piped table for invoke.
func (c *compiler) invokeFn(call *syntax.Call, b *binding, input *rel, e *env) *rel {
	f := b.fn
	inner := b.env.child()
	args := call.Args
	params := f.Params
	if input != nil {
		if len(params) == 0 {
			c.failAt(call, nil, "function %s takes no table argument", call.Fn.Name)
		}
		inner.vars[params[0].Name] = &binding{rel: input}
		params = params[1:]
	}
	if len(args) > len(params) {
		c.failAt(call, nil, "function %s takes %d arguments, got %d", call.Fn.Name, len(params), len(args))
	}
	for i, p := range params {
		var a syntax.Expr
		if i < len(args) {
			a = args[i]
		} else if p.Default != nil {
			a = p.Default
		} else {
			c.failAt(call, nil, "function %s: missing argument %s", call.Fn.Name, p.Name)
		}
		if strings.HasPrefix(p.Type, "(") {
			r := c.tabular(a, e)
			inner.vars[p.Name] = &binding{rel: r}
			continue
		}
		x := c.scalar(a, &scope{env: e})
		if t, ok := parseKType(p.Type); ok && x.t != t && x.t != kNull {
			x = c.convert(x, t)
		}
		nb := &binding{scalar: &x}
		if lit, ok := unparen(a).(*syntax.Literal); ok && lit.Kind == syntax.LitDynamic {
			nb.dynVal, nb.hasDyn = lit.Value, true
		}
		inner.vars[p.Name] = nb
	}
	return c.body(f.Body, inner)
}

func (c *compiler) datatable(d *syntax.Datatable, e *env) *rel {
	r := &rel{}
	for _, p := range d.Cols {
		t, ok := parseKType(p.Type)
		if !ok {
			c.failAt(p, nil, "unknown type %q for column %s", p.Type, p.Name)
		}
		r.cols = append(r.cols, column{name: p.Name, t: t})
	}
	n := len(r.cols)
	if n == 0 {
		c.failAt(d, nil, "datatable needs at least one column")
	}
	if len(d.Values)%n != 0 {
		c.failAt(d, nil, "datatable has %d values, not a multiple of its %d columns", len(d.Values), n)
	}
	sc := &scope{env: e}
	var rows []string
	for i := 0; i < len(d.Values); i += n {
		vals := make([]string, n)
		for j := 0; j < n; j++ {
			x := c.scalar(d.Values[i+j], sc)
			x = c.convert(x, r.cols[j].t)
			vals[j] = "CAST(" + x.sql + " AS " + r.cols[j].t.sqlType() + ")"
			if i == 0 {
				vals[j] += " AS " + qi(r.cols[j].name)
			}
		}
		rows = append(rows, "SELECT "+strings.Join(vals, ", "))
	}
	if len(rows) == 0 {
		parts := make([]string, n)
		for j, col := range r.cols {
			parts[j] = "CAST(NULL AS " + col.t.sqlType() + ") AS " + qi(col.name)
		}
		r.sql = "(SELECT " + strings.Join(parts, ", ") + " WHERE false)"
		return r
	}
	// keep the written order of rows
	r.sql = "(SELECT *, row_number() OVER () AS " + ordCol + " FROM (" + strings.Join(rows, " UNION ALL ") + "))"
	r.ord = true
	return r
}

func (c *compiler) print(p *syntax.PrintExpr, e *env) *rel {
	r := &rel{}
	sc := &scope{env: e}
	var parts []string
	for i, a := range p.Cols {
		x := c.scalar(a.X, sc)
		name := ""
		if len(a.Names) == 1 {
			name = a.Names[0].Name
		} else if len(a.Names) > 1 {
			c.unsupported(a, "multiple names in print")
		} else {
			name = "print_" + strconv.Itoa(i)
		}
		parts = append(parts, x.sql+" AS "+qi(name))
		r.cols = append(r.cols, column{name: name, t: x.t})
	}
	r.sql = "(SELECT " + strings.Join(parts, ", ") + ")"
	return r
}

func (c *compiler) rangeExpr(v *syntax.RangeExpr, e *env) *rel {
	sc := &scope{env: e}
	from := c.scalar(v.From, sc)
	to := c.scalar(v.To, sc)
	step := c.scalar(v.Step, sc)
	t := from.t
	if t == kInt {
		t = kLong
	}
	r := &rel{cols: []column{{name: v.Col.Name, t: t}}}
	r.sql = "(SELECT unnest(generate_series(" + from.sql + ", " + to.sql + ", " + step.sql + ")) AS " + qi(v.Col.Name) + ")"
	return r
}

// operator applies one tabular operator to r.
func (c *compiler) operator(r *rel, op syntax.Operator, e *env) *rel {
	switch o := op.(type) {
	case *syntax.RenderOp:
		return r
	case *syntax.TakeOp:
		n := c.scalar(o.N, &scope{env: e})
		out := &rel{cols: r.cols, ord: r.ord, name: r.name}
		sql := "(SELECT " + c.selectList(r, true) + " FROM " + r.sql + " AS " + c.newAlias()
		if r.order != "" {
			sql += " ORDER BY " + r.order
			out.order = r.order
		} else if r.ord {
			sql += " ORDER BY " + ordCol
		}
		out.sql = sql + " LIMIT " + n.sql + ")"
		return out
	case *syntax.SortOp:
		return c.sort(r, o.Keys, e, "")
	case *syntax.TopOp:
		n := c.scalar(o.N, &scope{env: e})
		return c.sort(r, o.Keys, e, n.sql)
	case *syntax.AsOp:
		r2 := *r
		r2.name = o.Name
		e.vars[o.Name] = &binding{rel: &r2}
		return r
	case *syntax.SerializeOp:
		r = c.materializeOrder(r)
		if !r.ord {
			r = &rel{sql: "(SELECT " + c.selectList(r, false) + ", row_number() OVER () AS " + ordCol + " FROM " + r.sql + " AS " + c.newAlias() + ")", cols: r.cols, ord: true, name: r.name}
		}
		if len(o.Items) == 0 {
			return r
		}
		return c.extend(r, o.Items, e)
	}
	switch op.(type) {
	case *syntax.CountOp, *syntax.DistinctOp, *syntax.MakeSeriesOp, *syntax.TopNestedOp:
		// these do not keep row order, so a pending sort is simply dropped
		if r.order != "" {
			r = &rel{sql: r.sql, cols: r.cols, name: r.name}
		}
	default:
		r = c.materializeOrder(r)
	}
	switch o := op.(type) {
	case *syntax.WhereOp:
		sc := &scope{rel: r, env: e}
		p := c.scalar(o.Pred, sc)
		p = c.toBool(p)
		return &rel{sql: "(SELECT " + c.selectList(r, true) + " FROM " + r.sql + " AS " + c.newAlias() + " WHERE " + p.sql + ")", cols: r.cols, ord: r.ord, name: r.name}
	case *syntax.ProjectOp:
		switch strings.ToLower(o.Name) {
		case "extend":
			return c.extend(r, o.Items, e)
		case "project":
			return c.project(r, o.Items, e)
		case "project-away":
			return c.projectAway(r, o, e)
		case "project-keep":
			return c.projectKeep(r, o, e)
		case "project-rename":
			return c.projectRename(r, o, e)
		case "project-reorder":
			return c.projectReorder(r, o, e)
		}
	case *syntax.SummarizeOp:
		return c.summarize(r, o, e)
	case *syntax.CountOp:
		name := "Count"
		if o.As != "" {
			name = o.As
		}
		return &rel{sql: "(SELECT count(*) AS " + qi(name) + " FROM " + r.sql + " AS " + c.newAlias() + ")", cols: []column{{name: name, t: kLong}}}
	case *syntax.DistinctOp:
		return c.distinct(r, o, e)
	case *syntax.JoinOp:
		if strings.EqualFold(o.Name, "lookup") {
			return c.join(r, o, e, true)
		}
		return c.join(r, o, e, false)
	case *syntax.UnionOp:
		return c.union(r, o.Params, o.Tables, e, o)
	case *syntax.MvExpandOp:
		return c.mvExpand(r, o, e)
	case *syntax.ParseOp:
		return c.parse(r, o, e)
	case *syntax.MakeSeriesOp:
		return c.makeSeries(r, o, e)
	case *syntax.EvaluateOp:
		return c.evaluate(r, o, e)
	case *syntax.InvokeOp:
		b := e.lookup(o.Call.Fn.Name)
		if b == nil || b.fn == nil {
			c.failAt(o.Call.Fn, ErrUnknownName, "unknown function %q", o.Call.Fn.Name)
		}
		return c.invokeFn(o.Call, b, r, e)
	case *syntax.MvApplyOp:
		return c.mvApply(r, o, e)
	case *syntax.TopNestedOp:
		return c.topNested(r, o, e)
	case *syntax.GenericOp:
		switch strings.ToLower(o.Name) {
		case "getschema":
			if strings.TrimSpace(o.Raw) != "" {
				break
			}
			var rows []string
			for i, col := range r.cols {
				rows = append(rows, "("+qs(col.name)+", "+strconv.Itoa(i)+", "+qs(dataTypeName(col.t))+", "+qs(col.t.String())+")")
			}
			out := &rel{cols: []column{{name: "ColumnName", t: kString}, {name: "ColumnOrdinal", t: kLong}, {name: "DataType", t: kString}, {name: "ColumnType", t: kString}}}
			if len(rows) == 0 {
				out.sql = "(SELECT NULL::VARCHAR AS \"ColumnName\", NULL::BIGINT AS \"ColumnOrdinal\", NULL::VARCHAR AS \"DataType\", NULL::VARCHAR AS \"ColumnType\" WHERE false)"
			} else {
				out.sql = "(SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") AS t(\"ColumnName\", \"ColumnOrdinal\", \"DataType\", \"ColumnType\"))"
				out.sql = "(SELECT *, \"ColumnOrdinal\" AS " + ordCol + " FROM " + out.sql + ")"
				out.ord = true
			}
			return out
		case "search":
			return c.search(r, o, e)
		case "partition":
			return c.partition(r, o, e)
		case "sample":
			n, err := strconv.Atoi(strings.TrimSpace(o.Raw))
			if err != nil || n < 0 {
				c.failAt(o, nil, "sample expects a row count")
			}
			return &rel{sql: "(SELECT " + c.selectList(r, false) + " FROM " + r.sql + " AS " + c.newAlias() + " ORDER BY random() LIMIT " + strconv.Itoa(n) + ")", cols: r.cols, name: r.name}
		}
		c.unsupported(o, "the "+o.Name+" operator")
	}
	c.unsupported(op, "the "+op.OpName()+" operator")
	return nil
}

func (c *compiler) sort(r *rel, keys []*syntax.SortKey, e *env, limit string) *rel {
	r = c.materializeOrder(r)
	sc := &scope{rel: r, env: e}
	var parts []string
	for _, k := range keys {
		x := c.scalar(k.X, sc)
		s := x.sql
		if x.t == kDynamic {
			s = c.convert(x, kString).sql
		}
		if k.Asc {
			s += " ASC"
		} else {
			s += " DESC"
		}
		nulls := k.Nulls
		if nulls == "" {
			if k.Asc {
				nulls = "first"
			} else {
				nulls = "last"
			}
		}
		s += " NULLS " + strings.ToUpper(nulls)
		parts = append(parts, s)
	}
	order := strings.Join(parts, ", ")
	if limit == "" {
		// a pending order over the current columns; the inner row order does not matter
		return &rel{sql: "(SELECT " + c.selectList(r, false) + " FROM " + r.sql + " AS " + c.newAlias() + ")", cols: r.cols, order: order, name: r.name}
	}
	return &rel{sql: "(SELECT " + c.selectList(r, false) + " FROM " + r.sql + " AS " + c.newAlias() + " ORDER BY " + order + " LIMIT " + limit + ")", cols: r.cols, order: order, name: r.name}
}

// outCol is a computed output column.
type outCol struct {
	name string
	sql  string
	t    ktype
}

func (c *compiler) buildSelect(r *rel, cols []outCol, keepOrd bool, where string) *rel {
	parts := make([]string, 0, len(cols)+1)
	out := &rel{name: r.name}
	names := make([]string, len(cols))
	for i, oc := range cols {
		names[i] = oc.name
	}
	ids := uniqueIdents(names)
	for i, oc := range cols {
		if oc.sql == qi(ids[i]) {
			parts = append(parts, oc.sql)
		} else {
			parts = append(parts, oc.sql+" AS "+qi(ids[i]))
		}
		col := column{name: oc.name, t: oc.t}
		if ids[i] != oc.name {
			col.sql = ids[i]
		}
		out.cols = append(out.cols, col)
	}
	if keepOrd && r.ord {
		parts = append(parts, ordCol)
		out.ord = true
	}
	if len(parts) == 0 {
		parts = append(parts, "NULL AS "+qi("__empty"))
	}
	if n := len(r.cols); n > 0 && passesThrough(r, out.cols, parts) {
		// the input's columns come first unchanged: a star keeps the SQL linear in the
		// length of a chain of extends over a wide table
		star := c.selectList(r, out.ord)
		parts = append([]string{star}, parts[n:]...)
		if out.ord && r.ord {
			parts = parts[:len(parts)-1] // the star carries __ord
		}
	}
	sql := "(SELECT " + strings.Join(parts, ", ") + " FROM " + r.sql + " AS " + c.newAlias()
	if where != "" {
		sql += " WHERE " + where
	}
	out.sql = sql + ")"
	return out
}

// passesThrough reports whether the first select items of a new level are r's columns
// in order, unchanged and under the same identifiers.
func passesThrough(r *rel, cols []column, parts []string) bool {
	if len(cols) < len(r.cols) {
		return false
	}
	for i, col := range r.cols {
		if cols[i].name != col.name || cols[i].sql != col.sql || parts[i] != col.ident() {
			return false
		}
	}
	return true
}

func passCols(r *rel) []outCol {
	out := make([]outCol, len(r.cols))
	for i, col := range r.cols {
		out[i] = outCol{col.name, col.ident(), col.t}
	}
	return out
}

func setCol(cols []outCol, oc outCol) []outCol {
	for i := range cols {
		if cols[i].name == oc.name {
			cols[i] = oc
			return cols
		}
	}
	return append(cols, oc)
}

// extend adds or replaces computed columns. An expression that uses a column defined
// earlier in the same extend starts a new SELECT level.
func (c *compiler) extend(r *rel, items []*syntax.Assign, e *env) *rel {
	cols := passCols(r)
	defined := map[string]bool{}
	auto := 0
	for _, a := range items {
		if r.computed != nil && refsTwice(a.X, r.computed) {
			// a chain like x = iff(c, f(x), x) doubles the inlined expression at each
			// step; materialize the input to keep the plan linear
			r = &rel{sql: "(WITH " + c.newAlias() + "_m AS MATERIALIZED (SELECT * FROM " + r.sql + ") SELECT * FROM " + "_t" + strconv.Itoa(c.alias) + "_m)", cols: r.cols, ord: r.ord, name: r.name}
			cols = passCols(r)
			defined = map[string]bool{}
		}
		if refsAny(a.X, defined) {
			r = c.buildSelect(r, cols, true, "")
			cols = passCols(r)
			defined = map[string]bool{}
		}
		if fields, prefix, ok := c.multiOutput(a.X, &scope{rel: r, env: e}); ok {
			for i, f := range fields {
				n := prefix + f.suffix
				if len(a.Names) > 0 {
					if i >= len(a.Names) {
						break
					}
					n = a.Names[i].Name
				}
				cols = setCol(cols, outCol{n, f.sql, f.t})
				defined[n] = true
			}
			continue
		}
		x := c.scalar(a.X, &scope{rel: r, env: e})
		names := c.assignNames(a, x, &auto, r)
		if len(names) > 1 {
			c.unsupported(a, "assigning several columns from "+calleeName(a.X))
		}
		cols = setCol(cols, outCol{names[0], x.sql, x.t})
		defined[names[0]] = true
	}
	out := c.buildSelect(r, cols, true, "")
	out.computed = map[string]bool{}
	before := make(map[string]string, len(r.cols))
	for _, col := range r.cols {
		before[col.name] = col.ident()
	}
	for _, oc := range cols {
		if id, ok := before[oc.name]; !ok || oc.sql != id {
			out.computed[oc.name] = true
		}
	}
	return out
}

// refsTwice reports whether x mentions one of names at least twice.
func refsTwice(x syntax.Node, names map[string]bool) bool {
	counts := map[string]int{}
	syntax.Inspect(x, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok && names[id.Name] {
			counts[id.Name]++
		}
		return true
	})
	for _, n := range counts {
		if n >= 2 {
			return true
		}
	}
	return false
}

func calleeName(x syntax.Expr) string {
	if cl, ok := x.(*syntax.Call); ok {
		return cl.Fn.Name + "()"
	}
	return "this expression"
}

// assignNames returns the output names of an assignment, deriving a name like Kusto does
// when none is written.
func (c *compiler) assignNames(a *syntax.Assign, x sqlExpr, auto *int, r *rel) []string {
	if len(a.Names) > 0 {
		out := make([]string, len(a.Names))
		for i, n := range a.Names {
			out[i] = n.Name
		}
		return out
	}
	if n := derivedName(a.X); n != "" {
		return []string{n}
	}
	for {
		*auto++
		n := "Column" + strconv.Itoa(*auto)
		if r == nil {
			return []string{n}
		}
		if _, ok := r.col(n); !ok {
			return []string{n}
		}
	}
}

// derivedName is the column name Kusto gives an unnamed expression: the column itself,
// a dynamic path joined by '_', or the single column a function is applied to.
func derivedName(x syntax.Expr) string {
	switch v := unparen(x).(type) {
	case *syntax.Ident:
		return v.Name
	case *syntax.Member:
		if b := derivedName(v.X); b != "" {
			return b + "_" + v.Name.Name
		}
	case *syntax.IndexExpr:
		if l, ok := v.Index.(*syntax.Literal); ok {
			if b := derivedName(v.X); b != "" {
				switch iv := l.Value.(type) {
				case string:
					return b + "_" + iv
				case int64:
					return b + "_" + strconv.FormatInt(iv, 10)
				}
			}
		}
	case *syntax.Call:
		switch v.Fn.Name {
		case "tostring", "toint", "tolong", "todouble", "toreal", "todatetime", "tobool", "todynamic", "toguid", "totimespan", "bin", "floor", "tolower", "toupper", "trim":
			if len(v.Args) > 0 {
				return derivedName(v.Args[0])
			}
		}
	}
	return ""
}

func (c *compiler) project(r *rel, items []*syntax.Assign, e *env) *rel {
	var cols []outCol
	auto := 0
	seen := map[string]bool{}
	for _, a := range items {
		if w, ok := a.X.(*syntax.Wildcard); ok && len(a.Names) == 0 {
			for _, col := range r.cols {
				if matchWildcard(w.Pattern, col.name) && !seen[col.name] {
					cols = append(cols, outCol{col.name, col.ident(), col.t})
					seen[col.name] = true
				}
			}
			continue
		}
		if fields, prefix, ok := c.multiOutput(a.X, &scope{rel: r, env: e}); ok {
			for i, f := range fields {
				n := prefix + f.suffix
				if len(a.Names) > 0 {
					if i >= len(a.Names) {
						break
					}
					n = a.Names[i].Name
				}
				if seen[n] {
					c.failAt(a, nil, "column %q is projected twice", n)
				}
				seen[n] = true
				cols = append(cols, outCol{n, f.sql, f.t})
			}
			continue
		}
		x := c.scalar(a.X, &scope{rel: r, env: e})
		names := c.assignNames(a, x, &auto, nil)
		if len(names) > 1 {
			c.unsupported(a, "assigning several columns from "+calleeName(a.X))
		}
		if seen[names[0]] {
			c.failAt(a, nil, "column %q is projected twice", names[0])
		}
		seen[names[0]] = true
		cols = append(cols, outCol{names[0], x.sql, x.t})
	}
	return c.buildSelect(r, cols, true, "")
}

// matchWildcard matches a name against a pattern where '*' is any run of characters.
func matchWildcard(pat, s string) bool {
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	parts := strings.Split(pat, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		j := strings.Index(s, parts[i])
		if j < 0 {
			return false
		}
		s = s[j+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func (c *compiler) patterns(r *rel, o *syntax.ProjectOp) []string {
	var pats []string
	for _, a := range o.Items {
		switch v := a.X.(type) {
		case *syntax.Ident:
			if _, ok := r.col(v.Name); !ok {
				c.failAt(v, ErrUnknownName, "unknown column %q%s", v.Name, didYouMean(v.Name, r.names()))
			}
			pats = append(pats, v.Name)
		case *syntax.Wildcard:
			pats = append(pats, v.Pattern)
		case *syntax.Star:
			pats = append(pats, "*")
		default:
			c.failAt(a, nil, "%s expects column names", o.Name)
		}
	}
	return pats
}

func (c *compiler) projectAway(r *rel, o *syntax.ProjectOp, e *env) *rel {
	pats := c.patterns(r, o)
	var cols []outCol
	for _, col := range r.cols {
		drop := false
		for _, p := range pats {
			if matchWildcard(p, col.name) {
				drop = true
			}
		}
		if !drop {
			cols = append(cols, outCol{col.name, col.ident(), col.t})
		}
	}
	return c.buildSelect(r, cols, true, "")
}

func (c *compiler) projectKeep(r *rel, o *syntax.ProjectOp, e *env) *rel {
	pats := c.patterns(r, o)
	var cols []outCol
	for _, col := range r.cols {
		for _, p := range pats {
			if matchWildcard(p, col.name) {
				cols = append(cols, outCol{col.name, col.ident(), col.t})
				break
			}
		}
	}
	return c.buildSelect(r, cols, true, "")
}

func (c *compiler) projectRename(r *rel, o *syntax.ProjectOp, e *env) *rel {
	cols := passCols(r)
	for _, a := range o.Items {
		old, ok := a.X.(*syntax.Ident)
		if !ok || len(a.Names) != 1 {
			c.failAt(a, nil, "project-rename expects NewName = ExistingName")
		}
		found := false
		oldCol, _ := r.col(old.Name)
		for i := range cols {
			if cols[i].name == old.Name && cols[i].sql == oldCol.ident() {
				cols[i].name = a.Names[0].Name
				found = true
			}
		}
		if !found {
			c.failAt(old, ErrUnknownName, "unknown column %q%s", old.Name, didYouMean(old.Name, r.names()))
		}
	}
	return c.buildSelect(r, cols, true, "")
}

func (c *compiler) projectReorder(r *rel, o *syntax.ProjectOp, e *env) *rel {
	pats := c.patterns(r, o)
	var cols []outCol
	used := map[string]bool{}
	for i, p := range pats {
		var match []column
		for _, col := range r.cols {
			if !used[col.name] && matchWildcard(p, col.name) {
				match = append(match, col)
			}
		}
		switch o.Dirs[i] {
		case "asc", "granny-asc":
			sort.SliceStable(match, func(a, b int) bool { return match[a].name < match[b].name })
		case "desc", "granny-desc":
			sort.SliceStable(match, func(a, b int) bool { return match[a].name > match[b].name })
		}
		for _, col := range match {
			used[col.name] = true
			cols = append(cols, outCol{col.name, col.ident(), col.t})
		}
	}
	for _, col := range r.cols {
		if !used[col.name] {
			cols = append(cols, outCol{col.name, col.ident(), col.t})
		}
	}
	return c.buildSelect(r, cols, true, "")
}

func (c *compiler) distinct(r *rel, o *syntax.DistinctOp, e *env) *rel {
	var cols []outCol
	if len(o.Cols) == 1 {
		if _, ok := o.Cols[0].(*syntax.Star); ok {
			cols = passCols(r)
		}
	}
	if cols == nil {
		auto := 0
		for _, x := range o.Cols {
			a := &syntax.Assign{Loc: syntax.Loc(x.Span()), X: x}
			if b, ok := x.(*syntax.Binary); ok && b.Op == "=" {
				_ = b
			}
			sx := c.scalar(x, &scope{rel: r, env: e})
			names := c.assignNames(a, sx, &auto, nil)
			cols = append(cols, outCol{names[0], sx.sql, sx.t})
		}
	}
	out := c.buildSelect(r, cols, false, "")
	out.sql = strings.Replace(out.sql, "(SELECT ", "(SELECT DISTINCT ", 1)
	return out
}

var errAbort = errors.New("abort")

// fmtInt formats an int64 for SQL.
func fmtInt(v int64) string { return strconv.FormatInt(v, 10) }

func fmtFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") && !strings.Contains(s, "Inf") && !strings.Contains(s, "NaN") {
		s += ".0"
	}
	switch s {
	case "+Inf", "Inf":
		return "'Infinity'::DOUBLE"
	case "-Inf":
		return "'-Infinity'::DOUBLE"
	case "NaN":
		return "'NaN'::DOUBLE"
	}
	return s + "::DOUBLE"
}

// refsAny reports whether x mentions any of names as an identifier.
func refsAny(x syntax.Node, names map[string]bool) bool {
	if len(names) == 0 {
		return false
	}
	found := false
	syntax.Inspect(x, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// dataTypeName is the .NET type name getschema reports for a KQL type.
func dataTypeName(t ktype) string {
	switch t {
	case kString:
		return "System.String"
	case kInt:
		return "System.Int32"
	case kLong:
		return "System.Int64"
	case kReal:
		return "System.Double"
	case kBool:
		return "System.SByte"
	case kDatetime:
		return "System.DateTime"
	case kTimespan:
		return "System.TimeSpan"
	case kDynamic:
		return "System.Object"
	case kGuid:
		return "System.Guid"
	}
	return "System.Object"
}
