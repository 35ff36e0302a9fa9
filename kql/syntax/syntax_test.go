package syntax

import "testing"

func TestSpans(t *testing.T) {
	src := "T\n| where Computer has \"x\""
	q, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	p := q.Stmts[0].(*ExprStmt).X.(*Pipe)
	w := p.Ops[0].(*WhereOp)
	b := w.Pred.(*Binary)
	if got := src[b.L.Span().Pos:b.L.Span().End]; got != "Computer" {
		t.Errorf("left span %q", got)
	}
	if got := src[w.Span().Pos:w.Span().End]; got != `where Computer has "x"` {
		t.Errorf("where span %q", got)
	}
}

func TestLexer(t *testing.T) {
	toks, err := lex(`1d 2.5h 30m 10s 100ms 1tick 0x1F 1e3 'a\'b' @"c:\d""e" h'x' .5`)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		k tokKind
		v string
	}{{tTimespan, "1d"}, {tTimespan, "2.5h"}, {tTimespan, "30m"}, {tTimespan, "10s"}, {tTimespan, "100ms"}, {tTimespan, "1tick"},
		{tInt, "0x1F"}, {tReal, "1e3"}, {tString, "a'b"}, {tString, `c:\d"e`}, {tString, "x"}, {tReal, ".5"}, {tEOF, ""}}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens", len(toks))
	}
	for i, w := range want {
		if toks[i].kind != w.k || toks[i].val != w.v {
			t.Errorf("token %d: got %v %q, want %v %q", i, toks[i].kind, toks[i].val, w.k, w.v)
		}
	}
}
