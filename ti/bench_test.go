package ti_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntkit/huntkit/ti"
)

func fillCache(b *testing.B, dir string, n int) []ti.Item {
	c, err := ti.OpenDiskCache(dir)
	if err != nil {
		b.Fatal(err)
	}
	items := make([]ti.Item, n)
	for i := range items {
		items[i] = ti.Item{Value: fmt.Sprintf("host%d.example.com", i), Type: "dns"}
		e := entry(ti.SevWarning, time.Hour, "bench")
		e.Result.Raw = map[string]any{"data": map[string]any{"id": items[i].Value, "attributes": map[string]any{
			"last_analysis_stats": map[string]any{"malicious": 3.0, "harmless": 60.0}, "reputation": -5.0}}}
		if err := c.Put("VirusTotal", items[i], e); err != nil {
			b.Fatal(err)
		}
	}
	return items
}

// BenchmarkDiskCacheGetWarm: hits served by the in-process layer.
func BenchmarkDiskCacheGetWarm(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "ti")
	items := fillCache(b, dir, 1000)
	c, _ := ti.OpenDiskCache(dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := c.Get("VirusTotal", items[i%len(items)]); !ok {
			b.Fatal("miss")
		}
	}
}

// BenchmarkDiskCacheGetCold: every hit read from its file (a fresh process).
func BenchmarkDiskCacheGetCold(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "ti")
	items := fillCache(b, dir, 1000)
	var c *ti.DiskCache
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(items) == 0 {
			c, _ = ti.OpenDiskCache(dir)
		}
		if _, ok := c.Get("VirusTotal", items[i%len(items)]); !ok {
			b.Fatal("miss")
		}
	}
}

// BenchmarkDiskCachePut: atomic writes (temp file + rename).
func BenchmarkDiskCachePut(b *testing.B) {
	c, _ := ti.OpenDiskCache(filepath.Join(b.TempDir(), "ti"))
	e := entry(ti.SevHigh, time.Hour, "bench")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Put("VirusTotal", ti.Item{Value: fmt.Sprintf("h%d.example.com", i%5000), Type: "dns"}, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupRowsCached: the whole client path (pre-checks, cache, rows) when every
// answer is cached. One op = one row.
func BenchmarkLookupRowsCached(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "ti")
	items := fillCache(b, dir, 1000)
	c, _ := ti.OpenDiskCache(dir)
	cl, err := ti.New(b.Context(), ti.WithProviders("FakeBatch"), ti.WithCache(renamed{c, "VirusTotal"}))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for done := 0; done < b.N; done += len(items) {
		rows, err := cl.LookupRows(b.Context(), items)
		if err != nil || !rows[0].Cached {
			b.Fatal(err, rows[0])
		}
	}
}

// renamed serves another provider's cache entries (the benchmark's fake provider reads the
// VirusTotal answers written by fillCache).
type renamed struct {
	c    ti.Cache
	name string
}

func (r renamed) Get(_ string, it ti.Item) (ti.Entry, bool)  { return r.c.Get(r.name, it) }
func (r renamed) Put(_ string, it ti.Item, e ti.Entry) error { return r.c.Put(r.name, it, e) }
