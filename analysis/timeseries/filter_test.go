package timeseries

import (
	"errors"
	"math"
	"testing"
)

// nan marks a missing point in the cases below.
var nan = math.NaN()

func sameSeries(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) != math.IsNaN(b[i]) || !math.IsNaN(a[i]) && math.Abs(a[i]-b[i]) > 1e-3 {
			return false
		}
	}
	return true
}

// The expected values are the outputs of the examples in Kusto's documentation of each
// function.
func TestFills(t *testing.T) {
	in := []float64{nan, nan, 36, 41, nan, nan, 16, 61, 33, nan, nan}
	for _, tc := range []struct {
		name     string
		got, exp []float64
	}{
		{"forward", FillForward(in), []float64{nan, nan, 36, 41, 41, 41, 16, 61, 33, 33, 33}},
		{"backward", FillBackward(in), []float64{36, 36, 36, 41, 16, 16, 16, 61, 33, nan, nan}},
		{"const", FillConst(in, 0), []float64{0, 0, 36, 41, 0, 0, 16, 61, 33, 0, 0}},
		{"linear", FillLinear([]float64{nan, 111, nan, 36, 41, nan, nan, 16, 61, 33, nan, nan}, true, 0),
			[]float64{111, 111, 73.5, 36, 41, 32.667, 24.333, 16, 61, 33, 33, 33}},
		{"linear without edges", FillLinear([]float64{nan, 1, nan, 3, nan}, false, 0), []float64{nan, 1, 2, 3, nan}},
		{"linear all missing", FillLinear([]float64{nan, nan}, true, 7), []float64{7, 7}},
	} {
		if !sameSeries(tc.got, tc.exp) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.exp)
		}
	}
}

func TestFIRAndIIR(t *testing.T) {
	val := []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0, 0, 0, 0, 0, 0, 0}
	avg, err := FIR(val, []float64{1, 1, 1, 1, 1}, true, false)
	if err != nil {
		t.Fatal(err)
	}
	centered, _ := FIR(val, []float64{1, 1, 1, 1, 1}, true, true)
	// the causal moving average peaks two hours late, the centered one in place
	if avg[9] != 2 || avg[14] != 44 || centered[9] != 14 || centered[12] != 44 {
		t.Errorf("moving averages: %v / %v", avg, centered)
	}
	diff, _ := FIR([]float64{1, 3, 6, 10}, []float64{1, -1}, false, false)
	if !sameSeries(diff, []float64{1, 2, 3, 4}) {
		t.Errorf("difference: %v", diff)
	}
	if _, err := FIR(val, []float64{1, -1}, true, false); !errors.Is(err, ErrSeries) {
		t.Errorf("normalizing a zero-sum filter: %v", err)
	}
	cum, err := IIR([]float64{1, 2, 3, 4}, []float64{1}, []float64{1, -1})
	if err != nil || !sameSeries(cum, []float64{1, 3, 6, 10}) {
		t.Errorf("cumulative sum: %v %v", cum, err)
	}
	if _, err := IIR(val, []float64{1}, []float64{0, 1}); !errors.Is(err, ErrSeries) {
		t.Errorf("a[0] = 0: %v", err)
	}
}

func TestForecastExtendsSeasonAndTrend(t *testing.T) {
	// a daily rhythm on a rising line; the last 24 points are left for the forecast
	x := make([]float64, 24*8)
	for i := range x {
		x[i] = 100 + 0.5*float64(i) + 20*math.Sin(2*math.Pi*float64(i)/24)
	}
	truth := append([]float64(nil), x...)
	for i := len(x) - 24; i < len(x); i++ {
		x[i] = 0 // unknown future
	}
	fc, err := Forecast(x, 24, Options{Period: 24})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(x) - 24; i < len(x); i++ {
		// seasonal medians per phase carry half a period of trend each way: ±0.5·12 here
		if math.Abs(fc[i]-truth[i]) > 7 {
			t.Fatalf("point %d: forecast %.1f, truth %.1f", i, fc[i], truth[i])
		}
	}
	if _, err := Forecast(x, len(x), Options{}); !errors.Is(err, ErrSeries) {
		t.Errorf("no points to learn from: %v", err)
	}
}
