package syntax

// Span is a half-open byte range [Pos, End) of the query text.
type Span struct{ Pos, End int }

// Node is any AST node; every node knows its source span.
type Node interface{ Span() Span }

// Span returns the node's byte range.
func (s Span) Span() Span { return s }

// Query is a parsed KQL query: zero or more let/set/declare statements followed by
// tabular expression statements, separated by semicolons.
type Query struct {
	Loc
	Stmts []Stmt
	Src   string // the original text
}

// Stmt is a query statement.
type Stmt interface {
	Node
	stmt()
}

// LetStmt binds a name to a scalar, tabular or function value: let Name = Value.
type LetStmt struct {
	Loc
	Name  *Ident
	Value Expr // a *FuncLit for user functions
}

// SetStmt is a query option: set name [= value].
type SetStmt struct {
	Loc
	Name  string
	Value Expr // may be nil
}

// DeclareStmt declares query parameters: declare query_parameters(name:type [= default], ...).
type DeclareStmt struct {
	Loc
	Params []*Param
}

// ExprStmt is a tabular (or scalar) expression statement.
type ExprStmt struct {
	Loc
	X Expr
}

func (*LetStmt) stmt()     {}
func (*SetStmt) stmt()     {}
func (*DeclareStmt) stmt() {}
func (*ExprStmt) stmt()    {}

// Expr is a scalar or tabular expression.
type Expr interface {
	Node
	expr()
}

// Compiled carries a value that a later stage already computed for an expression (the
// compiler's SQL) back into an AST position; the parser never produces it and the
// printer prints nothing for it.
type Compiled struct {
	Loc
	Value any
}

func (*Compiled) expr() {}

// Ident is a name: a column, table, let binding or function. Bracketed names ['a b'] set
// Quoted.
type Ident struct {
	Loc
	Name   string
	Quoted bool
}

// LitKind classifies literals.
type LitKind int

// Literal kinds.
const (
	LitNull LitKind = iota
	LitString
	LitLong
	LitInt
	LitReal
	LitBool
	LitDatetime
	LitTimespan
	LitGuid
	LitDynamic
	LitDecimal
)

// Literal is a constant. Text is the literal's KQL spelling (for the printer); Value holds the
// decoded value: string, int64, float64, bool, time.Time, time.Duration or, for dynamic, the
// decoded JSON value (nil, bool, float64, int64, string, []any, map[string]any).
type Literal struct {
	Loc
	Kind  LitKind
	Value any
	Text  string
	Null  bool // typed null such as int(null)
}

// Star is "*" in project-away patterns, arg_max(x, *), count(*) or union *.
type Star struct{ Loc }

// Wildcard is a name pattern with '*' such as Security* or Acc*.
type Wildcard struct {
	Loc
	Pattern string
}

// Unary is a prefix operator: -x, +x.
type Unary struct {
	Loc
	Op string
	X  Expr
}

// Binary is an infix operator: arithmetic, comparison, logical or a string operator such as
// has, contains, startswith, matches regex (Op holds the canonical spelling, e.g. "!has").
type Binary struct {
	Loc
	Op   string
	L, R Expr
}

// InExpr is L in (list) with Op one of in, !in, in~, !in~, has_any, has_all.
type InExpr struct {
	Loc
	Op   string
	L    Expr
	List []Expr // a single tabular expression, a dynamic array or scalars
}

// BetweenExpr is L between (Lo .. Hi) or L !between (Lo .. Hi).
type BetweenExpr struct {
	Loc
	Not    bool
	L      Expr
	Lo, Hi Expr
}

// Call is a function call: name(args). Args may include *Star and *NamedArg.
type Call struct {
	Loc
	Fn   *Ident
	Args []Expr
}

// NamedArg is name = value inside a call's argument list (used by a few plugins).
type NamedArg struct {
	Loc
	Name  string
	Value Expr
}

// Member is X.Name: dynamic property access (or $left.col / $right.col, or table.column).
type Member struct {
	Loc
	X    Expr
	Name *Ident
}

// IndexExpr is X[Index]: dynamic property or array element access.
type IndexExpr struct {
	Loc
	X     Expr
	Index Expr
}

// Paren is a parenthesised expression (kept so the printer round-trips).
type Paren struct {
	Loc
	X Expr
}

// FuncLit is a user function: (params) { body } or view (params) { body }.
type FuncLit struct {
	Loc
	View   bool
	Params []*Param
	Body   *Query // let statements followed by one expression statement
}

// Param is a typed function or query parameter with an optional default. A tabular parameter
// has Type "(*)" or a column list like "(a:string)".
type Param struct {
	Loc
	Name    string
	Type    string
	Default Expr
}

// Pipe is Source | Op | Op ...: a tabular expression.
type Pipe struct {
	Loc
	Source Expr
	Ops    []Operator
}

// Datatable is datatable(col:type, ...)[values...].
type Datatable struct {
	Loc
	Cols   []*Param
	Values []Expr
}

// PrintExpr is print [name =] expr, ...
type PrintExpr struct {
	Loc
	Cols []*Assign
}

// RangeExpr is range Col from A to B step S.
type RangeExpr struct {
	Loc
	Col            *Ident
	From, To, Step Expr
}

// UnionExpr is union [kind=...] [withsource=Col] [isfuzzy=true] T1, T2 ... as a source
// (it also appears as an operator, see UnionOp).
type UnionExpr struct {
	Loc
	Params []*NamedArg
	Tables []Expr
}

// ExternalData is externaldata(schema)[uris] with (props): data read from URLs.
type ExternalData struct {
	Loc
	Cols []*Param
	URIs []Expr
	With []*NamedArg
}

func (*ExternalData) expr() {}
func (*Ident) expr()        {}
func (*Literal) expr()      {}
func (*Star) expr()         {}
func (*Wildcard) expr()     {}
func (*Unary) expr()        {}
func (*Binary) expr()       {}
func (*InExpr) expr()       {}
func (*BetweenExpr) expr()  {}
func (*Call) expr()         {}
func (*NamedArg) expr()     {}
func (*Member) expr()       {}
func (*IndexExpr) expr()    {}
func (*Paren) expr()        {}
func (*FuncLit) expr()      {}
func (*Pipe) expr()         {}
func (*Datatable) expr()    {}
func (*PrintExpr) expr()    {}
func (*RangeExpr) expr()    {}
func (*UnionExpr) expr()    {}

// Assign is [Names =] X in project, extend, summarize and similar lists. Multiple names come
// from (a, b) = f(...).
type Assign struct {
	Loc
	Names []*Ident
	X     Expr
}

// SortKey is an expression with a direction and null ordering for sort/top.
type SortKey struct {
	Loc
	X     Expr
	Asc   bool   // default for sort is desc
	Dir   string // "asc", "desc" or "" (not written)
	Nulls string // "first", "last" or ""
}

// Operator is a tabular operator after a pipe.
type Operator interface {
	Node
	OpName() string
}

// WhereOp is where/filter Pred.
type WhereOp struct {
	Loc
	Name string // "where" or "filter"
	Pred Expr
}

// ProjectOp covers project, project-away, project-keep, project-rename, project-reorder
// and extend. For project-away/keep/reorder the items are names or wildcards; for
// project-rename they are new = old.
type ProjectOp struct {
	Loc
	Name  string
	Items []*Assign
	Dirs  []string // project-reorder: "asc"/"desc"/"" per item
}

// SummarizeOp is summarize [hints] aggs [by keys].
type SummarizeOp struct {
	Loc
	Hints []*NamedArg
	Aggs  []*Assign
	By    []*Assign
}

// CountOp is count [as Name].
type CountOp struct {
	Loc
	As string
}

// TakeOp is take/limit N.
type TakeOp struct {
	Loc
	Name string
	N    Expr
}

// TopOp is top N by keys.
type TopOp struct {
	Loc
	N    Expr
	Keys []*SortKey
}

// SortOp is sort/order by keys.
type SortOp struct {
	Loc
	Name string
	Keys []*SortKey
}

// DistinctOp is distinct cols or distinct *.
type DistinctOp struct {
	Loc
	Cols []Expr
}

// JoinOp is join/lookup [kind=...] Right on keys.
type JoinOp struct {
	Loc
	Name   string // "join" or "lookup"
	Params []*NamedArg
	Right  Expr
	On     []Expr
}

// UnionOp is union [params] tables, appended to the pipe input.
type UnionOp struct {
	Loc
	Params []*NamedArg
	Tables []Expr
}

// AsOp is as [hint.materialized=true] Name.
type AsOp struct {
	Loc
	Params []*NamedArg
	Name   string
}

// MvExpandOp is mv-expand [bagexpansion=...] [with_itemindex=I] Col [to typeof(T)], ... [limit N].
type MvExpandOp struct {
	Loc
	Name   string // "mv-expand" or "mvexpand"
	Params []*NamedArg
	Items  []*MvItem
	Limit  Expr
}

// MvItem is one expanded column with an optional target type.
type MvItem struct {
	Loc
	Assign *Assign
	Type   string
}

// ParseOp is parse [kind=simple|regex|relaxed [flags=...]] Source with pattern.
type ParseOp struct {
	Loc
	Name    string // "parse" or "parse-where"
	Kind    string
	Flags   string
	Source  Expr
	Pattern []*ParseItem
}

// ParseItem is a string literal, a column (with optional type) or '*' in a parse pattern.
type ParseItem struct {
	Loc
	Lit  *Literal // string piece
	Col  *Ident   // column to extract
	Type string   // column type, "" for string
	Star bool
}

// MakeSeriesOp is make-series aggs on Axis [from A] [to B] step S [by keys], or with
// "in range(A, B, S)".
type MakeSeriesOp struct {
	Loc
	Kind           string
	Aggs           []*SeriesAgg
	On             Expr
	From, To, Step Expr
	InRange        bool
	By             []*Assign
}

// SeriesAgg is one make-series aggregate with an optional default.
type SeriesAgg struct {
	Loc
	Assign  *Assign
	Default Expr
}

// SerializeOp is serialize [name = expr, ...].
type SerializeOp struct {
	Loc
	Items []*Assign
}

// EvaluateOp is evaluate [hints] plugin(args) [: (schema)].
type EvaluateOp struct {
	Loc
	Params []*NamedArg
	Call   *Call
	Schema []*Param // explicit output schema, if written
}

// InvokeOp is invoke function(args).
type InvokeOp struct {
	Loc
	Call *Call
}

// RenderOp is render chart [with (props)]; it does not change data.
type RenderOp struct {
	Loc
	Chart string
	With  []*NamedArg
}

// MvApplyOp is mv-apply items on (subquery).
type MvApplyOp struct {
	Loc
	Params []*NamedArg
	Items  []*MvItem
	Sub    *Pipe // the subquery operators (Source is nil)
}

// TopNestedOp is top-nested N of Col by Agg [asc|desc], top-nested ...
type TopNestedOp struct {
	Loc
	Levels []*TopNestedLevel
}

// TopNestedLevel is one "top-nested" clause.
type TopNestedLevel struct {
	Loc
	N      Expr // nil: all values
	Of     *Assign
	Others Expr // with others = value, or nil
	By     *Assign
	Dir    string
}

// OpName returns "top-nested".

// OpName returns the operator name.
func (*TopNestedOp) OpName() string { return "top-nested" }

// GenericOp is an operator the parser recognises by name but keeps as raw text (for example
// top-nested, sample, getschema, facet, fork). The compiler reports it as unsupported.
type GenericOp struct {
	Loc
	Name string
	Raw  string // the operator's text after its name, verbatim
}

// OpName returns the operator name.
func (o *WhereOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (o *ProjectOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (*SummarizeOp) OpName() string { return "summarize" }

// OpName returns the operator name.
func (*CountOp) OpName() string { return "count" }

// OpName returns the operator name.
func (o *TakeOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (*TopOp) OpName() string { return "top" }

// OpName returns the operator name.
func (o *SortOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (*DistinctOp) OpName() string { return "distinct" }

// OpName returns the operator name.
func (o *JoinOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (*UnionOp) OpName() string { return "union" }

// OpName returns the operator name.
func (*AsOp) OpName() string { return "as" }

// OpName returns the operator name.
func (o *MvExpandOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (o *ParseOp) OpName() string { return o.Name }

// OpName returns the operator name.
func (*MakeSeriesOp) OpName() string { return "make-series" }

// OpName returns the operator name.
func (*SerializeOp) OpName() string { return "serialize" }

// OpName returns the operator name.
func (*EvaluateOp) OpName() string { return "evaluate" }

// OpName returns the operator name.
func (*InvokeOp) OpName() string { return "invoke" }

// OpName returns the operator name.
func (*RenderOp) OpName() string { return "render" }

// OpName returns the operator name.
func (*MvApplyOp) OpName() string { return "mv-apply" }

// OpName returns the operator name.
func (o *GenericOp) OpName() string { return o.Name }

// Loc is embedded in every node; its field name keeps the Span method free.
type Loc = Span

// Inspect calls visit for x and then, while visit returns true, for each sub-expression of
// x, depth first in source order (the scalar-expression counterpart of go/ast.Inspect).
func Inspect(x Node, visit func(Node) bool) {
	if x == nil || !visit(x) {
		return
	}
	switch v := x.(type) {
	case *Paren:
		Inspect(v.X, visit)
	case *Unary:
		Inspect(v.X, visit)
	case *Binary:
		Inspect(v.L, visit)
		Inspect(v.R, visit)
	case *InExpr:
		Inspect(v.L, visit)
		for _, a := range v.List {
			Inspect(a, visit)
		}
	case *BetweenExpr:
		Inspect(v.L, visit)
		Inspect(v.Lo, visit)
		Inspect(v.Hi, visit)
	case *Call:
		for _, a := range v.Args {
			Inspect(a, visit)
		}
	case *NamedArg:
		Inspect(v.Value, visit)
	case *Member:
		Inspect(v.X, visit)
	case *IndexExpr:
		Inspect(v.X, visit)
		Inspect(v.Index, visit)
	}
}
