package timeseries

import (
	"fmt"
	"math"
	"slices"
)

// The gap-filling and filtering functions of Kusto's series family. A missing point is NaN
// (KQL's null, or the placeholder value the caller mapped to NaN).

// FillForward replaces each missing point with the last point before it (series_fill_forward);
// missing points at the start stay missing.
func FillForward(x []float64) []float64 {
	out := slices.Clone(x)
	last := math.NaN()
	for i, v := range out {
		if math.IsNaN(v) {
			out[i] = last
		} else {
			last = v
		}
	}
	return out
}

// FillBackward replaces each missing point with the next point after it
// (series_fill_backward); missing points at the end stay missing.
func FillBackward(x []float64) []float64 {
	out := slices.Clone(x)
	next := math.NaN()
	for i := len(out) - 1; i >= 0; i-- {
		if math.IsNaN(out[i]) {
			out[i] = next
		} else {
			next = out[i]
		}
	}
	return out
}

// FillConst replaces every missing point with c (series_fill_const).
func FillConst(x []float64, c float64) []float64 {
	out := slices.Clone(x)
	for i, v := range out {
		if math.IsNaN(v) {
			out[i] = c
		}
	}
	return out
}

// FillLinear interpolates missing points linearly between their neighbours
// (series_fill_linear). With fillEdges, missing points at either end take the nearest
// value; otherwise they stay missing. A series with no value at all becomes c everywhere.
func FillLinear(x []float64, fillEdges bool, c float64) []float64 {
	out := slices.Clone(x)
	prev := -1
	for i, v := range out {
		if math.IsNaN(v) {
			continue
		}
		if prev >= 0 && i-prev > 1 {
			step := (v - out[prev]) / float64(i-prev)
			for j := prev + 1; j < i; j++ {
				out[j] = out[prev] + step*float64(j-prev)
			}
		}
		prev = i
	}
	if prev < 0 {
		return FillConst(out, c)
	}
	if fillEdges {
		out = FillBackward(FillForward(out))
	}
	return out
}

// FIR applies a finite impulse response filter (series_fir): y[i] = Σ filter[k]·x[i-k],
// points before the start counted as 0. normalize divides by the sum of the coefficients
// (an error when it is 0); center shifts the window by (len(filter)-1)/2 so the output
// stays in step with the input. A missing point makes the outputs that use it missing.
func FIR(x, filter []float64, normalize, center bool) ([]float64, error) {
	if len(filter) == 0 {
		return nil, fmt.Errorf("%w: empty filter", ErrSeries)
	}
	coef := slices.Clone(filter)
	if normalize {
		var sum float64
		for _, c := range coef {
			sum += c
		}
		if sum == 0 {
			return nil, fmt.Errorf("%w: the filter's coefficients sum to 0 and cannot be normalized", ErrSeries)
		}
		for k := range coef {
			coef[k] /= sum
		}
	}
	shift := 0
	if center {
		shift = (len(coef) - 1) / 2
	}
	out := make([]float64, len(x))
	for i := range out {
		var y float64
		for k, c := range coef {
			j := i + shift - k
			if j < 0 || j >= len(x) {
				continue
			}
			y += c * x[j]
		}
		out[i] = y
	}
	return out, nil
}

// IIR applies an infinite impulse response filter (series_iir) with numerator
// coefficients b and denominator coefficients a: a[0]·y[i] = Σ b[k]·x[i-k] − Σ_{k≥1} a[k]·y[i-k],
// with zero initial conditions. a[0] must not be 0. series_iir(x, [1], [1, -1]) is the
// cumulative sum.
func IIR(x, b, a []float64) ([]float64, error) {
	if len(b) == 0 || len(a) == 0 {
		return nil, fmt.Errorf("%w: empty numerator or denominator coefficients", ErrSeries)
	}
	if a[0] == 0 {
		return nil, fmt.Errorf("%w: the first denominator coefficient is 0", ErrSeries)
	}
	out := make([]float64, len(x))
	for i := range out {
		var y float64
		for k, c := range b {
			if i-k >= 0 {
				y += c * x[i-k]
			}
		}
		for k := 1; k < len(a); k++ {
			if i-k >= 0 {
				y -= a[k] * out[i-k]
			}
		}
		out[i] = y / a[0]
	}
	return out, nil
}
