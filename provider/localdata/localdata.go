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
	failed map[string]error // table name -> why its file did not import
	names  *engine.TableNames
	views  map[string]int // tables made views over their files -> queries run on them

	mapping *Mapping        // --map / Args.Mappings: Sentinel tables over the files; nil if none
	mapped  map[string]bool // lower-case mapped table names whose views exist
	skipped []error         // files a mapping pattern matched that lack its columns
}

// viewer is the optional workspace capability of making a table a view over its file
// (engine.Workspace): one query on a file reads only what it needs, with no table to fill.
type viewer interface {
	ImportView(ctx context.Context, table, path string) (bool, error)
	Materialize(ctx context.Context, table, path string) error
}

// New returns a LocalData driver over s.Workspace with the data folders from s.DataPaths
// and the configuration.
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	if s.Workspace == nil {
		return nil, ErrNoWorkspace
	}
	d := &Driver{ws: s.Workspace, files: map[string]string{}, loaded: map[string]bool{}, failed: map[string]error{}}
	m, err := mappingFrom(s)
	if err != nil {
		return nil, err
	}
	d.mapping, d.mapped = m, map[string]bool{}
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
		if e.IsDir() || !e.Type().IsRegular() && engine.CheckRegular(filepath.Join(path, e.Name())) != nil {
			continue // FIFOs, devices and sockets are never read
		}
		d.addFile(filepath.Join(path, e.Name()))
	}
	return nil
}

func (d *Driver) addFile(p string) {
	if !engine.Importable(p) {
		return
	}
	if d.names == nil {
		d.names = engine.NewTableNames()
	}
	name, _ := d.names.Add(p) // colliding names get _2, _3, ... as in workspace import
	d.files[name] = p
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

// ensure imports the tables' files into the workspace once. A file that fails to import is
// remembered; its error is returned each time the table is asked for again.
func (d *Driver) ensure(ctx context.Context, tables ...string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range tables {
		if d.loaded[t] {
			continue
		}
		if err := d.failed[t]; err != nil {
			return err
		}
		file, ok := d.files[t]
		if !ok {
			continue
		}
		view := false
		var err error
		if v, ok := d.ws.(viewer); ok {
			view, err = v.ImportView(ctx, t, file)
		} else {
			err = d.ws.Import(ctx, t, file)
		}
		if err != nil {
			if ctx.Err() == nil {
				d.failed[t] = err
			}
			return err
		}
		if view {
			if d.views == nil {
				d.views = map[string]int{}
			}
			d.views[t] = 0
		}
		d.loaded[t] = true
	}
	return nil
}

// ensureNamed imports the tables whose names the query text holds; they must import. It
// reports whether other tables are left unimported.
func (d *Driver) ensureNamed(ctx context.Context, text string) (rest bool, err error) {
	var named []string
	for _, t := range d.Tables() {
		if mentions(text, t) {
			named = append(named, t)
		} else {
			rest = true
		}
	}
	return rest, d.ensure(ctx, named...)
}

// ensureRest imports every other table, for a query that may reach tables it does not name
// (union Security*, SHOW TABLES). A file that fails is skipped and reported by Warnings, so
// one malformed file does not stop queries on the others.
func (d *Driver) ensureRest(ctx context.Context) error {
	for _, t := range d.Tables() {
		if err := d.ensure(ctx, t); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// reachesAll lists the words with which a KQL or SQL query can reach tables it does not
// name: wildcard unions and searches, and the catalogue.
var reachesAll = []string{"union", "search", "find", "show", "describe", "information_schema",
	"duckdb_tables", "duckdb_columns", "pragma"}

// run imports what text needs and runs it with exec. Tables the query names are imported
// first; the others only when the query may reach them by pattern, or when the query fails
// on an unknown name without them (then it runs once more). So a query on one table of a large data folder
// does not import every file.
func (d *Driver) run(ctx context.Context, text string, exec func() (*frame.Frame, error)) (*frame.Frame, error) {
	rest, err := d.ensureNamed(ctx, text)
	if err != nil {
		return nil, err
	}
	if err := d.ensureMapped(ctx, text); err != nil {
		return nil, err
	}
	if rest {
		for _, w := range reachesAll {
			if mentions(text, w) {
				if err := d.ensureRest(ctx); err != nil {
					return nil, err
				}
				rest = false
				break
			}
		}
	}
	if err := d.materialize(ctx, text, false); err != nil {
		return nil, err
	}
	f, err := exec()
	if err != nil && engine.ReadError(err) && len(d.views) > 0 {
		// a value or row a view's sample did not foresee: import the tables as Import does
		// (full type detection, file:line errors) and run again.
		if merr := d.materialize(ctx, text, true); merr != nil {
			return nil, merr
		}
		f, err = exec()
	}
	d.mu.Lock()
	for t := range d.views {
		if mentions(text, t) {
			d.views[t]++
		}
	}
	d.mu.Unlock()
	if err == nil || !rest || !missingName(err) {
		return f, err
	}
	if rerr := d.ensureRest(ctx); rerr != nil {
		return nil, rerr
	}
	return exec()
}

// materialize turns views into tables: all of them, or those that a query already read or
// that text reads more than once (several statements, self-joins), so a file is parsed once.
func (d *Driver) materialize(ctx context.Context, text string, all bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.ws.(viewer)
	if !ok {
		return nil
	}
	for t, used := range d.views {
		if !all && used == 0 && mentionCount(text, t) < 2 {
			continue
		}
		delete(d.views, t)
		if err := v.Materialize(ctx, t, d.files[t]); err != nil {
			d.loaded[t] = false
			if ctx.Err() == nil {
				d.failed[t] = err
			}
			return err
		}
	}
	return nil
}

// missingName reports whether err may come from a table that is not imported yet: an
// unknown name in KQL, a catalogue error in DuckDB.
func missingName(err error) bool {
	return errors.Is(err, kql.ErrUnknownName) ||
		errors.Is(err, engine.ErrSQL) && strings.Contains(err.Error(), "Catalog Error")
}

// mentions reports whether text holds name as a whole identifier (case-insensitive).
func mentions(text, name string) bool { return mentionCount(text, name) > 0 }

// mentionCount counts the places where text holds name as a whole identifier
// (case-insensitive).
func mentionCount(text, name string) int {
	lt, ln := strings.ToLower(text), strings.ToLower(name)
	n := 0
	for off := 0; ; {
		i := strings.Index(lt[off:], ln)
		if i < 0 {
			return n
		}
		i += off
		end := i + len(ln)
		if (i == 0 || !identByte(lt[i-1])) && (end == len(lt) || !identByte(lt[end])) {
			n++
		}
		off = i + 1
	}
}

func identByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 0x80
}

// Warnings returns the import failures of files whose tables were skipped, sorted by table.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	names := make([]string, 0, len(d.failed))
	for t := range d.failed {
		names = append(names, t)
	}
	sort.Strings(names)
	out := make([]error, 0, len(names)+len(d.skipped))
	for _, t := range names {
		out = append(out, fmt.Errorf("table %s skipped: %w", t, d.failed[t]))
	}
	return append(out, d.skipped...)
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
		if req.Bounded {
			return nil, fmt.Errorf("LocalData: --start/--end bound KQL queries only; in SQL, write the time condition in WHERE")
		}
		return d.run(ctx, text, func() (*frame.Frame, error) { return d.ws.Query(ctx, text) })
	case "kql", "", "kusto":
		return d.run(ctx, text, func() (*frame.Frame, error) {
			cat, err := d.catalog(ctx)
			if err != nil {
				return nil, err
			}
			// The probe lets `evaluate bag_unpack` read the bag keys from the data.
			probe := func(sql string) (*frame.Frame, error) { return d.ws.Query(ctx, sql) }
			opts := []kql.Option{kql.WithProbe(probe)}
			if req.Bounded {
				// Every table with a TimeGenerated column is cut to the window.
				opts = append(opts, kql.WithTimeRange(req.Start, req.End))
			}
			sql, err := kql.Compile(text, cat, opts...)
			if err != nil {
				return nil, err
			}
			return d.ws.Query(ctx, sql)
		})
	}
	return nil, fmt.Errorf("LocalData: unsupported query language %q (want kql or sql)", req.Language)
}

// inDataPaths reports whether file is one of the data paths or lies in one of their folders.
func (d *Driver) inDataPaths(file string) bool {
	abs, err := filepath.Abs(file)
	if err != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	for _, p := range d.paths {
		root, err := filepath.Abs(config.ExpandHome(p))
		if err != nil {
			continue
		}
		if r, err := filepath.EvalSymlinks(root); err == nil {
			root = r
		}
		if abs == root || filepath.Dir(abs) == root {
			return true
		}
	}
	return false
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
	// A path names a file only inside the data paths: a query must not read any file anywhere.
	if st, err := os.Stat(text); err == nil && st.Mode().IsRegular() && engine.Importable(text) && d.inDataPaths(text) {
		d.mu.Lock()
		d.files[name] = text
		d.mu.Unlock()
		return name, true
	}
	return "", false
}

// catalog describes the workspace's tables for the KQL compiler.
func (d *Driver) catalog(ctx context.Context) (kql.MapCatalog, error) {
	return Catalog(ctx, d.ws)
}

// Schema imports every data file, makes the mapped tables' views, and lists the
// workspace's tables with their columns.
// A file that fails to import is left out and reported by Warnings.
func (d *Driver) Schema(ctx context.Context) (map[string][]frame.Field, error) {
	if err := d.ensureRest(ctx); err != nil {
		return nil, err
	}
	if err := d.ensureAllMapped(ctx); err != nil {
		return nil, err
	}
	return Catalog(ctx, d.ws)
}

// Catalog describes a workspace's tables (schema main) for the KQL compiler: the one place
// that reads a workspace's columns into a KQL catalogue.
func Catalog(ctx context.Context, ws query.Workspace) (kql.MapCatalog, error) {
	f, err := ws.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
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
