package localfeed_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/localfeed"
)

func client(t *testing.T, paths ...string) *ti.Client {
	t.Helper()
	c, err := ti.New(t.Context(), ti.WithProviders("LocalFeed"), ti.WithArgs("LocalFeed", map[string]any{"Paths": strings.Join(paths, ",")}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLocalFeedAllFormats(t *testing.T) {
	c := client(t, "testdata/feed.csv", "testdata/list.txt", "testdata/misp", "testdata/bundle.json")
	tests := []struct {
		ioc     string
		found   bool
		sev     ti.Severity
		matches int
	}{
		{"185.220.101.4", true, ti.SevHigh, 1},                                                    // CSV
		{"http://evil.example.net/payload.exe", true, ti.SevHigh, 1},                              // CSV, defanged in the file
		{"BAD-DOMAIN.example.org", true, ti.SevWarning, 1},                                        // CSV, case folded
		{"44d88612fea8a8f36de82e1278abb02f", true, ti.SevHigh, 1},                                 // CSV, default severity
		{"203.0.114.9", true, ti.SevHigh, 1},                                                      // text list
		{"45.77.65.211", true, ti.SevHigh, 2},                                                     // MISP ip-dst|port (high) + ip-src (low)
		{"45.77.65.212", false, ti.SevInformation, 0},                                             // MISP deleted attribute
		{"emotet-c2.example.com", true, ti.SevHigh, 1},                                            // MISP domain
		{"https://emotet-c2.example.com/gate.php", true, ti.SevHigh, 1},                           // MISP object attribute
		{"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", true, ti.SevHigh, 1}, // MISP filename|sha256
		{"198.51.99.10", true, ti.SevHigh, 1},                                                     // STIX ipv4 (OR pattern)
		{"pivy.example.com", true, ti.SevHigh, 1},                                                 // STIX domain
		{"e2fc714c4727ee9395f324cd2e7f331f", true, ti.SevWarning, 1},                              // STIX file hash
		{"fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9", true, ti.SevWarning, 1},
		{"http://phish.example.com/login.php?id=42", true, ti.SevWarning, 1}, // expired: capped at warning
		{"revoked.example.com", false, ti.SevInformation, 0},
		{"clean.example.com", false, ti.SevInformation, 0},
	}
	var items []ti.Item
	for _, tc := range tests {
		items = append(items, ti.Item{Value: tc.ioc})
	}
	rows, err := c.LookupRows(t.Context(), items)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tests) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, tc := range tests {
		r := rows[i]
		if r.Status != ti.StatusOK || r.Result != tc.found || r.Severity != tc.sev {
			t.Errorf("%s: found %v sev %v status %v %s; want %v %v", tc.ioc, r.Result, r.Severity, r.Status, r.Message, tc.found, tc.sev)
			continue
		}
		if tc.found {
			if n := r.Details.(map[string]any)["matches"]; n != tc.matches {
				t.Errorf("%s: %v matches, want %d", tc.ioc, n, tc.matches)
			}
		}
	}
	hits := rows[5].RawResult.([]localfeed.Hit)
	if !strings.Contains(hits[0].Source, "5f1e7c2a") || hits[0].Description != "Emotet epoch 4 infrastructure (C2)" || len(hits[0].Tags) != 2 {
		t.Errorf("MISP hit %+v", hits[0])
	}
}

func TestLocalFeedErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	tests := []struct {
		path, want string
	}{
		{write("nocol.csv", "foo,bar\n1,2\n"), "nocol.csv:1: no indicator column"},
		{write("badsev.csv", "ioc,severity\n1.2.3.4,high\n5.6.7.8,catastrophic\n"), "badsev.csv:3: severity \"catastrophic\""},
		{write("quote.csv", "ioc,description\n1.2.3.4,\"unterminated\n"), "quote.csv:2"},
		{write("broken.json", "{\n  \"type\": \"bundle\",\n  \"objects\": [}\n"), "broken.json: line 3:"},
		{write("other.json", `{"hello": 1}`), "neither a STIX bundle"},
		{write("nopattern.json", `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1"}]}`), "objects[0] (indicator--1): indicator without a pattern"},
		{filepath.Join(dir, "missing.csv"), "missing.csv"},
	}
	for _, tc := range tests {
		_, err := localfeed.Load(ti.SevHigh, tc.path)
		if !errors.Is(err, localfeed.ErrFeed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) = %v, want ErrFeed containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
	if _, err := ti.New(t.Context(), ti.WithProviders("LocalFeed")); !errors.Is(err, ti.ErrNotConfigured) || !strings.Contains(err.Error(), "Args.Paths") {
		t.Errorf("no paths: %v", err)
	}
}

func FuzzLoadCSV(f *testing.F) {
	seed, _ := os.ReadFile("testdata/feed.csv")
	f.Add(seed)
	f.Add([]byte("ioc\n1.2.3.4\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.csv")
		os.WriteFile(p, b, 0o600)
		feed, err := localfeed.Load(ti.SevHigh, p)
		if err != nil && !errors.Is(err, localfeed.ErrFeed) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil && feed.Len() < 0 {
			t.Fatal("negative length")
		}
	})
}

func FuzzLoadJSON(f *testing.F) {
	for _, p := range []string{"testdata/bundle.json", "testdata/misp/5f1e7c2a-1b2c-4d3e-8f90-0a1b2c3d4e5f.json"} {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.json")
		os.WriteFile(p, b, 0o600)
		if _, err := localfeed.Load(ti.SevHigh, p); err != nil && !errors.Is(err, localfeed.ErrFeed) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
