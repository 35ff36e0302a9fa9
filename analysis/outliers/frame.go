package outliers

import (
	"context"
	"slices"

	"github.com/huntkit/huntkit/analysis/cluster"
	"github.com/huntkit/huntkit/frame"
)

// ScoreFrame trains a forest on the numeric columns cols of f and returns f with
// outlier_score and is_outlier (score above threshold; 0 means 0.6) added, highest
// score first when sorted is true.
func ScoreFrame(ctx context.Context, f *frame.Frame, cols []string, o Options, threshold float64, sorted bool) (*frame.Frame, error) {
	if threshold == 0 {
		threshold = 0.6
	}
	pts, err := cluster.Matrix(f, cols)
	if err != nil {
		return nil, err
	}
	forest, err := Train(ctx, pts, o)
	if err != nil {
		return nil, err
	}
	s, err := forest.Score(pts)
	if err != nil {
		return nil, err
	}
	flags := make([]bool, len(s))
	for i, v := range s {
		flags[i] = v > threshold
	}
	out := f.Slice(0, f.Len())
	if err := out.AddColumn(frame.NewFloats("outlier_score", s)); err != nil {
		return nil, err
	}
	if err := out.AddColumn(frame.NewBools("is_outlier", flags)); err != nil {
		return nil, err
	}
	if sorted {
		idx := make([]int, len(s))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case s[a] > s[b]:
				return -1
			case s[a] < s[b]:
				return 1
			}
			return 0
		})
		out = out.Take(idx)
	}
	return out, nil
}
