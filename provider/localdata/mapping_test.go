package localdata_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// mappedDriver is a LocalData driver on testdata/otrf (OTRF column names) with the mapping
// named by m.
func mappedDriver(t *testing.T, m string) (query.Driver, error) {
	t.Helper()
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return localdata.New(ctx, query.Settings{DataPaths: []string{"testdata/otrf"}, Workspace: ws,
		Options: map[string]string{"map": m}})
}

func TestMappingSentinelNames(t *testing.T) {
	for _, m := range []string{"testdata/maps/map.yaml", "otrf"} {
		t.Run(m, func(t *testing.T) {
			d, err := mappedDriver(t, m)
			if err != nil {
				t.Fatal(err)
			}
			f, err := d.Query(context.Background(), query.Request{Language: "kql", Text: `SecurityEvent
| where EventID == 4624 and Computer has "workstation5"
| where TimeGenerated >= datetime(2020-10-18T07:51:00Z)
| project TimeGenerated, Computer, TargetUserName, TimeCreated`})
			if err != nil {
				t.Fatal(err)
			}
			want := 1 // the built-in otrf mapping keeps the Security channel only
			if m != "otrf" {
				want = 2
			}
			if f.Len() != want || f.Col("TargetUserName").Str(0) != "pgustavo" || f.Col("Computer").Str(0) != "WORKSTATION5" {
				t.Fatalf("got %d rows: %v", f.Len(), f)
			}
			if got := f.Col("TimeGenerated").Time(0).UTC().Format("15:04:05"); got != "07:52:10" {
				t.Errorf("TimeGenerated %s", got)
			}
			// the source names still work, in SQL too
			g, err := d.Query(context.Background(), query.Request{Language: "sql", Text: `SELECT count(*) AS n FROM SecurityEvent WHERE Hostname = 'MORDORDC'`})
			if err != nil || g.Col("n").Int(0) != 1 {
				t.Errorf("sql on the view: %v %v", g, err)
			}
			// the source made a table (its second query) under the view: the view still reads it
			for i := 0; i < 3; i++ {
				if _, err := d.Query(context.Background(), query.Request{Language: "kql", Text: "otrf_security | count"}); err != nil {
					t.Fatal(err)
				}
			}
			if g, err := d.Query(context.Background(), query.Request{Language: "kql", Text: "SecurityEvent | where Computer == 'MORDORDC' | count"}); err != nil || g.Col("Count").Int(0) != 1 {
				t.Errorf("view after the source was imported: %v %v", g, err)
			}
			if m == "otrf" {
				w := d.(interface{ Warnings() []error }).Warnings()
				if len(w) != 1 || !strings.Contains(w[0].Error(), "zeek_dns") || !strings.Contains(w[0].Error(), "TimeCreated") {
					t.Errorf("warnings %v", w)
				}
			}
		})
	}
}

func TestMappingErrors(t *testing.T) {
	for _, tc := range []struct {
		name, mapping, text, want string
	}{
		{"missing column", "testdata/maps/badmap.yaml", "SecurityEvent | count", "testdata/maps/badmap.yaml:6: otrf_security: column not found: HostName2"},
		{"no such file", "testdata/maps/nope.yaml", "", "testdata/maps/nope.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := mappedDriver(t, tc.mapping)
			if err == nil {
				_, err = d.Query(context.Background(), query.Request{Language: "kql", Text: tc.text})
			}
			if !errors.Is(err, localdata.ErrMapping) || !strings.Contains(err.Error(), tc.want) || strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseMapping(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"tables:\n  - source: a\n    table: T\n    columns:\n      X: y\n", ""},
		{"", "m.yaml:1: empty mapping"},
		{"tables: 3\n", "m.yaml:1: want a tables: list"},
		{"tables:\n  - source: a\n    table: T\n    colums: {}\n", "m.yaml:4: unknown key \"colums\""},
		{"tables:\n  - table: T\n", "m.yaml:2: an entry needs source and table"},
		{"tables:\n  - source: a\n    table: T\n    columns:\n      X: [1]\n", "m.yaml:5: column X"},
		{"tables:\n  - {source: a, table: T}\n  - {source: b, table: t}\n", "m.yaml:3: table t is already mapped on line 2"},
		{"tables:\n  - source: \"[\"\n    table: T\n", "m.yaml:2: source"},
	} {
		_, err := localdata.ParseMapping("m.yaml", []byte(tc.doc))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%q: got %v, want %q", tc.doc, err, tc.want)
		}
	}
}

// TestMappingOTRFFile: the built-in otrf mapping on a real OTRF Security-Datasets file gives
// SecurityEvent its Security-channel rows with Sentinel's names.
func TestMappingOTRFFile(t *testing.T) {
	file := testdata.Shared(t, "otrf/zips/windows_credential_access_host_psh_lsass_memory_dump_comsvcs.zip")
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	d, err := localdata.New(ctx, query.Settings{DataPaths: []string{file}, Workspace: ws, Options: map[string]string{"map": "otrf"}})
	if err != nil {
		t.Fatal(err)
	}
	src := "windows_credential_access_host_psh_lsass_memory_dump_comsvcs"
	want, err := d.Query(ctx, query.Request{Language: "sql", Text: "SELECT count(*) AS n, min(TimeCreated) AS t FROM " + src + " WHERE Channel = 'Security'"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Query(ctx, query.Request{Language: "kql", Text: "SecurityEvent | summarize n = count(), t = min(TimeGenerated), hosts = dcount(Computer)"})
	if err != nil {
		t.Fatal(err)
	}
	if want.Col("n").Int(0) == 0 || got.Col("n").Int(0) != want.Col("n").Int(0) || got.Col("hosts").Int(0) < 1 ||
		!got.Col("t").Time(0).Equal(want.Col("t").Time(0)) {
		t.Errorf("SecurityEvent %v, source %v", got, want)
	}
}

func TestMappingSchema(t *testing.T) {
	d, err := mappedDriver(t, "testdata/maps/map.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := d.(interface {
		Schema(context.Context) (map[string][]frame.Field, error)
	}).Schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range schema["SecurityEvent"] {
		names[f.Name] = true
	}
	if !names["TimeGenerated"] || !names["Computer"] || !names["Hostname"] || len(schema["otrf_security"]) == 0 {
		t.Errorf("schema %v", schema)
	}
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"tables:\n  - source: a\n    table: T\n    columns:\n      X: y\n", "tables: [{source: '[', table: T}]",
		"tables:\n  - {source: a, table: T, where: x > 1, columns: {A: b}}\n  - {source: b, table: t}\n", "", "- a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := localdata.ParseMapping("m.yaml", []byte(doc))
		if err != nil {
			if !errors.Is(err, localdata.ErrMapping) {
				t.Fatalf("error not ErrMapping: %v", err)
			}
			return
		}
		for _, tm := range m.Tables {
			if tm.Source == "" || tm.Table == "" {
				t.Fatalf("entry without source or table: %+v", tm)
			}
		}
	})
}

// TestMappingFromConfig: DataProviders.LocalData.Args.Mappings names the mapping; --map
// overrides it.
func TestMappingFromConfig(t *testing.T) {
	cfg, err := config.Parse("cfg.yaml", []byte("DataProviders:\n  LocalData:\n    Args:\n      Mappings: testdata/maps/badmap.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, tc := range []struct {
		opts map[string]string
		ok   bool
	}{{nil, false}, {map[string]string{"map": "testdata/maps/map.yaml"}, true}} {
		d, err := localdata.New(ctx, query.Settings{Config: cfg, DataPaths: []string{"testdata/otrf"}, Workspace: ws, Options: tc.opts})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Query(ctx, query.Request{Language: "kql", Text: "SecurityEvent | where Computer == 'MORDORDC' | count"})
		if tc.ok && err != nil || !tc.ok && (err == nil || !strings.Contains(err.Error(), "badmap.yaml:6")) {
			t.Errorf("options %v: %v", tc.opts, err)
		}
	}
}
