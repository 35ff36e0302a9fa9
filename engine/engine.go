// Package engine is huntkit's embedded analytics engine: a DuckDB database (in memory, or a
// file so that an investigation persists) that imports CSV, JSON lines, Parquet and zipped
// JSON lines as tables with inferred types, registers Frames as tables, runs SQL into Frames
// and exports with DuckDB's own COPY.
//
// It is the only package that links DuckDB (github.com/duckdb/duckdb-go/v2): every package
// that imports it pays a few seconds per test binary, so other packages take a small
// interface (for example query.Workspace) that *Workspace satisfies.
package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/frame"
)

// ErrSQL is wrapped by errors that DuckDB reports for a statement (syntax, binding, run time).
var ErrSQL = errors.New("sql error")

// ErrNoTable is wrapped when a named table does not exist.
var ErrNoTable = errors.New("no such table")

// Workspace is an investigation workspace: one DuckDB database. It is safe for concurrent use.
//
// Queries run sandboxed (see "Security model" in docs/architecture.md): before the first
// query, Exec or Export the database is locked with DuckDB's external access off, extension
// autoloading and autoinstalling off, and its configuration locked, so SQL reaches no file,
// network or extension; the workspace's own imports and exports go through a private staging
// folder that is the only one DuckDB may read or write. WithFileAccess lifts the lock.
type Workspace struct {
	path  string
	conn  *duckdb.Connector
	db    *sql.DB
	mu    sync.Mutex // serialises DDL that replaces tables
	stage string     // private folder (0700) for files DuckDB reads or writes once locked

	fileAccess bool
	access     sync.RWMutex // held for reading by imports that read files in place
	locked     atomic.Bool
}

// Option configures Open.
type Option func(*options)

type options struct{ fileAccess bool }

// WithFileAccess leaves DuckDB's external access on when allow is true: SQL may then read
// and write any file the user can (read_csv, COPY TO, ATTACH, ...). Extensions are still
// never installed or loaded automatically. The command line sets it with --allow-file-access.
func WithFileAccess(allow bool) Option { return func(o *options) { o.fileAccess = allow } }

// Open opens the workspace at path, creating it when missing; "" (or ":memory:") opens a
// workspace in memory that is gone when closed. Every connection works in UTC.
func Open(ctx context.Context, path string, opts ...Option) (*Workspace, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	w := &Workspace{path: path, fileAccess: o.fileAccess}
	conn, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		if w.locked.Load() {
			return nil // the global TimeZone is UTC and can no longer be set
		}
		_, err := ex.ExecContext(context.Background(), "SET TimeZone='UTC'", nil)
		return err
	})
	if err != nil {
		where := path
		if where == "" {
			where = "in-memory workspace"
		}
		return nil, fmt.Errorf("open workspace %s: %w", where, err)
	}
	w.conn = conn
	w.db = sql.OpenDB(conn)
	if err := w.db.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	removeStaleStages(os.TempDir())
	stage, err := os.MkdirTemp("", stageName())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: staging folder: %w", path, err)
	}
	if real, err := filepath.EvalSymlinks(stage); err == nil {
		stage = real // DuckDB compares resolved paths with its allowed directories
	}
	w.stage = stage
	if err := w.registerUDFs(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	if _, err := w.db.ExecContext(ctx, "SET GLOBAL TimeZone='UTC'; SET autoinstall_known_extensions=false; SET autoload_known_extensions=false"); err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	return w, nil
}

// Lock turns the sandbox on now (it is turned on by the first Query, Exec or Export): DuckDB's
// external access off except for the staging folder, its configuration locked. It cannot be
// undone; with WithFileAccess only the configuration is locked.
func (w *Workspace) Lock(ctx context.Context) error {
	if w.locked.Load() {
		return nil
	}
	w.access.Lock()
	defer w.access.Unlock()
	if w.locked.Load() {
		return nil
	}
	stmt := "SET allowed_directories=[" + QuoteString(w.stage) + "]; SET enable_external_access=false; SET lock_configuration=true"
	if w.fileAccess {
		stmt = "SET lock_configuration=true"
	}
	if _, err := w.db.ExecContext(context.WithoutCancel(ctx), stmt); err != nil {
		return fmt.Errorf("lock workspace: %w", err)
	}
	w.locked.Store(true)
	return nil
}

// Path returns the workspace file, or "" for an in-memory workspace.
func (w *Workspace) Path() string { return w.path }

// DB returns the underlying database handle for callers that need database/sql directly.
// The workspace is locked first, so the handle runs sandboxed like Query.
func (w *Workspace) DB() *sql.DB {
	_ = w.Lock(context.Background())
	return w.db
}

// Close releases the workspace; a file workspace keeps its tables on disk.
func (w *Workspace) Close() error {
	err := w.db.Close()
	if cerr := w.conn.Close(); err == nil {
		err = cerr
	}
	if w.stage != "" {
		os.RemoveAll(w.stage)
	}
	return err
}

// Exec runs statements that return no rows, sandboxed.
func (w *Workspace) Exec(ctx context.Context, query string, args ...any) error {
	if err := w.Lock(ctx); err != nil {
		return err
	}
	if _, err := w.db.ExecContext(ctx, query, args...); err != nil {
		return sqlError(ctx, err)
	}
	return nil
}

// Query runs a SQL query, sandboxed, and returns its rows as a Frame.
func (w *Workspace) Query(ctx context.Context, query string, args ...any) (*frame.Frame, error) {
	if err := w.Lock(ctx); err != nil {
		return nil, err
	}
	return w.query(ctx, query, args...)
}

// query is Query for the workspace's own statements: it does not lock the workspace.
func (w *Workspace) query(ctx context.Context, query string, args ...any) (*frame.Frame, error) {
	rows, err := w.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, sqlError(ctx, err)
	}
	defer rows.Close()
	f, err := scanFrame(ctx, rows)
	if err != nil {
		if f != nil && f.Len() > 0 {
			// Keep what arrived and say why it stopped.
			return f.SetPartial(err), sqlError(ctx, err)
		}
		return nil, sqlError(ctx, err)
	}
	return f, nil
}

func sqlError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if errors.Is(err, ErrSQL) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := strings.TrimSpace(err.Error())
	return fmt.Errorf("%w: %s", ErrSQL, msg)
}

// QuoteIdent quotes a SQL identifier for DuckDB.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteString writes s as a DuckDB string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// TableInfo describes a table or view in the workspace.
type TableInfo struct {
	Name    string
	Columns []frame.Field
	Rows    int64
	View    bool
}

// Tables lists the workspace's tables and views (main schema) with their columns.
func (w *Workspace) Tables(ctx context.Context) ([]TableInfo, error) {
	f, err := w.query(ctx, `SELECT table_name, table_type FROM information_schema.tables
		WHERE table_schema = 'main' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	out := make([]TableInfo, 0, f.Len())
	for i := 0; i < f.Len(); i++ {
		ti := TableInfo{Name: f.Col("table_name").Str(i), View: f.Col("table_type").Str(i) == "VIEW"}
		cols, err := w.Columns(ctx, ti.Name)
		if err != nil {
			return nil, err
		}
		ti.Columns = cols
		if !ti.View {
			var n int64
			if err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM "+QuoteIdent(ti.Name)).Scan(&n); err == nil {
				ti.Rows = n
			}
		} else {
			ti.Rows = -1
		}
		out = append(out, ti)
	}
	return out, nil
}

// Columns returns a table's columns with their huntkit types.
func (w *Workspace) Columns(ctx context.Context, table string) ([]frame.Field, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, sqlError(ctx, err)
	}
	defer rows.Close()
	var out []frame.Field
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		out = append(out, frame.Field{Name: name, Type: TypeOf(typ)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("table %q: %w", table, ErrNoTable)
	}
	return out, nil
}

// HasTable reports whether a table or view of that name exists.
func (w *Workspace) HasTable(ctx context.Context, table string) bool {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'main' AND table_name = ?`, table).Scan(&n)
	return err == nil && n > 0
}
