package proctree

import (
	"archive/zip"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

// openZip returns the reader of the single file in a shared OTRF zip.
func openZip(t *testing.T, rel string) (io.ReadCloser, string) {
	t.Helper()
	zr, err := zip.OpenReader(testdata.Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	return rc, zr.File[0].Name
}

// TestOTRFSysmonAnd4688 builds trees from a real recorded attack (OTRF Security-Datasets,
// scheduled task creation) twice, from Sysmon event 1 (GUIDs) and from Security 4688 (pid,
// image, time), and checks that both agree on every parent.
func TestOTRFSysmonAnd4688(t *testing.T) {
	rc, name := openZip(t, "otrf/zips/windows_lateral_movement_host_schtask_create.zip")
	defer rc.Close()
	all, err := frame.ReadNDJSON(rc, name)
	if err != nil {
		t.Fatal(err)
	}
	ch := all.Col("Channel")
	sysmon := all.Filter(func(i int) bool { return strings.Contains(ch.Str(i), "Sysmon") })
	security := all.Filter(func(i int) bool { return ch.Str(i) == "Security" })
	st := build(t, sysmon, WithSchema(Sysmon1))
	wt := build(t, security, WithSchema(Win4688))
	if st.Len() < 10 || wt.Len() < 10 {
		t.Fatalf("sysmon %d, 4688 %d processes", st.Len(), wt.Len())
	}
	// Sysmon: a parent found by GUID has the child's ParentImage and ParentProcessId
	pimg, ppid := sysmon.Col("ParentImage"), sysmon.Col("ParentProcessId")
	for id := 0; id < st.Len(); id++ {
		r := st.Row(id)
		if r < 0 {
			continue
		}
		p := st.Parent(id)
		if p < 0 {
			t.Fatalf("sysmon process %s has no parent", st.Name(id))
		}
		if !strings.EqualFold(st.Name(p), pimg.Str(r)) || st.PID(p) != idText(ppid, r) {
			t.Errorf("sysmon %s: parent %s/%s, want %s/%s", st.Name(id), st.Name(p), st.PID(p), pimg.Str(r), idText(ppid, r))
		}
	}
	// 4688 and Sysmon describe the same processes: pids as numbers, same image
	type proc struct {
		pid  uint64
		name string
	}
	key := func(tr *Tree, id int) proc {
		v, _ := parsePid(tr.PID(id))
		return proc{v, strings.ToLower(tr.Name(id))}
	}
	sysParent := map[proc]proc{}
	for id := 0; id < st.Len(); id++ {
		if st.Row(id) >= 0 {
			sysParent[key(st, id)] = key(st, st.Parent(id))
		}
	}
	matched := 0
	for id := 0; id < wt.Len(); id++ {
		if wt.Row(id) < 0 {
			continue
		}
		want, ok := sysParent[key(wt, id)]
		if !ok {
			continue
		}
		matched++
		if got := key(wt, wt.Parent(id)); got != want {
			t.Errorf("4688 %v: parent %v, Sysmon says %v", key(wt, id), got, want)
		}
	}
	if matched < 5 {
		t.Errorf("only %d processes seen by both logs", matched)
	}
}

// TestOTRFAuditLog reads a real raw Linux audit log (OTRF, arp cache discovery).
func TestOTRFAuditLog(t *testing.T) {
	rc, name := openZip(t, "otrf/zips/linux_discovery_host_sh_arp_cache.zip")
	defer rc.Close()
	f, err := ReadAuditLog(rc, name)
	if err != nil {
		t.Fatal(err)
	}
	if f.Partial() != nil || f.Len() < 2 {
		t.Fatalf("%d executions, partial %v", f.Len(), f.Partial())
	}
	tr, err := Build(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	arp := find(t, tr, "/usr/sbin/arp", "arp -a")
	grep := -1
	for _, id := range tr.Order() {
		if tr.Name(id) == "/bin/grep" {
			grep = id
		}
	}
	// arp -a | grep ...: both children of the same shell (ppid 29002), which is not in the log
	if grep < 0 || tr.Parent(arp) != tr.Parent(grep) || !tr.IsSynthesized(tr.Parent(arp)) || tr.PID(tr.Parent(arp)) != "29002" {
		t.Errorf("arp parent %d, grep parent %d", tr.Parent(arp), tr.Parent(grep))
	}
}
