package syntax

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a lexical token.
type tokKind int

const (
	tEOF      tokKind = iota
	tIdent            // name or keyword (keywords are contextual in KQL)
	tInt              // 123, 0x1f
	tReal             // 1.5, 1e3
	tTimespan         // 1d, 2h, 30m, 10s, 100ms, 1tick
	tString           // any string literal form; val holds the decoded value
	tPunct            // operators and punctuation; val holds the text
)

// token is one lexical unit with its byte span in the source.
type token struct {
	kind     tokKind
	val      string // identifier name, decoded string, number text or punctuation
	raw      string // original text
	pos, end int
	verbatim bool // @'...' string
	hidden   bool // h'...' obfuscated string
	multi    bool // ``` multi-line string
}

// timespan unit suffixes, longest first within each shared prefix.
var timespanUnits = []string{
	"microseconds", "microsecond", "milliseconds", "millisecond", "nanoseconds", "nanosecond",
	"minutes", "minute", "seconds", "second", "ticks", "tick", "hours", "hour", "days", "day",
	"micros", "milli", "millis", "min", "sec", "ms", "d", "h", "m", "s",
}

// lex splits src into tokens. It returns an *Error for an unterminated string or an
// unexpected character.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	n := len(src)
	for i < n {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
			continue
		case c >= utf8.RuneSelf:
			// text pasted from web pages carries no-break, narrow and zero-width spaces
			if r, sz := utf8.DecodeRuneInString(src[i:]); IsSpace(r) {
				i += sz
				continue
			}
		}
		start := i
		// string literals with prefixes
		if (c == 'h' || c == 'H') && i+1 < n && (src[i+1] == '\'' || src[i+1] == '"' || (src[i+1] == '@' && i+2 < n && (src[i+2] == '\'' || src[i+2] == '"'))) {
			t, j, err := lexString(src, i+1)
			if err != nil {
				return nil, err
			}
			t.pos, t.end, t.raw, t.hidden = start, j, src[start:j], true
			toks = append(toks, t)
			i = j
			continue
		}
		if c == '@' && i+1 < n && (src[i+1] == '\'' || src[i+1] == '"') {
			t, j, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			t.pos, t.raw = start, src[start:j]
			toks = append(toks, t)
			i = j
			continue
		}
		if c == '\'' || c == '"' {
			t, j, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = j
			continue
		}
		if (c == '`' || c == '~') && strings.HasPrefix(src[i:], strings.Repeat(string(c), 3)) {
			fence := src[i : i+3]
			j := strings.Index(src[i+3:], fence)
			if j < 0 {
				return nil, newError(src, i, nil, "unterminated multi-line string literal")
			}
			val := src[i+3 : i+3+j]
			end := i + 3 + j + 3
			toks = append(toks, token{kind: tString, val: val, raw: src[i:end], pos: i, end: end, multi: true})
			i = end
			continue
		}
		if isDigit(c) || (c == '.' && i+1 < n && isDigit(src[i+1]) && !afterOperand(toks, i)) {
			t := lexNumber(src, i)
			toks = append(toks, t)
			i = t.end
			continue
		}
		if isIdentStart(c) || c == '$' || c >= utf8.RuneSelf {
			j := i
			if c == '$' {
				j++
			}
			for j < n {
				r, sz := utf8.DecodeRuneInString(src[j:])
				if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
					j += sz
					continue
				}
				break
			}
			if j == i || (c == '$' && j == i+1) {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, newError(src, i, nil, "unexpected character %q", r)
			}
			toks = append(toks, token{kind: tIdent, val: src[i:j], raw: src[i:j], pos: i, end: j})
			i = j
			continue
		}
		// punctuation, longest match first
		p := ""
		for _, cand := range []string{"..", "==", "!=", "<>", "<=", ">=", "=~", "!~", "=>", "|", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "~", "?", "@"} {
			if strings.HasPrefix(src[i:], cand) {
				p = cand
				break
			}
		}
		if p == "" {
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, newError(src, i, nil, "unexpected character %q", r)
		}
		toks = append(toks, token{kind: tPunct, val: p, raw: p, pos: i, end: i + len(p)})
		i += len(p)
	}
	toks = append(toks, token{kind: tEOF, pos: n, end: n})
	return toks, nil
}

// IsSpace reports whether r separates tokens outside string literals: every Unicode
// white space (Zs and the other White_Space characters such as U+00A0, U+202F, U+3000,
// U+2028) and the zero-width characters U+180E, U+200B, U+200C, U+200D, U+2060, U+FEFF.
func IsSpace(r rune) bool {
	switch r {
	case '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnum(c byte) bool      { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// lexString lexes a quoted string starting at src[i] (which is a quote or '@').
func lexString(src string, i int) (token, int, error) {
	start := i
	verbatim := false
	if src[i] == '@' {
		verbatim = true
		i++
	}
	q := src[i]
	i++
	var b strings.Builder
	for {
		if i >= len(src) {
			return token{}, 0, newError(src, start, nil, "unterminated string literal")
		}
		c := src[i]
		if c == '\n' && !verbatim {
			return token{}, 0, newError(src, start, nil, "unterminated string literal")
		}
		if c == q {
			if verbatim && i+1 < len(src) && src[i+1] == q { // @"a""b"
				b.WriteByte(q)
				i += 2
				continue
			}
			i++
			break
		}
		if c == '\\' && !verbatim {
			if i+1 >= len(src) {
				return token{}, 0, newError(src, start, nil, "unterminated string literal")
			}
			e := src[i+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '\'', '"':
				b.WriteByte(e)
			case '0':
				b.WriteByte(0)
			case 'u':
				if i+6 <= len(src) {
					var r rune
					ok := true
					for _, h := range src[i+2 : i+6] {
						d := hexVal(byte(h))
						if d < 0 {
							ok = false
							break
						}
						r = r*16 + rune(d)
					}
					if ok {
						b.WriteRune(r)
						i += 6
						continue
					}
				}
				return token{}, 0, newError(src, i, nil, "invalid \\u escape in string literal")
			default:
				// Kusto keeps unknown escapes as the escaped character pair
				b.WriteByte('\\')
				b.WriteByte(e)
			}
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	return token{kind: tString, val: b.String(), raw: src[start:i], pos: start, end: i, verbatim: verbatim}, i, nil
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func lexNumber(src string, i int) token {
	start := i
	n := len(src)
	if src[i] == '0' && i+1 < n && (src[i+1] == 'x' || src[i+1] == 'X') {
		j := i + 2
		for j < n && hexVal(src[j]) >= 0 {
			j++
		}
		return token{kind: tInt, val: src[start:j], raw: src[start:j], pos: start, end: j}
	}
	kind := tInt
	for i < n && isDigit(src[i]) {
		i++
	}
	if i+1 < n && src[i] == '.' && isDigit(src[i+1]) {
		kind = tReal
		i++
		for i < n && isDigit(src[i]) {
			i++
		}
	} else if i < n && src[i] == '.' && (i+1 == n || (src[i+1] != '.' && !isIdentStart(src[i+1]) && src[i+1] != '[')) {
		// "1." is a real
		kind = tReal
		i++
	}
	if i < n && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < n && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < n && isDigit(src[j]) {
			for j < n && isDigit(src[j]) {
				j++
			}
			kind = tReal
			i = j
		}
	}
	// timespan suffix
	if i < n && isIdentStart(src[i]) {
		j := i
		for j < n && (isAlnum(src[j]) || src[j] == '_') {
			j++
		}
		word := strings.ToLower(src[i:j])
		for _, u := range timespanUnits {
			if word == u {
				return token{kind: tTimespan, val: src[start:j], raw: src[start:j], pos: start, end: j}
			}
		}
	}
	return token{kind: kind, val: src[start:i], raw: src[start:i], pos: start, end: i}
}

// afterOperand reports whether the token just before offset i ends there and can be
// followed by a member access (a name, ']' or ')'), so ".5" is not a number.
func afterOperand(toks []token, i int) bool {
	if len(toks) == 0 {
		return false
	}
	t := toks[len(toks)-1]
	if t.end != i {
		return false
	}
	return t.kind == tIdent || (t.kind == tPunct && (t.val == "]" || t.val == ")"))
}
