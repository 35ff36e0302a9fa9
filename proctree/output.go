package proctree

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Frame returns the processes as a frame in display order (or only ids, in the given order):
// the input columns (synthesised parents carry their name, id and host in the schema's columns
// and nulls elsewhere) followed by MSTICPy's tree columns proc_key, parent_key, path,
// source_index, parent_index, IsRoot, IsLeaf, IsBranch, and huntkit's depth (0 for roots),
// children (count) and Synthesized.
func (t *Tree) Frame(ids ...int) *frame.Frame {
	if ids == nil {
		ids = t.Order()
	}
	s := t.Schema
	filled := map[string]func(id int) string{
		s.ProcessName: t.Name, s.ProcessID: t.PID, s.ParentID: t.ParentPID,
	}
	if s.Host != "" {
		filled[s.Host] = t.Host
	}
	if s.CmdLine != "" {
		filled[s.CmdLine] = t.CmdLine
	}
	var cols []*frame.Column
	for _, c := range t.src.Columns() {
		fill := filled[c.Name()]
		b := frame.NewBuilder(c.Name(), c.Type(), len(ids))
		for _, id := range ids {
			r := t.row[id]
			switch {
			case r >= 0:
				appendCell(b, c, int(r))
			case c.Name() == s.Time && t.tns[id] != 0:
				if err := b.Append(t.Time(id)); err != nil {
					b.AppendNull()
				}
			case fill != nil:
				v := fill(id)
				if v == "" {
					b.AppendNull()
				} else if err := b.Append(convertText(v, c.Type())); err != nil {
					b.AppendNull()
				}
			default:
				b.AppendNull()
			}
		}
		cols = append(cols, b.Column())
	}
	n := len(ids)
	key, pkey, path := make([]string, n), make([]string, n), make([]string, n)
	srcIdx, parIdx := make([]int64, n), make([]int64, n)
	parValid := make([]bool, n)
	pkValid := make([]bool, n)
	isRoot, isLeaf, isBranch, synth := make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
	depth, nch := make([]int64, n), make([]int64, n)
	keys := make([]string, t.Len())
	lowered := map[string]string{}
	lower := func(s string) string {
		l, ok := lowered[s]
		if !ok {
			l = strings.ToLower(s)
			if len(lowered) < 1<<16 {
				lowered[s] = l
			}
		}
		return l
	}
	var kb []byte
	keyOf := func(id int) string {
		if keys[id] == "" {
			kb = t.appendKey(kb[:0], id, lower)
			keys[id] = string(kb)
		}
		return keys[id]
	}
	paths := t.paths()
	for j, id := range ids {
		key[j] = keyOf(id)
		if p := t.Parent(id); p >= 0 {
			pkey[j], pkValid[j] = keyOf(p), true
			parIdx[j], parValid[j] = int64(t.SourceIndex(p)), true
		}
		path[j] = paths[id]
		srcIdx[j] = int64(t.SourceIndex(id))
		isRoot[j], isLeaf[j], isBranch[j] = t.IsRoot(id), t.IsLeaf(id), t.IsBranch(id)
		synth[j] = t.IsSynthesized(id)
		depth[j] = int64(t.Depth(id))
		nch[j] = int64(t.NumChildren(id))
	}
	cols = append(cols,
		frame.NewStrings("proc_key", key), frame.NewStrings("parent_key", pkey).WithValid(pkValid),
		frame.NewStrings("path", path), frame.NewInts("source_index", srcIdx),
		frame.NewInts("parent_index", parIdx).WithValid(parValid),
		frame.NewBools("IsRoot", isRoot), frame.NewBools("IsLeaf", isLeaf), frame.NewBools("IsBranch", isBranch),
		frame.NewInts("depth", depth), frame.NewInts("children", nch), frame.NewBools("Synthesized", synth))
	// tree columns replace input columns of the same name
	out, err := frame.New(dedupeCols(cols)...)
	if err != nil {
		panic("proctree: " + err.Error()) // columns are built with equal lengths
	}
	return out
}

// appendCell copies cell r of c into b without boxing the common types.
func appendCell(b *frame.Builder, c *frame.Column, r int) {
	if c.IsNull(r) {
		b.AppendNull()
		return
	}
	switch c.Type() {
	case frame.String:
		b.AppendString(c.Str(r))
	case frame.Int:
		b.AppendInt(c.Int(r))
	case frame.Float:
		b.AppendFloat(c.Float(r))
	case frame.Bool:
		b.AppendBool(c.Bool(r))
	case frame.Time:
		b.AppendTime(c.Time(r))
	default:
		if err := b.Append(c.Value(r)); err != nil {
			b.AppendNull()
		}
	}
}

func dedupeCols(cols []*frame.Column) []*frame.Column {
	last := map[string]int{}
	for i, c := range cols {
		last[c.Name()] = i
	}
	var out []*frame.Column
	for i, c := range cols {
		if last[c.Name()] == i {
			out = append(out, c)
		}
	}
	return out
}

// convertText turns an identifier or name into a value for a column of type typ.
func convertText(v string, typ frame.Type) any {
	switch typ {
	case frame.Int:
		if n, err := strconv.ParseInt(v, 0, 64); err == nil {
			return n
		}
	case frame.Float:
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	}
	return v
}

// TextOptions configure WriteText.
type TextOptions struct {
	// Wrap is the line width for wrapping (default 80; negative: no wrapping).
	Wrap int
	// Fields selects the detail lines: any of "time", "cmdline", "account", "host"
	// (nil: time, cmdline, account, and host in host-aware mode; empty: none). A column name of
	// the input shows that column.
	Fields []string
	// MSTICPy renders exactly as MSTICPy's tree_to_text with its default template: processes
	// sorted by path, lines "Process/PID", "Time", "Cmdline", "Account (user id)/Account
	// (logon id)", missing values as "nan", wrapped with Python's textwrap rules.
	MSTICPy bool
}

// WriteText renders the processes (all, or the trees in ids) as an indented text tree in the
// style of MSTICPy's tree_to_text: a "+ " header per root and "+-- " per child, then the
// process's detail lines.
func (t *Tree) WriteText(w io.Writer, opt TextOptions, ids ...int) error {
	if ids == nil {
		ids = t.Order()
	}
	width := opt.Wrap
	if width == 0 {
		width = 80
	}
	if opt.MSTICPy {
		return t.writeMSTICPyText(w, width, ids)
	}
	fields := opt.Fields
	if fields == nil {
		fields = []string{"time", "cmdline", "account"}
		if t.HostAware && t.Schema.Host != "" {
			fields = append([]string{"host"}, fields...)
		}
	}
	bw := bufio.NewWriter(w)
	base := -1
	for _, id := range ids {
		if base < 0 {
			base = t.Depth(id)
		}
		d := max(t.Depth(id)-base, 0)
		header := "+ "
		if d > 0 {
			header = strings.Repeat("   ", d) + "+-- "
		}
		indent := strings.Repeat(" ", len(header)+1)
		first := "Process: " + t.Name(id) + "  PID: " + t.PID(id)
		if t.IsSynthesized(id) {
			first += "  (inferred parent)"
		}
		for i, line := range wrapText(first, width, "", indent) {
			if i == 0 {
				bw.WriteString(header + " " + line + "\n")
			} else {
				bw.WriteString(line + "\n")
			}
		}
		for _, fld := range fields {
			var text string
			switch fld {
			case "time":
				tm := t.Time(id)
				text = "Time: "
				if !tm.IsZero() {
					text += tm.Format("2006-01-02 15:04:05.000000")
				}
			case "cmdline":
				text = "Cmdline: " + t.CmdLine(id)
			case "account":
				text = "Account: " + t.User(id) + "  LogonId: " + t.LogonID(id)
			case "host":
				text = "Host: " + t.Host(id)
			default:
				if c := t.src.Col(fld); c != nil {
					text = fld + ": " + t.cell(id, fld, "", "")
				} else {
					continue
				}
			}
			for _, line := range wrapText(text, width, indent, indent+"   ") {
				bw.WriteString(line + "\n")
			}
		}
	}
	return bw.Flush()
}

// wrapText splits text into lines of at most width characters at whitespace (kept inside a
// line, dropped at breaks), breaking words longer than a line; the first line starts with
// first and later ones with rest.
func wrapText(text string, width int, first, rest string) []string {
	type word struct{ sep, w string }
	var words []word
	sep := ""
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' {
			j++
		}
		if j > i {
			words = append(words, word{sep, text[i:j]})
			sep = ""
		}
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n') {
			k++
		}
		sep += strings.Repeat(" ", k-j)
		i = k
	}
	if width < 0 {
		var sb strings.Builder
		sb.WriteString(first)
		for i, w := range words {
			if i > 0 {
				sb.WriteString(w.sep)
			}
			sb.WriteString(w.w)
		}
		return []string{sb.String()}
	}
	width = max(width, len(first)+20, len(rest)+20)
	var lines []string
	cur, empty := first, true
	for _, wd := range words {
		w := wd.w
		for {
			gap := ""
			if !empty {
				gap = wd.sep
			}
			room := width - len(cur) - len(gap)
			if len(w) <= room {
				cur += gap + w
				empty = false
				break
			}
			if !empty && len(w) <= width-len(rest) {
				lines = append(lines, cur)
				cur, empty = rest, true
				continue
			}
			if room <= 0 {
				lines = append(lines, cur)
				cur, empty = rest, true
				continue
			}
			cur += gap + w[:room]
			w = w[room:]
			lines = append(lines, cur)
			cur, empty = rest, true
		}
	}
	if !empty || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// formatTime formats a process time for display ("" for unknown).
func formatTime(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.Format("2006-01-02 15:04:05.000")
}

// writeMSTICPyText renders like MSTICPy's tree_to_text with the template it builds from the
// schema.
func (t *Tree) writeMSTICPyText(w io.Writer, width int, ids []int) error {
	paths := make(map[int]string, len(ids))
	for _, id := range ids {
		paths[id] = t.Path(id)
	}
	sorted := slices.Clone(ids)
	slices.SortStableFunc(sorted, func(a, b int) int { return strings.Compare(paths[a], paths[b]) })
	nan := func(s string) string {
		if s == "" {
			return "nan"
		}
		return s
	}
	if width < 0 {
		width = 1 << 30
	}
	s := t.Schema
	bw := bufio.NewWriter(w)
	for _, id := range sorted {
		depth := strings.Count(paths[id], "/")
		header := "+ "
		if depth > 0 {
			header = strings.Repeat("   ", depth) + "+-- "
		}
		indent := strings.Repeat(" ", len(header)) + " "
		first := "Process: " + nan(t.Name(id)) + "  PID: " + nan(t.PID(id))
		bw.WriteString(header + " " + strings.Join(pyWrap(first, width, "", indent), "\n") + "\n")
		lines := []string{"Time: " + pandasTime(t, id)}
		if s.CmdLine != "" {
			lines = append(lines, "Cmdline: "+nan(t.CmdLine(id)))
		}
		var acct []string
		if s.UserID != "" {
			acct = append(acct, "Account: "+nan(t.cell(id, s.UserID, "", "")))
		}
		if s.LogonID != "" {
			logon := t.cell(id, s.LogonID, s.LogonID, "")
			acct = append(acct, "Account: "+nan(logon))
		}
		if len(acct) > 0 {
			lines = append(lines, strings.Join(acct, "  "))
		}
		for _, l := range lines {
			bw.WriteString(strings.Join(pyWrap(l, width, indent, indent+"   "), "\n"))
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// pandasTime formats a start time as str(pandas.Timestamp) does; inferred parents have the
// Unix epoch.
func pandasTime(t *Tree, id int) string {
	ns := t.tns[id]
	tm := time.Unix(0, ns).UTC()
	switch {
	case ns%1000 != 0:
		return tm.Format("2006-01-02 15:04:05.000000000")
	case ns%1_000_000_000 != 0:
		return tm.Format("2006-01-02 15:04:05.000000")
	}
	return tm.Format("2006-01-02 15:04:05")
}
