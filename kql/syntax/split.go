package syntax

import "strings"

// Piece is one query of a text that holds several (see Split).
type Piece struct {
	Text   string // the query text, trimmed of surrounding blank lines
	Offset int    // byte offset of Text in the source
	Line   int    // 1-based line of Text's first line in the source
}

// Split cuts text holding several queries separated by blank lines (the convention of
// Kusto Explorer and the Defender portal) into its queries. A blank line does not
// separate queries inside brackets or multi-line strings, after a let statement (let
// x = ...;), next to a pipe or a binary operator, or before a query has a result
// expression, so a single query with blank lines between its lets and its body stays
// whole. Text that does not lex is returned as one piece, for the parser to report.
func Split(src string) []Piece {
	toks, err := lex(src)
	if err != nil || len(toks) <= 1 {
		return []Piece{piece(src, 0, len(src))}
	}
	var out []Piece
	start := 0       // offset where the current piece starts
	depth := 0       // bracket nesting
	hasExpr := false // the current piece has a statement that is not let/set/declare
	stmtStart := true
	for i, t := range toks[:len(toks)-1] {
		if stmtStart {
			if !(t.kind == tIdent && (t.val == "let" || t.val == "set" || t.val == "declare")) {
				hasExpr = true
			}
			stmtStart = false
		}
		if t.kind == tPunct {
			switch t.val {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			case ";":
				if depth == 0 {
					stmtStart = true
				}
			}
		}
		next := toks[i+1]
		if next.kind == tEOF || depth != 0 || !hasExpr || !blankLineIn(src[t.end:next.pos]) {
			continue
		}
		if continues(t) || (next.kind == tPunct && strings.Contains("|)]},;.", next.val)) {
			continue
		}
		cut := t.end
		out = append(out, piece(src, start, cut))
		start, hasExpr, stmtStart = cut, false, true
	}
	out = append(out, piece(src, start, len(src)))
	return out
}

// continues reports whether a token cannot end a query: an operator or separator.
func continues(t token) bool {
	if t.kind != tPunct {
		return t.kind == tIdent && (t.val == "and" || t.val == "or" || t.val == "by" || t.val == "on" || t.val == "with")
	}
	switch t.val {
	case ")", "]", "}", ";":
		return t.val == ";"
	}
	return true
}

// blankLineIn reports whether gap (text between two tokens) holds a line with nothing but
// white space.
func blankLineIn(gap string) bool {
	lines := strings.Split(gap, "\n")
	if len(lines) < 3 {
		return false
	}
	for _, l := range lines[1 : len(lines)-1] {
		if strings.TrimFunc(l, IsSpace) == "" {
			return true
		}
	}
	return false
}

func piece(src string, from, to int) Piece {
	text := src[from:to]
	lead := len(text) - len(strings.TrimLeftFunc(text, IsSpace))
	// keep a leading comment with its query but drop the blank lines before it
	off := from + lead
	if i := strings.LastIndexByte(text[:lead], '\n'); i >= 0 {
		off = from + i + 1
	}
	body := strings.TrimRightFunc(src[off:to], IsSpace)
	return Piece{Text: strings.TrimLeft(body, "\n"), Offset: off, Line: 1 + strings.Count(src[:off], "\n")}
}
