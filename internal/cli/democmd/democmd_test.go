package democmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	clitest.Isolate(t)
	r := clitest.Run(t, clitest.Options{}, clitest.One(New), args...)
	return r.Out, r.Err, r.Code
}

// TestDemoFindsIntrusion runs the whole guided hunt and checks it finds every planted
// stage of the ground truth, then runs it again and checks the data is reused.
func TestDemoFindsIntrusion(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts the demo tenant")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	out, errs, code := runCLI(t, "demo", "--dir", dir, "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errs, out)
	}
	truth, err := demo.ReadGroundTruth(filepath.Join(dir, demo.TruthFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range truth.Stages {
		re := regexp.MustCompile(`\[found \] ` + regexp.QuoteMeta(s.ID) + ` `)
		if !re.MatchString(out) {
			t.Errorf("stage %s not found by the hunt", s.ID)
		}
	}
	want := []string{
		"SecurityAlert.list_alerts", "WindowsSecurity.list_host_logon_sources", "MDE.list_processes_around_time",
		"process tree (proctree)", "ioc.ExtractFrame", "decode.DecodeFrame", "Network.list_beaconing",
		"ThreatIntelligence.list_indicators_by_ip", "LocalFeed", "WindowsSecurity.list_explicit_credential_logons",
		"Network.list_large_outbound_transfers", "Azure.list_aad_mfa_fatigue", "LinuxSyslog.list_ssh_brute_force",
		"of 12 planted stages found", "generated in",
		"WindowsSecurity.list_admin_group_changes", `TargetUserName contains "support_svc"`,
	}
	if strings.Contains(out, `contains ""`) {
		t.Error(`a step renders an empty filter (contains "")`)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	// the pivots come from the data: the decoded cradle names the planted domain
	for _, i := range truth.IoCs {
		if i.Type == "dns" && !strings.Contains(out, "download cradle: urls http://"+i.Value) {
			t.Errorf("decoded cradle for %s not reported", i.Value)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "report", "process_tree.html")); err != nil {
		t.Errorf("process tree view not written: %v", err)
	}
	out2, errs2, code2 := runCLI(t, "demo", "--dir", dir, "--seed", "7", "--views=false")
	if code2 != 0 {
		t.Fatalf("second run: exit %d: %s", code2, errs2)
	}
	if !strings.Contains(out2, "reused in "+dir) {
		t.Errorf("second run did not reuse the data:\n%s", firstLines(out2, 5))
	}
}

func TestDemoBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--size", "huge", "--dir", t.TempDir()},
		{"demo", "--days", "1", "--dir", t.TempDir()},
	} {
		_, errs, code := runCLI(t, args...)
		if code != cliapp.ExitUsage {
			t.Errorf("%v: exit %d (%s), want usage error", args, code, errs)
		}
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}
