package workbench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	huntkit "github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/internal/testdata"
)

// Browser tests drive the workbench in Debian's headless Chromium (scripts/install-chromium.sh),
// as vis's view tests do: skipped without a browser unless HUNTKIT_REQUIRE_BROWSER=1.
// Screenshots go to $HUNTKIT_ARTIFACTS when set, else to the test's temporary folder.

func chromiumPath() string {
	if p := os.Getenv("HUNTKIT_CHROMIUM"); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		return ""
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

type browser struct {
	t      *testing.T
	ctx    context.Context
	mu     sync.Mutex
	errors []string
	shots  string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromiumPath()
	if bin == "" {
		msg := "no chromium binary found (install with scripts/install-chromium.sh or set HUNTKIT_CHROMIUM)"
		if os.Getenv("HUNTKIT_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx, shots: os.Getenv("HUNTKIT_ARTIFACTS")}
	if b.shots == "" {
		b.shots = t.TempDir()
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b.listen(ctx)
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// listen records uncaught exceptions of the target behind ctx.
func (b *browser) listen(ctx context.Context) {
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, e.ExceptionDetails.Text+" "+descr(e.ExceptionDetails))
		case runtime.EventExceptionThrown:
			b.errors = append(b.errors, e.ExceptionDetails.Text+" "+descr(e.ExceptionDetails))
		}
	})
	if err != nil {
		b.t.Fatalf("listen: %v", err)
	}
}

func descr(d *runtime.ExceptionDetails) string {
	if d != nil && d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

func (b *browser) run(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(b.withJSErrors(err))
	}
}

func (b *browser) withJSErrors(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		return fmt.Errorf("%w (page errors: %s)", err, strings.Join(b.errors, "; "))
	}
	return err
}

func (b *browser) checkJS() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		b.t.Errorf("JavaScript error: %s", e)
	}
	b.errors = nil
}

func (b *browser) poll(ctx context.Context, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(90*time.Second))); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, b.withJSErrors(err))
	}
}

func evalIn[T any](b *browser, ctx context.Context, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, b.withJSErrors(err))
	}
	return v
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// frame attaches to the result view frame whose address contains part (Chromium runs the
// sandboxed view in a target of its own) in which ready is true. An earlier view of the
// same kind may still be listed, so every matching frame is tried until one is ready.
func (b *browser) frame(part, ready string) context.Context {
	b.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			b.t.Fatal(err)
		}
		for i := len(infos) - 1; i >= 0; i-- {
			info := infos[i]
			if info.Type != "iframe" || !strings.Contains(info.URL, part) {
				continue
			}
			fctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID))
			if ok, err := chromedp.Run(fctx, chromedp.Evaluate[bool]("Boolean("+ready+")")); err == nil && ok {
				b.t.Cleanup(cancel)
				b.listen(fctx)
				return fctx
			}
			cancel()
		}
		if time.Now().After(deadline.Add(-60 * time.Second)) {
			// Chromium does not always run a sandboxed frame as a target of its own (under
			// memory pressure it may keep it in the page's process): open the newest view
			// of that kind in a tab of its own, where the same checks apply.
			src, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
				`[...document.querySelectorAll('iframe')].map(f => f.src).filter(s => s.includes(`+strconvQuote(part)+`)).pop() || ''`))
			if err == nil && src != "" {
				tctx, cancel := chromedp.NewContext(b.ctx)
				b.t.Cleanup(cancel)
				b.listen(tctx)
				if _, err := chromedp.Run(tctx, chromedp.Navigate(src)); err != nil {
					b.t.Fatalf("open view %s: %v", src, err)
				}
				b.poll(tctx, ready)
				return tctx
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.t.Fatalf("no view frame with %q in its address in which %s", part, ready)
	return nil
}

// strconvQuote quotes s as a JavaScript string literal.
func strconvQuote(s string) string { return strconv.Quote(s) }

// fixture is a workbench over the demo tenant, MaxMind's test City database and a
// configuration file with comments.
type fixture struct {
	url, cfgPath, data string
	srv                *Server
}

const testConfig = `# huntkit workbench test configuration: comments must survive the editor
TIProviders:
  # the OTX key comes from the vendor portal
  OTX:
    Args:
      AuthKey: old-otx-key  # rotated yearly
    Primary: true
    Provider: OTX
OtherProviders:
  GeoIPLite:
    Args:
      AuthKey: test-licence-key
      DBFolder: %s
    Provider: GeoLiteLookup
`

func newFixture(t *testing.T, ws string) *fixture {
	t.Helper()
	mmdb := testdata.Shared(t, "maxmind/test-data/GeoLite2-City-Test.mmdb")
	geo := t.TempDir()
	if err := os.Symlink(mmdb, filepath.Join(geo, "GeoLite2-City.mmdb")); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	ctx := context.Background()
	if _, err := demo.Build(ctx, data, demo.Options{Seed: 1, Days: 3}); err != nil {
		t.Fatal(err)
	}
	hostile := "Name,Note\n" +
		`"<img src=x onerror=""window.__pwned=1"">","<script>window.__pwned=2</script>"` + "\n" +
		"plain,<b>bold?</b>\n"
	if err := os.WriteFile(filepath.Join(data, "Hostile.csv"), []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(testConfig, geo)), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := []huntkit.Option{huntkit.WithConfigFile(cfgPath)}
	if ws != "" {
		opts = append(opts, huntkit.WithWorkspaceFile(ws))
	}
	hk, err := huntkit.Open(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(hk, Options{Data: []string{data}, ConfigFile: cfgPath})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listener("", false)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		<-done
		srv.Close()
		hk.Close()
	})
	return &fixture{url: srv.URL(ln), cfgPath: cfgPath, data: data, srv: srv}
}

// TestBrowserWorkbench walks an investigation as an analyst would: connect LocalData on
// the demo tenant, find and run a template, filter its result in the data viewer, enrich
// the IP column with GeoIP, write KQL with completion and open the process tree, then
// change a TI provider's key in the configuration editor and save.
func TestBrowserWorkbench(t *testing.T) {
	b := newBrowser(t)
	fx := newFixture(t, "")
	ctx := b.ctx
	b.run(ctx, chromedp.Navigate(fx.url))
	b.poll(ctx, `document.body.dataset.ready === "1"`)

	// environment and sign-in status
	b.run(ctx, chromedp.Click(chromedp.CSS(`#connect`)))
	b.poll(ctx, `document.getElementById('env-status').textContent === 'Connected'`)

	// search, choose and run a template with the time range picker
	b.run(ctx, chromedp.SendKeys(chromedp.CSS(`#tpl-search`), "failed_signins$"))
	b.poll(ctx, `document.querySelectorAll('#tpl-list button').length === 1`)
	b.run(ctx, chromedp.Click(chromedp.CSS(`#tpl-list button[data-name="Azure.list_aad_failed_signins"]`)))
	b.poll(ctx, `document.getElementById('tpl-help').textContent.includes('SigninLogs')`)
	b.run(ctx, chromedp.SendKeys(chromedp.CSS(`#start`), "2026-11-01"), chromedp.SendKeys(chromedp.CSS(`#end`), "2026-11-06"),
		chromedp.Click(chromedp.CSS(`#run-template`)))
	b.poll(ctx, `!document.getElementById('tab-results').hidden && document.getElementById('result-info').textContent.includes('rows')`)
	total := evalIn[int](b, ctx, `parseInt(document.getElementById('result-info').textContent)`)
	if total < 10 {
		t.Fatalf("the template found %d failed sign-ins; the demo tenant has more", total)
	}

	// filter in the data viewer (its own filter builder, in the sandboxed frame)
	view := b.frame("/view/data", `document.getElementById('hk-count') && document.getElementById('hk-count').getAttribute('data-rows') !== null`)
	if n := evalIn[int](b, view, `parseInt(document.getElementById('hk-count').getAttribute('data-rows'))`); n != total {
		t.Fatalf("data viewer shows %d rows, want %d", n, total)
	}
	b.run(view, chromedp.Click(chromedp.CSS(`#hk-add-filter`)))
	col := evalIn[string](b, view, `[...document.querySelector('#hk-filter-rows .hk-filter .hk-f-col').options].find(o => o.textContent === 'IPAddress').value`)
	b.run(view,
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-col`), col),
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-op`), "contains"),
		chromedp.SendKeys(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-v1`), "81.2.69."),
		chromedp.Click(chromedp.CSS(`#hk-apply`)))
	b.poll(view, fmt.Sprintf(`(n => n > 0 && n < %d)(parseInt(document.getElementById('hk-count').getAttribute('data-rows')))`, total))
	bad := evalIn[int](b, view, `[...document.querySelectorAll('#hk-table .tabulator-row')].filter(r => !r.textContent.includes('81.2.69.')).length`)
	if bad != 0 {
		t.Fatalf("%d rows left by the filter do not hold 81.2.69.", bad)
	}
	b.screenshot("workbench-filtered")

	// select the IP column and enrich it with GeoIP
	b.run(view, chromedp.Click(chromedp.CSS(`#hk-table .tabulator-col[tabulator-field="c`+col+`"] .tabulator-col-title`)))
	b.poll(ctx, `!document.getElementById('selection').hidden && document.getElementById('sel-column').textContent === 'IPAddress'`)
	b.run(ctx, chromedp.Click(chromedp.CSS(`#enrich-geoip`)))
	b.poll(ctx, `document.getElementById('flash').textContent.startsWith('geoip: ')`)
	csv := evalIn[string](b, ctx, `(async () => { const rs = await (await fetch('/api/results')).json();
		const r = rs[rs.length - 1]; return r.columns.join(',') + '\n' + await (await fetch('/api/results/' + r.id + '/export?format=csv')).text(); })()`)
	if !strings.Contains(strings.SplitN(csv, "\n", 2)[0], "CountryCode") || !strings.Contains(csv, "London") {
		t.Fatalf("GeoIP enrichment has no CountryCode column or no London (81.2.69.x in MaxMind's test data):\n%.600s", csv)
	}

	// KQL with completion, then the process tree of its result
	b.run(ctx, chromedp.Click(chromedp.CSS(`#tabs button[data-tab="query"]`)), chromedp.Click(chromedp.CSS(`#editor .cm-content`)),
		chromedp.SendKeys(chromedp.CSS(`#editor .cm-content`), "SecurityEv"))
	b.poll(ctx, `(e => e && e.textContent.includes('SecurityEvent'))(document.querySelector('.cm-tooltip-autocomplete'))`)
	b.run(ctx, chromedp.SendKeys(chromedp.CSS(`#editor .cm-content`), "\x1b"))
	b.run(ctx, chromedp.SendKeys(chromedp.CSS(`#editor .cm-content`), "ent | where EventID == 4688 | take 400"))
	b.run(ctx, chromedp.Sleep(300*time.Millisecond))
	if got := evalIn[string](b, ctx, `document.querySelector('#editor .cm-content').textContent.replace(/\u00a0/g, ' ')`); got != "SecurityEvent | where EventID == 4688 | take 400" {
		t.Fatalf("editor holds %q", got)
	}
	if n := evalIn[int](b, ctx, `document.querySelectorAll('#editor .cm-content span').length`); n < 3 {
		t.Errorf("the KQL is not highlighted (%d styled spans)", n)
	}
	b.run(ctx, chromedp.Click(chromedp.CSS(`#run-query`)))
	b.poll(ctx, `!document.getElementById('tab-results').hidden && document.getElementById('result-info').textContent.startsWith('400 rows')`)
	b.run(ctx, chromedp.Click(chromedp.CSS(`#view-proctree`)))
	tree := b.frame("/view/proctree", `window.hkTree !== undefined && hkTree.rendered() > 0`)
	if n := evalIn[int](b, tree, `hkTree.rendered()`); n < 2 {
		t.Fatalf("process tree shows %d nodes", n)
	}
	b.screenshot("workbench-proctree")

	// HTML in data cells is text: nothing runs
	b.run(ctx, chromedp.Click(chromedp.CSS(`#tabs button[data-tab="query"]`)))
	evalIn[bool](b, ctx, `(s => { s.value = 'sql'; return s.dispatchEvent(new Event('change')); })(document.getElementById('lang'))`)
	b.run(ctx, chromedp.Click(chromedp.CSS(`#editor .cm-content`)), chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS(`#editor .cm-content`), "SELECT * FROM Hostile"))
	b.run(ctx, chromedp.Sleep(200*time.Millisecond))
	if got := evalIn[string](b, ctx, `document.querySelector('#editor .cm-content').textContent.replace(/\u00a0/g, ' ')`); got != "SELECT * FROM Hostile" {
		t.Fatalf("editor holds %q", got)
	}
	b.run(ctx, chromedp.Click(chromedp.CSS(`#run-query`)))
	b.poll(ctx, `document.getElementById('progress').textContent.includes(' in ')`)
	if p := evalIn[string](b, ctx, `document.getElementById('progress').textContent`); !strings.Contains(p, "2 rows") {
		t.Fatalf("SQL query: %s", p)
	}
	b.poll(ctx, `!document.getElementById('tab-results').hidden && document.getElementById('result-info').textContent.startsWith('2 rows')`)
	hostile := b.frame("/view/data", `document.querySelectorAll('#hk-table .tabulator-row').length === 2`)
	cells := evalIn[string](b, hostile, `document.getElementById('hk-table').textContent`)
	if !strings.Contains(cells, `<img src=x onerror="window.__pwned=1">`) || !strings.Contains(cells, "<script>window.__pwned=2</script>") {
		t.Fatalf("HTML in cells is not shown as text: %q", cells)
	}
	if evalIn[bool](b, hostile, `window.__pwned !== undefined || document.querySelector('#hk-table img, #hk-table b') !== null`) ||
		evalIn[bool](b, ctx, `window.__pwned !== undefined`) {
		t.Fatal("HTML from a data cell became markup or ran")
	}

	// the configuration editor: a TI provider's key, entered as a new masked literal
	b.run(ctx, chromedp.Click(chromedp.CSS(`#tabs button[data-tab="config"]`)))
	key := `[data-path="TIProviders.OTX.Args.AuthKey"]`
	b.poll(ctx, `document.querySelector('`+key+` .secret-mode') !== null`)
	if evalIn[bool](b, ctx, `document.body.innerHTML.includes('old-otx-key')`) {
		t.Fatal("the configuration editor sent the secret to the browser")
	}
	evalIn[bool](b, ctx, `(s => { s.value = 'literal'; return s.dispatchEvent(new Event('change')); })(document.querySelector('`+key+` .secret-mode'))`)
	b.run(ctx, chromedp.SendKeys(chromedp.CSS(key+` .secret-value`), "new-otx-key-2027"), chromedp.Click(chromedp.CSS(`#cfg-save`)))
	b.poll(ctx, `document.getElementById('cfg-status').textContent.startsWith('saved ')`)
	saved, err := os.ReadFile(fx.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"new-otx-key-2027", "# huntkit workbench test configuration", "# the OTX key comes from the vendor portal", "# rotated yearly", "Provider: GeoLiteLookup"} {
		if !strings.Contains(string(saved), want) {
			t.Errorf("saved configuration lacks %q:\n%s", want, saved)
		}
	}
	if strings.Contains(string(saved), "old-otx-key") {
		t.Errorf("the old key is still in the saved file:\n%s", saved)
	}
	if strings.Index(string(saved), "TIProviders") > strings.Index(string(saved), "OtherProviders") {
		t.Errorf("sections were reordered:\n%s", saved)
	}
	backup, err := os.ReadFile(fx.cfgPath + ".bak")
	if err != nil || !strings.Contains(string(backup), "old-otx-key") {
		t.Errorf("no backup with the old file: %v", err)
	}
	b.screenshot("workbench-config")

	// the notebook lists the steps in order
	b.run(ctx, chromedp.Click(chromedp.CSS(`#tabs button[data-tab="notebook"]`)))
	b.poll(ctx, `document.querySelectorAll('#steps li').length >= 4`)
	kinds := evalIn[string](b, ctx, `[...document.querySelectorAll('#steps li')].map(l => l.dataset.kind).join(',')`)
	if !strings.HasPrefix(kinds, "query,enrich,query,view,query") {
		t.Errorf("notebook steps %s, want query,enrich,query,view,query...", kinds)
	}
	b.checkJS()
}
