package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
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
