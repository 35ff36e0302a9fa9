package vis

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/frame"
)

// The timeline's axis labels are in UTC, like its tooltips, range text and markers, whatever
// the analyst's time zone (ECharts draws time axes in local time unless told otherwise).
func TestBrowserTimelineAxisIsUTC(t *testing.T) {
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"}); err != nil {
		t.Fatalf("time zone override: %v", err)
	}
	// events every 10 s from 2024-05-01 00:00 to 00:59 UTC (09:00-09:59 in Tokyo)
	ts := make([]time.Time, 360)
	for i := range ts {
		ts[i] = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 10 * time.Second)
	}
	f := frame.MustNew(frame.NewTimes("TimeGenerated", ts))
	b.open("timeline-tz", render(t, func(w *bytes.Buffer) error { return Timeline(w, f) }), `window.hkRendered !== undefined`)
	if tz := eval[string](b, `Intl.DateTimeFormat().resolvedOptions().timeZone`); tz != "Asia/Tokyo" {
		t.Skipf("time zone override not applied (%s)", tz)
	}
	labels := eval[[]string](b, `hkChart.getModel().getComponent('xAxis', 0).axis.getViewLabels().map(function (l) { return String(l.formattedLabel); })`)
	joined := strings.Join(labels, " ")
	if len(labels) == 0 || strings.Contains(joined, "09:") || !strings.Contains(joined, "00:") {
		t.Errorf("x axis labels %q, want UTC hours (00:xx), not Tokyo's (09:xx)", labels)
	}
	b.screenshot("timeline-utc")
}
