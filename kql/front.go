package kql

import (
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// Query is a parsed KQL query (see package syntax).
type Query = syntax.Query

// Node is any node of a parsed query.
type Node = syntax.Node

// Parse parses KQL query text into an AST (see syntax.Parse). Errors are *Error values
// with the line and column of the offending token.
func Parse(src string) (*Query, error) { return syntax.Parse(src) }

// Format prints a parsed query back as canonical KQL (see syntax.Format).
func Format(q *Query) string { return syntax.Format(q) }

// ParseTimespan parses the text accepted by timespan(...) (see syntax.ParseTimespan).
var ParseTimespan = syntax.ParseTimespan

// ParseDatetime parses the datetime forms Kusto accepts (see syntax.ParseDatetime).
var ParseDatetime = syntax.ParseDatetime

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// ErrSeveralQueries is wrapped by the parse error for text holding several queries
// separated by blank lines (see SplitQueries).
var ErrSeveralQueries = syntax.ErrSeveralQueries

// QueryPiece is one query of a text that holds several.
type QueryPiece = syntax.Piece

// SplitQueries cuts text holding several queries separated by blank lines (the
// convention of Kusto Explorer and the Defender portal) into its queries; text holding
// one query, even with blank lines between its lets and its body, is one piece.
func SplitQueries(src string) []QueryPiece { return syntax.Split(src) }

// PickQuery returns query n (1-based) of a text holding several queries separated by
// blank lines (see SplitQueries), padded with the lines before it so that errors keep
// the text's line numbers. n = 0 accepts a text of one query only and otherwise fails
// with an error wrapping ErrSeveralQueries that says how many there are.
func PickQuery(src string, n int) (string, error) {
	pieces := SplitQueries(src)
	if n == 0 {
		if len(pieces) > 1 {
			return "", fmt.Errorf("%w: the text holds %d queries separated by blank lines; pick one by number (1-%d)", ErrSeveralQueries, len(pieces), len(pieces))
		}
		return src, nil
	}
	if n < 0 || n > len(pieces) {
		return "", fmt.Errorf("query %d does not exist: the text holds %d quer%s", n, len(pieces), map[bool]string{true: "y", false: "ies"}[len(pieces) == 1])
	}
	p := pieces[n-1]
	return strings.Repeat("\n", p.Line-1) + p.Text, nil
}
