package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// stagePrefix starts the name of every workspace staging folder: huntkit-stage-PID-RANDOM,
// PID being the owning process, so that a later process can tell a folder left behind
// by a killed one (SIGKILL runs no cleanup) from one in use.
const stagePrefix = "huntkit-stage-"

// stageName is the os.MkdirTemp pattern of this process's staging folders.
func stageName() string { return stagePrefix + strconv.Itoa(os.Getpid()) + "-*" }

// removeStaleStages removes, in dir, the staging folders of huntkit's naming whose owning
// process is gone. Anything else (other names, folders of live processes, folders
// without a pid in the name) is left alone. It returns the folders it removed.
func removeStaleStages(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		pid, ok := stagePID(e.Name())
		if !ok || !e.IsDir() || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if os.RemoveAll(p) == nil {
			removed = append(removed, p)
		}
	}
	return removed
}

// stagePID returns the pid in a staging folder name huntkit-stage-PID-RANDOM.
func stagePID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, stagePrefix)
	if !ok {
		return 0, false
	}
	p, suffix, ok := strings.Cut(rest, "-")
	if !ok || suffix == "" {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// processAlive reports whether a process with this pid exists (EPERM: it exists but
// belongs to someone else).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
