package proctree

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// ErrBadTime is wrapped by the partial-result error when some rows had no usable start time.
var ErrBadTime = errors.New("unusable process start time")

// options configure Build.
type options struct {
	schema    *Schema
	hostAware bool
	useGUIDs  bool
}

// Option configures Build.
type Option func(*options)

// WithSchema uses s instead of detecting the schema from the columns. Its fields may name
// alternatives ("A|B"); missing required columns are an error wrapping ErrMissingColumn.
func WithSchema(s Schema) Option { return func(o *options) { o.schema = &s } }

// HostAware turns host-aware matching on (the default) or off. When off, a parent is found by
// process id (and name) on any host, as MSTICPy does.
func HostAware(on bool) Option { return func(o *options) { o.hostAware = on } }

// UseGUIDs turns the use of process GUIDs (Sysmon ProcessGuid/ParentProcessGuid) on (the
// default) or off.
func UseGUIDs(on bool) Option { return func(o *options) { o.useGUIDs = on } }

// MSTICPyCompat reproduces MSTICPy's build_process_tree: matching ignores hosts and GUIDs, so
// the counts equal MSTICPy's (including its cross-host joins of reused process ids).
func MSTICPyCompat() Option {
	return func(o *options) { o.hostAware = false; o.useGUIDs = false }
}

// matchKey identifies the processes a parent reference can point at.
type matchKey struct {
	host, name int32
	pid        uint64
}

// Build builds the process trees of the events in f. Rows whose event type column (when the
// schema has one) holds another event are skipped; exact duplicate processes (same host, name,
// id and time) are kept once. When some rows have no usable time the tree is still built (those
// processes get time zero) and the returned Tree's Partial reports it.
func Build(ctx context.Context, f *frame.Frame, opts ...Option) (*Tree, error) {
	o := options{hostAware: true, useGUIDs: true}
	for _, fn := range opts {
		fn(&o)
	}
	var sch Schema
	var err error
	if o.schema != nil {
		sch = *o.schema
	} else if sch, err = DetectSchema(f); err != nil {
		return nil, fmt.Errorf("process tree: %w", err)
	}
	if sch, err = sch.Resolve(f); err != nil {
		return nil, fmt.Errorf("process tree: %w", err)
	}
	b := &builder{f: f, s: sch, o: o}
	if err := b.run(ctx); err != nil {
		return nil, err
	}
	return b.t, nil
}

type builder struct {
	f *frame.Frame
	s Schema
	o options
	t *Tree
}

func (b *builder) col(name string) *frame.Column {
	if name == "" {
		return nil
	}
	return b.f.Col(name)
}

func (b *builder) run(ctx context.Context) error {
	f, s := b.f, b.s
	n := f.Len()
	cTime, cName, cPid, cPpid := b.col(s.Time), b.col(s.ProcessName), b.col(s.ProcessID), b.col(s.ParentID)
	cPname, cHost, cEv := b.col(s.ParentName), b.col(s.Host), b.col(s.EventIDColumn)
	cFile, cPfile := b.col(s.ProcessFile), b.col(s.ParentFile)

	// 1. rows that are process-creation events, with their times.
	keep := make([]int32, 0, n)
	var evInt int64
	evIsNum := false
	if cEv != nil && (cEv.Type() == frame.Int || cEv.Type() == frame.Float) {
		v, err := strconv.ParseInt(s.EventIDValue, 10, 64)
		if err != nil {
			return fmt.Errorf("process tree: event filter %s=%q is not a number", s.EventIDColumn, s.EventIDValue)
		}
		evInt, evIsNum = v, true
	}
	for i := 0; i < n; i++ {
		if cEv != nil {
			if cEv.IsNull(i) {
				continue
			}
			if evIsNum {
				if cEv.Int(i) != evInt {
					continue
				}
			} else if textAt(cEv, i) != s.EventIDValue {
				continue
			}
		}
		if (cName.IsNull(i) || textAt(cName, i) == "") && (cPid.IsNull(i) || idText(cPid, i) == "") {
			continue // no process in this row (another log's event with the same id)
		}
		keep = append(keep, int32(i))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ts := make([]int64, n)
	badTime, firstBad := 0, -1
	sorted := true
	var prev int64
	for k, i := range keep {
		v, ok := timeNS(cTime, int(i))
		if !ok {
			badTime++
			if firstBad < 0 {
				firstBad = int(i)
			}
			v = 0
		}
		ts[i] = v
		if k > 0 && v < prev {
			sorted = false
		}
		prev = v
	}
	if !sorted {
		slices.SortStableFunc(keep, func(a, b int32) int {
			ta, tb := ts[a], ts[b]
			if ta < tb {
				return -1
			}
			if ta > tb {
				return 1
			}
			return 0
		})
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// 2. per-row identifiers.
	names := newFoldInterner()
	pids := &pidKeyer{other: newInterner(16)}
	hosts := newInterner(64)
	hosts.id("")
	unknown := names.id("unknown")
	m := len(keep)
	hostOf := make([]int32, m)
	nameOf := make([]int32, m)
	var maxPid uint64
	pidOf := make([]uint64, m)
	ppidOf := make([]uint64, m)
	pnameOf := make([]int32, m)
	for k, i := range keep {
		r := int(i)
		if cHost != nil && b.o.hostAware {
			hostOf[k] = hosts.id(textAt(cHost, r))
		}
		nameOf[k] = names.id(joinFile(textAt(cName, r), textAt(cFile, r)))
		pidOf[k] = pids.key(cPid, r)
		ppidOf[k] = pids.key(cPpid, r)
		if pidOf[k] < 1<<63 && pidOf[k] > maxPid {
			maxPid = pidOf[k]
		}
		switch {
		case cPname == nil:
			pnameOf[k] = -1
		default:
			pn := joinFile(textAt(cPname, r), textAt(cPfile, r))
			if pn == "" {
				pnameOf[k] = unknown
			} else {
				pnameOf[k] = names.id(pn)
			}
		}
		if k&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}

	// 3. drop repeated processes (same host, name, id and time): they are adjacent in time order.
	nodes := make([]int32, 0, m) // index into keep
	for k := 0; k < m; {
		j := k + 1
		for j < m && ts[keep[j]] == ts[keep[k]] {
			j++
		}
		if j-k == 1 {
			nodes = append(nodes, int32(k))
		} else {
			seen := make(map[matchKey]bool, j-k)
			for q := k; q < j; q++ {
				pk := matchKey{hostOf[q], nameOf[q], pidOf[q]}
				if !seen[pk] {
					seen[pk] = true
					nodes = append(nodes, int32(q))
				}
			}
		}
		k = j
	}

	// 4. parents.
	nReal := len(nodes)
	t := &Tree{Schema: s, HostAware: b.o.hostAware, src: f, nReal: nReal}
	t.row = make([]int32, nReal, nReal+nReal/50+16)
	t.parent = make([]int32, nReal, cap(t.row))
	t.tns = make([]int64, nReal, cap(t.row))
	t.synthFrom = make([]int32, 0, 16)
	for x, k := range nodes {
		t.row[x] = keep[k]
		t.tns[x] = ts[keep[k]]
	}
	synth := make(map[matchKey]int32)
	var byGUID map[string]int32
	var guidOf, pguidOf []string
	exact := s.ParentTime != ""
	if exact || (b.o.useGUIDs && s.ProcessGUID != "") {
		guidOf, pguidOf = b.guids(t.row)
		byGUID = make(map[string]int32, nReal)
		for x, g := range guidOf {
			if g != "" {
				if _, dup := byGUID[g]; !dup {
					byGUID[g] = int32(x)
				}
			}
		}
	}
	synthGUID := make(map[string]int32)
	addSynth := func(childRow int32, kind synthKind) int32 {
		id := int32(len(t.row))
		t.row = append(t.row, -1)
		t.parent = append(t.parent, -1)
		t.tns = append(t.tns, 0)
		t.synthFrom = append(t.synthFrom, childRow)
		t.synthKind = append(t.synthKind, kind)
		return id
	}
	// Match host by host (one partition when matching ignores hosts): nodes of a partition in
	// time order; for each process id a chain of its processes, newest first.
	part, bounds := partitionByHost(nodes, hostOf, len(hosts.vals))
	chain := make([]int32, nReal)
	heads := newPidHeads(maxPid)
	for pi := 0; pi+1 < len(bounds); pi++ {
		seg := part[bounds[pi]:bounds[pi+1]]
		for _, x := range seg {
			k := nodes[x]
			t.parent[x] = -1
			if guidOf != nil && pguidOf[x] != "" {
				if p, ok := byGUID[pguidOf[x]]; ok && p != x {
					t.parent[x] = p
				} else if p, ok := synthGUID[pguidOf[x]]; ok {
					t.parent[x] = p
				} else {
					p := addSynth(t.row[x], synthParent)
					if exact {
						t.tns[p] = b.parentTime(t.row[x])
					}
					synthGUID[pguidOf[x]] = p
					t.parent[x] = p
				}
			} else if pp := ppidOf[k]; pp != pidNone {
				want := pnameOf[k]
				found := int32(-1)
				for j := heads.get(pp); j >= 0; j = chain[j] {
					if want < 0 || nameOf[nodes[j]] == want {
						found = j
						break
					}
				}
				if found >= 0 {
					t.parent[x] = found
				} else {
					sk := matchKey{hostOf[k], want, pp}
					if sk.name < 0 {
						sk.name = unknown
					}
					p, ok := synth[sk]
					if !ok {
						p = addSynth(t.row[x], synthParent)
						synth[sk] = p
					}
					t.parent[x] = p
				}
			}
			chain[x] = heads.get(pidOf[k])
			heads.set(pidOf[k], x)
		}
		for _, x := range seg {
			heads.reset(pidOf[nodes[x]])
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	// Defender: a synthesised parent's own parent is known from the grandparent columns.
	if exact && s.GrandparentID != "" {
		nSynth := len(t.row)
		for p := nReal; p < nSynth; p++ {
			g := b.grandGUID(t.synthFrom[p-nReal])
			if g == "" {
				continue
			}
			if q, ok := byGUID[g]; ok {
				t.parent[p] = q
			} else if q, ok := synthGUID[g]; ok {
				t.parent[p] = q
			} else {
				q := addSynth(t.synthFrom[p-nReal], synthGrandparent)
				t.tns[q] = b.grandTime(t.synthFrom[p-nReal])
				synthGUID[g] = q
				t.parent[p] = q
			}
		}
	}
	t.badTime, t.firstBadRow = badTime, firstBad
	t.finish()
	b.t = t
	return ctx.Err()
}

// guids returns the identity and parent identity of each process: the GUID columns, or for
// Defender host + id + creation time.
func (b *builder) guids(rows []int32) (guid, pguid []string) {
	s := b.s
	guid = make([]string, len(rows))
	pguid = make([]string, len(rows))
	if s.ParentTime == "" {
		cg, cp := b.col(s.ProcessGUID), b.col(s.ParentGUID)
		for x, r := range rows {
			guid[x] = normGUID(textAt(cg, int(r)))
			pguid[x] = normGUID(textAt(cp, int(r)))
		}
		return guid, pguid
	}
	cHost, cPid, cPpid := b.col(s.Host), b.col(s.ProcessID), b.col(s.ParentID)
	cCt, cPt := b.col(s.CreationTime), b.col(s.ParentTime)
	cName, cFile, cPname, cPfile := b.col(s.ProcessName), b.col(s.ProcessFile), b.col(s.ParentName), b.col(s.ParentFile)
	for x, r := range rows {
		h := textAt(cHost, int(r))
		if ct, ok := timeNS(cCt, int(r)); ok {
			name := joinFile(textAt(cName, int(r)), textAt(cFile, int(r)))
			guid[x] = b.exactKey(h, name, idText(cPid, int(r)), ct)
		}
		if pt, ok := timeNS(cPt, int(r)); ok && idText(cPpid, int(r)) != "" {
			pname := joinFile(textAt(cPname, int(r)), textAt(cPfile, int(r)))
			pguid[x] = b.exactKey(h, pname, idText(cPpid, int(r)), pt)
		}
	}
	return guid, pguid
}

// exactKey is Defender's identity of a process. Host-aware builds use the host, pid and
// creation time. MSTICPy mode keys a process as MSTICPy's Defender builder does: the
// lower-case image file name, the pid and the creation time rounded to 10 µs, on any host
// (so equal keys on two machines are one process there).
func (b *builder) exactKey(host, name, pid string, t int64) string {
	if b.o.hostAware {
		return exactID(host, pid, t)
	}
	base := name[strings.LastIndexAny(name, `\/`)+1:]
	return exactID(strings.ToLower(base), pid, roundHalfEven(t, 10_000))
}

// roundHalfEven rounds t to a multiple of unit, ties to the even multiple (as pandas'
// Timestamp.round).
func roundHalfEven(t, unit int64) int64 {
	q, r := t/unit, t%unit
	if r < 0 {
		q--
		r += unit
	}
	if 2*r > unit || (2*r == unit && q%2 != 0) {
		q++
	}
	return q * unit
}

func (b *builder) parentTime(row int32) int64 {
	v, _ := timeNS(b.col(b.s.ParentTime), int(row))
	return v
}

func (b *builder) grandTime(row int32) int64 {
	v, _ := timeNS(b.col(b.s.GrandparentTime), int(row))
	return v
}

func (b *builder) grandGUID(row int32) string {
	s := b.s
	gpid := idText(b.col(s.GrandparentID), int(row))
	gt, ok := timeNS(b.col(s.GrandparentTime), int(row))
	if gpid == "" || !ok {
		return ""
	}
	return b.exactKey(textAt(b.col(s.Host), int(row)), textAt(b.col(s.GrandparentName), int(row)), gpid, gt)
}

func exactID(host, pid string, t int64) string {
	return host + "\x00" + pid + "\x00" + strconv.FormatInt(t, 10)
}

// normGUID lower-cases a GUID and drops braces; all-zero GUIDs count as absent.
func normGUID(g string) string {
	if len(g) > 1 && g[0] == '{' && g[len(g)-1] == '}' {
		g = g[1 : len(g)-1]
	}
	zero := true
	for i := 0; i < len(g); i++ {
		if g[i] != '0' && g[i] != '-' {
			zero = false
			break
		}
	}
	if zero {
		return ""
	}
	return toLowerASCII(g)
}

func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			bs := []byte(s)
			for j := i; j < len(bs); j++ {
				if bs[j] >= 'A' && bs[j] <= 'Z' {
					bs[j] += 'a' - 'A'
				}
			}
			return string(bs)
		}
	}
	return s
}

// partitionByHost groups node ids by host, keeping time order inside each group; bounds[i]
// to bounds[i+1] delimit group i.
func partitionByHost(nodes []int32, hostOf []int32, nHosts int) (part []int32, bounds []int) {
	part = make([]int32, len(nodes))
	if nHosts <= 1 {
		for x := range nodes {
			part[x] = int32(x)
		}
		return part, []int{0, len(nodes)}
	}
	count := make([]int, nHosts+1)
	for _, k := range nodes {
		count[hostOf[k]+1]++
	}
	for h := 0; h < nHosts; h++ {
		count[h+1] += count[h]
	}
	bounds = slices.Clone(count)
	for x, k := range nodes {
		h := hostOf[k]
		part[count[h]] = int32(x)
		count[h]++
	}
	return part, bounds
}

// pidHeads maps a process id key to the newest process with it: a flat table for ordinary
// ids, a map for the rest.
type pidHeads struct {
	table []int32
	other map[uint64]int32
}

const pidTableMax = 1 << 22

func newPidHeads(maxPid uint64) *pidHeads {
	h := &pidHeads{other: map[uint64]int32{}}
	size := min(maxPid+1, pidTableMax)
	h.table = make([]int32, size)
	for i := range h.table {
		h.table[i] = -1
	}
	return h
}

func (h *pidHeads) get(pid uint64) int32 {
	if pid < uint64(len(h.table)) {
		return h.table[pid]
	}
	if v, ok := h.other[pid]; ok {
		return v
	}
	return -1
}

func (h *pidHeads) set(pid uint64, x int32) {
	if pid < uint64(len(h.table)) {
		h.table[pid] = x
		return
	}
	h.other[pid] = x
}

func (h *pidHeads) reset(pid uint64) {
	if pid < uint64(len(h.table)) {
		h.table[pid] = -1
		return
	}
	delete(h.other, pid)
}
