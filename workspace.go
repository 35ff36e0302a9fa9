package huntkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// TableInfo describes a workspace table.
type TableInfo = engine.TableInfo

// Save keeps f as a table in the workspace (replacing a table of that name).
func (h *Huntkit) Save(ctx context.Context, f *frame.Frame, table string) error {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return err
	}
	if err := ws.Register(ctx, table, f); err != nil {
		return fmt.Errorf("save result as %s: %w", table, err)
	}
	return nil
}

// ErrNoTable is wrapped when a workspace table asked for by name does not exist.
var ErrNoTable = errors.New("no such table in the workspace")

// Table returns a workspace table whole. An unknown name is a bad request wrapping
// ErrNoTable.
func (h *Huntkit) Table(ctx context.Context, name string) (*frame.Frame, error) {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	if !ws.HasTable(ctx, name) {
		return nil, badRequest(fmt.Errorf("%s: %w", name, ErrNoTable))
	}
	return ws.Query(ctx, "SELECT * FROM "+engine.QuoteIdent(name))
}

// Tables lists the workspace's tables with their row counts and columns.
func (h *Huntkit) Tables(ctx context.Context) ([]TableInfo, error) {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	return ws.Tables(ctx)
}

// SQL runs DuckDB SQL on the workspace. On a partial failure the rows read so far come
// back with the error.
func (h *Huntkit) SQL(ctx context.Context, sql string) (*frame.Frame, error) {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	return ws.Query(ctx, sql)
}

// ErrNothingImported is wrapped when an import finds no file it can read.
var ErrNothingImported = errors.New("no importable files")

// Imported is the outcome of importing one file.
type Imported struct {
	File, Table string
	Rejected    []string // with Lenient: the malformed records left out
	Err         error
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Table names the table when exactly one file is imported (default: the file's base name).
	Table string
	// Lenient imports the good records of a malformed CSV or JSON-lines file and lists the bad.
	Lenient bool
}

// Import imports table files (CSV, TSV, JSON lines, .log files of JSON lines or Zeek TSV,
// Parquet, zipped JSON lines) and the importable files of folders into the workspace, one
// table per file. A file that fails
// does not stop the others; each outcome is returned. Entries skipped (with the reason) are
// warned about. Bad arguments (a path that does not exist, Table with several files, no
// importable file at all: ErrNothingImported) are ErrBadRequest errors.
func (h *Huntkit) Import(ctx context.Context, paths []string, o ImportOptions) ([]Imported, error) {
	plan, err := engine.PlanImport(paths)
	if err != nil {
		return nil, badRequest(err)
	}
	for _, m := range plan.Skipped {
		h.warnf("skipped %s", m)
	}
	for _, m := range plan.Notices {
		h.warnf("%s", m)
	}
	if len(plan.Sources) == 0 {
		return nil, badRequest(fmt.Errorf("%s: %w (%d entries skipped)", strings.Join(paths, ", "), ErrNothingImported, len(plan.Skipped)))
	}
	if o.Table != "" && len(plan.Sources) != 1 {
		return nil, badRequest(fmt.Errorf("--table needs exactly one file, got %d", len(plan.Sources)))
	}
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	p := h.startProgress("importing", len(plan.Sources))
	defer p.Done()
	out := make([]Imported, 0, len(plan.Sources))
	for _, src := range plan.Sources {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r := Imported{File: src.Path, Table: src.Table}
		if o.Table != "" {
			r.Table = o.Table
		}
		if o.Lenient {
			rejects, err := ws.ImportLenient(ctx, r.Table, src.Path)
			r.Err = err
			for _, rj := range rejects {
				r.Rejected = append(r.Rejected, rj.String())
			}
		} else if err := ws.Import(ctx, r.Table, src.Path); err != nil {
			if errors.Is(err, frame.ErrMalformed) {
				err = fmt.Errorf("%w (--skip-bad-rows imports the good records and lists the bad ones)", err)
			}
			r.Err = err
		}
		out = append(out, r)
		p.Add(1)
	}
	return out, nil
}

// bareName matches a single identifier: Export reads it as a table name.
var bareName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Export writes a table, or a query's result, with DuckDB's COPY in format (csv, ndjson,
// parquet; "" = from path's extension). A single word names a table (case-insensitive);
// an unknown table is an ErrBadRequest with the closest name suggested.
func (h *Huntkit) Export(ctx context.Context, src, path, format string) error {
	if err := exportFormat(format, path); err != nil {
		return badRequest(err)
	}
	ws, err := h.Workspace(ctx)
	if err != nil {
		return err
	}
	if bareName.MatchString(src) {
		infos, err := ws.Tables(ctx)
		if err != nil {
			return err
		}
		var names []string
		for _, ti := range infos {
			names = append(names, ti.Name)
			if strings.EqualFold(ti.Name, src) {
				src = ti.Name
			}
		}
		if !slices.Contains(names, src) {
			hint := " (see huntkit workspace tables)"
			if c := suggest.Closest(src, names); c != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", c)
			}
			return badRequest(fmt.Errorf("export: no table %q in the workspace%s", src, hint))
		}
	}
	return ws.Export(ctx, src, path, format)
}

// exportFormat checks that the export format is known, from format or else from the
// file's extension (DuckDB's COPY would otherwise write CSV under any name).
func exportFormat(format, path string) error {
	if format != "" {
		switch strings.ToLower(format) {
		case "csv", "json", "ndjson", "jsonl", "parquet":
			return nil
		}
		return fmt.Errorf("export: unknown --format %q (want csv, ndjson or parquet)", format)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".json", ".jsonl", ".ndjson", ".parquet", ".pq":
		return nil
	}
	return fmt.Errorf("export: cannot tell the format of %s from its extension; name one with --format csv|ndjson|parquet", path)
}

// ReadTable reads a table file (CSV, TSV, JSON lines, Parquet, zipped JSON lines) into a
// Frame with the workspace importer's readers, type detection and file:line errors, but in a
// private engine: no workspace table is created (engine.ReadFrame).
func (h *Huntkit) ReadTable(ctx context.Context, path string) (*frame.Frame, error) {
	if !engine.Importable(path) {
		return nil, badRequest(fmt.Errorf("read %s: not a table file (want .csv, .tsv, .json, .jsonl, .ndjson, .parquet or .zip)", path))
	}
	// DuckDB's reader straight into typed columns: no workspace table in between.
	return engine.ReadFrame(ctx, path)
}

// ReadStream reads CSV or JSON lines (told apart by the first character) from r.
func ReadStream(r io.Reader, name string) (*frame.Frame, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return frame.ReadNDJSON(bytes.NewReader(data), name)
	}
	return frame.ReadCSV(bytes.NewReader(data), name)
}

// KQLCatalog describes the tables KQL is compiled against: the tables of ws (when not
// nil), then the built-in Sentinel tables and the corpus tables (custom logs and parser
// functions).
func KQLCatalog(ctx context.Context, ws query.Workspace) (kql.Catalog, error) {
	cats := kql.Catalogs{}
	if ws != nil {
		m, err := localdata.Catalog(ctx, ws)
		if err != nil {
			return nil, err
		}
		cats = append(cats, m)
	}
	return append(cats, kql.SentinelCatalog(), kql.CorpusCatalog()), nil
}

// KQLCatalog is the package KQLCatalog over this investigation's workspace.
func (h *Huntkit) KQLCatalog(ctx context.Context) (kql.Catalog, error) {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	return KQLCatalog(ctx, ws)
}

// KQLProbe lets the KQL compiler read data from the workspace (evaluate bag_unpack without
// a schema reads the bag keys from the data).
func (h *Huntkit) KQLProbe(ctx context.Context) (kql.Option, error) {
	ws, err := h.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	return kql.WithProbe(func(sql string) (*frame.Frame, error) { return ws.Query(ctx, sql) }), nil
}

// CorpusWorkspace opens a new in-memory workspace holding an empty table of the right
// shape for every table of the KQL corpus catalogue (Sentinel tables, custom logs), so that
// compiled queries can be run to check them. The caller closes it.
func CorpusWorkspace(ctx context.Context) (*engine.Workspace, error) {
	ws, err := engine.Open(ctx, "")
	if err != nil {
		return nil, err
	}
	for name, fields := range kql.CorpusTables() {
		var cols []string
		for _, f := range fields {
			typ := map[string]string{"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "time": "TIMESTAMP", "dynamic": "JSON"}[f.Type.String()]
			cols = append(cols, engine.QuoteIdent(f.Name)+" "+typ)
		}
		if err := ws.Exec(ctx, "CREATE TABLE "+engine.QuoteIdent(name)+" ("+strings.Join(cols, ", ")+")"); err != nil {
			ws.Close()
			return nil, fmt.Errorf("create empty table %s: %w", name, err)
		}
	}
	return ws, nil
}
