package timeseries

import (
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Period is a detected period: its length in points and its score, the autocorrelation
// of the detrended series at that lag (1 for a perfectly periodic series).
type Period struct {
	Length int
	Score  float64
	// Power is the share of the periodogram's power in the peak the period came from.
	Power float64
}

// PeriodOptions bound period detection.
type PeriodOptions struct {
	// Min and Max bound the period length in points; 0 means 4 and a quarter of the series
	// (at least four cycles).
	Min, Max int
	// Peaks is how many periodogram peaks are examined; 0 means 8.
	Peaks int
}

// Periods finds the periods of x, best first: the strongest peaks of the periodogram of
// the linearly detrended series give candidate frequencies, and each candidate becomes the
// lag around n/k with the highest autocorrelation (computed by FFT), which is its score.
func Periods(x []float64, o PeriodOptions) []Period {
	n := len(x)
	minP, maxP := o.Min, o.Max
	if minP <= 0 {
		minP = 4
	}
	if maxP <= 0 {
		maxP = n / 4
	}
	maxP = min(maxP, n/2)
	peaks := o.Peaks
	if peaks <= 0 {
		peaks = 8
	}
	if n < 8 || minP > maxP {
		return nil
	}
	a, b := FitLine(x)
	y := make([]float64, n)
	for i, v := range x {
		y[i] = v - a - b*float64(i)
	}
	power := Periodogram(y)
	acf := autocorrelation(y)
	if acf == nil {
		return nil
	}
	total := 0.0
	for _, p := range power[1:] {
		total += p
	}
	type peak struct {
		k int
		p float64
	}
	var cand []peak
	for k := 1; k < len(power); k++ {
		left := k == 1 || power[k] >= power[k-1]
		right := k == len(power)-1 || power[k] >= power[k+1]
		if left && right && power[k] > 0 {
			cand = append(cand, peak{k, power[k]})
		}
	}
	slices.SortFunc(cand, func(p, q peak) int { return cmpDesc(p.p, q.p) })
	var out []Period
	seen := map[int]bool{}
	for _, c := range cand {
		if len(out) >= peaks {
			break
		}
		lo := max(minP, int(math.Floor(float64(n)/(float64(c.k)+0.5))))
		hi := maxP
		if c.k > 1 {
			hi = min(maxP, int(math.Ceil(float64(n)/(float64(c.k)-0.5))))
		}
		best := -1
		for lag := lo; lag <= hi; lag++ {
			if best < 0 || acf[lag] > acf[best] {
				best = lag
			}
		}
		if best < 0 || seen[best] {
			continue
		}
		seen[best] = true
		out = append(out, Period{Length: best, Score: math.Min(1, acf[best]), Power: c.p / total})
	}
	slices.SortStableFunc(out, func(p, q Period) int { return cmpDesc(p.Score, q.Score) })
	return out
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// Periodogram returns the power |X_k|^2 / n of frequencies k = 0..n/2 (k cycles over the
// series) of x, through gonum's FFT.
func Periodogram(x []float64) []float64 {
	n := len(x)
	if n == 0 {
		return nil
	}
	c := fourier.NewFFT(n).Coefficients(nil, x)
	out := make([]float64, len(c))
	for k, v := range c {
		a := cmplx.Abs(v)
		out[k] = a * a / float64(n)
	}
	return out
}

// autocorrelation returns the unbiased autocorrelation of the mean-free series y at lags
// 0..n-1 (each lag's sum divided by its number of terms, over the variance), by FFT.
func autocorrelation(y []float64) []float64 {
	n := len(y)
	m := mean(y)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	z := make([]float64, size)
	for i, v := range y {
		z[i] = v - m
	}
	fft := fourier.NewFFT(size)
	c := fft.Coefficients(nil, z)
	for k, v := range c {
		c[k] = complex(real(v)*real(v)+imag(v)*imag(v), 0)
	}
	r := fft.Sequence(nil, c)
	if r[0] <= 0 {
		return nil
	}
	out := make([]float64, n)
	v0 := r[0] / float64(n)
	for lag := range n {
		out[lag] = r[lag] / float64(n-lag) / v0
	}
	return out
}
