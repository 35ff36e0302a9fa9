package vis

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/proctree"
)

// Browser tests open each view in real headless Chromium (Debian's chromium, installed by
// scripts/install-chromium.sh) from a file:// URL. They are skipped when no browser is found,
// unless HUNTKIT_REQUIRE_BROWSER=1. Screenshots go to $HUNTKIT_ARTIFACTS when set (to keep
// them), else to the test's temporary folder: tests never write into the source tree.

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
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	errors   []string
	shots    string
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
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx}
	b.shots = os.Getenv("HUNTKIT_ARTIFACTS")
	if b.shots == "" {
		b.shots = t.TempDir()
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, exceptionText(e.ExceptionDetails))
		case runtime.EventExceptionThrown:
			b.errors = append(b.errors, exceptionText(e.ExceptionDetails))
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("runtime domain: %v", err)
	}
	return b
}

// open writes page to a temp file and loads it; it fails on any request that is not local.
func (b *browser) open(name string, page []byte, ready string) {
	b.t.Helper()
	path := filepath.Join(b.t.TempDir(), name+".html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.run(chromedp.Navigate("file://" + path))
	b.poll(ready)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			b.t.Errorf("view %s made a network request: %s", name, u)
		}
	}
	b.requests = nil
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatal(b.withJSErrors(err))
	}
}

// withJSErrors adds the page's uncaught exceptions to err.
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

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "?"
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

// poll waits until the JavaScript expression is truthy.
func (b *browser) poll(expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, b.withJSErrors(err))
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, b.withJSErrors(err))
	}
	return v
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.checkJS()
	b.run(chromedp.Sleep(300 * time.Millisecond))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func render(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// big returns n rows of events with a known distribution.
func big(n int) *frame.Frame {
	r := rand.New(rand.NewPCG(7, 9))
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	ts, host, proc, user := make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n)
	size := make([]int64, n)
	procs := []string{"cmd.exe", "powershell.exe", "svchost.exe", "rundll32.exe", "whoami.exe", "net.exe"}
	for i := 0; i < n; i++ {
		ts[i] = t0.Add(time.Duration(i) * time.Second)
		host[i] = fmt.Sprintf("WKS-%03d", r.IntN(200))
		proc[i] = procs[r.IntN(len(procs))]
		user[i] = fmt.Sprintf("user%d", r.IntN(50))
		size[i] = int64(r.IntN(1_000_000))
	}
	return frame.MustNew(frame.NewTimes("TimeGenerated", ts), frame.NewStrings("Computer", host),
		frame.NewStrings("Process", proc), frame.NewStrings("Account", user), frame.NewInts("Bytes", size))
}

func TestBrowserDataViewer200k(t *testing.T) {
	b := newBrowser(t)
	const n = 200_000
	f := big(n)
	start := time.Now()
	b.open("dataviewer", render(t, func(w *bytes.Buffer) error { return DataViewer(w, f, Title("200k events")) }), `window.hkReady === true`)
	t.Logf("200k rows ready in %v", time.Since(start))
	// the page holds 50 rows; Tabulator draws those in the viewport (virtual DOM)
	if rows := eval[int](b, `hkTable.getRows('display').length`); rows != 50 {
		t.Errorf("rows on page 1: %d, want 50", rows)
	}
	if drawn := eval[int](b, `document.querySelectorAll('#hk-table .tabulator-row').length`); drawn < 10 {
		t.Errorf("only %d rows drawn", drawn)
	}
	// filter with the builder UI: Process contains "shell" AND Bytes > 500000
	want := 0
	for i := 0; i < n; i++ {
		if strings.Contains(f.Col("Process").Str(i), "shell") && f.Col("Bytes").Int(i) > 500000 {
			want++
		}
	}
	b.run(
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-col`), "2"),
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-op`), "contains"),
		chromedp.SendKeys(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(1) .hk-f-v1`), "shell"),
		chromedp.Click(chromedp.CSS(`#hk-add-filter`)),
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(2) .hk-f-col`), "4"),
		chromedp.SetValue(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(2) .hk-f-op`), ">"),
		chromedp.SendKeys(chromedp.CSS(`#hk-filter-rows .hk-filter:nth-child(2) .hk-f-v1`), "500000"),
		chromedp.Click(chromedp.CSS(`#hk-apply`)),
	)
	b.poll(fmt.Sprintf(`document.getElementById('hk-count').getAttribute('data-rows') === '%d'`, want))
	// sort by Bytes, descending (two clicks on the header)
	hdr := `#hk-table .tabulator-col[tabulator-field="c4"] .tabulator-col-title`
	b.run(chromedp.Click(chromedp.CSS(hdr)), chromedp.Sleep(200*time.Millisecond), chromedp.Click(chromedp.CSS(hdr)), chromedp.Sleep(300*time.Millisecond))
	top := eval[[]float64](b, `hkTable.getData('active').slice(0, 3).map(r => r.c4)`)
	var all []int
	for i := 0; i < n; i++ {
		if strings.Contains(f.Col("Process").Str(i), "shell") && f.Col("Bytes").Int(i) > 500000 {
			all = append(all, int(f.Col("Bytes").Int(i)))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(all)))
	if len(top) != 3 || int(top[0]) != all[0] || int(top[2]) != all[2] {
		t.Errorf("sorted top %v, want %v", top, all[:3])
	}
	firstCell := eval[string](b, `document.querySelector('#hk-table .tabulator-row .tabulator-cell[tabulator-field="c4"]').textContent`)
	if firstCell != fmt.Sprint(all[0]) {
		t.Errorf("first visible Bytes cell %q, want %d", firstCell, all[0])
	}
	// every operator of the filter builder, through the page's scripted entry point
	col := func(name string) *frame.Column { return f.Col(name) }
	count := func(keep func(i int) bool) int {
		c := 0
		for i := 0; i < n; i++ {
			if keep(i) {
				c++
			}
		}
		return c
	}
	t0 := col("TimeGenerated").Time(0)
	for _, tc := range []struct {
		conds, join string
		want        int
	}{
		{`[{col:'Process', op:'==', value:'net.exe'}]`, "all", count(func(i int) bool { return col("Process").Str(i) == "net.exe" })},
		{`[{col:'Process', op:'!=', value:'net.exe'}]`, "all", count(func(i int) bool { return col("Process").Str(i) != "net.exe" })},
		{`[{col:'Process', op:'in', value:'net.exe, whoami.exe'}]`, "all", count(func(i int) bool { p := col("Process").Str(i); return p == "net.exe" || p == "whoami.exe" })},
		{`[{col:'Account', op:'matches', value:'^user1[0-9]$'}]`, "all", count(func(i int) bool { a := col("Account").Str(i); return len(a) == 6 && strings.HasPrefix(a, "user1") })},
		{`[{col:'Bytes', op:'between', value:'1000', value2:'2000'}]`, "all", count(func(i int) bool { v := col("Bytes").Int(i); return v >= 1000 && v <= 2000 })},
		{`[{col:'Bytes', op:'<', value:'5000'}, {col:'Process', op:'==', value:'cmd.exe'}]`, "any", count(func(i int) bool { return col("Bytes").Int(i) < 5000 || col("Process").Str(i) == "cmd.exe" })},
		{`[{col:'TimeGenerated', op:'<', value:'2024-05-01 01:00:00'}]`, "all", count(func(i int) bool { return col("TimeGenerated").Time(i).Before(t0.Add(time.Hour)) })},
		{`[{col:'Computer', op:'not contains', value:'WKS-1'}]`, "all", count(func(i int) bool { return !strings.Contains(col("Computer").Str(i), "WKS-1") })},
	} {
		b.run(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`hkFilter(%s, %q)`, tc.conds, tc.join)))
		b.poll(fmt.Sprintf(`document.getElementById('hk-count').getAttribute('data-rows') === '%d'`, tc.want))
	}
	b.run(chromedp.Evaluate[chromedp.Void](`hkFilter([{col:'Process', op:'contains', value:'shell'}, {col:'Bytes', op:'>', value:'500000'}], 'all')`))
	b.poll(fmt.Sprintf(`document.getElementById('hk-count').getAttribute('data-rows') === '%d'`, want))
	// row details and column chooser
	b.run(chromedp.Click(chromedp.CSS(`#hk-table .tabulator-row .tabulator-cell`)))
	det := eval[string](b, `document.getElementById('hk-details').hidden ? '' : document.getElementById('hk-details-table').textContent`)
	if !strings.Contains(det, fmt.Sprint(all[0])) || !strings.Contains(det, "Computer") {
		t.Errorf("row details %q", det)
	}
	b.screenshot("dataviewer")
	b.run(chromedp.Click(chromedp.CSS(`#hk-details-close`)), chromedp.Click(chromedp.CSS(`#hk-colchooser summary`)),
		chromedp.Click(chromedp.CSS(`#hk-collist input[data-col="Account"]`)))
	visible := eval[bool](b, `hkTable.getColumn('c3').isVisible()`)
	if visible {
		t.Error("Account column still visible after unticking it")
	}
	// CSV export: the filtered, sorted rows and the visible columns, times as text
	dl := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl}); err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.Click(chromedp.CSS(`#hk-export`)))
	var csvData []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if data, err := os.ReadFile(filepath.Join(dl, "200k events.csv")); err == nil && len(data) > 0 {
			csvData = data
			break
		}
	}
	if csvData == nil {
		t.Fatal("no CSV downloaded")
	}
	recs, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != want+1 || strings.Join(recs[0], ",") != "TimeGenerated,Computer,Process,Bytes" {
		t.Fatalf("exported %d records, header %v; want %d rows", len(recs), recs[0], want)
	}
	if recs[1][3] != fmt.Sprint(all[0]) || !strings.HasPrefix(recs[1][0], "2024-05-") {
		t.Errorf("first exported row %v", recs[1])
	}
}

func TestBrowserTimeline(t *testing.T) {
	b := newBrowser(t)
	f := big(3000)
	page := render(t, func(w *bytes.Buffer) error {
		return Timeline(w, f, GroupColumn("Process"), TooltipColumns("Computer", "Account"),
			Markers(Marker{Time: time.Date(2024, 5, 1, 0, 30, 0, 0, time.UTC), Label: "alert"}))
	})
	b.open("timeline", page, `window.hkRendered !== undefined`)
	type rendered struct{ Points, Groups, Series int }
	got := eval[rendered](b, `window.hkRendered`)
	if got.Points != 3000 || got.Groups != 6 {
		t.Errorf("rendered %+v, want 3000 points in 6 groups", got)
	}
	// range selection with the brush: ten minutes of events (one a second)
	b.run(chromedp.Evaluate[chromedp.Void](`hkSelect('2024-05-01T00:10:00Z', '2024-05-01T00:19:59Z')`))
	b.run(chromedp.Sleep(1500 * time.Millisecond))
	if sel := eval[string](b, `document.getElementById('hk-selection').textContent`); !strings.Contains(sel, ": 600 events") {
		t.Errorf("brush selection %q, want 600 events", sel)
	}
	canvases := eval[int](b, `document.querySelectorAll('#hk-chart canvas').length`)
	if canvases == 0 {
		t.Error("no canvas drawn")
	}
	b.screenshot("timeline")
	b.open("timeline-values", render(t, func(w *bytes.Buffer) error {
		return Timeline(w, f.Head(300), ValueColumn("Bytes"), GroupColumn("Process"))
	}), `window.hkRendered !== undefined`)
	got = eval[rendered](b, `window.hkRendered`)
	if got.Points != 300 {
		t.Errorf("values rendered %+v", got)
	}
	b.screenshot("timeline-values")
	// durations: each row a bar from its time to its time + Bytes/1000 seconds
	ends := make([]time.Time, 200)
	for i := range ends {
		ends[i] = f.Col("TimeGenerated").Time(i).Add(time.Duration(f.Col("Bytes").Int(i)/1000) * time.Second)
	}
	d := f.Head(200)
	if err := d.AddColumn(frame.NewTimes("End", ends)); err != nil {
		t.Fatal(err)
	}
	b.open("timeline-durations", render(t, func(w *bytes.Buffer) error {
		return Timeline(w, d, EndColumn("End"), GroupColumn("Computer"), TooltipColumns("Process"))
	}), `window.hkRendered !== undefined`)
	got = eval[rendered](b, `window.hkRendered`)
	if got.Points != 200 || got.Series != 1 {
		t.Errorf("durations rendered %+v", got)
	}
	b.screenshot("timeline-durations")
}

func TestBrowserProcessTree(t *testing.T) {
	b := newBrowser(t)
	src, err := frame.ReadFile(filepath.Join("..", "proctree", "testdata", "twohosts_4688.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := proctree.Build(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	b.open("proctree", render(t, func(w *bytes.Buffer) error { return ProcessTree(w, tr, ExpandDepth(0)) }), `window.hkTree !== undefined`)
	nodes := eval[int](b, `hkTree.rendered()`)
	if nodes != len(tr.Roots()) {
		t.Errorf("collapsed tree shows %d nodes, want %d roots", nodes, len(tr.Roots()))
	}
	// expand the first root by clicking its toggle
	b.run(chromedp.Click(chromedp.CSS(`#hk-tree > .hk-node:first-child > .hk-row > .hk-tog`)))
	nodes = eval[int](b, `hkTree.visible()`)
	if want := len(tr.Roots()) + len(tr.Children(tr.Roots()[0])); nodes != want {
		t.Errorf("after expanding the first root %d nodes visible, want %d", nodes, want)
	}
	// search opens the branch holding ping.exe
	b.run(chromedp.SendKeys(chromedp.CSS(`#hk-search`), "ping"), chromedp.Click(chromedp.CSS(`#hk-find`)))
	hits := eval[string](b, `document.getElementById('hk-found').getAttribute('data-hits')`)
	if hits != "1" {
		t.Errorf("search hits %q, want 1", hits)
	}
	label := eval[string](b, `document.querySelector('.hk-cur .hk-lbl').textContent`)
	if !strings.HasPrefix(label, "ping.exe") {
		t.Errorf("current hit %q", label)
	}
	b.screenshot("proctree")
	// a bigger tree from the shared MSTICPy sample, when present
	if dir := testdata.Dir(); dir != "" {
		f, err := frame.ReadFile(filepath.Join(dir, "msticpy", "proctree", "win_proc_test.csv"))
		if err != nil {
			t.Fatal(err)
		}
		big, err := proctree.Build(context.Background(), f, proctree.MSTICPyCompat())
		if err != nil {
			t.Fatal(err)
		}
		b.open("proctree-win", render(t, func(w *bytes.Buffer) error { return ProcessTree(w, big) }), `window.hkTree !== undefined`)
		b.run(chromedp.Click(chromedp.CSS(`#hk-expand-all`)))
		nodes = eval[int](b, `hkTree.visible()`)
		if nodes != big.Len() {
			t.Errorf("expand all shows %d nodes, want %d", nodes, big.Len())
		}
		b.run(chromedp.Click(chromedp.CSS(`#hk-collapse-all`)), chromedp.Click(chromedp.CSS(`#hk-tree > .hk-node:nth-child(5) > .hk-row > .hk-tog`)))
		b.screenshot("proctree-win")
	}
}

func TestBrowserMapAndMatrix(t *testing.T) {
	b := newBrowser(t)
	f := sample(40)
	b.open("map", render(t, func(w *bytes.Buffer) error { return Map(w, f, SizeBy("BytesOut"), ColorBy("Computer")) }), `window.hkRendered !== undefined`)
	type rendered struct{ Points, Series int }
	got := eval[rendered](b, `window.hkRendered`)
	if got.Points != 40 || got.Series != 3 {
		t.Errorf("map rendered %+v, want 40 points in 3 series", got)
	}
	regions := eval[int](b, `hkChart.getOption().geo[0].map === 'world' ? echarts.getMap('world').geoJSON.features.length : 0`)
	if regions < 150 {
		t.Errorf("world map has %d countries", regions)
	}
	b.screenshot("map")
	b.open("matrix", render(t, func(w *bytes.Buffer) error { return Matrix(w, f, XY("Computer", "User")) }), `window.hkRendered !== undefined`)
	got = eval[rendered](b, `window.hkRendered`)
	if got.Points != 6 {
		t.Errorf("matrix cells %d, want 6", got.Points)
	}
	b.screenshot("matrix")
}

// TestBrowserHostileData checks that markup in data (values and column names, which come from
// logs an attacker may control) is shown as text and never run.
func TestBrowserHostileData(t *testing.T) {
	b := newBrowser(t)
	evil := `<img src=x onerror="window.hkXSS=1">`
	f := frame.MustNew(
		frame.NewTimes("TimeGenerated", []time.Time{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 1, 0, 0, time.UTC)}),
		frame.NewStrings(evil, []string{evil, "</script><script>window.hkXSS=2</script>"}),
		frame.NewStrings("Computer", []string{evil, "b"}))
	noXSS := func(page string) {
		t.Helper()
		b.run(chromedp.Sleep(300 * time.Millisecond))
		if got := eval[any](b, `window.hkXSS === undefined ? null : window.hkXSS`); got != nil {
			t.Errorf("%s: markup from the data ran: hkXSS = %v", page, got)
		}
	}
	b.open("hostile-data", render(t, func(w *bytes.Buffer) error { return DataViewer(w, f) }), `window.hkReady === true`)
	b.run(chromedp.Click(chromedp.CSS(`#hk-table .tabulator-row .tabulator-cell`)))
	cell := eval[string](b, `document.querySelector('#hk-table .tabulator-row .tabulator-cell[tabulator-field="c1"]').textContent`)
	if cell != evil {
		t.Errorf("cell text %q, want the markup as text", cell)
	}
	if title := eval[string](b, `document.querySelector('.tabulator-col[tabulator-field="c1"] .tabulator-col-title').textContent`); title != evil {
		t.Errorf("column title %q, want the markup as text", title)
	}
	noXSS("data viewer")
	b.open("hostile-timeline", render(t, func(w *bytes.Buffer) error {
		return Timeline(w, f, GroupColumn("Computer"), TooltipColumns(evil, "Computer"))
	}), `window.hkRendered !== undefined`)
	b.run(chromedp.Evaluate[chromedp.Void](`hkChart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})`))
	noXSS("timeline")
	b.open("hostile-matrix", render(t, func(w *bytes.Buffer) error { return Matrix(w, f, XY(evil, "Computer")) }), `window.hkRendered !== undefined`)
	b.run(chromedp.Evaluate[chromedp.Void](`hkChart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})`))
	noXSS("matrix")
	g := frame.MustNew(frame.NewFloats("Latitude", []float64{10, 20}), frame.NewFloats("Longitude", []float64{30, 40}),
		frame.NewStrings("Country", []string{evil, "x"}), frame.NewStrings("Note", []string{evil, evil}))
	b.open("hostile-map", render(t, func(w *bytes.Buffer) error { return Map(w, g, ColorBy("Country"), TooltipColumns("Note")) }), `window.hkRendered !== undefined`)
	b.run(chromedp.Evaluate[chromedp.Void](`hkChart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})`))
	noXSS("map")
	procs := frame.MustNew(
		frame.NewStrings("TimeGenerated", []string{"2024-01-01 00:00:00", "2024-01-01 00:00:01"}),
		frame.NewStrings("NewProcessName", []string{`C:\x\` + evil, `C:\y.exe`}),
		frame.NewStrings("NewProcessId", []string{"0x10", "0x20"}),
		frame.NewStrings("ProcessId", []string{"0x4", "0x10"}),
		frame.NewStrings("ParentProcessName", []string{evil, `C:\x\` + evil}),
		frame.NewStrings("CommandLine", []string{evil, evil}),
		frame.NewStrings("SubjectUserName", []string{evil, "u"}))
	tr, err := proctree.Build(context.Background(), procs)
	if err != nil {
		t.Fatal(err)
	}
	b.open("hostile-tree", render(t, func(w *bytes.Buffer) error { return ProcessTree(w, tr, ColorBy("SubjectUserName")) }), `window.hkTree !== undefined`)
	b.run(chromedp.Click(chromedp.CSS(`#hk-tree .hk-lbl`)))
	if lbl := eval[string](b, `document.querySelector('#hk-tree .hk-lbl').textContent`); !strings.Contains(lbl, "<img") {
		t.Errorf("tree label %q, want the markup as text", lbl)
	}
	noXSS("process tree")
}
