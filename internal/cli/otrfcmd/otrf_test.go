package otrfcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
)

// TestListAndGetOffline browses the catalogue and loads a dataset from an offline folder,
// through the library's OTRF session.
func TestListAndGetOffline(t *testing.T) {
	cat := testdata.Shared(t, "otrf/mordor_cache.json")
	zips := testdata.Shared(t, "otrf/zips")
	clitest.Isolate(t)
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	os.WriteFile(cfg, []byte("DataProviders:\n  OTRF:\n    save_folder: "+t.TempDir()+"\n    Args:\n      Catalog: "+cat+
		"\n      RawURL: http://127.0.0.1:1/unreachable/\n"), 0o644)
	run := func(args ...string) clitest.Result {
		return clitest.Run(t, clitest.Options{Config: cfg}, clitest.One(New), args...)
	}
	r := run("otrf", "list", "schtask", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Out, "windows_lateral_movement_host_schtask_create") {
		t.Fatalf("list: exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	if r := run("otrf", "list", "("); r.Code != cliapp.ExitUsage {
		t.Errorf("bad pattern: exit %d (%s)", r.Code, r.Err)
	}
	r = run("otrf", "get", "windows_lateral_movement_host_schtask_create", "--data", zips)
	if r.Code != 0 || strings.TrimSpace(r.Out) != "windows_lateral_movement_host_schtask_create" {
		t.Errorf("get: exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	if !strings.Contains(r.Err, "workspace is in memory") {
		t.Errorf("no in-memory note: %s", r.Err)
	}
}
