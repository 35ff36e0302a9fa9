package proctreecmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/testdata"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	r := clitest.Run(t, clitest.Options{}, clitest.One(New), append([]string{"proctree"}, args...)...)
	return r.Out, r.Err, r.Code
}

var fixture = filepath.Join("..", "..", "..", "proctree", "testdata", "twohosts_4688.csv")

func TestSummaryGoldenMSTICPy(t *testing.T) {
	in := testdata.Shared(t, "msticpy/proctree/win_proc_test.csv")
	out, errs, code := run(t, in, "--host-aware=false", "--summary", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]float64{"Processes": 1010, "RootProcesses": 10, "LeafProcesses": 815, "BranchProcesses": 185, "IsolatedProcesses": 0, "LargestTreeDepth": 7}
	for k, v := range want {
		if rows[0][k] != v {
			t.Errorf("%s = %v, want %v", k, rows[0][k], v)
		}
	}
	out, errs, code = run(t, in, "--host-aware=false", "--msticpy-text")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := len(strings.Split(out, "\n")); n != 5028 { // MSTICPy's tree_to_text line count
		t.Errorf("--msticpy-text: %d lines, want 5028", n)
	}
}

func TestTextFindAndFrame(t *testing.T) {
	out, errs, code := run(t, fixture, "--find", "ping", "--whole-tree")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// only HOST-A's explorer tree (7 processes), not HOST-B's
	if n := strings.Count(out, "Process: "); n != 7 || strings.Contains(out, "HOST-B") {
		t.Errorf("find ping --whole-tree: %d processes\n%s", n, out)
	}
	if !strings.Contains(errs, "host-aware") || !strings.Contains(errs, "9 processes") {
		t.Errorf("summary on stderr: %q", errs)
	}
	out, errs, code = run(t, fixture, "-o", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 10 || !strings.Contains(lines[0], "proc_key") || !strings.Contains(lines[0], "IsRoot") {
		t.Errorf("frame csv:\n%s", out)
	}
}

func TestHTMLAndOverrides(t *testing.T) {
	html := filepath.Join(t.TempDir(), "tree.html")
	out, errs, code := run(t, fixture, "--html", html, "--color", "SubjectUserName")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errs)
	}
	b, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(b, []byte(`id="hk-tree"`)) || !bytes.Contains(b, []byte(`"colorBy":"SubjectUserName"`)) {
		t.Fatalf("html: %v", err)
	}
	// role override: ignore parent names (pid + time only)
	_, errs, code = run(t, fixture, "--schema", "4688", "--col", "parent-name=", "--summary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{fixture, "--schema", "nope"}, "unknown process schema"},
		{[]string{fixture, "--col", "colour=x"}, "ROLE=COLUMN"},
		{[]string{fixture, "--schema", "sysmon"}, "missing column"},
	} {
		if _, errs, code := run(t, tc.args...); code != 2 || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, %q", tc.args, code, errs)
		}
	}
}

func TestAuditLogInput(t *testing.T) {
	log := filepath.Join("..", "..", "..", "proctree", "testdata", "audit.log")
	out, errs, code := run(t, log)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "schema auditd") || !strings.Contains(errs, "audit.log:8") {
		t.Errorf("stderr %q", errs)
	}
	if !strings.Contains(out, "+--  Process: /usr/bin/curl  PID: 201") && !strings.Contains(out, "Process: /usr/bin/curl") {
		t.Errorf("tree:\n%s", out)
	}
}

// A table with the 4688 columns but no 4688 event is an error (exit 1), not an empty tree,
// and no HTML file is left behind.
func TestNoProcessEventsIsAnError(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "exits.csv")
	csv := "TimeGenerated,EventID,Computer,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine\n" +
		"2024-01-01T10:00:00Z,4689,h,C:\\a.exe,0x10,0x4,C:\\p.exe,a\n"
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(dir, "tree.html")
	out, errs, code := run(t, in, "--html", html)
	if code != 1 || !strings.Contains(errs, "no process-creation events") || !strings.Contains(errs, "EventID = 4688") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(html); !os.IsNotExist(err) {
		t.Errorf("html written: %v", err)
	}
}

// The warning about rows with unusable start times names the input file.
func TestBadTimeWarningNamesFile(t *testing.T) {
	in := filepath.Join(t.TempDir(), "badtime.csv")
	csv := "TimeGenerated,EventID,Computer,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine\n" +
		"2024-01-01T10:00:00Z,4688,h,C:\\a.exe,0x10,0x4,C:\\p.exe,a\n" +
		"garbage,4688,h,C:\\b.exe,0x11,0x10,C:\\a.exe,b\n"
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := run(t, in, "--summary")
	if code != 0 || !strings.Contains(errs, "badtime.csv: process tree: unusable process start time") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// The HTML page is titled with the input's file name, not its whole path.
func TestHTMLTitleIsFileName(t *testing.T) {
	html := filepath.Join(t.TempDir(), "tree.html")
	if _, errs, code := run(t, fixture, "--html", html); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(b, []byte("<title>Process tree: twohosts_4688.csv</title>")) {
		t.Errorf("title not the file name (%v)", err)
	}
}

// --find keeps the branch of each match: its ancestors, itself and its descendants, not the
// siblings (on real hosts the whole tree is everything under smss.exe).
func TestFindKeepsTheBranch(t *testing.T) {
	out, errs, code := run(t, fixture, "--find", "ping", "--wrap", "-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "Process: "); i >= 0 {
			got = append(got, strings.TrimSpace(l[i:]))
		}
	}
	want := []string{
		`Process: C:\Windows\explorer.exe  PID: 0x10  (inferred parent)`,
		`Process: C:\Windows\System32\cmd.exe  PID: 0x100`,
		`Process: C:\Windows\System32\ping.exe  PID: 0x208`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("find ping:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// a match inside another match's branch keeps all of its descendants: cmd.exe matches the
	// three cmd processes, so whoami, net and ping stay (explorer of HOST-B too)
	out, _, _ = run(t, fixture, "--find", "cmd.exe")
	if n := strings.Count(out, "Process: "); n != 9 {
		t.Errorf("find cmd.exe: %d processes, want 9\n%s", n, out)
	}
}

// --find with --html draws the same selection as the text: the chosen processes of the whole
// tree (not a tree rebuilt from their rows alone).
func TestFindHTMLMatchesText(t *testing.T) {
	html := filepath.Join(t.TempDir(), "tree.html")
	_, errs, code := run(t, fixture, "--find", "ping", "--html", html)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(b, []byte("3 selected processes of 9 processes")) {
		t.Errorf("page does not show the 3 selected processes (%v)", err)
	}
}

// Defender's internal layout is detected through the DuckDB reader, and --host-aware=false
// gives MSTICPy's counts (derived in proctree/mdeint_test.go).
func TestMDEInternalLayout(t *testing.T) {
	in := filepath.Join("..", "..", "..", "proctree", "testdata", "mde_internal.csv")
	for _, c := range []struct {
		flag string
		want map[string]any
	}{
		{"--host-aware=false", map[string]any{"Processes": 17.0, "RootProcesses": 3.0, "LeafProcesses": 7.0, "BranchProcesses": 7.0, "LargestTreeDepth": 6.0, "Schema": "mde-internal"}},
		{"--host-aware=true", map[string]any{"Processes": 19.0, "RootProcesses": 4.0, "LeafProcesses": 7.0, "BranchProcesses": 8.0, "LargestTreeDepth": 6.0, "Schema": "mde-internal"}},
	} {
		out, errs, code := run(t, in, c.flag, "--summary", "-o", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.flag, code, errs)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("%v: %s", err, out)
		}
		for k, v := range c.want {
			if rows[0][k] != v {
				t.Errorf("%s: %s = %v, want %v", c.flag, k, rows[0][k], v)
			}
		}
	}
	if _, errs, code := run(t, in, "--schema", "defender-internal", "--summary"); code != 0 {
		t.Errorf("--schema defender-internal: exit %d: %s", code, errs)
	}
}
