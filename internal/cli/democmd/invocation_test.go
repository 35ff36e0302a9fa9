package democmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/demo/hunt"
)

func TestInvocation(t *testing.T) {
	dir := t.TempDir()
	installed := filepath.Join(dir, "bin", "huntkit")
	other := filepath.Join(dir, "build", "huntkit")
	for _, p := range []string{installed, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	onPath := func(string) (string, error) { return installed, nil }
	notOnPath := func(string) (string, error) { return "", errors.New("not found") }
	for _, tc := range []struct {
		name     string
		exe      string
		look     func(string) (string, error)
		wantCmd  string
		wantHint bool
	}{
		{"go run's temporary build", "/tmp/go-build1234/b001/exe/huntkit", notOnPath, "go run ./cmd/huntkit", true},
		{"go run even when another huntkit is installed", "/tmp/go-build99/b001/exe/huntkit", onPath, "go run ./cmd/huntkit", true},
		{"installed on PATH", installed, onPath, "huntkit", false},
		{"built elsewhere, not on PATH", other, notOnPath, other, false},
		{"built elsewhere, another on PATH", other, onPath, other, false},
		{"a test binary in go-build is not go run", "/tmp/go-build5/b001/democmd.test", notOnPath, "/tmp/go-build5/b001/democmd.test", false},
		{"unknown executable", "", notOnPath, "huntkit", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, hint := invocation(tc.exe, tc.look)
			if cmd != tc.wantCmd || (hint != "") != tc.wantHint {
				t.Errorf("invocation(%q) = %q, %q; want %q, hint %v", tc.exe, cmd, hint, tc.wantCmd, tc.wantHint)
			}
			if tc.wantHint && !strings.Contains(hint, "go build -o huntkit ./cmd/huntkit") {
				t.Errorf("hint does not say how to build: %q", hint)
			}
		})
	}
}

func TestSummarySuggestionsUseInvocation(t *testing.T) {
	res := &hunt.Result{Dir: "/data/demo", Truth: &demo.GroundTruth{
		Start: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)}}
	for _, tc := range []struct {
		name      string
		exe       string
		want      []string
		forbidden string
	}{
		{"go run", "/tmp/go-build1/b001/exe/huntkit", []string{
			"go build -o huntkit ./cmd/huntkit",
			"    go run ./cmd/huntkit queries --env LocalData\n",
			"    go run ./cmd/huntkit query LocalData WindowsSecurity.list_host_logons --data /data/demo",
		}, "    huntkit queries"},
		{"installed", "", []string{"    huntkit queries --env LocalData\n", "    huntkit query LocalData"}, "go build"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			r := &renderer{w: &b}
			r.self, r.buildHint = invocation(tc.exe, func(string) (string, error) { return "", errors.New("no") })
			r.summary(res)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, b.String())
				}
			}
			if strings.Contains(b.String(), tc.forbidden) {
				t.Errorf("summary has %q:\n%s", tc.forbidden, b.String())
			}
		})
	}
}
