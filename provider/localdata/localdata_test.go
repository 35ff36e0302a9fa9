package localdata_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

func newDriver(t *testing.T) query.Driver {
	t.Helper()
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	env, err := query.LookupEnv("localdata")
	if err != nil {
		t.Fatal(err)
	}
	if !env.Built() {
		t.Fatal("LocalData should be a built environment")
	}
	d, err := env.New(ctx, query.Settings{DataPaths: []string{"testdata"}, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSQL(t *testing.T) {
	d := newDriver(t)
	f, err := d.Query(context.Background(), query.Request{Language: "sql",
		Text: `SELECT Account, count(*) AS n FROM SecurityEvent WHERE EventID = 4625 GROUP BY Account`})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("Account").Str(0) != `CONTOSO\bob` || f.Col("n").Int(0) != 2 {
		t.Errorf("got %v", f.Row(0))
	}
}

func TestKQL(t *testing.T) {
	d := newDriver(t)
	f, err := d.Query(context.Background(), query.Request{Language: "kql",
		Text: "SecurityEvent\n| where EventID == 4625 and Status == \"0xc000006d\"\n| summarize Failures = count() by Account, IpAddress"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("Failures").Int(0) != 2 || f.Col("IpAddress").Str(0) != "203.0.113.7" {
		t.Errorf("got %v %v", f.Fields(), f.Row(0))
	}
	// A join across two files' tables.
	f, err = d.Query(context.Background(), query.Request{Language: "kql",
		Text: "SecurityAlert | join kind=inner (SecurityEvent | where EventID == 4625) on Computer | count"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("Count").Int(0) != 2 {
		t.Errorf("join count = %v", f.Row(0))
	}
}

func TestKQLErrorsCarryPosition(t *testing.T) {
	d := newDriver(t)
	_, err := d.Query(context.Background(), query.Request{Language: "kql", Text: "SecurityEvent\n| where EventID =="})
	var ke *kql.Error
	if !errors.As(err, &ke) || ke.Line != 2 {
		t.Errorf("err = %v, want a kql.Error on line 2", err)
	}
}

func TestFileNameQuery(t *testing.T) {
	d := newDriver(t)
	f, err := d.Query(context.Background(), query.Request{Language: "kql", Text: "SecurityAlert.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("AlertName").Str(0) != "Suspicious logon" {
		t.Errorf("got %v", f.Row(0))
	}
	// msticpy's templates name pickles; a table file of the same base name answers.
	f, err = d.Query(context.Background(), query.Request{Text: "SecurityEvent.pkl"})
	if err != nil || f.Len() != 4 {
		t.Errorf("pkl name: %v rows, %v", f, err)
	}
}

func TestBadDataPath(t *testing.T) {
	ws, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_, err = localdata.New(context.Background(), query.Settings{DataPaths: []string{filepath.Join(t.TempDir(), "missing")}, Workspace: ws})
	if err == nil {
		t.Error("a missing data folder must be an error")
	}
	if _, err := localdata.New(context.Background(), query.Settings{}); !errors.Is(err, localdata.ErrNoWorkspace) {
		t.Errorf("no workspace: %v", err)
	}
}

// A malformed file in a data folder fails only the queries that name its table; queries on
// the other tables run, and when they reach every table the driver reports the skipped file
// as a warning. Files whose tables a query does not name are not imported at all.
func TestBadFileOnlyFailsItsTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Good.csv"), []byte("a,b\n1,x\n2,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Broken.jsonl"), []byte("{\"a\":1}\n{\"a\":2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	d, err := localdata.New(ctx, query.Settings{DataPaths: []string{dir}, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []query.Request{
		{Language: "sql", Text: "SELECT sum(a) AS s FROM Good"},
		{Language: "kql", Text: "Good | summarize s = sum(a)"},
	} {
		f, err := d.Query(ctx, req)
		if err != nil {
			t.Fatalf("%s on the good table: %v", req.Language, err)
		}
		if f.Len() != 1 || f.Col("s").Int(0) != 3 {
			t.Errorf("%s: got %v", req.Language, f.Row(0))
		}
	}
	// tables the query does not name are left alone
	if ws.HasTable(ctx, "Broken") || len(d.Warnings()) != 0 {
		t.Errorf("a query on Good touched Broken: warnings %v", d.Warnings())
	}
	// a query that may reach every table imports the rest; the bad file is skipped
	f, err := d.Query(ctx, query.Request{Language: "kql", Text: "union G* | count"})
	if err != nil || f.Col("Count").Int(0) != 2 {
		t.Fatalf("union G*: %v", err)
	}
	w := d.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Error(), "Broken.jsonl:2") {
		t.Errorf("warnings = %v, want one naming Broken.jsonl:2", w)
	}
	for _, req := range []query.Request{
		{Language: "sql", Text: "SELECT * FROM broken"},
		{Language: "kql", Text: "Broken | take 1"},
	} {
		_, err := d.Query(ctx, req)
		if err == nil || !strings.Contains(err.Error(), "Broken.jsonl:2") {
			t.Errorf("%s on the broken table: %v, want the file's error", req.Language, err)
		}
	}
}

// Tables a query reaches without naming them are imported when it needs them: by a
// wildcard union, by SHOW TABLES, or after the query failed on an unknown name.
func TestLazyImport(t *testing.T) {
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	d, err := localdata.New(ctx, query.Settings{DataPaths: []string{"testdata"}, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Query(ctx, query.Request{Language: "sql", Text: "SELECT count(*) FROM SecurityEvent"}); err != nil {
		t.Fatal(err)
	}
	if ws.HasTable(ctx, "SecurityAlert") {
		t.Error("SecurityAlert imported for a query on SecurityEvent")
	}
	f, err := d.Query(ctx, query.Request{Language: "sql", Text: "SHOW TABLES"})
	if err != nil || f.Len() != 2 {
		t.Fatalf("SHOW TABLES: %v", err)
	}
}

func TestKQLBagUnpack(t *testing.T) {
	d := newDriver(t)
	f, err := d.Query(context.Background(), query.Request{Language: "kql",
		Text: `datatable(Computer:string, Props:dynamic)["WKS-01", dynamic({"Tactic":"Execution","Score":7})] | evaluate bag_unpack(Props)`})
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("Tactic") == nil || f.Col("Tactic").Str(0) != "Execution" || f.Col("Score").Int(0) != 7 {
		t.Errorf("bag_unpack gave %v %v", f.Fields(), f.Row(0))
	}
}

func TestBoundedKQL(t *testing.T) {
	d := newDriver(t)
	start := time.Date(2024, 5, 1, 8, 4, 0, 0, time.UTC)
	end := time.Date(2024, 5, 1, 8, 30, 0, 0, time.UTC)
	f, err := d.Query(context.Background(), query.Request{Language: "kql", Text: "SecurityEvent | count", Start: start, End: end, Bounded: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("Count").Int(0) != 2 {
		t.Errorf("bounded count = %v, want the 2 events inside the window", f.Row(0))
	}
	if _, err := d.Query(context.Background(), query.Request{Language: "sql", Text: "SELECT 1", Start: start, End: end, Bounded: true}); err == nil {
		t.Error("a bounded SQL query must say the window is not applied")
	}
}

// A bare file path given as the query reads only files in the data paths (issue 11), and SQL
// reaches no file at all.
func TestQueryReadsNoFileOutsideDataPaths(t *testing.T) {
	d := newDriver(t)
	outside := filepath.Join(t.TempDir(), "secret.csv")
	if err := os.WriteFile(outside, []byte("password\nhunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, req := range []query.Request{
		{Language: "kql", Text: outside},
		{Language: "kql", Text: "/etc/passwd.csv"},
		{Language: "sql", Text: "SELECT * FROM read_csv('" + outside + "')"},
		{Language: "sql", Text: "SELECT * FROM '" + outside + "'"},
		{Language: "kql", Text: "['" + outside + "']"},
	} {
		if f, err := d.Query(context.Background(), req); err == nil {
			t.Errorf("%s %q: read %d rows, want refused", req.Language, req.Text, f.Len())
		}
	}
	if f, err := d.Query(context.Background(), query.Request{Language: "kql", Text: filepath.Join("testdata", "SecurityAlert.jsonl")}); err != nil || f.Len() != 1 {
		t.Errorf("a file in the data path: %v %v", f, err)
	}
}

// A query on an in-memory workspace reads the file through a view (only what it needs); a
// second query on the same table reads a table imported once. A value past DuckDB's type
// sample that does not fit, or a malformed row, makes the tables be imported as Import does
// (full type detection, file:line errors) and the query run again.
func TestViewsThenTables(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var late, bad strings.Builder
	late.WriteString("id,code\n")
	bad.WriteString("id,name\n")
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&late, "%d,%d\n", i, i%7)
		fmt.Fprintf(&bad, "%d,n%d\n", i, i)
	}
	late.WriteString("40000,x-late\n")
	bad.WriteString("40000,\"unclosed\n")
	for name, text := range map[string]string{"Late.csv": late.String(), "Bad.csv": bad.String(), "Small.csv": "a,b\n1,x\n2,y\n", "Pair.csv": "a\n1\n2\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := engine.Open(ctx, "", engine.WithFileAccess(true)) // views read files at query time
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	d, err := localdata.New(ctx, query.Settings{DataPaths: []string{dir}, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	isView := func(name string) bool {
		tabs, err := ws.Tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range tabs {
			if ti.Name == name {
				return ti.View
			}
		}
		t.Fatalf("no table %s", name)
		return false
	}
	sum := func(text string) int64 {
		t.Helper()
		f, err := d.Query(ctx, query.Request{Language: "sql", Text: text})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return f.Columns()[0].Int(0)
	}
	if got := sum("SELECT sum(a) FROM Small"); got != 3 || !isView("Small") {
		t.Errorf("first query: sum %d, view %v", got, isView("Small"))
	}
	if got := sum("SELECT count(*) FROM Small"); got != 2 || isView("Small") {
		t.Errorf("second query: count %d, view %v (want a table)", got, isView("Small"))
	}
	// a query that reads a table twice reads a table imported once
	if got := sum("SELECT count(*) FROM Pair a JOIN Pair b ON a.a = b.a"); got != 2 || isView("Pair") {
		t.Errorf("self-join: %d, view %v (want a table)", got, isView("Pair"))
	}
	if got := sum("SELECT count(*) FROM Late WHERE code = 'x-late'"); got != 1 || isView("Late") {
		t.Errorf("late value: count %d, view %v", got, isView("Late"))
	}
	_, err = d.Query(ctx, query.Request{Language: "sql", Text: "SELECT max(name) FROM Bad"})
	if err == nil || !strings.Contains(err.Error(), "Bad.csv:40002") {
		t.Errorf("malformed row: %v, want Import's error naming Bad.csv:40002", err)
	}
}
