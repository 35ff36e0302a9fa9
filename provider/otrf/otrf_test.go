package otrf

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/query"
)

const lsassTable = "windows_credential_access_host_psh_lsass_memory_dump_comsvcs"

func TestCatalogFromMsticpyCache(t *testing.T) {
	cat, err := LoadCatalog(testdata.Shared(t, "otrf/mordor_cache.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cat.Len() != 96 {
		t.Errorf("datasets = %d, want 96", cat.Len())
	}
	d, files, err := cat.Find("SDWIN-201022025808")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Mshta VBScript Execute PowerShell" || len(files) != 1 ||
		files[0].Table() != "windows_defense_evasion_host_cmd_mshta_vbscript_execute_psh" {
		t.Errorf("dataset = %+v, files %+v", d.Title, files)
	}
	hits, err := cat.Search(`T1003\.001`)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		for _, f := range h.Files {
			found = found || f.Table() == lsassTable
		}
	}
	if !found {
		t.Errorf("search for T1003.001 missed the LSASS dump dataset (%d hits)", len(hits))
	}
	if _, _, err := cat.Find("nope"); !errors.Is(err, ErrNoDataset) {
		t.Errorf("unknown dataset: %v", err)
	}
	f := Frame(hits)
	if f.Len() != len(hits) || f.Col("Techniques") == nil {
		t.Errorf("frame: %v", f.Fields())
	}
}

func TestCatalogFromMetadataFolder(t *testing.T) {
	cat, err := LoadCatalog(testdata.Shared(t, "otrf/metadata"))
	if err != nil {
		t.Fatal(err)
	}
	if cat.Len() != 10 {
		t.Errorf("datasets = %d, want 10", cat.Len())
	}
}

// server serves a GitHub trees listing, the metadata files and the dataset zips.
func server(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	meta := testdata.Shared(t, "otrf/metadata")
	zips := testdata.Shared(t, "otrf/zips")
	var downloads atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/repos/OTRF/Security-Datasets/git/trees/master", func(w http.ResponseWriter, r *http.Request) {
		ents, _ := os.ReadDir(meta)
		var b strings.Builder
		b.WriteString(`{"sha":"x","truncated":false,"tree":[{"path":"datasets","type":"tree"}`)
		for _, e := range ents {
			b.WriteString(`,{"path":"datasets/atomic/_metadata/` + e.Name() + `","mode":"100644","type":"blob"}`)
		}
		b.WriteString(`]}`)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(b.String()))
	})
	mux.HandleFunc("/raw/datasets/atomic/_metadata/", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(meta, filepath.Base(r.URL.Path)))
	})
	mux.HandleFunc("/raw/datasets/atomic/", func(w http.ResponseWriter, r *http.Request) {
		rel := strings.TrimPrefix(r.URL.Path, "/raw/datasets/atomic/")
		name := strings.ReplaceAll(rel, "/", "_")
		p := filepath.Join(zips, name)
		if _, err := os.Stat(p); err != nil {
			http.NotFound(w, r)
			return
		}
		downloads.Add(1)
		http.ServeFile(w, r, p)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &downloads
}

func newWorkspace(t *testing.T) *engine.Workspace {
	t.Helper()
	ws, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestDownloadCacheAndQuery(t *testing.T) {
	srv, downloads := server(t)
	ctx := context.Background()
	cache := t.TempDir()
	set := Settings{CacheDir: cache, APIURL: srv.URL + "/repos/OTRF/Security-Datasets/git/trees/master?recursive=1", RawURL: srv.URL + "/raw/"}
	d, err := NewWith(ctx, newWorkspace(t), set)
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Query(ctx, query.Request{Language: "sql", Text: `SELECT count(*) AS n FROM ` + lsassTable + ` WHERE EventID = 10 AND TargetImage ILIKE '%lsass.exe'`})
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("n").Int(0) == 0 {
		t.Error("no Sysmon process-access events on lsass.exe in the LSASS dump dataset")
	}
	if downloads.Load() != 1 {
		t.Errorf("downloads = %d, want 1", downloads.Load())
	}
	if _, err := os.Stat(filepath.Join(cache, "catalog.json")); err != nil {
		t.Errorf("catalogue not saved: %v", err)
	}
	// A second driver reuses the cached file and catalogue: no new download.
	d2, err := NewWith(ctx, newWorkspace(t), set)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := d2.Load(ctx, "SDWIN-201018195009")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0] != lsassTable || downloads.Load() != 1 {
		t.Errorf("tables %v, downloads %d", tables, downloads.Load())
	}
}

func TestOfflineFolder(t *testing.T) {
	ctx := context.Background()
	set := Settings{Catalog: testdata.Shared(t, "otrf/mordor_cache.json"), LocalDirs: []string{testdata.Shared(t, "otrf/zips")},
		CacheDir: t.TempDir(), RawURL: "http://127.0.0.1:1/unreachable/"}
	d, err := NewWith(ctx, newWorkspace(t), set)
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Query(ctx, query.Request{Language: "sql", Text: `SELECT count(DISTINCT EventID) AS ids FROM windows_lateral_movement_host_schtask_create`})
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("ids").Int(0) < 5 {
		t.Errorf("distinct event ids = %v", f.Row(0))
	}
	// A dataset absent offline tries the (unreachable) server and says so.
	_, err = d.Load(ctx, "SDAWS-200914011940")
	if err == nil || !strings.Contains(err.Error(), "OTRF file") {
		t.Errorf("unreachable download: %v", err)
	}
}

func TestDownloadErrors(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "missing") {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("this is not a zip archive"))
	}))
	defer bad.Close()
	s := &Store{Dir: t.TempDir(), RawURL: bad.URL}
	_, err := s.Fetch(context.Background(), File{Link: DefaultRawURL + "datasets/atomic/windows/x/broken.zip"})
	if err == nil || !strings.Contains(err.Error(), "not a valid zip") {
		t.Errorf("broken zip: %v", err)
	}
	_, err = s.Fetch(context.Background(), File{Link: DefaultRawURL + "datasets/atomic/windows/x/missing.zip"})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing: %v", err)
	}
	ents, _ := os.ReadDir(s.Dir)
	if len(ents) != 0 {
		t.Errorf("failed downloads left files: %v", ents)
	}
}

// A mistyped dataset id or table name suggests the closest ones; techniques listed under
// several tactics appear once in the listing.
func TestFindSuggestsAndFrameListsTechniquesOnce(t *testing.T) {
	cat, err := LoadCatalog(testdata.Shared(t, "otrf/mordor_cache.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = cat.Find("windows_credential_access_host_psh_lsass_memory_dump_comsvc")
	if !errors.Is(err, ErrNoDataset) || !strings.Contains(err.Error(), "did you mean "+lsassTable) {
		t.Errorf("typo in a table name: %v", err)
	}
	if _, _, err = cat.Find("SDWIN-20101819500"); err == nil || !strings.Contains(err.Error(), "did you mean SDWIN-") {
		t.Errorf("typo in an id: %v", err)
	}
	if _, _, err = cat.Find("x"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("no close name: %v", err)
	}
	f := Frame(cat.Datasets)
	for i := 0; i < f.Len(); i++ {
		seen := map[string]bool{}
		for _, tech := range strings.Split(f.Col("Techniques").Str(i), ", ") {
			if seen[tech] {
				t.Errorf("%s lists %s twice: %s", f.Col("ID").Str(i), tech, f.Col("Techniques").Str(i))
			}
			seen[tech] = true
		}
	}
}

// offlineSettings points the driver at a server that refuses every request (no network).
func offlineDriver(t *testing.T, dirs ...string) *Driver {
	t.Helper()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no network", http.StatusBadGateway)
	}))
	t.Cleanup(down.Close)
	ws, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	set := Settings{CacheDir: t.TempDir(), LocalDirs: dirs, APIURL: down.URL + "/trees", RawURL: down.URL + "/"}
	d, err := NewWith(context.Background(), ws, set)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOfflineCatalogueFoundInDataFolder(t *testing.T) {
	// The shared OTRF folder holds msticpy's cache, the metadata YAMLs and the zips (in a
	// subfolder): a dataset id resolves and loads with no network.
	d := offlineDriver(t, testdata.Shared(t, "otrf"))
	tables, err := d.Load(context.Background(), "SDWIN-201018195009")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0] != lsassTable {
		t.Fatalf("tables = %v", tables)
	}
	if w := d.Warnings(); len(w) != 0 {
		t.Errorf("warnings = %v", w)
	}
}

func TestOfflineFilesOnly(t *testing.T) {
	d := offlineDriver(t, testdata.Shared(t, "otrf/zips"))
	ctx := context.Background()
	// A table name loads from the folder although the catalogue is unreachable.
	tables, err := d.Load(ctx, lsassTable)
	if err != nil || len(tables) != 1 {
		t.Fatalf("load by table: %v %v", tables, err)
	}
	// A dataset id cannot be resolved without metadata: the error says why and what to do.
	_, err = d.Load(ctx, "SDWIN-201018195009")
	if !errors.Is(err, ErrNoDataset) || !errors.Is(err, ErrCatalogUnavailable) {
		t.Fatalf("load by id: %v", err)
	}
	for _, want := range []string{"no metadata", "name a table instead", "--data DIR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if len(d.Warnings()) != 1 {
		t.Errorf("warnings = %v", d.Warnings())
	}
	cat, err := d.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := cat.Search("lsass")
	if len(hits) != 2 { // the credential dump and the zeek campaign
		t.Errorf("offline search lsass = %d hits", len(hits))
	}
}

func TestOfflineNothingLocal(t *testing.T) {
	d := offlineDriver(t)
	_, err := d.Catalog(context.Background())
	if !errors.Is(err, ErrCatalogUnavailable) || !strings.Contains(err.Error(), "to work offline") {
		t.Fatalf("err = %v", err)
	}
}
