package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// File names that map to one table name get distinct, predictable names with a notice, never
// a silent replace; a FIFO is skipped and listed, not read (issue 11).
func TestPlanImportCollisionsAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	names := []string{"T.csv", "t.csv", "a-b.csv", "a_b.csv", "a_b.jsonl", "a_b.jsonl.csv"}
	for i, n := range names {
		body := "x\n" + strings.Repeat("1\n", i+1)
		if strings.HasSuffix(n, ".jsonl") {
			body = strings.Repeat("{\"x\":1}\n", i+1)
		}
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "x.csv"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	plan, err := PlanImport([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range plan.Sources {
		got[filepath.Base(s.Path)] = s.Table
	}
	want := map[string]string{"T.csv": "T", "t.csv": "t_2", "a-b.csv": "a_b", "a_b.csv": "a_b_2", "a_b.jsonl": "a_b_3", "a_b.jsonl.csv": "a_b_4"}
	for f, tb := range want {
		if got[f] != tb {
			t.Errorf("%s -> table %q, want %q (plan %+v)", f, got[f], tb, plan.Sources)
		}
	}
	if len(plan.Sources) != 6 {
		t.Errorf("%d sources, want 6", len(plan.Sources))
	}
	last := ""
	if len(plan.Notices) > 0 {
		last = plan.Notices[len(plan.Notices)-1]
	}
	if len(plan.Notices) != 4 || !strings.HasSuffix(last, "t.csv imported as table t_2: its name maps to the table of "+filepath.Join(dir, "T.csv")+" (T)") {
		t.Errorf("notices %q", plan.Notices)
	}
	if len(plan.Skipped) != 1 || !strings.Contains(plan.Skipped[0], "x.csv: not a regular file (a FIFO)") {
		t.Errorf("skipped %q", plan.Skipped)
	}
	// Importing the plan keeps six tables with every row.
	w := open(t)
	ctx := context.Background()
	for i, s := range plan.Sources {
		if err := w.Import(ctx, s.Table, s.Path); err != nil {
			t.Fatal(err)
		}
		_ = i
	}
	infos, err := w.Tables(ctx)
	if err != nil || len(infos) != 6 {
		t.Fatalf("%d tables, %v", len(infos), err)
	}
	// Import refuses a FIFO named directly instead of blocking on it.
	if err := w.Import(ctx, "fifo", filepath.Join(dir, "x.csv")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("import of a FIFO: %v", err)
	}
}
