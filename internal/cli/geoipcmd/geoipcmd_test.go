package geoipcmd

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
)

// runCmd runs "geoip args..." with the given config text and stdin; it returns stdout,
// stderr and the exit code.
func runCmd(t *testing.T, cfg, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(stdin), Out: &out, Err: &errb, ConfigPath: cfgPath}
	defer app.Close()
	cmd := New(app)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString("huntkit: " + cliapp.Message(err) + "\n")
	}
	return out.String(), errb.String(), cliapp.ExitCode(err)
}

func testDataDir(t *testing.T) string {
	return filepath.Dir(testdata.Shared(t, "maxmind/test-data/GeoLite2-City-Test.mmdb"))
}

func TestLookupArgs(t *testing.T) {
	dir := testDataDir(t)
	out, errs, code := runCmd(t, "", "", "--db-dir", dir, "-o", "json", "81.2.69.142", "10.0.0.1", "2001:218::1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 3 || rows[0]["City"] != "London" || rows[1]["IPScope"] != "private" || rows[2]["CountryCode"] != "JP" {
		t.Errorf("rows %v", rows)
	}
}

func TestLookupStdinAndFailures(t *testing.T) {
	dir := testDataDir(t)
	out, errs, code := runCmd(t, "", "89.160.20.112\n\n# comment\nnot-an-ip\n", "--db-dir", dir, "-o", "csv", "-")
	if code != cliapp.ExitFailure {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "Linköping") || !strings.Contains(out, "invalid") {
		t.Errorf("stdout %q", out)
	}
	if !strings.Contains(errs, "1 of 2 lookups failed") || !strings.Contains(errs, "not-an-ip") {
		t.Errorf("stderr %q", errs)
	}
}

func TestLookupStdinWithBOM(t *testing.T) {
	out, errs, code := runCmd(t, "", "\ufeff89.160.20.112\r\n", "--db-dir", testDataDir(t), "-o", "csv", "-")
	if code != 0 || !strings.Contains(out, "Linköping") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

func TestEnrichTable(t *testing.T) {
	dir := testDataDir(t)
	in := filepath.Join(t.TempDir(), "signins.csv")
	os.WriteFile(in, []byte("User,IPAddress\nalice,81.2.69.142\nbob,81.2.69.142\ncarol,\ndave,192.168.1.9\n"), 0o644)
	out, errs, code := runCmd(t, "", "", "--db-dir", dir, "--in", in, "--column", "IPAddress", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d rows: %s", len(lines), out)
	}
	var r0, r3 map[string]any
	json.Unmarshal([]byte(lines[0]), &r0)
	json.Unmarshal([]byte(lines[3]), &r3)
	if r0["User"] != "alice" || r0["City"] != "London" || r3["IPScope"] != "private" {
		t.Errorf("rows %v / %v", r0, r3)
	}
	_, errs, code = runCmd(t, "", "", "--db-dir", dir, "--in", in, "--column", "Nope")
	if code != cliapp.ExitUsage || !strings.Contains(errs, "no such column") {
		t.Errorf("missing column: exit %d, %s", code, errs)
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, cliapp.ExitUsage, "no IP addresses"},
		{[]string{"--in", "x.csv"}, cliapp.ExitUsage, "--column"},
		{[]string{"--provider", "nope", "1.2.3.4"}, cliapp.ExitUsage, "unknown GeoIP provider \"nope\""},
		{[]string{"--db-dir", "/nonexistent/huntkit-geo", "1.2.3.4"}, cliapp.ExitConfig, "no .mmdb files"},
		{[]string{"--provider", "ipstack", "1.2.3.4"}, cliapp.ExitConfig, "OtherProviders.IPStack.Args.AuthKey"},
		{[]string{"update"}, cliapp.ExitConfig, "AuthKey"},
	} {
		_, errs, code := runCmd(t, "", "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errs)
		}
	}
}

// maxmind serves the download API with the shared test databases packed as archives.
func maxmind(t *testing.T) *httptest.Server {
	archives := map[string][]byte{}
	for _, ed := range []string{"GeoLite2-City", "GeoLite2-ASN"} {
		data, err := os.ReadFile(testdata.Shared(t, "maxmind/test-data/"+ed+"-Test.mmdb"))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		name := ed + "_20260102/" + ed + ".mmdb"
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
		tw.Close()
		gz.Close()
		archives[ed] = buf.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if user != "42" || pass != "licence-key-xyz" {
			http.Error(w, "Invalid license key", http.StatusUnauthorized)
			return
		}
		parts := strings.Split(r.URL.Path, "/") // /geoip/databases/{ed}/download
		if len(parts) != 5 {
			http.NotFound(w, r)
			return
		}
		data, ok := archives[parts[3]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("suffix") == "tar.gz.sha256" {
			sum := sha256.Sum256(data)
			w.Write([]byte(hex.EncodeToString(sum[:]) + "  " + parts[3] + "_20260102.tar.gz\n"))
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUpdateAndAutoDownload(t *testing.T) {
	srv := maxmind(t)
	dir := filepath.Join(t.TempDir(), "GeoLite2")
	t.Setenv("HK_TEST_GEO_KEY", "licence-key-xyz")
	cfg := `OtherProviders:
  GeoIPLite:
    Args:
      AccountID: "42"
      AuthKey:
        EnvironmentVar: HK_TEST_GEO_KEY
      DBFolder: ` + dir + `
      DownloadURL: ` + srv.URL + `/geoip/databases
`
	// A lookup with no databases downloads them first.
	out, errs, code := runCmd(t, cfg, "", "-o", "csv", "89.160.20.112")
	if code != 0 || !strings.Contains(out, "Bredband2 AB") || !strings.Contains(errs, "downloading GeoLite2-City, GeoLite2-ASN") {
		t.Fatalf("auto download: exit %d\n%s\n%s", code, out, errs)
	}
	_, errs, code = runCmd(t, cfg, "", "update")
	if code != 0 || !strings.Contains(errs, "up to date") {
		t.Errorf("update of fresh databases: exit %d, %s", code, errs)
	}
	_, errs, code = runCmd(t, cfg, "", "update", "--force")
	if code != 0 || strings.Count(errs, "updated") != 2 {
		t.Errorf("forced update: exit %d, %s", code, errs)
	}
	t.Setenv("HK_TEST_GEO_KEY", "wrong-licence")
	_, errs, code = runCmd(t, cfg, "", "update", "--force")
	if code != cliapp.ExitConfig || !strings.Contains(errs, "HTTP 401") || strings.Contains(errs, "wrong-licence") {
		t.Errorf("wrong key: exit %d, %s", code, errs)
	}
}

func TestIPStackWrongKey(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write([]byte(`{"success": false, "error": {"code": 101, "type": "invalid_access_key", "info": "You have not supplied a valid API Access Key."}}`))
	}))
	defer srv.Close()
	cfg := "OtherProviders:\n  IPStack:\n    Args:\n      AuthKey: not-the-key-123\n      BaseURL: " + srv.URL + "\n"
	out, errs, code := runCmd(t, cfg, "", "--provider", "ipstack", "-o", "csv", "89.160.20.1", "89.160.20.2", "89.160.20.3", "10.0.0.1")
	if code != cliapp.ExitConfig || !strings.Contains(errs, "OtherProviders.IPStack.Args.AuthKey") || strings.Contains(errs+out, "not-the-key-123") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if calls > 3 {
		t.Errorf("%d requests after the key was rejected", calls)
	}
	if !strings.Contains(out, "10.0.0.1,private") {
		t.Errorf("rows not printed: %s", out)
	}
}

func TestInfo(t *testing.T) {
	out, errs, code := runCmd(t, "", "", "info", "--db-dir", testDataDir(t), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(rows) != 2 || rows[0]["Edition"] != "GeoIP2-City" || rows[1]["Kind"] != "asn" || rows[0]["Built"] == nil {
		t.Errorf("rows %v", rows)
	}
	if !strings.Contains(errs, "no MaxMind licence configured") {
		t.Errorf("stderr %q", errs)
	}
}

// With no database and an unreachable download server, the download failure is the error
// (exit 1, one line), not "no database" after a warning claiming to use what is present.
func TestAutoDownloadFailureWithoutDatabases(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	srv.Close() // nothing listens there any more
	cfg := `OtherProviders:
  GeoIPLite:
    Args:
      AccountID: "42"
      AuthKey: some-licence
      DBFolder: ` + filepath.Join(t.TempDir(), "GeoLite2") + `
      DownloadURL: ` + srv.URL + `/geoip/databases
`
	_, errs, code := runCmd(t, cfg, "", "81.2.69.142")
	if code != cliapp.ExitFailure || !strings.Contains(errs, "download failed") || strings.Contains(errs, "already present") ||
		strings.Count(strings.TrimSpace(errs), "\n") != 1 || strings.Contains(errs, "some-licence") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

func TestLookupKeepsZone(t *testing.T) {
	out, errs, code := runCmd(t, "", "", "--db-dir", testDataDir(t), "-o", "json", "fe80::1%eth0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0]["IP"] != "fe80::1%eth0" || rows[0]["IPScope"] != "link-local" {
		t.Errorf("rows %v", rows)
	}
}
