// Package velociraptor is the Velociraptor data environment (msticpy's VelociraptorLogs):
// the JSON-lines result files of a Velociraptor collection (one file per artifact, e.g.
// results/Windows.Network.Netstat.json in an offline collector's output), each artifact a
// table (Windows_Network_Netstat), queried with KQL or SQL on the workspace like LocalData.
// Files of the same artifact under several data paths are joined into one table.
package velociraptor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/provider/internal/stage"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name; Aliases its other names (msticpy's VelociraptorLogs).
const Name = "Velociraptor"

// Aliases are accepted in place of Name.
var Aliases = []string{"VelociraptorLogs"}

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     Aliases,
		Description: "Velociraptor collection results: one table per artifact; KQL or SQL",
		Language:    "kql",
		Dialect:     query.DialectFor("kql"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool {
			return c.IsSet("DataProviders.VelociraptorLogs") || c.IsSet("DataProviders.Velociraptor")
		},
	})
}

// New reads every *.json file under DataProviders.VelociraptorLogs.Args.data_paths and the
// --data folders. A line that is not a JSON object is skipped and reported by Warnings
// (file:line); the rows before and after it are kept.
func New(ctx context.Context, s query.Settings) (*stage.Driver, error) {
	if s.Workspace == nil {
		return nil, localdata.ErrNoWorkspace
	}
	paths := stage.Paths(s.Config, []string{"VelociraptorLogs", "Velociraptor"}, s.DataPaths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("VelociraptorLogs: no data paths (set DataProviders.VelociraptorLogs.Args.data_paths or --data)")
	}
	dir, err := stage.New()
	if err != nil {
		return nil, err
	}
	var warns []error
	for _, root := range paths {
		files, err := stage.Walk([]string{root}, func(n string) bool { return strings.EqualFold(filepath.Ext(n), ".json") })
		if err != nil {
			dir.Remove()
			return nil, fmt.Errorf("VelociraptorLogs: %w", err)
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				dir.Remove()
				return nil, err
			}
			warns = append(warns, stageFile(dir, Table(root, f), f)...)
		}
	}
	if len(dir.Tables()) == 0 {
		dir.Remove()
		return nil, fmt.Errorf("VelociraptorLogs: no result rows in %s", strings.Join(paths, ", "))
	}
	return stage.Serve(ctx, s.Workspace, dir, warns)
}

// Table names a file's table: its path below the data path without ".json", with every
// character other than letters, digits and "_" made "_" (msticpy's names):
// results/Windows.Network.Netstat.json → Windows_Network_Netstat (a leading "results"
// folder, as in offline collector output, is dropped).
func Table(root, file string) string {
	rel, err := filepath.Rel(root, file)
	if err != nil || rel == "." {
		rel = filepath.Base(file)
	}
	rel = strings.TrimSuffix(rel, filepath.Ext(rel))
	rel = strings.TrimPrefix(filepath.ToSlash(rel), "results/")
	return stage.TableName(rel)
}

// stageFile copies the JSON objects of a file (JSON lines, or one JSON array) to table.
func stageFile(dir *stage.Dir, table, path string) []error {
	f, err := os.Open(path)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", path, err)}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if first, _ := br.Peek(1); len(first) == 1 && first[0] == '[' {
		var rows []json.RawMessage
		if err := json.NewDecoder(br).Decode(&rows); err != nil {
			return []error{fmt.Errorf("%s: not JSON lines or a JSON array: %v", path, err)}
		}
		var warns []error
		for i, r := range rows {
			if err := addRow(dir, table, r); err != nil {
				warns = append(warns, fmt.Errorf("%s: item %d: %w", path, i+1, err))
			}
		}
		return warns
	}
	var warns []error
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(b); len(t) > 0 {
			if aerr := addRow(dir, table, t); aerr != nil {
				warns = append(warns, fmt.Errorf("%s:%d: %w", path, line, aerr))
			}
		}
		if err == io.EOF {
			return warns
		}
		if err != nil {
			return append(warns, fmt.Errorf("%s:%d: %w", path, line, err))
		}
	}
}

func addRow(dir *stage.Dir, table string, b []byte) error {
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return fmt.Errorf("not a JSON object")
	}
	return dir.Add(table, json.RawMessage(b))
}
