package engine

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

func open(t *testing.T) *Workspace {
	t.Helper()
	w, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func sample() *frame.Frame {
	ts := []time.Time{
		time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 1, 11, 0, 0, 0, time.FixedZone("x", 3600)),
		time.Date(2024, 1, 2, 9, 30, 0, 0, time.UTC),
	}
	return frame.MustNew(
		frame.NewStrings("Computer", []string{"host1", "host2", "host1"}),
		frame.NewInts("EventID", []int64{4624, 4625, 4624}),
		frame.NewFloats("Score", []float64{0.5, 1.5, 2}).WithValid([]bool{true, false, true}),
		frame.NewBools("Ok", []bool{true, false, true}),
		frame.NewTimes("TimeGenerated", ts),
		frame.NewDynamics("Extra", []any{map[string]any{"a": int64(1)}, nil, []any{"x", "y"}}),
	)
}

func TestRegisterQueryRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	if err := w.Register(ctx, "events", sample()); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT * FROM events ORDER BY TimeGenerated`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 3 {
		t.Fatalf("rows = %d", f.Len())
	}
	want := []frame.Field{{Name: "Computer", Type: frame.String}, {Name: "EventID", Type: frame.Int}, {Name: "Score", Type: frame.Float},
		{Name: "Ok", Type: frame.Bool}, {Name: "TimeGenerated", Type: frame.Time}, {Name: "Extra", Type: frame.Dynamic}}
	for i, fl := range f.Fields() {
		if fl != want[i] {
			t.Errorf("field %d = %v, want %v", i, fl, want[i])
		}
	}
	if !f.Col("Score").IsNull(1) {
		t.Error("null score lost")
	}
	if got := f.Col("TimeGenerated").Time(1); !got.Equal(time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("time = %v", got)
	}
	if got := f.Col("Extra").Text(0); got != `{"a":1}` {
		t.Errorf("dynamic = %s", got)
	}
	if got := f.Col("Extra").Text(2); got != `["x","y"]` {
		t.Errorf("dynamic list = %s", got)
	}
	agg, err := w.Query(ctx, `SELECT Computer, count(*) AS n FROM events GROUP BY Computer ORDER BY n DESC`)
	if err != nil {
		t.Fatal(err)
	}
	if agg.Col("Computer").Str(0) != "host1" || agg.Col("n").Int(0) != 2 {
		t.Errorf("group by gave %v", agg.Row(0))
	}
}

func TestQueryErrors(t *testing.T) {
	w := open(t)
	_, err := w.Query(context.Background(), `SELEC 1`)
	if !errors.Is(err, ErrSQL) {
		t.Fatalf("err = %v, want ErrSQL", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.Query(ctx, `SELECT 1`); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled query err = %v", err)
	}
}

func TestImportAndExport(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "logons.csv")
	if err := frame.WriteFile(csvPath, sample().Drop("Extra"), "csv"); err != nil {
		t.Fatal(err)
	}
	if err := w.Import(ctx, TableName(csvPath), csvPath); err != nil {
		t.Fatal(err)
	}
	cols, err := w.Columns(ctx, "logons")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]frame.Type{}
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	if types["EventID"] != frame.Int || types["TimeGenerated"] != frame.Time || types["Ok"] != frame.Bool {
		t.Errorf("inferred types %v", types)
	}
	for _, format := range []string{"csv", "ndjson", "parquet"} {
		out := filepath.Join(dir, "out."+format)
		if err := w.Export(ctx, "logons", out, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := w.Import(ctx, "back_"+format, out); err != nil {
			t.Fatalf("reimport %s: %v", format, err)
		}
		f, err := w.Query(ctx, `SELECT sum(EventID) AS s FROM back_`+format)
		if err != nil {
			t.Fatal(err)
		}
		if f.Col("s").Int(0) != 4624*2+4625 {
			t.Errorf("%s round trip sum = %v", format, f.Row(0))
		}
	}
	tables, err := w.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 4 || tables[0].Name != "back_csv" || tables[0].Rows != 3 {
		t.Errorf("tables = %+v", tables)
	}
}

func TestImportBadCSV(t *testing.T) {
	w := open(t)
	err := w.Import(context.Background(), "bad", "testdata/bad.csv")
	if err == nil {
		t.Fatal("malformed CSV imported without error")
	}
	if !strings.Contains(err.Error(), "bad.csv:3") {
		t.Errorf("error should give file:line: %q", err)
	}
	if !strings.Contains(err.Error(), "testdata/bad.csv") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error should name the file on one line: %q", err)
	}
	if err := w.Import(context.Background(), "x", "notes.docx"); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown extension: %v", err)
	}
}

func TestImportOTRFZip(t *testing.T) {
	path := testdata.Shared(t, "otrf/zips/windows_lateral_movement_host_schtask_create.zip")
	w := open(t)
	ctx := context.Background()
	if err := w.Import(ctx, "schtask", path); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT count(*) AS n, count(DISTINCT EventID) AS ids FROM schtask`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("n").Int(0) < 100 || f.Col("ids").Int(0) < 5 {
		t.Errorf("OTRF dataset looks empty: %v", f.Row(0))
	}
}

func TestFileWorkspacePersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "case.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Register(ctx, "events", sample()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	w2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	f, err := w2.Query(ctx, `SELECT count(*) AS n FROM events`)
	if err != nil || f.Col("n").Int(0) != 3 {
		t.Fatalf("reopened workspace: %v %v", f, err)
	}
}

func TestTableName(t *testing.T) {
	for in, want := range map[string]string{
		"/x/SecurityEvent.csv":  "SecurityEvent",
		"a/host-logons.json.gz": "host_logons",
		"2024 data.parquet":     "t2024_data",
		"otrf.zip":              "otrf",
	} {
		if got := TableName(in); got != want {
			t.Errorf("TableName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImportLateTypeChange(t *testing.T) {
	// DuckDB samples the first rows to pick types; a value far below must still import.
	var b strings.Builder
	b.WriteString("id,code,status\n")
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&b, "%d,%d,0x%x\n", i, i%7, i%3)
	}
	b.WriteString("50000,x-late,0xc000006d\n")
	path := filepath.Join(t.TempDir(), "late.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w := open(t)
	ctx := context.Background()
	if err := w.Import(ctx, "late", path); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT code, status FROM late WHERE id = 50000`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("code").Type() != frame.String || f.Col("code").Str(0) != "x-late" {
		t.Errorf("late value = %v (%v)", f.Row(0), f.Fields())
	}
	// Hexadecimal status codes stay text, as analysts search them.
	if f.Col("status").Type() != frame.String || f.Col("status").Str(0) != "0xc000006d" {
		t.Errorf("hex status = %v (%v)", f.Row(0), f.Fields())
	}
}

func BenchmarkImportAndGroupBy(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("TimeGenerated,Computer,EventID,Account\n")
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&sb, "%s,WKS-%03d,%d,user%04d\n", t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%300, []int{4624, 4625, 4634, 4688}[i%4], i%2000)
	}
	path := filepath.Join(b.TempDir(), "events.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		w, err := Open(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Import(ctx, "events", path); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Query(ctx, `SELECT Computer, count(*) FROM events WHERE EventID = 4625 GROUP BY Computer`); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

func TestFrameParquetReadsInDuckDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frame.parquet")
	if err := frame.WriteFile(path, sample(), ""); err != nil {
		t.Fatal(err)
	}
	w := open(t)
	if err := w.Import(ctx, "pq", path); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT * FROM pq ORDER BY TimeGenerated, Computer`)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if f.Len() != want.Len() {
		t.Fatalf("rows %d", f.Len())
	}
	for i := 0; i < f.Len(); i++ {
		for _, name := range []string{"Computer", "EventID", "Score", "Ok", "TimeGenerated"} {
			if got, exp := f.Col(name).Text(i), want.Col(name).Text(i); got != exp {
				t.Errorf("row %d %s = %q, want %q", i, name, got, exp)
			}
		}
	}
	if f.Col("Extra").Text(0) != `{"a":1}` {
		t.Errorf("json column = %q", f.Col("Extra").Text(0))
	}
}

func TestImportBadJSONLines(t *testing.T) {
	w := open(t)
	err := w.Import(context.Background(), "bad", "testdata/bad.jsonl")
	if !errors.Is(err, frame.ErrMalformed) || !strings.Contains(err.Error(), "testdata/bad.jsonl:3:") {
		t.Errorf("err = %v, want file:line of the broken record", err)
	}
}

func TestImportLenientKeepsGoodRows(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	rej, err := w.ImportLenient(ctx, "bad", "testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 || rej[0].Line != 3 {
		t.Fatalf("rejects = %+v, want line 3", rej)
	}
	f, err := w.Query(ctx, `SELECT count(*) AS n FROM bad`)
	if err != nil || f.Col("n").Int(0) != 2 {
		t.Fatalf("kept rows: %v %v", f, err)
	}
	rej, err = w.ImportLenient(ctx, "badj", "testdata/bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 || rej[0].Line != 3 || !strings.HasPrefix(rej[0].String(), "testdata/bad.jsonl:3: ") {
		t.Fatalf("json rejects = %+v", rej)
	}
	f, err = w.Query(ctx, `SELECT count(*) AS n FROM badj`)
	if err != nil || f.Col("n").Int(0) != 3 {
		t.Fatalf("kept json rows: %v %v", f, err)
	}
}

func TestListsOfStringsStayStrings(t *testing.T) {
	w := open(t)
	f, err := w.Query(context.Background(), `SELECT ['214.78.120.9', '10.0.0.1'] AS ips, '{"a":[1,"2.5.6.7"]}'::JSON AS j`)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Col("ips").Text(0); got != `["214.78.120.9","10.0.0.1"]` {
		t.Errorf("list = %s", got)
	}
	if got := f.Col("j").Text(0); got != `{"a":[1,"2.5.6.7"]}` {
		t.Errorf("json = %s", got)
	}
}

func TestRegisteredDynamicIsJSON(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	if err := w.Register(ctx, "x", sample()); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT json_type(Extra) AS t, Extra->>'a' AS a, Extra->>1 AS second FROM x ORDER BY TimeGenerated, Computer`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("t").Str(0) != "OBJECT" || f.Col("a").Str(0) != "1" || !f.Col("t").IsNull(1) || f.Col("second").Str(2) != "y" {
		t.Errorf("registered dynamic column: %v %v %v", f.Row(0), f.Row(1), f.Row(2))
	}
}

func TestImportRowWithExtraFields(t *testing.T) {
	// DuckDB's sniffer takes "3,4,5" for the header of this file and keeps no rows; the
	// import must fail with the line instead.
	w := open(t)
	err := w.Import(context.Background(), "extra", "testdata/extra.csv")
	if !errors.Is(err, frame.ErrMalformed) || !strings.Contains(err.Error(), "testdata/extra.csv:3:") {
		t.Fatalf("err = %v", err)
	}
	if w.HasTable(context.Background(), "extra") {
		t.Error("a table was left behind")
	}
}

func TestImportLenientSnifferMisread(t *testing.T) {
	w := open(t)
	ctx := context.Background()
	rej, err := w.ImportLenient(ctx, "extra", "testdata/extra.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 || rej[0].Line != 3 {
		t.Fatalf("rejects = %+v", rej)
	}
	f, err := w.Query(ctx, `SELECT a, b FROM extra`)
	if err != nil || f.Len() != 1 || f.Col("b").Int(0) != 2 {
		t.Fatalf("kept: %v %v", f, err)
	}
}

// Every CSV writer keeps a row whose only field is empty (issue 20): frame's writer and the
// workspace's COPY export both read back with every row in encoding/csv, Python's csv module
// (when python3 is installed) and huntkit's own import.
func TestCSVOneEmptyFieldRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	dir := t.TempDir()
	f := frame.MustNew(frame.NewStrings("x", []string{"a", "", "b", ""}))
	if err := w.Register(ctx, "t", f); err != nil {
		t.Fatal(err)
	}
	framePath := filepath.Join(dir, "frame.csv")
	if err := frame.WriteFile(framePath, f, "csv"); err != nil {
		t.Fatal(err)
	}
	exportPath := filepath.Join(dir, "export.csv")
	if err := w.Export(ctx, "t", exportPath, ""); err != nil {
		t.Fatal(err)
	}
	nullPath := filepath.Join(dir, "nulls.csv")
	if err := w.Export(ctx, "SELECT * FROM (VALUES ('a'), (NULL), ('b'), (NULL)) v(x)", nullPath, "csv"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{framePath, exportPath, nullPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(recs) != 5 {
			t.Errorf("%s: encoding/csv read %d records, want 5: %q", p, len(recs), data)
		}
		for i, r := range recs {
			if len(r) != 1 {
				t.Errorf("%s: record %d has %d fields", p, i, len(r))
			}
		}
		if py, err := exec.LookPath("python3"); err == nil {
			out, err := exec.Command(py, "-c", "import csv,sys\nrows=list(csv.reader(open(sys.argv[1],newline='')))\nprint(len(rows), sum(len(r) for r in rows))", p).Output()
			if err != nil {
				t.Fatalf("python3 csv: %v", err)
			}
			if got := strings.TrimSpace(string(out)); got != "5 5" {
				t.Errorf("%s: python csv read rows/fields %s, want 5 5", p, got)
			}
		}
		if err := w.Import(ctx, "back", p); err != nil {
			t.Fatalf("import %s: %v", p, err)
		}
		back, err := w.Query(ctx, "SELECT count(*) AS n FROM back")
		if err != nil {
			t.Fatal(err)
		}
		if n := back.Col("n").Int(0); n != 4 {
			t.Errorf("%s: import kept %d rows, want 4", p, n)
		}
	}
}
