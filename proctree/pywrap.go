package proctree

import (
	"strings"
	"unicode"
)

// pyWrap wraps text the way Python's textwrap.wrap does with its default settings (expand
// tabs, whitespace to spaces, break long words, drop whitespace at line ends, break on
// hyphens), so text trees match MSTICPy's tree_to_text line for line. Widths count
// characters (code points), as Python does.
func pyWrap(text string, width int, initial, subsequent string) []string {
	chunks := pyChunks([]rune(pyMungeWhitespace(text)))
	// reverse, so the next chunk is at the end
	for i, j := 0, len(chunks)-1; i < j; i, j = i+1, j-1 {
		chunks[i], chunks[j] = chunks[j], chunks[i]
	}
	var lines []string
	for len(chunks) > 0 {
		var cur [][]rune
		curLen := 0
		indent := initial
		if len(lines) > 0 {
			indent = subsequent
		}
		w := width - len([]rune(indent))
		if len(lines) > 0 && isBlank(chunks[len(chunks)-1]) {
			chunks = chunks[:len(chunks)-1]
		}
		for len(chunks) > 0 {
			l := len(chunks[len(chunks)-1])
			if curLen+l > w {
				break
			}
			cur = append(cur, chunks[len(chunks)-1])
			chunks = chunks[:len(chunks)-1]
			curLen += l
		}
		if len(chunks) > 0 && len(chunks[len(chunks)-1]) > w {
			// break a long word
			spaceLeft := w - curLen
			if w < 1 {
				spaceLeft = 1
			}
			chunk := chunks[len(chunks)-1]
			end := spaceLeft
			if len(chunk) > spaceLeft {
				if h := lastIndexRune(chunk[:max(spaceLeft, 0)], '-'); h > 0 && hasNonHyphen(chunk[:h]) {
					end = h + 1
				}
			}
			end = min(max(end, 0), len(chunk))
			cur = append(cur, chunk[:end])
			chunks[len(chunks)-1] = chunk[end:]
			if len(chunks[len(chunks)-1]) == 0 {
				chunks = chunks[:len(chunks)-1]
			}
		}
		if len(cur) > 0 && isBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var sb strings.Builder
			sb.WriteString(indent)
			for _, c := range cur {
				sb.WriteString(string(c))
			}
			lines = append(lines, sb.String())
		}
	}
	return lines
}

// pyMungeWhitespace expands tabs (8 columns) and turns \n \v \f \r into spaces.
func pyMungeWhitespace(s string) string {
	var sb strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			sb.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\v', '\f', '\r':
			sb.WriteByte(' ')
			col++
		default:
			sb.WriteRune(r)
			col++
		}
	}
	return sb.String()
}

func pyWS(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}

func pyWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func pyLetter(r rune) bool { return unicode.IsLetter(r) || r == '_' }

func pyWordPunct(r rune) bool {
	return pyWordChar(r) || strings.ContainsRune("!\"'&.,?", r)
}

// pyChunks splits text as TextWrapper.wordsep_re does: runs of whitespace, em-dashes between
// words, and words split after hyphens inside hyphenated words.
func pyChunks(s []rune) [][]rune {
	at := func(i int) rune {
		if i < 0 || i >= len(s) {
			return 0
		}
		return s[i]
	}
	letter := func(i int) bool { return i >= 0 && i < len(s) && pyLetter(s[i]) }
	emDashAhead := func(j int) bool { // (?=-{2,}\w)
		k := j
		for k < len(s) && s[k] == '-' {
			k++
		}
		return k-j >= 2 && k < len(s) && pyWordChar(s[k])
	}
	var out [][]rune
	for i := 0; i < len(s); {
		if pyWS(s[i]) {
			j := i
			for j < len(s) && pyWS(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			i = j
			continue
		}
		if i > 0 && pyWordPunct(s[i-1]) && emDashAhead(i) {
			j := i
			for j < len(s) && s[j] == '-' {
				j++
			}
			out = append(out, s[i:j])
			i = j
			continue
		}
		end := -1
		for j := i + 1; end < 0; j++ {
			// j: the position after the shortest run of non-whitespace s[i:j]
			if at(j) == '-' && ((letter(j-2) && letter(j-1)) || (letter(j-3) && at(j-2) == '-' && letter(j-1))) &&
				letter(j+1) && (letter(j+2) || (at(j+2) == '-' && letter(j+3))) {
				end = j + 1
			} else if j >= len(s) || pyWS(s[j]) {
				end = j
			} else if pyWordPunct(s[j-1]) && emDashAhead(j) {
				end = j
			}
		}
		out = append(out, s[i:end])
		i = end
	}
	return out
}

func isBlank(r []rune) bool {
	for _, c := range r {
		if !pyWS(c) {
			return false
		}
	}
	return true
}

func lastIndexRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

func hasNonHyphen(r []rune) bool {
	for _, c := range r {
		if c != '-' {
			return true
		}
	}
	return false
}
