package kql

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/internal/testdata"
)

// corpusQuery is one query of the Sentinel corpus.
type corpusQuery struct {
	File  string
	Query string
}

func loadCorpus(t testing.TB) []corpusQuery {
	t.Helper()
	dir := testdata.Shared(t, "kql/sentinel-2021")
	var out []corpusQuery
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc struct {
			Query string `yaml:"query"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, corpusQuery{File: rel, Query: doc.Query})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}
