package otrf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrCatalogUnavailable is wrapped when no catalogue could be loaded or fetched: the
// network is down (or blocked) and no catalogue was found locally.
var ErrCatalogUnavailable = errors.New("OTRF catalogue unavailable")

// offlineHint tells a user without network how to work offline.
const offlineHint = "to work offline, pass --data DIR with the dataset files and the project's metadata " +
	"YAMLs (or msticpy's mordor_cache.json), or set DataProviders.OTRF.Args.Catalog"

// catalogNames are the catalogue files looked for in offline folders: msticpy's cache and
// the copy huntkit saves.
var catalogNames = []string{"mordor_cache.json", "catalog.json"}

// maxWalk bounds how many entries an offline folder scan looks at (a --data folder may be
// a home directory by mistake).
const maxWalk = 20000

// localCatalog looks for a catalogue in the offline folders and their immediate
// subfolders: a catalogue JSON file, or metadata YAML files (in the folder itself or in a
// "metadata" or "_metadata" subfolder). It merges what it finds; nil when nothing is there.
func localCatalog(dirs []string) (*Catalog, error) {
	merged := &Catalog{}
	seen := map[string]bool{}
	add := func(c *Catalog) {
		for _, d := range c.Datasets {
			if !seen[d.ID] {
				seen[d.ID] = true
				merged.add(d)
			}
		}
	}
	for _, dir := range dirs {
		for _, sub := range []string{"", "metadata", "_metadata"} {
			base := filepath.Join(dir, sub)
			for _, n := range catalogNames {
				p := filepath.Join(base, n)
				if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
					c, err := LoadCatalog(p)
					if err != nil {
						return nil, err
					}
					add(c)
				}
			}
			if hasYAML(base) {
				c, err := LoadCatalog(base)
				if err != nil {
					return nil, err
				}
				add(c)
			}
		}
	}
	if merged.Len() == 0 {
		return nil, nil
	}
	merged.sort()
	return merged, nil
}

func hasYAML(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if e.Type().IsRegular() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			return true
		}
	}
	return false
}

// localFiles indexes the dataset files (zip, json, tar.gz...) of the offline folders and
// their subfolders (three levels deep at most) by lower-case file name.
func localFiles(dirs []string) map[string]string {
	idx := map[string]string{}
	n := 0
	for _, dir := range dirs {
		root := filepath.Clean(dir)
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if n++; n > maxWalk {
				return filepath.SkipAll
			}
			if d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				if rel != "." && strings.Count(rel, string(filepath.Separator)) >= 2 {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !isDatasetFile(d.Name()) {
				return nil
			}
			key := strings.ToLower(d.Name())
			if _, dup := idx[key]; !dup {
				idx[key] = p
			}
			return nil
		})
	}
	return idx
}

func isDatasetFile(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".zip", ".tar.gz", ".json", ".jsonl"} {
		if strings.HasSuffix(n, ext) {
			return !strings.HasSuffix(n, "mordor_cache.json") && n != "catalog.json"
		}
	}
	return false
}

// filesCatalog is the catalogue of last resort offline: one entry per dataset file found in
// the offline folders, named by its table (dataset ids are unknown without the metadata).
func filesCatalog(idx map[string]string) *Catalog {
	c := &Catalog{}
	for _, p := range idx {
		f := File{Type: "Host", Link: p}
		c.add(Dataset{ID: f.Table(), Title: filepath.Base(p) + " (offline file; no metadata)", Files: []File{f}})
	}
	c.sort()
	return c
}

// unavailable explains a failed catalogue fetch with what the offline folders hold.
func unavailable(fetchErr error, idx map[string]string) error {
	why := strings.TrimPrefix(fetchErr.Error(), "OTRF catalogue: ")
	if len(idx) == 0 {
		return fmt.Errorf("%w (offline?): %s; %s", ErrCatalogUnavailable, why, offlineHint)
	}
	var tables []string
	for _, p := range idx {
		tables = append(tables, File{Link: p}.Table())
	}
	sort.Strings(tables)
	shown := strings.Join(tables, ", ")
	if len(tables) > 3 {
		shown = strings.Join(tables[:3], ", ") + ", ... (huntkit otrf list)"
	}
	return fmt.Errorf("%w (offline?): %s; the offline folders hold %d dataset files but no metadata, so dataset ids "+
		"cannot be resolved: name a table instead (%s), or %s", ErrCatalogUnavailable, why, len(tables), shown, offlineHint)
}
