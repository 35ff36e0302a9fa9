package osquery

import (
	"context"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

func open(t *testing.T) (*engine.Workspace, *config.Config) {
	t.Helper()
	ws, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	cfg, err := config.Parse("c.yaml", []byte("DataProviders:\n  OSQueryLogs:\n    Args:\n      data_paths: [testdata]\n"))
	if err != nil {
		t.Fatal(err)
	}
	return ws, cfg
}

func TestTablesKQLAndSQL(t *testing.T) {
	ws, cfg := open(t)
	ctx := context.Background()
	d, err := New(ctx, query.Settings{Config: cfg, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := strings.Join(d.Tables(), ","); got != "file_events,listening_ports,processes,users" {
		t.Fatalf("tables %s", got)
	}
	ws2 := d.Warnings()
	if len(ws2) != 1 || !strings.Contains(ws2[0].Error(), "osqueryd.results.log:4:") {
		t.Errorf("warnings %v", ws2)
	}
	f, err := d.Query(ctx, query.Request{Text: `processes | where action == "added" | project hostIdentifier, calendarTime, pid, cmdline, host_uuid`, Language: "kql"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("cmdline").Str(0) != "nc -lvp 4444" || f.Col("calendarTime").Type() != frame.Time {
		t.Fatalf("processes: %d rows, %v", f.Len(), f.Fields())
	}
	f, err = d.Query(ctx, query.Request{Text: `SELECT action, action_, mtime FROM file_events`, Language: "sql"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("action_").Str(0) != "CREATED" || f.Col("mtime").Type() != frame.Time {
		t.Fatalf("file_events: %v", f.Fields())
	}
	f, err = d.Query(ctx, query.Request{Text: `listening_ports | summarize n = count() by action | order by action asc`})
	if err != nil || f.Len() != 2 || f.Col("action").Str(0) != "added" {
		t.Fatalf("diffResults: %v %v", f, err)
	}
	f, err = d.Query(ctx, query.Request{Text: `users | where uid == "0" | project username, shell`})
	if err != nil || f.Len() != 1 || f.Col("username").Str(0) != "root" {
		t.Fatalf("snapshot: %v %v", f, err)
	}
}

func TestTableName(t *testing.T) {
	for in, want := range map[string]string{
		"pack_osquery-custom-pack_processes": "processes",
		"pack_ir_listening_ports":            "listening_ports",
		"file_events":                        "file_events",
	} {
		if got := Table(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestNoData(t *testing.T) {
	ws, _ := open(t)
	cfg, _ := config.Parse("c.yaml", []byte("{}"))
	if _, err := New(context.Background(), query.Settings{Config: cfg, Workspace: ws}); err == nil {
		t.Fatal("no data paths: no error")
	}
	if _, err := New(context.Background(), query.Settings{Config: cfg, Workspace: ws, DataPaths: []string{t.TempDir()}}); err == nil ||
		!strings.Contains(err.Error(), "no osquery results") {
		t.Fatalf("empty folder: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	env, err := query.LookupEnv("OSQuery")
	if err != nil || env.Name != Name || !env.Built() {
		t.Fatalf("%v %v", env.Name, err)
	}
}
