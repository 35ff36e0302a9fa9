package vis

import (
	"bytes"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// Without a size column, a map point grows with the number of rows at its position (sign-ins
// from one office are otherwise one dot hiding hundreds), and the subtitle counts positions.
func TestBrowserMapStackedPoints(t *testing.T) {
	b := newBrowser(t)
	lat := []float64{51.5, 51.5, 51.5, 51.5, 51.5, 51.5, 51.5, 51.5, 40.7}
	lon := []float64{-0.12, -0.12, -0.12, -0.12, -0.12, -0.12, -0.12, -0.12, -74}
	ip := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	f := frame.MustNew(frame.NewFloats("Latitude", lat), frame.NewFloats("Longitude", lon), frame.NewStrings("IP", ip))
	page := render(t, func(w *bytes.Buffer) error { return Map(w, f) })
	if !strings.Contains(string(page), "9 points at 2 positions") {
		t.Error("subtitle does not count the positions")
	}
	b.open("map-stacked", page, `window.hkRendered !== undefined`)
	sizes := eval[[]float64](b, `(function () { var s = hkChart.getModel().getSeriesByIndex(0), fn = s.get('symbolSize'), d = s.getData(), out = [];
		for (var i = 0; i < d.count(); i++) out.push(fn(d.getValues(i)));
		return out; })()`)
	if len(sizes) != 9 || !(sizes[0] > sizes[8]) {
		t.Errorf("symbol sizes %v: the point with 8 rows should be larger than the single one", sizes)
	}
	b.screenshot("map-stacked")
}
