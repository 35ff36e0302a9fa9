package frame

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An interrupted write leaves no file, neither the target nor a temporary one (issue 11).
func TestAtomicWriteContextInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	ctx, cancel := context.WithCancel(context.Background())
	err := AtomicWriteContext(ctx, path, 0o644, func(w io.Writer) error {
		for i := 0; ; i++ {
			if i == 1000 {
				cancel()
			}
			if _, err := io.WriteString(w, strings.Repeat("x", 1000)+"\n"); err != nil {
				return err
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("left %v behind", ents)
	}
	big := MustNew(NewStrings("x", make([]string, 200000)))
	if err := WriteFileContext(ctx, path, big, "csv"); !errors.Is(err, context.Canceled) {
		t.Errorf("WriteFileContext on a done context: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %v behind", ents)
	}
}

// Temporary files of our naming left by a killed process are removed by the next write to
// the folder once stale; fresh ones and other files are kept.
func TestAtomicWriteRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * StaleTemp)
	files := map[string]bool{ // name -> should survive
		".report.csv.tmp-123456": false,
		".x.parquet.tmp-9":       false,
		".fresh.csv.tmp-777":     true,
		".notes.tmp-abc":         true, // not our naming
		"data.csv.tmp-123":       true, // not hidden
		".keep":                  true,
	}
	for name, keep := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !(keep && strings.HasPrefix(name, ".fresh")) {
			os.Chtimes(p, old, old)
		}
	}
	os.Mkdir(filepath.Join(dir, ".dir.tmp-1"), 0o755)
	os.Chtimes(filepath.Join(dir, ".dir.tmp-1"), old, old)
	if err := WriteFile(filepath.Join(dir, "new.csv"), MustNew(NewStrings("a", []string{"1"})), ""); err != nil {
		t.Fatal(err)
	}
	for name, keep := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if keep && err != nil {
			t.Errorf("%s removed", name)
		}
		if !keep && err == nil {
			t.Errorf("%s kept", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".dir.tmp-1")); err != nil {
		t.Errorf("a folder of the pattern was removed")
	}
}
