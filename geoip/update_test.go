package geoip

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAccount = "123456"
	testKey     = "s3cr3t-licence-KEY"
)

// maxmindServer speaks MaxMind's download API: GET /geoip/databases/{edition}/download?suffix=
// tar.gz|tar.gz.sha256 with basic auth; the archive itself is served through a redirect, as
// MaxMind redirects to its storage host.
type maxmindServer struct {
	mu       sync.Mutex
	archives map[string][]byte // edition -> tar.gz
	sums     map[string]string // edition -> override of the published sum
	hits     map[string]int    // "edition suffix" -> count
	status   int               // when non-zero, every request answers this status
}

func newMaxmindServer(t *testing.T) (*maxmindServer, *httptest.Server) {
	m := &maxmindServer{archives: map[string][]byte{}, sums: map[string]string{}, hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /geoip/databases/{edition}/download", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		ed, suffix := r.PathValue("edition"), r.URL.Query().Get("suffix")
		m.hits[ed+" "+suffix]++
		if m.status != 0 {
			http.Error(w, "simulated failure", m.status)
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || user != testAccount || pass != testKey {
			http.Error(w, "Invalid account ID or license key", http.StatusUnauthorized)
			return
		}
		data, ok := m.archives[ed]
		if !ok {
			http.Error(w, "Invalid product ID or subscription expired for "+ed, http.StatusNotFound)
			return
		}
		sum := sha256.Sum256(data)
		name := ed + "_20260102.tar.gz"
		switch suffix {
		case "tar.gz.sha256":
			s := hex.EncodeToString(sum[:])
			if o := m.sums[ed]; o != "" {
				s = o
			}
			w.Write([]byte(s + "  " + name + "\n"))
		case "tar.gz":
			http.Redirect(w, r, "/storage/"+ed+"/"+name, http.StatusFound)
		default:
			http.Error(w, "bad suffix", http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /storage/{edition}/{name}", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(m.archives[r.PathValue("edition")])
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return m, srv
}

func (m *maxmindServer) set(ed string, data []byte) {
	m.mu.Lock()
	m.archives[ed] = data
	m.mu.Unlock()
}

func (m *maxmindServer) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits[key]
}

func newUpdater(srv *httptest.Server, dir string) *Updater {
	return &Updater{Dir: dir, BaseURL: srv.URL + "/geoip/databases", AccountID: testAccount, LicenseKey: testKey, Client: srv.Client()}
}

func TestUpdateDownloadsVerifiesAndSkipsFresh(t *testing.T) {
	m, srv := newMaxmindServer(t)
	m.set("GeoLite2-City", tarGz(t, map[string][]byte{
		"GeoLite2-City_20260102/COPYRIGHT.txt":      []byte("test"),
		"GeoLite2-City_20260102/GeoLite2-City.mmdb": fixtureCity(t, "GeoLite2-City"),
	}))
	m.set("GeoLite2-ASN", tarGz(t, map[string][]byte{"GeoLite2-ASN_20260102/GeoLite2-ASN.mmdb": fixtureASN(t)}))
	dir := filepath.Join(t.TempDir(), "GeoLite2")
	u := newUpdater(srv, dir)
	res, err := u.Update(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Action != "downloaded" || res[1].Action != "downloaded" || len(res[0].SHA256) != 64 {
		t.Fatalf("results %+v", res)
	}
	db, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := db.Lookup("203.0.114.1")
	db.Close()
	if loc.City != "Auckland" || loc.ASN != 64500 {
		t.Errorf("lookup in downloaded databases: %+v", loc)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Fresh files are not downloaded again.
	res, err = u.Update(context.Background(), false)
	if err != nil || res[0].Action != "fresh" || m.count("GeoLite2-City tar.gz") != 1 {
		t.Fatalf("second update: %+v %v (downloads %d)", res, err, m.count("GeoLite2-City tar.gz"))
	}
	// Older than 30 days: due again.
	old := time.Now().Add(-31 * 24 * time.Hour)
	if err := os.Chtimes(u.Path("GeoLite2-City"), old, old); err != nil {
		t.Fatal(err)
	}
	if due := u.Due(); len(due) != 1 || due[0] != "GeoLite2-City" {
		t.Fatalf("due = %v", due)
	}
	res, err = u.Update(context.Background(), false)
	if err != nil || res[0].Action != "downloaded" || res[1].Action != "fresh" {
		t.Fatalf("stale update: %+v %v", res, err)
	}
	// Force downloads everything.
	if _, err := u.Update(context.Background(), true); err != nil || m.count("GeoLite2-ASN tar.gz") != 2 {
		t.Fatalf("forced update: %v, ASN downloads %d", err, m.count("GeoLite2-ASN tar.gz"))
	}
}

func TestUpdateFailuresKeepOldDatabase(t *testing.T) {
	good := tarGz(t, map[string][]byte{"GeoLite2-City_20260102/GeoLite2-City.mmdb": fixtureCity(t, "GeoLite2-City")})
	tests := []struct {
		name    string
		setup   func(m *maxmindServer, u *Updater)
		wantErr error
		wantMsg string
	}{
		{"checksum mismatch", func(m *maxmindServer, u *Updater) {
			m.set("GeoLite2-City", good)
			m.sums["GeoLite2-City"] = strings.Repeat("ab", 32)
		}, ErrChecksum, "published abab"},
		{"wrong licence key", func(m *maxmindServer, u *Updater) {
			m.set("GeoLite2-City", good)
			u.LicenseKey = "wrong-key-value"
		}, ErrAuth, "OtherProviders.GeoIPLite.Args.AccountID"},
		{"rate limited", func(m *maxmindServer, u *Updater) { m.status = http.StatusTooManyRequests }, ErrRateLimited, "HTTP 429"},
		{"server error", func(m *maxmindServer, u *Updater) { m.status = http.StatusInternalServerError }, ErrService, "HTTP 500"},
		{"no mmdb in archive", func(m *maxmindServer, u *Updater) {
			m.set("GeoLite2-City", tarGz(t, map[string][]byte{"GeoLite2-City_20260102/README.txt": []byte("x")}))
		}, nil, "no GeoLite2-City.mmdb in the archive"},
		{"corrupt mmdb", func(m *maxmindServer, u *Updater) {
			m.set("GeoLite2-City", tarGz(t, map[string][]byte{"GeoLite2-City_20260102/GeoLite2-City.mmdb": []byte("definitely not a maxmind database")}))
		}, nil, "verify GeoLite2-City"},
		{"wrong edition inside", func(m *maxmindServer, u *Updater) {
			m.set("GeoLite2-City", tarGz(t, map[string][]byte{"GeoLite2-City_20260102/GeoLite2-City.mmdb": fixtureASN(t)}))
		}, nil, `holds a "GeoLite2-ASN" database`},
		{"not gzip", func(m *maxmindServer, u *Updater) { m.set("GeoLite2-City", []byte("<html>oops</html>")) }, nil, "extract GeoLite2-City"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, srv := newMaxmindServer(t)
			dir := t.TempDir()
			u := newUpdater(srv, dir)
			u.Editions = []string{"GeoLite2-City"}
			oldData := fixtureCity(t, "GeoLite2-City")
			if err := os.WriteFile(u.Path("GeoLite2-City"), oldData, 0o644); err != nil {
				t.Fatal(err)
			}
			tc.setup(m, u)
			res, err := u.Update(context.Background(), true)
			if err == nil {
				t.Fatalf("no error; results %+v", res)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v does not match %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "wrong-key-value") {
				t.Errorf("error leaks the licence key: %v", err)
			}
			if res[0].Action != "failed" {
				t.Errorf("action %q", res[0].Action)
			}
			now, _ := os.ReadFile(u.Path("GeoLite2-City"))
			if string(now) != string(oldData) {
				t.Error("old database was replaced")
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestUpdateNeedsKeyAndFolder(t *testing.T) {
	if _, err := (&Updater{Dir: t.TempDir()}).Update(context.Background(), false); !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "AuthKey") {
		t.Errorf("no key: %v", err)
	}
	if _, err := (&Updater{LicenseKey: "k"}).Update(context.Background(), false); err == nil || !strings.Contains(err.Error(), "DBFolder") {
		t.Errorf("no folder: %v", err)
	}
}

func TestUpdateCancelled(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	u := newUpdater(srv, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := u.Update(ctx, true)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateWaitsForOtherProcess(t *testing.T) {
	m, srv := newMaxmindServer(t)
	m.set("GeoLite2-ASN", tarGz(t, map[string][]byte{"GeoLite2-ASN_20260102/GeoLite2-ASN.mmdb": fixtureASN(t)}))
	dir := t.TempDir()
	u := newUpdater(srv, dir)
	u.Editions = []string{"GeoLite2-ASN"}
	lock := filepath.Join(dir, ".huntkit-update.lock")
	if err := os.WriteFile(lock, []byte("12345\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// While the lock is held the update waits; a cancelled wait reports it.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := u.Update(ctx, false)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "another update") {
		t.Fatalf("err = %v", err)
	}
	// The other process finishes (and installs the database): the waiter then finds it fresh.
	go func() {
		time.Sleep(300 * time.Millisecond)
		os.WriteFile(u.Path("GeoLite2-ASN"), fixtureASN(t), 0o644)
		os.Remove(lock)
	}()
	res, err := u.Update(context.Background(), false)
	if err != nil || res[0].Action != "fresh" || m.count("GeoLite2-ASN tar.gz") != 0 {
		t.Fatalf("after wait: %+v %v, downloads %d", res, err, m.count("GeoLite2-ASN tar.gz"))
	}
	// A stale lock (crashed process) is ignored.
	os.WriteFile(lock, nil, 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(lock, old, old)
	if _, err := u.Update(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock left behind: %v", err)
	}
}

func TestUpdateErrorsOfSeveralEditionsOnOneLine(t *testing.T) {
	m, srv := newMaxmindServer(t)
	m.status = http.StatusInternalServerError
	u := newUpdater(srv, t.TempDir())
	u.Editions = []string{"GeoLite2-City", "GeoLite2-ASN"}
	_, err := u.Update(context.Background(), true)
	if err == nil || strings.Contains(err.Error(), "\n") || !errors.Is(err, ErrService) ||
		!strings.Contains(err.Error(), "GeoLite2-City") || !strings.Contains(err.Error(), "GeoLite2-ASN") {
		t.Errorf("error %q: want both editions on one line, matching ErrService", err)
	}
}
