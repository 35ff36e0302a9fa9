package pivotcmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
)

func run(t *testing.T, cfg string, args ...string) clitest.Result {
	t.Helper()
	clitest.Isolate(t)
	path := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return clitest.Run(t, clitest.Options{Config: path}, New, args...)
}

// Mistakes in the entity or the pivot names are one line, exit 2, with the nearest name.
func TestBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"pivot", "ip", "ws01.contoso.com"}, `ip: "ws01.contoso.com" is not an IP address (it looks like a Dns: use "dns")`},
		{[]string{"pivot", "host", "203.0.113.7"}, `(it looks like an IpAddress: use "ip")`},
		{[]string{"pivot", "ipp", "203.0.113.7"}, `unknown entity type "ipp" (did you mean "ip"?)`},
		{[]string{"pivot", "ip", "203.0.113.7", "--only", "geoipp"}, `unknown pivot "geoipp" for ip (did you mean "geoip"?)`},
		{[]string{"pivot", "list", "hots"}, `unknown entity type "hots" (did you mean "host"?)`},
		{[]string{"summary", "url", "http://x.example/", "--data", "."}, "summaries cover host, account and ip, not url"},
		{[]string{"pivot", "graph"}, "name the HTML file with --out"},
		{[]string{"pivot", "ip", "1.2.3.4", "--mapping", "nope.yaml"}, "pivot mapping: open nope.yaml"},
	}
	for _, tt := range tests {
		r := run(t, "", tt.args...)
		if r.Code != 2 || !strings.Contains(r.Err, tt.want) || strings.Count(strings.TrimSpace(r.Err), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q on one line", tt.args, r.Code, r.Err, tt.want)
		}
	}
}

// A provider that fails does not stop the others: the local feed still answers, the
// failure is listed, keyless providers without an entry are skipped, the exit code is 1.
func TestFailingProvider(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, `{"error":{"code":"WrongCredentialsError"}}`, http.StatusForbidden)
	}))
	defer srv.Close()
	feed := filepath.Join(t.TempDir(), "feed.csv")
	if err := os.WriteFile(feed, []byte("indicator,type,severity,description\n81.2.69.142,ip,high,known bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := `TIProviders:
  VirusTotal:
    Provider: VirusTotal
    Args:
      AuthKey: not-a-key
      BaseURL: ` + srv.URL + `/api/v3
  LocalFeed:
    Provider: LocalFeed
    Args:
      Paths: ` + feed + `
`
	r := run(t, cfg, "pivot", "ip", "81.2.69.142", "--only", "ti", "--env", "LocalData", "--data", t.TempDir())
	if r.Code != 1 || !strings.Contains(r.Err, "1 of ") {
		t.Fatalf("exit %d, stderr %q\n%s", r.Code, r.Err, r.Out)
	}
	for _, want := range []string{"ti.LocalFeed: 1 row", "ti.VirusTotal: error:", "ti.GreyNoise: skipped (not configured: no TIProviders.GreyNoise entry)",
		"── ti.LocalFeed: 1 row (ti)", "known bad"} {
		if !strings.Contains(r.Out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.Out)
		}
	}
	if calls.Load() == 0 {
		t.Errorf("VirusTotal was not asked")
	}
}
