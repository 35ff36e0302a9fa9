package proctree

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/huntkit/huntkit/frame"
)

func readLocal(t testing.TB, name string) *frame.Frame {
	t.Helper()
	f, err := frame.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func build(t testing.TB, f *frame.Frame, opts ...Option) *Tree {
	t.Helper()
	tr, err := Build(context.Background(), f, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// find returns the first process (display order) whose name ends with name and whose
// command line equals cmd.
func find(t *testing.T, tr *Tree, name, cmd string) int {
	t.Helper()
	for _, id := range tr.Order() {
		if strings.HasSuffix(strings.ToLower(tr.Name(id)), strings.ToLower(name)) && tr.CmdLine(id) == cmd {
			return id
		}
	}
	t.Fatalf("process %s %q not found", name, cmd)
	return -1
}

func TestWalkAPIGolden(t *testing.T) {
	// MSTICPy tests/transform/test_process_tree_utils.py test_tree_utils_win / _lx.
	cases := []struct {
		file                 string
		rootIdx              int
		tree, children, ance int
	}{
		{"msticpy/proctree/win_proc_test.csv", 4, 25, 13, 3},
		{"msticpy/proctree/linux_proc_test.csv", 0, 901, 452, 3},
	}
	for _, tc := range cases {
		tr := build(t, readShared(t, tc.file), MSTICPyCompat())
		roots := tr.Roots()
		r := roots[tc.rootIdx]
		if got := len(tr.Descendants(r)) + 1; got != tc.tree {
			t.Errorf("%s: tree of root %d has %d processes, want %d", tc.file, tc.rootIdx, got, tc.tree)
		}
		if got := len(tr.Children(r)) + 1; got != tc.children {
			t.Errorf("%s: children+self = %d, want %d", tc.file, got, tc.children)
		}
		// deepest process of that tree: first in display order at the maximum depth
		deep, dmax := -1, -1
		for _, id := range tr.TreeOf(r) {
			if d := tr.Depth(id); d > dmax {
				deep, dmax = id, d
			}
		}
		if got := len(tr.Ancestors(deep)) + 1; got != tc.ance {
			t.Errorf("%s: ancestors+self of deepest = %d, want %d", tc.file, got, tc.ance)
		}
		if tr.Root(deep) != r {
			t.Errorf("Root(deepest) = %d, want %d", tr.Root(deep), r)
		}
		kids := tr.Children(r)
		if got := len(tr.Siblings(kids[0])); got != len(kids)-1 {
			t.Errorf("siblings = %d, want %d", got, len(kids)-1)
		}
		if tr.Parent(kids[0]) != r || !tr.IsRoot(r) || tr.Siblings(r) != nil {
			t.Error("parent/root relation broken")
		}
	}
}

func TestHostAwareVersusMSTICPy(t *testing.T) {
	f := readLocal(t, "twohosts_4688.csv")
	for _, tc := range []struct {
		name       string
		opts       []Option
		whoamiHost string
		want       Summary
	}{
		// host-aware: whoami's parent is cmd.exe 0x100 on its own host
		{"host-aware", nil, "HOST-A", Summary{Processes: 9, RootProcesses: 2, LeafProcesses: 4, BranchProcesses: 3, LargestTreeDepth: 3, SynthesizedParents: 2, Hosts: 2}},
		// MSTICPy: the latest cmd.exe 0x100 on any host, here HOST-B's
		{"msticpy", []Option{MSTICPyCompat()}, "HOST-B", Summary{Processes: 9, RootProcesses: 2, LeafProcesses: 4, BranchProcesses: 3, LargestTreeDepth: 3, SynthesizedParents: 2, Hosts: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := build(t, f, tc.opts...)
			if tr.Schema.Name != "4688" {
				t.Fatalf("schema %s", tr.Schema.Name)
			}
			if got := tr.Summary(); got != tc.want {
				t.Errorf("summary %+v, want %+v", got, tc.want)
			}
			who := find(t, tr, "whoami.exe", "whoami")
			p := tr.Parent(who)
			if tr.Host(p) != tc.whoamiHost || !strings.HasSuffix(tr.Name(p), "cmd.exe") {
				t.Errorf("whoami parent on %s (%s), want %s", tr.Host(p), tr.Name(p), tc.whoamiHost)
			}
			// pid reuse: ping's parent is the second cmd.exe 0x100 on HOST-A (cmd.exe /k)
			ping := find(t, tr, "ping.exe", "ping 1.1.1.1")
			if got := tr.CmdLine(tr.Parent(ping)); got != "cmd.exe /k" {
				t.Errorf("ping parent cmdline %q, want cmd.exe /k", got)
			}
			// synthesised explorer.exe on HOST-A has the three cmd.exe children
			root := tr.Root(ping)
			if !tr.IsSynthesized(root) || tr.Name(root) != `C:\Windows\explorer.exe` || tr.PID(root) != "0x10" {
				t.Errorf("root %q pid %s synth=%v", tr.Name(root), tr.PID(root), tr.IsSynthesized(root))
			}
			if n := tr.NumChildren(root); n != 3 {
				t.Errorf("explorer children %d, want 3", n)
			}
		})
	}
}

func TestSysmonGUIDs(t *testing.T) {
	f := readLocal(t, "sysmon1.csv")
	tr := build(t, f)
	if tr.Schema.Name != "sysmon" {
		t.Fatalf("schema %s", tr.Schema.Name)
	}
	who := find(t, tr, "whoami.exe", "whoami")
	// GUID: the first cmd.exe (pid 600 reused later by another cmd.exe)
	if got := tr.CmdLine(tr.Parent(who)); got != "cmd.exe" {
		t.Errorf("GUID parent %q, want cmd.exe", got)
	}
	s := tr.Summary()
	if s.Processes != 6 || s.RootProcesses != 1 || s.SynthesizedParents != 1 || s.LargestTreeDepth != 5 {
		t.Errorf("summary %+v", s)
	}
	root := tr.Roots()[0]
	if tr.Name(root) != `C:\Windows\System32\userinit.exe` || tr.PID(root) != "400" || !tr.IsSynthesized(root) {
		t.Errorf("synthesised root %q %q", tr.Name(root), tr.PID(root))
	}
	// Without GUIDs: pid+name+time picks the latest cmd.exe with pid 600.
	tr2 := build(t, f, UseGUIDs(false))
	who2 := find(t, tr2, "whoami.exe", "whoami")
	if got := tr2.CmdLine(tr2.Parent(who2)); got != "cmd.exe /c x" {
		t.Errorf("pid parent %q, want cmd.exe /c x", got)
	}
}

func TestOsqueryHosts(t *testing.T) {
	f := readLocal(t, "osquery_process_events.csv")
	tr := build(t, f)
	if tr.Schema.Name != "osquery" {
		t.Fatalf("schema %s", tr.Schema.Name)
	}
	id := find(t, tr, "/usr/bin/id", "id")
	if p := tr.Parent(id); !tr.IsSynthesized(p) || tr.Host(p) != "web2" || tr.Name(p) != "unknown" {
		t.Errorf("host-aware: id's parent %q on %q synth=%v", tr.Name(p), tr.Host(p), tr.IsSynthesized(p))
	}
	curl := find(t, tr, "curl", "curl http://x/y.sh")
	if got := len(tr.Ancestors(curl)); got != 4 {
		t.Errorf("curl ancestors %d, want 4 (synth 1, sshd, sshd, bash)", got)
	}
	if tm := tr.Time(curl); tm.Unix() != 1700000020 {
		t.Errorf("curl time %v", tm)
	}
	trc := build(t, f, MSTICPyCompat())
	id = find(t, trc, "/usr/bin/id", "id")
	if p := trc.Parent(id); trc.Name(p) != "/bin/bash" || trc.Host(p) != "web1" {
		t.Errorf("compat: id's parent %q on %q", trc.Name(p), trc.Host(p))
	}
}

func TestMDE(t *testing.T) {
	f := readShared(t, "msticpy/proctree/mde_proc_pub.csv")
	tr := build(t, f)
	if tr.Schema.Name != "mde" {
		t.Fatalf("schema %s", tr.Schema.Name)
	}
	s := tr.Summary()
	real := s.Processes - s.SynthesizedParents
	if real == 0 || real > f.Len() {
		t.Fatalf("real processes %d of %d rows", real, f.Len())
	}
	// Every process with a recorded initiating process has a parent whose pid and
	// creation time equal that record.
	cPid, cPt := f.Col("InitiatingProcessId"), f.Col("InitiatingProcessCreationTime")
	checked := 0
	for id := 0; id < tr.Len(); id++ {
		r := tr.Row(id)
		if r < 0 || cPt.IsNull(r) {
			continue
		}
		p := tr.Parent(id)
		if p < 0 {
			t.Fatalf("process %d (row %d) has no parent", id, r)
		}
		want, _ := timeNS(cPt, r)
		if tr.PID(p) != idText(cPid, r) || tr.Time(p).UnixNano() != want {
			t.Errorf("row %d: parent pid %s time %v, want %s", r, tr.PID(p), tr.Time(p), idText(cPid, r))
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
	// synthesised parents carry their command line from the child's InitiatingProcessCommandLine
	withCmd := 0
	for id := 0; id < tr.Len(); id++ {
		if tr.IsSynthesized(id) && tr.CmdLine(id) != "" {
			withCmd++
		}
	}
	if s.SynthesizedParents > 0 && withCmd == 0 {
		t.Error("no synthesised parent has a command line")
	}
}

func TestSchemaErrors(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("a", []string{"x"}), frame.NewStrings("b", []string{"y"}))
	if _, err := Build(context.Background(), f); !errors.Is(err, ErrNoSchema) {
		t.Errorf("want ErrNoSchema, got %v", err)
	}
	if _, err := Build(context.Background(), f, WithSchema(Win4688)); !errors.Is(err, ErrMissingColumn) || !strings.Contains(err.Error(), "NewProcessName") {
		t.Errorf("want ErrMissingColumn naming NewProcessName, got %v", err)
	}
	if _, err := LookupSchema("nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("want ErrUnknownSchema, got %v", err)
	}
	for _, n := range []string{"4688", "sysmon", "mde", "auditd", "osquery", "pslist"} {
		s, err := LookupSchema(n)
		if err != nil || s.Name != n {
			t.Errorf("LookupSchema(%s) = %s, %v", n, s.Name, err)
		}
	}
}

func TestBadTimesArePartial(t *testing.T) {
	f := readLocal(t, "osquery_process_events.csv")
	tc := f.Col("time")
	vals := make([]string, f.Len())
	for i := range vals {
		vals[i] = tc.Text(i)
	}
	vals[2] = "not a time"
	if err := f.AddColumn(frame.NewStrings("time", vals)); err != nil {
		t.Fatal(err)
	}
	tr := build(t, f)
	if err := tr.Partial(); !errors.Is(err, ErrBadTime) || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("Partial() = %v", err)
	}
	if tr.Len() == 0 {
		t.Error("no processes")
	}
}

func TestFrameAndText(t *testing.T) {
	tr := build(t, readLocal(t, "twohosts_4688.csv"))
	out := tr.Frame()
	if out.Len() != tr.Len() {
		t.Fatalf("frame rows %d, want %d", out.Len(), tr.Len())
	}
	for _, c := range []string{"proc_key", "parent_key", "path", "IsRoot", "IsLeaf", "IsBranch", "depth", "Synthesized", "NewProcessName"} {
		if out.Col(c) == nil {
			t.Fatalf("missing column %s", c)
		}
	}
	// first row is a root, synthesised, with its name filled in the schema column
	if !out.Col("IsRoot").Bool(0) || !out.Col("Synthesized").Bool(0) || out.Col("NewProcessName").Str(0) != `C:\Windows\explorer.exe` {
		t.Errorf("row 0: %v", out.Record(0))
	}
	keys := map[string]bool{}
	for i := 0; i < out.Len(); i++ {
		keys[out.Col("proc_key").Str(i)] = true
	}
	for i := 0; i < out.Len(); i++ {
		pk := out.Col("parent_key")
		if !pk.IsNull(i) && !keys[pk.Str(i)] {
			t.Errorf("row %d parent_key %q not a proc_key", i, pk.Str(i))
		}
		path := out.Col("path").Str(i)
		if d := out.Col("depth").Int(i); int64(strings.Count(path, "/")) != d {
			t.Errorf("row %d path %q depth %d", i, path, d)
		}
	}
	if k := tr.Key(tr.Roots()[0]); k != `host-a|c:\windows\explorer.exe|0x10|1970-01-01 00:00:00.000000` {
		t.Errorf("key %q", k)
	}
	var buf bytes.Buffer
	if err := tr.WriteText(&buf, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	txt := buf.String()
	if strings.Count(txt, "Process: ") != tr.Len() || !strings.HasPrefix(txt, "+  Process: C:\\Windows\\explorer.exe") {
		t.Errorf("text:\n%s", txt)
	}
	if !strings.Contains(txt, "\n      +--  Process: C:\\Windows\\System32\\net.exe  PID: 0x204\n") {
		t.Errorf("depth-2 header missing:\n%s", txt)
	}
}

func TestTextGoldenWin(t *testing.T) {
	tr := build(t, readShared(t, "msticpy/proctree/win_proc_test.csv"), MSTICPyCompat())
	var buf bytes.Buffer
	if err := tr.WriteText(&buf, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(buf.String(), "\n")
	// MSTICPy's tree_to_text gives 5028 lines (4 template lines per process + wraps).
	if lines < 4*tr.Len() {
		t.Errorf("text has %d lines, want at least %d", lines, 4*tr.Len())
	}
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "Process: ") { // the header is added before the wrapped text, as in MSTICPy
			continue
		}
		if len(l) > 80 {
			t.Errorf("line longer than 80: %q", l)
			break
		}
	}
	if os.Getenv("PROCTREE_DUMP") != "" {
		os.WriteFile(os.Getenv("PROCTREE_DUMP"), buf.Bytes(), 0o644)
	}
	t.Logf("text lines: %d (MSTICPy 5028)", lines)
	// MSTICPy's own template and wrapping reproduce its line count exactly.
	buf.Reset()
	if err := tr.WriteText(&buf, TextOptions{MSTICPy: true}); err != nil {
		t.Fatal(err)
	}
	if got := len(strings.Split(buf.String(), "\n")); got != 5028 {
		t.Errorf("MSTICPy text: %d lines, want 5028", got)
	}
	if !strings.HasPrefix(buf.String(), "+  Process: ") || !strings.Contains(buf.String(), "   +--  Process: ") {
		t.Errorf("MSTICPy headers:\n%.400s", buf.String())
	}
}

func TestPyWrap(t *testing.T) {
	// Expected values from Python 3.11: textwrap.wrap(text, width, initial_indent=.., subsequent_indent=..)
	for _, tc := range []struct {
		text  string
		width int
		want  []string
	}{
		{"Cmdline: rundll32.exe C:\\Windows\\system32\\inetcpl.cpl,ClearMyTracksByProcess Flags:65800 WinX:0", 40,
			[]string{"Cmdline: rundll32.exe C:\\Windows\\system3", "2\\inetcpl.cpl,ClearMyTracksByProcess", "Flags:65800 WinX:0"}},
		{"a well-known long-winded hyphen-split", 12, []string{"a well-known", "long-winded", "hyphen-split"}},
		{"abcdefghij-klmnopqrstuvwxyz", 10, []string{"abcdefghij", "-klmnopqrs", "tuvwxyz"}},
		{"x --  y", 80, []string{"x --  y"}},
		{"", 80, nil},
	} {
		got := pyWrap(tc.text, tc.width, "", "")
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("pyWrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"a b c", 80, []string{"a b c"}},
		{"Account: x  LogonId: y", 80, []string{"Account: x  LogonId: y"}},
		{"", 80, []string{""}},
		{strings.Repeat("x", 30) + " " + strings.Repeat("y", 30), 40, []string{strings.Repeat("x", 30), "  " + strings.Repeat("y", 30)}},
		{strings.Repeat("z", 50), 40, []string{strings.Repeat("z", 40), "  " + strings.Repeat("z", 10)}},
	} {
		got := wrapText(tc.in, tc.width, "", "  ")
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q,%d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-01 10:00:00.000", "2021-12-15 23:00:03.449464400+00:00", "1700000000", "2021-04-01 05:04:58.000000 ", "N/A", "1/2/2006 3:04:05 PM"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := ParseTime(s)
		if !ok && !tm.IsZero() {
			t.Errorf("failed parse returned %v", tm)
		}
	})
}

func FuzzBuild(f *testing.F) {
	f.Add("100", "1", "a", "200", "100", "b")
	f.Add("0x10", "0x10", "x", "0x10", "0x10", "x")
	f.Fuzz(func(t *testing.T, p1, pp1, n1, p2, pp2, n2 string) {
		fr := frame.MustNew(
			frame.NewStrings("TimeGenerated", []string{"2024-01-01 00:00:00", "2024-01-01 00:00:00"}),
			frame.NewStrings("NewProcessName", []string{n1, n2}),
			frame.NewStrings("NewProcessId", []string{p1, p2}),
			frame.NewStrings("ProcessId", []string{pp1, pp2}),
			frame.NewStrings("ParentProcessName", []string{n2, n1}),
		)
		tr, err := Build(context.Background(), fr, WithSchema(Win4688))
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Order()) != tr.Len() {
			t.Fatalf("order covers %d of %d", len(tr.Order()), tr.Len())
		}
		_ = tr.Frame()
	})
}

func FuzzPyWrap(f *testing.F) {
	f.Add("a well-known long-winded hyphen-split", 12)
	f.Add("abcdefghij-klmnopqrstuvwxyz --x\tq", 10)
	f.Fuzz(func(t *testing.T, s string, width int) {
		if width < 1 || width > 200 || !utf8.ValidString(s) {
			t.Skip()
		}
		lines := pyWrap(s, width, "", "")
		var got strings.Builder
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Fatalf("line %q longer than %d", l, width)
			}
			got.WriteString(l)
		}
		strip := func(x string) string { return strings.Join(strings.Fields(x), "") }
		if strip(got.String()) != strip(pyMungeWhitespace(s)) {
			t.Fatalf("text changed: %q -> %q", s, lines)
		}
	})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenText compares the text rendering of the two-host fixture with testdata/*.golden
// (go test ./proctree -run GoldenText -update rewrites them).
func TestGoldenText(t *testing.T) {
	tr := build(t, readLocal(t, "twohosts_4688.csv"))
	for _, tc := range []struct {
		file string
		opt  TextOptions
	}{{"twohosts.txt.golden", TextOptions{}}, {"twohosts-msticpy.txt.golden", TextOptions{MSTICPy: true}}} {
		var buf bytes.Buffer
		if err := tr.WriteText(&buf, tc.opt); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if buf.String() != string(want) {
			t.Errorf("%s differs:\n%s", tc.file, buf.String())
		}
	}
}

func TestReadAuditLog(t *testing.T) {
	fh, err := os.Open(filepath.Join("testdata", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := ReadAuditLog(fh, "audit.log")
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 3 { // the open(2) syscall is not an execution
		t.Fatalf("%d executions, want 3", f.Len())
	}
	if p := f.Partial(); !errors.Is(p, ErrAuditLog) || !strings.Contains(p.Error(), "audit.log:8") {
		t.Errorf("partial = %v", p)
	}
	if got := f.Col("cmdline").Str(2); got != "curl --url x y http://x/y.sh" {
		t.Errorf("cmdline (hex-decoded arg) %q", got)
	}
	if got := f.Col("proctitle").Str(0); got != "/usr/sbin/sshd -D" {
		t.Errorf("proctitle %q", got)
	}
	if f.Col("auid").Int(0) != -1 || f.Col("TimeGenerated").Time(2) != time.Unix(1700000020, 5_000_000).UTC() || f.Col("Computer").Str(1) != "web1" {
		t.Errorf("row values %v / %v", f.Record(0), f.Record(2))
	}
	tr := build(t, f)
	if tr.Schema.Name != "auditd" {
		t.Fatalf("schema %s", tr.Schema.Name)
	}
	curl := find(t, tr, "/usr/bin/curl", "curl --url x y http://x/y.sh")
	if anc := tr.Ancestors(curl); len(anc) != 3 || tr.Name(anc[1]) != "/usr/sbin/sshd" || !tr.IsSynthesized(anc[0]) {
		t.Errorf("curl ancestors %v", anc)
	}
}

func FuzzReadAuditLog(f *testing.F) {
	seed, _ := os.ReadFile(filepath.Join("testdata", "audit.log"))
	f.Add(string(seed))
	f.Add("type=EXECVE msg=audit(1.5:1): argc=1 a0=41\n")
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := ReadAuditLog(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		if _, err := Build(context.Background(), fr, WithSchema(Auditd)); err != nil && !errors.Is(err, ErrMissingColumn) {
			t.Fatal(err)
		}
	})
}

func TestRowsWithoutProcessSkipped(t *testing.T) {
	f := frame.MustNew(
		frame.NewStrings("UtcTime", []string{"2024-01-01 00:00:00", "2024-01-01 00:00:01", "2024-01-01 00:00:02"}),
		frame.NewInts("EventID", []int64{1, 1, 1}),
		frame.NewStrings("Image", []string{`C:\a.exe`, "", `C:\b.exe`}),
		frame.NewStrings("ProcessId", []string{"10", "", "20"}),
		frame.NewStrings("ParentProcessId", []string{"1", "", "10"}),
		frame.NewStrings("ParentImage", []string{`C:\p.exe`, "", `C:\a.exe`}))
	tr := build(t, f, WithSchema(Sysmon1))
	if s := tr.Summary(); s.Processes != 3 || s.SynthesizedParents != 1 || s.LargestTreeDepth != 3 {
		t.Errorf("summary %+v (the empty row is not a process)", s)
	}
}

// Defender's InitiatingProcessFolderPath holds the folder only: the parent's image path is the
// folder joined with InitiatingProcessFileName, both for naming a synthesised parent and for
// matching a parent by name when InitiatingProcessCreationTime is absent.
func TestMDEFolderPathJoinsFileName(t *testing.T) {
	tm := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	mk := func(withParentTime bool) *frame.Frame {
		cols := []*frame.Column{
			frame.NewTimes("Timestamp", []time.Time{tm("2024-01-01T10:00:00Z"), tm("2024-01-01T10:00:05Z")}),
			frame.NewStrings("DeviceName", []string{"h1", "h1"}),
			frame.NewStrings("ActionType", []string{"ProcessCreated", "ProcessCreated"}),
			frame.NewStrings("FileName", []string{"cmd.exe", "whoami.exe"}),
			frame.NewStrings("FolderPath", []string{`C:\Windows\System32\cmd.exe`, `C:\Windows\System32\whoami.exe`}),
			frame.NewInts("ProcessId", []int64{100, 200}),
			frame.NewStrings("ProcessCommandLine", []string{"cmd.exe", "whoami"}),
			frame.NewTimes("ProcessCreationTime", []time.Time{tm("2024-01-01T10:00:00Z"), tm("2024-01-01T10:00:05Z")}),
			frame.NewInts("InitiatingProcessId", []int64{50, 100}),
			frame.NewStrings("InitiatingProcessFileName", []string{"explorer.exe", "cmd.exe"}),
			frame.NewStrings("InitiatingProcessFolderPath", []string{`c:\windows`, `c:\windows\system32`}),
			frame.NewStrings("InitiatingProcessCommandLine", []string{"explorer.exe", "cmd.exe"}),
		}
		if withParentTime {
			cols = append(cols, frame.NewTimes("InitiatingProcessCreationTime", []time.Time{tm("2024-01-01T09:00:00Z"), tm("2024-01-01T10:00:00Z")}))
		}
		return frame.MustNew(cols...)
	}
	for _, exact := range []bool{true, false} {
		tr := build(t, mk(exact))
		if tr.Schema.Name != "mde" {
			t.Fatalf("schema %s", tr.Schema.Name)
		}
		s := tr.Summary()
		if s.Processes != 3 || s.SynthesizedParents != 1 || s.LargestTreeDepth != 3 {
			t.Errorf("exact=%v: summary %+v, want 3 processes (1 inferred), depth 3", exact, s)
		}
		roots := tr.Roots()
		if len(roots) != 1 || tr.Name(roots[0]) != `c:\windows\explorer.exe` {
			t.Errorf("exact=%v: root %q, want the inferred c:\\windows\\explorer.exe", exact, tr.Name(roots[0]))
		}
	}
	for _, c := range []struct{ path, file, want string }{
		{`c:\windows`, "a.exe", `c:\windows\a.exe`},
		{`c:\windows\`, "a.exe", `c:\windows\a.exe`},
		{`C:\Windows\A.EXE`, "a.exe", `C:\Windows\A.EXE`},
		{"/usr/bin", "ls", "/usr/bin/ls"},
		{"", "ls", "ls"},
		{"/usr/bin/ls", "", "/usr/bin/ls"},
	} {
		if got := joinFile(c.path, c.file); got != c.want {
			t.Errorf("joinFile(%q, %q) = %q, want %q", c.path, c.file, got, c.want)
		}
	}
}

// A table that unions Security and Sysmon events has the columns of both schemas; detection
// picks the schema whose event id occurs in the rows (here only Sysmon event 1).
func TestDetectSchemaPrefersRowsWithEvents(t *testing.T) {
	null := []bool{false, false}
	f := frame.MustNew(
		frame.NewInts("EventID", []int64{1, 1}),
		frame.NewStrings("TimeGenerated", []string{"2024-01-01T10:00:00Z", "2024-01-01T10:00:01Z"}),
		frame.NewStrings("Computer", []string{"h", "h"}),
		frame.NewStrings("NewProcessName", []string{"", ""}).WithValid(null),
		frame.NewStrings("NewProcessId", []string{"", ""}).WithValid(null),
		frame.NewStrings("ParentProcessName", []string{"", ""}).WithValid(null),
		frame.NewStrings("SubjectUserName", []string{"", ""}).WithValid(null),
		frame.NewStrings("SubjectLogonId", []string{"", ""}).WithValid(null),
		frame.NewStrings("TargetLogonId", []string{"", ""}).WithValid(null),
		frame.NewStrings("SubjectUserSid", []string{"", ""}).WithValid(null),
		frame.NewInts("ProcessId", []int64{10, 20}),
		frame.NewStrings("Image", []string{`C:\a.exe`, `C:\b.exe`}),
		frame.NewInts("ParentProcessId", []int64{5, 10}),
		frame.NewStrings("ParentImage", []string{`C:\p.exe`, `C:\a.exe`}),
		frame.NewStrings("CommandLine", []string{"a", "b"}),
	)
	s, err := DetectSchema(f)
	if err != nil || s.Name != "sysmon" {
		t.Fatalf("DetectSchema = %s, %v; want sysmon", s.Name, err)
	}
	if tr := build(t, f); tr.Summary().Processes != 3 {
		t.Errorf("processes %d, want 3", tr.Summary().Processes)
	}
}
