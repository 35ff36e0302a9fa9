package kqlcmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cliapp"
)

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader("Heartbeat | take 1"), Out: &out, Err: &errb}
	cmd := New(app)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

func TestParse(t *testing.T) {
	out, _, err := run(t, "parse", "testdata/good.kql")
	if err != nil {
		t.Fatal(err)
	}
	if out != "SecurityEvent\n| where EventID == 4688\n| take 5\n" {
		t.Errorf("got %q", out)
	}
	_, _, err = run(t, "parse", "testdata/bad.kql")
	if err == nil || !strings.Contains(err.Error(), "testdata/bad.kql:2:1: unexpected end of query") {
		t.Errorf("got %v", err)
	}
}

func TestCompile(t *testing.T) {
	out, _, err := run(t, "compile", "--explain", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "-- KQL\n-- Heartbeat\n-- | take 1\nSELECT ") || !strings.Contains(out, `FROM "Heartbeat"`) || !strings.HasSuffix(out, "LIMIT CAST(1 AS BIGINT)) AS _t2;\n") {
		t.Errorf("got %q", out)
	}
	_, _, err = run(t, "compile", "Heartbet | take 1")
	if err == nil || !strings.Contains(err.Error(), `did you mean "Heartbeat"`) {
		t.Errorf("got %v", err)
	}
}

func TestCheck(t *testing.T) {
	out, _, err := run(t, "check", "--run", "testdata")
	var pe *cliapp.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("want a partial error, got %v", err)
	}
	if !strings.Contains(out, "3 queries: parsed 2 (66.7%), compiled 2 (66.7%), ran 2 (66.7%)") || !strings.Contains(out, "1  parse: unexpected end of query") {
		t.Errorf("got %q", out)
	}
}

// TestCheckSeveralQueries: a file of queries separated by blank lines is checked query by
// query, each named FILE:LINE with errors at the file's line numbers.
func TestCheckSeveralQueries(t *testing.T) {
	f := filepath.Join(t.TempDir(), "three.kql")
	src := "SecurityEvent | take 1\n\n// the second query\nHeartbeat | take\n\nAlertInfo | take 2\n"
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "check", "--json", f)
	var pe *cliapp.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("want a partial error, got %v", err)
	}
	for _, want := range []string{`three.kql:1","stage":"ok"`, `three.kql:3","stage":"parse"`, `"error":"4:17: unexpected end of query`, `three.kql:6","stage":"ok"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in %s", want, out)
		}
	}
}
