package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Spec is a kernelspec (kernel.json).
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// HuntkitSpec is huntkit's kernelspec: exe kernel -f {connection_file}, interrupts as
// messages (so Jupyter's interrupt cancels the running cell rather than signalling).
func HuntkitSpec(exe string) Spec {
	return Spec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   "huntkit",
		Language:      "kql",
		InterruptMode: "message",
	}
}

// InstallTarget chooses the kernels folder.
type InstallTarget struct {
	User   bool   // the user's Jupyter data folder
	Prefix string // PREFIX/share/jupyter (a virtualenv or conda prefix)
}

// KernelsDir returns the folder that holds kernelspecs for t, as Jupyter searches them:
// --prefix P gives P/share/jupyter/kernels; --user gives $JUPYTER_DATA_DIR/kernels or the
// platform's user data folder (~/.local/share/jupyter on Linux); otherwise
// $JUPYTER_DATA_DIR, else the first entry of $JUPYTER_PATH, else the system folder
// (/usr/local/share/jupyter on Unix).
func KernelsDir(t InstallTarget) (string, error) {
	if t.User && t.Prefix != "" {
		return "", errors.New("give --user or --prefix, not both")
	}
	if t.Prefix != "" {
		return filepath.Join(t.Prefix, "share", "jupyter", "kernels"), nil
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	if t.User {
		d, err := userDataDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "kernels"), nil
	}
	if p := os.Getenv("JUPYTER_PATH"); p != "" {
		if first := strings.Split(p, string(os.PathListSeparator))[0]; first != "" {
			return filepath.Join(first, "kernels"), nil
		}
	}
	if runtime.GOOS == "windows" {
		return filepath.Join(os.Getenv("PROGRAMDATA"), "jupyter", "kernels"), nil
	}
	return "/usr/local/share/jupyter/kernels", nil
}

func userDataDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder for --user: %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		return filepath.Join(os.Getenv("APPDATA"), "jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// Install writes spec as NAME/kernel.json under the kernels folder t selects and returns the
// kernelspec folder.
func Install(t InstallTarget, name string, spec Spec) (string, error) {
	dir, err := KernelsDir(t)
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install kernelspec: %w", err)
	}
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kernel.json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("install kernelspec: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("install kernelspec: %w", err)
	}
	return dir, nil
}
