package ti_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/ti"
)

func entry(sev ti.Severity, ttl time.Duration, tag string) ti.Entry {
	now := time.Now()
	return ti.Entry{Stored: now, Expires: now.Add(ttl), Result: ti.Result{Found: true, Severity: sev,
		Details: map[string]any{"writer": tag}, Reference: "https://example.org/" + tag}}
}

func TestDiskCacheRoundTripAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ti")
	c, err := ti.OpenDiskCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	it := ti.Item{Value: "evil.example.com", Type: "dns"}
	if _, ok := c.Get("VirusTotal", it); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put("VirusTotal", it, entry(ti.SevHigh, time.Hour, "a")); err != nil {
		t.Fatal(err)
	}
	// A fresh instance (another process) reads the file.
	c2, _ := ti.OpenDiskCache(dir)
	e, ok := c2.Get("VirusTotal", it)
	if !ok || e.Result.Severity != ti.SevHigh || e.Ioc != it.Value || e.Result.Reference != "https://example.org/a" {
		t.Fatalf("got %+v %v", e, ok)
	}
	if _, ok := c2.Get("OTX", it); ok {
		t.Error("provider not part of the key")
	}
	if _, ok := c2.Get("VirusTotal", ti.Item{Value: "evil.example.com", Type: "url"}); ok {
		t.Error("type not part of the key")
	}
	// Expired entries are misses.
	if err := c.Put("VirusTotal", ti.Item{Value: "old.example.com", Type: "dns"}, entry(ti.SevHigh, -time.Second, "x")); err != nil {
		t.Fatal(err)
	}
	if _, ok := c2.Get("VirusTotal", ti.Item{Value: "old.example.com", Type: "dns"}); ok {
		t.Error("expired entry returned")
	}
	checkModes(t, dir)
	st, err := c.Stats()
	if err != nil || st.Entries != 2 || st.Expired != 1 || st.ByProvider["virustotal"] != 2 || st.Bytes == 0 {
		t.Errorf("stats %+v %v", st, err)
	}
	n, err := c.Clear("", true)
	if err != nil || n != 1 {
		t.Errorf("clear expired: %d %v", n, err)
	}
	n, err = c.Clear("VirusTotal", false)
	if err != nil || n != 1 {
		t.Errorf("clear provider: %d %v", n, err)
	}
	if _, ok := c.Get("VirusTotal", it); ok {
		t.Error("hit after clear")
	}
}

func checkModes(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		mode := info.Mode().Perm()
		if info.IsDir() && mode != 0o700 {
			t.Errorf("%s: dir mode %o, want 700", p, mode)
		}
		if !info.IsDir() {
			if mode != 0o600 {
				t.Errorf("%s: file mode %o, want 600", p, mode)
			}
			if strings.HasPrefix(info.Name(), ".tmp-") {
				t.Errorf("temporary file left behind: %s", p)
			}
		}
		return nil
	})
}

const writerEnv = "HUNTKIT_TI_CACHE_WRITER"

// TestCacheWriterProcess is the body of the child processes of TestDiskCacheTwoProcesses.
func TestCacheWriterProcess(t *testing.T) {
	spec := os.Getenv(writerEnv)
	if spec == "" {
		t.Skip("helper process only")
	}
	dir, tag, _ := strings.Cut(spec, "|")
	c, err := ti.OpenDiskCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		for i := 0; i < 100; i++ {
			it := ti.Item{Value: fmt.Sprintf("host%d.example.com", i), Type: "dns"}
			if err := c.Put("Shared", it, entry(ti.SevWarning, time.Hour, tag)); err != nil {
				t.Fatal(err)
			}
			// Read through a fresh instance so the memory layer does not hide the disk.
			c2, _ := ti.OpenDiskCache(dir)
			if e, ok := c2.Get("Shared", it); !ok || e.Result.Severity != ti.SevWarning {
				t.Fatalf("read back %s: %+v %v", it.Value, e, ok)
			}
		}
	}
}

func TestDiskCacheTwoProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := make([][]byte, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCacheWriterProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|writer%d", writerEnv, dir, i))
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v\n%s", i, errs[i], outs[i])
		}
		if !strings.Contains(string(outs[i]), "PASS") {
			t.Fatalf("writer %d did not run: %s", i, outs[i])
		}
	}
	c, _ := ti.OpenDiskCache(dir)
	for i := 0; i < 100; i++ {
		e, ok := c.Get("Shared", ti.Item{Value: fmt.Sprintf("host%d.example.com", i), Type: "dns"})
		if !ok {
			t.Fatalf("entry %d missing or corrupt", i)
		}
		w := e.Result.Details.(map[string]any)["writer"]
		if w != "writer0" && w != "writer1" {
			t.Errorf("entry %d written by %v", i, w)
		}
	}
	st, _ := c.Stats()
	if st.Entries != 100 {
		t.Errorf("entries = %d, want 100", st.Entries)
	}
	checkModes(t, dir)
}

func TestMemoryCache(t *testing.T) {
	c := ti.NewMemoryCache()
	it := ti.Item{Value: "1.2.3.4", Type: "ipv4"}
	c.Put("X", it, entry(ti.SevHigh, time.Hour, "m"))
	if e, ok := c.Get("X", it); !ok || e.Result.Severity != ti.SevHigh {
		t.Error("miss")
	}
	c.Put("X", it, entry(ti.SevHigh, -time.Hour, "m"))
	if _, ok := c.Get("X", it); ok {
		t.Error("expired hit")
	}
}
