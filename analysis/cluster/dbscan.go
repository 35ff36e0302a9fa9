package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrInput says that points or options cannot be used.
var ErrInput = errors.New("cluster")

// Noise is the label of points in no cluster.
const Noise = -1

// DBSCANOptions are DBSCAN's parameters (scikit-learn's names in comments).
type DBSCANOptions struct {
	// Eps is the neighbourhood radius (eps), Euclidean, inclusive.
	Eps float64
	// MinSamples is the number of points, itself included, that makes a point a core
	// point (min_samples); 0 means 5.
	MinSamples int
}

// DBSCAN labels each point (rows of equal length) with its cluster, numbered from 0 in
// the order scikit-learn's DBSCAN finds them (by the first core point in input order), or
// Noise. Identical points are merged first and neighbourhoods are found with a k-d tree
// and never stored, so memory stays proportional to the number of distinct points.
func DBSCAN(ctx context.Context, points [][]float64, o DBSCANOptions) ([]int, error) {
	if o.Eps <= 0 || math.IsNaN(o.Eps) {
		return nil, fmt.Errorf("%w: eps %v: want a positive radius", ErrInput, o.Eps)
	}
	minS := o.MinSamples
	if minS <= 0 {
		minS = 5
	}
	u, of, err := unique(points)
	if err != nil {
		return nil, err
	}
	tree := newKDTree(u.pts, u.dim)
	eps2 := o.Eps * o.Eps
	// weighted neighbour counts decide the core points
	core := make([]bool, len(u.pts))
	var buf []int32
	for i := range u.pts {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		n := 0
		buf = tree.within(u.pts[i], eps2, buf[:0])
		for _, j := range buf {
			n += u.weight[j]
			if n >= minS {
				break
			}
		}
		core[i] = n >= minS
	}
	labels := make([]int, len(u.pts))
	for i := range labels {
		labels[i] = Noise
	}
	next := 0
	var stack []int32
	for i := range u.pts {
		if labels[i] != Noise || !core[i] {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if labels[p] != Noise {
				continue
			}
			labels[p] = next
			if !core[p] {
				continue
			}
			buf = tree.within(u.pts[p], eps2, buf[:0])
			for _, q := range buf {
				if labels[q] == Noise {
					stack = append(stack, q)
				}
			}
		}
		next++
	}
	out := make([]int, len(points))
	for i, k := range of {
		out[i] = labels[k]
	}
	return out, nil
}

type uniq struct {
	pts    [][]float64
	weight []int
	dim    int
}

// unique merges identical points, keeping first-seen order; of maps each input point to
// its distinct point.
func unique(points [][]float64) (*uniq, []int32, error) {
	u := &uniq{}
	if len(points) == 0 {
		return u, nil, nil
	}
	u.dim = len(points[0])
	idx := map[string]int32{}
	of := make([]int32, len(points))
	key := make([]byte, 0, 8*u.dim)
	for i, p := range points {
		if len(p) != u.dim {
			return nil, nil, fmt.Errorf("%w: point %d has %d values, the first has %d", ErrInput, i+1, len(p), u.dim)
		}
		key = key[:0]
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("%w: point %d has a value %v", ErrInput, i+1, v)
			}
			b := math.Float64bits(v + 0) // +0 folds -0 into 0
			key = append(key, byte(b), byte(b>>8), byte(b>>16), byte(b>>24), byte(b>>32), byte(b>>40), byte(b>>48), byte(b>>56))
		}
		k, ok := idx[string(key)]
		if !ok {
			k = int32(len(u.pts))
			idx[string(key)] = k
			u.pts = append(u.pts, p)
			u.weight = append(u.weight, 0)
		}
		u.weight[k]++
		of[i] = k
	}
	return u, of, nil
}

// kdTree is a static k-d tree over points, stored as an index permutation.
type kdTree struct {
	pts  [][]float64
	dim  int
	idx  []int32
	axis []int8 // split axis of each node (node = median position of a range)
}

func newKDTree(pts [][]float64, dim int) *kdTree {
	t := &kdTree{pts: pts, dim: dim, idx: make([]int32, len(pts)), axis: make([]int8, len(pts))}
	for i := range t.idx {
		t.idx[i] = int32(i)
	}
	if dim > 0 {
		t.build(0, len(pts), 0)
	}
	return t
}

func (t *kdTree) build(lo, hi, depth int) {
	if hi-lo <= 1 {
		if hi-lo == 1 {
			t.axis[lo] = int8(depth % t.dim)
		}
		return
	}
	// split on the widest axis of the range
	ax, width := 0, -1.0
	for d := range t.dim {
		mn, mx := math.Inf(1), math.Inf(-1)
		for _, i := range t.idx[lo:hi] {
			v := t.pts[i][d]
			mn, mx = math.Min(mn, v), math.Max(mx, v)
		}
		if mx-mn > width {
			ax, width = d, mx-mn
		}
	}
	mid := (lo + hi) / 2
	sub := t.idx[lo:hi]
	slices.SortFunc(sub, func(a, b int32) int {
		x, y := t.pts[a][ax], t.pts[b][ax]
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	t.axis[mid] = int8(ax)
	t.build(lo, mid, depth+1)
	t.build(mid+1, hi, depth+1)
}

// within appends the indexes of the points within squared distance r2 of q.
func (t *kdTree) within(q []float64, r2 float64, out []int32) []int32 {
	return t.search(0, len(t.idx), q, r2, math.Sqrt(r2), out)
}

func (t *kdTree) search(lo, hi int, q []float64, r2, r float64, out []int32) []int32 {
	for hi > lo {
		mid := (lo + hi) / 2
		p := t.pts[t.idx[mid]]
		d2 := 0.0
		for d, v := range p {
			x := v - q[d]
			d2 += x * x
		}
		if d2 <= r2 {
			out = append(out, t.idx[mid])
		}
		ax := t.axis[mid]
		diff := q[ax] - p[ax]
		if diff <= 0 {
			if -diff <= r {
				out = t.search(mid+1, hi, q, r2, r, out)
			}
			hi = mid
		} else {
			if diff <= r {
				out = t.search(lo, mid, q, r2, r, out)
			}
			lo = mid + 1
		}
	}
	return out
}

// Normalize scales each row to unit Euclidean length (scikit-learn's Normalizer, as
// msticpy's dbcluster_events applies); zero rows stay zero.
func Normalize(points [][]float64) [][]float64 {
	out := make([][]float64, len(points))
	total := 0
	for _, p := range points {
		total += len(p)
	}
	flat := make([]float64, total)
	for i, p := range points {
		n := 0.0
		for _, v := range p {
			n += v * v
		}
		n = math.Sqrt(n)
		q := flat[:len(p):len(p)]
		flat = flat[len(p):]
		for d, v := range p {
			if n > 0 {
				q[d] = v / n
			} else {
				q[d] = v
			}
		}
		out[i] = q
	}
	return out
}
