package tor_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

const list = "185.220.101.4\n185.220.101.5\n2a0b:f4c2::1\n"

func TestTorListDownloadedOnceAndCached(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(list))
	})
	data := t.TempDir()
	mk := func() *ti.Client {
		c, err := ti.New(t.Context(), ti.WithProviders("Tor"), ti.WithBaseURL("Tor", srv.URL+"/torbulkexitlist"), ti.WithDataDir(data))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rows, err := mk().LookupRows(t.Context(), []ti.Item{{Value: "185.220.101.4"}, {Value: "8.8.8.8"}, {Value: "2a0b:f4c2::1"}, {Value: "185.220.101.5"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rows[0].Result || rows[0].Severity != ti.SevWarning || rows[1].Result || rows[1].Severity != ti.SevInformation || !rows[2].Result || !rows[3].Result {
		t.Errorf("rows %+v", rows)
	}
	if srv.Hits.Load() != 1 {
		t.Errorf("downloads = %d, want 1", srv.Hits.Load())
	}
	p := filepath.Join(data, "tor", "torbulkexitlist.txt")
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cached list: %v %v", st, err)
	}
	// A new process uses the cached file.
	if _, err := mk().LookupRows(t.Context(), []ti.Item{{Value: "185.220.101.4"}}); err != nil {
		t.Fatal(err)
	}
	if srv.Hits.Load() != 1 {
		t.Errorf("downloads = %d after restart, want 1", srv.Hits.Load())
	}
}

func TestTorBadList(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>oops</html>")) })
	c, err := ti.New(t.Context(), ti.WithProviders("Tor"), ti.WithBaseURL("Tor", srv.URL), ti.WithDataDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "185.220.101.4"}})
	if err == nil || rows[0].Status != ti.StatusQueryFailed {
		t.Errorf("%v %+v", err, rows)
	}
}

// A failed download is tried once per run, not once per address (each attempt waits for
// the 2/min rate limit: 1,000 addresses would take hours); a stale list on disk is used
// instead when there is one.
func TestTorFailedDownloadOncePerRunAndStaleFallback(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	data := t.TempDir()
	mk := func() *ti.Client {
		return titest.Client(t, "Tor", srv.URL, ti.WithDataDir(data), ti.WithConcurrency(1))
	}
	items := []ti.Item{{Value: "185.220.101.4"}, {Value: "8.8.8.8"}, {Value: "9.9.9.9"}, {Value: "1.1.1.1"}}
	rows, err := mk().LookupRows(t.Context(), items)
	if err == nil || len(rows) != 4 {
		t.Fatalf("%v %+v", err, rows)
	}
	for _, r := range rows {
		if r.Status != ti.StatusQueryFailed || !strings.Contains(r.Message, "503") {
			t.Errorf("%s: %v %q", r.Ioc, r.Status, r.Message)
		}
	}
	if got := srv.Hits.Load(); got != 3 { // one download with its 2 retries
		t.Errorf("requests = %d, want 3", got)
	}
	// A list older than MaxAge is still better than nothing while the site is down.
	p := filepath.Join(data, "tor", "torbulkexitlist.txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-72 * time.Hour)
	os.Chtimes(p, old, old)
	rows, err = mk().LookupRows(t.Context(), items[:2])
	if err != nil || !rows[0].Result || rows[1].Result || rows[0].Status != ti.StatusOK {
		t.Errorf("stale fallback: %v %+v", err, rows)
	}
}
