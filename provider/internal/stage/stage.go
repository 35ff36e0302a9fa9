// Package stage turns log files that are not one-table-per-file (osquery result logs,
// Velociraptor collections spread over folders) into one JSON-lines file per table in a
// private temporary folder, which a LocalData driver then serves as tables (KQL and SQL on
// the workspace). The folder is removed by Close.
package stage

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Dir is a temporary folder of staged tables.
type Dir struct {
	path   string
	files  map[string]*os.File
	bufs   map[string]*bufio.Writer
	counts map[string]int
}

// New creates the folder (0700).
func New() (*Dir, error) {
	p, err := os.MkdirTemp("", "huntkit-stage-")
	if err != nil {
		return nil, err
	}
	return &Dir{path: p, files: map[string]*os.File{}, bufs: map[string]*bufio.Writer{}, counts: map[string]int{}}, nil
}

// Path returns the folder.
func (d *Dir) Path() string { return d.path }

// Add appends one record to table's file.
func (d *Dir) Add(table string, rec any) error {
	w := d.bufs[table]
	if w == nil {
		f, err := os.OpenFile(filepath.Join(d.path, table+".jsonl"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		d.files[table], w = f, bufio.NewWriterSize(f, 64<<10)
		d.bufs[table] = w
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	w.Write(b)
	d.counts[table]++
	return w.WriteByte('\n')
}

// Tables lists the staged tables and their row counts.
func (d *Dir) Tables() map[string]int { return d.counts }

// Flush writes and closes every table file.
func (d *Dir) Flush() error {
	var first error
	for t, w := range d.bufs {
		if err := w.Flush(); err != nil && first == nil {
			first = err
		}
		if err := d.files[t].Close(); err != nil && first == nil {
			first = err
		}
	}
	d.bufs, d.files = map[string]*bufio.Writer{}, map[string]*os.File{}
	return first
}

// Remove deletes the folder.
func (d *Dir) Remove() error { return os.RemoveAll(d.path) }

// Driver is a LocalData driver over a staged folder; Close removes the folder. Problems
// met while staging (an unreadable file, a malformed line) are reported by Warnings.
type Driver struct {
	*localdata.Driver
	dir      *Dir
	warnings []error
}

// Serve flushes d and returns a driver over it, with the staging warnings.
func Serve(ctx context.Context, ws query.Workspace, d *Dir, warnings []error) (*Driver, error) {
	if err := d.Flush(); err != nil {
		d.Remove()
		return nil, err
	}
	inner, err := localdata.New(ctx, query.Settings{Workspace: ws, DataPaths: []string{d.path}})
	if err != nil {
		d.Remove()
		return nil, err
	}
	return &Driver{Driver: inner, dir: d, warnings: warnings}, nil
}

// Query runs KQL or SQL over the staged tables (see localdata.Driver.Query).
func (s *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	return s.Driver.Query(ctx, req)
}

// Warnings returns the staging problems, then LocalData's import problems.
func (s *Driver) Warnings() []error {
	return append(append([]error{}, s.warnings...), s.Driver.Warnings()...)
}

// Close removes the staged files (tables already imported stay in the workspace).
func (s *Driver) Close() error { return s.dir.Remove() }

// Paths returns the data folders of an environment: DataProviders.<section>.Args.data_paths
// and DataProviders.<section>.data_paths of each section name, then extra (--data).
func Paths(c *config.Config, sections []string, extra []string) []string {
	var out []string
	for _, sec := range sections {
		for _, k := range []string{"DataProviders." + sec + ".Args.data_paths", "DataProviders." + sec + ".data_paths"} {
			if l, ok := c.Strings(k); ok {
				out = append(out, l...)
			} else if v, ok := c.String(k); ok && v != "" {
				out = append(out, v)
			}
		}
	}
	out = append(out, extra...)
	for i, p := range out {
		out[i] = config.ExpandHome(strings.TrimSpace(p))
	}
	return out
}

// Walk lists the files under the paths (a path may be a file) whose names match keep,
// sorted for a stable table order.
func Walk(paths []string, keep func(name string) bool) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("data path %s: %w", p, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && keep(e.Name()) {
				out = append(out, f)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("data path %s: %w", p, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// TableName makes a name a table name: letters, digits and "_" kept, others "_" (as
// msticpy's valid_pyname), a leading digit prefixed with "t".
func TableName(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' && i > 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteString("t")
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
