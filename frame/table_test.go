package frame

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestAllocateWidths(t *testing.T) {
	for _, tc := range []struct {
		name    string
		natural []int
		width   int
		want    []int
	}{
		{"all fit", []int{5, 20, 7}, 80, []int{5, 20, 7}},
		{"one wide column takes the rest", []int{20, 18, 7, 200, 5}, 100, []int{20, 18, 7, 42, 5}},
		{"two wide columns share evenly", []int{8, 100, 100}, 60, []int{8, 24, 24}},
		{"odd cell goes left", []int{8, 100, 100}, 61, []int{8, 25, 24}},
		{"narrow columns stay whole", []int{3, 4, 5, 60, 6}, 50, []int{3, 4, 5, 24, 6}},
		{"trailing columns left out before any drops below the floor",
			[]int{30, 30, 30, 30, 30, 30, 30, 30, 30, 30}, 70, []int{22, 22, 22}},
		{"odd cells go to the leftmost wide columns", []int{30, 30, 30, 30}, 66, []int{21, 21, 20}},
		{"a narrow trailing column fits at its width", []int{40, 3, 3}, 30, []int{20, 3, 3}},
		{"one that does not fit is left out", []int{40, 3, 3}, 26, []int{21, 3}},
		{"one column cut to the width", []int{300}, 50, []int{50}},
		{"tiny width", []int{30, 30}, 4, []int{4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allocateWidths(tc.natural, tc.width)
			if !slices.Equal(got, tc.want) {
				t.Errorf("allocateWidths(%v, %d) = %v, want %v", tc.natural, tc.width, got, tc.want)
			}
			if total := sum(got) + colSep*(len(got)-1); total > tc.width && len(got) > 1 {
				t.Errorf("total %d wider than %d", total, tc.width)
			}
		})
	}
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// wide is a result with many columns: short codes, timestamps and long command lines.
func wide() *Frame {
	var cols []*Column
	for j := 0; j < 6; j++ {
		cols = append(cols, NewStrings(fmt.Sprintf("Code%d", j), []string{"ok", "no"}))
		cols = append(cols, NewStrings(fmt.Sprintf("Time%d", j), []string{"2024-03-01T08:00:00Z", "2024-03-01T08:01:00Z"}))
		cols = append(cols, NewStrings(fmt.Sprintf("Cmd%d", j), []string{strings.Repeat("powershell -enc AAAA ", 6), "cmd.exe /c whoami"}))
	}
	return MustNew(cols...)
}

func TestWriteTableWide(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opt        TableOptions
		wantHeader []string // column headers expected, in order
		wantCell   string   // a cell expected whole
		hidden     string   // expected footer text about hidden columns ("" = none hidden)
	}{
		{"wide terminal shows everything whole", TableOptions{Width: 2000},
			[]string{"Code0", "Time0", "Cmd0", "Cmd5"}, "powershell -enc AAAA powershell", ""},
		{"short and timestamp columns keep full width", TableOptions{Width: 120, HiddenHint: "choose them with --columns"},
			[]string{"Code0", "Time0", "Cmd0", "Code1", "Time1"}, "2024-03-01T08:00:00Z", "columns not shown: Time2, Cmd2"},
		{"MaxCellWidth still caps", TableOptions{Width: 2000, MaxCellWidth: 10},
			[]string{"Cmd5"}, "2024-03-0…", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, wide(), tc.opt); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, h := range tc.wantHeader {
				if !slices.Contains(strings.Fields(lines[0]), h) {
					t.Errorf("header %q missing:\n%s", h, out)
				}
			}
			if !strings.Contains(lines[2], tc.wantCell) {
				t.Errorf("cell %q not shown whole:\n%s", tc.wantCell, out)
			}
			for _, l := range lines[:len(lines)-1] {
				if displayWidth(l) > tc.opt.Width {
					t.Errorf("line wider than %d: %q", tc.opt.Width, l)
				}
			}
			footer := lines[len(lines)-1]
			if tc.hidden == "" && strings.Contains(footer, "not shown") {
				t.Errorf("footer %q: no column should be hidden", footer)
			}
			if tc.hidden != "" && !strings.Contains(footer, tc.hidden) {
				t.Errorf("footer %q lacks %q", footer, tc.hidden)
			}
			if tc.opt.HiddenHint != "" && !strings.Contains(footer, tc.opt.HiddenHint) {
				t.Errorf("footer %q lacks the hint", footer)
			}
		})
	}
}
