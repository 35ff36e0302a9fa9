// Package timeseries finds anomalies in regular time series: seasonal decomposition as
// Kusto's series_decompose does it (seasonal medians per phase, a linear or average trend)
// with series_outliers' custom Tukey scores, STL (LOESS) decomposition with z-scored
// residuals as msticpy's ts_anomalies_stl, and period detection from the periodogram
// (gonum's FFT) and the autocorrelation.
package timeseries

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrSeries says that a series or an option cannot be used.
var ErrSeries = errors.New("time series")

// Decomposition is a series split into components: Baseline = Seasonal + Trend and
// Residual = x - Baseline.
type Decomposition struct {
	// Period is the season length used (0: no seasonal component).
	Period                              int
	Seasonal, Trend, Baseline, Residual []float64
}

// Trend names how the trend component is extracted.
type Trend string

// The trends of Kusto's series_decompose.
const (
	TrendAvg     Trend = "avg"     // the average of the deseasonalised series
	TrendLinefit Trend = "linefit" // a least-squares line through it
	TrendNone    Trend = "none"
)

// Options are series_decompose's parameters.
type Options struct {
	// Period is the season length in points: -1 detects it (Periods, the best one scoring
	// at least PeriodThreshold), 0 means no seasonality.
	Period int
	// Trend defaults to linefit.
	Trend Trend
	// PeriodThreshold is the least score of a detected period; 0 means 0.6 (Kusto's).
	PeriodThreshold float64
	// TestPoints is how many points at the end are left out of the learning (Kusto's
	// Test_points): the season and the trend are learnt from the points before them and
	// extended over them, so their baseline is a forecast.
	TestPoints int
}

// Decompose splits x as Kusto's series_decompose does: the seasonal component is the
// median of the points of each phase of the period, the trend is fitted to the
// deseasonalised series, the baseline is their sum and the residual what is left.
func Decompose(x []float64, o Options) (*Decomposition, error) {
	n := len(x)
	if n == 0 {
		return nil, fmt.Errorf("%w: empty series", ErrSeries)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: point %d is %v (fill gaps first)", ErrSeries, i+1, v)
		}
	}
	if o.TestPoints < 0 || o.TestPoints >= n {
		return nil, fmt.Errorf("%w: %d test points of a series of %d (want 0 to %d)", ErrSeries, o.TestPoints, n, n-1)
	}
	m := n - o.TestPoints // the points learnt from
	p := o.Period
	if p < 0 {
		th := o.PeriodThreshold
		if th == 0 {
			th = 0.6
		}
		p = 0
		if ps := Periods(x[:m], PeriodOptions{}); len(ps) > 0 && ps[0].Score >= th {
			p = ps[0].Length
		}
	}
	if p == 1 || p > m {
		p = 0
	}
	d := &Decomposition{Period: p, Seasonal: make([]float64, n), Trend: make([]float64, n), Baseline: make([]float64, n), Residual: make([]float64, n)}
	if p > 0 {
		buf := make([]float64, 0, m/p+1)
		for ph := range p {
			buf = buf[:0]
			for i := ph; i < m; i += p {
				buf = append(buf, x[i])
			}
			med := median(buf)
			for i := ph; i < n; i += p {
				d.Seasonal[i] = med
			}
		}
	}
	des := make([]float64, m)
	for i := range des {
		des[i] = x[i] - d.Seasonal[i]
	}
	switch o.Trend {
	case "", TrendLinefit:
		a, b := FitLine(des)
		for i := range d.Trend {
			d.Trend[i] = a + b*float64(i)
		}
	case TrendAvg:
		avg := mean(des)
		for i := range d.Trend {
			d.Trend[i] = avg
		}
	case TrendNone:
	default:
		return nil, fmt.Errorf("%w: trend %q (want avg, linefit or none)", ErrSeries, o.Trend)
	}
	for i := range x {
		d.Baseline[i] = d.Seasonal[i] + d.Trend[i]
		d.Residual[i] = x[i] - d.Baseline[i]
	}
	return d, nil
}

// FitLine returns the least-squares line y = a + b*i through x (i from 0).
func FitLine(x []float64) (a, b float64) {
	n := float64(len(x))
	if len(x) < 2 {
		return mean(x), 0
	}
	mi := (n - 1) / 2
	my := mean(x)
	var sxy, sxx float64
	for i, y := range x {
		d := float64(i) - mi
		sxy += d * (y - my)
		sxx += d * d
	}
	b = sxy / sxx
	return my - b*mi, b
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile is the linearly interpolated p-th percentile (0-100) of sorted values.
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	pos := p / 100 * float64(n-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, n-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// ctukeyScale turns the distance beyond the 10th/90th percentile, in units of their
// spread, into Kusto's series_outliers score. It was measured on Kusto's own output
// (../shared/data/msticpy/timeseries/time_series.csv: every score over the residuals'
// percentile fences gives this ratio to nine digits).
const ctukeyScale = 2.7726055950

// Outliers scores each point of x as Kusto's series_outliers does by default (custom
// Tukey, percentiles lo and hi; 0 and 0 mean 10 and 90): 0 between the percentiles, else
// the distance beyond them in units of their spread, positive above and negative below.
func Outliers(x []float64, lo, hi float64) []float64 {
	if lo == 0 && hi == 0 {
		lo, hi = 10, 90
	}
	out := make([]float64, len(x))
	if len(x) == 0 {
		return out
	}
	s := slices.Clone(x)
	slices.Sort(s)
	q1, q3 := percentile(s, lo), percentile(s, hi)
	spread := q3 - q1
	if spread <= 0 {
		return out
	}
	for i, v := range x {
		switch {
		case v > q3:
			out[i] = ctukeyScale * (v - q3) / spread
		case v < q1:
			out[i] = ctukeyScale * (v - q1) / spread
		}
	}
	return out
}

// scoreAgainst scores every residual with the custom Tukey fences of the first m (the
// points learnt from; all of them without test points).
func scoreAgainst(res []float64, m int) []float64 {
	if m == len(res) {
		return Outliers(res, 10, 90)
	}
	s := slices.Clone(res[:m])
	slices.Sort(s)
	q1, q3 := percentile(s, 10), percentile(s, 90)
	out := make([]float64, len(res))
	if spread := q3 - q1; spread > 0 {
		for i, v := range res {
			switch {
			case v > q3:
				out[i] = ctukeyScale * (v - q3) / spread
			case v < q1:
				out[i] = ctukeyScale * (v - q1) / spread
			}
		}
	}
	return out
}

// Forecast is Kusto's series_decompose_forecast: the baseline of x decomposed with its
// last points points left out of the learning, i.e. the season and trend learnt from the
// rest and extended over them. Give x with room for the forecast at its end (make-series
// past the last event, or series padded with zeros).
func Forecast(x []float64, points int, o Options) ([]float64, error) {
	o.TestPoints = points
	d, err := Decompose(x, o)
	if err != nil {
		return nil, err
	}
	return d.Baseline, nil
}

// Anomalies is a decomposition with a score per point and the anomaly flags: +1 for a
// rise, -1 for a fall, 0 otherwise.
type Anomalies struct {
	*Decomposition
	Score []float64
	Flag  []int
}

// DecomposeAnomalies flags the points whose residual score is beyond threshold (0 means
// 1.5, Kusto's default), as series_decompose_anomalies does with the custom Tukey test.
func DecomposeAnomalies(x []float64, threshold float64, o Options) (*Anomalies, error) {
	if threshold == 0 {
		threshold = 1.5
	}
	d, err := Decompose(x, o)
	if err != nil {
		return nil, err
	}
	a := &Anomalies{Decomposition: d, Score: scoreAgainst(d.Residual, len(x)-o.TestPoints), Flag: make([]int, len(x))}
	for i, s := range a.Score {
		switch {
		case s > threshold:
			a.Flag[i] = 1
		case s < -threshold:
			a.Flag[i] = -1
		}
	}
	return a, nil
}

// STLAnomalies decomposes x with STL and flags points as msticpy's ts_anomalies_stl does:
// the components are truncated to integers, the score is the z-score of the residual
// (population standard deviation), and a point scoring above threshold (0 means 3) is
// +1 when its seasonal component is positive and -1 when it is negative.
func STLAnomalies(x []float64, threshold float64, o STLOptions) (*Anomalies, error) {
	if threshold == 0 {
		threshold = 3
	}
	d, err := STL(x, o)
	if err != nil {
		return nil, err
	}
	for _, c := range [][]float64{d.Seasonal, d.Trend, d.Residual, d.Baseline} {
		for i := range c {
			c[i] = math.Trunc(c[i])
		}
	}
	m := mean(d.Residual)
	sd := 0.0
	for _, r := range d.Residual {
		sd += (r - m) * (r - m)
	}
	sd = math.Sqrt(sd / float64(len(d.Residual)))
	a := &Anomalies{Decomposition: d, Score: make([]float64, len(x)), Flag: make([]int, len(x))}
	for i, r := range d.Residual {
		if sd > 0 {
			a.Score[i] = (r - m) / sd
		}
		if a.Score[i] > threshold {
			switch {
			case d.Seasonal[i] > 0:
				a.Flag[i] = 1
			case d.Seasonal[i] < 0:
				a.Flag[i] = -1
			}
		}
	}
	return a, nil
}
