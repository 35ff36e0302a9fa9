package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// workspace export refuses what it cannot do, as usage errors, and writes no file: an
// extension that names no export format, an unknown --format, and a bare name that is not
// a table (which would otherwise reach DuckDB as SQL and fail with a parser error).
func TestWorkspaceExportErrors(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	ws := filepath.Join(dir, "case.duckdb")
	csv := filepath.Join(dir, "SecurityEvent.csv")
	if err := os.WriteFile(csv, []byte("Computer,EventID\nWKS-01,4625\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "--workspace", ws, "workspace", "import", csv); r.Code != 0 {
		t.Fatalf("import: %+v", r)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SecurityEvent", filepath.Join(dir, "out.xml")}, "--format"},
		{[]string{"SecurityEvent", filepath.Join(dir, "out.csv"), "--format", "xml"}, `"xml"`},
		{[]string{"SecurityEvnt", filepath.Join(dir, "out.csv")}, `did you mean "SecurityEvent"`},
	} {
		r := run(t, "", append([]string{"--workspace", ws, "workspace", "export"}, tc.args...)...)
		if r.Code != 2 || !strings.Contains(r.Err, tc.want) || strings.Count(strings.TrimSpace(r.Err), "\n") > 1 {
			t.Errorf("export %v: exit %d, stderr %q; want exit 2 naming %s", tc.args, r.Code, r.Err, tc.want)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*out*")); len(m) != 0 {
		t.Errorf("files left behind: %v", m)
	}
	// the good cases still work
	out := filepath.Join(dir, "good.json")
	if r := run(t, "", "--workspace", ws, "workspace", "export", "securityevent", out); r.Code != 0 {
		t.Fatalf("export: %+v", r)
	}
	if data, err := os.ReadFile(out); err != nil || !strings.Contains(string(data), `"Computer":"WKS-01"`) {
		t.Errorf("export file: %s %v", data, err)
	}
}

// workspace import of a folder lists what it skips and why, and a folder with nothing it can
// read is an error (exit 2, one line), not a silent success (issue 13).
func TestWorkspaceImportSkipped(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	for name, body := range map[string]string{"notes.xyz": "hello\n", "plain.log": "just text\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "workspace", "import", dir)
	if r.Code != cliapp.ExitUsage || r.Out != "" {
		t.Fatalf("nothing importable: %+v", r)
	}
	for _, want := range []string{
		"skipped " + filepath.Join(dir, "notes.xyz") + `: unsupported file type ".xyz"`,
		"skipped " + filepath.Join(dir, "plain.log") + ": ",
		"skipped " + filepath.Join(dir, "sub") + ": a folder",
		dir + ": no importable files (3 entries skipped)",
	} {
		if !strings.Contains(r.Err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Err)
		}
	}
	if last := strings.Split(strings.TrimSpace(r.Err), "\n"); !strings.Contains(last[len(last)-1], "no importable files") {
		t.Errorf("last line %q", last[len(last)-1])
	}
	// With one readable file the rest is listed and the import succeeds.
	if err := os.WriteFile(filepath.Join(dir, "ok.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", "workspace", "import", dir)
	if r.Code != 0 || !strings.Contains(r.Err, "skipped "+filepath.Join(dir, "notes.xyz")) || !strings.Contains(r.Err, "as table ok") {
		t.Errorf("one importable file: %+v", r)
	}
}
