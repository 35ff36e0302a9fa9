package outliers

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func blob(seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	var pts [][]float64
	for range 1000 {
		pts = append(pts, []float64{r.NormFloat64(), r.NormFloat64() * 2, r.NormFloat64()})
	}
	return append(pts, []float64{25, 30, 20}, []float64{-20, -40, 15}, []float64{20, 25, -20})
}

// TestPlantedOutliers: the three planted points score highest, above 0.6, and ordinary
// points score about 0.5 or less; the same seed gives the same scores.
func TestPlantedOutliers(t *testing.T) {
	pts := blob(7)
	f, err := Train(context.Background(), pts, Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Score(pts)
	if err != nil {
		t.Fatal(err)
	}
	order := make([]int, len(s))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if s[a] > s[b] {
			return -1
		} else if s[a] < s[b] {
			return 1
		}
		return 0
	})
	top := []int{order[0], order[1], order[2]}
	slices.Sort(top)
	if !reflect.DeepEqual(top, []int{1000, 1001, 1002}) || s[order[2]] < 0.6 {
		t.Errorf("top scores at %v (%.3f %.3f %.3f)", top, s[order[0]], s[order[1]], s[order[2]])
	}
	median := slices.Clone(s[:1000])
	slices.Sort(median)
	if m := median[500]; m > 0.5 {
		t.Errorf("median ordinary score %.3f", m)
	}
	f2, _ := Train(context.Background(), pts, Options{Seed: 42})
	s2, _ := f2.Score(pts)
	if !reflect.DeepEqual(s, s2) {
		t.Error("same seed, different scores")
	}
	f3, _ := Train(context.Background(), pts, Options{Seed: 43})
	if s3, _ := f3.Score(pts); reflect.DeepEqual(s, s3) {
		t.Error("another seed, same scores")
	}
	if _, err := f.Score([][]float64{{1, 2}}); !errors.Is(err, ErrInput) {
		t.Errorf("wrong width: %v", err)
	}
	if _, err := Train(context.Background(), pts[:1], Options{}); !errors.Is(err, ErrInput) {
		t.Errorf("one point: %v", err)
	}
}
