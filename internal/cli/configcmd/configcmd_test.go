package configcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// run executes "config args..." with --config cfgPath ("" = discovery); it returns stdout,
// stderr and the exit code.
func run(t *testing.T, cfgPath string, args ...string) (string, string, int) {
	t.Helper()
	r := clitest.Run(t, clitest.Options{Config: cfgPath}, clitest.One(New), append([]string{"config"}, args...)...)
	return r.Out, r.Err, r.Code
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// isolate makes discovery find nothing unless a test puts a file somewhere.
func isolate(t *testing.T) (home, cwd string) {
	t.Helper()
	home, cwd = t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv(config.EnvHuntkit, "")
	t.Setenv(config.EnvMsticpy, "")
	t.Chdir(cwd)
	return home, cwd
}

const badConfig = `AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: not-a-guid
      TenantId: 4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61
TIProviders:
  OTX:
    Primary: true
  VirusTotal:
    Args:
      AuthKey: "vt-literal-SECRET-1234"
    Primary: "False"
  AbuseIPDB:
    Args:
      AuthKey: {EnvironmentVar: HK_CMD_UNSET}
`

func TestValidateText(t *testing.T) {
	isolate(t)
	p := writeFile(t, badConfig)
	out, errs, code := run(t, p, "validate")
	if code != cliapp.ExitConfig {
		t.Fatalf("exit %d, want 3\n%s", code, errs)
	}
	if out != "" {
		t.Errorf("stdout should be empty in text mode: %q", out)
	}
	for _, want := range []string{
		p + ":4:20: AzureSentinel.Workspaces.Default.WorkspaceId: \"not-a-guid\" is not a GUID",
		p + ":7:3: TIProviders.OTX.Args.AuthKey: missing required key",
		p + ":12:14: TIProviders.VirusTotal.Primary: \"False\" is quoted",
		"[warning]",
		p + ":15:16: TIProviders.AbuseIPDB.Args.AuthKey: environment variable HK_CMD_UNSET is not set",
		"huntkit: " + p + ": 2 errors, 2 warnings",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs+out, "vt-literal-SECRET-1234") {
		t.Error("secret in output")
	}
}

func TestValidateJSONAndFileArgument(t *testing.T) {
	isolate(t)
	p := writeFile(t, badConfig)
	// the FILE argument wins over --config
	out, errs, code := run(t, writeFile(t, "Azure: {cloud: global}\n"), "validate", p, "-o", "json")
	if code != cliapp.ExitConfig {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var rows []struct {
		File     string `json:"file"`
		Line     int    `json:"line"`
		Col      int    `json:"col"`
		Severity string `json:"severity"`
		KeyPath  string `json:"key_path"`
		Message  string `json:"message"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 4 || rows[0].File != p || rows[0].Line != 4 || rows[0].Col != 20 || rows[0].Severity != "error" ||
		rows[2].Severity != "warning" || rows[3].KeyPath != "TIProviders.AbuseIPDB.Args.AuthKey" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestValidateClean(t *testing.T) {
	isolate(t)
	p := writeFile(t, "Azure:\n  cloud: global\nAzureCLI:\n  Args: {auth_methods: [cli]}\n")
	_, errs, code := run(t, p, "validate")
	if code != 0 || !strings.Contains(errs, "valid, 1 warning") || !strings.Contains(errs, "deprecated section") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	_, errs, code = run(t, p, "validate", "--strict")
	if code != cliapp.ExitConfig {
		t.Errorf("--strict exit %d\n%s", code, errs)
	}
	_, errs, code = run(t, writeFile(t, "Azure:\n  cloud: global\n"), "validate")
	if code != 0 || !strings.HasSuffix(errs, ": valid\n") {
		t.Errorf("exit %d\n%s", code, errs)
	}
}

func TestValidateSyntaxError(t *testing.T) {
	isolate(t)
	p := writeFile(t, "Azure:\n  cloud: global\n\tauth_methods: [cli]\n")
	_, errs, code := run(t, p, "validate")
	if code != cliapp.ExitConfig || !strings.Contains(errs, p+":3") || !strings.Contains(errs, "tab") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	out, _, code := run(t, "", "validate", p, "-o", "csv")
	if code != cliapp.ExitConfig || !strings.Contains(out, "file,line,col,severity,key_path,message") || !strings.Contains(out, ",error,") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestValidateNoFile(t *testing.T) {
	home, _ := isolate(t)
	_, errs, code := run(t, "", "validate")
	if code != cliapp.ExitConfig || !strings.Contains(errs, "no configuration file found") || !strings.Contains(errs, home) {
		t.Errorf("exit %d\n%s", code, errs)
	}
	_, errs, code = run(t, filepath.Join(home, "missing.yaml"), "validate")
	if code != cliapp.ExitConfig || !strings.Contains(errs, "missing.yaml") {
		t.Errorf("missing --config: exit %d\n%s", code, errs)
	}
}

func TestValidateDiscovered(t *testing.T) {
	home, _ := isolate(t)
	dir := filepath.Join(home, ".msticpy")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, config.FileName)
	if err := os.WriteFile(p, []byte("Azure: {cloud: moon}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := run(t, "", "validate")
	if code != cliapp.ExitConfig || !strings.Contains(errs, p+":1:16: Azure.cloud:") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	out, errs, code := run(t, "", "path")
	if code != 0 || strings.TrimSpace(out) != p || !strings.Contains(errs, "in use") {
		t.Errorf("path: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestShowMasks(t *testing.T) {
	isolate(t)
	t.Setenv("HK_CMD_SET", "env-value-SECRET-5678")
	p := writeFile(t, `# AuthKey: commented-SECRET-0000
TIProviders:
  OTX:
    Args:
      AuthKey: literal-SECRET-1111
  VirusTotal:
    Args:
      AuthKey: {EnvironmentVar: HK_CMD_SET}
  AbuseIPDB:
    Args:
      AuthKey: {EnvironmentVar: HK_CMD_UNSET}
  OpenPageRank:
    Args:
      AuthKey: {KeyVault: vault1/opr-key}
`)
	out, errs, code := run(t, p, "show")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, s := range []string{"commented-SECRET-0000", "literal-SECRET-1111", "env-value-SECRET-5678"} {
		if strings.Contains(out+errs, s) {
			t.Errorf("show leaked %q:\n%s", s, out)
		}
	}
	for _, want := range []string{
		"# huntkit configuration from " + p,
		`AuthKey: "********"`,
		"AuthKey: {EnvironmentVar: HK_CMD_SET} # set",
		"AuthKey: {EnvironmentVar: HK_CMD_UNSET} # NOT SET",
		"AuthKey: {KeyVault: vault1/opr-key} # Key Vault secret vault1/opr-key",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, p, "show", "--key", "TIProviders.OTX")
	if code != 0 || !strings.Contains(out, `AuthKey: "********"`) || strings.Contains(out, "VirusTotal") {
		t.Errorf("show --key: exit %d\n%s", code, out)
	}
	if _, errs, code := run(t, p, "show", "--key", "TIProviders.Nope"); code != cliapp.ExitConfig || !strings.Contains(errs, "TIProviders.Nope") {
		t.Errorf("show --key missing: exit %d\n%s", code, errs)
	}
	// no file: says so, prints an empty mapping
	out, _, code = run(t, "", "show")
	if code != 0 || !strings.Contains(out, "no configuration file found") {
		t.Errorf("show without file: exit %d\n%s", code, out)
	}
}

func TestInit(t *testing.T) {
	_, cwd := isolate(t)
	_, errs, code := run(t, "", "init")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	p := filepath.Join(cwd, config.FileName)
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, config.Starter()) {
		t.Fatalf("init wrote %d bytes, %v", len(got), err)
	}
	if !strings.Contains(errs, "wrote "+p) {
		t.Errorf("stderr: %s", errs)
	}
	// the new file is found and valid
	_, errs, code = run(t, "", "validate")
	if code != 0 {
		t.Errorf("starter does not validate: %s", errs)
	}
	// refuses to overwrite
	if err := os.WriteFile(p, []byte("mine: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code = run(t, "", "init")
	if code == 0 || !strings.Contains(errs, "--force") {
		t.Errorf("overwrite without --force: exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(p); string(b) != "mine: 1\n" {
		t.Error("file changed without --force")
	}
	if _, errs, code = run(t, "", "init", "--force"); code != 0 {
		t.Errorf("--force: exit %d\n%s", code, errs)
	}
	// --out elsewhere, with a note that it is outside the search path; --out - prints
	other := filepath.Join(t.TempDir(), "x", "cfg.yaml")
	if _, errs, code = run(t, "", "init", "--out", other); code != 0 || !strings.Contains(errs, "--config") {
		t.Errorf("--out: exit %d\n%s", code, errs)
	}
	out, _, code := run(t, "", "init", "--out", "-")
	if code != 0 || out != string(config.Starter()) {
		t.Errorf("--out -: exit %d", code)
	}
}

// Commands that load the configuration report its errors as validate does: exit 3 (issue 11);
// secrets are masked by content in config show and in errors.
func TestShowReportsConfigErrorsAndMasksContent(t *testing.T) {
	isolate(t)
	bad := writeFile(t, "TIProviders:\n  OTX:\n    Args:\n      AuthKey: abc\n    Primary: maybe\n")
	for _, args := range [][]string{{"show"}, {"validate"}} {
		_, errOut, code := run(t, bad, args...)
		if code != cliapp.ExitConfig {
			t.Errorf("config %v on wrong types: exit %d, want 3 (stderr %q)", args, code, errOut)
		}
	}
	_, errOut, _ := run(t, bad, "show")
	if !strings.Contains(errOut, ":5:") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("config show error %q, want one line naming line 5", errOut)
	}
	good := writeFile(t, `KustoClusters:
  Cluster1:
    Args:
      Cluster: https://help.kusto.windows.net
      connection_str: "Data Source=https://help.kusto.windows.net;Application Client Id=abc;Application Key=KUSTOSECRET"
OtherProviders:
  Hook:
    Args:
      pass: PASSSECRET
      BaseUrl: https://fn.example.com/api?code=CODESECRET
TIProviders:
  OTX:
    Args:
      AuthKey: {EnvironmentVar: HK_SHOW_UNSET_VAR}
`)
	out, errOut, code := run(t, good, "show")
	if code != 0 {
		t.Fatalf("config show: exit %d, %s", code, errOut)
	}
	for _, s := range []string{"KUSTOSECRET", "PASSSECRET", "CODESECRET"} {
		if strings.Contains(out+errOut, s) {
			t.Errorf("config show prints %s:\n%s", s, out)
		}
	}
	// An unset variable of a provider not in use is a warning: validate exits 0.
	if _, errOut, code := run(t, good, "validate"); code != 0 || !strings.Contains(errOut, "HK_SHOW_UNSET_VAR is not set") {
		t.Errorf("validate: exit %d, %q", code, errOut)
	}
}
