package analyzecmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
)

func run(t *testing.T, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, clitest.Options{}, clitest.One(New), append([]string{"analyze"}, args...)...)
}

// fixtures writes the files the --help examples name into dir.
func fixtures(t *testing.T, dir string) {
	t.Helper()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("exchange.csv", "UserId,ClientIP,TimeGenerated,Operation\n"+
		"alice,10.0.0.1,2024-01-01T10:00:00Z,Get-Mailbox\n"+
		"alice,10.0.0.1,2024-01-01T10:01:00Z,Set-Mailbox\n"+
		"bob,10.0.0.2,2024-01-01T10:00:30Z,Get-User\n"+
		"alice,10.0.0.1,2024-01-01T11:00:00Z,Get-Mailbox\n")
	write("cmds.jsonl", `{"user":"u1","ts":"2024-01-01T10:00:00Z","cmd":"ls"}`+"\n"+
		`{"user":"u1","ts":"2024-01-01T10:00:10Z","cmd":"cat"}`+"\n"+
		`{"user":"u2","ts":"2024-01-01T10:00:20Z","cmd":"id"}`+"\n")
	var base, today strings.Builder
	normal := `[{"name":"Get-Mailbox","params":["Identity"]},{"name":"Set-Mailbox","params":["Identity","Force"]},{"name":"Get-User","params":["Identity"]}]`
	for i := range 40 {
		fmt.Fprintf(&base, `{"session_id":%d,"cmds":%s}`+"\n", i, normal)
	}
	fmt.Fprintf(&today, `{"session_id":1,"cmds":%s}`+"\n", normal)
	fmt.Fprintf(&today, `{"session_id":2,"cmds":[{"name":"Get-Mailbox","params":["Identity"]},{"name":"New-InboxRule","params":["RedirectTo","DeleteMessage"]},{"name":"Set-Mailbox","params":["Identity"]}]}`+"\n")
	write("baseline.jsonl", base.String())
	write("today.jsonl", today.String())
	write("sessions.jsonl", base.String()+today.String())
}

// TestHelpExamples runs every example of the analyze commands' --help.
func TestHelpExamples(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	t.Chdir(dir)
	root := New(&cliapp.App{})
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		cmds = append(cmds, c)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	n := 0
	for _, c := range cmds {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			args := strings.Fields(strings.TrimPrefix(line, "huntkit "))
			r := clitest.Run(t, clitest.Options{}, clitest.One(New), args...)
			if r.Code != 0 {
				t.Errorf("%s: exit %d: %s", line, r.Code, r.Err)
			}
			n++
		}
	}
	if n < 5 {
		t.Errorf("ran %d examples", n)
	}
}

func TestSessionsThenSequences(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	sess := filepath.Join(dir, "s.jsonl")
	r := run(t, "sessions", filepath.Join(dir, "exchange.csv"), "--key", "UserId", "--event", "Operation", "--out", sess)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	if !strings.Contains(r.Err, "4 events, 3 sessions") {
		t.Errorf("stderr: %q", r.Err)
	}
	r = run(t, "sequences", sess, "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.Out), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("%v: %s", err, r.Out)
	}
	if _, ok := rows[0]["rarest_window3_likelihood"]; !ok || !strings.Contains(r.Err, "commands-level model on 3 sessions") {
		t.Errorf("row %v; stderr %q", rows[0], r.Err)
	}
}

// TestModelSaveReuse: --model saves a trained model and later runs load it; the planted
// session ranks first; --retrain overwrites; a broken model file is one clear line.
func TestModelSaveReuse(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	model := filepath.Join(dir, "m.json")
	r := run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--train", filepath.Join(dir, "baseline.jsonl"), "--model", model, "--top", "1", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	if !strings.Contains(r.Err, "params-level model on 40 sessions") || !strings.Contains(r.Err, "saved the model") {
		t.Errorf("stderr %q", r.Err)
	}
	first := r.Out
	if !strings.Contains(first, `"session_id":2`) || !strings.Contains(first, "New-InboxRule") {
		t.Errorf("rarest session is not the planted one: %s", first)
	}
	if st, err := os.Stat(model); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("model file: %v %v", st, err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model, "--top", "1", "-o", "json")
	if r.Code != 0 || r.Out != first || !strings.Contains(r.Err, "loaded model") {
		t.Errorf("reuse: exit %d, %q vs %q; %s", r.Code, r.Out, first, r.Err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model, "--retrain", "--level", "commands", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Err, "commands-level model on 2 sessions") {
		t.Errorf("retrain: exit %d: %s", r.Code, r.Err)
	}
	if err := os.WriteFile(model, []byte("{\n \"format\": 3\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model)
	if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, "m.json: 2:") || strings.Count(r.Err, "\n") != 1 {
		t.Errorf("broken model: exit %d: %q", r.Code, r.Err)
	}
}

func TestBadInput(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sessions", filepath.Join(dir, "exchange.csv"), "--event", "Nope"}, `"Nope"`},
		{[]string{"sessions", filepath.Join(dir, "exchange.csv"), "--key", "Who", "--event", "Operation"}, `"Who"`},
		{[]string{"sequences", filepath.Join(dir, "exchange.csv")}, "no session column"},
		{[]string{"sequences", filepath.Join(dir, "exchange.csv"), "--session-col", "UserId"}, "row 1"},
		{[]string{"sequences", filepath.Join(dir, "today.jsonl"), "--window", "0"}, "--window 0"},
		{[]string{"sequences", filepath.Join(dir, "today.jsonl"), "--level", "bits"}, `level "bits"`},
		{[]string{"sequences", "table:nope"}, "no such table"},
	} {
		r := run(t, tc.args...)
		if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, tc.want) || strings.Count(r.Err, "\n") != 1 {
			t.Errorf("%v: exit %d: %q (want %q)", tc.args, r.Code, r.Err, tc.want)
		}
	}
}
