package sentinelcmd_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cli/emulatecmd"
	"github.com/huntkit/huntkit/internal/cli/sentinelcmd"
	"github.com/huntkit/huntkit/internal/cliapp"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// emulator runs `huntkit emulate --write-config DIR/msticpyconfig.yaml` over the demo tenant
// until the test ends and returns the configuration's path.
func emulator(t *testing.T) string {
	t.Helper()
	home := clitest.Isolate(t)
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "HUNTKIT_CA_FILE", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	cfg := filepath.Join(home, "emu", "msticpyconfig.yaml")
	out, errb := &syncBuf{}, &syncBuf{}
	app := &cliapp.App{In: strings.NewReader(""), Out: out, Err: errb}
	root := &cobra.Command{Use: "huntkit", SilenceUsage: true, SilenceErrors: true}
	app.AddGlobalFlags(root)
	root.AddCommand(emulatecmd.New(app))
	root.SetArgs([]string{"emulate", "--write-config", cfg})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		app.Close()
	})
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("emulate stopped: %v; stderr: %s", err, errb.String())
		default:
		}
		if strings.HasSuffix(out.String(), "\n") && strings.Contains(errb.String(), "Ctrl-C") {
			return cfg
		}
	}
	t.Fatalf("emulate did not start; stderr: %s", errb.String())
	return ""
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
