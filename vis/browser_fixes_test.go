package vis

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/frame"
)

// The data viewer's CSV export is named after the page title without a second ".csv" (a
// view of "events.csv" downloads "events.csv", of "logs.ndjson" downloads "logs.csv").
func TestBrowserExportFileName(t *testing.T) {
	b := newBrowser(t)
	f := frame.MustNew(frame.NewStrings("Computer", []string{"a", "b"}), frame.NewInts("Bytes", []int64{1, 2}))
	for _, tc := range []struct{ title, want string }{
		{"events.csv", "events.csv"},
		{"logs.NDJSON", "logs.csv"},
		{"Data", "Data.csv"},
	} {
		b.open("export", render(t, func(w *bytes.Buffer) error { return DataViewer(w, f, Title(tc.title)) }),
			`document.getElementById('hk-count').getAttribute('data-rows') === '2'`)
		dl := t.TempDir()
		if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl}); err != nil {
			t.Fatal(err)
		}
		b.run(chromedp.Click(chromedp.CSS(`#hk-export`)))
		var names []string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(names) == 0; time.Sleep(100 * time.Millisecond) {
			ents, _ := os.ReadDir(dl)
			for _, e := range ents {
				if data, err := os.ReadFile(filepath.Join(dl, e.Name())); err == nil && len(data) > 0 && filepath.Ext(e.Name()) != ".crdownload" {
					names = append(names, e.Name())
				}
			}
		}
		if len(names) != 1 || names[0] != tc.want {
			t.Errorf("title %q: downloaded %v, want %s", tc.title, names, tc.want)
		}
	}
}

// Matrix axis labels keep the distinctive start of long values (host names) and cut the end;
// hovering a label shows the whole value.
func TestBrowserMatrixLabelsKeepStart(t *testing.T) {
	b := newBrowser(t)
	long := "WKS-ENG-02.corp.eu-west.contoso.com"
	f := frame.MustNew(frame.NewStrings("Computer", []string{long, "SRV-DB-01.corp.eu-west.contoso.com", long}),
		frame.NewStrings("User", []string{"alice", "bob", "carol-with-a-very-long-account-name@contoso.com"}))
	b.open("matrix", render(t, func(w *bytes.Buffer) error { return Matrix(w, f, XY("Computer", "User")) }), `window.hkRendered !== undefined`)
	x := eval[string](b, `hkChart.getOption().xAxis[0].axisLabel.formatter(`+jsString(long)+`)`)
	if len(x) >= len(long) || x[:8] != long[:8] || x[len(x)-3:] != "…" {
		t.Errorf("x label %q: want the start of %q, cut with …", x, long)
	}
	y := eval[string](b, `hkChart.getOption().yAxis[0].axisLabel.formatter('carol-with-a-very-long-account-name@contoso.com')`)
	if y[:10] != "carol-with" {
		t.Errorf("y label %q keeps the end", y)
	}
	if short := eval[string](b, `hkChart.getOption().yAxis[0].axisLabel.formatter('bob')`); short != "bob" {
		t.Errorf("short label %q", short)
	}
	// the full value appears as the chart's tooltip title while a label is hovered (a real
	// mouse move over the y axis label, then away from it)
	acct := "carol-with-a-very-long-account-name@contoso.com"
	type pt struct{ X, Y float64 }
	p := eval[pt](b, `(function () { var r = document.getElementById('hk-chart').getBoundingClientRect();
	  return {X: r.left + 120, Y: r.top + hkChart.convertToPixel({yAxisIndex: 0}, `+jsString(acct)+`)}; })()`)
	b.run(chromedp.MouseEvent("mouseMoved", p.X, p.Y))
	if got := eval[string](b, `document.getElementById('hk-chart').title`); got != acct {
		t.Errorf("hovering the label: title %q, want %q", got, acct)
	}
	b.run(chromedp.MouseEvent("mouseMoved", p.X+300, p.Y+5))
	if got := eval[string](b, `document.getElementById('hk-chart').title`); got != "" {
		t.Errorf("after leaving the label: title %q", got)
	}
	if !eval[bool](b, `hkChart.getOption().xAxis[0].triggerEvent === true && hkChart.getOption().yAxis[0].triggerEvent === true`) {
		t.Error("axis labels do not trigger events")
	}
}

func jsString(s string) string { return "'" + s + "'" }
