package querycmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/huntkit/huntkit/internal/cliapp"
)

// splunkServer answers saved/searches and search/jobs/export as Splunk's REST API does
// (wire format as in provider/splunk/testdata), recording the paths asked for.
func splunkServer(t *testing.T) (*httptest.Server, func() []string) {
	saved, err := os.ReadFile("../../../provider/splunk/testdata/saved_searches.json")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok123" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/authentication/current-context"):
			w.Write([]byte(`{"entry":[{"name":"tokenuser"}]}`))
		case strings.HasSuffix(r.URL.Path, "/saved/searches"):
			w.Write(saved)
		case strings.HasSuffix(r.URL.Path, "/search/jobs/export"):
			r.ParseForm()
			if r.PostForm.Get("search") != "search index=wineventlog EventCode=4625 | stats count by user" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Write([]byte(`{"preview":false,"offset":0,"lastrow":true,"result":{"user":"alice","count":"7"}}` + "\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), paths...) }
}

func splunkConfig(t *testing.T, args string) string {
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(cfg, []byte("DataProviders:\n  Splunk:\n    Args:\n"+args), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestSplunkSavedSearchesListedAndRunWithApp(t *testing.T) {
	srv, paths := splunkServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	h, port, _ := strings.Cut(host, ":")
	cfg := splunkConfig(t, "      host: "+h+"\n      port: "+port+"\n      http_scheme: http\n      bearer_token: tok123\n")

	out, errOut, code := run(t, "--config", cfg, "queries", "--env", "Splunk", "-o", "csv")
	if code != 0 || !strings.Contains(out, "Splunk,SavedSearches.Failed_logons_by_user,4625 per user,,splunk:saved/searches") {
		t.Fatalf("queries: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = run(t, "--config", cfg, "query", "Splunk", "SavedSearches.Failed_logons_by_user", "--splunk-app", "search", "-o", "csv")
	if code != 0 || !strings.Contains(out, "alice,7") {
		t.Fatalf("query: exit %d\n%s\n%s", code, out, errOut)
	}
	got := strings.Join(paths(), " ")
	if !strings.Contains(got, "/servicesNS/-/search/saved/searches") || !strings.Contains(got, "/servicesNS/-/search/search/jobs/export") {
		t.Errorf("--splunk-app not used as the namespace: %s", got)
	}
}

func TestSplunkMissingHostIsConfigError(t *testing.T) {
	cfg := splunkConfig(t, "      bearer_token: tok123\n")
	_, errOut, code := run(t, "--config", cfg, "query", "Splunk", "SavedSearches.anything")
	if code != cliapp.ExitConfig || !strings.Contains(errOut, "DataProviders.Splunk.Args.host is not set") {
		t.Fatalf("exit %d (want %d): %s", code, cliapp.ExitConfig, errOut)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("not one line: %q", errOut)
	}
}
