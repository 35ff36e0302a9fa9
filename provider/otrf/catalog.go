// Package otrf is the OTRF data environment (msticpy's "Mordor"): the OTRF
// Security-Datasets project's recorded attack datasets, found through their metadata
// catalogue (title, ATT&CK techniques, files), downloaded once into a cache folder (or read
// from a local folder, fully offline), imported into the workspace and queried with KQL or
// SQL like LocalData tables.
//
// A dataset file becomes a table named after its path in the project without "atomic/",
// e.g. windows_credential_access_host_psh_lsass_memory_dump_comsvcs.
package otrf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Upstream locations of the project; both are configurable.
const (
	DefaultAPIURL = "https://api.github.com/repos/OTRF/Security-Datasets/git/trees/master?recursive=1"
	DefaultRawURL = "https://raw.githubusercontent.com/OTRF/Security-Datasets/master/"
)

// ErrNoDataset is wrapped when a name matches no dataset or file in the catalogue.
var ErrNoDataset = errors.New("no such OTRF dataset")

// Technique is one ATT&CK mapping of a dataset.
type Technique struct {
	Technique    string   `yaml:"technique" json:"technique"`
	SubTechnique string   `yaml:"sub-technique" json:"sub-technique"`
	Tactics      []string `yaml:"tactics" json:"tactics"`
}

// ID returns the technique id with its sub-technique (T1003.001).
func (t Technique) ID() string {
	if t.SubTechnique != "" {
		return t.Technique + "." + t.SubTechnique
	}
	return t.Technique
}

// File is one downloadable file of a dataset.
type File struct {
	Type string `yaml:"type" json:"type"`
	Link string `yaml:"link" json:"link"`
}

// Table returns the table name of the file: its path inside the project's datasets folder,
// without "atomic/", joined with underscores.
func (f File) Table() string {
	p := f.Link
	if i := strings.Index(p, "/datasets/"); i >= 0 {
		p = p[i+len("/datasets/"):]
	} else {
		p = path.Base(p)
	}
	p = strings.TrimPrefix(p, "atomic/")
	p = strings.TrimSuffix(p, path.Ext(p))
	var b strings.Builder
	for _, r := range p {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Dataset is one catalogue entry (a metadata document).
type Dataset struct {
	ID          string      `yaml:"id" json:"id"`
	Title       string      `yaml:"title" json:"title"`
	Description string      `yaml:"description" json:"description"`
	Type        string      `yaml:"type" json:"type"`
	Platform    []string    `yaml:"platform" json:"platform"`
	Tags        []string    `yaml:"tags" json:"tags"`
	Created     string      `yaml:"creation_date" json:"creation_date"`
	Modified    string      `yaml:"modification_date" json:"modification_date"`
	Attack      []Technique `yaml:"attack_mappings" json:"attack_mappings"`
	Files       []File      `yaml:"files" json:"files"`
}

// Catalog is the list of datasets.
type Catalog struct {
	Datasets []Dataset
}

// Len returns the number of datasets.
func (c *Catalog) Len() int { return len(c.Datasets) }

func (c *Catalog) add(d Dataset) {
	if d.ID == "" {
		return
	}
	c.Datasets = append(c.Datasets, d)
}

func (c *Catalog) sort() {
	sort.Slice(c.Datasets, func(i, j int) bool { return c.Datasets[i].ID < c.Datasets[j].ID })
}

// ParseCatalogJSON reads a catalogue saved as JSON: msticpy's cache (an object from
// metadata path to document) or a list of documents.
func ParseCatalogJSON(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	var byPath map[string]Dataset
	if err := json.Unmarshal(data, &byPath); err == nil {
		for _, d := range byPath {
			c.add(d)
		}
		c.sort()
		return c, nil
	}
	var list []Dataset
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("OTRF catalogue: %w", err)
	}
	for _, d := range list {
		c.add(d)
	}
	c.sort()
	return c, nil
}

// ParseMetadata reads one metadata YAML document.
func ParseMetadata(name string, data []byte) (Dataset, error) {
	var d Dataset
	if err := yaml.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("OTRF metadata %s: %w", name, err)
	}
	if d.ID == "" {
		return d, fmt.Errorf("OTRF metadata %s: no id", name)
	}
	return d, nil
}

// LoadCatalog reads a catalogue from a JSON file or from a folder of metadata YAML files.
func LoadCatalog(p string) (*Catalog, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("OTRF catalogue: %w", err)
	}
	if !st.IsDir() {
		fh, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		c, err := ParseCatalogJSON(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return c, nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	for _, e := range ents {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(p, e.Name()))
		if err != nil {
			return nil, err
		}
		d, err := ParseMetadata(e.Name(), data)
		if err != nil {
			return nil, err
		}
		c.add(d)
	}
	c.sort()
	return c, nil
}

// Save writes the catalogue as a JSON list (atomically).
func (c *Catalog) Save(p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return frame.AtomicWrite(p, 0o644, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(c.Datasets)
	})
}

// FetchCatalog lists the metadata documents through the GitHub trees API at apiURL and
// reads each from rawURL, a few at a time.
func FetchCatalog(ctx context.Context, client *http.Client, apiURL, rawURL string) (*Catalog, error) {
	var tree struct {
		Tree []struct {
			Path string `json:"path"`
			Type string `json:"type"`
		} `json:"tree"`
		Truncated bool `json:"truncated"`
	}
	if err := getJSON(ctx, client, apiURL, &tree); err != nil {
		return nil, fmt.Errorf("OTRF catalogue: %w", err)
	}
	var paths []string
	for _, e := range tree.Tree {
		if e.Type == "blob" && strings.Contains(e.Path, "/_metadata/") && strings.HasSuffix(e.Path, ".yaml") {
			paths = append(paths, e.Path)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("OTRF catalogue: %s lists no metadata files", apiURL)
	}
	c := &Catalog{}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func(p string) {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := get(ctx, client, strings.TrimSuffix(rawURL, "/")+"/"+p)
			var d Dataset
			if err == nil {
				d, err = ParseMetadata(p, data)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			c.add(d)
		}(p)
	}
	wg.Wait()
	if firstErr != nil && c.Len() == 0 {
		return nil, fmt.Errorf("OTRF catalogue: %w", firstErr)
	}
	c.sort()
	return c, nil
}

func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	data, err := get(ctx, client, url)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("GET %s: malformed JSON: %w", url, err)
	}
	return nil
}

// Search returns the datasets whose id, title, description, tags, platform, techniques or
// table names match the regular expression (case-insensitive); "" matches all.
func (c *Catalog) Search(expr string) ([]Dataset, error) {
	if expr == "" {
		return c.Datasets, nil
	}
	re, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", expr, err)
	}
	var out []Dataset
	for _, d := range c.Datasets {
		hay := []string{d.ID, d.Title, d.Description, strings.Join(d.Tags, " "), strings.Join(d.Platform, " ")}
		for _, t := range d.Attack {
			hay = append(hay, t.ID())
			hay = append(hay, t.Tactics...)
		}
		for _, f := range d.Files {
			hay = append(hay, f.Table())
		}
		for _, h := range hay {
			if re.MatchString(h) {
				out = append(out, d)
				break
			}
		}
	}
	return out, nil
}

// Find returns the dataset with that id, or the dataset and file whose table has that name.
// An unknown name gives an error wrapping ErrNoDataset that suggests the closest ids and
// table names.
func (c *Catalog) Find(name string) (Dataset, []File, error) {
	if d, files, ok := c.find(name); ok {
		return d, files, nil
	}
	var names []string
	for _, d := range c.Datasets {
		names = append(names, d.ID)
		for _, f := range d.Files {
			names = append(names, f.Table())
		}
	}
	if sug := suggest.Ranked(name, names, 3); len(sug) > 0 {
		return Dataset{}, nil, fmt.Errorf("%q: %w; did you mean %s?", name, ErrNoDataset, strings.Join(sug, ", "))
	}
	return Dataset{}, nil, fmt.Errorf("%q: %w (see huntkit otrf list)", name, ErrNoDataset)
}

// find looks name up as a dataset id or a table name (case-insensitive), without
// suggestions (the driver tries every identifier of a query).
func (c *Catalog) find(name string) (Dataset, []File, bool) {
	for _, d := range c.Datasets {
		if strings.EqualFold(d.ID, name) {
			return d, d.Files, true
		}
		for _, f := range d.Files {
			if strings.EqualFold(f.Table(), name) {
				return d, []File{f}, true
			}
		}
	}
	return Dataset{}, nil, false
}

// Frame lists datasets as a Frame: ID, Title, Platform, Type, Techniques, Tactics, Tables,
// Created, Description.
func Frame(ds []Dataset) *frame.Frame {
	cols := map[string]*frame.Builder{}
	names := []string{"ID", "Title", "Platform", "Type", "Techniques", "Tactics", "Tables", "Created", "Description"}
	for _, n := range names {
		cols[n] = frame.NewBuilder(n, frame.String, len(ds))
	}
	for _, d := range ds {
		var techs, tactics, tables []string
		seen := map[string]bool{}
		seenTech := map[string]bool{}
		for _, t := range d.Attack {
			if id := t.ID(); !seenTech[id] { // a technique may be listed once per tactic
				seenTech[id] = true
				techs = append(techs, id)
			}
			for _, ta := range t.Tactics {
				if !seen[ta] {
					seen[ta] = true
					tactics = append(tactics, ta)
				}
			}
		}
		for _, f := range d.Files {
			tables = append(tables, f.Table())
		}
		cols["ID"].AppendString(d.ID)
		cols["Title"].AppendString(d.Title)
		cols["Platform"].AppendString(strings.Join(d.Platform, ", "))
		cols["Type"].AppendString(d.Type)
		cols["Techniques"].AppendString(strings.Join(techs, ", "))
		cols["Tactics"].AppendString(strings.Join(tactics, ", "))
		cols["Tables"].AppendString(strings.Join(tables, ", "))
		cols["Created"].AppendString(d.Created)
		cols["Description"].AppendString(strings.TrimSpace(d.Description))
	}
	out := make([]*frame.Column, len(names))
	for i, n := range names {
		out[i] = cols[n].Column()
	}
	return frame.MustNew(out...)
}
