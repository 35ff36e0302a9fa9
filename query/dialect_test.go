package query

import (
	"strings"
	"testing"
	"time"
)

// hostile values from the issue and a few more that try to leave a literal.
var hostile = []string{
	`x" | union SecurityEvent | where "1"=="1`,
	`'; DROP TABLE t; --`,
	`\`,
	`a\"b`,
	`\\"`,
	"line1\nline2 // comment",
	`''`,
	`""`,
	`*/ DROP TABLE t /*`,
	`$$; DROP TABLE t; $$`,
	"```",
	"plain",
	"",
}

// readLiteral decodes the literal that starts right after its opening delimiter at s, the way
// the target language would, independently of the package's scanner. It returns the decoded
// value and the rest of s after the closing delimiter.
func readLiteral(t *testing.T, ctx Context, s string) (string, string) {
	t.Helper()
	var b strings.Builder
	switch ctx {
	case InDouble, InSingle:
		q := byte('"')
		if ctx == InSingle {
			q = '\''
		}
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
				if i >= len(s) {
					t.Fatalf("dangling escape in %q", s)
				}
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[i])
				}
			case q:
				return b.String(), s[i+1:]
			default:
				b.WriteByte(s[i])
			}
		}
	case InSQLString, InVerbatimSingle, InQuotedIdent, InVerbatimDouble:
		q := byte('\'')
		if ctx == InQuotedIdent || ctx == InVerbatimDouble {
			q = '"'
		}
		for i := 0; i < len(s); i++ {
			if s[i] == q {
				if i+1 < len(s) && s[i+1] == q {
					b.WriteByte(q)
					i++
					continue
				}
				return b.String(), s[i+1:]
			}
			b.WriteByte(s[i])
		}
	case InLineComment:
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return s[:i], s[i+1:]
		}
	case InBlockComment:
		if i := strings.Index(s, "*/"); i >= 0 {
			return s[:i], s[i+2:]
		}
	}
	t.Fatalf("literal (%v) not closed in %q", ctx, s)
	return "", ""
}

// normalizeComment is what a comment may change in a value: newlines (line comments) and the
// comment delimiters (block comments).
func normalizeComment(ctx Context, v string) string {
	switch ctx {
	case InLineComment:
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
	case InBlockComment:
		return strings.NewReplacer("*/", "* /", "/*", "/ *").Replace(v)
	}
	return v
}

type litCase struct {
	d     Dialect
	open  string
	close string
	ctx   Context
}

var litCases = []litCase{
	{KQL, `"`, `"`, InDouble},
	{KQL, `'`, `'`, InSingle},
	{KQL, `@"`, `"`, InVerbatimDouble},
	{KQL, `@'`, `'`, InVerbatimSingle},
	{KQL, "// ", "\n", InLineComment},
	{SQL, `'`, `'`, InSQLString},
	{SQL, `"`, `"`, InQuotedIdent},
	{SQL, "-- ", "\n", InLineComment},
	{SQL, "/* ", " */", InBlockComment},
	{SPL, `"`, `"`, InDouble},
	{SPL, `'`, `'`, InSingle},
	{Lucene, `"`, `"`, InDouble},
	{Sumo, `"`, `"`, InDouble},
	{Sumo, "// ", "\n", InLineComment},
	{OData, `'`, `'`, InSQLString},
	{JSON, `"`, `"`, InDouble},
}

// TestEscapeStaysInside binds hostile values into every literal of every dialect and checks,
// by decoding the result independently, that the literal ends exactly at the template's
// closing delimiter and holds the value.
func TestEscapeStaysInside(t *testing.T) {
	for _, lc := range litCases {
		for _, v := range hostile {
			checkLiteral(t, lc, v)
		}
	}
}

func checkLiteral(t *testing.T, lc litCase, v string) {
	t.Helper()
	sc := lc.d.NewScanner()
	prefix := "T | where X == " + lc.open
	sc.Feed(prefix)
	ctx, _, _ := sc.State()
	if ctx != lc.ctx {
		t.Fatalf("%s: after %q context = %v, want %v", lc.d.Name(), prefix, ctx, lc.ctx)
	}
	esc, err := lc.d.Escape(ctx, v)
	if err != nil && (ctx == InVerbatimDouble || ctx == InVerbatimSingle) && strings.ContainsAny(v, "\r\n") {
		return // refused: verbatim strings cannot span lines
	}
	if err != nil {
		t.Fatalf("%s %v: Escape(%q): %v", lc.d.Name(), ctx, v, err)
	}
	sc.Feed(esc)
	if c, _, _ := sc.State(); c != lc.ctx {
		t.Fatalf("%s %v: value %q (escaped %q) left the literal (now %v)", lc.d.Name(), ctx, v, esc, c)
	}
	suffix := lc.close + " | take 1"
	sc.Feed(suffix)
	if c, _, _ := sc.State(); c != InCode {
		t.Fatalf("%s %v: value %q: literal not closed by the template's delimiter (context %v)", lc.d.Name(), ctx, v, c)
	}
	full := prefix + esc + suffix
	got, rest := readLiteral(t, lc.ctx, full[len(prefix):])
	if strings.TrimSpace(rest) != strings.TrimSpace(strings.TrimPrefix(suffix, lc.close)) {
		t.Fatalf("%s %v: value %q: literal ended early; rest %q (query %q)", lc.d.Name(), ctx, v, rest, full)
	}
	want := v
	if lc.ctx == InLineComment || lc.ctx == InBlockComment {
		want = normalizeComment(lc.ctx, v)
		got = strings.TrimSuffix(got, " ")
		want = strings.TrimPrefix(want, " ")
		got = strings.TrimPrefix(got, " ")
		got = strings.TrimPrefix(got, " ")
	}
	if lc.ctx == InLineComment || lc.ctx == InBlockComment {
		if !strings.Contains(got, strings.TrimSpace(want)) {
			t.Fatalf("%s %v: value %q decoded as %q", lc.d.Name(), ctx, v, got)
		}
		return
	}
	if got != want {
		t.Fatalf("%s %v: value %q decoded as %q", lc.d.Name(), ctx, v, got)
	}
}

func TestScannerContexts(t *testing.T) {
	cases := []struct {
		d    Dialect
		text string
		want Context
	}{
		{KQL, `T | where a == "x\"`, InDouble},
		{KQL, `T | where a == "x\\"`, InCode},
		{KQL, `T | where a == 'it''`, InSingle}, // KQL ' strings escape with backslash
		{KQL, `T | where a == @"C:\`, InVerbatimDouble},
		{KQL, `T | where a == @"C:\" | x`, InCode},
		{KQL, "T // a \"quote\n| where a == ", InCode},
		{KQL, "T // a comment ", InLineComment},
		{KQL, "print ```multi\nline ", InFence},
		{KQL, "print ```multi\nline``` | where a == '", InSingle},
		{KQL, `T | where a == h"`, InDouble},
		{SQL, `SELECT 'it''s `, InSQLString},
		{SQL, `SELECT 'it''s' FROM "my ""t`, InQuotedIdent},
		{SQL, `SELECT E'a\'b`, InSQLEscape},
		{SQL, `SELECT E'a\'b' , '`, InSQLString},
		{SQL, `SELECT some'`, InSQLString},
		{SQL, `SELECT $$ a ' b `, InDollar},
		{SQL, `SELECT $tag$ a $$ b `, InDollar},
		{SQL, `SELECT $tag$ a $tag$ '`, InSQLString},
		{SQL, `SELECT $1, '`, InSQLString},
		{SQL, "SELECT 1 -- x '\n, '", InSQLString},
		{SQL, "SELECT /* ' */ '", InSQLString},
		{SPL, "search ```a comment \" ", InFence},
		{SPL, `search host="a\"`, InDouble},
		{Lucene, `host:"a b`, InDouble},
		{Lucene, `host:'a b`, InCode},
		{OData, `name eq 'O''Brien`, InSQLString},
	}
	for _, tc := range cases {
		sc := tc.d.NewScanner()
		sc.Feed(tc.text)
		got, _, _ := sc.State()
		if got != tc.want {
			t.Errorf("%s %q: context %v, want %v", tc.d.Name(), tc.text, got, tc.want)
		}
		// Feeding byte by byte gives the same state as one piece.
		sc2 := tc.d.NewScanner()
		for i := 0; i < len(tc.text); i++ {
			sc2.Feed(tc.text[i : i+1])
		}
		if g2, _, _ := sc2.State(); g2 != got {
			t.Errorf("%s %q: byte-wise context %v differs from %v", tc.d.Name(), tc.text, g2, got)
		}
	}
}

func TestEscapeRefusals(t *testing.T) {
	if _, err := KQL.Escape(InFence, "a```b"); err == nil {
		t.Error("KQL ``` block accepted a backtick")
	}
	if _, err := SQL.Escape(InDollar, "a$$b"); err == nil {
		t.Error("SQL dollar string accepted '$'")
	}
	if s, err := SQL.Escape(InSQLEscape, `\'`); err != nil || s != `\\''` {
		t.Errorf("SQL E-string escape = %q, %v", s, err)
	}
}

func TestLiteralsAndTimes(t *testing.T) {
	if got := KQL.Literal(`a"b\c`); got != `"a\"b\\c"` {
		t.Errorf("KQL literal = %s", got)
	}
	if got := SQL.Literal(`O'Brien\`); got != `'O''Brien\'` {
		t.Errorf("SQL literal = %s", got)
	}
	if got := OData.Literal(`O'Brien`); got != `'O''Brien'` {
		t.Errorf("OData literal = %s", got)
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	for _, tc := range []struct {
		d    Dialect
		lit  bool
		want string
	}{
		{KQL, false, "2024-01-02T03:04:05.6Z"},
		{KQL, true, "2024-01-02T03:04:05.6Z"},
		{SQL, false, "TIMESTAMP '2024-01-02 03:04:05.6'"},
		{SQL, true, "2024-01-02 03:04:05.6"},
		{SPL, true, "2024-01-02 03:04:05.600000"},
		{Lucene, false, `"2024-01-02T03:04:05.6Z"`},
	} {
		if got := tc.d.Time(ts, tc.lit); got != tc.want {
			t.Errorf("%s Time(literal=%v) = %q, want %q", tc.d.Name(), tc.lit, got, tc.want)
		}
	}
	if got := KQL.Time(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), false); got != "2024-01-01T00:00:00Z" {
		t.Errorf("KQL whole-second time = %q", got)
	}
	for _, n := range []string{"kql", "SQL", "duckdb", "spl", "lucene", "sumo", "odata", "json"} {
		if DialectFor(n) == nil {
			t.Errorf("DialectFor(%q) = nil", n)
		}
	}
	if DialectFor("cobol") != nil {
		t.Error("DialectFor(cobol) != nil")
	}
}
