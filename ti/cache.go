package ti

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Cache stores provider answers between runs. Implementations must be safe for concurrent
// use.
type Cache interface {
	// Get returns the unexpired entry for a provider and item.
	Get(provider string, item Item) (Entry, bool)
	// Put stores an entry; it expires at e.Expires.
	Put(provider string, item Item, e Entry) error
}

// Entry is one cached answer.
type Entry struct {
	Provider string    `json:"provider"`
	Ioc      string    `json:"ioc"`
	Type     string    `json:"type"`
	Stored   time.Time `json:"stored"`
	Expires  time.Time `json:"expires"`
	Result   Result    `json:"result"`
}

// DiskCache keeps one small JSON file per answer under a private directory (0700 folders,
// 0600 files). Every write goes to a temporary file in the same folder and is renamed into
// place, so several huntkit processes can share the directory: a reader sees either the old
// answer or the new one, never half a file, and the last writer wins. A bounded in-memory
// map in front of the files serves repeated hits without touching the disk.
type DiskCache struct {
	dir    string
	now    func() time.Time
	mu     sync.RWMutex
	mem    map[string]Entry
	memMax int
	dirs   sync.Map // folders known to exist
}

// DefaultCacheDir returns os.UserCacheDir()/huntkit/ti.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("TI cache: %w", err)
	}
	return filepath.Join(d, "huntkit", "ti"), nil
}

// OpenDiskCache opens (creating it with mode 0700) the cache directory; "" means
// DefaultCacheDir.
func OpenDiskCache(dir string) (*DiskCache, error) {
	if dir == "" {
		var err error
		if dir, err = DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("TI cache %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("TI cache %s: %w", dir, err)
	}
	return &DiskCache{dir: dir, now: time.Now, mem: map[string]Entry{}, memMax: 1 << 18}, nil
}

// Dir returns the cache directory.
func (c *DiskCache) Dir() string { return c.dir }

func cacheKey(provider string, it Item) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(provider)))
	h.Write([]byte{0})
	h.Write([]byte(it.Type))
	h.Write([]byte{0})
	h.Write([]byte(it.Value))
	return hex.EncodeToString(h.Sum(nil))
}

func (c *DiskCache) path(provider, key string) string {
	return filepath.Join(c.dir, safeName(provider), key[:2], key+".json")
}

func safeName(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// Get returns the cached, unexpired answer.
func (c *DiskCache) Get(provider string, it Item) (Entry, bool) {
	key := cacheKey(provider, it)
	now := c.now()
	c.mu.RLock()
	e, ok := c.mem[key]
	c.mu.RUnlock()
	if ok {
		if now.Before(e.Expires) {
			return e, true
		}
		c.mu.Lock()
		delete(c.mem, key)
		c.mu.Unlock()
	}
	b, err := os.ReadFile(c.path(provider, key))
	if err != nil {
		return Entry{}, false
	}
	if err := json.Unmarshal(b, &e); err != nil || !now.Before(e.Expires) ||
		e.Ioc != it.Value || e.Type != string(it.Type) {
		return Entry{}, false
	}
	c.remember(key, e)
	return e, true
}

func (c *DiskCache) remember(key string, e Entry) {
	c.mu.Lock()
	if len(c.mem) >= c.memMax {
		clear(c.mem)
	}
	c.mem[key] = e
	c.mu.Unlock()
}

// Put writes the entry atomically (temporary file + rename).
func (c *DiskCache) Put(provider string, it Item, e Entry) error {
	key := cacheKey(provider, it)
	e.Provider, e.Ioc, e.Type = provider, it.Value, string(it.Type)
	if e.Stored.IsZero() {
		e.Stored = c.now()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("TI cache: encode %s answer for %s: %w", provider, it.Value, err)
	}
	p := c.path(provider, key)
	dir := filepath.Dir(p)
	if _, ok := c.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("TI cache: %w", err)
		}
		c.dirs.Store(dir, true)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*") // mode 0600
	if errors.Is(err, fs.ErrNotExist) {      // the folder was removed under us (cache clear)
		c.dirs.Delete(dir)
		if err = os.MkdirAll(dir, 0o700); err == nil {
			tmp, err = os.CreateTemp(dir, ".tmp-*")
		}
	}
	if err != nil {
		return fmt.Errorf("TI cache: %w", err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("TI cache: write %s: %w", p, werr)
	}
	c.remember(key, e)
	return nil
}

// CacheStats describes the cache's contents.
type CacheStats struct {
	Dir        string
	Entries    int            // answer files
	Expired    int            // of which past their expiry
	Bytes      int64          // total size of answer files
	ByProvider map[string]int // answer files per provider folder
}

// Stats walks the cache directory.
func (c *DiskCache) Stats() (CacheStats, error) {
	st := CacheStats{Dir: c.dir, ByProvider: map[string]int{}}
	now := c.now()
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		st.Entries++
		st.Bytes += info.Size()
		rel, _ := filepath.Rel(c.dir, p)
		st.ByProvider[strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]]++
		var e struct {
			Expires time.Time `json:"expires"`
		}
		if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &e) == nil && !now.Before(e.Expires) {
			st.Expired++
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("TI cache stats %s: %w", c.dir, err)
	}
	return st, nil
}

// Clear removes cached answers: all of them when provider is "", else that provider's;
// with expiredOnly, only answers past their expiry. It returns how many were removed.
func (c *DiskCache) Clear(provider string, expiredOnly bool) (int, error) {
	root := c.dir
	if provider != "" {
		root = filepath.Join(c.dir, safeName(provider))
	}
	now := c.now()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		if expiredOnly {
			var e struct {
				Expires time.Time `json:"expires"`
			}
			if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &e) == nil && now.Before(e.Expires) {
				return nil
			}
		}
		if err := os.Remove(p); err == nil {
			n++
		}
		return nil
	})
	c.mu.Lock()
	clear(c.mem)
	c.mu.Unlock()
	if err != nil {
		return n, fmt.Errorf("TI cache clear %s: %w", root, err)
	}
	return n, nil
}

// MemoryCache is an in-process Cache (tests, notebooks).
type MemoryCache struct {
	mu  sync.RWMutex
	m   map[string]Entry
	now func() time.Time
}

// NewMemoryCache returns an empty in-process cache.
func NewMemoryCache() *MemoryCache { return &MemoryCache{m: map[string]Entry{}, now: time.Now} }

// Get returns the unexpired entry.
func (c *MemoryCache) Get(provider string, it Item) (Entry, bool) {
	c.mu.RLock()
	e, ok := c.m[cacheKey(provider, it)]
	c.mu.RUnlock()
	if !ok || !c.now().Before(e.Expires) {
		return Entry{}, false
	}
	return e, true
}

// Put stores the entry.
func (c *MemoryCache) Put(provider string, it Item, e Entry) error {
	e.Provider, e.Ioc, e.Type = provider, it.Value, string(it.Type)
	c.mu.Lock()
	c.m[cacheKey(provider, it)] = e
	c.mu.Unlock()
	return nil
}
