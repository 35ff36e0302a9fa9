package syntax

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Format prints a query back as KQL text in a canonical layout: one statement per line,
// each pipe operator on its own line. Parsing the output yields an equivalent AST.
func Format(q *Query) string {
	var b strings.Builder
	for i, s := range q.Stmts {
		if i > 0 {
			b.WriteString(";\n")
		}
		b.WriteString(FormatNode(s))
	}
	return b.String()
}

// FormatNode prints any AST node as KQL.
func FormatNode(n Node) string {
	var w printer
	w.node(n)
	return w.String()
}

type printer struct{ strings.Builder }

func (w *printer) list(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			w.WriteString(", ")
		}
		w.node(x)
	}
}

func (w *printer) assigns(as []*Assign) {
	for i, a := range as {
		if i > 0 {
			w.WriteString(", ")
		}
		w.node(a)
	}
}

func (w *printer) params(ps []*NamedArg) {
	for _, p := range ps {
		w.node(p)
		w.WriteByte(' ')
	}
}

func (w *printer) schema(ps []*Param) {
	for i, p := range ps {
		if i > 0 {
			w.WriteString(", ")
		}
		w.node(p)
	}
}

func formatName(n string) string {
	if n == "" {
		return "['']"
	}
	ok := true
	for i, r := range n {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case unicode.IsDigit(r) && i > 0:
		case r == '$' && i == 0 && len(n) > 1:
		default:
			ok = false
		}
	}
	if ok && !reservedWords[n] {
		return n
	}
	return "[" + quoteString(n) + "]"
}

// reservedWords are names that must be bracketed to be read back as names.
var reservedWords = map[string]bool{"and": true, "or": true, "by": true, "on": true, "with": true, "true": true, "false": true,
	"in": true, "has": true, "contains": true, "between": true, "let": true, "to": true, "from": true, "step": true, "asc": true, "desc": true,
	"startswith": true, "endswith": true, "matches": true, "default": true, "nulls": true, "limit": true, "like": true}

func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (w *printer) node(n Node) {
	switch x := n.(type) {
	case nil:
	case *Query:
		w.WriteString(Format(x))
	case *LetStmt:
		w.WriteString("let " + formatName(x.Name.Name) + " = ")
		w.node(x.Value)
	case *SetStmt:
		w.WriteString("set " + x.Name)
		if x.Value != nil {
			w.WriteString(" = ")
			w.node(x.Value)
		}
	case *DeclareStmt:
		w.WriteString("declare query_parameters(")
		w.schema(x.Params)
		w.WriteString(")")
	case *ExprStmt:
		w.node(x.X)
	case *Ident:
		w.WriteString(formatName(x.Name))
	case *Literal:
		w.literal(x)
	case *Star:
		w.WriteString("*")
	case *Wildcard:
		w.WriteString(x.Pattern)
	case *Unary:
		w.WriteString(x.Op)
		w.node(x.X)
	case *Binary:
		w.node(x.L)
		w.WriteString(" " + x.Op + " ")
		w.node(x.R)
	case *InExpr:
		w.node(x.L)
		w.WriteString(" " + x.Op + " (")
		w.list(x.List)
		w.WriteString(")")
	case *BetweenExpr:
		w.node(x.L)
		if x.Not {
			w.WriteString(" !between (")
		} else {
			w.WriteString(" between (")
		}
		w.node(x.Lo)
		w.WriteString(" .. ")
		w.node(x.Hi)
		w.WriteString(")")
	case *Call:
		w.WriteString(x.Fn.Name + "(")
		w.list(x.Args)
		w.WriteString(")")
	case *NamedArg:
		w.WriteString(x.Name + "=")
		w.node(x.Value)
	case *Member:
		w.node(x.X)
		if formatName(x.Name.Name) == x.Name.Name || isAllDigits(x.Name.Name) {
			w.WriteString("." + x.Name.Name)
		} else {
			w.WriteString("[" + quoteString(x.Name.Name) + "]")
		}
	case *IndexExpr:
		w.node(x.X)
		w.WriteString("[")
		w.node(x.Index)
		w.WriteString("]")
	case *Paren:
		w.WriteString("(")
		w.node(x.X)
		w.WriteString(")")
	case *FuncLit:
		if x.View {
			w.WriteString("view ")
		}
		w.WriteString("(")
		w.schema(x.Params)
		w.WriteString(") {\n")
		w.WriteString(Format(x.Body))
		w.WriteString("\n}")
	case *Param:
		w.WriteString(formatName(x.Name) + ":" + x.Type)
		if x.Default != nil {
			w.WriteString(" = ")
			w.node(x.Default)
		}
	case *Pipe:
		w.node(x.Source)
		for i, op := range x.Ops {
			if x.Source != nil {
				w.WriteString("\n| ")
			} else if i > 0 {
				w.WriteString(" | ")
			}
			w.node(op)
		}
	case *Datatable:
		w.WriteString("datatable(")
		w.schema(x.Cols)
		w.WriteString(") [")
		w.list(x.Values)
		w.WriteString("]")
	case *ExternalData:
		w.WriteString("externaldata(")
		w.schema(x.Cols)
		w.WriteString(") [")
		w.list(x.URIs)
		w.WriteString("]")
		if len(x.With) > 0 {
			w.WriteString(" with (")
			for i, a := range x.With {
				if i > 0 {
					w.WriteString(", ")
				}
				w.node(a)
			}
			w.WriteString(")")
		}
	case *PrintExpr:
		w.WriteString("print ")
		w.assigns(x.Cols)
	case *RangeExpr:
		w.WriteString("range " + formatName(x.Col.Name) + " from ")
		w.node(x.From)
		w.WriteString(" to ")
		w.node(x.To)
		w.WriteString(" step ")
		w.node(x.Step)
	case *UnionExpr:
		w.WriteString("union ")
		w.params(x.Params)
		w.list(x.Tables)
	case *Assign:
		switch len(x.Names) {
		case 0:
		case 1:
			w.WriteString(formatName(x.Names[0].Name) + " = ")
		default:
			w.WriteString("(")
			for i, n := range x.Names {
				if i > 0 {
					w.WriteString(", ")
				}
				w.WriteString(formatName(n.Name))
			}
			w.WriteString(") = ")
		}
		w.node(x.X)
	case *SortKey:
		w.node(x.X)
		if x.Dir != "" {
			w.WriteString(" " + x.Dir)
		}
		if x.Nulls != "" {
			w.WriteString(" nulls " + x.Nulls)
		}
	case *WhereOp:
		w.WriteString(x.Name + " ")
		w.node(x.Pred)
	case *ProjectOp:
		w.WriteString(x.Name + " ")
		for i, a := range x.Items {
			if i > 0 {
				w.WriteString(", ")
			}
			w.node(a)
			if i < len(x.Dirs) && x.Dirs[i] != "" {
				w.WriteString(" " + x.Dirs[i])
			}
		}
	case *SummarizeOp:
		w.WriteString("summarize ")
		w.params(x.Hints)
		w.assigns(x.Aggs)
		if len(x.By) > 0 {
			if len(x.Aggs) > 0 {
				w.WriteString(" ")
			}
			w.WriteString("by ")
			w.assigns(x.By)
		}
	case *CountOp:
		w.WriteString("count")
		if x.As != "" {
			w.WriteString(" as " + formatName(x.As))
		}
	case *TakeOp:
		w.WriteString(x.Name + " ")
		w.node(x.N)
	case *TopOp:
		w.WriteString("top ")
		w.node(x.N)
		w.WriteString(" by ")
		w.sortKeys(x.Keys)
	case *SortOp:
		w.WriteString(x.Name + " by ")
		w.sortKeys(x.Keys)
	case *DistinctOp:
		w.WriteString("distinct ")
		w.list(x.Cols)
	case *JoinOp:
		w.WriteString(x.Name + " ")
		w.params(x.Params)
		w.node(x.Right)
		if len(x.On) > 0 {
			w.WriteString(" on ")
			w.list(x.On)
		}
	case *UnionOp:
		w.WriteString("union ")
		w.params(x.Params)
		w.list(x.Tables)
	case *AsOp:
		w.WriteString("as ")
		w.params(x.Params)
		w.WriteString(formatName(x.Name))
	case *MvExpandOp:
		w.WriteString(x.Name + " ")
		w.params(x.Params)
		w.mvItems(x.Items)
		if x.Limit != nil {
			w.WriteString(" limit ")
			w.node(x.Limit)
		}
	case *MvApplyOp:
		w.WriteString("mv-apply ")
		w.params(x.Params)
		w.mvItems(x.Items)
		w.WriteString(" on (")
		w.node(x.Sub)
		w.WriteString(")")
	case *ParseOp:
		w.WriteString(x.Name + " ")
		if x.Kind != "" {
			w.WriteString("kind=" + x.Kind + " ")
		}
		if x.Flags != "" {
			w.WriteString("flags=" + x.Flags + " ")
		}
		w.node(x.Source)
		w.WriteString(" with")
		for _, it := range x.Pattern {
			w.WriteString(" ")
			switch {
			case it.Star:
				w.WriteString("*")
			case it.Lit != nil:
				w.WriteString(quoteString(it.Lit.Value.(string)))
			case it.Col != nil:
				w.WriteString(formatName(it.Col.Name))
				if it.Type != "" {
					w.WriteString(":" + it.Type)
				}
			}
		}
	case *MakeSeriesOp:
		w.WriteString("make-series ")
		if x.Kind != "" {
			w.WriteString("kind=" + x.Kind + " ")
		}
		for i, a := range x.Aggs {
			if i > 0 {
				w.WriteString(", ")
			}
			w.node(a.Assign)
			if a.Default != nil {
				w.WriteString(" default=")
				w.node(a.Default)
			}
		}
		w.WriteString(" on ")
		w.node(x.On)
		if x.InRange {
			w.WriteString(" in range(")
			w.list([]Expr{x.From, x.To, x.Step})
			w.WriteString(")")
		} else {
			if x.From != nil {
				w.WriteString(" from ")
				w.node(x.From)
			}
			if x.To != nil {
				w.WriteString(" to ")
				w.node(x.To)
			}
			w.WriteString(" step ")
			w.node(x.Step)
		}
		if len(x.By) > 0 {
			w.WriteString(" by ")
			w.assigns(x.By)
		}
	case *SerializeOp:
		w.WriteString("serialize")
		if len(x.Items) > 0 {
			w.WriteString(" ")
			w.assigns(x.Items)
		}
	case *EvaluateOp:
		w.WriteString("evaluate ")
		w.params(x.Params)
		w.node(x.Call)
		if len(x.Schema) > 0 {
			w.WriteString(" : (")
			w.schema(x.Schema)
			w.WriteString(")")
		}
	case *InvokeOp:
		w.WriteString("invoke ")
		w.node(x.Call)
	case *RenderOp:
		w.WriteString("render " + x.Chart)
		if len(x.With) > 0 {
			w.WriteString(" with (")
			for i, a := range x.With {
				if i > 0 {
					w.WriteString(", ")
				}
				w.node(a)
			}
			w.WriteString(")")
		}
	case *TopNestedOp:
		for i, lv := range x.Levels {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteString("top-nested ")
			if lv.N != nil {
				w.node(lv.N)
				w.WriteString(" ")
			}
			w.WriteString("of ")
			w.node(lv.Of)
			if lv.Others != nil {
				w.WriteString(" with others = ")
				w.node(lv.Others)
			}
			w.WriteString(" by ")
			w.node(lv.By)
			if lv.Dir != "" {
				w.WriteString(" " + lv.Dir)
			}
		}
	case *GenericOp:
		w.WriteString(x.Name)
		if x.Raw != "" {
			w.WriteString(" " + x.Raw)
		}
	}
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func (w *printer) sortKeys(ks []*SortKey) {
	for i, k := range ks {
		if i > 0 {
			w.WriteString(", ")
		}
		w.node(k)
	}
}

func (w *printer) mvItems(items []*MvItem) {
	for i, it := range items {
		if i > 0 {
			w.WriteString(", ")
		}
		w.node(it.Assign)
		if it.Type != "" {
			w.WriteString(" to typeof(" + it.Type + ")")
		}
	}
}

func (w *printer) literal(l *Literal) {
	switch l.Kind {
	case LitString:
		w.WriteString(quoteString(l.Value.(string)))
		return
	case LitDynamic:
		w.WriteString("dynamic(" + dynText(l.Value) + ")")
		return
	}
	if l.Text != "" {
		w.WriteString(l.Text)
		return
	}
	switch v := l.Value.(type) {
	case int64:
		w.WriteString(strconv.FormatInt(v, 10))
	case float64:
		w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case bool:
		w.WriteString(strconv.FormatBool(v))
	default:
		w.WriteString("dynamic(null)")
	}
}

// dynText prints a dynamic value as a KQL dynamic literal body (JSON with sorted keys).
func dynText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return quoteString(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = quoteString(k) + ": " + dynText(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = dynText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return JSONText(x)
	}
}
