// Package localdata is the LocalData data environment: tables from local files (CSV, TSV,
// JSON lines, Parquet, zipped JSON lines), each file a table named after it, queried with
// KQL (compiled to DuckDB SQL by package kql) or DuckDB SQL on the investigation workspace.
//
// Files come from the config's DataProviders.LocalData.data_paths and from --data DIR.
// msticpy's LocalData templates, whose query is a bare file name ("host_logons.csv"),
// run too: such a query returns that file's table.
package localdata

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name; Aliases are its other names.
const Name = "LocalData"

// Aliases are accepted in place of Name.
var Aliases = []string{"Local", "LocalCSV", "Files"}

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     Aliases,
		Description: "local files (CSV, JSON lines, Parquet, zipped JSON) on the embedded DuckDB engine; KQL or SQL",
		Language:    "kql",
		Dialect:     query.DialectFor("kql"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool {
			return len(c.DataPaths()) > 0
		},
	})
}

// ErrNoWorkspace is returned when the settings carry no workspace to run on.
var ErrNoWorkspace = errors.New("LocalData needs a workspace")

// ErrNoData is wrapped when a file-name query names no file in the data paths.
var ErrNoData = errors.New("no such data file")

// Driver runs queries on local files through a workspace.
type Driver struct {
	ws    query.Workspace
	paths []string

	mu     sync.Mutex
	files  map[string]string // table name -> file
	loaded map[string]bool
}

// New returns a LocalData driver over s.Workspace with the data folders from s.DataPaths
// and the configuration.
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	if s.Workspace == nil {
		return nil, ErrNoWorkspace
	}
	d := &Driver{ws: s.Workspace, files: map[string]string{}, loaded: map[string]bool{}}
	d.paths = append(d.paths, s.DataPaths...)
	d.paths = append(d.paths, s.Config.DataPaths()...)
	for _, p := range d.paths {
		if err := d.scan(p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// scan records the importable files of a folder (or one file) as tables.
func (d *Driver) scan(path string) error {
	path = config.ExpandHome(path)
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("LocalData data path %s: %w", path, err)
	}
	if !st.IsDir() {
		d.addFile(path)
		return nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("LocalData data path %s: %w", path, err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		d.addFile(filepath.Join(path, e.Name()))
	}
	return nil
}

func (d *Driver) addFile(p string) {
	if !engine.Importable(p) {
		return
	}
	name := engine.TableName(p)
	if _, dup := d.files[name]; !dup {
		d.files[name] = p
	}
}

// Tables lists the table names the data paths provide.
func (d *Driver) Tables() []string {
	out := make([]string, 0, len(d.files))
	for n := range d.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ensure imports the tables' files into the workspace once.
func (d *Driver) ensure(ctx context.Context, tables ...string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range tables {
		if d.loaded[t] {
			continue
		}
		file, ok := d.files[t]
		if !ok {
			continue
		}
		if err := d.ws.Import(ctx, t, file); err != nil {
			return err
		}
		d.loaded[t] = true
	}
	return nil
}

// Query runs req: a bare file name returns that file's table; KQL is compiled to DuckDB SQL
// against the workspace's tables; SQL runs as written.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return nil, fmt.Errorf("LocalData: empty query")
	}
	if t, ok := d.fileQuery(text); ok {
		if err := d.ensure(ctx, t); err != nil {
			return nil, err
		}
		return d.ws.Query(ctx, "SELECT * FROM "+engine.QuoteIdent(t))
	}
	switch strings.ToLower(req.Language) {
	case "sql", "duckdb":
		if err := d.ensure(ctx, d.Tables()...); err != nil {
			return nil, err
		}
		return d.ws.Query(ctx, text)
	case "kql", "", "kusto":
		if err := d.ensure(ctx, d.Tables()...); err != nil {
			return nil, err
		}
		cat, err := d.catalog(ctx)
		if err != nil {
			return nil, err
		}
		sql, err := kql.Compile(text, cat)
		if err != nil {
			return nil, err
		}
		return d.ws.Query(ctx, sql)
	}
	return nil, fmt.Errorf("LocalData: unsupported query language %q (want kql or sql)", req.Language)
}

// fileQuery recognises msticpy's LocalData form, whose query is a data file name.
func (d *Driver) fileQuery(text string) (string, bool) {
	if strings.ContainsAny(text, " \n\t|") {
		return "", false
	}
	ext := strings.ToLower(filepath.Ext(text))
	switch ext {
	case ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".zip", ".pkl":
	default:
		return "", false
	}
	base := strings.TrimSuffix(filepath.Base(text), filepath.Ext(text))
	name := engine.TableName(base)
	if _, ok := d.files[name]; ok {
		return name, true
	}
	if st, err := os.Stat(text); err == nil && !st.IsDir() && engine.Importable(text) {
		d.mu.Lock()
		d.files[name] = text
		d.mu.Unlock()
		return name, true
	}
	return "", false
}

// catalog describes the workspace's tables for the KQL compiler.
func (d *Driver) catalog(ctx context.Context) (kql.MapCatalog, error) {
	f, err := d.ws.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	cat := kql.MapCatalog{}
	tn, cn, dt := f.Col("table_name"), f.Col("column_name"), f.Col("data_type")
	for i := 0; i < f.Len(); i++ {
		t := tn.Str(i)
		cat[t] = append(cat[t], frame.Field{Name: cn.Str(i), Type: engine.TypeOf(dt.Str(i))})
	}
	return cat, nil
}
