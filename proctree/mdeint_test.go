package proctree

import (
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// testdata/mde_internal.csv is a process-creation export in Defender's internal layout
// (CreatedProcess*, InitiatingProcess*, InitiatingProcessParent*), 11 rows on two machines:
//
//	ws1: winlogon(700, missing) > userinit(3900, missing) > explorer(4000)
//	       > cmd(5000 @10:00) > whoami, powershell > conhost
//	       > cmd(5000 @12:00, pid reused) > PING (its row names the parent "CMD.EXE")
//	     services(650, missing) > svchost(1200, missing) > taskhostw, backgroundTaskHost
//	ws2: services(650, missing) > svchost(1200, missing) > taskhostw
//	     userinit(4300, missing) > explorer(4400, missing) > notepad
//
// ws2's svchost and services have the same pid, name and creation time as ws1's (boot
// processes of machines cloned from one image and started together).
//
// MSTICPy's Defender builder (proc_tree_build_mde.extract_process_tree) keys a process by
// lower-case file name | pid | creation time rounded to 10 µs, with no host. Following it step
// by step on this file: the 11 rows are 11 processes; the parents missing from the rows
// (keys of InitiatingProcessName/Id/CreationTime found in no row) are userinit 3900,
// svchost 1200 (one key for both machines, so one process) and explorer 4400: 3 more; their
// own parents (InitiatingProcessParent* columns) are in no row either: winlogon, services
// (again one) and userinit 4300, 3 roots. 17 processes, 3 roots (only the grandparents have
// no parent key), leaves whoami, conhost, PING, notepad and the three task hosts (7),
// branches the other 7, none isolated; the deepest path is winlogon > userinit > explorer >
// cmd > powershell > conhost, 6 levels.
func TestMDEInternalMSTICPyCounts(t *testing.T) {
	f, err := frame.ReadFile("testdata/mde_internal.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := DetectSchema(f)
	if err != nil || s.Name != "mde-internal" {
		t.Fatalf("DetectSchema = %q, %v; want mde-internal", s.Name, err)
	}
	cases := []struct {
		name string
		opts []Option
		want Summary
	}{
		// MSTICPy's counts: ws2's svchost and services merge with ws1's.
		{"msticpy", []Option{MSTICPyCompat()}, Summary{Processes: 17, RootProcesses: 3, LeafProcesses: 7,
			BranchProcesses: 7, IsolatedProcesses: 0, LargestTreeDepth: 6, SynthesizedParents: 6, Hosts: 2}},
		// host-aware: each machine keeps its own svchost and services.
		{"host-aware", nil, Summary{Processes: 19, RootProcesses: 4, LeafProcesses: 7,
			BranchProcesses: 8, IsolatedProcesses: 0, LargestTreeDepth: 6, SynthesizedParents: 8, Hosts: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := build(t, f, c.opts...)
			if got := tr.Summary(); got != c.want {
				t.Errorf("summary\n got %+v\nwant %+v", got, c.want)
			}
			// the reused pid: PING's parent is the second cmd.exe (12:00), not the first.
			ping := find(t, tr, "PING.EXE", "ping -n 1 10.0.0.5")
			p := tr.Parent(ping)
			if p < 0 || tr.CmdLine(p) != `"C:\Windows\system32\cmd.exe" /k` || tr.Time(p).Hour() != 12 {
				t.Errorf("PING's parent %q %q at %v", tr.Name(p), tr.CmdLine(p), tr.Time(p))
			}
			// a synthesised parent is named from the folder and file columns, with its
			// command line, and its parent from the InitiatingProcessParent* columns.
			explorer := find(t, tr, "explorer.exe", `C:\Windows\Explorer.EXE`)
			ui := tr.Parent(explorer)
			if ui < 0 || !tr.IsSynthesized(ui) || tr.Name(ui) != `C:\Windows\System32\userinit.exe` ||
				tr.CmdLine(ui) != `C:\Windows\system32\userinit.exe` {
				t.Errorf("explorer's parent %q %q synth=%v", tr.Name(ui), tr.CmdLine(ui), tr.IsSynthesized(ui))
			}
			if wl := tr.Parent(ui); wl < 0 || !strings.EqualFold(tr.Name(wl), `C:\Windows\System32\winlogon.exe`) || tr.Parent(wl) != -1 {
				t.Errorf("userinit's parent %d %q", wl, tr.Name(wl))
			}
			// the task hosts of both machines: one svchost in MSTICPy mode, one per host otherwise.
			parents := map[int]bool{}
			for id := 0; id < tr.Len(); id++ {
				if strings.HasSuffix(tr.Name(id), "taskhostw.exe") {
					parents[tr.Parent(id)] = true
				}
			}
			want := 2
			if c.name == "msticpy" {
				want = 1
			}
			if len(parents) != want {
				t.Errorf("taskhostw parents %d, want %d", len(parents), want)
			}
		})
	}
}

// MSTICPy rounds Defender creation times to 10 µs (pandas round: ties to even) in its keys.
func TestRoundHalfEven(t *testing.T) {
	for _, c := range []struct{ in, want int64 }{
		{0, 0}, {4_999, 0}, {5_000, 0}, {5_001, 10_000}, {15_000, 20_000}, {25_000, 20_000},
		{-5_000, 0}, {-15_000, -20_000}, {-4_000, 0}, {1_234_567_891, 1_234_570_000},
	} {
		if got := roundHalfEven(c.in, 10_000); got != c.want {
			t.Errorf("roundHalfEven(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}
