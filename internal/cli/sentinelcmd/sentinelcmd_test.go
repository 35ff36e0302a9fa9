package sentinelcmd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cli/sentinelcmd"
	_ "github.com/huntkit/huntkit/provider/all"
)

func emulator(t *testing.T) string {
	t.Helper()
	clitest.Isolate(t)
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "HUNTKIT_CA_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if _, err := emulate.LoadDemo(ctx, ws, filepath.Join(t.TempDir(), "demo"), emulate.DemoOptions(0, time.Now())); err != nil {
		t.Fatal(err)
	}
	be, err := emulate.NewWorkspaceBackend(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulate.Start(ctx, emulate.Options{Backend: be})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if _, err := srv.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestIncidentCommands runs list, alerts, update and comment through the command line.
func TestIncidentCommands(t *testing.T) {
	cfg := emulator(t)
	run := func(stdin string, args ...string) clitest.Result {
		return clitest.Run(t, clitest.Options{Config: cfg, Stdin: stdin}, clitest.One(sentinelcmd.New), args...)
	}
	r := run("", "sentinel", "incidents", "list", "--status", "New", "--severity", "High", "-o", "csv")
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if r.Code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "IncidentId,") {
		t.Fatalf("list: code %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	id := strings.Split(lines[1], ",")[0]
	if r := run("", "sentinel", "incidents", "alerts", id, "-o", "csv"); r.Code != 0 || strings.Count(r.Out, "\n") < 3 {
		t.Errorf("alerts: %d %s %s", r.Code, r.Out, r.Err)
	}
	// a write without --yes on a non-terminal stdin is refused with a hint
	if r := run("", "sentinel", "incidents", "update", id, "--status", "Active"); r.Code != 2 || !strings.Contains(r.Err, "--yes") {
		t.Errorf("unconfirmed update: %d %s", r.Code, r.Err)
	}
	if r := run("", "sentinel", "incidents", "update", id, "--status", "Active", "--owner", "analyst@contoso.example", "--yes", "-o", "csv"); r.Code != 0 || !strings.Contains(r.Out, "Active") {
		t.Errorf("update: %d %s %s", r.Code, r.Out, r.Err)
	}
	if r := run("", "sentinel", "incidents", "comment", id, "looked", "at", "it", "--yes"); r.Code != 0 {
		t.Errorf("comment: %d %s", r.Code, r.Err)
	}
	if r := run("", "sentinel", "incidents", "comments", id, "-o", "csv"); r.Code != 0 || !strings.Contains(r.Out, "looked at it") {
		t.Errorf("comments: %d %s %s", r.Code, r.Out, r.Err)
	}
	if r := run("", "sentinel", "incidents", "show", "no-such-incident"); r.Code != 1 || !strings.Contains(r.Err, "404") {
		t.Errorf("missing: %d %s", r.Code, r.Err)
	}
	if r := run("", "sentinel", "hunting", "list", "-o", "csv"); r.Code != 0 || !strings.Contains(r.Out, "hunt-alerts-by-entity") {
		t.Errorf("hunting: %d %s %s", r.Code, r.Out, r.Err)
	}
	if r := run("", "sentinel", "rules", "run", "encoded-powershell", "--start", "-30d", "-o", "csv"); r.Code != 0 || !strings.Contains(r.Out, "ProcessCommandLine") {
		t.Errorf("rules run: %d %s", r.Code, r.Err)
	}
	if r := run("", "sentinel", "indicators", "--type", "file", "--top", "3", "-o", "csv"); r.Code != 0 || strings.Count(r.Out, "\n") != 4 {
		t.Errorf("indicators: %d %s %s", r.Code, r.Out, r.Err)
	}
}
