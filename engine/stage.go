package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// ErrNotRegular is wrapped when an import is asked to read something that is not a regular
// file (a FIFO, device or socket would block or never end).
var ErrNotRegular = errors.New("not a regular file")

// CheckRegular returns an error wrapping ErrNotRegular unless path is a regular file (after
// symbolic links). Folder imports skip and list such entries.
func CheckRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kindOf(st.Mode()))
	}
	return nil
}

func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	}
	return "special file"
}

// stageFile makes path readable by DuckDB for an import. Before the workspace is locked (or
// with file access allowed) the file is read in place, and the returned release lets Lock
// proceed once the import is done; once locked, the file is linked, or else copied, into a
// private folder inside the staging folder, removed by release.
func (w *Workspace) stageFile(ctx context.Context, path string) (string, func(), error) {
	if err := CheckRegular(path); err != nil {
		if errors.Is(err, ErrNotRegular) {
			return "", nil, fmt.Errorf("import %w", err) // names the path already
		}
		return "", nil, fmt.Errorf("import %s: %w", path, err)
	}
	if w.fileAccess {
		return path, func() {}, nil
	}
	w.access.RLock()
	if !w.locked.Load() {
		return path, w.access.RUnlock, nil
	}
	w.access.RUnlock()
	dir, err := os.MkdirTemp(w.stage, "in-*")
	if err != nil {
		return "", nil, fmt.Errorf("import %s: %w", path, err)
	}
	release := func() { os.RemoveAll(dir) }
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.Link(path, dst); err != nil {
		if err := copyFile(ctx, path, dst); err != nil {
			release()
			return "", nil, fmt.Errorf("import %s: %w", path, err)
		}
	}
	return dst, release, nil
}

// copyFile copies src to dst, checking ctx between chunks.
func copyFile(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, ctxReader{ctx, in})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// ctxReader stops a copy when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 1<<20 {
		p = p[:1<<20]
	}
	return c.r.Read(p)
}

// moveInto puts the finished file tmp at path atomically: renamed when on the same file
// system, else copied through frame.AtomicWrite (a temporary file beside path).
func moveInto(ctx context.Context, tmp, path string) error {
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err == nil {
		return nil
	}
	in, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer in.Close()
	return frame.AtomicWrite(path, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, ctxReader{ctx, in})
		return err
	})
}

// unstage rewrites the staged path in err's message back to the file the user named,
// keeping the error chain for errors.Is.
func unstage(err error, staged, path string) error {
	if err == nil || staged == path || !strings.Contains(err.Error(), staged) {
		return err
	}
	return &pathError{err: err, msg: strings.ReplaceAll(err.Error(), staged, path)}
}

type pathError struct {
	err error
	msg string
}

func (e *pathError) Error() string { return e.msg }
func (e *pathError) Unwrap() error { return e.err }
