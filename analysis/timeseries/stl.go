package timeseries

import (
	"fmt"
	"math"
)

// STLOptions are the parameters of an STL decomposition (Cleveland et al. 1990), named as
// in statsmodels' STL, which msticpy's ts_anomalies_stl calls.
type STLOptions struct {
	// Period is the number of points in a season (at least 2); -1 detects it (Periods,
	// the best period scoring at least 0.6).
	Period int
	// Seasonal is the seasonal smoother's length (odd, at least 3); 0 means 7.
	Seasonal int
	// Trend is the trend smoother's length (odd); 0 means the smallest odd integer at
	// least 1.5*Period/(1-1.5/Seasonal).
	Trend int
	// LowPass is the low-pass filter's length (odd); 0 means the smallest odd integer
	// greater than Period.
	LowPass int
	// Inner is the number of inner-loop passes; 0 means 5 (statsmodels without robustness).
	Inner int
}

// STL decomposes x into seasonal, trend and residual components with locally weighted
// regression (LOESS) of degree 1: cycle-subseries smoothing, a low-pass filter of the
// seasonal part and a trend smoother, repeated Inner times (not robust: all weights 1).
func STL(x []float64, o STLOptions) (*Decomposition, error) {
	n, np := len(x), o.Period
	if np < 0 {
		ps := Periods(x, PeriodOptions{})
		if len(ps) == 0 || ps[0].Score < 0.6 {
			return nil, fmt.Errorf("%w: STL: no period detected (name one)", ErrSeries)
		}
		np = ps[0].Length
	}
	if np < 2 {
		return nil, fmt.Errorf("%w: STL period %d: want at least 2", ErrSeries, np)
	}
	if n < 2*np {
		return nil, fmt.Errorf("%w: STL needs at least two periods (%d points), have %d", ErrSeries, 2*np, n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: point %d is %v (fill gaps first)", ErrSeries, i+1, v)
		}
	}
	ns := o.Seasonal
	if ns == 0 {
		ns = 7
	}
	if ns < 3 || ns%2 == 0 {
		return nil, fmt.Errorf("%w: STL seasonal length %d: want an odd number of at least 3", ErrSeries, ns)
	}
	nt := o.Trend
	if nt == 0 {
		nt = int(math.Ceil(1.5 * float64(np) / (1 - 1.5/float64(ns))))
		if nt%2 == 0 {
			nt++
		}
	}
	nl := o.LowPass
	if nl == 0 {
		nl = np + 1
		if nl%2 == 0 {
			nl++
		}
	}
	inner := o.Inner
	if inner == 0 {
		inner = 5
	}
	trend := make([]float64, n)
	season := make([]float64, n)
	work := make([]float64, n)
	c := make([]float64, n+2*np)
	l := make([]float64, n)
	for range inner {
		for i := range x {
			work[i] = x[i] - trend[i]
		}
		cycleSubseries(work, np, ns, c)
		lowPass(c, n, np, nl, l)
		for i := range n {
			season[i] = c[np+i] - l[i]
			work[i] = x[i] - season[i]
		}
		loess(work, nt, trend)
	}
	d := &Decomposition{Period: np, Seasonal: season, Trend: trend, Baseline: make([]float64, n), Residual: make([]float64, n)}
	for i := range x {
		d.Baseline[i] = season[i] + trend[i]
		d.Residual[i] = x[i] - d.Baseline[i]
	}
	return d, nil
}

// est is one local linear fit of y (positions 1..n) at position xs over [nleft, nright]
// with tricube weights; ok is false when no point has weight.
func est(y []float64, length int, xs float64, nleft, nright int, scratch []float64) (float64, bool) {
	n := len(y)
	rng := float64(n) - 1
	h := math.Max(xs-float64(nleft), float64(nright)-xs)
	if length > n {
		h += float64((length - n) / 2)
	}
	h9, h1 := 0.999*h, 0.001*h
	ws := scratch[:nright-nleft+1]
	a := 0.0
	for j := nleft; j <= nright; j++ {
		r := math.Abs(float64(j) - xs)
		wj := 0.0
		if r <= h9 {
			if r <= h1 {
				wj = 1
			} else {
				q := r / h
				q = 1 - q*q*q
				wj = q * q * q
			}
			a += wj
		}
		ws[j-nleft] = wj
	}
	if a <= 0 {
		return 0, false
	}
	for k := range ws {
		ws[k] /= a
	}
	if h > 0 {
		a = 0
		for j := nleft; j <= nright; j++ {
			a += ws[j-nleft] * float64(j)
		}
		b := xs - a
		cc := 0.0
		for j := nleft; j <= nright; j++ {
			d := float64(j) - a
			cc += ws[j-nleft] * d * d
		}
		if math.Sqrt(cc) > 0.001*rng {
			b /= cc
			for j := nleft; j <= nright; j++ {
				ws[j-nleft] *= b*(float64(j)-a) + 1
			}
		}
	}
	ys := 0.0
	for j := nleft; j <= nright; j++ {
		ys += ws[j-nleft] * y[j-1]
	}
	return ys, true
}

// loess smooths y with windows of length points into out (every point computed). Interior
// points, whose window is centred, share one symmetric kernel (the linear term of a
// symmetric fit vanishes), so they are a plain weighted sum; the ends are fitted one by one.
func loess(y []float64, length int, out []float64) {
	n := len(y)
	if n < 2 {
		copy(out, y)
		return
	}
	nleft, nright := 1, n
	if length < n {
		nright = length
	}
	nsh := (length + 1) / 2
	scratch := make([]float64, nright-nleft+1)
	var kernel []float64
	half := (length - 1) / 2
	if length < n && length%2 == 1 && half > 0 {
		kernel = centredKernel(length)
	}
	for i := 1; i <= n; i++ {
		if length < n && i > nsh && nright != n {
			nleft++
			nright++
		}
		if kernel != nil && nleft == i-half && nright == i+half {
			v := 0.0
			w := y[nleft-1 : nright]
			for j, k := range kernel {
				v += k * w[j]
			}
			out[i-1] = v
			continue
		}
		v, ok := est(y, length, float64(i), nleft, nright, scratch)
		if !ok {
			v = y[i-1]
		}
		out[i-1] = v
	}
}

// centredKernel is est's normalised tricube weights for a centred window of odd length.
func centredKernel(length int) []float64 {
	half := (length - 1) / 2
	h := float64(half)
	k := make([]float64, length)
	sum := 0.0
	for j := range k {
		r := math.Abs(float64(j - half))
		switch {
		case r > 0.999*h:
		case r <= 0.001*h:
			k[j] = 1
		default:
			q := r / h
			q = 1 - q*q*q
			k[j] = q * q * q
		}
		sum += k[j]
	}
	for j := range k {
		k[j] /= sum
	}
	return k
}

// cycleSubseries smooths each cycle-subseries of y and extends it by one point at each
// end, writing the n+2*np result to c.
func cycleSubseries(y []float64, np, ns int, c []float64) {
	n := len(y)
	sub := make([]float64, 0, n/np+1)
	sm := make([]float64, n/np+3)
	scratch := make([]float64, n/np+2)
	for j := range np {
		sub = sub[:0]
		for i := j; i < n; i += np {
			sub = append(sub, y[i])
		}
		k := len(sub)
		out := sm[:k+2]
		loess(sub, ns, out[1:k+1])
		nright := min(ns, k)
		if v, ok := est(sub, ns, 0, 1, nright, scratch); ok {
			out[0] = v
		} else {
			out[0] = out[1]
		}
		nleft := max(1, k-ns+1)
		if v, ok := est(sub, ns, float64(k+1), nleft, k, scratch); ok {
			out[k+1] = v
		} else {
			out[k+1] = out[k]
		}
		for m := range k + 2 {
			c[m*np+j] = out[m]
		}
	}
}

// lowPass filters c (n+2np points) with moving averages of np, np and 3 points and a
// LOESS of nl points, into l (n points).
func lowPass(c []float64, n, np, nl int, l []float64) {
	a := movingAverage(c, np)
	a = movingAverage(a, np)
	a = movingAverage(a, 3)
	loess(a[:n], nl, l)
}

func movingAverage(x []float64, w int) []float64 {
	out := make([]float64, len(x)-w+1)
	s := 0.0
	for i := range w {
		s += x[i]
	}
	out[0] = s / float64(w)
	for i := 1; i < len(out); i++ {
		s += x[i+w-1] - x[i-1]
		out[i] = s / float64(w)
	}
	return out
}
