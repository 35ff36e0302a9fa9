// Package testdata locates the shared, read-only datasets (../shared/data) that tests and
// benchmarks read in place. When the data is absent a test is skipped with a clear message,
// unless HUNTKIT_REQUIRE_SHARED=1 (as in CI), in which case it fails.
package testdata

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvDir names the environment variable that overrides the shared data folder.
const EnvDir = "HUNTKIT_SHARED_DATA"

// EnvRequire names the environment variable that turns a missing dataset into a failure.
const EnvRequire = "HUNTKIT_REQUIRE_SHARED"

// Dir returns the shared data folder: $HUNTKIT_SHARED_DATA, else ../shared/data next to the
// module root found by walking up from the working directory. It returns "" when none exists.
func Dir() string {
	if d := os.Getenv(EnvDir); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	d := filepath.Join(filepath.Dir(root), "shared", "data")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

// ModuleRoot returns the nearest folder at or above the working directory holding go.mod.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Shared returns the absolute path of rel inside the shared data folder. When the file is
// missing the test is skipped, or fails when HUNTKIT_REQUIRE_SHARED=1.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	dir := Dir()
	if dir != "" {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "shared dataset " + rel + " not found (set " + EnvDir + " or place the data at ../shared/data)"
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}
