package timeseries

import (
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/huntkit/huntkit/internal/testdata"
)

type kustoSeries struct {
	times              []string
	x, baseline, score []float64
	flag               []int
}

// readKusto reads time_series.csv: TotalBytesSent with Kusto's series_decompose_anomalies
// baseline, score and anomalies.
func readKusto(t testing.TB) kustoSeries {
	t.Helper()
	fh, err := os.Open(testdata.Shared(t, "msticpy/timeseries/time_series.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var k kustoSeries
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, r := range recs[1:] {
		k.times = append(k.times, r[0])
		k.x = append(k.x, num(r[1]))
		k.baseline = append(k.baseline, num(r[2]))
		k.score = append(k.score, num(r[3]))
		k.flag = append(k.flag, int(num(r[4])))
	}
	return k
}

// TestKustoAnomalies: with Kusto's parameters (threshold 3, period detected, linefit
// trend) the same 6 anomalies are flagged at the same hours, the baseline tracks Kusto's
// and the scores are Kusto's.
func TestKustoAnomalies(t *testing.T) {
	k := readKusto(t)
	a, err := DecomposeAnomalies(k.x, 3, Options{Period: -1, Trend: TrendLinefit})
	if err != nil {
		t.Fatal(err)
	}
	if a.Period != 168 {
		t.Errorf("detected period %d, want 168 (weekly, which reproduces Kusto's baseline)", a.Period)
	}
	var want, got []string
	for i := range k.flag {
		if k.flag[i] != 0 {
			want = append(want, k.times[i]+" "+strconv.Itoa(k.flag[i]))
		}
		if a.Flag[i] != 0 {
			got = append(got, k.times[i]+" "+strconv.Itoa(a.Flag[i]))
		}
	}
	if len(want) != 6 || len(got) != len(want) {
		t.Fatalf("anomalies %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("anomaly %d: %s, want %s", i, got[i], want[i])
		}
	}
	mad, maxScore := 0.0, 0.0
	for i := range k.x {
		mad += math.Abs(a.Baseline[i] - k.baseline[i])
		maxScore = math.Max(maxScore, math.Abs(a.Score[i]-k.score[i]))
	}
	mad /= float64(len(k.x))
	t.Logf("baseline mean absolute difference from Kusto: %.3f (Kusto's baseline is rounded to integers; series mean %.0f)", mad, mean(k.x))
	t.Logf("largest score difference from Kusto: %.2g", maxScore)
	if mad > 1 {
		t.Errorf("baseline differs from Kusto's by %.1f on average", mad)
	}
	if maxScore > 1e-6 {
		t.Errorf("scores differ from Kusto's by up to %g", maxScore)
	}
}

// TestSTLMSTICPy: msticpy's ts_anomalies_stl (period 24, seasonal 7, threshold 3) finds
// 3 anomalies on TotalBytesSent (EXPECTED_VALUES.md); so does this STL.
func TestSTLMSTICPy(t *testing.T) {
	k := readKusto(t)
	a, err := STLAnomalies(k.x, 3, STLOptions{Period: 24})
	if err != nil {
		t.Fatal(err)
	}
	var at []string
	for i, f := range a.Flag {
		if f != 0 {
			at = append(at, k.times[i]+" "+strconv.Itoa(f))
		}
	}
	t.Logf("STL anomalies: %v", at)
	if len(at) != 3 {
		t.Errorf("%d anomalies, want 3", len(at))
	}
}

// TestSTLRecovers: on a noiseless series of a daily wave on a line, STL's seasonal part is
// the wave and the residual is near zero.
func TestSTLRecovers(t *testing.T) {
	n := 24 * 20
	x := make([]float64, n)
	for i := range x {
		x[i] = 100 + 0.5*float64(i) + 30*math.Sin(2*math.Pi*float64(i)/24)
	}
	d, err := STL(x, STLOptions{Period: 24})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := 48; i < n-48; i++ {
		worst = math.Max(worst, math.Abs(d.Seasonal[i]-30*math.Sin(2*math.Pi*float64(i)/24)))
		worst = math.Max(worst, math.Abs(d.Residual[i]))
	}
	if worst > 1 {
		t.Errorf("seasonal/residual off by up to %.3f on a wave of amplitude 30", worst)
	}
	if d, err := STL(x, STLOptions{Period: -1}); err != nil || d.Period != 24 {
		t.Errorf("detected STL period: %v %v", d, err)
	}
	for _, o := range []STLOptions{{Period: 1}, {Period: 400}, {Period: 24, Seasonal: 4}} {
		if _, err := STL(x, o); !errors.Is(err, ErrSeries) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	x[5] = math.NaN()
	if _, err := STL(x, STLOptions{Period: 24}); !errors.Is(err, ErrSeries) {
		t.Errorf("NaN: %v", err)
	}
}

// TestPeriods: a noisy daily series (hourly points) has period 24; white noise has no
// strong period.
func TestPeriods(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 24*30)
	for i := range x {
		x[i] = 50*math.Sin(2*math.Pi*float64(i)/24) + r.NormFloat64()*10
	}
	ps := Periods(x, PeriodOptions{})
	if len(ps) == 0 || ps[0].Length != 24 || ps[0].Score < 0.8 {
		t.Fatalf("periods %+v, want 24 first", ps)
	}
	for i := range x {
		x[i] = r.NormFloat64()
	}
	if ps := Periods(x, PeriodOptions{}); len(ps) > 0 && ps[0].Score >= 0.6 {
		t.Errorf("white noise: %+v", ps[0])
	}
	if ps := Periods(x[:5], PeriodOptions{}); ps != nil {
		t.Errorf("5 points: %+v", ps)
	}
}

func TestDecomposeOptions(t *testing.T) {
	x := []float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}
	d, err := Decompose(x, Options{Period: 3, Trend: TrendAvg})
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if math.Abs(d.Residual[i]) > 1e-12 {
			t.Fatalf("residual %v", d.Residual)
		}
	}
	if _, err := Decompose(x, Options{Trend: "cubic"}); !errors.Is(err, ErrSeries) {
		t.Errorf("bad trend: %v", err)
	}
	if _, err := Decompose(nil, Options{}); !errors.Is(err, ErrSeries) {
		t.Errorf("empty: %v", err)
	}
	if a, b := FitLine([]float64{1, 3, 5, 7}); a != 1 || b != 2 {
		t.Errorf("FitLine: %v %v", a, b)
	}
	s := Outliers([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 100}, 0, 0)
	if s[9] <= 1.5 || s[0] >= 0 || s[4] != 0 {
		t.Errorf("outliers %v", s)
	}
}
