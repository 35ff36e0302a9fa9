package proctree

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
)

type synthKind uint8

const (
	synthParent synthKind = iota + 1
	synthGrandparent
)

// Tree is a forest of process trees. Processes are identified by dense ids 0..Len()-1: the
// events of the input in time order first, then the synthesised parents.
type Tree struct {
	// Schema is the schema used, resolved to the columns of the input.
	Schema Schema
	// HostAware reports whether parents were matched only on the same host.
	HostAware bool

	src       *frame.Frame
	nReal     int
	row       []int32 // source row; -1 for synthesised processes
	parent    []int32
	tns       []int64
	synthFrom []int32 // for synthesised processes: the source row of the child that named them
	synthKind []synthKind

	childOff []int32
	child    []int32
	depth    []int32
	roots    []int32
	order    []int32
	pos      []int32 // position of each process in order

	brokenCycles         int
	badTime, firstBadRow int

	pathOnce  sync.Once
	pathCache []string
}

// finish breaks parent cycles, indexes children and computes depths and the display order.
func (t *Tree) finish() {
	n := len(t.row)
	stamp := make([]int32, n)
	for i := 0; i < n; i++ {
		if stamp[i] != 0 {
			continue
		}
		j := int32(i)
		for j >= 0 && stamp[j] == 0 {
			stamp[j] = int32(i) + 1
			j = t.parent[j]
		}
		if j >= 0 && stamp[j] == int32(i)+1 { // walked back into this walk: a cycle
			t.parent[j] = -1
			t.brokenCycles++
		}
	}
	t.childOff = make([]int32, n+1)
	for _, p := range t.parent {
		if p >= 0 {
			t.childOff[p+1]++
		}
	}
	for i := 0; i < n; i++ {
		t.childOff[i+1] += t.childOff[i]
	}
	t.child = make([]int32, t.childOff[n])
	fill := slices.Clone(t.childOff[:n])
	for i, p := range t.parent {
		if p >= 0 {
			t.child[fill[p]] = int32(i)
			fill[p]++
		}
	}
	for i, p := range t.parent {
		if p < 0 {
			t.roots = append(t.roots, int32(i))
		}
	}
	// Roots in time order: a synthesised root sorts just before its first child.
	rootKey := func(r int32) int64 {
		if int(r) < t.nReal {
			return 2 * int64(r)
		}
		if t.childOff[r+1] > t.childOff[r] {
			first := t.child[t.childOff[r]]
			for int(first) >= t.nReal && t.childOff[first+1] > t.childOff[first] {
				first = t.child[t.childOff[first]]
			}
			return 2*int64(first) - 1
		}
		return math.MaxInt64
	}
	slices.SortStableFunc(t.roots, func(a, b int32) int {
		ka, kb := rootKey(a), rootKey(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	t.depth = make([]int32, n)
	t.order = make([]int32, 0, n)
	t.pos = make([]int32, n)
	stack := make([]int32, 0, 64)
	for _, r := range t.roots {
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			t.pos[x] = int32(len(t.order))
			t.order = append(t.order, x)
			for c := t.childOff[x+1] - 1; c >= t.childOff[x]; c-- {
				ch := t.child[c]
				t.depth[ch] = t.depth[x] + 1
				stack = append(stack, ch)
			}
		}
	}
}

// Len returns the number of processes, synthesised parents included.
func (t *Tree) Len() int { return len(t.row) }

// Partial reports rows that could not be fully used (no usable start time); nil when none.
// The tree is still complete: such processes get time zero.
func (t *Tree) Partial() error {
	if t.badTime == 0 {
		return nil
	}
	return fmt.Errorf("process tree: %w in column %s: %d rows (first at data row %d)", ErrBadTime, t.Schema.Time, t.badTime, t.firstBadRow+1)
}

func ints(xs []int32) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x)
	}
	return out
}

func (t *Tree) check(id int) {
	if id < 0 || id >= len(t.row) {
		panic(fmt.Sprintf("proctree: process id %d out of range [0,%d)", id, len(t.row)))
	}
}

// Roots returns the root processes in time order.
func (t *Tree) Roots() []int { return ints(t.roots) }

// Order returns every process in display order: each root followed by its descendants, depth
// first, children in time order.
func (t *Tree) Order() []int { return ints(t.order) }

// Parent returns the parent of id, or -1 for a root.
func (t *Tree) Parent(id int) int { t.check(id); return int(t.parent[id]) }

// Children returns the direct children of id in time order.
func (t *Tree) Children(id int) []int {
	t.check(id)
	return ints(t.child[t.childOff[id]:t.childOff[id+1]])
}

// NumChildren returns how many direct children id has.
func (t *Tree) NumChildren(id int) int { t.check(id); return int(t.childOff[id+1] - t.childOff[id]) }

// Depth returns the depth of id: 0 for a root.
func (t *Tree) Depth(id int) int { t.check(id); return int(t.depth[id]) }

// Ancestors returns the ancestors of id from its root down to its parent.
func (t *Tree) Ancestors(id int) []int {
	t.check(id)
	var out []int
	for p := t.parent[id]; p >= 0; p = t.parent[p] {
		out = append(out, int(p))
	}
	slices.Reverse(out)
	return out
}

// Root returns the root of the tree holding id.
func (t *Tree) Root(id int) int {
	t.check(id)
	r := int32(id)
	for t.parent[r] >= 0 {
		r = t.parent[r]
	}
	return int(r)
}

// Descendants returns every process below id in display order (depth first), id excluded.
func (t *Tree) Descendants(id int) []int {
	t.check(id)
	p := t.pos[id]
	end := int(p) + 1
	for end < len(t.order) && t.depth[t.order[end]] > t.depth[id] {
		end++
	}
	return ints(t.order[p+1 : end])
}

// Siblings returns the other children of id's parent (none for a root).
func (t *Tree) Siblings(id int) []int {
	t.check(id)
	p := t.parent[id]
	if p < 0 {
		return nil
	}
	var out []int
	for _, c := range t.child[t.childOff[p]:t.childOff[p+1]] {
		if int(c) != id {
			out = append(out, int(c))
		}
	}
	return out
}

// TreeOf returns the whole tree holding id: its root followed by all the root's descendants.
func (t *Tree) TreeOf(id int) []int {
	r := t.Root(id)
	return append([]int{r}, t.Descendants(r)...)
}

// Subtree returns id followed by its descendants.
func (t *Tree) Subtree(id int) []int { return append([]int{id}, t.Descendants(id)...) }

// IsRoot reports whether id has no parent.
func (t *Tree) IsRoot(id int) bool { t.check(id); return t.parent[id] < 0 }

// IsLeaf reports whether id has no children.
func (t *Tree) IsLeaf(id int) bool { return t.NumChildren(id) == 0 }

// IsBranch reports whether id has a parent and children.
func (t *Tree) IsBranch(id int) bool { return !t.IsRoot(id) && !t.IsLeaf(id) }

// IsSynthesized reports whether id is a parent inferred from its children's parent fields,
// with no event of its own.
func (t *Tree) IsSynthesized(id int) bool { t.check(id); return t.row[id] < 0 }

// Row returns the input row of id, or -1 for a synthesised parent.
func (t *Tree) Row(id int) int { t.check(id); return int(t.row[id]) }

// Source returns the input frame.
func (t *Tree) Source() *frame.Frame { return t.src }

// sourceCell returns the text of a column for id: its own row, or for a synthesised parent
// the column of its child that describes it.
func (t *Tree) cell(id int, own, parent, grand string) string {
	if r := t.row[id]; r >= 0 {
		if own == "" {
			return ""
		}
		return textAt(t.src.Col(own), int(r))
	}
	col := parent
	if t.synthKind[id-t.nReal] == synthGrandparent {
		col = grand
	}
	if col == "" {
		return ""
	}
	return textAt(t.src.Col(col), int(t.synthFrom[id-t.nReal]))
}

func (t *Tree) idCell(id int, own, parent, grand string) string {
	col, r := own, t.row[id]
	if r < 0 {
		col, r = parent, t.synthFrom[id-t.nReal]
		if t.synthKind[id-t.nReal] == synthGrandparent {
			col = grand
		}
	}
	if col == "" {
		return ""
	}
	return idText(t.src.Col(col), int(r))
}

// Name returns the image name or path of id ("unknown" for a synthesised parent whose name
// the source does not record).
func (t *Tree) Name(id int) string {
	t.check(id)
	s := t.Schema
	v := joinFile(t.cell(id, s.ProcessName, s.ParentName, s.GrandparentName), t.cell(id, s.ProcessFile, s.ParentFile, ""))
	if v == "" && t.row[id] < 0 {
		return "unknown"
	}
	return v
}

// PID returns the process id of id, normalised (decimal, or lower-case hexadecimal as given).
func (t *Tree) PID(id int) string {
	t.check(id)
	return t.idCell(id, t.Schema.ProcessID, t.Schema.ParentID, t.Schema.GrandparentID)
}

// ParentPID returns the parent process id recorded for id ("" when unknown).
func (t *Tree) ParentPID(id int) string {
	t.check(id)
	return t.idCell(id, t.Schema.ParentID, t.Schema.GrandparentID, "")
}

// Host returns the host of id ("" when the schema has none).
func (t *Tree) Host(id int) string {
	t.check(id)
	return t.cell(id, t.Schema.Host, t.Schema.Host, t.Schema.Host)
}

// CmdLine returns the command line of id ("" when unknown).
func (t *Tree) CmdLine(id int) string {
	t.check(id)
	return t.cell(id, t.Schema.CmdLine, t.Schema.ParentCmdLine, "")
}

// User returns the account of id ("" when unknown or synthesised). Without an account name
// (raw auditd logs have no acct field) it falls back to the user id labelled with its column,
// e.g. "uid=1000".
func (t *Tree) User(id int) string {
	t.check(id)
	if u := t.cell(id, t.Schema.User, "", ""); u != "" || t.Schema.UserID == "" {
		return u
	}
	if uid := t.cell(id, t.Schema.UserID, "", ""); uid != "" {
		return t.Schema.UserID + "=" + uid
	}
	return ""
}

// LogonID returns the logon (session) id of id: the target logon id when set (Windows), else
// the subject logon id.
func (t *Tree) LogonID(id int) string {
	t.check(id)
	if v := t.cell(id, t.Schema.TargetLogonID, "", ""); v != "" && v != "0x0" {
		return v
	}
	return t.cell(id, t.Schema.LogonID, "", "")
}

// Time returns the start time of id; the zero time when unknown (synthesised parents).
func (t *Tree) Time(id int) time.Time {
	t.check(id)
	if t.row[id] < 0 && t.tns[id] == 0 {
		return time.Time{}
	}
	return time.Unix(0, t.tns[id]).UTC()
}

// appendKeyTime appends a time as MSTICPy's process keys show it (rounded to 10 µs).
func appendKeyTime(b []byte, ns int64) []byte {
	r := ns % 10_000
	ns -= r
	if r >= 5_000 {
		ns += 10_000
	}
	return time.Unix(0, ns).UTC().AppendFormat(b, "2006-01-02 15:04:05.000000")
}

// Key returns the process key of id in MSTICPy's form "name|pid|time" (name lower-cased,
// time to 10 µs; synthesised parents have the Unix epoch). In host-aware mode the host is
// prepended: "host|name|pid|time".
func (t *Tree) Key(id int) string {
	t.check(id)
	return string(t.appendKey(nil, id, strings.ToLower))
}

func (t *Tree) appendKey(b []byte, id int, lower func(string) string) []byte {
	if t.HostAware && t.Schema.Host != "" {
		b = append(b, lower(t.Host(id))...)
		b = append(b, '|')
	}
	b = append(b, lower(t.Name(id))...)
	b = append(b, '|')
	b = append(b, t.PID(id)...)
	b = append(b, '|')
	return appendKeyTime(b, t.tns[id])
}

// SourceIndex returns the index MSTICPy gives a process: its input row, or for synthesised
// parents the input length plus their number.
func (t *Tree) SourceIndex(id int) int {
	t.check(id)
	if r := t.row[id]; r >= 0 {
		return int(r)
	}
	return t.src.Len() + id - t.nReal
}

// Path returns the source indexes from the root down to id joined by "/" (MSTICPy's path).
func (t *Tree) Path(id int) string {
	t.check(id)
	return t.paths()[id]
}

// paths computes every process's path once, parents before children.
func (t *Tree) paths() []string {
	t.pathOnce.Do(func() {
		t.pathCache = make([]string, len(t.row))
		for _, x := range t.order {
			s := strconv.Itoa(t.SourceIndex(int(x)))
			if p := t.parent[x]; p >= 0 {
				s = t.pathCache[p] + "/" + s
			}
			t.pathCache[x] = s
		}
	})
	return t.pathCache
}

// Find returns the processes (in display order) whose name, command line or process id
// contains needle, case-insensitively.
func (t *Tree) Find(needle string) []int {
	needle = strings.ToLower(needle)
	var out []int
	for _, x := range t.order {
		id := int(x)
		if strings.Contains(strings.ToLower(t.Name(id)), needle) ||
			strings.Contains(strings.ToLower(t.CmdLine(id)), needle) || t.PID(id) == needle {
			out = append(out, id)
		}
	}
	return out
}

// Summary holds MSTICPy's get_summary_info counts plus huntkit's extras.
type Summary struct {
	Processes         int `json:"Processes"`
	RootProcesses     int `json:"RootProcesses"`
	LeafProcesses     int `json:"LeafProcesses"`
	BranchProcesses   int `json:"BranchProcesses"`
	IsolatedProcesses int `json:"IsolatedProcesses"`
	LargestTreeDepth  int `json:"LargestTreeDepth"` // levels in the deepest tree (a lone root is 1)
	// SynthesizedParents counts parents inferred from their children (included in Processes).
	SynthesizedParents int `json:"SynthesizedParents"`
	// Hosts counts distinct hosts (0 when the schema has no host column).
	Hosts int `json:"Hosts"`
}

// Summary computes the counts of the forest.
func (t *Tree) Summary() Summary {
	s := Summary{Processes: t.Len(), SynthesizedParents: t.Len() - t.nReal}
	maxDepth := int32(-1)
	for i := range t.row {
		root := t.parent[i] < 0
		leaf := t.childOff[i+1] == t.childOff[i]
		switch {
		case root && leaf:
			s.RootProcesses++
			s.LeafProcesses++
			s.IsolatedProcesses++
		case root:
			s.RootProcesses++
		case leaf:
			s.LeafProcesses++
		default:
			s.BranchProcesses++
		}
		maxDepth = max(maxDepth, t.depth[i])
	}
	s.LargestTreeDepth = int(maxDepth) + 1
	if c := t.src.Col(t.Schema.Host); c != nil {
		seen := map[string]bool{}
		for _, r := range t.row {
			if r >= 0 {
				seen[textAt(c, int(r))] = true
			}
		}
		s.Hosts = len(seen)
	}
	return s
}
