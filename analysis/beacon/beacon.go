// Package beacon detects polling (beaconing): connections repeating at a fixed interval
// between a source and a destination. As msticpy's PeriodogramPollingDetector does, the
// event times of each pair become a counting process (events per time step), whose
// periodogram (gonum's FFT) gives the dominant frequency, and Fisher's g test tells how
// unlikely so strong a peak is for a process without periodicity.
package beacon

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/huntkit/huntkit/frame"
)

// ErrInput says that the events or options cannot be used.
var ErrInput = errors.New("beacon")

// Result is the polling test of one series of event times.
type Result struct {
	// PValue is Fisher's g test p-value: small means periodic (msticpy: < 0.01).
	PValue float64
	// Strength is the g statistic: the share of the periodogram's power in its highest peak.
	Strength float64
	// Frequency is the detected frequency in cycles per second (the fundamental of the
	// periodogram's highest peak); Period its inverse.
	Frequency float64
	Period    time.Duration
	// Events is the number of events; Bins the length of the counting process.
	Events, Bins int
}

// Options bound a detection.
type Options struct {
	// Step is the counting process's time step; 0 means one second (msticpy's).
	Step time.Duration
	// MaxBins caps the counting process; a longer span uses a coarser step. 0 means 1<<22.
	MaxBins int
}

// Detect tests one series of event times (any order).
func Detect(times []time.Time, o Options) (Result, error) {
	if len(times) < 2 {
		return Result{}, fmt.Errorf("%w: %d events: need at least two", ErrInput, len(times))
	}
	step := o.Step
	if step <= 0 {
		step = time.Second
	}
	maxBins := o.MaxBins
	if maxBins <= 0 {
		maxBins = 1 << 22
	}
	lo, hi := times[0], times[0]
	for _, t := range times {
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	span := hi.Sub(lo)
	for span/step+1 > time.Duration(maxBins) {
		step *= 2
	}
	// msticpy counts over [start, end): steps start, start+1, ... up to before the last event.
	bins := smooth(int(span / step))
	if bins < 4 {
		return Result{}, fmt.Errorf("%w: events span %v: fewer than 4 steps of %v", ErrInput, span, step)
	}
	counts := make([]float64, bins)
	in := 0
	for _, t := range times {
		if k := int(t.Sub(lo) / step); k < bins {
			counts[k]++
			in++
		}
	}
	m := float64(in) / float64(bins)
	for i := range counts {
		counts[i] -= m
	}
	pxx := periodogram(counts)
	best := 1
	for k := 1; k < len(pxx); k++ {
		if pxx[k] > pxx[best] {
			best = k
		}
	}
	test := pxx
	if bins%2 == 0 {
		test = pxx[:len(pxx)-1]
	}
	g, p := GTest(test)
	freq := float64(fundamental(pxx, best)) / float64(bins) / step.Seconds()
	return Result{PValue: p, Strength: g, Frequency: freq, Period: time.Duration(float64(time.Second) / freq),
		Events: len(times), Bins: bins}, nil
}

// smooth returns the largest n' <= n whose only prime factors are 2, 3 and 5, so the FFT
// stays O(n log n) (gonum's FFT is quadratic in a large prime factor); the last few steps
// of a series are left out for it.
func smooth(n int) int {
	for m := n; m > 1; m-- {
		k := m
		for _, p := range []int{2, 3, 5} {
			for k%p == 0 {
				k /= p
			}
		}
		if k == 1 {
			return m
		}
	}
	return n
}

// fundamental returns the lowest frequency of which best is a harmonic and whose power is
// at least half of best's: a train of short pulses has its power spread over the harmonics
// of its rate, and the highest may be any of them.
func fundamental(pxx []float64, best int) int {
	for d := best; d >= 2; d-- {
		k := int(math.Round(float64(best) / float64(d)))
		if k < 1 || math.Abs(float64(k*d-best)) > float64(d)/2 {
			continue
		}
		peak := pxx[k]
		if k+1 < len(pxx) {
			peak = math.Max(peak, pxx[k+1])
		}
		peak = math.Max(peak, pxx[k-1])
		if peak >= 0.5*pxx[best] {
			return k
		}
	}
	return best
}

// periodogram is scipy.signal.periodogram's one-sided density of a mean-free series (the
// constant is irrelevant to the g test; the doubling of inner frequencies is not).
func periodogram(x []float64) []float64 {
	n := len(x)
	c := fourier.NewFFT(n).Coefficients(nil, x)
	out := make([]float64, len(c))
	for k, v := range c {
		a := cmplx.Abs(v)
		out[k] = a * a / float64(n)
		if k > 0 && !(n%2 == 0 && k == len(c)-1) {
			out[k] *= 2
		}
	}
	return out
}

// GTest is Fisher's g test on power spectral densities as msticpy computes it: the
// statistic is the largest share of the total power, and the p-value Fisher's exact sum
// (above 700 densities, its asymptotic form), capped at 1.
func GTest(pxx []float64) (g, p float64) {
	n := len(pxx)
	sum, mx := 0.0, 0.0
	for _, v := range pxx {
		sum += v
		mx = math.Max(mx, v)
	}
	if sum <= 0 {
		return 0, 1
	}
	g = mx / sum
	if n > 700 {
		p = 1 - math.Pow(1-math.Exp(-float64(n)*g), float64(n))
	} else {
		upper := int(math.Floor(1 / g))
		for j := 1; j < upper; j++ {
			lb := lbinom(n, j)
			term := math.Exp(lb + float64(n-1)*math.Log(1-float64(j)*g))
			if (j-1)%2 == 1 {
				term = -term
			}
			p += term
		}
	}
	return g, math.Min(p, 1)
}

func lbinom(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// FrameOptions name the columns of a connection table.
type FrameOptions struct {
	Options
	// Time is the event time column; Keys the columns a pair is made of (source,
	// destination, port...). No keys tests all events as one series.
	Time string
	Keys []string
	// MinEvents skips pairs with fewer events; 0 means 8.
	MinEvents int
}

// DetectFrame tests each pair of f and returns one row per pair, most periodic first:
// the keys, events, first, last, p_value, strength, period_s (the dominant interval in
// seconds) and frequency_hz. Pairs with too few events or too short a span are left out.
func DetectFrame(ctx context.Context, f *frame.Frame, o FrameOptions) (*frame.Frame, error) {
	tc := f.Col(o.Time)
	if tc == nil || tc.Type() != frame.Time {
		return nil, fmt.Errorf("%w: time column %q: not a time column of the table (columns: %s)", ErrInput, o.Time, strings.Join(f.Names(), ", "))
	}
	keys := make([]*frame.Column, len(o.Keys))
	for i, k := range o.Keys {
		if keys[i] = f.Col(k); keys[i] == nil {
			return nil, fmt.Errorf("%w: key column %q not in the table (columns: %s)", ErrInput, k, strings.Join(f.Names(), ", "))
		}
	}
	minEv := o.MinEvents
	if minEv <= 0 {
		minEv = 8
	}
	groups := map[string][]int{}
	var order []string
	var sb strings.Builder
	for i := range f.Len() {
		if tc.IsNull(i) {
			continue
		}
		sb.Reset()
		for _, c := range keys {
			sb.WriteString(c.Text(i))
			sb.WriteByte(0)
		}
		k := sb.String()
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	type row struct {
		first  int
		r      Result
		lo, hi time.Time
	}
	var rows []row
	for n, k := range order {
		if n%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		idx := groups[k]
		if len(idx) < minEv {
			continue
		}
		ts := make([]time.Time, len(idx))
		for j, i := range idx {
			ts[j] = tc.Time(i)
		}
		r, err := Detect(ts, o.Options)
		if err != nil {
			continue
		}
		lo, hi := slices.MinFunc(ts, time.Time.Compare), slices.MaxFunc(ts, time.Time.Compare)
		rows = append(rows, row{idx[0], r, lo, hi})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := cmpFloat(a.r.PValue, b.r.PValue); c != 0 {
			return c
		}
		return cmpFloat(b.r.Strength, a.r.Strength)
	})
	firsts := make([]int, len(rows))
	ev := make([]int64, len(rows))
	p, s, per, fr := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
	los, his := make([]time.Time, len(rows)), make([]time.Time, len(rows))
	for i, r := range rows {
		firsts[i], ev[i] = r.first, int64(r.r.Events)
		p[i], s[i], per[i], fr[i] = r.r.PValue, r.r.Strength, r.r.Period.Seconds(), r.r.Frequency
		los[i], his[i] = r.lo, r.hi
	}
	kf, err := f.Take(firsts).Select(o.Keys...)
	if err != nil {
		return nil, err
	}
	cols := append([]*frame.Column{}, kf.Columns()...)
	cols = append(cols, frame.NewInts("events", ev), frame.NewTimes("first", los), frame.NewTimes("last", his),
		frame.NewFloats("p_value", p), frame.NewFloats("strength", s), frame.NewFloats("period_s", per), frame.NewFloats("frequency_hz", fr))
	return frame.New(cols...)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
