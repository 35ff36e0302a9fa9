package whoiscmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/internal/cliapp"
)

func runCmd(t *testing.T, cfg string, args ...string) (string, string, int) {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(""), Out: &out, Err: &errb, ConfigPath: cfgPath}
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

// server speaks IANA's bootstrap format and RDAP, from the whois package's fixtures.
func server(t *testing.T, requests *atomic.Int32) (*httptest.Server, string) {
	fix := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "whois", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		u := srv.URL
		switch r.URL.Path {
		case "/iana/ipv4.json":
			fmt.Fprintf(w, `{"version":"1.0","services":[[["64.0.0.0/8"],["%s/arin/"]]]}`, u)
		case "/iana/dns.json":
			fmt.Fprintf(w, `{"version":"1.0","services":[[["com"],["%s/com/"]]]}`, u)
		case "/iana/asn.json":
			fmt.Fprintf(w, `{"version":"1.0","services":[[["64496-64511"],["%s/arin/"]]]}`, u)
		case "/arin/ip/64.0.2.10":
			w.Write(fix("ip_arin.json"))
		case "/com/domain/example.com":
			w.Write(fix("domain.json"))
		case "/arin/autnum/64496":
			w.Write(fix("autnum.json"))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write(fix("error404.json"))
		}
	}))
	t.Cleanup(srv.Close)
	cfg := fmt.Sprintf("OtherProviders:\n  RDAP:\n    Args:\n      BootstrapURL: %s/iana/\n      CacheFolder: %s\n", srv.URL, t.TempDir())
	return srv, cfg
}

func TestWhois(t *testing.T) {
	var n atomic.Int32
	_, cfg := server(t, &n)
	out, errs, code := runCmd(t, cfg, "-o", "json", "64.0.2.10", "example.com", "AS64496")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(rows) != 3 || rows[0]["Network"] != "64.0.2.0/24" || rows[0]["AbuseEmail"] != "abuse@example.net" ||
		rows[1]["Registrar"] != "RESERVED-Internet Assigned Numbers Authority" || rows[2]["ASN"] != "64496" {
		t.Errorf("rows %v", rows)
	}
}

func TestWhoisPartialFailure(t *testing.T) {
	var n atomic.Int32
	_, cfg := server(t, &n)
	out, errs, code := runCmd(t, cfg, "-o", "csv", "64.0.2.10", "nosuch.com", "10.0.0.1")
	if code != cliapp.ExitFailure {
		t.Errorf("exit %d", code)
	}
	if strings.Count(strings.TrimSpace(out), "\n") != 3 || !strings.Contains(out, "EXAMPLE-NET-1") {
		t.Errorf("stdout %s", out)
	}
	if !strings.Contains(errs, "1 of 3 lookups failed") || !strings.Contains(out, "not a public address") {
		t.Errorf("stderr %s", errs)
	}
}

func TestWhoisTableInput(t *testing.T) {
	var n atomic.Int32
	_, cfg := server(t, &n)
	in := filepath.Join(t.TempDir(), "iocs.csv")
	os.WriteFile(in, []byte("Ioc,Kind\nexample.com,dns\n64.0.2.10,ip\nexample.com,dns\n,none\n"), 0o644)
	out, errs, code := runCmd(t, cfg, "--in", in, "--column", "Ioc", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 {
		t.Errorf("want one row per distinct value, got %d:\n%s", len(lines), out)
	}
	_, errs, code = runCmd(t, cfg, "--in", in, "--column", "Nope")
	if code != cliapp.ExitUsage || !strings.Contains(errs, `no column "Nope"`) {
		t.Errorf("missing column: %d %s", code, errs)
	}
}

func TestWhoisUsageAndOffline(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "no values"},
		{[]string{"--column", "x"}, "--in FILE"},
		{[]string{"--concurrency", "0", "x.com"}, "--concurrency"},
	} {
		_, errs, code := runCmd(t, "", tc.args...)
		if code != cliapp.ExitUsage || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, %s", tc.args, code, errs)
		}
	}
	// Offline, a private address needs no server at all; it is reported, not a failure.
	out, errs, code := runCmd(t, "", "--offline", "-o", "csv", "192.168.1.1")
	if code != 0 || !strings.Contains(out, "not a public address") {
		t.Errorf("offline private: %d %s %s", code, out, errs)
	}
}

func TestWhoisTableDropsEmptyColumns(t *testing.T) {
	var n atomic.Int32
	_, cfg := server(t, &n)
	out, _, code := runCmd(t, cfg, "AS64496")
	if code != 0 || !strings.Contains(out, "EXAMPLE-AS") || strings.Contains(out, "Nameservers") || strings.Contains(out, "Registrar") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, _, _ = runCmd(t, cfg, "-o", "csv", "AS64496")
	if !strings.Contains(out, "Nameservers") {
		t.Errorf("csv lost columns: %s", out)
	}
}
