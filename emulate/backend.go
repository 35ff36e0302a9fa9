package emulate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// WorkspaceBackend answers KQL from a DuckDB workspace through the LocalData driver (KQL
// compiled by package kql), one query at a time.
type WorkspaceBackend struct {
	mu  sync.Mutex
	ws  *engine.Workspace
	drv *localdata.Driver
}

// NewWorkspaceBackend serves the tables of ws plus the files of dataPaths (imported on use).
func NewWorkspaceBackend(ctx context.Context, ws *engine.Workspace, dataPaths ...string) (*WorkspaceBackend, error) {
	drv, err := localdata.New(ctx, query.Settings{Workspace: ws, DataPaths: dataPaths})
	if err != nil {
		return nil, err
	}
	return &WorkspaceBackend{ws: ws, drv: drv}, nil
}

// Query implements Backend.
func (b *WorkspaceBackend) Query(ctx context.Context, kql string, start, end time.Time) (*frame.Frame, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	req := query.Request{Text: kql, Language: "kql"}
	if !start.IsZero() || !end.IsZero() {
		req.Start, req.End, req.Bounded = start, end, true
		if end.IsZero() {
			req.End = time.Now().UTC()
		}
	}
	return b.drv.Query(ctx, req)
}

// Schema implements Backend: every table of the workspace and of the data paths.
func (b *WorkspaceBackend) Schema(ctx context.Context) (map[string][]frame.Field, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Touch every data-path table so it is imported, then read the catalogue.
	for _, t := range b.drv.Tables() {
		if _, err := b.drv.Query(ctx, query.Request{Text: t + " | take 0", Language: "kql"}); err != nil {
			return nil, err
		}
	}
	f, err := b.ws.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	out := map[string][]frame.Field{}
	tn, cn, dt := f.Col("table_name"), f.Col("column_name"), f.Col("data_type")
	for i := 0; i < f.Len(); i++ {
		out[tn.Str(i)] = append(out[tn.Str(i)], frame.Field{Name: cn.Str(i), Type: engine.TypeOf(dt.Str(i))})
	}
	return out, nil
}

// DemoOptions are the demo tenant the emulator serves by default: the generator's default
// seed and size, with its days ending today so relative windows (--start -7d) find data.
func DemoOptions(days int, now time.Time) demo.Options {
	if days == 0 {
		days = 14
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -days+1)
	return demo.Options{Seed: 1, Days: days, Size: demo.Small, Start: start}
}

// DemoDir is the cache folder for the demo data of opt.
func DemoDir(opt demo.Options) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("emulate: no user cache folder (%v); give --data or --workspace", err)
	}
	return filepath.Join(cache, "huntkit", "emulate", fmt.Sprintf("seed%d-%dd-%s", opt.Seed, opt.Days, opt.Start.Format("20060102"))), nil
}

// LoadDemo makes (or reuses) the demo tenant of opt in dir and imports its tables into ws.
func LoadDemo(ctx context.Context, ws *engine.Workspace, dir string, opt demo.Options) (*demo.GroundTruth, error) {
	truth, _, err := demo.Ensure(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	for _, name := range demo.TableNames {
		files, err := demo.TableFiles(dir, name)
		if err != nil {
			return nil, err
		}
		if len(files) == 1 {
			err = ws.Import(ctx, name, files[0])
		} else {
			quoted := make([]string, len(files))
			for i, f := range files {
				quoted[i] = engine.QuoteString(f)
			}
			err = ws.Exec(ctx, "CREATE OR REPLACE TABLE "+engine.QuoteIdent(name)+" AS SELECT * FROM read_parquet(["+strings.Join(quoted, ", ")+"])")
		}
		if err != nil {
			return nil, fmt.Errorf("emulate: import demo table %s: %w", name, err)
		}
	}
	return truth, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
