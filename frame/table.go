package frame

import (
	"bufio"
	"fmt"
	"io"
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
	// MaxCellWidth caps a column's width before fitting to Width; 0 means 48.
	MaxCellWidth int
}

const ellipsis = "…"

// WriteTable renders f as an aligned text table that fits opt.Width: long cells are cut with
// an ellipsis, columns shrink (widest first) and, when even that is not enough, trailing
// columns are left out. A footer says how many rows and columns were not shown.
func WriteTable(w io.Writer, f *Frame, opt TableOptions) error {
	if opt.Width <= 0 {
		opt.Width = 120
	}
	if opt.MaxRows == 0 {
		opt.MaxRows = 50
	}
	if opt.MaxCellWidth <= 0 {
		opt.MaxCellWidth = 48
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
		widths[j] = min(wd, opt.MaxCellWidth)
	}
	const sep = 2
	const minWidth = 6
	total := func(n int) int {
		t := 0
		for j := 0; j < n; j++ {
			t += widths[j]
		}
		return t + sep*(n-1)
	}
	ncols := len(f.cols)
	for total(ncols) > opt.Width {
		// Shrink the widest column that can still shrink.
		widest := -1
		for j := 0; j < ncols; j++ {
			if widths[j] > minWidth && (widest < 0 || widths[j] > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 {
			if ncols == 1 {
				break
			}
			ncols--
			continue
		}
		widths[widest]--
	}
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
				line.WriteString("  ")
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
		notes = append(notes, fmt.Sprintf("%s not shown: %s", plural(len(hidden), "column"), fit(strings.Join(hidden, ", "), max(20, opt.Width-30))))
	}
	fmt.Fprintf(bw, "(%s)\n", strings.Join(notes, "; "))
	if f.partial != nil {
		fmt.Fprintf(bw, "(partial result: %s)\n", oneLine(f.partial.Error()))
	}
	return bw.Flush()
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
