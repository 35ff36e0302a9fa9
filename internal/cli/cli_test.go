package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
)

// run executes the real huntkit root with args.
func run(t *testing.T, stdin string, args ...string) clitest.Result {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	code := Run(context.Background(), app, args)
	return clitest.Result{Out: out.String(), Err: errb.String(), Code: code}
}

func TestUsageErrors(t *testing.T) {
	clitest.Isolate(t)
	for _, args := range [][]string{
		{"--bogus"},
		{"nosuchcommand"},
		{"workspace", "sql"},
		{"workspace", "tables", "-o", "xml"},
	} {
		r := run(t, "", args...)
		if r.Code != cliapp.ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, r.Code, cliapp.ExitUsage, r.Err)
		}
		if !strings.HasPrefix(r.Err, "huntkit: ") || strings.Count(r.Err, "\n") != 1 || !strings.Contains(r.Err, "--help") || r.Out != "" {
			t.Errorf("%v: stdout %q stderr %q", args, r.Out, r.Err)
		}
	}
}

func TestMisspeltCommandsSuggest(t *testing.T) {
	clitest.Isolate(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"quer"}, "did you mean queries or query?"},
		{[]string{"ti", "lokup", "1.2.3.4"}, "did you mean lookup?"},
		{[]string{"workspace", "improt", "x"}, "did you mean import?"},
		{[]string{"kql", "compil"}, "did you mean compile?"},
	} {
		r := run(t, "", tc.args...)
		if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, tc.want) || strings.Count(r.Err, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want usage error with %q", tc.args, r.Code, r.Err, tc.want)
		}
	}
	// A group given no subcommand still prints its help and succeeds.
	if r := run(t, "", "workspace"); r.Code != 0 || !strings.Contains(r.Out, "Available Commands") {
		t.Errorf("workspace: %+v", r)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	clitest.Isolate(t)
	if r := run(t, "", "version"); r.Code != 0 || !strings.HasPrefix(r.Out, "huntkit ") {
		t.Errorf("version: %+v", r)
	}
	if r := run(t, "", "completion", "bash"); r.Code != 0 || !strings.Contains(r.Out, "huntkit") {
		t.Errorf("completion: code %d, %d bytes", r.Code, len(r.Out))
	}
}

func TestWorkspaceFlow(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	ws := filepath.Join(dir, "case.duckdb")
	csv := filepath.Join(dir, "SecurityEvent.csv")
	if err := os.WriteFile(csv, []byte("Computer,EventID,Status\nWKS-01,4625,0xc000006d\nWKS-01,4624,0x0\nSRV-01,4625,0xc000006d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "--workspace", ws, "workspace", "import", csv); r.Code != 0 || !strings.Contains(r.Err, "as table SecurityEvent") {
		t.Fatalf("import: %+v", r)
	}
	// A second process sees the table in the workspace file.
	r := run(t, "", "--workspace", ws, "workspace", "tables", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Out, "SecurityEvent,3,") || !strings.Contains(r.Out, "Status:string") {
		t.Fatalf("tables: %+v", r)
	}
	r = run(t, "", "--workspace", ws, "workspace", "sql", "SELECT Computer, count(*) AS n FROM SecurityEvent WHERE Status = '0xc000006d' GROUP BY 1 ORDER BY 1", "-o", "ndjson")
	if r.Code != 0 || r.Out != "{\"Computer\":\"SRV-01\",\"n\":1}\n{\"Computer\":\"WKS-01\",\"n\":1}\n" {
		t.Fatalf("sql: %+v", r)
	}
	out := filepath.Join(dir, "failed.parquet")
	if r := run(t, "", "--workspace", ws, "workspace", "export", "SELECT * FROM SecurityEvent WHERE EventID = 4625", out); r.Code != 0 {
		t.Fatalf("export: %+v", r)
	}
	r = run(t, "", "query", "LocalData", "--data", dir, "--kql", "failed | summarize n = count()", "-o", "csv")
	if r.Code != 0 || r.Out != "n\n2\n" {
		t.Fatalf("query on exported parquet: %+v", r)
	}
	// A SQL error: exit 1, one line, nothing on stdout.
	r = run(t, "", "--workspace", ws, "workspace", "sql", "SELEC nonsense")
	if r.Code != cliapp.ExitFailure || r.Out != "" || strings.Count(r.Err, "\n") != 1 {
		t.Errorf("bad sql: %+v", r)
	}
}

func TestImportMalformed(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n3,4,5\n6,7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "workspace", "import", bad)
	if r.Code != cliapp.ExitFailure || !strings.Contains(r.Err, "bad.csv:3:") {
		t.Errorf("strict import: %+v", r)
	}
	r = run(t, "", "workspace", "import", "--skip-bad-rows", bad)
	if r.Code != cliapp.ExitFailure || !strings.Contains(r.Err, "skipped "+bad+":3") || !strings.Contains(r.Err, "1 records skipped") {
		t.Errorf("lenient import: %+v", r)
	}
}

func TestOTRFOffline(t *testing.T) {
	clitest.Isolate(t)
	cat := testdata.Shared(t, "otrf/mordor_cache.json")
	zips := testdata.Shared(t, "otrf/zips")
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	text := "DataProviders:\n  OTRF:\n    save_folder: " + t.TempDir() + "\n    Args:\n      Catalog: " + cat + "\n      DataFolder: " + zips + "\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "--config", cfg, "otrf", "list", "comsvcs", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Out, "SDWIN-201018195009") {
		t.Fatalf("list: %+v", r)
	}
	r = run(t, "", "--config", cfg, "query", "OTRF", "-o", "csv", "--kql",
		`windows_credential_access_host_psh_lsass_memory_dump_comsvcs | where EventID == 10 and TargetImage endswith "lsass.exe" | summarize n = count() by SourceImage`)
	if r.Code != 0 || !strings.Contains(strings.ToLower(r.Out), `rundll32.exe`) {
		t.Fatalf("query: %+v", r)
	}
	r = run(t, "", "--config", cfg, "otrf", "get", "SDWIN-000000000000")
	if r.Code != cliapp.ExitFailure || !strings.Contains(r.Err, "no such OTRF dataset") {
		t.Errorf("unknown dataset: %+v", r)
	}
}

// No input produces a stack trace: a panic deep in a command is one line (issue 11).
func TestNoStackTrace(t *testing.T) {
	clitest.Isolate(t)
	for _, args := range [][]string{
		{"kql", "parse", "print x = time(-)"},
		{"kql", "compile", "print x = timespan(-)"},
	} {
		r := run(t, "", args...)
		if strings.Contains(r.Err, "goroutine ") || strings.Count(r.Err, "\n") > 1 {
			t.Errorf("%v: stderr %q", args, r.Err)
		}
		if r.Code != 0 && !strings.HasPrefix(r.Err, "huntkit: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.Code, r.Err)
		}
	}
}

// A configuration with wrong types fails every command that loads it with exit 3, as config
// validate does (issue 11).
func TestConfigErrorsExit3Everywhere(t *testing.T) {
	clitest.Isolate(t)
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte("TIProviders:\n  OTX:\n    Args:\n      AuthKey: abc\n    Primary: maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"config", "validate"}, {"config", "show"}, {"ti", "providers"}} {
		r := run(t, "", append([]string{"--config", p}, args...)...)
		if r.Code != cliapp.ExitConfig {
			t.Errorf("%v: exit %d, want 3 (stderr %q)", args, r.Code, r.Err)
		}
	}
}

// The strict import error of a malformed CSV names its line and mentions --skip-bad-rows,
// which keeps every good record of a file with an unterminated quote (issues 11, 13).
func TestImportUnterminatedQuote(t *testing.T) {
	clitest.Isolate(t)
	p := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,x\n2,\"open\n3,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "workspace", "import", p)
	if r.Code != 1 || !strings.Contains(r.Err, p+":3:") || !strings.Contains(r.Err, "--skip-bad-rows") {
		t.Errorf("strict: exit %d, stderr %q", r.Code, r.Err)
	}
	r = run(t, "", "workspace", "import", "--skip-bad-rows", p)
	if r.Code != 1 || !strings.Contains(r.Err, "skipped "+p+":3: unterminated quoted field") || !strings.Contains(r.Err, "imported "+p) {
		t.Errorf("lenient: exit %d, stderr %q", r.Code, r.Err)
	}
}
