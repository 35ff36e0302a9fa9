package sentinel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/provider/sentinel"
	"github.com/huntkit/huntkit/query"
)

// TestSplitSameRows: a window queried in one-day chunks gives the rows of one query, in time
// order.
func TestSplitSameRows(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	cfg := writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret")
	d := newDriver(t, cfg, map[string]string{sentinel.OptSplit: "1d"})
	f, err := d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	wantAlerts(t, f)
	if f.Partial() != nil {
		t.Fatal(f.Partial())
	}
}

// TestSplitFailedChunk: a chunk that fails is reported with its range; the other chunks'
// rows are kept and flagged, or --fail-on-partial makes it an error.
func TestSplitFailedChunk(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	url, ca, calls := laServer(t, srv, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body struct{ Timespan string }
		_ = json.Unmarshal(b, &body)
		if strings.HasPrefix(body.Timespan, "2026-11-02") {
			reply(400, `{"error":{"code":"BadArgumentError","message":"chunk refused"}}`)(w, r)
			return
		}
		day := body.Timespan[:10]
		reply(200, fmt.Sprintf(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"Day","type":"string"}],"rows":[["%s"]]}]}`, day))(w, r)
	})
	cfg := writeConfig(t, srv, url, ca, "        ClientSecret: x", "clientsecret")
	d := newDriver(t, cfg, map[string]string{sentinel.OptSplit: "1d"})
	f, err := d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Col("Day").Strings(), ","); got != "2026-11-01,2026-11-03,2026-11-04" {
		t.Fatalf("days = %s", got)
	}
	p := f.Partial()
	if !errors.Is(p, sentinel.ErrPartial) || !strings.Contains(p.Error(), "1 of 4 chunks") ||
		!strings.Contains(p.Error(), "2026-11-02T00:00:00Z..2026-11-03T00:00:00Z") || !strings.Contains(p.Error(), "chunk refused") {
		t.Fatalf("partial = %v", p)
	}
	if calls.Load() != 4 || len(d.Warnings()) != 1 {
		t.Fatalf("calls %d warnings %v", calls.Load(), d.Warnings())
	}
	strict := newDriver(t, cfg, map[string]string{sentinel.OptSplit: "1d", sentinel.OptFailOnPartial: "1"})
	if _, err := strict.Query(context.Background(), alertsKQL()); !errors.Is(err, sentinel.ErrPartial) {
		t.Fatalf("fail-on-partial: %v", err)
	}
}

func TestChunks(t *testing.T) {
	s := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	got := sentinel.Chunks(s, s.Add(50*time.Hour), 24*time.Hour)
	if len(got) != 3 || !got[2][1].Equal(s.Add(50*time.Hour)) || !got[1][0].Equal(s.Add(24*time.Hour)) {
		t.Fatalf("chunks = %v", got)
	}
	for _, bad := range []string{"0d", "10s", "soon", "-1h"} {
		if _, err := sentinel.ParseSplit(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if d, err := sentinel.ParseSplit("2d"); err != nil || d != 48*time.Hour {
		t.Errorf("2d = %v, %v", d, err)
	}
}

// recorder is a progress sink that remembers each counter it opened.
type recorder struct {
	mu       sync.Mutex
	counters []*counter
}

type counter struct {
	label   string
	total   int
	n, done int
}

func (c *counter) Add(n int) { c.n += n }
func (c *counter) Done()     { c.done++ }

func (r *recorder) open(label string, total int) query.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &counter{label: label, total: total}
	r.counters = append(r.counters, c)
	return c
}

// TestSplitProgress: a split query over two workspaces reports queries done and rows so far
// through the Settings.Progress sink, and closes every counter it opened.
func TestSplitProgress(t *testing.T) {
	isolate(t)
	second := "11111111-2222-3333-4444-555555555555"
	srv := startEmulator(t, emulate.Options{ClientSecret: "x", WorkspaceIDs: []string{emulate.DefaultWorkspaceID, second}})
	cfgPath := writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret")
	data, _ := os.ReadFile(cfgPath)
	extra := fmt.Sprintf("    Second:\n      WorkspaceId: %s\n      TenantId: %s\n", second, srv.TenantID())
	if err := os.WriteFile(cfgPath, []byte(strings.Replace(string(data), "Azure:\n", extra+"Azure:\n", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	d, err := sentinel.New(context.Background(), query.Settings{Config: cfg, Progress: rec.open,
		Options: map[string]string{sentinel.OptSplit: "1d", sentinel.OptWorkspace: "Default,Second"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 10 {
		t.Fatalf("rows = %d, want 10 (five alerts in each workspace)", f.Len())
	}
	if len(rec.counters) != 9 {
		t.Fatalf("counters opened = %d, want 9 (one at the start, one per query of 4 chunks x 2 workspaces)", len(rec.counters))
	}
	for i, c := range rec.counters {
		if c.total != 8 || c.n != i || c.done != 1 {
			t.Errorf("counter %d = %+v, want total 8, %d done, closed once", i, c, i)
		}
	}
	if first, last := rec.counters[0].label, rec.counters[8].label; !strings.Contains(first, "0 rows so far") || !strings.Contains(last, "10 rows so far") {
		t.Errorf("labels %q .. %q", first, last)
	}
}
