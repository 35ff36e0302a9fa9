package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestValidateEveryProblemAtOnce checks that one pass reports all problems of a file full of
// mistakes, each with file:line:col and key path.
func TestValidateEveryProblemAtOnce(t *testing.T) {
	c, err := Load("testdata/problems.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Validate()
	var b bytes.Buffer
	for _, p := range ps {
		if p.File != "testdata/problems.yaml" || p.Line <= 0 || p.Col <= 0 || p.KeyPath == "" {
			t.Errorf("problem without a full position: %+v", p)
		}
		fmt.Fprintf(&b, "%s [%s]\n", p, p.Severity)
	}
	assertNoSecrets(t, b.String(), "xforce-literal-SECRET-9999", "vt-literal-SECRET-8888")
	golden(t, "problems.golden", b.Bytes())
	errs, warns := Count(ps)
	if errs < 20 || warns < 5 || !HasErrors(ps) {
		t.Errorf("errors=%d warnings=%d, expected the whole file's problems", errs, warns)
	}
}

func TestValidateCases(t *testing.T) {
	t.Setenv("HK_SET_VAR", "x")
	t.Setenv("HK_EMPTY_VAR", "")
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	type want struct {
		line, col int
		path      string
		sev       Severity
		msg       string
	}
	E, W := SeverityError, SeverityWarning
	tests := []struct {
		name string
		text string
		want []want
	}{
		{"valid minimal", "Azure:\n  cloud: usgov\n", nil},
		{"workspace without WorkspaceId",
			"AzureSentinel:\n  Workspaces:\n    Default:\n      TenantId: 4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61\n",
			[]want{{3, 5, "AzureSentinel.Workspaces.Default.WorkspaceId", E, "missing required key (the workspace GUID)"}}},
		{"bad GUIDs",
			"AzureSentinel:\n  Workspaces:\n    Default:\n      WorkspaceId: your-workspace-id\n      TenantId: 123\n",
			[]want{
				{4, 20, "AzureSentinel.Workspaces.Default.WorkspaceId", E, `"your-workspace-id" is not a GUID`},
				{5, 17, "AzureSentinel.Workspaces.Default.TenantId", E, `"123" is not a GUID`},
			}},
		{"GUID in braces is accepted",
			"AzureSentinel:\n  Workspaces:\n    Default:\n      WorkspaceId: '{d973e3d2-28e6-458e-b2cf-d38876fb1ba4}'\n      TenantId: 4cdf87a828e6458eb2cfd38876fb1ba4\n", nil},
		{"no Default workspace",
			"AzureSentinel:\n  Workspaces:\n    Other:\n      WorkspaceId: d973e3d2-28e6-458e-b2cf-d38876fb1ba4\n      TenantId: d973e3d2-28e6-458e-b2cf-d38876fb1ba4\n",
			[]want{{2, 3, "AzureSentinel.Workspaces", W, "no Default workspace"}}},
		{"TI provider without Args",
			"TIProviders:\n  OTX:\n    Primary: true\n    Provider: OTX\n",
			[]want{{2, 3, "TIProviders.OTX.Args.AuthKey", E, "missing required key (the API key"}}},
		{"TI provider Args without AuthKey",
			"TIProviders:\n  VirusTotal:\n    Args:\n      UseVT3PrivateAPI: true\n",
			[]want{{3, 5, "TIProviders.VirusTotal.Args.AuthKey", E, "missing required key"}}},
		{"XForce needs ApiID too",
			"TIProviders:\n  XForce:\n    Args:\n      AuthKey: k\n",
			[]want{{3, 5, "TIProviders.XForce.Args.ApiID", E, "missing required key"}}},
		{"empty AuthKey",
			"TIProviders:\n  OTX:\n    Args:\n      AuthKey: ''\n",
			[]want{{4, 16, "TIProviders.OTX.Args.AuthKey", E, "is empty"}}},
		{"GreyNoise key is optional", "TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey:\n    Primary: false\n", nil},
		{"Sentinel TI provider needs GUIDs",
			"TIProviders:\n  AzureSentinel:\n    Args:\n      WorkspaceID: x\n    Provider: AzSTI\n",
			[]want{
				{3, 5, "TIProviders.AzureSentinel.Args.TenantID", E, "missing required key"},
				{4, 20, "TIProviders.AzureSentinel.Args.WorkspaceID", E, `"x" is not a GUID`},
			}},
		{"unknown TI provider suggests the closest",
			"TIProviders:\n  Foo:\n    Args:\n      AuthKey: k\n    Provider: VirusTotl\n",
			[]want{{5, 15, "TIProviders.Foo.Provider", W, `unknown TI provider "VirusTotl" (did you mean "VirusTotal"?)`}}},
		{"unknown TI section name without Provider",
			"TIProviders:\n  AbuseIPD:\n    Args:\n      AuthKey: k\n",
			[]want{{2, 3, "TIProviders.AbuseIPD.Provider", W, `(did you mean "AbuseIPDB"?)`}}},
		{"provider entry with no settings",
			"TIProviders:\n  OTX:\n",
			[]want{{2, 3, "TIProviders.OTX", W, "has no settings"}}},
		{"env var not set / empty / set",
			"TIProviders:\n  OTX:\n    Args:\n      AuthKey:\n        EnvironmentVar: HK_UNSET_VAR\n  VirusTotal:\n    Args:\n      AuthKey: {EnvironmentVar: HK_EMPTY_VAR}\n  AbuseIPDB:\n    Args:\n      AuthKey: {EnvironmentVar: HK_SET_VAR}\n",
			[]want{
				{5, 9, "TIProviders.OTX.Args.AuthKey", W, "environment variable HK_UNSET_VAR is not set"},
				{8, 16, "TIProviders.VirusTotal.Args.AuthKey", W, "environment variable HK_EMPTY_VAR is empty"},
			}},
		{"env ref with extra key",
			"msticpy:\n  Proxies:\n    https:\n      Url: https://p:8080\n      Password: {EnvironmentVar: HK_SET_VAR, Default: x}\n",
			[]want{{5, 46, "msticpy.Proxies.https.Password.Default", W, "unknown key"}}},
		{"KeyVault ref with no vault",
			"TIProviders:\n  OTX:\n    Args:\n      AuthKey: {KeyVault: }\n",
			[]want{
				{4, 16, "TIProviders.OTX.Args.AuthKey", E, "has no vault: set KeyVault.VaultName"},
				{4, 16, "TIProviders.OTX.Args.AuthKey", W, "KeyVault secrets need the Azure Key Vault support (not configured)"},
			}},
		{"KeyVault ref with a name that is too long",
			"TIProviders:\n  OTX:\n    Args:\n      AuthKey: {KeyVault: v/" + strings.Repeat("x", 130) + "}\n",
			[]want{
				{4, 16, "TIProviders.OTX.Args.AuthKey", E, "longer than 127 characters"},
				{4, 16, "TIProviders.OTX.Args.AuthKey", W, "Key Vault support"},
			}},
		{"secret of the wrong shape",
			"TIProviders:\n  OTX:\n    Args:\n      AuthKey: [a, b]\n",
			[]want{{4, 16, "TIProviders.OTX.Args.AuthKey", E, "expected a string, {EnvironmentVar: NAME} or {KeyVault: ...}, found a list"}}},
		{"wrong types",
			"Azure:\n  auth_methods: cli\nmsticpy:\n  FriendlyExceptions: sure\n  http_timeout: [1, x]\nDataProviders:\n  Splunk:\n    Args:\n      host: h\n      port: '80a'\n",
			[]want{
				{2, 17, "Azure.auth_methods", E, "expected a list of env, msi"},
				{4, 23, "msticpy.FriendlyExceptions", E, `"sure" is not true or false`},
				{5, 21, "msticpy.http_timeout.1", E, "expected a number of seconds"},
				{10, 13, "DataProviders.Splunk.Args.port", E, `"80a" is not a whole number`},
			}},
		{"quoted false is true in MSTICPy",
			"TIProviders:\n  Tor:\n    Primary: 'False'\n",
			[]want{{3, 14, "TIProviders.Tor.Primary", W, "so it counts as true"}}},
		{"section that should be a mapping",
			"KeyVault: myvault\n",
			[]want{{1, 11, "KeyVault", E, "expected a mapping"}}},
		{"empty KeyVault section is fine", "KeyVault:\n", nil},
		{"KeyVault required keys",
			"KeyVault:\n  Authority: moon\n",
			[]want{
				{1, 1, "KeyVault.TenantId", E, "missing required key"},
				{1, 1, "KeyVault.VaultName", E, "missing required key"},
				{2, 14, "KeyVault.Authority", E, `"moon" is not one of: global, cn, usgov, de`},
			}},
		{"enum suggestion and case",
			"Azure:\n  cloud: USGov\n  auth_methods: [CLI, msii]\n",
			[]want{{3, 23, "Azure.auth_methods.1", E, `(did you mean "msi"?)`}}},
		{"retired cloud", "Azure:\n  cloud: de\n", []want{{2, 10, "Azure.cloud", W, "retired"}}},
		{"unknown section and key",
			"TIProvider:\n  OTX: {}\nAzure:\n  Cloud: global\n  tenant: x\n",
			[]want{
				{1, 1, "TIProvider", W, `unknown section "TIProvider" (ignored) (did you mean "TIProviders"?)`},
				{4, 3, "Azure.Cloud", W, `keys are case-sensitive: did you mean "cloud"?`},
				{5, 3, "Azure.tenant", W, `unknown key "tenant" (ignored)`},
			}},
		{"DBFolder that is a file",
			"OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: k\n      DBFolder: " + file + "\n",
			[]want{{5, 17, "OtherProviders.GeoIPLite.Args.DBFolder", E, "is a file, not a folder"}}},
		{"DBFolder inside a file",
			"OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: k\n      DBFolder: " + file + "/geo\n",
			[]want{{5, 17, "OtherProviders.GeoIPLite.Args.DBFolder", E, "cannot be created"}}},
		{"DBFolder that will be created", "OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: k\n      DBFolder: " + dir + "/new/geo\n", nil},
		{"empty DBFolder",
			"OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: k\n      DBFolder: ' '\n",
			[]want{{5, 17, "OtherProviders.GeoIPLite.Args.DBFolder", E, "empty folder path"}}},
		{"missing query and data folders",
			"QueryDefinitions:\n  Custom:\n    - " + dir + "/nope\n    - " + dir + "\nDataProviders:\n  LocalData:\n    data_paths: [" + file + "]\n",
			[]want{
				{3, 7, "QueryDefinitions.Custom.0", W, "does not exist"},
				{7, 18, "DataProviders.LocalData.data_paths.0", E, "is a file, not a folder"},
			}},
		{"unknown data provider and instances",
			"DataProviders:\n  Splunkk:\n    Args: {host: h}\n  Splunk-prod:\n    Args: {host: h}\n  Kusto-MDE:\n    Args:\n      Cluster: ftp://x\n",
			[]want{
				{2, 3, "DataProviders.Splunkk", W, `unknown data provider "Splunkk" (did you mean "Splunk"?)`},
				{8, 16, "DataProviders.Kusto-MDE.Args.Cluster", E, `"ftp://x" is not an http(s) URL`},
			}},
		{"AzureCLI client secret login needs all parts",
			"DataProviders:\n  AzureCLI:\n    Args:\n      clientId: 69d28fd7-42a5-48bc-a619-af56397b1111\n      clientSecret: {EnvironmentVar: HK_SET_VAR}\n",
			[]want{{3, 5, "DataProviders.AzureCLI.Args.tenantId", E, "clientId is set"}}},
		{"deprecated AzureCLI section",
			"AzureCLI:\n  Args:\n    auth_methods: [cli]\n",
			[]want{{1, 1, "AzureCLI", W, "deprecated section"}}},
		{"Kusto clusters",
			"KustoClusters:\n  ClusterDefaults:\n    Args:\n      TenantId: 69d28fd7-42a5-48bc-a619-af56397b9f28\n  C1:\n    Args:\n      IntegratedAuth: true\n",
			[]want{{6, 5, "KustoClusters.C1.Args.Cluster", E, "missing required key (the cluster URL"}}},
		{"UserDefaults workspace must exist",
			"AzureSentinel:\n  Workspaces:\n    Default:\n      WorkspaceId: d973e3d2-28e6-458e-b2cf-d38876fb1ba4\n      TenantId: d973e3d2-28e6-458e-b2cf-d38876fb1ba4\nUserDefaults:\n  QueryProviders:\n    - AzureSentinel:\n      - Default: asi\n      - Defualt:\n          alias: x\n",
			[]want{{10, 9, "UserDefaults.QueryProviders.AzureSentinel.Defualt", E, `workspace "Defualt" is not defined in AzureSentinel.Workspaces (did you mean "Default"?)`}}},
		{"duplicate keys",
			"TIProviders:\n  OTX:\n    Args: {AuthKey: a}\n  OTX:\n    Args: {AuthKey: b}\n",
			[]want{{4, 3, "TIProviders.OTX", W, "duplicate key \"OTX\" (first on line 2)"}}},
		{"huntkit extensions of provider Args are known",
			"TIProviders:\n  AbuseIPDB:\n    Args: {AuthKey: k, BaseURL: 'http://127.0.0.1:8080', MaxAgeInDays: 30, Timeout: 10, Concurrency: 2}\n" +
				"OtherProviders:\n  GeoIPLite:\n    Args: {AuthKey: k, DownloadURL: 'https://download.example', Editions: [GeoLite2-City], MaxAgeDays: 7}\n" +
				"  RDAP:\n    Args: {BootstrapURL: 'https://data.iana.org/rdap/', CacheFolder: " + dir + "/rdap}\n" +
				"DataProviders:\n  OTRF:\n    save_folder: " + dir + "/otrf\n    Args: {APIURL: 'https://api.github.com', Catalog: c.yaml}\n", nil},
		{"extension of the wrong type",
			"TIProviders:\n  OTX:\n    Args: {AuthKey: k, BaseURL: localhost}\n",
			[]want{{3, 33, "TIProviders.OTX.Args.BaseURL", E, `"localhost" is not an http(s) URL`}}},
		{"user extensions are kept", "Pivots:\n  anything: [1, 2]\nAutogen:\n  config_list: []\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.text)
			got := c.Validate()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tt.want), listProblems(got))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Line != w.line || g.Col != w.col || g.KeyPath != w.path || g.Severity != w.sev || !strings.Contains(g.Message, w.msg) {
					t.Errorf("problem %d:\n got  %d:%d %s [%s] %s\n want %d:%d %s [%s] ...%s...", i,
						g.Line, g.Col, g.KeyPath, g.Severity, g.Message, w.line, w.col, w.path, w.sev, w.msg)
				}
				if g.File != "test.yaml" {
					t.Errorf("File = %q", g.File)
				}
			}
		})
	}
}

func listProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s [%s]\n", p, p.Severity)
	}
	return b.String()
}

func TestProblemFormat(t *testing.T) {
	p := Problem{File: "a.yaml", Line: 3, Col: 7, KeyPath: "TIProviders.OTX.Args.AuthKey", Message: "missing", Severity: SeverityWarning}
	if got := p.String(); got != "a.yaml:3:7: TIProviders.OTX.Args.AuthKey: missing" {
		t.Errorf("String = %q", got)
	}
	js, err := json.Marshal(p)
	if err != nil || !strings.Contains(string(js), `"severity":"warning"`) || !strings.Contains(string(js), `"key_path":"TIProviders.OTX.Args.AuthKey"`) {
		t.Errorf("JSON = %s, %v", js, err)
	}
	var back Problem
	if err := json.Unmarshal(js, &back); err != nil || back != p {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestStarterValidates(t *testing.T) {
	c, err := Parse("starter.yaml", Starter())
	if err != nil {
		t.Fatal(err)
	}
	if ps := c.Validate(); len(ps) != 0 {
		t.Errorf("starter has problems:\n%s", listProblems(ps))
	}
	// Every commented-out example block, uncommented, is valid msticpy YAML too (its
	// secrets are environment references, so only those may be reported).
	var lines []string
	for _, l := range strings.Split(string(Starter()), "\n") {
		if strings.HasPrefix(l, "# ") || l == "#" {
			lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(l, "#"), " "))
		} else if !strings.HasPrefix(l, "##") {
			lines = append(lines, l)
		}
	}
	full, err := Parse("uncommented.yaml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("uncommented starter: %v", err)
	}
	if got := full.Names(""); len(got) != 9 {
		t.Errorf("uncommented starter sections = %v", got)
	}
	for _, p := range full.Validate() {
		if !strings.Contains(p.Message, "environment variable") && !strings.Contains(p.Message, "Key Vault support") &&
			!strings.Contains(p.Message, "does not exist") {
			t.Errorf("uncommented starter: %s", p)
		}
	}
}
