// Package osquery is the OSQueryLogs data environment: osquery's result logs
// (osqueryd.results.log, osqueryd.snapshots.log: JSON lines written by the filesystem
// logger plugin) read into one table per scheduled query, queried with KQL or SQL on the
// workspace like LocalData. A query named "pack_<pack>_<name>" gives the table <name>, as in
// msticpy; the row's "columns" and "decorations" become columns of their own.
package osquery

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/provider/internal/stage"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name (msticpy's); Aliases its other names.
const Name = "OSQueryLogs"

// Aliases are accepted in place of Name.
var Aliases = []string{"OSQuery"}

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     Aliases,
		Description: "osquery result and snapshot logs: one table per scheduled query; KQL or SQL",
		Language:    "kql",
		Dialect:     query.DialectFor("kql"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool {
			return c.IsSet("DataProviders.OSQueryLogs") || c.IsSet("DataProviders.OSQuery")
		},
	})
}

// New reads the logs under DataProviders.OSQueryLogs.Args.data_paths and --data folders
// (every *.log file below them) and returns a driver over their tables. A line that is not
// a result record is skipped and reported by Warnings (file:line).
func New(ctx context.Context, s query.Settings) (*stage.Driver, error) {
	if s.Workspace == nil {
		return nil, localdata.ErrNoWorkspace
	}
	paths := stage.Paths(s.Config, []string{"OSQueryLogs", "OSQuery"}, s.DataPaths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("OSQueryLogs: no data paths (set DataProviders.OSQueryLogs.Args.data_paths or --data)")
	}
	files, err := stage.Walk(paths, func(n string) bool {
		n = strings.ToLower(n)
		return strings.HasSuffix(n, ".log") || strings.HasSuffix(n, ".json")
	})
	if err != nil {
		return nil, fmt.Errorf("OSQueryLogs: %w", err)
	}
	dir, err := stage.New()
	if err != nil {
		return nil, err
	}
	var warns []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			dir.Remove()
			return nil, err
		}
		w, err := stageFile(dir, f)
		if err != nil {
			dir.Remove()
			return nil, err
		}
		warns = append(warns, w...)
	}
	if len(dir.Tables()) == 0 {
		dir.Remove()
		return nil, fmt.Errorf("OSQueryLogs: no osquery results in %s", strings.Join(paths, ", "))
	}
	return stage.Serve(ctx, s.Workspace, dir, warns)
}

var tableRE = regexp.MustCompile(`(?i)(?:pack_[^_]+_)?([\w]+)`)

// Table returns the table of an osquery query name ("pack_osquery-custom-pack_processes" →
// "processes").
func Table(name string) string {
	if m := tableRE.FindStringSubmatch(name); m != nil {
		return stage.TableName(m[1])
	}
	return stage.TableName(name)
}

// timeCols are osquery columns holding Unix seconds, staged as times.
var timeCols = map[string]bool{"time": true, "atime": true, "ctime": true, "mtime": true, "btime": true}

// stageFile reads one log file. Problems with single lines are returned as warnings.
func stageFile(dir *stage.Dir, path string) ([]error, error) {
	f, err := os.Open(path)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", path, err)}, nil
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var warns []error
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if t := strings.TrimSpace(string(b)); t != "" {
			if werr := stageLine(dir, []byte(t)); werr != nil {
				warns = append(warns, fmt.Errorf("%s:%d: %w", path, line, werr))
			}
		}
		if err == io.EOF {
			return warns, nil
		}
		if err != nil {
			return append(warns, fmt.Errorf("%s:%d: %w", path, line, err)), nil
		}
	}
}

func stageLine(dir *stage.Dir, b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	var name string
	if err := json.Unmarshal(m["name"], &name); err != nil || name == "" {
		return fmt.Errorf("no query name")
	}
	table := Table(name)
	base := &stage.Record{}
	for _, k := range order(b) {
		switch k {
		case "columns", "decorations", "snapshot", "diffResults":
			continue
		}
		var v any
		json.Unmarshal(m[k], &v)
		if k == "calendarTime" {
			if s, ok := v.(string); ok {
				if t, err := time.Parse("Mon Jan 2 15:04:05 2006 MST", s); err == nil {
					v = t.UTC().Format(time.RFC3339)
				}
			}
		}
		base.Set(k, v)
	}
	add := func(cols json.RawMessage) error {
		r := &stage.Record{}
		for _, k := range base.Keys() {
			r.Set(k, base.Get(k))
		}
		if err := nested(r, m["decorations"]); err != nil {
			return err
		}
		if err := nested(r, cols); err != nil {
			return err
		}
		return dir.Add(table, r)
	}
	if snap, ok := m["snapshot"]; ok {
		var rows []json.RawMessage
		if err := json.Unmarshal(snap, &rows); err != nil {
			return fmt.Errorf("snapshot is not a list: %v", err)
		}
		for _, row := range rows {
			if err := add(row); err != nil {
				return err
			}
		}
		return nil
	}
	if dr, ok := m["diffResults"]; ok { // batched format: {"added":[...],"removed":[...]}
		var d map[string][]json.RawMessage
		if err := json.Unmarshal(dr, &d); err != nil {
			return fmt.Errorf("diffResults: %v", err)
		}
		for _, act := range []string{"added", "removed"} {
			for _, row := range d[act] {
				base.Set("action", act)
				if err := add(row); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return add(m["columns"])
}

// nested adds the fields of an object (columns, decorations); a name already taken gets "_".
func nested(r *stage.Record, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("columns: %v", err)
	}
	for _, k := range order(raw) {
		v := m[k]
		if timeCols[k] {
			if s, ok := v.(string); ok {
				if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
					v = time.Unix(n, 0).UTC().Format(time.RFC3339)
				}
			}
		}
		name := k
		if r.Has(name) {
			name += "_"
		}
		r.Set(name, v)
	}
	return nil
}

// order returns the member names of a JSON object in the order written.
func order(b []byte) []string {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		k, _ := t.(string)
		out = append(out, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return out
		}
	}
	return out
}
