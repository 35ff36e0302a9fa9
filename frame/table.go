package frame

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TableOptions control the terminal table.
type TableOptions struct {
	// Width is the terminal width in characters; 0 means 120.
	Width int
	// MaxRows is the most rows shown; 0 means 50, negative means all.
	MaxRows int
	// MaxCellWidth caps a column's width before fitting to Width; 0 means no cap other than
	// Width itself.
	MaxCellWidth int
	// HiddenHint is added to the footer when columns are left out for want of room, for
	// example "choose them with --columns".
	HiddenHint string
}

// Column widths: a column narrower than minColWidth keeps its full width; a wider one is
// never cut below minColWidth: trailing columns are left out first.
const (
	colSep      = 2
	minColWidth = 20 // a timestamp, an IP address, most host names
)

const ellipsis = "…"

// WriteTable renders f as an aligned text table that fits opt.Width. Columns that fit keep
// their full width and the wider ones share the rest evenly (allocateWidths), their long
// cells cut with an ellipsis; when not even minColWidth per column fits, trailing columns
// are left out. A footer says how many rows and columns were not shown.
func WriteTable(w io.Writer, f *Frame, opt TableOptions) error {
	if opt.Width <= 0 {
		opt.Width = 120
	}
	if opt.MaxRows == 0 {
		opt.MaxRows = 50
	}
	shown := f.n
	if opt.MaxRows > 0 && shown > opt.MaxRows {
		shown = opt.MaxRows
	}
	bw := bufio.NewWriter(w)
	if len(f.cols) == 0 {
		fmt.Fprintf(bw, "(no columns; %d rows)\n", f.n)
		return bw.Flush()
	}
	// Cells as single-line display strings.
	cells := make([][]string, len(f.cols))
	widths := make([]int, len(f.cols))
	numeric := make([]bool, len(f.cols))
	for j, c := range f.cols {
		numeric[j] = c.typ == Int || c.typ == Float
		col := make([]string, shown)
		wd := displayWidth(c.name)
		for i := 0; i < shown; i++ {
			s := oneLine(c.Text(i))
			col[i] = s
			if dw := displayWidth(s); dw > wd {
				wd = dw
			}
		}
		cells[j] = col
		if opt.MaxCellWidth > 0 {
			wd = min(wd, opt.MaxCellWidth)
		}
		widths[j] = wd
	}
	widths = allocateWidths(widths, opt.Width)
	ncols := len(widths)
	writeRow := func(vals func(j int) string) {
		var line strings.Builder
		for j := 0; j < ncols; j++ {
			s := fit(vals(j), widths[j])
			pad := widths[j] - displayWidth(s)
			if numeric[j] {
				line.WriteString(strings.Repeat(" ", pad))
				line.WriteString(s)
			} else {
				line.WriteString(s)
				if j < ncols-1 {
					line.WriteString(strings.Repeat(" ", pad))
				}
			}
			if j < ncols-1 {
				line.WriteString(strings.Repeat(" ", colSep))
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	writeRow(func(j int) string { return f.cols[j].name })
	writeRow(func(j int) string { return strings.Repeat("─", widths[j]) })
	for i := 0; i < shown; i++ {
		writeRow(func(j int) string { return cells[j][i] })
	}
	var notes []string
	if shown < f.n {
		notes = append(notes, fmt.Sprintf("%d more rows not shown (%d in all)", f.n-shown, f.n))
	} else {
		notes = append(notes, plural(f.n, "row"))
	}
	if ncols < len(f.cols) {
		hidden := make([]string, 0, len(f.cols)-ncols)
		for _, c := range f.cols[ncols:] {
			hidden = append(hidden, c.name)
		}
		note := fmt.Sprintf("%s not shown: %s", plural(len(hidden), "column"), fit(strings.Join(hidden, ", "), max(20, opt.Width-30)))
		if opt.HiddenHint != "" {
			note += " (" + opt.HiddenHint + ")"
		}
		notes = append(notes, note)
	}
	fmt.Fprintf(bw, "(%s)\n", strings.Join(notes, "; "))
	if f.partial != nil {
		fmt.Fprintf(bw, "(partial result: %s)\n", oneLine(f.partial.Error()))
	}
	return bw.Flush()
}

// allocateWidths fits columns of the given natural widths into width cells (colSep between
// columns) and returns the widths of the columns shown, a prefix of natural. Columns are
// kept while each can have min(natural, minColWidth); the room left is then shared by
// water-filling: every column narrower than its fair share keeps its natural width and the
// wider ones split the rest evenly (the leftmost get the odd cells). One column is always
// shown, cut to width if need be.
func allocateWidths(natural []int, width int) []int {
	n, used := 0, 0
	for n < len(natural) {
		need := min(natural[n], minColWidth)
		if n > 0 {
			need += colSep
		}
		if n > 0 && used+need > width {
			break
		}
		used += need
		n++
	}
	out := append([]int(nil), natural[:n]...)
	room := width - colSep*(n-1)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return out[order[a]] < out[order[b]] })
	left := n
	for k, j := range order {
		share := room / left
		if out[j] <= share {
			room -= out[j]
			left--
			continue
		}
		// The rest are all wider than the fair share: they split the room evenly.
		rest := append([]int(nil), order[k:]...)
		sort.Ints(rest)
		extra := room - share*left
		for _, r := range rest {
			out[r] = max(share, 1)
			if extra > 0 {
				out[r]++
				extra--
			}
		}
		break
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine makes a cell printable on one line: control characters become visible marks.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n':
			return '⏎'
		case '\t':
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return '·'
		}
		return r
	}, s)
}

// displayWidth counts terminal cells, treating East Asian wide runes as two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if r < 0x1100 {
		return 1
	}
	if unicode.Is(unicode.Mn, r) {
		return 0
	}
	if (r >= 0x1100 && r <= 0x115F) || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
		(r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x20000 && r <= 0x3FFFD) {
		return 2
	}
	return 1
}

// fit cuts s to at most width display cells, ending with an ellipsis when cut.
func fit(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width <= 1 {
		return ellipsis[:0] + strings.Repeat(".", max(width, 0))
	}
	var b strings.Builder
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		rw := runeWidth(r)
		if n+rw > width-1 {
			break
		}
		b.WriteRune(r)
		n += rw
		s = s[size:]
	}
	b.WriteString(ellipsis)
	return b.String()
}
