package syntax

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// maxDepth bounds expression nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	noIn  bool // make-series "on X in range(...)": "in" is not an operator
}

// Parse parses KQL query text into an AST. Errors are *Error values with the line and
// column of the offending token.
func Parse(src string) (q *Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			q, err = nil, InternalError(src, "parser", r)
		}
	}()
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	q, err = p.parseQuery(false)
	if err == nil && p.tok().kind != tEOF {
		err = p.errf("unexpected %s", p.desc(p.tok()))
	}
	if err != nil {
		return nil, severalQueries(src, err)
	}
	q.Src = src
	return q, nil
}

// severalQueries explains a parse error in text that holds several queries separated
// by blank lines: it names them instead of reporting the start of the second one as
// unexpected.
func severalQueries(src string, err error) error {
	pieces := Split(src)
	if len(pieces) < 2 {
		return err
	}
	lines := make([]string, len(pieces))
	for i, pc := range pieces {
		lines[i] = strconv.Itoa(pc.Line)
	}
	return newError(src, pieces[1].Offset, ErrSeveralQueries,
		"the text holds %d queries separated by blank lines (starting on lines %s); run one at a time", len(pieces), strings.Join(lines, ", "))
}

// bailout carries a parse error through panics inside the recursive descent.
type bailout struct{ err *Error }

func (p *parser) tok() token { return p.toks[p.i] }
func (p *parser) peek(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}
func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

func (p *parser) desc(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return "string literal"
	case tIdent:
		return fmt.Sprintf("%q", t.val)
	default:
		return fmt.Sprintf("%q", t.raw)
	}
}

func (p *parser) errf(format string, args ...any) *Error {
	return newError(p.src, p.tok().pos, nil, format, args...)
}

func (p *parser) fail(format string, args ...any) {
	panic(bailout{p.errf(format, args...)})
}

func (p *parser) isPunct(v string) bool { t := p.tok(); return t.kind == tPunct && t.val == v }
func (p *parser) isKw(v string) bool {
	t := p.tok()
	return t.kind == tIdent && strings.EqualFold(t.val, v)
}
func (p *parser) isKwExact(v string) bool { t := p.tok(); return t.kind == tIdent && t.val == v }

func (p *parser) expectPunct(v string) token {
	if !p.isPunct(v) {
		p.fail("expected %q, found %s", v, p.desc(p.tok()))
	}
	return p.next()
}

func (p *parser) expectKw(v string) token {
	if !p.isKw(v) {
		p.fail("expected %q, found %s", v, p.desc(p.tok()))
	}
	return p.next()
}

func (p *parser) acceptPunct(v string) bool {
	if p.isPunct(v) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptKw(v string) bool {
	if p.isKw(v) {
		p.next()
		return true
	}
	return false
}

// adjacent reports whether token k (relative) starts right where token k-1 ends.
func (p *parser) adjacent(k int) bool { return p.peek(k-1).end == p.peek(k).pos }

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("expression nested too deeply")
	}
}
func (p *parser) leave() { p.depth-- }

// parseQuery parses statements until EOF (or '}' when inBlock).
func (p *parser) parseQuery(inBlock bool) (q *Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			if b, ok := r.(bailout); ok {
				q, err = nil, b.err
				return
			}
			q, err = nil, InternalError(p.src, "parser", r)
		}
	}()
	return p.statements(inBlock), nil
}

func (p *parser) statements(inBlock bool) *Query {
	q := &Query{Loc: Span{p.tok().pos, p.tok().pos}}
	for {
		for p.acceptPunct(";") {
		}
		t := p.tok()
		if t.kind == tEOF || (inBlock && p.isPunct("}")) {
			break
		}
		q.Stmts = append(q.Stmts, p.statement())
		if !p.isPunct(";") {
			break
		}
	}
	q.End = p.prevEnd()
	return q
}

func (p *parser) statement() Stmt {
	start := p.tok().pos
	switch {
	case p.isKwExact("let") && p.peek(1).kind == tIdent || p.isKwExact("let") && p.peek(1).kind == tPunct && p.peek(1).val == "[":
		p.next()
		name := p.name()
		p.expectPunct("=")
		var v Expr
		if p.isFuncLit() {
			v = p.funcLit()
		} else {
			v = p.pipeExpr()
		}
		return &LetStmt{Loc: Span{start, p.prevEnd()}, Name: name, Value: v}
	case p.isKwExact("set") && p.peek(1).kind == tIdent:
		p.next()
		var name strings.Builder
		name.WriteString(p.next().val)
		for p.isPunct(".") || p.isPunct("-") {
			name.WriteString(p.next().val)
			name.WriteString(p.expectIdent().val)
		}
		var v Expr
		if p.acceptPunct("=") {
			v = p.expr()
		}
		return &SetStmt{Loc: Span{start, p.prevEnd()}, Name: name.String(), Value: v}
	case p.isKwExact("declare") && p.peek(1).kind == tIdent && p.peek(1).val == "query_parameters":
		p.next()
		p.next()
		p.expectPunct("(")
		var params []*Param
		for !p.isPunct(")") {
			params = append(params, p.param())
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct(")")
		return &DeclareStmt{Loc: Span{start, p.prevEnd()}, Params: params}
	}
	x := p.pipeExpr()
	return &ExprStmt{Loc: Span{start, p.prevEnd()}, X: x}
}

func (p *parser) expectIdent() token {
	if p.tok().kind != tIdent {
		p.fail("expected a name, found %s", p.desc(p.tok()))
	}
	return p.next()
}

// name parses an identifier or a bracketed name ['a b'].
func (p *parser) name() *Ident {
	t := p.tok()
	if t.kind == tIdent {
		p.next()
		return &Ident{Loc: Span{t.pos, t.end}, Name: t.val}
	}
	if p.isPunct("[") && p.peek(1).kind == tString && p.peek(2).kind == tPunct && p.peek(2).val == "]" {
		p.next()
		s := p.next()
		e := p.next()
		return &Ident{Loc: Span{t.pos, e.end}, Name: s.val, Quoted: true}
	}
	p.fail("expected a name, found %s", p.desc(t))
	return nil
}

func (p *parser) isName() bool {
	return p.tok().kind == tIdent || (p.isPunct("[") && p.peek(1).kind == tString && p.peek(2).kind == tPunct && p.peek(2).val == "]")
}

// isFuncLit looks ahead for "(params) {" or "view (params) {".
func (p *parser) isFuncLit() bool {
	k := 0
	if p.isKwExact("view") {
		k = 1
	}
	if t := p.peek(k); t.kind != tPunct || t.val != "(" {
		return false
	}
	depth := 0
	for j := k; ; j++ {
		t := p.peek(j)
		if t.kind == tEOF {
			return false
		}
		if t.kind == tPunct && t.val == "(" {
			depth++
		}
		if t.kind == tPunct && t.val == ")" {
			depth--
			if depth == 0 {
				n := p.peek(j + 1)
				return n.kind == tPunct && n.val == "{"
			}
		}
	}
}

func (p *parser) funcLit() *FuncLit {
	start := p.tok().pos
	f := &FuncLit{}
	if p.acceptKw("view") {
		f.View = true
	}
	p.expectPunct("(")
	for !p.isPunct(")") {
		f.Params = append(f.Params, p.param())
		if !p.acceptPunct(",") {
			break
		}
	}
	p.expectPunct(")")
	p.expectPunct("{")
	p.enter()
	f.Body = p.statements(true)
	p.leave()
	p.expectPunct("}")
	f.Loc = Span{start, p.prevEnd()}
	return f
}

// param parses name:type [= default]; type may be a tabular schema "(*)" or "(a:string, ...)".
func (p *parser) param() *Param {
	start := p.tok().pos
	n := p.name()
	prm := &Param{Name: n.Name}
	p.expectPunct(":")
	if p.isPunct("(") {
		s := p.next().pos
		depth := 1
		for depth > 0 {
			t := p.next()
			if t.kind == tEOF {
				p.fail("unterminated tabular parameter type")
			}
			if t.kind == tPunct && t.val == "(" {
				depth++
			} else if t.kind == tPunct && t.val == ")" {
				depth--
			}
		}
		prm.Type = strings.Join(strings.Fields(p.src[s:p.prevEnd()]), "")
	} else {
		prm.Type = strings.ToLower(p.expectIdent().val)
	}
	if p.acceptPunct("=") {
		prm.Default = p.expr()
	}
	prm.Loc = Span{start, p.prevEnd()}
	return prm
}

// pipeExpr parses a source expression followed by "| operator" segments.
func (p *parser) pipeExpr() Expr {
	p.enter()
	defer p.leave()
	start := p.tok().pos
	src := p.source()
	if !p.isPunct("|") {
		return src
	}
	pipe := &Pipe{Source: src}
	for p.acceptPunct("|") {
		pipe.Ops = append(pipe.Ops, p.operator())
	}
	pipe.Loc = Span{start, p.prevEnd()}
	return pipe
}

func (p *parser) source() Expr {
	start := p.tok().pos
	if p.tok().kind == tIdent && !(p.peek(1).kind == tPunct && (p.peek(1).val == "." || p.peek(1).val == "[") && p.adjacent(1)) {
		switch p.tok().val {
		case "datatable":
			if p.peek(1).kind == tPunct && p.peek(1).val == "(" {
				return p.datatable()
			}
		case "print":
			if p.peek(1).kind != tPunct || p.peek(1).val != "|" {
				p.next()
				pr := &PrintExpr{Cols: p.assignList()}
				pr.Loc = Span{start, p.prevEnd()}
				return pr
			}
		case "range":
			if p.peek(1).kind == tIdent && p.peek(2).kind == tIdent && p.peek(2).val == "from" {
				p.next()
				r := &RangeExpr{Col: p.name()}
				p.expectKw("from")
				r.From = p.expr()
				p.expectKw("to")
				r.To = p.expr()
				p.expectKw("step")
				r.Step = p.expr()
				r.Loc = Span{start, p.prevEnd()}
				return r
			}
		case "union":
			if p.peek(1).kind != tPunct || p.peek(1).val != "(" || true {
				p.next()
				params, tables := p.unionBody()
				return &UnionExpr{Loc: Span{start, p.prevEnd()}, Params: params, Tables: tables}
			}
		case "search":
			return p.searchSource(start)
		case "find":
			return p.findSource(start)
		}
	}
	return p.expr()
}

// searchSource parses search [kind=K] in (T1, T2, ...) "term" as the union of the tables
// with a $table column, piped into the search operator. A search over every table (no
// in clause) is refused: name the tables.
func (p *parser) searchSource(start int) Expr {
	p.next()
	kind := ""
	if p.isKw("kind") && p.peek(1).kind == tPunct && p.peek(1).val == "=" {
		p.next()
		p.next()
		kind = "kind=" + p.expectIdent().val + " "
	}
	if !p.acceptKw("in") {
		p.fail("search over every table is not supported; name the tables: search in (T1, T2) \"term\"")
	}
	tables := delimited(p, "(", ")", p.tableRef)
	ts := p.tok().pos
	p.expr() // the term: the search operator reads it from its text
	src := &UnionExpr{Loc: Span{start, p.prevEnd()}, Tables: tables,
		Params: []*NamedArg{{Loc: Span{start, start}, Name: "withsource", Value: &Ident{Loc: Span{start, start}, Name: "$table"}}}}
	op := &GenericOp{Loc: Span{ts, p.prevEnd()}, Name: "search", Raw: kind + p.src[ts:p.prevEnd()]}
	return &Pipe{Loc: Span{start, p.prevEnd()}, Source: src, Ops: []Operator{op}}
}

// findSource parses find [withsource=Name] in (T1, T2, ...) where Pred [project c1, c2, ...]
// as the union of the tables with a source column (source_ unless named), filtered by Pred
// and, with project, narrowed to the source column and the projected columns. Without
// project every column of the union is kept (Kusto's project-smart packs the others into
// pack_; that is not reproduced). A find over every table (no in clause) is refused.
func (p *parser) findSource(start int) Expr {
	p.next()
	source := "source_"
	if p.isKw("withsource") && p.peek(1).kind == tPunct && p.peek(1).val == "=" {
		p.next()
		p.next()
		source = p.expectIdent().val
	}
	if !p.acceptKw("in") {
		p.fail("find over every table is not supported; name the tables: find in (T1, T2) where ...")
	}
	tables := delimited(p, "(", ")", p.tableRef)
	ws := p.tok().pos
	p.expectKw("where")
	pred := p.expr()
	src := &UnionExpr{Loc: Span{start, p.prevEnd()}, Tables: tables,
		Params: []*NamedArg{{Loc: Span{start, start}, Name: "withsource", Value: &Ident{Loc: Span{start, start}, Name: source}}}}
	ops := []Operator{&WhereOp{Loc: Span{ws, p.prevEnd()}, Name: "where", Pred: pred}}
	if p.isKw("project") {
		ps := p.tok().pos
		p.next()
		items := append([]*Assign{{Loc: Span{ps, ps}, X: &Ident{Loc: Span{ps, ps}, Name: source}}}, p.assignList()...)
		ops = append(ops, &ProjectOp{Loc: Span{ps, p.prevEnd()}, Name: "project", Items: items})
	}
	return &Pipe{Loc: Span{start, p.prevEnd()}, Source: src, Ops: ops}
}

// delimited parses open item, item, ... close (a trailing comma allowed).
func delimited[T any](p *parser, open, close string, item func() T) []T {
	var out []T
	p.expectPunct(open)
	for !p.isPunct(close) {
		out = append(out, item())
		if !p.acceptPunct(",") {
			break
		}
	}
	p.expectPunct(close)
	return out
}

func (p *parser) datatable() *Datatable {
	start := p.next().pos
	d := &Datatable{}
	d.Cols = delimited(p, "(", ")", p.param)
	d.Values = delimited(p, "[", "]", p.expr)
	d.Loc = Span{start, p.prevEnd()}
	return d
}

// namedParams parses "name=value" options such as kind=inner, hint.strategy=shuffle,
// withsource=T, isfuzzy=true. It stops at the first token that is not such an option.
func (p *parser) namedParams(allowed func(string) bool) []*NamedArg {
	var out []*NamedArg
	for p.tok().kind == tIdent {
		start := p.tok().pos
		j := 1
		name := p.tok().val
		for p.peek(j).kind == tPunct && p.peek(j).val == "." && p.peek(j+1).kind == tIdent {
			name += "." + p.peek(j+1).val
			j += 2
		}
		if !(p.peek(j).kind == tPunct && p.peek(j).val == "=") || !allowed(strings.ToLower(name)) {
			break
		}
		p.i += j + 1
		var v Expr
		t := p.tok()
		if t.kind == tIdent && !(p.peek(1).kind == tPunct && p.peek(1).val == "." && p.adjacent(1)) {
			p.next()
			v = &Ident{Loc: Span{t.pos, t.end}, Name: t.val}
		} else {
			v = p.unary()
		}
		out = append(out, &NamedArg{Loc: Span{start, p.prevEnd()}, Name: name, Value: v})
	}
	return out
}

func isHint(n string) bool { return strings.HasPrefix(n, "hint.") }

func (p *parser) unionBody() ([]*NamedArg, []Expr) {
	params := p.namedParams(func(n string) bool {
		return n == "kind" || n == "withsource" || n == "isfuzzy" || isHint(n)
	})
	var tables []Expr
	for {
		tables = append(tables, p.tableRef())
		if !p.acceptPunct(",") {
			break
		}
	}
	return params, tables
}

// tableRef parses a table name, a wildcard (Security*), '*', a call or a parenthesised
// tabular expression.
func (p *parser) tableRef() Expr {
	t := p.tok()
	if p.isPunct("*") {
		p.next()
		return &Star{Loc: Span{t.pos, t.end}}
	}
	if t.kind == tIdent && p.peek(1).kind == tPunct && p.peek(1).val == "*" && p.adjacent(1) {
		p.next()
		e := p.next()
		pat := t.val + "*"
		for p.tok().pos == e.end && (p.tok().kind == tIdent || p.isPunct("*")) {
			e = p.next()
			pat += e.val
		}
		return &Wildcard{Loc: Span{t.pos, e.end}, Pattern: pat}
	}
	return p.postfix()
}

// operator parses one tabular operator after '|'.
func (p *parser) operator() Operator {
	start := p.tok().pos
	t := p.expectIdent()
	name := t.val
	for p.isPunct("-") && p.adjacent(0) && p.peek(1).kind == tIdent && p.adjacent(1) {
		p.next()
		name += "-" + p.next().val
	}
	span := func() Span { return Span{start, p.prevEnd()} }
	switch strings.ToLower(name) {
	case "where", "filter":
		pred := p.expr()
		return &WhereOp{Loc: span(), Name: name, Pred: pred}
	case "project", "extend", "project-rename":
		items := p.assignList()
		return &ProjectOp{Loc: span(), Name: name, Items: items}
	case "project-away", "project-keep", "project-reorder":
		op := &ProjectOp{Name: name}
		for {
			s := p.tok().pos
			var x Expr
			if p.isPunct("*") {
				tk := p.next()
				x = &Star{Loc: Span{tk.pos, tk.end}}
			} else if p.isName() && !(p.peek(1).kind == tPunct && p.peek(1).val == "*" && p.adjacent(1)) {
				x = p.name()
			} else {
				x = p.tableRef()
			}
			op.Items = append(op.Items, &Assign{Loc: Span{s, p.prevEnd()}, X: x})
			dir := ""
			if name == "project-reorder" {
				for _, d := range []string{"asc", "desc", "granny-asc", "granny-desc"} {
					if p.acceptKw(d) {
						dir = d
					}
				}
			}
			op.Dirs = append(op.Dirs, dir)
			if !p.acceptPunct(",") {
				break
			}
		}
		op.Loc = span()
		return op
	case "summarize":
		op := &SummarizeOp{}
		op.Hints = p.namedParams(isHint)
		if !p.isKw("by") {
			op.Aggs = p.assignList()
		}
		if p.acceptKw("by") {
			op.By = p.assignList()
		}
		op.Loc = span()
		return op
	case "count":
		op := &CountOp{}
		if p.acceptKw("as") {
			op.As = p.name().Name
		}
		op.Loc = span()
		return op
	case "take", "limit":
		n := p.expr()
		return &TakeOp{Loc: span(), Name: name, N: n}
	case "top":
		op := &TopOp{N: p.expr()}
		p.expectKw("by")
		op.Keys = p.sortKeys()
		op.Loc = span()
		return op
	case "sort", "order":
		p.expectKw("by")
		keys := p.sortKeys()
		return &SortOp{Loc: span(), Name: name, Keys: keys}
	case "distinct":
		op := &DistinctOp{}
		if p.isPunct("*") {
			tk := p.next()
			op.Cols = []Expr{&Star{Loc: Span{tk.pos, tk.end}}}
		} else {
			for {
				op.Cols = append(op.Cols, p.expr())
				if !p.acceptPunct(",") {
					break
				}
			}
		}
		op.Loc = span()
		return op
	case "join", "lookup":
		op := &JoinOp{Name: name}
		op.Params = p.namedParams(func(n string) bool { return n == "kind" || isHint(n) || n == "withsource" })
		op.Right = p.tableRef()
		if p.acceptKw("on") {
			for {
				op.On = append(op.On, p.expr())
				if !p.acceptPunct(",") {
					break
				}
			}
		}
		op.Loc = span()
		return op
	case "union":
		params, tables := p.unionBody()
		return &UnionOp{Loc: span(), Params: params, Tables: tables}
	case "as":
		op := &AsOp{}
		op.Params = p.namedParams(isHint)
		op.Name = p.name().Name
		op.Loc = span()
		return op
	case "mv-expand", "mvexpand":
		op := &MvExpandOp{Name: name}
		op.Params = p.namedParams(func(n string) bool {
			return n == "bagexpansion" || n == "with_itemindex" || n == "kind" || isHint(n)
		})
		op.Items = p.mvItems()
		if p.acceptKw("limit") {
			op.Limit = p.expr()
		}
		op.Loc = span()
		return op
	case "mv-apply":
		op := &MvApplyOp{}
		op.Params = p.namedParams(func(n string) bool { return n == "with_itemindex" || isHint(n) })
		op.Items = p.mvItems()
		p.expectKw("on")
		s := p.expectPunct("(").pos
		sub := &Pipe{}
		for {
			sub.Ops = append(sub.Ops, p.operator())
			if !p.acceptPunct("|") {
				break
			}
		}
		p.expectPunct(")")
		sub.Loc = Span{s, p.prevEnd()}
		op.Sub = sub
		op.Loc = span()
		return op
	case "parse", "parse-where":
		op := &ParseOp{Name: name}
		for _, a := range p.namedParams(func(n string) bool { return n == "kind" || n == "flags" }) {
			switch strings.ToLower(a.Name) {
			case "kind":
				op.Kind = ExprText(a.Value)
			case "flags":
				op.Flags = ExprText(a.Value)
			}
		}
		op.Source = p.expr()
		p.expectKw("with")
		for !p.isPunct("|") && !p.isPunct(";") && !p.isPunct(")") && !p.isPunct("}") && p.tok().kind != tEOF {
			s := p.tok().pos
			it := &ParseItem{}
			switch {
			case p.isPunct("*"):
				p.next()
				it.Star = true
			case p.tok().kind == tString:
				it.Lit = p.primary().(*Literal)
			case p.isName():
				it.Col = p.name()
				if p.acceptPunct(":") {
					it.Type = strings.ToLower(p.expectIdent().val)
				}
			default:
				p.fail("unexpected %s in parse pattern", p.desc(p.tok()))
			}
			it.Loc = Span{s, p.prevEnd()}
			op.Pattern = append(op.Pattern, it)
			p.acceptPunct(",")
		}
		op.Loc = span()
		return op
	case "make-series":
		op := &MakeSeriesOp{}
		for _, a := range p.namedParams(func(n string) bool { return n == "kind" || isHint(n) }) {
			if strings.EqualFold(a.Name, "kind") {
				op.Kind = ExprText(a.Value)
			}
		}
		for {
			s := p.tok().pos
			a := p.assign()
			sa := &SeriesAgg{Assign: a}
			if p.isKw("default") && p.peek(1).kind == tPunct && p.peek(1).val == "=" {
				p.next()
				p.next()
				sa.Default = p.expr()
			}
			sa.Loc = Span{s, p.prevEnd()}
			op.Aggs = append(op.Aggs, sa)
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectKw("on")
		p.noIn = true
		op.On = p.expr()
		p.noIn = false
		if p.isKw("in") && p.peek(1).kind == tIdent && p.peek(1).val == "range" {
			p.next()
			p.next()
			p.expectPunct("(")
			op.InRange = true
			op.From = p.expr()
			p.expectPunct(",")
			op.To = p.expr()
			p.expectPunct(",")
			op.Step = p.expr()
			p.expectPunct(")")
		} else {
			if p.acceptKw("from") {
				op.From = p.expr()
			}
			if p.acceptKw("to") {
				op.To = p.expr()
			}
			p.expectKw("step")
			op.Step = p.expr()
		}
		if p.acceptKw("by") {
			op.By = p.assignList()
		}
		op.Loc = span()
		return op
	case "serialize":
		op := &SerializeOp{}
		if !p.isPunct("|") && !p.isPunct(";") && !p.isPunct(")") && p.tok().kind != tEOF {
			op.Items = p.assignList()
		}
		op.Loc = span()
		return op
	case "evaluate":
		op := &EvaluateOp{}
		op.Params = p.namedParams(isHint)
		x := p.postfix()
		c, ok := x.(*Call)
		if !ok {
			p.fail("evaluate expects a plugin call")
		}
		op.Call = c
		if p.acceptPunct(":") {
			p.expectPunct("(")
			for !p.isPunct(")") {
				op.Schema = append(op.Schema, p.param())
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct(")")
		}
		op.Loc = span()
		return op
	case "invoke":
		x := p.postfix()
		c, ok := x.(*Call)
		if !ok {
			p.fail("invoke expects a function call")
		}
		return &InvokeOp{Loc: span(), Call: c}
	case "render":
		op := &RenderOp{Chart: p.expectIdent().val}
		if p.acceptKw("with") {
			p.expectPunct("(")
			for !p.isPunct(")") {
				s := p.tok().pos
				n := p.expectIdent().val
				p.expectPunct("=")
				var v Expr
				if p.tok().kind == tIdent && (p.peek(1).kind == tPunct && (p.peek(1).val == "," || p.peek(1).val == ")")) {
					t := p.next()
					v = &Ident{Loc: Span{t.pos, t.end}, Name: t.val}
				} else {
					v = p.expr()
				}
				op.With = append(op.With, &NamedArg{Loc: Span{s, p.prevEnd()}, Name: n, Value: v})
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct(")")
		}
		op.Loc = span()
		return op
	case "top-nested":
		op := &TopNestedOp{}
		for {
			s := p.tok().pos
			lv := &TopNestedLevel{}
			if !p.isKw("of") {
				lv.N = p.expr()
			}
			p.expectKw("of")
			lv.Of = p.assign()
			if p.isKw("with") {
				p.next()
				p.expectKw("others")
				p.expectPunct("=")
				lv.Others = p.expr()
			}
			p.expectKw("by")
			lv.By = p.assign()
			if p.acceptKw("asc") {
				lv.Dir = "asc"
			} else if p.acceptKw("desc") {
				lv.Dir = "desc"
			}
			lv.Loc = Span{s, p.prevEnd()}
			op.Levels = append(op.Levels, lv)
			if !(p.isPunct(",") && p.peek(1).kind == tIdent && p.peek(1).val == "top" && p.peek(2).kind == tPunct && p.peek(2).val == "-") {
				break
			}
			p.next()
			p.next()
			p.next()
			p.expectIdent() // nested
		}
		op.Loc = span()
		return op
	case "top-hitters", "sample", "sample-distinct", "getschema", "facet", "fork",
		"partition", "reduce", "scan", "consume", "project-smart", "make-graph", "graph-match",
		"extend-schema", "externaldata", "search", "find", "lookup-hint", "execute-and-cache":
		s := p.tok().pos
		depth := 0
		for {
			tk := p.tok()
			if tk.kind == tEOF {
				break
			}
			if tk.kind == tPunct {
				switch tk.val {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					if depth == 0 {
						goto done
					}
					depth--
				case "|", ";":
					if depth == 0 {
						goto done
					}
				}
			}
			p.next()
		}
	done:
		raw := ""
		if p.prevEnd() > s {
			raw = p.src[s:p.prevEnd()]
		}
		return &GenericOp{Loc: span(), Name: name, Raw: raw}
	}
	p.i--
	for p.toks[p.i].pos > start {
		p.i--
	}
	p.fail("unknown tabular operator %q", name)
	return nil
}

func (p *parser) mvItems() []*MvItem {
	var items []*MvItem
	for {
		s := p.tok().pos
		it := &MvItem{Assign: p.assign()}
		if p.acceptKw("to") {
			p.expectKw("typeof")
			p.expectPunct("(")
			it.Type = strings.ToLower(p.expectIdent().val)
			p.expectPunct(")")
		}
		it.Loc = Span{s, p.prevEnd()}
		items = append(items, it)
		if !p.acceptPunct(",") {
			break
		}
	}
	return items
}

// ExprText is the text of a name or the value of a string literal (the option values of
// operators such as kind=inner), or "" for other expressions.
func ExprText(e Expr) string {
	switch x := e.(type) {
	case *Ident:
		return x.Name
	case *Literal:
		if s, ok := x.Value.(string); ok {
			return s
		}
		return x.Text
	}
	return ""
}

func (p *parser) sortKeys() []*SortKey {
	var keys []*SortKey
	for {
		s := p.tok().pos
		k := &SortKey{X: p.expr()}
		if p.acceptKw("asc") {
			k.Dir, k.Asc = "asc", true
		} else if p.acceptKw("desc") {
			k.Dir = "desc"
		}
		if p.isKw("nulls") {
			p.next()
			if p.acceptKw("first") {
				k.Nulls = "first"
			} else {
				p.expectKw("last")
				k.Nulls = "last"
			}
		}
		k.Loc = Span{s, p.prevEnd()}
		keys = append(keys, k)
		if !p.acceptPunct(",") {
			break
		}
	}
	return keys
}

func (p *parser) assignList() []*Assign {
	var out []*Assign
	for {
		out = append(out, p.assign())
		if !p.acceptPunct(",") {
			break
		}
	}
	return out
}

// assign parses [name =] expr or (a, b) = expr.
func (p *parser) assign() *Assign {
	start := p.tok().pos
	a := &Assign{}
	if p.isName() {
		save := p.i
		n := p.name()
		if p.isPunct("=") {
			p.next()
			a.Names = []*Ident{n}
			a.X = p.expr()
			a.Loc = Span{start, p.prevEnd()}
			return a
		}
		p.i = save
	}
	if p.isPunct("(") {
		// (a, b) = expr
		save := p.i
		p.next()
		var names []*Ident
		ok := true
		for {
			if !p.isName() {
				ok = false
				break
			}
			names = append(names, p.name())
			if !p.acceptPunct(",") {
				break
			}
		}
		if ok && p.acceptPunct(")") && p.isPunct("=") {
			p.next()
			a.Names = names
			a.X = p.expr()
			a.Loc = Span{start, p.prevEnd()}
			return a
		}
		p.i = save
	}
	a.X = p.expr()
	a.Loc = Span{start, p.prevEnd()}
	return a
}

// ---- scalar expressions ----

func (p *parser) expr() Expr {
	p.enter()
	defer p.leave()
	return p.or()
}

func (p *parser) or() Expr {
	l := p.and()
	for p.isKwExact("or") {
		p.next()
		r := p.and()
		l = &Binary{Loc: Span{l.Span().Pos, r.Span().End}, Op: "or", L: l, R: r}
	}
	return l
}

func (p *parser) and() Expr {
	l := p.compare()
	for p.isKwExact("and") {
		p.next()
		r := p.compare()
		l = &Binary{Loc: Span{l.Span().Pos, r.Span().End}, Op: "and", L: l, R: r}
	}
	return l
}

// stringOps are the word operators, all case-insensitive names in canonical lower case.
var stringOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"contains": true, "contains_cs": true, "startswith": true, "startswith_cs": true,
	"endswith": true, "endswith_cs": true, "like": true, "containscs": true, "notcontains": true,
	"notcontainscs": true, "notlike": true, "nothas": true,
}

// compOp returns the operator at the cursor (and how many tokens it spans), or "".
func (p *parser) compOp() (string, int) {
	t := p.tok()
	if t.kind == tPunct {
		switch t.val {
		case "==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~":
			return t.val, 1
		case "!":
			n := p.peek(1)
			if n.kind == tIdent && p.adjacent(1) {
				w := strings.ToLower(n.val)
				if w == "in" {
					if m := p.peek(2); m.kind == tPunct && m.val == "~" && p.adjacent(2) {
						return "!in~", 3
					}
					return "!in", 2
				}
				if stringOps[w] || w == "between" {
					return "!" + w, 2
				}
			}
		}
		return "", 0
	}
	if t.kind != tIdent {
		return "", 0
	}
	w := t.val
	switch w {
	case "in":
		if p.noIn {
			return "", 0
		}
		if m := p.peek(1); m.kind == tPunct && m.val == "~" && p.adjacent(1) {
			return "in~", 2
		}
		return "in", 1
	case "has_any", "has_all", "between", "notbetween", "notin":
		return w, 1
	case "matches":
		if n := p.peek(1); n.kind == tIdent && n.val == "regex" {
			return "matches regex", 2
		}
	}
	if stringOps[w] {
		return w, 1
	}
	return "", 0
}

func (p *parser) compare() Expr {
	l := p.additive()
	for {
		op, n := p.compOp()
		if op == "" {
			return l
		}
		p.i += n
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all", "notin":
			if op == "notin" {
				op = "!in"
			}
			p.expectPunct("(")
			var list []Expr
			for !p.isPunct(")") {
				list = append(list, p.pipeExpr())
				if !p.acceptPunct(",") {
					break
				}
			}
			end := p.expectPunct(")").end
			l = &InExpr{Loc: Span{l.Span().Pos, end}, Op: op, L: l, List: list}
		case "between", "!between", "notbetween":
			p.expectPunct("(")
			lo := p.additive()
			p.expectPunct("..")
			hi := p.additive()
			end := p.expectPunct(")").end
			l = &BetweenExpr{Loc: Span{l.Span().Pos, end}, Not: op != "between", L: l, Lo: lo, Hi: hi}
		default:
			switch op {
			case "<>":
				op = "!="
			case "containscs":
				op = "contains_cs"
			case "notcontains":
				op = "!contains"
			case "notcontainscs":
				op = "!contains_cs"
			case "nothas":
				op = "!has"
			case "notlike":
				op = "!like"
			}
			r := p.additive()
			l = &Binary{Loc: Span{l.Span().Pos, r.Span().End}, Op: op, L: l, R: r}
		}
	}
}

func (p *parser) additive() Expr {
	l := p.multiplicative()
	for p.isPunct("+") || p.isPunct("-") {
		op := p.next().val
		r := p.multiplicative()
		l = &Binary{Loc: Span{l.Span().Pos, r.Span().End}, Op: op, L: l, R: r}
	}
	return l
}

func (p *parser) multiplicative() Expr {
	l := p.unary()
	for p.isPunct("*") || p.isPunct("/") || p.isPunct("%") {
		// "*" right before ")" or "," is a star argument, not multiplication
		if p.isPunct("*") && (p.peek(1).kind == tEOF || p.peek(1).kind == tPunct && (p.peek(1).val == ")" || p.peek(1).val == ",")) {
			return l
		}
		op := p.next().val
		r := p.unary()
		l = &Binary{Loc: Span{l.Span().Pos, r.Span().End}, Op: op, L: l, R: r}
	}
	return l
}

func (p *parser) unary() Expr {
	if p.isPunct("-") || p.isPunct("+") {
		t := p.next()
		p.enter()
		x := p.unary()
		p.leave()
		return &Unary{Loc: Span{t.pos, x.Span().End}, Op: t.val, X: x}
	}
	return p.postfix()
}

func (p *parser) postfix() Expr {
	x := p.primary()
	for {
		switch {
		case p.isPunct(".") && (p.peek(1).kind == tIdent || p.peek(1).kind == tInt):
			p.next()
			t := p.next()
			x = &Member{Loc: Span{x.Span().Pos, t.end}, X: x, Name: &Ident{Loc: Span{t.pos, t.end}, Name: t.val}}
		case p.isPunct(".") && p.peek(1).kind == tPunct && p.peek(1).val == "[":
			p.next()
			p.next()
			idx := p.expr()
			end := p.expectPunct("]").end
			x = &IndexExpr{Loc: Span{x.Span().Pos, end}, X: x, Index: idx}
		case p.isPunct("["):
			p.next()
			idx := p.expr()
			end := p.expectPunct("]").end
			x = &IndexExpr{Loc: Span{x.Span().Pos, end}, X: x, Index: idx}
		default:
			return x
		}
	}
}

// literalFuncs take raw text between their parentheses.
var rawLiteralFuncs = map[string]bool{"datetime": true, "timespan": true, "time": true, "guid": true}

var typedLiteralFuncs = map[string]LitKind{
	"int": LitInt, "long": LitLong, "real": LitReal, "double": LitReal, "bool": LitBool, "boolean": LitBool,
	"decimal": LitDecimal, "string": LitString,
}

func (p *parser) primary() Expr {
	t := p.tok()
	switch t.kind {
	case tString:
		p.next()
		val := t.val
		end := t.end
		text := t.raw
		for p.tok().kind == tString { // adjacent literals concatenate
			n := p.next()
			val += n.val
			text += " " + n.raw
			end = n.end
		}
		return &Literal{Loc: Span{t.pos, end}, Kind: LitString, Value: val, Text: text}
	case tInt:
		p.next()
		v, err := parseIntLit(t.val)
		if err != nil {
			panic(bailout{newError(p.src, t.pos, nil, "invalid number %q", t.val)})
		}
		return &Literal{Loc: Span{t.pos, t.end}, Kind: LitLong, Value: v, Text: t.raw}
	case tReal:
		p.next()
		v, err := strconv.ParseFloat(t.val, 64)
		if err != nil {
			panic(bailout{newError(p.src, t.pos, nil, "invalid number %q", t.val)})
		}
		return &Literal{Loc: Span{t.pos, t.end}, Kind: LitReal, Value: v, Text: t.raw}
	case tTimespan:
		p.next()
		d, err := parseTimespanLit(t.val)
		if err != nil {
			panic(bailout{newError(p.src, t.pos, nil, "%v", err)})
		}
		return &Literal{Loc: Span{t.pos, t.end}, Kind: LitTimespan, Value: d, Text: t.raw}
	case tPunct:
		switch t.val {
		case "(":
			p.next()
			x := p.pipeExpr()
			end := p.expectPunct(")").end
			return &Paren{Loc: Span{t.pos, end}, X: x}
		case "[":
			if p.peek(1).kind == tString {
				return p.name()
			}
		case "*":
			p.next()
			return &Star{Loc: Span{t.pos, t.end}}
		}
		p.fail("unexpected %s", p.desc(t))
	case tIdent:
		lw := strings.ToLower(t.val)
		if n := p.peek(1); n.kind == tPunct && n.val == "(" {
			if rawLiteralFuncs[lw] {
				return p.rawLiteral(lw)
			}
			if lw == "dynamic" {
				return p.dynamicLiteral()
			}
			if lw == "externaldata" {
				return p.externalData()
			}
			if k, ok := typedLiteralFuncs[lw]; ok && p.isTypedLiteral() {
				return p.typedLiteral(k)
			}
			return p.call()
		}
		switch t.val {
		case "true", "false", "True", "False", "TRUE", "FALSE":
			p.next()
			return &Literal{Loc: Span{t.pos, t.end}, Kind: LitBool, Value: lw == "true", Text: t.val}
		}
		p.next()
		return &Ident{Loc: Span{t.pos, t.end}, Name: t.val}
	}
	p.fail("unexpected %s", p.desc(t))
	return nil
}

// deprecatedAliases maps the deprecated function names of the Kusto documentation to the
// current ones, which the tree (and so the printer and the compiler) uses.
var deprecatedAliases = map[string]string{"argmax": "arg_max", "argmin": "arg_min", "extractall": "extract_all"}

func (p *parser) call() Expr {
	t := p.next()
	fn := &Ident{Loc: Span{t.pos, t.end}, Name: t.val}
	if n, ok := deprecatedAliases[t.val]; ok {
		fn.Name = n
	}
	p.expectPunct("(")
	c := &Call{Fn: fn}
	for !p.isPunct(")") {
		s := p.tok().pos
		if p.tok().kind == tIdent && p.peek(1).kind == tPunct && p.peek(1).val == "=" {
			n := p.next().val
			p.next()
			v := p.pipeExpr()
			c.Args = append(c.Args, &NamedArg{Loc: Span{s, p.prevEnd()}, Name: n, Value: v})
		} else {
			c.Args = append(c.Args, p.pipeExpr())
		}
		if !p.acceptPunct(",") {
			break
		}
	}
	c.Loc = Span{t.pos, p.expectPunct(")").end}
	return c
}

// isTypedLiteral reports whether int(...)/real(...)/bool(...) at the cursor is a literal
// (a number, true/false, null, nan, inf) rather than a conversion call.
func (p *parser) isTypedLiteral() bool {
	j := 2
	if t := p.peek(j); t.kind == tPunct && (t.val == "-" || t.val == "+") {
		j++
	}
	t := p.peek(j)
	closeTok := p.peek(j + 1)
	if closeTok.kind != tPunct || closeTok.val != ")" {
		return false
	}
	switch t.kind {
	case tInt, tReal:
		return true
	case tIdent:
		switch strings.ToLower(t.val) {
		case "null", "true", "false", "nan", "inf":
			return true
		}
	}
	return false
}

func (p *parser) typedLiteral(k LitKind) Expr {
	start := p.next().pos
	p.expectPunct("(")
	neg := false
	if p.isPunct("-") || p.isPunct("+") {
		neg = p.next().val == "-"
	}
	t := p.next()
	end := p.expectPunct(")").end
	text := p.src[start:end]
	lit := &Literal{Loc: Span{start, end}, Kind: k, Text: text}
	lw := strings.ToLower(t.val)
	if lw == "null" {
		lit.Null = true
		return lit
	}
	switch k {
	case LitBool:
		switch {
		case lw == "true":
			lit.Value = true
		case lw == "false":
			lit.Value = false
		case t.kind == tInt:
			lit.Value = t.val != "0"
		default:
			panic(bailout{newError(p.src, t.pos, nil, "invalid bool literal")})
		}
	case LitInt, LitLong:
		v, err := parseIntLit(t.val)
		if err != nil || t.kind != tInt {
			panic(bailout{newError(p.src, t.pos, nil, "invalid %s literal %q", strings.ToLower(p.src[start:start+4]), t.val)})
		}
		if neg {
			v = -v
		}
		lit.Value = v
	case LitReal, LitDecimal:
		var v float64
		switch lw {
		case "nan":
			v = math.NaN()
		case "inf":
			v = math.Inf(1)
		default:
			f, err := strconv.ParseFloat(t.val, 64)
			if err != nil {
				panic(bailout{newError(p.src, t.pos, nil, "invalid real literal %q", t.val)})
			}
			v = f
		}
		if neg {
			v = -v
		}
		lit.Value = v
	default:
		panic(bailout{newError(p.src, t.pos, nil, "invalid literal")})
	}
	return lit
}

// rawLiteral parses datetime(...), timespan(...), time(...), guid(...) whose contents are
// raw text.
func (p *parser) rawLiteral(kind string) Expr {
	start := p.next().pos
	open := p.expectPunct("(")
	depth := 1
	for depth > 0 {
		t := p.next()
		if t.kind == tEOF {
			panic(bailout{newError(p.src, open.pos, nil, "unterminated %s literal", kind)})
		}
		if t.kind == tPunct && t.val == "(" {
			depth++
		} else if t.kind == tPunct && t.val == ")" {
			depth--
		}
	}
	end := p.prevEnd()
	inner := strings.TrimSpace(p.src[open.end : end-1])
	if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
		inner = inner[1 : len(inner)-1]
	}
	text := p.src[start:end]
	lit := &Literal{Loc: Span{start, end}, Text: text}
	if strings.EqualFold(inner, "null") {
		lit.Null = true
	}
	switch kind {
	case "datetime":
		lit.Kind = LitDatetime
		if !lit.Null {
			tm, err := ParseDatetime(inner)
			if err != nil {
				panic(bailout{newError(p.src, open.end, nil, "invalid datetime literal %q", inner)})
			}
			lit.Value = tm
		}
	case "timespan", "time":
		lit.Kind = LitTimespan
		if !lit.Null {
			d, err := ParseTimespan(inner)
			if err != nil {
				panic(bailout{newError(p.src, open.end, nil, "invalid timespan literal %q", inner)})
			}
			lit.Value = d
		}
	case "guid":
		lit.Kind = LitGuid
		lit.Value = strings.ToLower(inner)
	}
	return lit
}

// dynamicLiteral parses dynamic(json-like value).
func (p *parser) dynamicLiteral() Expr {
	start := p.next().pos
	p.expectPunct("(")
	var v any
	if !p.isPunct(")") {
		v = p.dynValue()
	}
	end := p.expectPunct(")").end
	return &Literal{Loc: Span{start, end}, Kind: LitDynamic, Value: v, Text: p.src[start:end]}
}

func (p *parser) dynValue() any {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch {
	case p.isPunct("["):
		p.next()
		arr := []any{}
		for !p.isPunct("]") {
			arr = append(arr, p.dynValue())
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct("]")
		return arr
	case p.isPunct("{"):
		p.next()
		obj := map[string]any{}
		for !p.isPunct("}") {
			k := p.tok()
			if k.kind != tString && k.kind != tIdent {
				p.fail("expected a property name in dynamic literal, found %s", p.desc(k))
			}
			p.next()
			p.expectPunct(":")
			obj[k.val] = p.dynValue()
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct("}")
		return obj
	case p.isPunct("-"):
		p.next()
		switch x := p.dynValue().(type) {
		case int64:
			return -x
		case float64:
			return -x
		}
		p.fail("invalid negative value in dynamic literal")
	case t.kind == tString:
		p.next()
		v := t.val
		for p.tok().kind == tString {
			v += p.next().val
		}
		return v
	case t.kind == tInt:
		p.next()
		v, err := parseIntLit(t.val)
		if err != nil {
			p.fail("invalid number")
		}
		return v
	case t.kind == tReal:
		p.next()
		f, _ := strconv.ParseFloat(t.val, 64)
		return f
	case t.kind == tTimespan:
		p.next()
		d, err := parseTimespanLit(t.val)
		if err != nil {
			p.fail("%v", err)
		}
		return frame.FormatTimespan(d)
	case t.kind == tIdent:
		switch strings.ToLower(t.val) {
		case "null":
			p.next()
			return nil
		case "true":
			p.next()
			return true
		case "false":
			p.next()
			return false
		case "datetime", "timespan", "time", "guid":
			lit := p.rawLiteral(strings.ToLower(t.val)).(*Literal)
			switch v := lit.Value.(type) {
			case time.Time:
				return v.UTC().Format("2006-01-02T15:04:05.0000000Z")
			case time.Duration:
				return frame.FormatTimespan(v)
			default:
				return v
			}
		}
	}
	p.fail("unexpected %s in dynamic literal", p.desc(t))
	return nil
}

func parseIntLit(s string) (int64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseTimespanLit parses a number with a unit suffix: 1d, 2.5h, 30m, 100ms, 1tick.
func parseTimespanLit(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.ToLower(s[i:])
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid timespan %q", s)
	}
	var u time.Duration
	switch unit {
	case "d", "day", "days":
		u = 24 * time.Hour
	case "h", "hour", "hours", "hr", "hrs":
		u = time.Hour
	case "m", "min", "minute", "minutes":
		u = time.Minute
	case "s", "sec", "second", "seconds":
		u = time.Second
	case "ms", "milli", "millis", "millisecond", "milliseconds":
		u = time.Millisecond
	case "microsecond", "microseconds", "micros":
		u = time.Microsecond
	case "tick", "ticks":
		u = 100 * time.Nanosecond
	case "nanosecond", "nanoseconds":
		u = time.Nanosecond
	default:
		return 0, fmt.Errorf("invalid timespan unit in %q", s)
	}
	return time.Duration(math.Round(f * float64(u))), nil
}

// ParseTimespan parses the text accepted by timespan(...): a unit literal (2h), or
// [-][d.]hh:mm[:ss[.fffffff]], or a number of days.
func ParseTimespan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty timespan")
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = strings.TrimSpace(s[1:])
		if s == "" {
			return 0, fmt.Errorf("invalid timespan %q: a sign needs a value", "-")
		}
	}
	var d time.Duration
	if strings.Contains(s, ":") {
		days := 0.0
		rest := s
		if i := strings.Index(s, "."); i >= 0 && i < strings.Index(s, ":") {
			v, err := strconv.ParseFloat(s[:i], 64)
			if err != nil {
				return 0, fmt.Errorf("invalid timespan %q", s)
			}
			days, rest = v, s[i+1:]
		}
		parts := strings.Split(rest, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, fmt.Errorf("invalid timespan %q", s)
		}
		h, err1 := strconv.Atoi(parts[0])
		m, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("invalid timespan %q", s)
		}
		sec := 0.0
		if len(parts) == 3 {
			v, err := strconv.ParseFloat(parts[2], 64)
			if err != nil {
				return 0, fmt.Errorf("invalid timespan %q", s)
			}
			sec = v
		}
		d = time.Duration(days*24*float64(time.Hour)) + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second))
	} else if isDigit(s[len(s)-1]) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid timespan %q", s)
		}
		d = time.Duration(v * 24 * float64(time.Hour))
	} else {
		v, err := parseTimespanLit(s)
		if err != nil {
			return 0, err
		}
		d = v
	}
	if neg {
		d = -d
	}
	return d, nil
}

var datetimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006-01",
	"2006/01/02 15:04:05.999999999",
	"2006/01/02 15:04",
	"2006/01/02",
	"01/02/2006 15:04:05.999999999",
	"01/02/2006 15:04",
	"01/02/2006",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 15:04:05",
	"1/2/2006",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 MST",
	"Jan 2 2006 15:04:05",
	"20060102",
	"20060102T150405",
}

// ParseDatetime parses the datetime text forms Kusto accepts (ISO 8601 with or without a
// zone, RFC 822/1123, a few common US forms). The result is UTC.
func ParseDatetime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range datetimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid datetime %q", s)
}

// JSONText renders a dynamic value as compact JSON.
func JSONText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// externalData parses externaldata(schema)[uris] [with (props)].
func (p *parser) externalData() Expr {
	start := p.next().pos
	x := &ExternalData{}
	x.Cols = delimited(p, "(", ")", p.param)
	x.URIs = delimited(p, "[", "]", p.expr)
	if p.acceptKw("with") {
		p.expectPunct("(")
		for !p.isPunct(")") {
			s := p.tok().pos
			n := p.expectIdent().val
			p.expectPunct("=")
			v := p.expr()
			x.With = append(x.With, &NamedArg{Loc: Span{s, p.prevEnd()}, Name: n, Value: v})
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct(")")
	}
	x.Loc = Span{start, p.prevEnd()}
	return x
}
