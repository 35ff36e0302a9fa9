package viscmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/internal/cli/clitest"
)

const events = `TimeGenerated,Computer,Account,Bytes,Latitude,Longitude
2024-01-01T10:00:00Z,WKS-1,alice,100,51.5,-0.12
2024-01-01T10:05:00Z,WKS-2,bob,250,40.7,-74.0
2024-01-01T10:07:00Z,WKS-1,alice,50,35.6,139.7
`

func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	r := clitest.Run(t, clitest.Options{Stdin: stdin}, New, args...)
	return r.Out, r.Err, r.Code
}

func writeCSV(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(p, []byte(events), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestViewsWriteHTML(t *testing.T) {
	in := writeCSV(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"view", in}, []string{`id="hk-table"`, `"name":"Account"`}},
		{[]string{"timeline", in, "--group-col", "Computer", "--tooltip", "Account", "--marker", "2024-01-01T10:06:00Z=alert"}, []string{`"mode":"events"`, `"label":"alert"`}},
		{[]string{"timeline", in, "--value-col", "Bytes", "--bars"}, []string{`"mode":"values"`, `"bars":true`}},
		{[]string{"map", in, "--size", "Bytes", "--color", "Computer"}, []string{`"size":"Bytes"`, `id="hk-world"`}},
		{[]string{"matrix", in, "--x", "Computer", "--y", "Account"}, []string{`"xcats":["WKS-1","WKS-2"]`}},
	} {
		out := filepath.Join(dir, tc.args[0]+".html")
		_, errs, code := run(t, "", append(tc.args, "--html", out)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errs)
		}
		if !strings.Contains(errs, out) {
			t.Errorf("%v: stderr does not name the file: %q", tc.args, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("%v: page lacks %s", tc.args, w)
			}
		}
		if regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).Match(b) {
			t.Errorf("%v: page references a remote resource", tc.args)
		}
	}
}

func TestViewStdinAndTempFile(t *testing.T) {
	_, errs, code := run(t, events, "view", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := regexp.MustCompile(`wrote data view to (\S+\.html)`).FindStringSubmatch(errs)
	if m == nil {
		t.Fatalf("no temp path on stderr: %q", errs)
	}
	defer os.Remove(m[1])
	b, err := os.ReadFile(m[1])
	if err != nil || !bytes.Contains(b, []byte(`"n":3`)) {
		t.Errorf("temp view: %v", err)
	}
}

func TestViewErrors(t *testing.T) {
	in := writeCSV(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"matrix", in, "--x", "Computer"}, 2, "--x and --y"},
		{[]string{"timeline", in, "--group-col", "Nope", "--html", filepath.Join(t.TempDir(), "x.html")}, 2, `"Nope" not found`},
		{[]string{"timeline", in, "--marker", "yesterday"}, 2, "not a time"},
		{[]string{"map", in, "--lat", "Latitude"}, 2, "both --lat and --lon"},
		{[]string{"map", in, "--lat", "Computer", "--lon", "Longitude"}, 2, `latitude column "Computer" is string`},
		{[]string{"map", in, "--lat", "Latitude", "--lon", "TimeGenerated"}, 2, `longitude column "TimeGenerated" is time`},
		{[]string{"view", filepath.Join(t.TempDir(), "missing.csv")}, 1, "missing.csv"},
	} {
		_, errs, code := run(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}

func TestOpenUsesBrowserEnv(t *testing.T) {
	in := writeCSV(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	out := filepath.Join(dir, "v.html")
	if _, errs, code := run(t, "", "view", in, "--html", out, "--open"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []byte
	for i := 0; i < 50 && len(got) == 0; i++ {
		got, _ = os.ReadFile(marker)
		time.Sleep(20 * time.Millisecond)
	}
	if strings.TrimSpace(string(got)) != "file://"+out {
		t.Errorf("browser opened %q, want file://%s", got, out)
	}
	t.Setenv("BROWSER", filepath.Join(dir, "no-such-browser"))
	if _, errs, code := run(t, "", "view", in, "--html", out, "--open"); code != 0 || !strings.Contains(errs, "cannot open a browser") {
		t.Errorf("missing browser: exit %d, %q", code, errs)
	}
}

// Without --title, a page is titled after its input (the data viewer by the file name, the
// timeline and map as "Timeline: FILE" / "Map: FILE", stdin as "stdin"), so several open
// views can be told apart.
func TestDefaultTitlesNameTheInput(t *testing.T) {
	in := writeCSV(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"view", in}, "<title>events.csv</title>"},
		{events, []string{"view", "-"}, "<title>stdin</title>"},
		{"", []string{"timeline", in}, "<title>Timeline: events.csv</title>"},
		{"", []string{"map", in}, "<title>Map: events.csv</title>"},
	} {
		out := filepath.Join(dir, "v.html")
		_, errs, code := run(t, tc.stdin, append(tc.args, "--html", out)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil || !strings.Contains(string(b), tc.want) {
			t.Errorf("%v: want %s in the page (%v)", tc.args, tc.want, err)
		}
	}
}

// --html into a directory that does not exist fails naming the requested path, not the
// temporary file, and leaves nothing behind.
func TestHTMLIntoMissingDir(t *testing.T) {
	in := writeCSV(t)
	root := t.TempDir()
	out := filepath.Join(root, "nope", "v.html")
	_, errs, code := run(t, "", "view", in, "--html", out)
	if code != 1 || !strings.Contains(errs, out) || strings.Contains(errs, ".tmp") || strings.Contains(errs, ".huntkit-") {
		t.Errorf("exit %d, stderr %q; want 1 and a message naming %s only", code, errs, out)
	}
	if n := strings.Count(strings.TrimSpace(errs), "\n"); n != 0 {
		t.Errorf("message spans %d lines: %q", n+1, errs)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 0 {
		t.Errorf("left behind %v", ents)
	}
}
