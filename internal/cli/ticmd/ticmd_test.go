package ticmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cliapp"
)

// setup writes a config with a LocalFeed (offline) and a VirusTotal entry pointing at a
// local server that knows one IP and refuses the key "bad".
func setup(t *testing.T, vtKey string) (*cliapp.App, *bytes.Buffer, *bytes.Buffer, string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-apikey") != "good-key" {
			w.WriteHeader(401)
			return
		}
		switch r.URL.Path {
		case "/api/v3/ip_addresses/185.220.101.4":
			fmt.Fprint(w, `{"data":{"id":"185.220.101.4","type":"ip_address","attributes":{"last_analysis_stats":{"malicious":9,"suspicious":0,"harmless":50,"undetected":10}}}}`)
		case "/api/v3/domains/broken.example.com":
			w.WriteHeader(500)
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":{"code":"NotFoundError","message":"not found"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.csv")
	os.WriteFile(feed, []byte("indicator,severity,description\nevil.example.com,high,known C2\n185.220.101.4,warning,tor\n"), 0o600)
	cfg := filepath.Join(dir, "msticpyconfig.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`TIProviders:
  VirusTotal:
    Args:
      AuthKey: %s
      BaseURL: %s/api/v3
      RateLimit: 100/s
      MaxRetries: 0
    Primary: true
    Provider: VirusTotal
  LocalFeed:
    Args:
      Paths: %s
    Primary: true
    Provider: LocalFeed
  OTX:
    Args:
      AuthKey: x
    Primary: false
    Provider: OTX
`, vtKey, srv.URL, feed)), 0o600)
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(""), Out: &out, Err: &errb, ConfigPath: cfg}
	return app, &out, &errb, dir
}

func run(t *testing.T, app *cliapp.App, args ...string) error {
	t.Helper()
	cmd := New(app)
	cmd.SetArgs(args)
	cmd.SetOut(app.Out)
	cmd.SetErr(app.Err)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

func readCSV(t *testing.T, s string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestLookupCommand(t *testing.T) {
	app, out, errb, dir := setup(t, "good-key")
	cache := filepath.Join(dir, "cache")
	err := run(t, app, "lookup", "185.220.101.4", "evil[.]example[.]com", "10.0.0.1", "--cache-dir", cache, "-o", "csv")
	if err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	rows := readCSV(t, out.String())
	got := map[string]string{}
	for _, r := range rows {
		got[r["Ioc"]+"/"+r["Provider"]] = r["Severity"] + " " + r["Status"] + " " + r["Result"]
	}
	want := map[string]string{
		"185.220.101.4/VirusTotal":    "high 0 true",
		"185.220.101.4/LocalFeed":     "warning 0 true",
		"evil.example.com/VirusTotal": "information 0 false",
		"evil.example.com/LocalFeed":  "high 0 true",
		"10.0.0.1/precheck":           "unknown 4 false",     // not sent to VirusTotal
		"10.0.0.1/LocalFeed":          "information 0 false", // a local feed is asked
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows: %v", len(rows), got)
	}
	// Summary and severity filter; the second run is served from the cache.
	out.Reset()
	if err := run(t, app, "lookup", "185.220.101.4", "evil.example.com", "--cache-dir", cache, "--summary", "--min-severity", "high", "-o", "csv"); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, out.String())
	if len(rows) != 2 || rows[0]["Severity"] != "high" || rows[0]["Answered"] != "2" {
		t.Errorf("summary %v", rows)
	}
	out.Reset()
	if err := run(t, app, "cache", "stats", "--cache-dir", cache, "-o", "csv"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "virustotal,2") {
		t.Errorf("cache stats: %s", out.String())
	}
	if err := run(t, app, "cache", "clear", "--cache-dir", cache, "--provider", "vt"); err != nil || !strings.Contains(errb.String(), "removed 2 cached answers") {
		t.Errorf("clear: %v %s", err, errb.String())
	}
}

func TestLookupFromFileWithFailures(t *testing.T) {
	app, out, _, dir := setup(t, "good-key")
	in := filepath.Join(dir, "iocs.csv")
	os.WriteFile(in, []byte("observable,type\n185.220.101.4,ipv4\nbroken.example.com,dns\n"), 0o600)
	err := run(t, app, "lookup", "--in", in, "--column", "observable", "--type-column", "type", "--no-cache", "-o", "csv")
	var pe *cliapp.PartialError
	if !errors.As(err, &pe) || cliapp.ExitCode(err) != 1 {
		t.Fatalf("err %v: want a partial result with exit code 1", err)
	}
	rows := readCSV(t, out.String())
	if len(rows) != 4 {
		t.Fatalf("rows %v", rows)
	}
	var failed int
	for _, r := range rows {
		if r["Status"] != "0" {
			failed++
			if r["Ioc"] != "broken.example.com" || !strings.Contains(r["Message"], "HTTP 500") {
				t.Errorf("failed row %v", r)
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d failed rows", failed)
	}
}

func TestLookupWrongKeyOneMessage(t *testing.T) {
	app, _, _, _ := setup(t, "bad")
	err := run(t, app, "lookup", "185.220.101.4", "8.8.8.8", "1.1.1.1", "--providers", "VirusTotal", "--no-cache", "-o", "csv")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Count(msg, "authentication failed") != 1 || !strings.Contains(msg, "TIProviders.VirusTotal.Args.AuthKey") || strings.Contains(msg, ": bad") {
		t.Errorf("message %q", msg)
	}
}

func TestLookupStdinWithBOM(t *testing.T) {
	app, out, errb, dir := setup(t, "good-key")
	app.In = strings.NewReader("\ufeffevil.example.com\r\n")
	if err := run(t, app, "lookup", "-", "--providers", "LocalFeed", "--cache-dir", filepath.Join(dir, "c"), "-o", "csv"); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	if rows := readCSV(t, out.String()); len(rows) != 1 || rows[0]["Ioc"] != "evil.example.com" || rows[0]["Severity"] != "high" {
		t.Errorf("rows %v", rows)
	}
}

func TestUsageErrors(t *testing.T) {
	app, _, _, _ := setup(t, "good-key")
	for _, args := range [][]string{
		{"lookup"},
		{"lookup", "--column", "x"},
		{"lookup", "1.2.3.4", "--min-severity", "extreme"},
		{"lookup", "1.2.3.4", "--providers", "NoSuch"},
		{"cache", "bogus"},
	} {
		if err := run(t, app, args...); cliapp.ExitCode(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, cliapp.ExitCode(err), err)
		}
	}
}

func TestProvidersCommand(t *testing.T) {
	app, out, _, _ := setup(t, "good-key")
	if err := run(t, app, "providers", "-o", "csv"); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out.String())
	by := map[string]map[string]string{}
	for _, r := range rows {
		by[r["Provider"]] = r
	}
	if by["VirusTotal"]["Configured"] != "yes" || by["VirusTotal"]["RateLimit"] != "100/s (configured)" {
		t.Errorf("VirusTotal %v", by["VirusTotal"])
	}
	if by["OTX"]["Configured"] != "yes (secondary)" || by["AbuseIPDB"]["Configured"] != "no" || by["Tor"]["Configured"] != "no key needed" {
		t.Errorf("rows %v %v %v", by["OTX"], by["AbuseIPDB"], by["Tor"])
	}
}

// A configured entry whose key is an unset environment variable, or whose RateLimit does not
// parse, is not shown as ready.
func TestProvidersCommandShowsBrokenEntries(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "msticpyconfig.yaml")
	os.WriteFile(cfg, []byte(`TIProviders:
  VirusTotal:
    Args:
      AuthKey:
        EnvironmentVar: HUNTKIT_TEST_UNSET_VT_KEY
    Provider: VirusTotal
  OTX:
    Args:
      AuthKey: literal-key
      RateLimit: lots
    Provider: OTX
`), 0o600)
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(""), Out: &out, Err: &errb, ConfigPath: cfg}
	if err := run(t, app, "providers", "-o", "csv"); err != nil {
		t.Fatal(err)
	}
	by := map[string]map[string]string{}
	for _, r := range readCSV(t, out.String()) {
		by[r["Provider"]] = r
	}
	if c := by["VirusTotal"]["Configured"]; !strings.HasPrefix(c, "error: ") || !strings.Contains(c, "HUNTKIT_TEST_UNSET_VT_KEY") {
		t.Errorf("VirusTotal Configured = %q", c)
	}
	if by["OTX"]["Configured"] != "yes" || by["OTX"]["RateLimit"] != "invalid TIProviders.OTX.Args.RateLimit" {
		t.Errorf("OTX %v", by["OTX"])
	}
	if strings.Contains(out.String(), "literal-key") {
		t.Error("a secret is in the output")
	}
}

func TestLookupEmptyHashesAndIPsWithPorts(t *testing.T) {
	app, out, errb, dir := setup(t, "good-key")
	empty := []string{"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
	args := append([]string{"lookup"}, empty...)
	args = append(args, "185.220.101.4:443", "[2001:db8::1]:443", "--cache-dir", filepath.Join(dir, "cache"), "-o", "csv")
	// flagged rows count as failures, as placeholder hashes do: a partial result
	var pe *cliapp.PartialError
	if err := run(t, app, args...); !errors.As(err, &pe) {
		t.Fatalf("err %v: want a partial result\n%s", err, errb)
	}
	byIoc := map[string][]map[string]string{}
	for _, r := range readCSV(t, out.String()) {
		byIoc[r["Ioc"]] = append(byIoc[r["Ioc"]], r)
	}
	for _, h := range empty {
		rows := byIoc[h]
		if len(rows) != 1 || rows[0]["Provider"] != "precheck" || rows[0]["Status"] != "2" || !strings.Contains(rows[0]["Message"], "empty input") {
			t.Errorf("%s: want one precheck row flagging the empty input, got %v", h, rows)
		}
	}
	got := map[string]string{}
	for _, r := range byIoc["185.220.101.4"] {
		got[r["Provider"]] = r["Severity"] + " " + r["Status"]
	}
	if got["VirusTotal"] != "high 0" || got["LocalFeed"] != "warning 0" {
		t.Errorf("185.220.101.4:443 looked up as its IP: %v", byIoc)
	}
	status := map[string]string{}
	for _, r := range byIoc["2001:db8::1"] {
		status[r["Provider"]] = r["Status"]
	}
	if len(status) != 2 || status["precheck"] != "4" || status["LocalFeed"] != "0" {
		t.Errorf("[2001:db8::1]:443: want a not-public precheck row and a LocalFeed answer for the IP, got %v", byIoc["2001:db8::1"])
	}
}

func TestCacheClearUnknownProvider(t *testing.T) {
	app, _, errb, dir := setup(t, "good-key")
	cache := filepath.Join(dir, "cache")
	err := run(t, app, "cache", "clear", "--cache-dir", cache, "--provider", "VirusTotl")
	if cliapp.ExitCode(err) != 2 || !strings.Contains(err.Error(), `"VirusTotal"`) {
		t.Errorf("typo: exit %d (%v), want 2 suggesting VirusTotal", cliapp.ExitCode(err), err)
	}
	err = run(t, app, "cache", "clear", "--cache-dir", cache, "--provider", "NoSuch")
	if cliapp.ExitCode(err) != 2 || !strings.Contains(err.Error(), "NoSuch") || !strings.Contains(err.Error(), "known: ") {
		t.Errorf("unknown: exit %d (%v), want 2", cliapp.ExitCode(err), err)
	}
	// registered names, aliases and config entry names are all accepted
	for _, p := range []string{"VirusTotal", "vt", "localfeed", "OTX"} {
		if err := run(t, app, "cache", "clear", "--cache-dir", cache, "--provider", p); err != nil {
			t.Errorf("--provider %s: %v %s", p, err, errb)
		}
	}
}

// Offline (a provider that cannot be reached), the partial-result message is said once: as
// the error line, not also under the table.
func TestLookupPartialMessageOnce(t *testing.T) {
	app, out, errb, dir := setup(t, "good-key")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens there: connection refused, as offline
	cfg := filepath.Join(dir, "offline.yaml")
	os.WriteFile(cfg, []byte(`TIProviders:
  VirusTotal:
    Args:
      AuthKey: k
      BaseURL: http://`+closed+`/api/v3
      MaxRetries: 0
    Provider: VirusTotal
`), 0o600)
	app.ConfigPath = cfg
	err = run(t, app, "lookup", "8.8.8.8", "--no-cache")
	var pe *cliapp.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("err %v: want a partial result", err)
	}
	all := out.String() + errb.String() + err.Error()
	if n := strings.Count(all, "TI lookups failed"); n != 1 {
		t.Errorf("the failure is reported %d times, want once:\nstdout:\n%s\nstderr:\n%s\nerr: %v", n, out, errb, err)
	}
	if !strings.Contains(out.String(), "8.8.8.8") {
		t.Errorf("the row is not printed:\n%s", out)
	}
}

// --check asks only the services of configured entries (here on loopback) and says which
// answered; providers without an entry are not contacted.
func TestProvidersCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "msticpyconfig.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`TIProviders:
  VirusTotal:
    Args:
      AuthKey: k
      BaseURL: %s/api/v3
    Provider: VirusTotal
  LocalFeed:
    Args:
      Paths: %s
    Provider: LocalFeed
`, srv.URL, dir)), 0o600)
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(""), Out: &out, Err: &errb, ConfigPath: cfg}
	if err := run(t, app, "providers", "--check", "-o", "csv"); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	by := map[string]map[string]string{}
	for _, r := range readCSV(t, out.String()) {
		by[r["Provider"]] = r
	}
	if by["VirusTotal"]["Reachable"] != "reachable" || by["LocalFeed"]["Reachable"] != "local" || by["OTX"]["Reachable"] != "" {
		t.Errorf("VirusTotal %v, LocalFeed %v, OTX %v", by["VirusTotal"], by["LocalFeed"], by["OTX"])
	}
}
