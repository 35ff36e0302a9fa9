package demo

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/huntkit/huntkit/frame"
)

// GeneratorVersion changes whenever the generator's output changes, so cached demo
// folders from older versions are regenerated.
const GeneratorVersion = 3

// Files written into a demo folder besides one <Table>.parquet per table.
const (
	TruthFile    = "ground_truth.json"
	FeedFile     = "threat_feed.csv"
	ManifestFile = "manifest.json"
)

// Manifest records what a demo folder holds.
type Manifest struct {
	Version int            `json:"generator_version"`
	Seed    uint64         `json:"seed"`
	Days    int            `json:"days"`
	Size    Size           `json:"size"`
	Start   string         `json:"start"`
	Tables  map[string]int `json:"tables"` // table name -> rows
	Parts   bool           `json:"parts"`  // tables are folders of day parts (large tenants)
}

// TablePath returns the Parquet file of table in dir.
func TablePath(dir, table string) string { return filepath.Join(dir, table+".parquet") }

// Write writes every table of an in-memory dataset as one Parquet file, the partner feed,
// the ground truth and the manifest into dir. The manifest is written last, so a folder
// with a manifest is complete.
func Write(ctx context.Context, dir string, ds *Dataset) error {
	if err := prepare(dir); err != nil {
		return err
	}
	for _, name := range TableNames {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := frame.WriteFile(TablePath(dir, name), ds.Tables[name], "parquet"); err != nil {
			return fmt.Errorf("demo: write %s: %w", name, err)
		}
	}
	return writeMeta(dir, ds, false)
}

// Build generates the tenant for opt straight into dir. Small tenants are generated in
// memory and written with Write; large ones are streamed, one Parquet file per table and
// simulated day under dir/<Table>/, so memory stays bounded. TableFiles lists either form.
func Build(ctx context.Context, dir string, opt Options) (*GroundTruth, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	if opt.Size != Large {
		ds, err := generate(ctx, opt, nil)
		if err != nil {
			return nil, err
		}
		return ds.Truth, Write(ctx, dir, ds)
	}
	return stream(ctx, dir, opt)
}

// stream generates opt into dir one table part (simulated day) at a time.
func stream(ctx context.Context, dir string, opt Options) (*GroundTruth, error) {
	if err := prepare(dir); err != nil {
		return nil, err
	}
	sink := func(table string, part int, f *frame.Frame) error {
		sub := filepath.Join(dir, table)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		p := filepath.Join(sub, fmt.Sprintf("part-%03d.parquet", part))
		if err := frame.WriteFile(p, f, "parquet"); err != nil {
			return fmt.Errorf("demo: write %s: %w", p, err)
		}
		return nil
	}
	ds, err := generate(ctx, opt, sink)
	if err != nil {
		return nil, err
	}
	return ds.Truth, writeMeta(dir, ds, true)
}

// MarkerFile marks a folder as the demo's own, so a later run may clear it.
const MarkerFile = ".huntkit-demo"

// ErrNotDemoDir is returned when the output folder holds other files and was not written
// by the demo: the demo never deletes files it did not make.
var ErrNotDemoDir = errors.New("folder holds other files and no demo data")

// prepare creates dir and removes the manifest and table files of an earlier run. A folder
// that already holds files must carry the demo's marker or manifest.
func prepare(dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 && !isDemoDir(dir) {
		return fmt.Errorf("demo: %s: %w; choose an empty or new folder with --dir", dir, ErrNotDemoDir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: create %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, MarkerFile), []byte("huntkit demo data; safe to delete\n"), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	_ = os.Remove(filepath.Join(dir, ManifestFile))
	for _, name := range TableNames {
		_ = os.Remove(TablePath(dir, name))
		_ = os.RemoveAll(filepath.Join(dir, name))
	}
	return nil
}

// isDemoDir reports whether dir was written by the demo (this version or an older one).
func isDemoDir(dir string) bool {
	for _, f := range []string{MarkerFile, ManifestFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// TableFiles returns the Parquet files holding table in dir: one file, or the day parts
// of a large tenant in order.
func TableFiles(dir, table string) ([]string, error) {
	if _, err := os.Stat(TablePath(dir, table)); err == nil {
		return []string{TablePath(dir, table)}, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, table, "part-*.parquet"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("demo: no data for table %s in %s: %w", table, dir, os.ErrNotExist)
	}
	sort.Strings(files)
	return files, nil
}

func writeMeta(dir string, ds *Dataset, parts bool) error {
	m := Manifest{Version: GeneratorVersion, Seed: ds.Options.Seed, Days: ds.Options.Days, Size: ds.Options.Size,
		Start: ds.Options.Start.Format("2006-01-02"), Tables: ds.Truth.RowCounts, Parts: parts}
	if err := frame.AtomicWrite(filepath.Join(dir, FeedFile), 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(ds.Feed); err != nil {
			return err
		}
		return cw.Error()
	}); err != nil {
		return fmt.Errorf("demo: write %s: %w", FeedFile, err)
	}
	if err := writeJSON(filepath.Join(dir, TruthFile), ds.Truth); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, ManifestFile), m)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("demo: encode %s: %w", filepath.Base(path), err)
	}
	return frame.AtomicWrite(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadManifest reads dir's manifest; an error wrapping os.ErrNotExist when there is none.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("demo: %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// Matches reports whether the manifest describes data generated with opt.
func (m *Manifest) Matches(opt Options) bool {
	opt, err := opt.normalized()
	if err != nil {
		return false
	}
	return m.Version == GeneratorVersion && m.Seed == opt.Seed && m.Days == opt.Days && m.Size == opt.Size &&
		m.Start == opt.Start.Format("2006-01-02")
}

// Ensure makes dir hold the demo data for opt: when dir already has a complete set made
// with the same options it is reused (reused == true), otherwise the data is generated
// and written. It returns the ground truth either way.
func Ensure(ctx context.Context, dir string, opt Options) (truth *GroundTruth, reused bool, err error) {
	if m, err := ReadManifest(dir); err == nil && m.Matches(opt) && complete(dir) {
		t, err := ReadGroundTruth(filepath.Join(dir, TruthFile))
		if err == nil {
			return t, true, nil
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		// unreadable manifest: regenerate
		_ = err
	}
	truth, err = Build(ctx, dir, opt)
	if err != nil {
		return nil, false, err
	}
	return truth, false, nil
}

func complete(dir string) bool {
	for _, name := range TableNames {
		if _, err := TableFiles(dir, name); err != nil {
			return false
		}
	}
	for _, f := range []string{TruthFile, FeedFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}
