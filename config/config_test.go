package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixture = "testdata/msticpyconfig.yaml"

// fixtureEnv sets every environment variable the fixture references.
func fixtureEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{
		"HK_TEST_PROXY_PASSWORD":  "proxy-env-SECRET-0001",
		"HK_TEST_VT_KEY":          "vt-env-SECRET-0002",
		"HK_TEST_XFORCE_ID":       "xf-env-SECRET-0003",
		"HK_TEST_XFORCE_KEY":      "xf-env-SECRET-0004",
		"HK_TEST_MAXMIND_AUTH":    "mm-env-SECRET-0005",
		"HK_TEST_SPLUNK_PASSWORD": "splunk-env-SECRET-0006",
		"HK_TEST_CYBEREASON_AUTH": "cr-env-SECRET-0007",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return env
}

func mustParse(t *testing.T, text string) *Config {
	t.Helper()
	c, err := Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func TestLoadFixtureAllSections(t *testing.T) {
	fixtureEnv(t)
	c, err := Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path() != fixture {
		t.Errorf("Path = %q", c.Path())
	}
	wantSections := []string{"msticpy", "AzureSentinel", "Azure", "QueryDefinitions", "TIProviders",
		"OtherProviders", "ContextProviders", "DataProviders", "KustoClusters", "KeyVault", "UserDefaults"}
	if got := c.Names(""); !reflect.DeepEqual(got, wantSections) {
		t.Errorf("Names(\"\") = %v, want %v", got, wantSections)
	}
	if got, want := c.Names("TIProviders"), []string{"OTX", "VirusTotal", "XForce", "AzureSentinel", "OpenPageRank", "TorExitNodes", "GreyNoise", "RiskIQ"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names(TIProviders) = %v, want %v", got, want)
	}
	strs := []struct{ path, want string }{
		{"AzureSentinel.Workspaces.Default.WorkspaceId", "d973e3d2-28e6-458e-b2cf-d38876fb1ba4"},
		{"AzureSentinel.Workspaces.Workspace2.TenantId", "f1f64e65-ff7c-4d71-ad5b-091b6ab39d51"},
		{"Azure.cloud", "global"},
		{"OtherProviders.GeoIPLite.Args.DBFolder", "~/.msticpy"},
		{"OtherProviders.GeoIPLite.Args.AccountID", "123456"},
		{"KeyVault.VaultName", "huntvault"},
		{"DataProviders.Splunk.Args.port", "8089"},
		{"QueryDefinitions.Custom.0", "testdata"},
	}
	for _, s := range strs {
		if got, ok := c.String(s.path); !ok || got != s.want {
			t.Errorf("String(%s) = %q, %v; want %q", s.path, got, ok, s.want)
		}
	}
	if _, ok := c.String("TIProviders.VirusTotal.Args.AuthKey"); ok {
		t.Error("String on a secret reference should report false")
	}
	if b, ok := c.Bool("TIProviders.OTX.Primary"); !ok || !b {
		t.Errorf("Bool(OTX.Primary) = %v, %v", b, ok)
	}
	if b, ok := c.Bool("TIProviders.XForce.Primary"); !ok || b {
		t.Errorf("Bool(XForce.Primary) = %v, %v", b, ok)
	}
	if i, ok := c.Int("msticpy.http_timeout"); !ok || i != 30 {
		t.Errorf("Int(http_timeout) = %v, %v", i, ok)
	}
	if l, ok := c.Strings("Azure.auth_methods"); !ok || !reflect.DeepEqual(l, []string{"cli", "msi", "interactive"}) {
		t.Errorf("Strings(auth_methods) = %v, %v", l, ok)
	}
	if v, ok := c.Lookup("DataProviders.Mordor"); !ok || !reflect.DeepEqual(v, map[string]any{"save_folder": "~/.huntkit/mordor", "use_cached": true}) {
		t.Errorf("Lookup(Mordor) = %#v, %v", v, ok)
	}
	if !c.IsSet("KustoClusters.Cluster1.Args.Cluster") || c.IsSet("TIProviders.GreyNoise.Args.AuthKey") || c.IsSet("No.Such.Key") {
		t.Error("IsSet wrong")
	}
	ws, err := c.Workspace("")
	if err != nil || ws.WorkspaceName != "HuntWorkspace" || ws.ResourceGroup != "SecOps-RG" || ws.SubscriptionID != "2e0acf9c-b2c4-4c9b-8f34-9899b9588492" {
		t.Errorf("Workspace(\"\") = %+v, %v", ws, err)
	}
	if wss := c.Workspaces(); len(wss) != 2 || wss[1].Name != "Workspace2" || wss[1].WorkspaceID != "c88dd3c2-d657-4eb3-b913-58d58d811a41" {
		t.Errorf("Workspaces = %+v", wss)
	}
	if _, err := c.Workspace("Workspace3"); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "Workspace2") {
		t.Errorf("Workspace(Workspace3) err = %v", err)
	}
	if got := c.QueryPaths(); !reflect.DeepEqual(got, []string{"testdata", "testdata"}) {
		t.Errorf("QueryPaths = %v", got)
	}
	if got := c.DataPaths(); !reflect.DeepEqual(got, []string{"testdata"}) {
		t.Errorf("DataPaths = %v", got)
	}

	// With every variable set, the only findings are the Key Vault references (no resolver yet).
	for _, p := range c.Validate() {
		if p.Severity == SeverityError || !strings.Contains(p.Message, "Key Vault support") {
			t.Errorf("unexpected problem: %s (%s)", p, p.Severity)
		}
	}
}

func TestNilAndEmptyConfig(t *testing.T) {
	for name, c := range map[string]*Config{"nil": nil, "zero": {}, "empty file": mustParse(t, "")} {
		t.Run(name, func(t *testing.T) {
			if _, ok := c.Lookup("Azure.cloud"); ok {
				t.Error("Lookup")
			}
			if _, ok := c.String("Azure.cloud"); ok {
				t.Error("String")
			}
			if _, ok := c.Bool("x"); ok {
				t.Error("Bool")
			}
			if _, ok := c.Int("x"); ok {
				t.Error("Int")
			}
			if _, ok := c.Strings("x"); ok {
				t.Error("Strings")
			}
			if c.Names("TIProviders") != nil || c.IsSet("x") || c.Validate() != nil {
				t.Error("Names/IsSet/Validate")
			}
			if _, err := c.Secret(t.Context(), "TIProviders.OTX.Args.AuthKey"); !errors.Is(err, ErrMissing) {
				t.Errorf("Secret err = %v", err)
			}
			var b strings.Builder
			if err := c.WriteMasked(&b); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestAliasesAndMergeKeys(t *testing.T) {
	c := mustParse(t, `
ids: &ids
  TenantId: "4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61"
  WorkspaceId: "d973e3d2-28e6-458e-b2cf-d38876fb1ba4"
AzureSentinel:
  Workspaces:
    Default:
      <<: *ids
      WorkspaceName: one
    Other:
      <<: *ids
      WorkspaceId: "c88dd3c2-d657-4eb3-b913-58d58d811a41"
Azure:
  auth_methods: &m [cli, msi]
DataProviders:
  AzureCLI:
    Args:
      auth_methods: *m
`)
	if s, _ := c.String("AzureSentinel.Workspaces.Default.TenantId"); s != "4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61" {
		t.Errorf("merged TenantId = %q", s)
	}
	if s, _ := c.String("AzureSentinel.Workspaces.Other.WorkspaceId"); s != "c88dd3c2-d657-4eb3-b913-58d58d811a41" {
		t.Errorf("explicit key must override merged one, got %q", s)
	}
	if l, _ := c.Strings("DataProviders.AzureCLI.Args.auth_methods"); !reflect.DeepEqual(l, []string{"cli", "msi"}) {
		t.Errorf("alias list = %v", l)
	}
	for _, p := range c.Validate() {
		if p.KeyPath != "ids" { // the anchor holder itself is an unknown section
			t.Errorf("unexpected problem %s", p)
		}
	}
}

func TestDuplicateKeysLastWins(t *testing.T) {
	c := mustParse(t, "Azure:\n  cloud: usgov\n  cloud: global\n")
	if s, _ := c.String("Azure.cloud"); s != "global" {
		t.Errorf("cloud = %q, want the last value", s)
	}
	ps := c.Validate()
	if len(ps) != 1 || ps[0].Line != 3 || !strings.Contains(ps[0].Message, "first on line 2") {
		t.Errorf("problems = %v", ps)
	}
}

func TestBoolForms(t *testing.T) {
	c := mustParse(t, "a: yes\nb: Off\nc: TRUE\nd: maybe\ne: 'true'\n")
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "e": true} {
		if got, ok := c.Bool(k); !ok || got != want {
			t.Errorf("Bool(%s) = %v, %v", k, got, ok)
		}
	}
	if _, ok := c.Bool("d"); ok {
		t.Error("Bool(d) should fail")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"bad indent", "Azure:\n  cloud: global\n auth_methods: [cli]\n", 3, "indentation"},
		{"unclosed flow", "Azure:\n  auth_methods: [cli, msi\nKeyVault: {}\n", 0, ""},
		{"tab", "Azure:\n\tcloud: global\n", 2, "tab"},
		{"top-level list", "- Azure\n- TIProviders\n", 1, "top level must be a mapping"},
		{"top-level scalar", "just text\n", 1, "top level must be a mapping"},
		{"two documents", "Azure: {}\n---\nKeyVault: {}\n", 2, "second YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.text))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), "bad.yaml:") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if tt.line > 0 && pe.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", pe.Line, tt.line, err)
			}
			if pe.Line == 0 && tt.line == 0 && !strings.Contains(err.Error(), "line") {
				t.Logf("no line in %v", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file err = %v", err)
	}
}

func TestEmptyAndCommentOnlyFiles(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "---\n", "~\n"} {
		c := mustParse(t, text)
		if len(c.Names("")) != 0 || c.Validate() != nil {
			t.Errorf("%q: not empty", text)
		}
	}
}

func TestDiscoverOrder(t *testing.T) {
	home := t.TempDir()
	cwd := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv(EnvHuntkit, "")
	t.Setenv(EnvMsticpy, "")
	t.Chdir(cwd)

	write := func(p string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("Azure: {cloud: global}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(explicit, want string) {
		t.Helper()
		got, err := Discover(explicit)
		if err != nil {
			t.Fatalf("Discover(%q): %v", explicit, err)
		}
		if got != want {
			t.Fatalf("Discover(%q) = %q, want %q", explicit, got, want)
		}
	}

	check("", "") // nothing anywhere
	c, err := LoadDefault("")
	if err != nil || c.Path() != "" || len(c.Names("")) != 0 {
		t.Fatalf("LoadDefault with no file = %v, %v", c, err)
	}

	msticpyHomeFile := write(filepath.Join(home, ".msticpy", FileName))
	check("", msticpyHomeFile)
	huntkitHomeFile := write(filepath.Join(home, ".huntkit", FileName))
	check("", huntkitHomeFile)
	cwdFile := write(filepath.Join(cwd, FileName))
	check("", cwdFile)
	mpEnv := write(filepath.Join(t.TempDir(), "mp.yaml"))
	t.Setenv(EnvMsticpy, mpEnv)
	check("", mpEnv)
	hkEnv := write(filepath.Join(t.TempDir(), "hk.yaml"))
	t.Setenv(EnvHuntkit, hkEnv)
	check("", hkEnv)
	explicit := write(filepath.Join(t.TempDir(), "explicit.yaml"))
	check(explicit, explicit)

	c, err = LoadDefault("")
	if err != nil || c.Path() != hkEnv || c.Source() != "$HUNTKIT_CONFIG" {
		t.Fatalf("LoadDefault = %q via %q, %v", c.Path(), c.Source(), err)
	}
	// ~ in --config is expanded
	check("~/.msticpy/"+FileName, msticpyHomeFile)

	// A named file that is missing is an error naming its source, not a fall-through.
	_, err = Discover(filepath.Join(cwd, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "--config") {
		t.Errorf("missing explicit: %v", err)
	}
	t.Setenv(EnvHuntkit, filepath.Join(cwd, "gone.yaml"))
	_, err = Discover("")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "$HUNTKIT_CONFIG") {
		t.Errorf("missing HUNTKIT_CONFIG: %v", err)
	}
	if _, err := LoadDefault(""); err == nil {
		t.Error("LoadDefault with a missing $HUNTKIT_CONFIG file should fail")
	}
	// a folder is not a config file
	t.Setenv(EnvHuntkit, cwd)
	if _, err := Discover(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("folder as config: %v", err)
	}
}

func TestCandidatesListEverySource(t *testing.T) {
	t.Setenv(EnvHuntkit, "")
	t.Setenv(EnvMsticpy, "")
	var got []string
	for _, c := range Candidates("") {
		got = append(got, c.Source)
	}
	want := []string{"--config", "$HUNTKIT_CONFIG", "$MSTICPYCONFIG", "current folder", "~/.huntkit", "~/.msticpy"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Candidates = %v", got)
	}
}

func TestDidYouMean(t *testing.T) {
	known := []string{"OTX", "VirusTotal", "XForce", "GreyNoise", "AbuseIPDB"}
	for in, want := range map[string]string{
		"VirusTotl": ` (did you mean "VirusTotal"?)`, "virustotal": ` (did you mean "VirusTotal"?)`,
		"GrayNoise": ` (did you mean "GreyNoise"?)`, "Virus": ` (did you mean "VirusTotal"?)`,
		"OTXX": ` (did you mean "OTX"?)`, "Completely": "", "OTX": "",
	} {
		if got := didYouMean(in, known); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDottedKeys(t *testing.T) {
	c := mustParse(t, "AzureSentinel:\n  Workspaces:\n    prod.eu:\n      WorkspaceId: a\n    prod:\n      WorkspaceId: b\n")
	if s, _ := c.String("AzureSentinel.Workspaces.prod.eu.WorkspaceId"); s != "a" {
		t.Errorf("dotted key = %q", s)
	}
	if s, _ := c.String("AzureSentinel.Workspaces.prod.WorkspaceId"); s != "b" {
		t.Errorf("plain key = %q", s)
	}
	if _, ok := c.String("AzureSentinel.Workspaces.prod.us.WorkspaceId"); ok {
		t.Error("no such key")
	}
}

func TestBOMAndCRLF(t *testing.T) {
	for name, text := range map[string]string{
		"bom":  "\ufeffAzure:\n  cloud: usgov\n",
		"crlf": "Azure:\r\n  cloud: usgov\r\n",
	} {
		c, err := Parse(name, []byte(text))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s, _ := c.String("Azure.cloud"); s != "usgov" {
			t.Errorf("%s: cloud = %q", name, s)
		}
		if ps := c.Validate(); len(ps) != 0 {
			t.Errorf("%s: %v", name, ps)
		}
	}
}
