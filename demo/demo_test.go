package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// hashDir hashes every file of dir in name order.
func hashDir(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func generateTo(t *testing.T, opt Options) (string, *Dataset) {
	t.Helper()
	ds, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Write(t.Context(), dir, ds); err != nil {
		t.Fatal(err)
	}
	return dir, ds
}

func TestDeterministic(t *testing.T) {
	a, _ := generateTo(t, Options{Seed: 42, Days: 6})
	b, _ := generateTo(t, Options{Seed: 42, Days: 6})
	c, _ := generateTo(t, Options{Seed: 43, Days: 6})
	ha, hb, hc := hashDir(t, a), hashDir(t, b), hashDir(t, c)
	if ha != hb {
		t.Fatalf("same seed gave different bytes: %s vs %s", ha, hb)
	}
	if ha == hc {
		t.Fatalf("different seeds gave identical output %s", ha)
	}
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		opt Options
		ok  bool
	}{
		{Options{}, true},
		{Options{Days: 2}, false},
		{Options{Days: 400}, false},
		{Options{Size: "huge"}, false},
		{Options{Size: Large, Days: 3}, true},
	} {
		_, err := tc.opt.normalized()
		if (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v, want ok=%v", tc.opt, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: error %v does not wrap ErrOptions", tc.opt, err)
		}
	}
	if _, err := ParseSize("medium"); !errors.Is(err, ErrOptions) {
		t.Errorf("ParseSize(medium) = %v", err)
	}
}

// contains reports whether any string column of f holds sub in some row.
func contains(f *frame.Frame, sub string) bool {
	for _, c := range f.Columns() {
		if c.Type() != frame.String {
			continue
		}
		for i := 0; i < c.Len(); i++ {
			if strings.Contains(c.Str(i), sub) {
				return true
			}
		}
	}
	return false
}

func TestPlantedStages(t *testing.T) {
	ds, err := Generate(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{StagePasswordSpray, StageCloudTakeover, StagePhishing, StageC2Beacon, StageDiscovery,
		StageCredentialDump, StageLateralMovement, StagePersistence, StageStaging, StageExfiltration,
		StageLogClearing, StageSSHBruteForce}
	for _, id := range want {
		s := ds.Truth.Stage(id)
		if s == nil {
			t.Errorf("stage %s missing from ground truth", id)
			continue
		}
		if len(s.Events) == 0 {
			t.Errorf("stage %s has no planted events", id)
		}
		if s.Start.Before(ds.Truth.Start) || s.End.After(ds.Truth.End) {
			t.Errorf("stage %s (%v..%v) outside the data window", id, s.Start, s.End)
		}
		for _, m := range s.Markers {
			found := false
			for _, tbl := range TableNames {
				if contains(ds.Tables[tbl], m) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("stage %s: marker %q not in any table", id, m)
			}
		}
		for _, ev := range s.Events {
			if ev.Table == "" || ev.Summary == "" {
				t.Errorf("stage %s: event without table or summary: %+v", id, ev)
				break
			}
		}
	}
	// specific shapes
	se := ds.Tables[TSecurityEvent]
	ids := map[int64]int{}
	for i := 0; i < se.Len(); i++ {
		ids[se.Col("EventID").Int(i)]++
	}
	for _, id := range []int64{4624, 4625, 4634, 4648, 4672, 4688, 4720, 4732, 1102} {
		if ids[id] == 0 {
			t.Errorf("SecurityEvent has no event %d", id)
		}
	}
	// the implant has the same hashes in process and file events
	sha := ""
	for _, i := range ds.Truth.IoCs {
		if i.Type == "sha256" {
			sha = i.Value
		}
	}
	for _, tbl := range []string{TDeviceProcessEvents, TDeviceFileEvents} {
		f := ds.Tables[tbl]
		n := 0
		for i := 0; i < f.Len(); i++ {
			if f.Col("SHA256").Str(i) == sha {
				n++
				if f.Col("FileName").Str(i) != "winupd.exe" {
					t.Errorf("%s row %d: implant hash on %s", tbl, i, f.Col("FileName").Str(i))
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no row with the implant hash", tbl)
		}
	}
	// the encoded command decodes to the download cradle
	ph := ds.Truth.Stage(StagePhishing)
	var enc string
	for _, ev := range ph.Events {
		if i := strings.Index(ev.Summary, "-EncodedCommand "); i >= 0 {
			enc = strings.Fields(ev.Summary[i+len("-EncodedCommand "):])[0]
		}
	}
	if enc == "" {
		t.Fatal("no encoded PowerShell in the phishing stage")
	}
	if dec := decodeUTF16B64(t, enc); !strings.Contains(dec, "DownloadString('http://") {
		t.Errorf("decoded payload %q lacks a download cradle", dec)
	}
	// exfiltration and beacon intervals are steady
	for _, tc := range []struct {
		stage  string
		period time.Duration
		tol    time.Duration
	}{{StageExfiltration, time.Minute, 2 * time.Second}, {StageC2Beacon, 300 * time.Second, 5 * time.Second}} {
		var last time.Time
		n := 0
		for _, ev := range ds.Truth.Stage(tc.stage).Events {
			if ev.Table != TDeviceNetworkEvents {
				continue
			}
			if !last.IsZero() {
				d := ev.Time.Sub(last)
				if d < tc.period-tc.tol || d > tc.period+tc.tol {
					t.Errorf("%s: interval %v, want %v±%v", tc.stage, d, tc.period, tc.tol)
					break
				}
			}
			last = ev.Time
			n++
		}
		if n < 20 {
			t.Errorf("%s: only %d connections", tc.stage, n)
		}
	}
	// every IoC value appears in the data
	for _, ioc := range ds.Truth.IoCs {
		found := false
		for _, tbl := range TableNames {
			if contains(ds.Tables[tbl], ioc.Value) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("IoC %s %s not found in any table", ioc.Type, ioc.Value)
		}
	}
	// tables are in time order
	for _, name := range TableNames {
		c := ds.Tables[name].Col("TimeGenerated")
		for i := 1; i < c.Len(); i++ {
			if c.Time(i).Before(c.Time(i - 1)) {
				t.Errorf("%s not sorted at row %d", name, i)
				break
			}
		}
	}
}

func TestEnsureReuses(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Seed: 3, Days: 4}
	if _, reused, err := Ensure(t.Context(), dir, opt); err != nil || reused {
		t.Fatalf("first Ensure: reused=%v err=%v", reused, err)
	}
	truth, reused, err := Ensure(t.Context(), dir, opt)
	if err != nil || !reused {
		t.Fatalf("second Ensure: reused=%v err=%v", reused, err)
	}
	if truth.Seed != 3 || len(truth.Stages) == 0 {
		t.Fatalf("reused ground truth: %+v", truth)
	}
	opt.Seed = 4
	if _, reused, err := Ensure(t.Context(), dir, opt); err != nil || reused {
		t.Fatalf("Ensure with another seed: reused=%v err=%v", reused, err)
	}
}

// TestStreamingMatchesMemory: the day parts of streamed generation, concatenated, equal the
// in-memory tables.
func TestStreamingMatchesMemory(t *testing.T) {
	opt := Options{Seed: 11, Days: 4}
	mem, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]*frame.Frame{}
	_, err = generate(t.Context(), opt, func(table string, part int, f *frame.Frame) error {
		parts[table] = append(parts[table], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range TableNames {
		got, err := frame.Concat(parts[name]...)
		if err != nil {
			t.Fatal(err)
		}
		want := mem.Tables[name]
		if got.Len() != want.Len() {
			t.Errorf("%s: %d streamed rows, %d in memory", name, got.Len(), want.Len())
			continue
		}
		var a, b strings.Builder
		_ = frame.WriteCSV(&a, got)
		_ = frame.WriteCSV(&b, want)
		if a.String() != b.String() {
			t.Errorf("%s: streamed rows differ from the in-memory table", name)
		}
	}
}

// TestStreamedLayout: a streamed tenant is a folder of day parts per table that TableFiles
// lists in order, with a manifest and ground truth, and Ensure reuses it.
func TestStreamedLayout(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Seed: 5, Days: 3}
	truth, err := stream(t.Context(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(dir)
	if err != nil || !m.Parts || !m.Matches(opt) {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	for _, name := range TableNames {
		files, err := TableFiles(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == TSecurityEvent && len(files) != 3 {
			t.Errorf("%s: %d parts, want one per day: %v", name, len(files), files)
		}
		if m.Tables[name] != truth.RowCounts[name] || m.Tables[name] == 0 {
			t.Errorf("%s: manifest says %d rows, ground truth %d", name, m.Tables[name], truth.RowCounts[name])
		}
	}
	if _, reused, err := Ensure(t.Context(), dir, opt); err != nil || !reused {
		t.Errorf("Ensure on a streamed folder: reused=%v err=%v", reused, err)
	}
	// writing the in-memory form over it leaves no stale parts behind
	ds, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(t.Context(), dir, ds); err != nil {
		t.Fatal(err)
	}
	if files, _ := TableFiles(dir, TSecurityEvent); len(files) != 1 {
		t.Errorf("after Write: %v", files)
	}
	if _, err := os.Stat(filepath.Join(dir, TSecurityEvent)); !os.IsNotExist(err) {
		t.Errorf("stale part folder left: %v", err)
	}
}
