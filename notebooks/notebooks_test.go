// Package notebooks_test executes every example notebook headless with Jupyter's nbconvert
// on the huntkit kernel (installed into a temporary JUPYTER_DATA_DIR), fails on any cell
// error that the cell does not expect (tag raises-exception), checks key outputs, and opens
// the tour's rendered HTML in headless Chromium to check its data viewer is interactive.
//
// It skips when jupyter (jupyter-nbconvert, python3-jupyter-client: scripts/install-jupyter.sh)
// is missing, unless HUNTKIT_REQUIRE_JUPYTER=1.
package notebooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/internal/testdata"
)

// jupyter returns the jupyter command, or skips (fails with HUNTKIT_REQUIRE_JUPYTER=1).
func jupyter(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("jupyter")
	if err == nil {
		err = exec.Command(p, "nbconvert", "--version").Run()
	}
	if err != nil {
		msg := "jupyter nbconvert not found (install jupyter-nbconvert and python3-jupyter-client with scripts/install-jupyter.sh)"
		if os.Getenv("HUNTKIT_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// notebook is the part of an .ipynb the checks read.
type notebook struct {
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []struct {
		Type     string `json:"cell_type"`
		Source   any    `json:"source"`
		Metadata struct {
			Tags []string `json:"tags"`
		} `json:"metadata"`
		Outputs []struct {
			Type   string         `json:"output_type"`
			Name   string         `json:"name"`
			Text   any            `json:"text"`
			Data   map[string]any `json:"data"`
			Ename  string         `json:"ename"`
			Evalue string         `json:"evalue"`
		} `json:"outputs"`
	} `json:"cells"`
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, s := range x {
			b.WriteString(fmt.Sprint(s))
		}
		return b.String()
	}
	return ""
}

// cellText is a cell's source and the text of its outputs (streams, text/plain, errors).
func (nb *notebook) outputs(match string) string {
	var b strings.Builder
	for _, c := range nb.Cells {
		if !strings.Contains(text(c.Source), match) {
			continue
		}
		for _, o := range c.Outputs {
			b.WriteString(text(o.Text))
			b.WriteString(text(o.Data["text/plain"]))
			b.WriteString(o.Evalue)
		}
	}
	return b.String()
}

type env struct {
	dir, bin, demo string
	vars           []string
}

// setup builds huntkit, installs the kernelspec into a temporary JUPYTER_DATA_DIR and
// writes a configuration naming the demo's threat feed and the MaxMind test databases.
func setup(t *testing.T) *env {
	t.Helper()
	geoDir := filepath.Dir(testdata.Shared(t, "maxmind/test-data/GeoLite2-City-Test.mmdb"))
	root := testdata.ModuleRoot()
	e := &env{dir: t.TempDir()}
	e.bin = filepath.Join(e.dir, "bin", "huntkit")
	build := exec.Command("go", "build", "-o", e.bin, "./cmd/huntkit")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build huntkit: %v\n%s", err, out)
	}
	cache := filepath.Join(e.dir, "cache")
	e.demo = filepath.Join(cache, "huntkit", "demo", "seed1-14d-small")
	cfg := filepath.Join(e.dir, "msticpyconfig.yaml")
	yaml := fmt.Sprintf(`TIProviders:
  LocalFeed:
    Primary: true
    Provider: LocalFeed
    Args:
      Paths: %s
OtherProviders:
  GeoIPLite:
    Args:
      AuthKey: offline-test-databases
      DBFolder: %s
`, filepath.Join(e.demo, "threat_feed.csv"), geoDir)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	e.vars = append(os.Environ(),
		"JUPYTER_DATA_DIR="+filepath.Join(e.dir, "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(e.dir, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(e.dir, "jupyter-config"),
		"IPYTHONDIR="+filepath.Join(e.dir, "ipython"),
		"HOME="+filepath.Join(e.dir, "home"),
		"XDG_CACHE_HOME="+cache,
		"HUNTKIT_CONFIG="+cfg,
		"HUNTKIT_WORKSPACE=",
	)
	install := exec.Command(e.bin, "kernel", "install")
	install.Env = e.vars
	out, err := install.CombinedOutput()
	if err != nil {
		t.Fatalf("kernel install: %v\n%s", err, out)
	}
	spec, err := os.ReadFile(filepath.Join(e.dir, "jupyter", "kernels", "huntkit", "kernel.json"))
	if err != nil || !strings.Contains(string(spec), `"interrupt_mode": "message"`) || !strings.Contains(string(spec), e.bin) {
		t.Fatalf("kernelspec: %v\n%s", err, spec)
	}
	return e
}

// execute runs one notebook headless and returns the executed notebook's path.
func (e *env) execute(t *testing.T, jup, path string) string {
	t.Helper()
	outDir := filepath.Join(e.dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // a hung kernel must not hang CI
	defer cancel()
	cmd := exec.CommandContext(ctx, jup, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=huntkit",
		"--output-dir", outDir, path)
	cmd.Env = e.vars
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nbconvert --execute %s: %v\n%s", filepath.Base(path), err, tail(string(out), 3000))
	}
	return filepath.Join(outDir, filepath.Base(path))
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func read(t *testing.T, path string) *notebook {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &nb
}

// checkNoErrors fails on an error output in a cell not tagged raises-exception, and on a
// tagged cell that did not fail.
func checkNoErrors(t *testing.T, name string, nb *notebook) {
	t.Helper()
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		expect := false
		for _, tag := range c.Metadata.Tags {
			expect = expect || tag == "raises-exception"
		}
		failed := false
		for _, o := range c.Outputs {
			if o.Type == "error" {
				failed = true
				if !expect {
					t.Errorf("%s cell %d (%q): %s: %s", name, i, firstLine(text(c.Source)), o.Ename, o.Evalue)
				}
				if strings.Contains(o.Evalue, "goroutine") || strings.Contains(o.Evalue, "\n") {
					t.Errorf("%s cell %d: error is not one line: %q", name, i, o.Evalue)
				}
			}
		}
		if expect && !failed {
			t.Errorf("%s cell %d (%q) is tagged raises-exception but did not fail", name, i, firstLine(text(c.Source)))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Jupyter")
	}
	jup := jupyter(t)
	e := setup(t)
	paths, err := filepath.Glob(filepath.Join(testdata.ModuleRoot(), "notebooks", "*.ipynb"))
	if err != nil || len(paths) < 2 {
		t.Fatalf("notebooks: %v %v", paths, err)
	}
	executed := map[string]*notebook{}
	var tourPath string
	for _, p := range paths {
		nb := read(t, p)
		if nb.Metadata.Kernelspec.Name != "huntkit" {
			continue // the GoNB notebook runs on GoNB's kernel, which CI does not install
		}
		name := strings.TrimSuffix(filepath.Base(p), ".ipynb")
		t.Run(name, func(t *testing.T) {
			out := e.execute(t, jup, p)
			got := read(t, out)
			checkNoErrors(t, name, got)
			executed[name] = got
			if name == "tour" {
				tourPath = out
			}
		})
	}
	var truth struct {
		RowCounts map[string]int `json:"row_counts"`
		Stages    []struct {
			ID string `json:"id"`
		} `json:"stages"`
	}
	data, err := os.ReadFile(filepath.Join(e.demo, "ground_truth.json"))
	if err != nil {
		t.Fatalf("the kernel did not generate the demo tenant: %v", err)
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	if nb := executed["getting-started"]; nb != nil {
		tables := nb.outputs("%tables")
		for _, table := range []string{"SecurityEvent", "DeviceProcessEvents", "SigninLogs"} {
			re := regexp.MustCompile(`(?m)^` + table + `\s+(\d+)`)
			m := re.FindStringSubmatch(tables)
			if m == nil {
				t.Errorf("%%tables shows no %s:\n%s", table, tables)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n != truth.RowCounts[table] {
				t.Errorf("%%tables: %s has %d rows, the tenant %d", table, n, truth.RowCounts[table])
			}
		}
		if m := regexp.MustCompile(`kept (\d+) rows as table logons`).FindStringSubmatch(nb.outputs("%query WindowsSecurity")); m == nil || m[1] == "0" {
			t.Errorf("%%query kept no logons: %q", nb.outputs("%query WindowsSecurity"))
		}
		if out := nb.outputs("Acount"); !strings.Contains(out, `did you mean "Account"`) {
			t.Errorf("the misspelt column's error has no suggestion: %q", out)
		}
	}
	if nb := executed["tour"]; nb != nil {
		hasStage := false
		for _, s := range truth.Stages {
			hasStage = hasStage || s.ID == "c2-beacon"
		}
		beacons := nb.outputs("FROM beacons")
		if !hasStage || !regexp.MustCompile(`wks-fin-04\S*\s+67\.43\.156\.80\s+\d+\s+300\b`).MatchString(beacons) {
			t.Errorf("the tour did not find the c2-beacon stage (wks-fin-04 → 67.43.156.80 every 300 s):\n%s", beacons)
		}
		if ti := nb.outputs("%ti lookup"); !regexp.MustCompile(`portaloffice\.icu.*LocalFeed.*high`).MatchString(ti) {
			t.Errorf("TI lookup in the local feed:\n%s", ti)
		}
		if geo := nb.outputs("%geoip"); !strings.Contains(geo, "GB") {
			t.Errorf("GeoIP of 81.2.69.142 in the MaxMind test database:\n%s", geo)
		}
		if dec := nb.outputs("%decode"); !strings.Contains(strings.ToLower(dec), "base64") {
			t.Errorf("decode found no base64:\n%s", dec)
		}
		if flows := nb.outputs("-> flows"); !strings.Contains(flows, "the whole result is table flows") {
			t.Errorf("a large result is not shown paged:\n%s", tail(flows, 500))
		}
	}
	if tourPath != "" {
		t.Run("data viewer in Chromium", func(t *testing.T) { checkViewer(t, jup, e, tourPath) })
	}
}

// checkViewer renders the executed tour as HTML and checks in headless Chromium that the
// first data viewer shows rows and sorts when a column header is clicked.
func checkViewer(t *testing.T, jup string, e *env, executed string) {
	bin := chromium()
	if bin == "" {
		msg := "no chromium binary found (scripts/install-chromium.sh, or HUNTKIT_CHROMIUM)"
		if os.Getenv("HUNTKIT_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(jup, "nbconvert", "--to", "html", "--output-dir", filepath.Join(e.dir, "html"), executed)
	cmd.Env = e.vars
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert --to html: %v\n%s", err, tail(string(out), 2000))
	}
	page := filepath.Join(e.dir, "html", strings.TrimSuffix(filepath.Base(executed), ".ipynb")+".html")
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900))
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelT()
	// The viewer lives in an iframe (srcdoc, same origin); the scripts reach into it.
	const frame = `document.querySelector('iframe.huntkit-view').contentDocument`
	const firstCol = `(() => Array.from(` + frame + `.querySelectorAll('.tabulator-row')).map(r => r.querySelector('.tabulator-cell').textContent).join('|'))()`
	const sort = `(() => { ` + frame + `.querySelectorAll('.tabulator-col')[0].querySelector('.tabulator-col-title').click(); return true })()`
	step := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("chromium: %v", err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("chromium: %s: %v", js, err)
		}
		return fmt.Sprint(v)
	}
	step(chromedp.Navigate("file://" + page))
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](frame+`.querySelectorAll('.tabulator-row').length > 0`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("the data viewer never showed rows: %v", err)
	}
	rows, _ := strconv.Atoi(eval(frame + `.querySelectorAll('.tabulator-row').length`))
	before := eval(firstCol)
	eval(sort)
	step(chromedp.Sleep(300 * time.Millisecond))
	eval(sort)
	step(chromedp.Sleep(300 * time.Millisecond))
	after := eval(firstCol)
	if rows == 0 {
		t.Fatal("the data viewer shows no rows")
	}
	if before == after {
		t.Errorf("clicking the first column header twice did not change the order:\n%s", before)
	}
}

func chromium() string {
	if p := os.Getenv("HUNTKIT_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}
