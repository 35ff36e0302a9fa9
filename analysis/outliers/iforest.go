// Package outliers scores unusual rows with an isolation forest (Liu, Ting and Zhou 2008),
// seeded so that runs are reproducible: points that random axis-parallel splits isolate in
// few steps score near 1, ordinary points near or below 0.5.
package outliers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrInput says that points or options cannot be used.
var ErrInput = errors.New("outliers")

// Options are the forest's parameters (scikit-learn's IsolationForest names in comments).
type Options struct {
	// Trees is the number of trees (n_estimators); 0 means 100.
	Trees int
	// Sample is the sub-sample size per tree (max_samples); 0 means min(256, n).
	Sample int
	// Seed makes the forest reproducible (random_state).
	Seed uint64
}

type node struct {
	feature     int32 // -1: leaf
	split       float64
	left, right int32
	size        int32
}

// Forest is a trained isolation forest.
type Forest struct {
	trees  [][]node
	sample int
	dim    int
}

// Train grows a forest on points.
func Train(ctx context.Context, points [][]float64, o Options) (*Forest, error) {
	n := len(points)
	if n < 2 {
		return nil, fmt.Errorf("%w: %d points: need at least two", ErrInput, n)
	}
	dim := len(points[0])
	for i, p := range points {
		if len(p) != dim {
			return nil, fmt.Errorf("%w: point %d has %d values, the first has %d", ErrInput, i+1, len(p), dim)
		}
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: point %d has a value %v", ErrInput, i+1, v)
			}
		}
	}
	trees := o.Trees
	if trees <= 0 {
		trees = 100
	}
	sample := o.Sample
	if sample <= 0 {
		sample = 256
	}
	sample = min(sample, n)
	limit := int(math.Ceil(math.Log2(float64(sample))))
	r := rand.New(rand.NewPCG(o.Seed, 0x2545f4914f6cdd1d))
	f := &Forest{sample: sample, dim: dim}
	idx := make([]int, n)
	for range trees {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for i := range idx {
			idx[i] = i
		}
		for i := range sample { // partial Fisher-Yates: a sample without replacement
			j := i + r.IntN(n-i)
			idx[i], idx[j] = idx[j], idx[i]
		}
		var tree []node
		tree = grow(tree, points, idx[:sample], 0, limit, dim, r)
		f.trees = append(f.trees, tree)
	}
	return f, nil
}

func grow(tree []node, pts [][]float64, idx []int, depth, limit, dim int, r *rand.Rand) []node {
	at := int32(len(tree))
	tree = append(tree, node{feature: -1, size: int32(len(idx))})
	if len(idx) <= 1 || depth >= limit {
		return tree
	}
	// pick a feature with spread among the sample
	for range dim {
		ft := r.IntN(dim)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range idx {
			lo, hi = math.Min(lo, pts[i][ft]), math.Max(hi, pts[i][ft])
		}
		if hi <= lo {
			continue
		}
		split := lo + r.Float64()*(hi-lo)
		k := 0
		for j, i := range idx {
			if pts[i][ft] < split {
				idx[j], idx[k] = idx[k], idx[j]
				k++
			}
		}
		tree[at].feature, tree[at].split = int32(ft), split
		tree[at].left = int32(len(tree))
		tree = grow(tree, pts, idx[:k], depth+1, limit, dim, r)
		tree[at].right = int32(len(tree))
		tree = grow(tree, pts, idx[k:], depth+1, limit, dim, r)
		return tree
	}
	return tree
}

// avgPath is c(n), the average path length of an unsuccessful search in a binary search
// tree of n points.
func avgPath(n int) float64 {
	if n <= 1 {
		return 0
	}
	if n == 2 {
		return 1
	}
	h := math.Log(float64(n-1)) + 0.5772156649015329
	return 2*h - 2*float64(n-1)/float64(n)
}

// Score returns the anomaly score 2^(-E[h(x)]/c(sample)) of each point, in (0, 1].
func (f *Forest) Score(points [][]float64) ([]float64, error) {
	c := avgPath(f.sample)
	out := make([]float64, len(points))
	for i, p := range points {
		if len(p) != f.dim {
			return nil, fmt.Errorf("%w: point %d has %d values, the forest was trained on %d", ErrInput, i+1, len(p), f.dim)
		}
		total := 0.0
		for _, t := range f.trees {
			k, depth := int32(0), 0.0
			for t[k].feature >= 0 {
				if p[t[k].feature] < t[k].split {
					k = t[k].left
				} else {
					k = t[k].right
				}
				depth++
			}
			total += depth + avgPath(int(t[k].size))
		}
		out[i] = math.Pow(2, -total/float64(len(f.trees))/c)
	}
	return out, nil
}
