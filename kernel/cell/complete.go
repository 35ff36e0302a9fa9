package cell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/huntkit/huntkit/kernel"
	"github.com/huntkit/huntkit/kql"
)

// Split splits a magic's line into words as a shell does: whitespace separates, single and
// double quotes group (backslash escapes in double quotes and bare words).
func Split(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else if r == '\\' && quote == '"' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\') {
				i++
				cur.WriteRune(rs[i])
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case unicode.IsSpace(r):
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

func isWordRune(r rune) bool {
	return r == '_' || r == '.' || r == '%' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordAt returns the word around cursor (rune offsets) and its bounds.
func wordAt(code string, cursor int) (word string, start, end int, line []rune) {
	rs := []rune(code)
	if cursor > len(rs) {
		cursor = len(rs)
	}
	if cursor < 0 {
		cursor = 0
	}
	start, end = cursor, cursor
	for start > 0 && isWordRune(rs[start-1]) {
		start--
	}
	for end < len(rs) && isWordRune(rs[end]) {
		end++
	}
	ls := start
	for ls > 0 && rs[ls-1] != '\n' {
		ls--
	}
	return string(rs[start:cursor]), start, end, rs[ls:start]
}

// Complete offers magics, template names and parameters, command flags, tables, columns
// and KQL functions for the word at cursor.
func (e *Evaluator) Complete(ctx context.Context, code string, cursor int) kernel.Completion {
	word, start, end, before := wordAt(code, cursor)
	prev := strings.Fields(string(before))
	var cands []string
	lineStart := len(prev) == 0
	switch {
	case lineStart && strings.HasPrefix(word, "%"):
		cands = append(magicNames(), "%%sql", "%%kql")
	case len(prev) > 0 && prev[0] == "%query" && len(prev) == 1:
		cands = e.templateNames()
	case len(prev) > 1 && prev[0] == "%query":
		cands = e.paramNames(prev[1])
	case len(prev) > 0 && (prev[0] == "%help" || prev[0] == "%queries") && len(prev) == 1:
		cands = append(e.templateNames(), magicNames()...)
	case len(prev) > 0 && strings.HasPrefix(prev[0], "%") && strings.HasPrefix(word, "-"):
		cands = e.flagNames(prev)
	default:
		cands = e.kqlNames(ctx)
	}
	var matches []string
	lw := strings.ToLower(word)
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(strings.ToLower(c), lw) && !seen[c] {
			seen[c] = true
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	if matches == nil {
		matches = []string{}
	}
	return kernel.Completion{Matches: matches, Start: start, End: end}
}

func (e *Evaluator) templateNames() []string {
	s, err := e.session(context.Background())
	if err != nil {
		return nil
	}
	entries, err := s.Queries("")
	if err != nil {
		return nil
	}
	var out []string
	for _, en := range entries {
		out = append(out, en.Name)
	}
	return out
}

func (e *Evaluator) paramNames(template string) []string {
	s, err := e.session(context.Background())
	if err != nil {
		return nil
	}
	t, err := s.Template(template)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range t.Params {
		out = append(out, p.Name+"=")
	}
	return out
}

func (e *Evaluator) flagNames(prev []string) []string {
	if e.opt.CommandList == nil {
		return nil
	}
	name := strings.TrimPrefix(prev[0], "%")
	if name == "connect" {
		return []string{"--data", "--map", "--workspace-name", "--auth", "--timeout", "--split"}
	}
	// the longest command path the words so far name: "ti lookup" before "ti"
	path := name
	best := ""
	var flags []string
	for _, c := range e.opt.CommandList() {
		if c.Path == path && best == "" {
			best, flags = c.Path, c.Flags
		}
		for _, w := range prev[1:] {
			if c.Path == path+" "+w && len(c.Path) > len(best) {
				best, flags = c.Path, c.Flags
			}
		}
	}
	return flags
}

// kqlNames are the tables and columns of the workspace and the KQL functions.
func (e *Evaluator) kqlNames(ctx context.Context) []string {
	var out []string
	if ts, err := e.hk.Tables(ctx); err == nil {
		for _, t := range ts {
			out = append(out, t.Name)
			for _, c := range t.Columns {
				out = append(out, c.Name)
			}
		}
	}
	return append(out, kql.FunctionNames()...)
}

// Inspect shows a template's help (Shift-Tab on Family.name), a magic's usage, or a
// table's columns.
func (e *Evaluator) Inspect(ctx context.Context, code string, cursor int) (string, bool) {
	_, start, end, _ := wordAt(code, cursor)
	word := string([]rune(code)[start:end])
	if word == "" {
		return "", false
	}
	if m, ok := magics[strings.TrimPrefix(word, "%")]; ok && strings.HasPrefix(word, "%") {
		return m.usage + "\n  " + m.short, true
	}
	if strings.Contains(word, ".") {
		if s, err := e.session(ctx); err == nil {
			var b bytes.Buffer
			if err := s.Help(&b, word); err == nil {
				return b.String(), true
			}
		}
	}
	if ts, err := e.hk.Tables(ctx); err == nil {
		for _, t := range ts {
			if strings.EqualFold(t.Name, word) {
				var b strings.Builder
				fmt.Fprintf(&b, "%s (%d rows)\n", t.Name, t.Rows)
				for _, c := range t.Columns {
					fmt.Fprintf(&b, "  %s %s\n", c.Name, c.Type)
				}
				return b.String(), true
			}
		}
	}
	return "", false
}
