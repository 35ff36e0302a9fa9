package timeseries

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Series is a regular series: Values[i] is at Start + i*Step.
type Series struct {
	Start  time.Time
	Step   time.Duration
	Values []float64
}

// FromFrame makes a regular series from a table: the sum of column value per step of the
// time column (or, with value "", the count of rows per step), steps without rows being 0,
// as Kusto's make-series does with default 0. Rows with a null time or value are skipped.
func FromFrame(f *frame.Frame, timeCol, value string, step time.Duration) (*Series, error) {
	if step <= 0 {
		return nil, fmt.Errorf("%w: step %v: want a positive duration", ErrSeries, step)
	}
	tc := f.Col(timeCol)
	if tc == nil || tc.Type() != frame.Time {
		return nil, fmt.Errorf("%w: time column %q: not a time column of the table (columns: %s)", ErrSeries, timeCol, strings.Join(f.Names(), ", "))
	}
	var vc *frame.Column
	if value != "" {
		if vc = f.Col(value); vc == nil || (vc.Type() != frame.Int && vc.Type() != frame.Float) {
			return nil, fmt.Errorf("%w: value column %q: not a numeric column of the table (columns: %s)", ErrSeries, value, strings.Join(f.Names(), ", "))
		}
	}
	var lo, hi time.Time
	seen := false
	for i := range f.Len() {
		if tc.IsNull(i) {
			continue
		}
		t := tc.Time(i)
		if !seen || t.Before(lo) {
			lo = t
		}
		if !seen || t.After(hi) {
			hi = t
		}
		seen = true
	}
	if !seen {
		return nil, fmt.Errorf("%w: no rows with a time", ErrSeries)
	}
	lo = lo.Truncate(step)
	n := int(hi.Sub(lo)/step) + 1
	if n > 50_000_000 {
		return nil, fmt.Errorf("%w: %d steps of %v: use a larger step", ErrSeries, n, step)
	}
	s := &Series{Start: lo, Step: step, Values: make([]float64, n)}
	for i := range f.Len() {
		if tc.IsNull(i) || (vc != nil && vc.IsNull(i)) {
			continue
		}
		v := 1.0
		if vc != nil {
			v = vc.Float(i)
		}
		s.Values[int(tc.Time(i).Sub(lo)/step)] += v
	}
	return s, nil
}

// Frame returns the series with its decomposition and anomalies: time, value, baseline,
// seasonal, trend, residual, score and anomaly (+1, -1 or 0); onlyAnomalies keeps the
// flagged points.
func (s *Series) Frame(a *Anomalies, onlyAnomalies bool) *frame.Frame {
	n := len(s.Values)
	ts := make([]time.Time, n)
	flags := make([]int64, n)
	for i := range ts {
		ts[i] = s.Start.Add(time.Duration(i) * s.Step)
		flags[i] = int64(a.Flag[i])
	}
	f := frame.MustNew(frame.NewTimes("time", ts), frame.NewFloats("value", slices.Clone(s.Values)),
		frame.NewFloats("baseline", a.Baseline), frame.NewFloats("seasonal", a.Seasonal), frame.NewFloats("trend", a.Trend),
		frame.NewFloats("residual", a.Residual), frame.NewFloats("score", a.Score), frame.NewInts("anomaly", flags))
	if onlyAnomalies {
		f = f.Filter(func(i int) bool { return flags[i] != 0 })
	}
	return f
}

// Long returns the series and its components in long form for a chart with one line per
// component: time, series ("value", "baseline", "trend", "seasonal") and y.
func (s *Series) Long(a *Anomalies) *frame.Frame {
	comps := []struct {
		name string
		v    []float64
	}{{"value", s.Values}, {"baseline", a.Baseline}, {"trend", a.Trend}, {"seasonal", a.Seasonal}}
	n := len(s.Values)
	ts := make([]time.Time, 0, 4*n)
	names := make([]string, 0, 4*n)
	ys := make([]float64, 0, 4*n)
	for _, c := range comps {
		for i, v := range c.v {
			ts = append(ts, s.Start.Add(time.Duration(i)*s.Step))
			names = append(names, c.name)
			ys = append(ys, v)
		}
	}
	return frame.MustNew(frame.NewTimes("time", ts), frame.NewStrings("series", names), frame.NewFloats("y", ys))
}

// Flagged returns the times and flags (+1 rise, -1 fall) of the anomalies.
func (s *Series) Flagged(a *Anomalies) (times []time.Time, flags []int) {
	for i, f := range a.Flag {
		if f != 0 {
			times = append(times, s.Start.Add(time.Duration(i)*s.Step))
			flags = append(flags, f)
		}
	}
	return times, flags
}
