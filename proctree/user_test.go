package proctree

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Raw audit logs carry no acct field: the account falls back to the uid, labelled, so the
// Account column and text are not blank; a recorded account name still wins.
func TestUserFallsBackToUID(t *testing.T) {
	fh, err := os.Open(filepath.Join("testdata", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := ReadAuditLog(fh, "audit.log")
	if err != nil {
		t.Fatal(err)
	}
	tr := build(t, f)
	curl := find(t, tr, "/usr/bin/curl", "curl --url x y http://x/y.sh")
	want := "uid=" + f.Col("uid").Text(2)
	if got := tr.User(curl); got != want {
		t.Errorf("User(curl) = %q, want %q", got, want)
	}
	if root := tr.Ancestors(curl)[0]; tr.User(root) != "" {
		t.Errorf("inferred parent user %q, want empty", tr.User(root))
	}

	named := frame.MustNew(frame.NewStrings("EventType", []string{"SYSCALL_EXECVE", "SYSCALL_EXECVE"}),
		frame.NewStrings("exe", []string{"/bin/bash", "/bin/ls"}),
		frame.NewInts("pid", []int64{10, 11}), frame.NewInts("ppid", []int64{1, 10}),
		frame.NewInts("uid", []int64{1000, 0}), frame.NewStrings("acct", []string{"alice", ""}),
		frame.NewStrings("cmdline", []string{"bash", "ls"}),
		frame.NewTimes("TimeGenerated", []time.Time{time.Unix(100, 0), time.Unix(101, 0)}))
	tr = build(t, named, WithSchema(Auditd))
	bash, ls := find(t, tr, "/bin/bash", "bash"), find(t, tr, "/bin/ls", "ls")
	if tr.User(bash) != "alice" || tr.User(ls) != "uid=0" {
		t.Errorf("users %q, %q; want alice, uid=0", tr.User(bash), tr.User(ls))
	}
}
