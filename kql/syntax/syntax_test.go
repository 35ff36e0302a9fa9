package syntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

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

// TestUnicodeSpaces: spaces pasted from web pages separate tokens outside literals and
// are kept inside them (issue 13).
func TestUnicodeSpaces(t *testing.T) {
	for _, sp := range []string{"\u00a0", "\u200b", "\u202f", "\u2002", "\u3000", "\ufeff", "\u2060", "\u2028", "\u180e", "\u200c\u200d"} {
		src := "T" + sp + "|" + sp + "where" + sp + "x" + sp + "==" + sp + "\"a" + sp + "b\""
		q, err := Parse(src)
		if err != nil {
			t.Errorf("%U: %v", []rune(sp)[0], err)
			continue
		}
		want := "T\n| where x == \"a" + sp + "b\""
		if got := Format(q); got != want {
			t.Errorf("%U: printed %q, want %q", []rune(sp)[0], got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		lines []int
	}{
		{"one query", "T\n| where x == 1", []int{1}},
		{"two queries", "T | take 1\n\nU | take 2\n", []int{1, 3}},
		{"three with comments", "// first\nT\n\n\n// second\nU\n  \t\nV", []int{1, 5, 8}},
		{"lets then body stay together", "let a = 1;\n\nlet b = 2;\n\nT | where x == a", []int{1}},
		{"blank line before a pipe", "T\n\n| where x == 1", []int{1}},
		{"blank line inside brackets", "T | where x in (\n\n1, 2)", []int{1}},
		{"blank line after an operator", "T | where x ==\n\n1", []int{1}},
		{"blank line in a multi-line string", "print ```a\n\nb```\n\nT", []int{1, 5}},
		{"lets then two queries", "let a = 1;\nT | where x == a\n\nU", []int{1, 4}},
		{"unicode blank line", "T\n\u00a0\u200b\nU", []int{1, 3}},
	}
	for _, tc := range tests {
		ps := Split(tc.src)
		var got []int
		for _, p := range ps {
			got = append(got, p.Line)
			if tc.src[p.Offset:p.Offset+len(p.Text)] != p.Text {
				t.Errorf("%s: offset %d does not locate %q", tc.name, p.Offset, p.Text)
			}
			if _, err := Parse(p.Text); err != nil {
				t.Errorf("%s: piece %q: %v", tc.name, p.Text, err)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.lines) {
			t.Errorf("%s: lines %v, want %v", tc.name, got, tc.lines)
		}
	}
}

func TestParseSeveralQueries(t *testing.T) {
	_, err := Parse("T | take 1\n\n// next\nU | take 2\n\nV")
	if !errors.Is(err, ErrSeveralQueries) || !strings.Contains(err.Error(), "3 queries separated by blank lines (starting on lines 1, 3, 6)") {
		t.Fatalf("err = %v", err)
	}
	if e := err.(*Error); e.Line != 3 {
		t.Errorf("error at line %d, want 3 (the second query)", e.Line)
	}
}
