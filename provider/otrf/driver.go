package otrf

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name; Aliases its other names (msticpy's "Mordor").
const Name = "OTRF"

// Aliases are accepted in place of Name.
var Aliases = []string{"Mordor", "SecurityDatasets"}

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     Aliases,
		Description: "OTRF Security-Datasets (formerly Mordor): recorded attacks as local tables, downloaded once and cached",
		Language:    "kql",
		Dialect:     query.DialectFor("kql"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return true }, // the public catalogue needs no settings
	})
}

// Settings are the environment's options, read from the config's DataProviders.OTRF or
// DataProviders.Mordor section (msticpy's key save_folder is honoured).
type Settings struct {
	CacheDir    string   // save_folder: downloads and the saved catalogue (default ~/.msticpy/mordor)
	Catalog     string   // Args.Catalog: a catalogue JSON file or a folder of metadata YAML files
	LocalDirs   []string // Args.DataFolder and --data: folders holding dataset files already
	APIURL      string   // Args.APIURL: the GitHub trees API listing the metadata files
	RawURL      string   // Args.RawURL: where files are downloaded from
	HTTPTimeout time.Duration
}

// SettingsFrom reads Settings from the configuration.
func SettingsFrom(c *config.Config) Settings {
	s := Settings{CacheDir: filepath.Join("~", ".msticpy", "mordor"), APIURL: DefaultAPIURL, RawURL: DefaultRawURL, HTTPTimeout: 5 * time.Minute}
	for _, sec := range []string{"DataProviders.Mordor", "DataProviders.OTRF"} {
		if v, ok := c.String(sec + ".save_folder"); ok && v != "" {
			s.CacheDir = v
		}
		if v, ok := c.String(sec + ".Args.Catalog"); ok {
			s.Catalog = v
		}
		if v, ok := c.String(sec + ".Args.DataFolder"); ok {
			s.LocalDirs = append(s.LocalDirs, v)
		}
		if v, ok := c.String(sec + ".Args.APIURL"); ok {
			s.APIURL = v
		}
		if v, ok := c.String(sec + ".Args.RawURL"); ok {
			s.RawURL = v
		}
	}
	s.CacheDir = config.ExpandHome(s.CacheDir)
	return s
}

// Driver answers queries over OTRF datasets: tables the query names are fetched and
// imported on first use, then the query runs as on LocalData.
type Driver struct {
	set   Settings
	ws    query.Workspace
	inner *localdata.Driver
	store *Store

	mu      sync.Mutex
	cat     *Catalog
	offline error // why the catalogue holds only the offline folders' files, if it does
	loaded  map[string]bool
}

// Warnings reports, after a query, that the catalogue could not be fetched and only the
// offline folders' files (without their dataset ids) were available.
func (d *Driver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.offline != nil {
		return []error{d.offline}
	}
	return nil
}

// New returns an OTRF driver on s.Workspace; --data folders are searched for dataset files.
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	set := SettingsFrom(s.Config)
	set.LocalDirs = append(set.LocalDirs, s.DataPaths...)
	return NewWith(ctx, s.Workspace, set)
}

// NewWith returns an OTRF driver with explicit settings.
func NewWith(ctx context.Context, ws query.Workspace, set Settings) (*Driver, error) {
	if ws == nil {
		return nil, localdata.ErrNoWorkspace
	}
	inner, err := localdata.New(ctx, query.Settings{Workspace: ws})
	if err != nil {
		return nil, err
	}
	for i, d := range set.LocalDirs {
		set.LocalDirs[i] = config.ExpandHome(d)
	}
	return &Driver{
		set: set, ws: ws, inner: inner, loaded: map[string]bool{},
		store: &Store{Dir: set.CacheDir, Local: set.LocalDirs, RawURL: set.RawURL, Client: &http.Client{Timeout: set.HTTPTimeout}},
	}, nil
}

// Catalog returns the dataset catalogue: from Settings.Catalog, else the copy saved in the
// cache folder, else one found in the offline folders (msticpy's mordor_cache.json, a saved
// catalog.json or metadata YAML files), else fetched from the project (and saved for next
// time). When the fetch fails and the offline folders hold dataset files, those files form
// the catalogue (by table name) and the failure is kept as a warning; with nothing offline,
// the error wraps ErrCatalogUnavailable and says how to work offline.
func (d *Driver) Catalog(ctx context.Context) (*Catalog, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cat != nil {
		return d.cat, nil
	}
	var err error
	switch {
	case d.set.Catalog != "":
		d.cat, err = LoadCatalog(config.ExpandHome(d.set.Catalog))
	default:
		saved := filepath.Join(d.set.CacheDir, "catalog.json")
		if _, serr := os.Stat(saved); serr == nil {
			d.cat, err = LoadCatalog(saved)
			break
		}
		if d.cat, err = localCatalog(d.set.LocalDirs); err != nil || d.cat != nil {
			break
		}
		d.cat, err = FetchCatalog(ctx, d.store.Client, d.set.APIURL, d.set.RawURL)
		if err == nil {
			if serr := d.cat.Save(saved); serr != nil {
				err = fmt.Errorf("save OTRF catalogue: %w", serr)
			}
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		idx := localFiles(d.set.LocalDirs)
		if len(idx) == 0 {
			return nil, unavailable(err, nil)
		}
		// Offline with dataset files but no metadata: tables work, dataset ids cannot.
		d.offline = unavailable(err, idx)
		d.cat, err = filesCatalog(idx), nil
	}
	if err != nil {
		d.cat = nil
		return nil, err
	}
	return d.cat, nil
}

// Load fetches and imports a dataset (by id) or one of its files (by table name) and
// returns the table names.
func (d *Driver) Load(ctx context.Context, name string) ([]string, error) {
	cat, err := d.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	_, files, err := cat.Find(name)
	if err != nil {
		if d.offline != nil {
			return nil, fmt.Errorf("%q: %w; %w", name, ErrNoDataset, d.offline)
		}
		return nil, err
	}
	var tables []string
	for _, f := range files {
		t := f.Table()
		if err := d.ensure(ctx, f); err != nil {
			return tables, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

func (d *Driver) ensure(ctx context.Context, f File) error {
	t := f.Table()
	d.mu.Lock()
	done := d.loaded[t]
	d.mu.Unlock()
	if done {
		return nil
	}
	p, err := d.store.Fetch(ctx, f)
	if err != nil {
		return err
	}
	if err := d.ws.Import(ctx, t, p); err != nil {
		return err
	}
	d.mu.Lock()
	d.loaded[t] = true
	d.mu.Unlock()
	return nil
}

var identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// Query loads the datasets whose tables (or ids) the query names, then runs it as KQL or
// SQL. A query that is only a dataset id returns that dataset's first file.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	cat, err := d.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(req.Text)
	if ds, files, ok := cat.find(text); ok && strings.EqualFold(ds.ID, text) && len(files) > 0 {
		if err := d.ensure(ctx, files[0]); err != nil {
			return nil, err
		}
		return d.ws.Query(ctx, `SELECT * FROM "`+files[0].Table()+`"`)
	}
	seen := map[string]bool{}
	for _, id := range identRE.FindAllString(text, -1) {
		if seen[id] {
			continue
		}
		seen[id] = true
		_, files, ok := cat.find(id)
		if !ok {
			continue
		}
		for _, f := range files {
			if strings.EqualFold(id, f.Table()) {
				if err := d.ensure(ctx, f); err != nil {
					return nil, err
				}
			}
		}
	}
	return d.inner.Query(ctx, req)
}

// Datasets lists the catalogue's datasets whose id, title, technique, tactic or table
// matches the regular expression expr ("" = all), as a Frame (see Frame).
func (d *Driver) Datasets(ctx context.Context, expr string) (*frame.Frame, error) {
	cat, err := d.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	hits, err := cat.Search(expr)
	if err != nil {
		return nil, err
	}
	return Frame(hits), nil
}
