package emulatecmd_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"github.com/huntkit/huntkit/emulate"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cli/authcmd"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cli/emulatecmd"
	"github.com/huntkit/huntkit/internal/cli/kqlcmd"
	"github.com/huntkit/huntkit/internal/cli/querycmd"
	"github.com/huntkit/huntkit/internal/cli/schemacmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	_ "github.com/huntkit/huntkit/queries"
)

// syncBuf is a buffer safe for the emulator goroutine and the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func commands(app *cliapp.App) []*cobra.Command {
	return append(querycmd.New(app), emulatecmd.New(app), authcmd.New(app), schemacmd.New(app), kqlcmd.New(app))
}

// startEmulate runs `huntkit emulate args...` until the test ends and returns its base URL.
func startEmulate(t *testing.T, args ...string) (url string, errOut *syncBuf) {
	t.Helper()
	out, errb := &syncBuf{}, &syncBuf{}
	app := &cliapp.App{In: strings.NewReader(""), Out: out, Err: errb}
	root := &cobra.Command{Use: "huntkit", SilenceUsage: true, SilenceErrors: true}
	app.AddGlobalFlags(root)
	root.AddCommand(emulatecmd.New(app))
	root.SetArgs(append([]string{"emulate"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulate: %v", err)
		}
		app.Close()
	})
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("emulate stopped: %v; stderr: %s", err, errb.String())
		default:
		}
		if s := out.String(); strings.HasSuffix(s, "\n") && strings.Contains(errb.String(), "Ctrl-C") {
			return strings.TrimSpace(s), errb
		}
	}
	t.Fatalf("emulate did not start; stderr: %s", errb.String())
	return "", nil
}

// TestEmulatorWorkflow is the documented workflow: emulate the demo tenant, write a config,
// run the README's and the commands' examples against it, and the seed's setup (a Default
// workspace, auth_methods [cli, msi, interactive]) returns the demo tenant's alerts, the
// same rows LocalData finds in the same files.
func TestEmulatorWorkflow(t *testing.T) {
	home := clitest.Isolate(t)
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "HUNTKIT_CA_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Chdir(home)
	// huntkit emulate --write-config ./emu/msticpyconfig.yaml
	base, errOut := startEmulate(t, "--write-config", "./emu/msticpyconfig.yaml")
	if !regexp.MustCompile(`^https://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("first line %q is not the base URL", base)
	}
	if !strings.Contains(errOut.String(), "demo tenant") {
		t.Errorf("stderr: %s", errOut.String())
	}
	cfgPath := filepath.Join("emu", "msticpyconfig.yaml")
	for _, f := range []string{cfgPath, cfgPath + ".env", filepath.Join("emu", "huntkit-emulator-ca.pem")} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, st, err)
		}
	}
	run := func(args ...string) clitest.Result {
		return clitest.Run(t, clitest.Options{}, commands, args...)
	}

	// huntkit --config ./emu/msticpyconfig.yaml query MSSentinel SecurityAlert.list_alerts --start -7d
	r := run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "SecurityAlert.list_alerts", "--start", "-7d", "-o", "csv")
	if r.Code != 0 {
		t.Fatalf("query: %d %s", r.Code, r.Err)
	}
	remote := r.Out
	if n := strings.Count(remote, "\n") - 1; n < 5 || !strings.Contains(remote, "EICAR") {
		t.Fatalf("%d alerts:\n%s", n, remote)
	}

	// huntkit --config ./emu/msticpyconfig.yaml query MDE --kql "DeviceProcessEvents | summarize n = count() by DeviceName"
	for _, env := range []string{"MDE", "M365D", "M365DGraph"} {
		r = run("--config", "./emu/msticpyconfig.yaml", "query", env, "--kql", "DeviceProcessEvents | summarize n = count() by DeviceName", "-o", "csv")
		if r.Code != 0 || !strings.HasPrefix(r.Out, "DeviceName,n\n") || strings.Count(r.Out, "\n") < 3 {
			t.Fatalf("%s: %d %q %s", env, r.Code, r.Out, r.Err)
		}
	}
	// huntkit --config ./emu/msticpyconfig.yaml query MSGraph SecurityGraph.list_incidents --start -7d
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "MSGraph", "SecurityGraph.list_incidents", "--start", "-7d", "-o", "csv")
	if r.Code != 0 || !strings.HasPrefix(r.Out, "id,tenantId,displayName,") || strings.Count(r.Out, "\n") < 2 {
		t.Fatalf("MSGraph incidents: %d %q %s", r.Code, r.Out, r.Err)
	}
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "MSGraph", "--text", "security/alerts_v2?$filter=severity eq 'informational'&$select=id,severity&$top=2",
		"--option", "max-rows=3", "-o", "csv")
	if r.Code != 1 || r.Out != "" && strings.Count(r.Out, "\n") != 4 || !strings.Contains(r.Err, "max-rows") {
		t.Fatalf("MSGraph --text --option max-rows=3: %d %q %s", r.Code, r.Out, r.Err)
	}
	// huntkit --config ./emu/msticpyconfig.yaml query ResourceGraph ResourceGraph.list_virtual_machines
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "ResourceGraph", "ResourceGraph.list_virtual_machines", "-o", "csv")
	if r.Code != 0 || strings.Count(r.Out, "\n") != 5 || !strings.Contains(r.Out, "Standard_D4s_v5") {
		t.Fatalf("ResourceGraph: %d %q %s", r.Code, r.Out, r.Err)
	}
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "ResourceGraph", "--kql", "resources | summarize n = count() by subscriptionId",
		"--option", "subscriptions="+emulate.DemoSubscriptionDev, "-o", "csv")
	if r.Code != 0 || strings.TrimSpace(r.Out) != "subscriptionId,n\n"+emulate.DemoSubscriptionDev+",4" {
		t.Fatalf("ResourceGraph --option subscriptions: %d %q %s", r.Code, r.Out, r.Err)
	}

	// --split 1d: the same rows, queried a day at a time.
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "SecurityAlert.list_alerts", "--start", "-7d", "--split", "1d", "-o", "csv")
	if r.Code != 0 || sortedLines(r.Out) != sortedLines(remote) {
		t.Fatalf("--split 1d: %d %s\n%s", r.Code, r.Err, r.Out)
	}

	// The same template on the same files through LocalData gives the same rows.
	demoDir := demoFolder(t, home)
	r = run("query", "LocalData", "SecurityAlert.list_alerts", "--start", "-7d", "--data", demoDir, "-o", "csv")
	if r.Code != 0 || r.Out != remote {
		t.Fatalf("LocalData (%d, %s) differs from MSSentinel:\n%s\n---\n%s", r.Code, r.Err, r.Out, remote)
	}

	// The seed's setup: Default workspace, auth_methods [cli, msi, interactive], with the
	// Azure CLI signed in (a stand-in az printing a token the emulator issued).
	seed := seedConfig(t, cfgPath)
	fakeAz(t, cfgPath)
	r = run("--config", seed, "query", "MSSentinel", "SecurityAlert.list_alerts", "--start", "-7d", "-o", "csv")
	if r.Code != 0 || r.Out != remote {
		t.Fatalf("seed config: %d %s\n%s", r.Code, r.Err, r.Out)
	}
	r = run("--config", seed, "auth", "status")
	if r.Code != 0 || !strings.Contains(r.Out, "signed in with cli") || !strings.Contains(r.Out, "account 2c4a8e10-7b3d-4f6a-8c9e-0a1b2c3d4e5f") || strings.Contains(r.Out, "eyJ") {
		t.Fatalf("auth status (seed): %d %s %s", r.Code, r.Out, r.Err)
	}

	// huntkit --config ./emu/msticpyconfig.yaml auth status
	r = run("--config", "./emu/msticpyconfig.yaml", "auth", "status")
	if r.Code != 0 || !strings.Contains(r.Out, "signed in with clientsecret") || strings.Contains(r.Out, "eyJ") {
		t.Fatalf("auth status: %d %s %s", r.Code, r.Out, r.Err)
	}
	// . ./emu/msticpyconfig.yaml.env; huntkit --config ./emu/msticpyconfig.yaml auth status --auth msi
	sourceEnv(t, cfgPath+".env")
	r = run("--config", "./emu/msticpyconfig.yaml", "auth", "status", "--auth", "msi")
	if r.Code != 0 || !strings.Contains(r.Out, "signed in with msi") {
		t.Fatalf("auth status msi: %d %s %s", r.Code, r.Out, r.Err)
	}
	// huntkit query MSSentinel --kql '...' --start -1d --workspace-name Prod
	data, _ := os.ReadFile(seed)
	prod := filepath.Join(t.TempDir(), "prod.yaml")
	_ = os.WriteFile(prod, []byte(strings.Replace(string(data), "    Default:", "    Prod:", 1)), 0o600)
	r = run("--config", prod, "query", "MSSentinel", "--kql", "SigninLogs | summarize count() by ResultType", "--start", "-1d", "--workspace-name", "Prod", "-o", "csv")
	if r.Code != 0 || !strings.HasPrefix(r.Out, "ResultType,count_") {
		t.Fatalf("--workspace-name Prod: %d %q %s", r.Code, r.Out, r.Err)
	}
	r = run("--config", prod, "query", "MSSentinel", "--kql", "SigninLogs | take 1", "--workspace-name", "Prd")
	if r.Code != 3 || !strings.Contains(r.Err, `did you mean "Prod"`) {
		t.Fatalf("unknown workspace: %d %s", r.Code, r.Err)
	}

	// huntkit auth status --auth clientsecret
	r = run("--config", "./emu/msticpyconfig.yaml", "auth", "status", "--auth", "clientsecret")
	if r.Code != 0 || !strings.Contains(r.Out, "clientsecret ok") || strings.Contains(r.Out, "eyJ") {
		t.Fatalf("auth status: %d %s %s", r.Code, r.Out, r.Err)
	}
	r = run("--config", "./emu/msticpyconfig.yaml", "auth", "status", "--auth", "vscode,powershell")
	if r.Code != 1 || !strings.Contains(r.Out, "vscode") || !strings.Contains(r.Out, "skipped") || !strings.Contains(r.Err, "no method worked") {
		t.Fatalf("auth status failing: %d %s %s", r.Code, r.Out, r.Err)
	}

	// huntkit --config ./emu/msticpyconfig.yaml schema MSSentinel --table SecurityAlert
	r = run("--config", "./emu/msticpyconfig.yaml", "schema", "MSSentinel", "--table", "SecurityAlert")
	if r.Code != 0 || !strings.Contains(r.Out, "AlertSeverity") || !strings.Contains(r.Out, "TimeGenerated") {
		t.Fatalf("schema: %d %s %s", r.Code, r.Out, r.Err)
	}

	// KQL huntkit cannot compile: one line with the compiler's message, exit 1.
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "--kql", "SecurityAlert | frobnicate")
	if r.Code != 1 || strings.Count(r.Err, "\n") != 1 || !strings.Contains(r.Err, "frobnicate") {
		t.Fatalf("bad KQL: %d %q", r.Code, r.Err)
	}
	kustoWorkflow(t, run)
	checkWithSchema(t, run)

	// A partial result: rows written, a warning, exit 1; --fail-on-partial: an error.
	startEmulate(t, "--row-limit", "3", "--write-config", "./emu/small.yaml", "--secret", "vt-key=v1")
	r = run("--config", "./emu/small.yaml", "query", "MSSentinel", "--kql", "SecurityAlert | take 10", "-o", "csv")
	if r.Code != 1 || strings.Count(r.Out, "\n") != 4 || !strings.Contains(r.Err, "warning: MSSentinel: partial result") {
		t.Fatalf("partial: %d %q %q", r.Code, r.Out, r.Err)
	}
	r = run("--config", "./emu/small.yaml", "query", "MSSentinel", "--kql", "SecurityAlert | take 10", "--fail-on-partial")
	if r.Code != 1 || r.Out != "" || !strings.Contains(r.Err, "--fail-on-partial") {
		t.Fatalf("fail-on-partial: %d %q %q", r.Code, r.Out, r.Err)
	}
}

// kustoWorkflow runs the Kusto examples against the emulator's Data Explorer API (the
// KustoClusters.Emulator entry of the written config): the same KQL gives the same rows as
// through MSSentinel.
func kustoWorkflow(t *testing.T, run func(args ...string) clitest.Result) {
	t.Helper()
	// huntkit --config ./emu/msticpyconfig.yaml query Kusto --cluster Emulator --kql 'SecurityAlert | summarize count() by AlertSeverity'
	const bySeverity = "SecurityAlert | summarize count() by AlertSeverity"
	r := run("--config", "./emu/msticpyconfig.yaml", "query", "Kusto", "--cluster", "Emulator", "--kql", bySeverity, "-o", "csv")
	s := run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "--kql", bySeverity, "-o", "csv")
	if r.Code != 0 || s.Code != 0 || sortedLines(r.Out) != sortedLines(s.Out) || !strings.HasPrefix(r.Out, "AlertSeverity,count_") {
		t.Fatalf("Kusto (%d %s) vs MSSentinel (%d %s):\n%s\n---\n%s", r.Code, r.Err, s.Code, s.Err, r.Out, s.Out)
	}
	// huntkit --config ./emu/msticpyconfig.yaml query Kusto --kql 'SigninLogs | summarize count() by ResultType' --start -1d
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "Kusto", "--kql", "SigninLogs | summarize count() by ResultType", "--start", "-1d", "-o", "csv")
	if r.Code != 0 || !strings.HasPrefix(r.Out, "ResultType,count_") {
		t.Fatalf("query Kusto --start: %d %q %s", r.Code, r.Out, r.Err)
	}
	// The alias ADX and the window through query_datetimescope: the same counts as MSSentinel.
	a := run("--config", "./emu/msticpyconfig.yaml", "query", "ADX", "--kql", "SigninLogs | summarize count() by ResultType", "--start", "-1d", "-o", "csv")
	m := run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "--kql", "SigninLogs | summarize count() by ResultType", "--start", "-1d", "-o", "csv")
	if a.Code != 0 || sortedLines(a.Out) != sortedLines(m.Out) {
		t.Fatalf("ADX vs MSSentinel: %q %q %s", a.Out, m.Out, a.Err)
	}
	// huntkit --config ./emu/msticpyconfig.yaml query MSSentinelSearch --kql 'SigninLogs | where ResultType != "0"' --start -1d
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinelSearch", "--kql", `SigninLogs | where ResultType != "0"`, "--start", "-1d", "-o", "csv")
	q := run("--config", "./emu/msticpyconfig.yaml", "query", "MSSentinel", "--kql", `SigninLogs | where ResultType != "0"`, "--start", "-1d", "-o", "csv")
	if r.Code != 0 || q.Code != 0 || sortedLines(r.Out) != sortedLines(q.Out) || strings.Count(r.Out, "\n") < 2 {
		t.Fatalf("MSSentinelSearch (%d %s) vs MSSentinel (%d %s)", r.Code, r.Err, q.Code, q.Err)
	}
	// huntkit --config ./emu/msticpyconfig.yaml schema Kusto --cluster Emulator --database SecurityLogs --table SigninLogs
	r = run("--config", "./emu/msticpyconfig.yaml", "schema", "Kusto", "--cluster", "Emulator", "--database", "SecurityLogs", "--table", "SigninLogs")
	if r.Code != 0 || !strings.Contains(r.Out, "ResultType") || !strings.Contains(r.Out, "TimeGenerated") {
		t.Fatalf("schema Kusto: %d %s %s", r.Code, r.Out, r.Err)
	}
	// An unknown database: the service's message on one line, exit 1; an unknown cluster
	// name: a configuration error (exit 3) with a suggestion.
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "Kusto", "--database", "Nope", "--kql", "SigninLogs | take 1")
	if r.Code != 1 || strings.Count(r.Err, "\n") != 1 || !strings.Contains(r.Err, "'Nope' of kind 'Database' was not found") {
		t.Fatalf("unknown database: %d %q", r.Code, r.Err)
	}
	r = run("--config", "./emu/msticpyconfig.yaml", "query", "Kusto", "--cluster", "Emulater", "--kql", "SigninLogs | take 1")
	if r.Code != 3 || !strings.Contains(r.Err, `did you mean "Emulator"`) {
		t.Fatalf("unknown cluster: %d %q", r.Code, r.Err)
	}
}

// checkWithSchema runs kql check with a connected environment's schema: a custom table
// (FirewallLogs_CL, served by an emulator over a data folder) is unknown to the built-in
// catalogues and known through --env MSSentinel and --env Kusto.
func checkWithSchema(t *testing.T, run func(args ...string) clitest.Result) {
	t.Helper()
	// huntkit --config ./emu/msticpyconfig.yaml kql check --env MSSentinel ./hunts
	if err := os.MkdirAll("hunts", 0o700); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join("hunts", "signins.kql"), []byte("SigninLogs | where ResultType != '0' | summarize count() by UserPrincipalName\n"), 0o600)
	r := run("--config", "./emu/msticpyconfig.yaml", "kql", "check", "--env", "MSSentinel", "./hunts")
	if r.Code != 0 || !strings.Contains(r.Out, "1 queries: parsed 1 (100.0%), compiled 1 (100.0%)") {
		t.Fatalf("kql check --env MSSentinel: %d %q %s", r.Code, r.Out, r.Err)
	}

	data := t.TempDir()
	_ = os.WriteFile(filepath.Join(data, "FirewallLogs_CL.csv"), []byte("TimeGenerated,SourceIP_s,DeviceAction_s,Bytes_d\n"+
		"2026-11-01T08:00:00Z,10.0.0.5,deny,120\n2026-11-01T08:01:00Z,10.0.0.6,allow,5000\n"), 0o600)
	startEmulate(t, "--data", data, "--write-config", "./emu/custom.yaml")
	custom := filepath.Join(t.TempDir(), "fw")
	_ = os.MkdirAll(custom, 0o700)
	_ = os.WriteFile(filepath.Join(custom, "deny.kql"), []byte("FirewallLogs_CL | where DeviceAction_s == 'deny' | summarize sum(Bytes_d) by SourceIP_s\n"), 0o600)
	r = run("--config", "./emu/custom.yaml", "kql", "check", custom)
	if r.Code != 1 || !strings.Contains(r.Out, "compiled 0") || !strings.Contains(r.Out, "FirewallLogs_CL") {
		t.Fatalf("without --env the custom table is unknown: %d %q %s", r.Code, r.Out, r.Err)
	}
	for _, env := range []string{"MSSentinel", "Kusto"} {
		r = run("--config", "./emu/custom.yaml", "kql", "check", "--env", env, "--run", custom)
		if r.Code != 0 || !strings.Contains(r.Out, "ran 1 (100.0%)") {
			t.Fatalf("kql check --env %s --run: %d %q %s", env, r.Code, r.Out, r.Err)
		}
	}
}

// demoFolder finds the demo data the emulator generated in the isolated cache.
func demoFolder(t *testing.T, home string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(home, ".cache", "huntkit", "emulate", "seed1-14d-*"))
	if len(m) != 1 {
		t.Fatalf("demo folders: %v", m)
	}
	return m[0]
}

// seedConfig rewrites the emulator's config the way the seed's looks: no application
// secret, auth_methods [cli, msi, interactive].
func seedConfig(t *testing.T, cfgPath string) string {
	t.Helper()
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`(?m)^      Args:\n(        .*\n)+`).ReplaceAllString(string(data), "")
	s = s[:strings.Index(s, "KustoClusters:")]
	s = strings.Replace(s, "auth_methods: [clientsecret]", "auth_methods: [cli, msi, interactive]", 1)
	if strings.Contains(s, "ClientSecret") || !strings.Contains(s, "[cli, msi, interactive]") {
		t.Fatalf("seed config:\n%s", s)
	}
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeAz puts a stand-in `az` on PATH that prints a token the emulator issued (fetched from
// its token endpoint with the written config's client secret, as a signed-in CLI would
// hold one).
func fakeAz(t *testing.T, cfgPath string) {
	t.Helper()
	tok := emulatorToken(t, cfgPath)
	dir := t.TempDir()
	exp := time.Now().Add(50 * time.Minute)
	script := fmt.Sprintf("#!/bin/sh\ncat <<'EOF'\n{\"accessToken\": \"%s\", \"expiresOn\": \"%s\", \"expires_on\": %d, \"tenant\": \"t\", \"tokenType\": \"Bearer\"}\nEOF\n",
		tok, exp.Local().Format("2006-01-02 15:04:05.000000"), exp.Unix())
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// emulatorToken fetches a token from the emulator's token endpoint with the client secret
// of the written config.
func emulatorToken(t *testing.T, cfgPath string) string {
	t.Helper()
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	get := func(key string) string {
		m := regexp.MustCompile(`(?m)^\s*` + key + `: (\S+)$`).FindStringSubmatch(string(data))
		if m == nil {
			t.Fatalf("no %s in %s", key, data)
		}
		return m[1]
	}
	caPEM, err := os.ReadFile(get("ca_file"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	base := strings.TrimSuffix(get("authority_host"), "/")
	resp, err := hc.PostForm(base+"/"+get("TenantId")+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {get("ClientId")}, "client_secret": {get("ClientSecret")},
		"scope": {get("log_analytics_endpoint") + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token endpoint: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

// sourceEnv sets the variables of an `export NAME=value` file, as `. FILE` would.
func sourceEnv(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ln := range strings.Split(string(data), "\n") {
		if kv, ok := strings.CutPrefix(ln, "export "); ok {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
			n++
		}
	}
	if n < 4 {
		t.Fatalf("%s: %d exports", path, n)
	}
}

func TestEmulateUsage(t *testing.T) {
	clitest.Isolate(t)
	for _, args := range [][]string{{"emulate", "--secret", "novalue"}, {"emulate", "--row-limit", "0"}} {
		r := clitest.Run(t, clitest.Options{}, commands, args...)
		if r.Code != 2 || strings.Count(r.Err, "\n") != 1 {
			t.Errorf("%v: %d %q", args, r.Code, r.Err)
		}
	}
}

func sortedLines(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}
