package vis

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

// ProcessTree writes a collapsible process tree: one line per process (image, pid, time,
// command line), children under their parent, synthesised parents in italics. Nodes are
// coloured by ColorBy (a column of the source events, or name / host / user; default the
// host when there are several, else the image name), hovering shows the TooltipColumns, and
// the search box finds processes by name, command line or pid and opens the branches holding
// them. ExpandDepth sets how many levels start open.
func ProcessTree(w io.Writer, tree *proctree.Tree, opts ...Option) error {
	c := newConfig(opts)
	if tree == nil || tree.Len() == 0 {
		return fmt.Errorf("vis: process tree: %w: no processes", ErrNoData)
	}
	ids := tree.Order()
	if c.subset {
		ids = make([]int, 0, len(c.procIDs))
		for _, id := range c.procIDs {
			if id >= 0 && id < tree.Len() {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return fmt.Errorf("vis: process tree: %w: no processes selected", ErrNoData)
		}
	}
	if c.maxRows > 0 && len(ids) > c.maxRows {
		ids = ids[:c.maxRows]
	}
	pos := make(map[int]int, len(ids))
	for j, id := range ids {
		pos[id] = j
	}
	n := len(ids)
	parent := make([]int64, n)
	name, base, pid, cmd, host, user, color := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ts := make([]time.Time, n)
	tValid := make([]bool, n)
	synth := make([]bool, n)
	src := tree.Source()
	colorCol := c.colorCol
	hosts := map[string]bool{}
	for _, id := range ids {
		hosts[tree.Host(id)] = true
	}
	if colorCol == "" {
		colorCol = "name"
		if len(hosts) > 1 {
			colorCol = "host"
		}
	}
	var colorSrc *frame.Column
	switch strings.ToLower(colorCol) {
	case "name", "host", "user":
	default:
		var err error
		if colorSrc, err = needCol(src, "process tree", "colour column", colorCol); err != nil {
			return err
		}
	}
	for j, id := range ids {
		parent[j] = -1
		if p := tree.Parent(id); p >= 0 {
			if q, ok := pos[p]; ok {
				parent[j] = int64(q)
			}
		}
		name[j] = tree.Name(id)
		base[j] = baseName(name[j])
		pid[j] = tree.PID(id)
		cmd[j] = tree.CmdLine(id)
		host[j] = tree.Host(id)
		user[j] = tree.User(id)
		if tm := tree.Time(id); !tm.IsZero() {
			ts[j], tValid[j] = tm, true
		}
		synth[j] = tree.IsSynthesized(id)
		switch {
		case colorSrc != nil:
			if r := tree.Row(id); r >= 0 && !colorSrc.IsNull(r) {
				color[j] = colorSrc.Text(r)
			}
		case strings.EqualFold(colorCol, "host"):
			color[j] = host[j]
		case strings.EqualFold(colorCol, "user"):
			color[j] = user[j]
		default:
			color[j] = strings.ToLower(base[j])
		}
	}
	cols := []*frame.Column{
		frame.NewInts("parent", parent), frame.NewStrings("name", name), frame.NewStrings("label", base),
		frame.NewStrings("pid", pid), frame.NewTimes("time", ts).WithValid(tValid), frame.NewStrings("cmdline", cmd),
		frame.NewStrings("host", host), frame.NewStrings("user", user), frame.NewBools("synth", synth),
		frame.NewStrings("color", color),
	}
	var tipNames []string
	for _, tn := range c.tooltipCols {
		sc, err := needCol(src, "process tree", "tooltip column", tn)
		if err != nil {
			return err
		}
		b := frame.NewBuilder("tip:"+sc.Name(), sc.Type(), n)
		for _, id := range ids {
			if r := tree.Row(id); r >= 0 && !sc.IsNull(r) {
				if err := b.Append(sc.Value(r)); err != nil {
					b.AppendNull()
				}
			} else {
				b.AppendNull()
			}
		}
		cols = append(cols, b.Column())
		tipNames = append(tipNames, "tip:"+sc.Name())
	}
	sum := tree.Summary()
	title := c.title
	if title == "" {
		title = "Process tree"
	}
	sub := fmt.Sprintf("%d processes, %d trees, depth %d, %d inferred parents (%s matching, schema %s)",
		sum.Processes, sum.RootProcesses, sum.LargestTreeDepth, sum.SynthesizedParents, matchMode(tree), tree.Schema.Name)
	switch {
	case c.subset:
		sub = fmt.Sprintf("%d selected processes of ", n) + sub
	case n < tree.Len():
		sub = fmt.Sprintf("first %d of ", n) + sub
	}
	p := &page{
		title: title, sub: sub,
		body: `<div class="hk-bar"><input id="hk-search" type="search" placeholder="find name, command line or pid" size="36">
<button type="button" id="hk-find">Find</button><button type="button" id="hk-prev">◀</button><button type="button" id="hk-next">▶</button>
<span id="hk-found"></span>
<button type="button" id="hk-expand-all">Expand all</button><button type="button" id="hk-collapse-all">Collapse all</button>
<span id="hk-legend"></span></div>
<div id="hk-tree"></div>
<aside id="hk-details" hidden><button type="button" id="hk-details-close">×</button><h2>Process</h2><table id="hk-details-table"></table></aside>`,
		config: map[string]any{"view": "proctree", "expandDepth": c.expandDepth, "colorBy": colorCol, "tips": tipNames},
		data:   encodeColumns(cols, rowRange(n, 0), tree.Len()),
		script: "proctree.js",
	}
	return p.write(w)
}

func matchMode(t *proctree.Tree) string {
	if t.HostAware {
		return "host-aware"
	}
	return "MSTICPy-compatible"
}

// baseName returns the last element of a Windows or POSIX path.
func baseName(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i >= 0 {
		return p[i+1:]
	}
	return path.Base(p)
}
