package query

import (
	"fmt"
	"strings"
	"time"
)

// Context is the lexical position of a placeholder in query text: in code, or inside one kind of
// literal or comment.
type Context uint8

// Lexical contexts recognised by the built-in dialects.
const (
	InCode           Context = iota // not inside any literal
	InDouble                        // "..." closed by an unescaped quote, backslash escapes (KQL, SPL, Lucene, Sumo)
	InSingle                        // '...' closed by an unescaped quote, backslash escapes (KQL, SPL)
	InSQLString                     // '...' where a quote is written '' (SQL, OData)
	InSQLEscape                     // E'...' (DuckDB/PostgreSQL): backslash escapes and ''
	InQuotedIdent                   // "..." where a quote is written "" (SQL identifiers)
	InVerbatimDouble                // @"..." where a quote is written "" (KQL)
	InVerbatimSingle                // @'...' where a quote is written '' (KQL)
	InFence                         // ```...``` (KQL multi-line string, SPL comment)
	InDollar                        // $tag$...$tag$ (SQL dollar quoting)
	InLineComment                   // // ... or -- ... up to the end of the line
	InBlockComment                  // /* ... */
)

var contextNames = [...]string{
	InCode: "code", InDouble: `"..." string`, InSingle: `'...' string`, InSQLString: `'...' string`,
	InSQLEscape: `E'...' string`, InQuotedIdent: `"..." identifier`, InVerbatimDouble: `@"..." string`,
	InVerbatimSingle: `@'...' string`, InFence: "``` block", InDollar: "$$ string",
	InLineComment: "line comment", InBlockComment: "block comment",
}

// String names the context.
func (c Context) String() string {
	if int(c) < len(contextNames) {
		return contextNames[c]
	}
	return fmt.Sprintf("context(%d)", uint8(c))
}

// Literal reports whether the context is inside a string literal, quoted identifier or comment,
// where a value must be escaped.
func (c Context) Literal() bool { return c != InCode }

// Dialect describes how one query language writes literals, so that parameter values can be bound
// safely. A driver's Environment names its Dialect.
type Dialect interface {
	// Name is the language name ("kql", "sql", "spl", "lucene", "sumo", "odata").
	Name() string
	// NewScanner returns a scanner at the start of a query in code context.
	NewScanner() Scanner
	// Escape returns value written for the inside of the literal ctx so that it cannot end it.
	// It fails (ErrUnsafeValue) when the literal has no way to hold the value.
	Escape(ctx Context, value string) (string, error)
	// Literal returns value as a complete string literal (list items, quoted values).
	Literal(value string) string
	// Time formats t (UTC). Bare text (quoted=true or for KQL's datetime(...)) or a literal.
	Time(t time.Time, inLiteral bool) string
}

// Scanner follows the lexical context through query text fed to it piece by piece.
type Scanner interface {
	// Feed advances over text.
	Feed(text string)
	// State returns the context at the current end of input. pending is true when the last bytes
	// could start or end a token depending on what follows (a lone "@", "-", "/", "*", or a quote
	// that may be doubled); escapePending is true when the input ends with an escape character
	// inside a literal.
	State() (ctx Context, pending, escapePending bool)
}

// quoteRule says what a quote character does in code.
type quoteRule uint8

const (
	quoteNone      quoteRule = iota // plain character
	quoteBackslash                  // opens a literal with backslash escapes
	quoteDoubled                    // opens a literal where the quote is doubled to escape it
)

// syntax is the table that drives the shared scanner and escaper.
type syntax struct {
	name        string
	double      quoteRule // what " does
	doubleIsID  bool      // "..." is a quoted identifier (SQL)
	single      quoteRule // what ' does
	verbatimAt  bool      // @"..." and @'...' (KQL)
	fence       bool      // ``` ... ```
	lineComment string    // "//" or "--"
	block       bool      // /* ... */
	dollar      bool      // $tag$ ... $tag$
	escapeE     bool      // E'...'
	escNewline  bool      // write newlines in backslash literals as \n (KQL)
	litQuote    byte      // quote used by Literal
	timeLayout  string    // layout for bare times
	timeWrap    string    // fmt pattern for a time literal in code ("%s" = bare)
}

// TextDialect is a Dialect driven by a syntax table; the package provides one per language.
type TextDialect struct{ s syntax }

// The built-in dialects.
var (
	// KQL is Kusto Query Language (Sentinel, Log Analytics, Data Explorer, MDE, Resource Graph).
	KQL Dialect = &TextDialect{syntax{name: "kql", double: quoteBackslash, single: quoteBackslash,
		verbatimAt: true, fence: true, lineComment: "//", escNewline: true, litQuote: '"',
		timeLayout: "2006-01-02T15:04:05.9999999Z", timeWrap: "datetime(%s)"}}
	// SQL is DuckDB's SQL (local data, workspaces).
	SQL Dialect = &TextDialect{syntax{name: "sql", double: quoteDoubled, doubleIsID: true, single: quoteDoubled,
		lineComment: "--", block: true, dollar: true, escapeE: true, litQuote: '\'',
		timeLayout: "2006-01-02 15:04:05.999999", timeWrap: "TIMESTAMP '%s'"}}
	// SPL is Splunk's Search Processing Language.
	SPL Dialect = &TextDialect{syntax{name: "spl", double: quoteBackslash, single: quoteBackslash,
		fence: true, litQuote: '"', timeLayout: "2006-01-02 15:04:05.000000", timeWrap: `"%s"`}}
	// Lucene is the Lucene / Elasticsearch query-string syntax.
	Lucene Dialect = &TextDialect{syntax{name: "lucene", double: quoteBackslash, litQuote: '"',
		timeLayout: "2006-01-02T15:04:05.999Z", timeWrap: `"%s"`}}
	// Sumo is the Sumo Logic search language.
	Sumo Dialect = &TextDialect{syntax{name: "sumo", double: quoteBackslash, lineComment: "//", litQuote: '"',
		timeLayout: "2006-01-02T15:04:05.999Z", timeWrap: `"%s"`}}
	// OData is the OData $filter syntax used by Microsoft Graph security queries.
	OData Dialect = &TextDialect{syntax{name: "odata", single: quoteDoubled, litQuote: '\'',
		timeLayout: "2006-01-02T15:04:05.999Z", timeWrap: "%s"}}
	// JSON is for JSON query bodies (Cybereason, Elastic DSL): "..." strings with JSON escapes.
	JSON Dialect = &TextDialect{syntax{name: "json", double: quoteBackslash, escNewline: true, litQuote: '"',
		timeLayout: "2006-01-02T15:04:05.999Z", timeWrap: `"%s"`}}
)

// DialectFor returns the built-in dialect for a language name, or nil.
func DialectFor(language string) Dialect {
	switch strings.ToLower(language) {
	case "kql", "kusto":
		return KQL
	case "sql", "duckdb":
		return SQL
	case "spl", "splunk":
		return SPL
	case "lucene", "elastic", "es":
		return Lucene
	case "sumo", "sumologic":
		return Sumo
	case "odata":
		return OData
	case "json":
		return JSON
	}
	return nil
}

// Name returns the language name.
func (d *TextDialect) Name() string { return d.s.name }

// NewScanner returns a scanner for this dialect.
func (d *TextDialect) NewScanner() Scanner { return &scanner{s: &d.s} }

// Time formats t as bare text inside a literal, or as the language's literal in code. KQL gives
// bare text in both cases because msticpy templates write datetime({start}).
func (d *TextDialect) Time(t time.Time, inLiteral bool) string {
	bare := t.UTC().Format(d.s.timeLayout)
	if inLiteral || d.s.name == "kql" {
		return bare
	}
	return fmt.Sprintf(d.s.timeWrap, bare)
}

// Literal returns value as a complete string literal of the dialect.
func (d *TextDialect) Literal(value string) string {
	q := d.s.litQuote
	ctx := InDouble
	if q == '\'' {
		ctx = InSingle
		if d.s.single == quoteDoubled {
			ctx = InSQLString
		}
	}
	esc, _ := d.Escape(ctx, value) // string literals can hold any value
	return string(q) + esc + string(q)
}

// Escape writes value for the inside of the literal ctx.
func (d *TextDialect) Escape(ctx Context, value string) (string, error) {
	switch ctx {
	case InCode:
		return value, nil
	case InDouble:
		return backslashEscape(value, '"', d.s.escNewline), nil
	case InSingle:
		return backslashEscape(value, '\'', d.s.escNewline), nil
	case InSQLEscape:
		return strings.ReplaceAll(strings.ReplaceAll(value, `\`, `\\`), "'", "''"), nil
	case InVerbatimSingle, InVerbatimDouble:
		// KQL verbatim strings have no escapes and cannot span lines.
		if strings.ContainsAny(value, "\r\n") {
			return "", fmt.Errorf("a verbatim string cannot hold a line break")
		}
		if ctx == InVerbatimSingle {
			return strings.ReplaceAll(value, "'", "''"), nil
		}
		return strings.ReplaceAll(value, `"`, `""`), nil
	case InSQLString:
		return strings.ReplaceAll(value, "'", "''"), nil
	case InQuotedIdent:
		return strings.ReplaceAll(value, `"`, `""`), nil
	case InFence:
		if strings.Contains(value, "`") {
			return "", fmt.Errorf("a ``` block cannot hold a backtick")
		}
		return value, nil
	case InDollar:
		if strings.Contains(value, "$") {
			return "", fmt.Errorf("a dollar-quoted string cannot hold '$'")
		}
		return value, nil
	case InLineComment:
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(value), nil
	case InBlockComment:
		v := strings.ReplaceAll(value, "*/", "* /")
		v = strings.ReplaceAll(v, "/*", "/ *")
		if strings.HasPrefix(v, "/") {
			v = " " + v
		}
		if strings.HasSuffix(v, "*") {
			v += " "
		}
		return v, nil
	}
	return "", fmt.Errorf("unknown context %v", ctx)
}

func backslashEscape(v string, quote byte, escNewline bool) string {
	var b strings.Builder
	b.Grow(len(v) + 8)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == quote:
			b.WriteByte('\\')
			b.WriteByte(c)
		case escNewline && c == '\n':
			b.WriteString(`\n`)
		case escNewline && c == '\r':
			b.WriteString(`\r`)
		case escNewline && c == '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// scanner is the lexical state machine shared by the built-in dialects.
type scanner struct {
	s       *syntax
	ctx     Context
	prev    byte   // previous byte in code (for two-byte openers), 0 if none
	ticks   int    // consecutive backticks seen (fence open/close)
	quoteQ  bool   // a closing quote was just seen in a doubled-quote literal; it may be doubled
	esc     bool   // backslash seen inside a backslash literal
	star    bool   // '*' seen inside a block comment
	tag     string // dollar-quote tag including both '$'
	dollar  []byte // partial dollar tag being read in code, or partial closing tag in InDollar
	idPrev  bool   // the previous byte in code was an identifier byte
	idPrev2 bool   // the byte before that was an identifier byte
}

func (sc *scanner) State() (Context, bool, bool) {
	ctx := sc.ctx
	pending := false
	switch {
	case sc.quoteQ:
		// A closing quote followed by the end of the input closes the literal.
		ctx = InCode
		pending = true
	case ctx == InCode && (sc.prev == '@' || sc.prev == '/' || sc.prev == '-' || sc.ticks > 0 || len(sc.dollar) > 0):
		pending = true
	case ctx == InBlockComment && sc.star:
		pending = true
	case ctx == InFence && sc.ticks > 0:
		pending = true
	case ctx == InDollar && len(sc.dollar) > 0:
		pending = true
	}
	return ctx, pending, sc.esc
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (sc *scanner) Feed(text string) {
	for i := 0; i < len(text); i++ {
		sc.step(text[i])
	}
}

func (sc *scanner) step(c byte) {
	if sc.quoteQ {
		sc.quoteQ = false
		q := byte('\'')
		if sc.ctx == InQuotedIdent || sc.ctx == InVerbatimDouble {
			q = '"'
		}
		if c == q {
			return // doubled quote: still inside
		}
		sc.ctx = InCode
		sc.prev = 0
	}
	switch sc.ctx {
	case InCode:
		sc.code(c)
	case InDouble, InSingle:
		q := byte('"')
		if sc.ctx == InSingle {
			q = '\''
		}
		switch {
		case sc.esc:
			sc.esc = false
		case c == '\\':
			sc.esc = true
		case c == q:
			sc.ctx = InCode
			sc.prev = 0
		}
	case InSQLEscape:
		switch {
		case sc.esc:
			sc.esc = false
		case c == '\\':
			sc.esc = true
		case c == '\'':
			sc.quoteQ = true
		}
	case InSQLString, InVerbatimSingle:
		if c == '\'' {
			sc.quoteQ = true
		}
	case InQuotedIdent, InVerbatimDouble:
		if c == '"' {
			sc.quoteQ = true
		}
	case InFence:
		if c == '`' {
			sc.ticks++
			if sc.ticks == 3 {
				sc.ctx, sc.ticks, sc.prev = InCode, 0, 0
			}
		} else {
			sc.ticks = 0
		}
	case InDollar:
		if c == '$' {
			if len(sc.dollar) > 0 {
				sc.dollar = append(sc.dollar, c)
				if string(sc.dollar) == sc.tag {
					sc.ctx, sc.dollar, sc.tag, sc.prev = InCode, nil, "", 0
					return
				}
				// "$" closing a mismatched tag may start another candidate
				sc.dollar = []byte{'$'}
				return
			}
			sc.dollar = []byte{'$'}
			return
		}
		if len(sc.dollar) > 0 {
			sc.dollar = append(sc.dollar, c)
			if !strings.HasPrefix(sc.tag, string(sc.dollar)) {
				sc.dollar = nil
			}
		}
	case InLineComment:
		if c == '\n' {
			sc.ctx, sc.prev = InCode, 0
		}
	case InBlockComment:
		if sc.star && c == '/' {
			sc.ctx, sc.star, sc.prev = InCode, false, 0
			return
		}
		sc.star = c == '*'
	}
}

func (sc *scanner) code(c byte) {
	s := sc.s
	prev := sc.prev
	wasIdent, prev2Ident := sc.idPrev, sc.idPrev2
	sc.prev = c
	sc.idPrev2, sc.idPrev = sc.idPrev, isIdent(c)
	// Dollar quoting: $tag$ with tag empty or [A-Za-z_][A-Za-z0-9_]*.
	if s.dollar && len(sc.dollar) > 0 {
		if c == '$' {
			sc.tag = string(append(sc.dollar, '$'))
			sc.dollar = nil
			sc.ctx = InDollar
			return
		}
		if isIdent(c) && !(len(sc.dollar) == 1 && c >= '0' && c <= '9') {
			sc.dollar = append(sc.dollar, c)
			return
		}
		sc.dollar = nil
	}
	if s.fence && sc.ticks > 0 {
		if c == '`' {
			sc.ticks++
			if sc.ticks == 3 {
				sc.ctx, sc.ticks, sc.prev = InFence, 0, 0
			}
			return
		}
		sc.ticks = 0
	}
	switch c {
	case '"':
		switch {
		case s.verbatimAt && prev == '@':
			sc.ctx = InVerbatimDouble
		case s.double == quoteBackslash:
			sc.ctx = InDouble
		case s.double == quoteDoubled:
			sc.ctx = InQuotedIdent
		}
	case '\'':
		switch {
		case s.verbatimAt && prev == '@':
			sc.ctx = InVerbatimSingle
		case s.escapeE && (prev == 'E' || prev == 'e') && !prev2Ident:
			sc.ctx = InSQLEscape
		case s.single == quoteBackslash:
			sc.ctx = InSingle
		case s.single == quoteDoubled:
			sc.ctx = InSQLString
		}
	case '`':
		if s.fence {
			sc.ticks = 1
		}
	case '/':
		if s.lineComment == "//" && prev == '/' {
			sc.ctx = InLineComment
		}
	case '-':
		if s.lineComment == "--" && prev == '-' {
			sc.ctx = InLineComment
		}
	case '*':
		if s.block && prev == '/' {
			sc.ctx, sc.star = InBlockComment, false
		}
	case '$':
		if s.dollar && !wasIdent {
			sc.dollar = []byte{'$'}
		}
	}
	if sc.ctx != InCode {
		sc.prev = 0
		sc.idPrev, sc.idPrev2 = false, false
	}
}
