package engine

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

// A Zeek TSV log imports with its #fields names (dots as _) and types from #types: ts is a
// UTC timestamp from epoch seconds, ports and counts integers, bools booleans, sets lists;
// "-" is null, "(empty)" an empty string or list, \xHH escapes are decoded (issue 13).
func TestImportZeekTSV(t *testing.T) {
	w := open(t)
	ctx := context.Background()
	if err := w.Import(ctx, "conn", filepath.Join("testdata", "conn.log")); err != nil {
		t.Fatal(err)
	}
	cols, err := w.Columns(ctx, "conn")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name+":"+c.Type.String())
	}
	want := "ts:time uid:string id_orig_h:string id_orig_p:int id_resp_h:string id_resp_p:int proto:string duration:float orig_bytes:int local_orig:bool tunnel_parents:dynamic note:string"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("columns\n got %s\nwant %s", got, want)
	}
	f, err := w.Query(ctx, `SELECT ts, id_resp_p, duration, orig_bytes, local_orig, len(tunnel_parents) AS np,
		tunnel_parents[2] AS p2, note FROM conn ORDER BY ts`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 2 {
		t.Fatalf("%d rows, want 2", f.Len())
	}
	if got, want := f.Col("ts").Time(0), time.Date(2020, 4, 30, 0, 6, 38, 899710000, time.UTC); !got.Equal(want) {
		t.Errorf("ts = %v, want %v", got, want)
	}
	if f.Col("id_resp_p").Int(1) != 445 || f.Col("orig_bytes").Int(0) != 39 || !f.Col("local_orig").Bool(0) || f.Col("local_orig").Bool(1) {
		t.Errorf("typed values: %v", f)
	}
	if !f.Col("duration").IsNull(1) || !f.Col("orig_bytes").IsNull(1) {
		t.Errorf("unset fields are not null: %v", f)
	}
	if f.Col("np").Int(0) != 0 || f.Col("np").Int(1) != 2 || f.Col("p2").Str(1) != "Cb" {
		t.Errorf("sets: %v", f)
	}
	if f.Col("note").Str(0) != "a\tb" || f.Col("note").IsNull(1) || f.Col("note").Str(1) != "" {
		t.Errorf("strings: %q %q", f.Col("note").Str(0), f.Col("note").Str(1))
	}
	// ImportView imports it as a table, and ReadFrame reads it.
	vw, err := Open(ctx, "", WithFileAccess(true))
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	if view, err := vw.ImportView(ctx, "conn", filepath.Join("testdata", "conn.log")); err != nil || view {
		t.Errorf("ImportView: view=%v, %v", view, err)
	} else if cols, _ := vw.Columns(ctx, "conn"); len(cols) != 12 || cols[0].Type != frame.Time {
		t.Errorf("ImportView columns %v", cols)
	}
	rf, err := ReadFrame(ctx, filepath.Join("testdata", "conn.log"))
	if err != nil || rf.Len() != 2 || rf.Col("ts").Type() != frame.Time {
		t.Errorf("ReadFrame: %v, %v", rf, err)
	}
}

// A .log file of JSON lines imports as JSON lines; other .log files are refused with the
// reason, and a malformed Zeek line is reported with file:line.
func TestImportLogSniff(t *testing.T) {
	w := open(t)
	ctx := context.Background()
	if err := w.Import(ctx, "dns", filepath.Join("testdata", "dns_json.log")); err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, `SELECT uid, query FROM dns ORDER BY uid`)
	if err != nil || f.Len() != 2 || f.Col("query").Str(1) != "b.example" {
		t.Fatalf("json .log: %v, %v", f, err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("syslog.log", "Dec  4 12:00:00 host sshd[1]: Accepted\n")
	if Importable(plain) {
		t.Error("a plain-text .log is importable")
	}
	if err := w.Import(ctx, "x", plain); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), `starts "Dec  4 12:00:00`) {
		t.Errorf("plain .log: %v", err)
	}
	if err := w.Import(ctx, "x", write("empty.log", "\n\n")); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty .log: %v", err)
	}
	bad := write("bad.log", "#separator \\x09\n#fields\ta\tb\n#types\tcount\tstring\n1\tx\n2\n")
	if err := w.Import(ctx, "x", bad); !errors.Is(err, frame.ErrMalformed) || !strings.Contains(err.Error(), "bad.log:5:") {
		t.Errorf("short Zeek line: %v", err)
	}
	badNum := write("badnum.log", "#separator \\x09\n#fields\ta\n#types\tcount\nzz\n")
	if err := w.Import(ctx, "x", badNum); !errors.Is(err, frame.ErrMalformed) || !strings.Contains(err.Error(), "badnum.log:4: ") {
		t.Errorf("bad count: %v", err)
	}
}

// The OTRF APT29 Zeek logs (JSON lines named .log) import in place.
func TestImportZeekShared(t *testing.T) {
	dir := testdata.Shared(t, "otrf/zeek_apt29_day1")
	plan, err := PlanImport([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Sources) != 4 || len(plan.Skipped) != 0 {
		t.Fatalf("plan %+v", plan)
	}
	w := open(t)
	ctx := context.Background()
	for _, s := range plan.Sources {
		if err := w.Import(ctx, s.Table, s.Path); err != nil {
			t.Fatal(err)
		}
	}
	f, err := w.Query(ctx, `SELECT count(*) AS n, count(DISTINCT uid) AS u FROM SCRANTON_conn WHERE id_resp_p = 53`)
	if err != nil || f.Col("n").Int(0) == 0 {
		t.Errorf("conn: %v, %v", f, err)
	}
}

func FuzzZeekToJSON(f *testing.F) {
	body, _ := os.ReadFile(filepath.Join("testdata", "conn.log"))
	f.Add(body)
	f.Add([]byte("#separator \\x2c\n#fields,a\n#types,set[string]\n\\x2c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.log")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, err := zeekToJSON(context.Background(), p, t.TempDir())
		if err != nil {
			return
		}
		data, _ := os.ReadFile(out)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line != "" && !jsonValid(line) {
				t.Fatalf("invalid JSON line %q", line)
			}
		}
	})
}

func jsonValid(s string) bool { return json.Valid([]byte(s)) }

// Real Zeek TSV logs (OTRF's LSASS campaign capture, a zip of .log files) import with their
// #types: every member unpacked to a temporary folder imports, and conn's ts is a timestamp.
func TestImportZeekTSVShared(t *testing.T) {
	zp := testdata.Shared(t, "otrf/zips/compound_LSASS_campaign_01_zeek_logs.zip")
	zr, err := zip.OpenReader(zp)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	ctx := context.Background()
	for _, f := range zr.File {
		if err := extract(ctx, f, filepath.Join(dir, filepath.Base(f.Name))); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := PlanImport([]string{dir})
	if err != nil || len(plan.Sources) != len(zr.File) || len(plan.Skipped) != 0 {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	w := open(t)
	for _, s := range plan.Sources {
		if err := w.Import(ctx, s.Table, s.Path); err != nil {
			t.Error(err)
		}
	}
	f, err := w.Query(ctx, `SELECT min(ts) AS first, count(*) AS n, count(DISTINCT id_orig_h) AS hosts FROM conn`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("first").Type() != frame.Time || f.Col("first").Time(0).Year() != 2023 || f.Col("n").Int(0) == 0 {
		t.Errorf("conn: %v", f)
	}
}

// A zip's .log members of JSON lines import; an archive of other logs is refused with each
// member and the reason (issue 13).
func TestImportZipLogMembers(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, members map[string]string) string {
		p := filepath.Join(dir, name)
		fh, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(fh)
		for n, body := range members {
			mw, _ := zw.Create(n)
			mw.Write([]byte(body))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		fh.Close()
		return p
	}
	w := open(t)
	ctx := context.Background()
	if err := w.Import(ctx, "j", mk("j.zip", map[string]string{"dns.log": "{\"a\":1}\n{\"a\":2}\n"})); err != nil {
		t.Fatal(err)
	}
	if f, err := w.Query(ctx, "SELECT sum(a) AS s FROM j"); err != nil || f.Col("s").Int(0) != 3 {
		t.Errorf("json .log member: %v, %v", f, err)
	}
	body, _ := os.ReadFile(filepath.Join("testdata", "conn.log"))
	err := w.Import(ctx, "x", mk("x.zip", map[string]string{"audit.log": "type=SYSCALL msg=audit(1.0:1): pid=1\n", "conn.log": string(body)}))
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "audit.log: not JSON lines") || !strings.Contains(err.Error(), "conn.log: a Zeek TSV log") {
		t.Errorf("zip of other logs: %v", err)
	}
}
