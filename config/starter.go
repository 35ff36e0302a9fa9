package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed starter.yaml
var starter []byte

// Starter returns a commented starter msticpyconfig.yaml: every section explained, with
// the optional ones commented out, so that it validates cleanly as written.
func Starter() []byte { return append([]byte(nil), starter...) }

// ErrExists is returned by WriteStarter when the file exists and force is false.
var ErrExists = errors.New("file exists")

// WriteStarter writes the starter file to path atomically (a temporary file renamed into
// place, so a failure never leaves half a file), readable by the owner only as it will
// hold secrets. Missing parent folders are created. Without force an existing file is
// left untouched and the error matches ErrExists.
func WriteStarter(path string, force bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("write %s: %w (use --force to overwrite)", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(dir, ".msticpyconfig-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op once renamed or linked
	if _, err := tmp.Write(starter); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmpName, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if force {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	// A hard link fails if the target appeared meanwhile, so an existing file is never
	// replaced without --force.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w (use --force to overwrite)", path, ErrExists)
		}
		// file systems without hard links: the existence check above has to do
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
