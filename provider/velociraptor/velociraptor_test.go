package velociraptor

import (
	"context"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

func TestArtifactsAsTables(t *testing.T) {
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	cfg, err := config.Parse("c.yaml", []byte("DataProviders:\n  VelociraptorLogs:\n    Args:\n      data_paths: [testdata]\n"))
	if err != nil {
		t.Fatal(err)
	}
	env, err := query.LookupEnv("VelociraptorLogs")
	if err != nil || env.Name != Name || !env.Built() {
		t.Fatalf("registered: %v %v", env.Name, err)
	}
	drv, err := env.New(ctx, query.Settings{Config: cfg, Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	d := drv.(interface {
		query.Driver
		query.Warner
		Tables() []string
		Close() error
	})
	defer d.Close()
	if got := strings.Join(d.Tables(), ","); got != "Windows_Network_Netstat,Windows_Sys_Users" {
		t.Fatalf("tables %s", got)
	}
	if w := d.Warnings(); len(w) != 1 || !strings.Contains(w[0].Error(), "Windows.Network.Netstat.json:3:") {
		t.Errorf("warnings %v", w)
	}
	f, err := d.Query(ctx, query.Request{Text: `Windows_Network_Netstat | where Status == "LISTEN" | project Pid, Name, ['Laddr.Port'], Timestamp | order by Pid asc`})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 2 || f.Col("Pid").Int(1) != 4242 || f.Col("Timestamp").Type() != frame.Time {
		t.Fatalf("netstat: %d rows %v", f.Len(), f.Fields())
	}
	f, err = d.Query(ctx, query.Request{Text: `SELECT Name FROM Windows_Sys_Users WHERE Uid > 1000`, Language: "sql"})
	if err != nil || f.Len() != 1 || f.Col("Name").Str(0) != "svc_backup" {
		t.Fatalf("users: %v %v", f, err)
	}
}

func TestTableName(t *testing.T) {
	if got := Table("/data", "/data/results/Windows.Forensics.Usn.json"); got != "Windows_Forensics_Usn" {
		t.Errorf("got %s", got)
	}
	if got := Table("/data", "/data/host1/Custom.Linux.Ssh.json"); got != "host1_Custom_Linux_Ssh" {
		t.Errorf("got %s", got)
	}
}
