package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/internal/testdata"
)

// exampleTimeout bounds one example (a guard against a hang, not a speed verdict).
const exampleTimeout = 5 * time.Minute

// exampleEnv is the world the examples run in: the huntkit binary on PATH, a working
// folder with the files examples name, a HOME with a configuration whose network services
// are loopback fakes, and MaxMind's test databases where huntkit looks for GeoLite2.
type exampleEnv struct {
	bin  string // folder on PATH: huntkit, and a no-op xdg-open
	work string // the working folder of most examples
	home string
	base []string // environment of most examples
}

// fixture is how one example runs.
type fixture struct {
	dir      string
	env      []string
	wantCode int
	check    func(stdout, stderr string) string // "" when the output is right
	serve    bool                               // a server that runs until Ctrl-C (runServer)
}

// fixtureFor returns how to run line. Examples that write a starter configuration run in
// a fresh HOME and folder, so they neither find nor replace the test configuration.
func (env *exampleEnv) fixtureFor(t *testing.T, line string) fixture {
	fx := fixture{dir: env.work, env: env.base, serve: serverRE.MatchString(line)}
	if strings.Contains(line, "config init") {
		home, dir := t.TempDir(), t.TempDir()
		fx.dir = dir
		fx.env = withEnv(env.base, "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	}
	return fx
}

func withEnv(base []string, kv ...string) []string {
	out := make([]string, 0, len(base)+len(kv))
	keys := map[string]bool{}
	for _, s := range kv {
		k, _, _ := strings.Cut(s, "=")
		keys[k] = true
	}
	for _, s := range base {
		k, _, _ := strings.Cut(s, "=")
		if !keys[k] {
			out = append(out, s)
		}
	}
	return append(out, kv...)
}

func newExampleEnv(t *testing.T) *exampleEnv {
	t.Helper()
	root := testdata.ModuleRoot()
	tmp := t.TempDir()
	env := &exampleEnv{bin: filepath.Join(tmp, "bin"), work: filepath.Join(tmp, "work"), home: filepath.Join(tmp, "home")}
	for _, d := range []string{env.bin, env.work, env.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(env.bin, "huntkit"), "./cmd/huntkit")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// --open hands the page to $BROWSER; the examples must not start a real one.
	writeFile(t, filepath.Join(env.bin, "xdg-open"), "#!/bin/sh\nexit 0\n", 0o755)
	fake := newFakeServices(t)
	env.base = withEnv(os.Environ(),
		"PATH="+env.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+env.home, "XDG_CACHE_HOME="+filepath.Join(env.home, ".cache"),
		"HUNTKIT_CONFIG=", "MSTICPYCONFIG=", "HUNTKIT_WORKSPACE=", "BROWSER=true",
		"VT_KEY=example-key", "OTX_KEY=example-key", "MAXMIND_LICENSE_KEY=example-key",
	)
	env.writeConfig(t, fake.URL)
	env.writeFiles(t)
	env.writeDemoTables(t)
	return env
}

// writeConfig writes ~/.msticpy/msticpyconfig.yaml (found by discovery) and links
// MaxMind's test databases as ~/.msticpy/GeoLite2.
func (env *exampleEnv) writeConfig(t *testing.T, fakeURL string) {
	t.Helper()
	msticpy := filepath.Join(env.home, ".msticpy")
	if err := os.MkdirAll(msticpy, 0o755); err != nil {
		t.Fatal(err)
	}
	geo := filepath.Dir(testdata.Shared(t, "maxmind/test-data/GeoLite2-City-Test.mmdb"))
	if err := os.Symlink(geo, filepath.Join(msticpy, "GeoLite2")); err != nil {
		t.Fatal(err)
	}
	otrfDir := testdata.Shared(t, "otrf")
	cfg := `AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: 52b1ab41-869e-4138-9e40-2a4457f09bf0
      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
TIProviders:
  VirusTotal:
    Args:
      AuthKey: {EnvironmentVar: VT_KEY}
      BaseURL: ` + fakeURL + `/vt/api/v3
    Primary: true
    Provider: VirusTotal
  OTX:
    Args:
      AuthKey: {EnvironmentVar: OTX_KEY}
      BaseURL: ` + fakeURL + `/otx
    Primary: true
    Provider: OTX
  Tor:
    Args:
      BaseURL: ` + fakeURL + `/tor/torbulkexitlist
    Provider: Tor
  LocalFeed:
    Args:
      Paths: ` + filepath.Join(env.work, "feed.csv") + `
    Provider: LocalFeed
OtherProviders:
  GeoIPLite:
    Args:
      AuthKey: {EnvironmentVar: MAXMIND_LICENSE_KEY}
      DBFolder: ~/.msticpy/GeoLite2
    Provider: GeoLiteLookup
  RDAP:
    Args:
      BootstrapURL: ` + fakeURL + `/iana/
DataProviders:
  OTRF:
    Args:
      DataFolder: ` + otrfDir + `
`
	writeFile(t, filepath.Join(msticpy, "msticpyconfig.yaml"), cfg, 0o600)
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

// writeFiles writes the small hand-made files the examples name.
func (env *exampleEnv) writeFiles(t *testing.T) {
	t.Helper()
	w := func(name, text string) { writeFile(t, filepath.Join(env.work, name), text, 0o644) }
	w("report.txt", "The actor staged hxxps://evil[.]example[.]com/a.ps1 from 185.220.101.4 and\n"+
		"beaconed to c2.bad-domain.example.org; dropper sha256 "+
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.\n")
	w("alert.json", `{"AlertName":"Suspicious download","Entities":[{"Type":"url","Url":"http://evil.example.net/payload.exe"},{"Type":"ip","Address":"185.220.101.4"}],"Description":"contacted update.bad-domain.example.org"}`+"\n")
	w("mail.txt", "Your invoice: https://billing.example.com/inv.zip and http://login.microsoft.com/\nreply to payments@bad-domain.example.org from 203.0.113.9\n")
	w("suspicious_cmd.txt", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA\n")
	w("query.kql", "SecurityEvent\n| where EventID == 4625\n| summarize Failures = count() by Account, Computer\n| top 10 by Failures\n")
	w("iocs.csv", "Ioc,observable\n185.220.101.4,185.220.101.4\n8.8.8.8,8.8.8.8\nexample.com,evil.example.com\n")
	w("conns.csv", "TimeGenerated,SrcIP,DstIP,DstPort\n2026-11-03T10:00:00Z,10.0.0.5,81.2.69.142,443\n2026-11-03T10:05:00Z,10.0.0.6,2001:218::1,443\n")
	w("traffic.csv", "TimeGenerated,Computer,TotalBytesSent\n2019-05-07T09:00:00Z,WKS-01,1200\n2019-05-07T10:00:00Z,WKS-01,98000\n"+
		"2019-05-07T11:00:00Z,WKS-01,4500000\n2019-05-07T12:00:00Z,WKS-01,1500\n")
	w("procs.csv", "PID,PPID,ImageFileName,StartTime,CommandLine\n4,0,System,2026-11-03T08:00:00Z,\n"+
		"612,4,smss.exe,2026-11-03T08:00:01Z,\\SystemRoot\\System32\\smss.exe\n"+
		"700,612,winlogon.exe,2026-11-03T08:00:03Z,winlogon.exe\n"+
		"2400,700,explorer.exe,2026-11-03T08:01:00Z,C:\\Windows\\explorer.exe\n"+
		"5120,2400,powershell.exe,2026-11-03T09:12:00Z,powershell.exe -nop -enc SQBFAFgA\n")
	w("feed.csv", "indicator,type,severity,description,tags\n185.220.101.4,ip,high,Tor exit seen in the intrusion,tor\n")
	w("my-templates/logons.yaml", `metadata:
  version: 1
  description: Team logon queries
  data_environments: [LogAnalytics]
  data_families: [TeamLogons]
defaults:
  parameters:
    start: {description: Query start time, type: datetime}
    end: {description: Query end time, type: datetime}
sources:
  failed_logons:
    description: Failed logons on a host
    args:
      query: |-
        SecurityEvent
        | where TimeGenerated between (datetime({start}) .. datetime({end}))
        | where EventID == 4625 and Computer has "{host_name}"
    parameters:
      host_name: {description: Host to search, type: str}
`)
	copyFile(t, filepath.Join(testdata.ModuleRoot(), "proctree", "testdata", "sysmon1.csv"), filepath.Join(env.work, "sysmon.csv"))
	copyFile(t, testdata.Shared(t, "msticpy/proctree/linux_proc_test.csv"), filepath.Join(env.work, "linux_audit.csv"))
	// OTRF column names (TimeCreated, Hostname) for `query --map otrf`
	copyFile(t, filepath.Join(testdata.ModuleRoot(), "provider", "localdata", "testdata", "otrf", "otrf_security.jsonl"),
		filepath.Join(env.work, "otrf", "otrf_security.jsonl"))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data), 0o644)
}

// writeDemoTables builds the demo tenant into ./exports and ./data and exports the table
// files the examples read (events.csv, signins.csv, ...) with huntkit itself.
func (env *exampleEnv) writeDemoTables(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	exports := filepath.Join(env.work, "exports")
	if _, err := demo.Build(ctx, exports, demo.Options{Seed: 1, Days: 4, Size: demo.Small}); err != nil {
		t.Fatal(err)
	}
	exportsQ := []struct{ out, kql string }{
		{"events.csv", "SecurityEvent | where EventID in (4624, 4625, 4688) | take 400 | project TimeGenerated, Computer, Account, Activity, EventID, CommandLine"},
		{"proc_events.csv", "SecurityEvent | where EventID == 4688 | where CommandLine has '-enc' or CommandLine has 'powershell' | take 200"},
		{"SecurityEvent_4688.csv", "SecurityEvent | where EventID == 4688"},
		{"processes.csv", "SecurityEvent | where EventID == 4688"},
		{"signins.csv", "SigninLogs | take 300 | project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName, ResultType"},
		{"logons.csv", "SecurityEvent | where EventID in (4624, 4625) | project TimeGenerated, Computer, TargetUserName, IpAddress, EventID"},
		{"data/host_logons.csv", "SecurityEvent | where EventID == 4624 | take 200 | project TimeGenerated, Computer, TargetUserName, IpAddress, LogonType"},
		{"data/SecurityAlert.csv", "SecurityAlert"},
	}
	if err := os.MkdirAll(filepath.Join(env.work, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, q := range exportsQ {
		cmd := exec.Command(filepath.Join(env.bin, "huntkit"), "query", "LocalData", "--data", "exports", "--kql", q.kql, "-o", "csv", "--out", q.out)
		cmd.Dir, cmd.Env = env.work, env.base
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("export %s: %v\n%s", q.out, err, out)
		}
	}
}

// newFakeServices serves, on loopback, what the examples' network services answer:
// VirusTotal v3 and OTX lookups, the Tor exit list, IANA's RDAP bootstrap files and RDAP.
func newFakeServices(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/vt/api/v3/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-apikey") != "example-key" {
			w.WriteHeader(http.StatusUnauthorized)
			js(w, map[string]any{"error": map[string]string{"code": "WrongCredentialsError"}})
			return
		}
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		js(w, map[string]any{"data": map[string]any{"id": id, "type": "ip_address", "attributes": map[string]any{
			"reputation": -12, "last_analysis_date": 1700000000, "tags": []string{"tor"},
			"last_analysis_stats": map[string]int{"harmless": 60, "malicious": 9, "suspicious": 1, "undetected": 10},
		}}})
	})
	mux.HandleFunc("/otx/api/v1/indicators/", func(w http.ResponseWriter, r *http.Request) {
		js(w, map[string]any{"pulse_info": map[string]any{"count": 2, "pulses": []map[string]any{
			{"name": "Tor exit nodes", "tags": []string{"tor"}, "references": []string{"https://example.org/tor"}},
			{"name": "Intrusion set X", "tags": []string{"c2"}},
		}}})
	})
	mux.HandleFunc("/tor/torbulkexitlist", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("185.220.101.4\n185.220.101.5\n"))
	})
	mux.HandleFunc("/iana/", func(w http.ResponseWriter, r *http.Request) {
		rdap := srv.URL + "/rdap/"
		services := map[string][][][]string{
			"ipv4.json": {{{"8.0.0.0/8", "185.0.0.0/8", "81.0.0.0/8"}, {rdap}}},
			"ipv6.json": {{{"2001::/16"}, {rdap}}},
			"asn.json":  {{{"1-65535"}, {rdap}}},
			"dns.json":  {{{"com", "net", "org"}, {rdap}}},
		}
		name := filepath.Base(r.URL.Path)
		s, ok := services[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		js(w, map[string]any{"version": "1.0", "publication": "2026-11-01T00:00:00Z", "description": "test", "services": s})
	})
	mux.HandleFunc("/rdap/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rdap+json")
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/rdap/"), "/")
		if len(parts) != 2 {
			http.NotFound(w, r)
			return
		}
		kind, q := parts[0], parts[1]
		abuse := map[string]any{"objectClassName": "entity", "roles": []string{"abuse"}, "handle": "ABUSE-1",
			"vcardArray": []any{"vcard", []any{[]any{"version", map[string]any{}, "text", "4.0"}, []any{"fn", map[string]any{}, "text", "Abuse desk"}, []any{"email", map[string]any{}, "text", "abuse@example.net"}}}}
		switch kind {
		case "ip":
			_ = json.NewEncoder(w).Encode(map[string]any{"objectClassName": "ip network", "rdapConformance": []string{"rdap_level_0"},
				"handle": "NET-" + q, "name": "EXAMPLE-NET", "country": "US", "startAddress": q, "endAddress": q, "ipVersion": "v4",
				"entities": []any{abuse}})
		case "autnum":
			_ = json.NewEncoder(w).Encode(map[string]any{"objectClassName": "autnum", "rdapConformance": []string{"rdap_level_0"},
				"handle": "AS" + q, "name": "EXAMPLE-AS", "startAutnum": 3333, "endAutnum": 3333, "entities": []any{abuse}})
		case "domain":
			_ = json.NewEncoder(w).Encode(map[string]any{"objectClassName": "domain", "rdapConformance": []string{"rdap_level_0"},
				"handle": "D-" + q, "ldhName": strings.ToUpper(q), "entities": []any{abuse},
				"events": []any{map[string]string{"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"}}})
		default:
			http.NotFound(w, r)
		}
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
