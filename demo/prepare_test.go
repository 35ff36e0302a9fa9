package demo

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// prepare clears the tables of an earlier demo run, but never touches a folder of someone
// else's files: `huntkit demo --dir ./exports` must not delete ./exports/SecurityEvent/.
func TestPrepareRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	user := filepath.Join(dir, "SecurityEvent", "export-2024.csv")
	if err := os.MkdirAll(filepath.Dir(user), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(user, []byte("Computer\nWKS-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepare(dir); !errors.Is(err, ErrNotDemoDir) {
		t.Errorf("prepare on a folder of other files: %v, want ErrNotDemoDir", err)
	}
	if _, err := os.Stat(user); err != nil {
		t.Errorf("the user's file is gone: %v", err)
	}

	// a new folder, and then the same folder again (an interrupted run is retried)
	fresh := filepath.Join(dir, "new")
	if err := prepare(fresh); err != nil {
		t.Fatalf("new folder: %v", err)
	}
	if err := os.WriteFile(TablePath(fresh, "SecurityEvent"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepare(fresh); err != nil {
		t.Fatalf("second run in the demo's own folder: %v", err)
	}
	if _, err := os.Stat(TablePath(fresh, "SecurityEvent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old table file kept: %v", err)
	}

	// a folder written by an older version: it has a manifest
	old := filepath.Join(dir, "old")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, ManifestFile), []byte(`{"generator_version":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepare(old); err != nil {
		t.Errorf("folder of an older demo: %v", err)
	}
}
