package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C and SIGTERM stop a long step: exit 130, "interrupted", no output file (issue 11).
func TestInterruptStopsLongQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "huntkit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := filepath.Join(dir, "result.csv")
		cmd := exec.Command(bin, "workspace", "sql", "SELECT count(*) AS n FROM range(100000000000) a", "--out", out)
		cmd.Env = append(os.Environ(), "HUNTKIT_CONFIG="+filepath.Join(dir, "none.yaml"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(60 * time.Second): // a hang guard, not a speed verdict
			cmd.Process.Kill()
			t.Fatalf("%v: still running", sig)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("%v: exit %v, want 130 (stderr %q)", sig, err, stderr.String())
		}
		if got := strings.TrimSpace(stderr.String()); got != "huntkit: interrupted" {
			t.Errorf("%v: stderr %q", sig, got)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != "huntkit" {
				t.Errorf("%v: left %s behind", sig, e.Name())
			}
		}
	}
}
