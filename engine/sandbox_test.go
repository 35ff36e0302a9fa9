package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Queries run with DuckDB's external access off: no file, network or extension reach
// (issue 11), while the workspace's own imports and exports keep working.
func TestSandboxRefusesFileNetworkAndExtensions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := open(t)
	if err := w.Import(ctx, "before", secret); err != nil {
		t.Fatal(err)
	}
	refused := []string{
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_csv(" + QuoteString(secret) + ")",
		"SELECT * FROM " + QuoteIdent(secret),
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_blob('/etc/hostname')",
		"SELECT * FROM glob('/etc/*')",
		"COPY (SELECT 1) TO " + QuoteString(filepath.Join(dir, "out.csv")),
		"ATTACH " + QuoteString(filepath.Join(dir, "x.duckdb")) + " AS x",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SELECT * FROM read_csv('https://example.com/x.csv')",
		"SET enable_external_access=true",
		"SET lock_configuration=false",
		"SET allowed_directories=['/']",
		"SET autoload_known_extensions=true",
		"EXPORT DATABASE " + QuoteString(filepath.Join(dir, "exp")),
	}
	for _, q := range refused {
		if _, err := w.Query(ctx, q); err == nil {
			t.Errorf("%s: ran, want refused", q)
		} else if !errors.Is(err, ErrSQL) {
			t.Errorf("%s: %v is not ErrSQL", q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Errorf("COPY TO wrote a file")
	}
	// Imports and exports after the lock go through the staging folder.
	if err := w.Import(ctx, "after", secret); err != nil {
		t.Fatalf("import after lock: %v", err)
	}
	f, err := w.Query(ctx, "SELECT count(*) AS n FROM after")
	if err != nil || f.Col("n").Int(0) != 1 {
		t.Fatalf("imported table: %v %v", f, err)
	}
	out := filepath.Join(dir, "export.parquet")
	if err := w.Export(ctx, "after", out, ""); err != nil {
		t.Fatalf("export after lock: %v", err)
	}
	if err := w.Import(ctx, "again", out); err != nil {
		t.Fatalf("re-import export: %v", err)
	}
	if _, err := w.ImportLenient(ctx, "lenient", secret); err != nil {
		t.Fatalf("lenient import after lock: %v", err)
	}
	// An error names the user's file, not the staging copy.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"a\":1}\n{nope\n"), 0o644)
	if err := w.Import(ctx, "bad", bad); err == nil || !strings.Contains(err.Error(), bad+":2") || strings.Contains(err.Error(), "huntkit-stage") {
		t.Errorf("import error = %v, want it to name %s:2", err, bad)
	}
	// Time zone stays UTC on new connections after the lock.
	for i := 0; i < 3; i++ {
		c, err := w.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var tz string
		if err := c.QueryRowContext(ctx, "SELECT current_setting('TimeZone')").Scan(&tz); err != nil || tz != "UTC" {
			t.Errorf("connection %d: TimeZone %q, %v", i, tz, err)
		}
	}
}

func TestWithFileAccess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "notes.txt")
	os.WriteFile(p, []byte("hello"), 0o644)
	w, err := Open(ctx, "", WithFileAccess(true))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f, err := w.Query(ctx, "SELECT content FROM read_text("+QuoteString(p)+")")
	if err != nil || f.Col("content").Str(0) != "hello" {
		t.Fatalf("read_text with file access: %v %v", f, err)
	}
	if err := w.Exec(ctx, "COPY (SELECT 1 AS x) TO "+QuoteString(filepath.Join(dir, "o.csv"))); err != nil {
		t.Fatalf("COPY with file access: %v", err)
	}
	// Extensions are still never autoloaded or autoinstalled, and the configuration is locked.
	if err := w.Exec(ctx, "SET autoinstall_known_extensions=true"); err == nil {
		t.Errorf("configuration not locked")
	}
}

// A file workspace keeps its tables when written while locked.
func TestLockedFileWorkspacePersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "case.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Exec(ctx, "CREATE TABLE t AS SELECT range AS x FROM range(100000)"); err != nil {
		t.Fatal(err)
	}
	if err := w.Exec(ctx, "CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f, err := w.Query(ctx, "SELECT count(*) AS n FROM t")
	if err != nil || f.Col("n").Int(0) != 100000 {
		t.Fatalf("reopened: %v %v", f, err)
	}
}
