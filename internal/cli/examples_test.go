package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
)

// TestExamples runs every example of every command's --help and every huntkit command line
// of README.md, as a user would type them: with the huntkit binary on PATH, in a bash shell
// (pipes, &&, ~ and redirections work), in a folder holding the files the examples name,
// with a configuration that points every network service at loopback fakes
// (examplefixtures_test.go). Each must exit 0. An example with no fixture for what it needs
// fails with the command line and its stderr: add the fixture there.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the huntkit binary")
	}
	examples := collectExamples(t)
	if len(examples) < 40 {
		t.Fatalf("found only %d examples; the collector is broken", len(examples))
	}
	env := newExampleEnv(t)
	for _, ex := range examples {
		t.Run(ex.name(), func(t *testing.T) {
			for _, d := range delegated {
				if d.re.MatchString(ex.line) {
					t.Skipf("run against huntkit emulate by %s", d.test)
				}
			}
			env.run(t, ex)
		})
	}
}

// delegated are the example lines another test runs for real, with the fixtures they need:
// a running Azure emulator and a signed-in Azure CLI, or the analyses' input files.
var delegated = []struct {
	re   *regexp.Regexp
	test string
}{
	{regexp.MustCompile(`huntkit (--config \S+ )?(emulate|auth status|schema (MSSentinel|Kusto)|query (MSSentinel (SecurityAlert\.|--kql)|MDE --kql|MSGraph |ResourceGraph )|query (Kusto|MSSentinelSearch) |kql check --env )`),
		"internal/cli/emulatecmd.TestEmulatorWorkflow"},
	{regexp.MustCompile(`^huntkit analyze `), "internal/cli/analyzecmd.TestHelpExamples (with its session, series and syslog fixtures)"},
}

// example is one command line from a --help Example or from README.md.
type example struct {
	source string // "huntkit ioc extract --help" or "README.md:47"
	line   string // the command line as written
}

func (e example) name() string {
	n := e.line
	if len(n) > 60 {
		n = n[:60]
	}
	return strings.NewReplacer(" ", "_", "/", "|").Replace(n)
}

// collectExamples gathers the example lines of every command and README.md.
func collectExamples(t *testing.T) []example {
	t.Helper()
	app := &cliapp.App{In: strings.NewReader(""), Out: &strings.Builder{}, Err: &strings.Builder{}}
	root := NewRoot(app)
	var out []example
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, l := range exampleLines(c.Example) {
			out = append(out, example{source: c.CommandPath() + " --help", line: l})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	readme := filepath.Join(testdata.ModuleRoot(), "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range readmeLines(string(data)) {
		_ = i
		out = append(out, example{source: "README.md", line: l})
	}
	return out
}

// exampleLines returns the huntkit command lines of an Example text: lines that start
// with "huntkit" or feed it through a pipe, joined across trailing backslashes.
func exampleLines(text string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(l)
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "huntkit ") || strings.Contains(line, "| huntkit ") {
			out = append(out, line)
		}
	}
	return out
}

// readmeLines returns the command lines of README.md's sh blocks that run huntkit; `go run
// ./cmd/huntkit` is huntkit. Build and test-script lines are not examples of huntkit itself.
func readmeLines(text string) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(text))
	var block strings.Builder
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```sh"), strings.HasPrefix(l, "```bash"), strings.HasPrefix(l, "```shell"):
			in = true
			block.Reset()
		case in && strings.HasPrefix(l, "```"):
			in = false
			for _, e := range exampleLines(strings.ReplaceAll(block.String(), "go run ./cmd/huntkit", "huntkit")) {
				out = append(out, e)
			}
		case in:
			block.WriteString(l + "\n")
		}
	}
	return out
}

// outFileRE finds the files an example asks huntkit to write.
var outFileRE = regexp.MustCompile(`(--out|--html)\s+([^\s|&;-][^\s|&;]*)`)

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// commentRE strips a trailing shell comment (" # ...") that is not inside quotes.
var commentRE = regexp.MustCompile(`\s+#\s[^'"]*$`)

// run executes one example in its own copy of the environment's working folder settings.
func (env *exampleEnv) run(t *testing.T, ex example) {
	line := commentRE.ReplaceAllString(ex.line, "")
	fx := env.fixtureFor(t, line)
	if fx.serve {
		env.runServer(t, ex, fx, line)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), exampleTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", line)
	cmd.Dir = fx.dir
	cmd.Env = fx.env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	if code != fx.wantCode {
		t.Fatalf("example from %s:\n  %s\nexit %d (want %d); stderr:\n%s\nstdout (first 2 KB):\n%s",
			ex.source, ex.line, code, fx.wantCode, stderr.String(), head(stdout.String(), 2048))
	}
	if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic:") {
		t.Fatalf("example %s: stack trace on stderr:\n%s", ex.line, stderr.String())
	}
	for _, m := range outFileRE.FindAllStringSubmatch(line, -1) {
		p := m[2]
		if strings.HasPrefix(p, "~/") {
			p = filepath.Join(envValue(fx.env, "HOME"), p[2:])
		} else if !filepath.IsAbs(p) {
			p = filepath.Join(fx.dir, p)
		}
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("example %s: %s %s was not written (%v)", ex.line, m[1], m[2], err)
		}
	}
	if fx.check != nil {
		if msg := fx.check(stdout.String(), stderr.String()); msg != "" {
			t.Fatalf("example from %s:\n  %s\n%s\nstderr:\n%s", ex.source, ex.line, msg, stderr.String())
		}
	}
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// TestExampleCollector checks the line collector on the forms examples use.
func TestExampleCollector(t *testing.T) {
	got := exampleLines(`  huntkit a b
  # a comment
  cut -d, -f3 x.csv | huntkit geoip -
  huntkit query X \
      --param a=1
  not huntkit`)
	want := []string{"huntkit a b", "cut -d, -f3 x.csv | huntkit geoip -", "huntkit query X  --param a=1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exampleLines = %q, want %q", got, want)
	}
	r := readmeLines("text\n```sh\ngo run ./cmd/huntkit demo\n./scripts/test\n```\n```go\nhuntkit x\n```\n")
	if fmt.Sprint(r) != fmt.Sprint([]string{"huntkit demo"}) {
		t.Errorf("readmeLines = %q", r)
	}
	if s := commentRE.ReplaceAllString("huntkit ioc extract r.txt   # typed, refanged", ""); s != "huntkit ioc extract r.txt" {
		t.Errorf("comment strip = %q", s)
	}
	var names []string
	for _, e := range collectExamples(t) {
		names = append(names, e.line)
	}
	sort.Strings(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Logf("example appears twice: %s", names[i])
		}
	}
}
