package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStaleStageHelper is the child process of TestStaleStagesRemoved: it opens a
// workspace, prints its staging folder and waits to be killed.
func TestStaleStageHelper(t *testing.T) {
	if os.Getenv("HUNTKIT_STAGE_HELPER") == "" {
		t.Skip("helper process only")
	}
	w, err := Open(context.Background(), "")
	if err != nil {
		os.Exit(2)
	}
	os.Stdout.WriteString(w.stage + "\n")
	time.Sleep(time.Minute)
}

// TestStaleStagesRemoved kills a real process holding a workspace with SIGKILL and checks
// that the next Open removes its staging folder, and nothing else.
func TestStaleStagesRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cmd := exec.Command(os.Args[0], "-test.run=^TestStaleStageHelper$")
	cmd.Env = append(os.Environ(), "HUNTKIT_STAGE_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := out.Read(buf)
	stage := strings.TrimSpace(strings.SplitN(string(buf[:n]), "\n", 2)[0])
	if _, err := os.Stat(stage); err != nil || !strings.HasPrefix(filepath.Base(stage), stagePrefix+strconv.Itoa(cmd.Process.Pid)+"-") {
		t.Fatalf("helper staging folder %q: %v", stage, err)
	}
	// folders that must survive: another name, a live process's folder, no pid
	keep := []string{"huntkit-stage-abc", "other-" + strconv.Itoa(cmd.Process.Pid) + "-x", stagePrefix + strconv.Itoa(os.Getppid()) + "-live"}
	for _, k := range keep {
		if err := os.Mkdir(filepath.Join(tmp, k), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if _, err := os.Stat(stage); err != nil {
		t.Fatalf("SIGKILL should leave the staging folder behind: %v", err)
	}
	w, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := os.Stat(stage); !os.IsNotExist(err) {
		t.Errorf("stale staging folder %s not removed (%v)", stage, err)
	}
	for _, k := range keep {
		if _, err := os.Stat(filepath.Join(tmp, k)); err != nil {
			t.Errorf("%s was removed: %v", k, err)
		}
	}
	if _, err := os.Stat(w.stage); err != nil {
		t.Errorf("own staging folder: %v", err)
	}
}
