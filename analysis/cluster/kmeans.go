package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// KMeansOptions are k-means' parameters.
type KMeansOptions struct {
	// K is the number of clusters (required).
	K int
	// MaxIter bounds Lloyd's iterations; 0 means 300.
	MaxIter int
	// Seed makes the k-means++ initialisation reproducible.
	Seed uint64
}

// KMeansResult holds each point's cluster, the centroids and the inertia (the sum of
// squared distances to the assigned centroids).
type KMeansResult struct {
	Labels    []int
	Centroids [][]float64
	Inertia   float64
	Iter      int
}

// KMeans clusters points with k-means++ initialisation and Lloyd's iterations until no
// point changes cluster.
func KMeans(ctx context.Context, points [][]float64, o KMeansOptions) (*KMeansResult, error) {
	n := len(points)
	if o.K < 1 || o.K > n {
		return nil, fmt.Errorf("%w: k %d: want 1 to the number of points (%d)", ErrInput, o.K, n)
	}
	dim := len(points[0])
	for i, p := range points {
		if len(p) != dim {
			return nil, fmt.Errorf("%w: point %d has %d values, the first has %d", ErrInput, i+1, len(p), dim)
		}
	}
	maxIter := o.MaxIter
	if maxIter <= 0 {
		maxIter = 300
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	cent := make([][]float64, 0, o.K)
	cent = append(cent, append([]float64(nil), points[r.IntN(n)]...))
	d2 := make([]float64, n)
	for i := range d2 {
		d2[i] = sqDist(points[i], cent[0])
	}
	for len(cent) < o.K {
		sum := 0.0
		for _, d := range d2 {
			sum += d
		}
		pick := 0
		if sum > 0 {
			x := r.Float64() * sum
			for pick = 0; pick < n-1; pick++ {
				if x -= d2[pick]; x <= 0 {
					break
				}
			}
		} else {
			pick = r.IntN(n)
		}
		c := append([]float64(nil), points[pick]...)
		cent = append(cent, c)
		for i := range d2 {
			d2[i] = math.Min(d2[i], sqDist(points[i], c))
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = -1
	}
	res := &KMeansResult{Labels: labels, Centroids: cent}
	counts := make([]int, o.K)
	for res.Iter = 1; res.Iter <= maxIter; res.Iter++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		changed := false
		res.Inertia = 0
		for i, p := range points {
			best, bd := 0, math.Inf(1)
			for k, c := range cent {
				if d := sqDist(p, c); d < bd {
					best, bd = k, d
				}
			}
			if labels[i] != best {
				labels[i], changed = best, true
			}
			res.Inertia += bd
		}
		if !changed {
			break
		}
		for k := range cent {
			clear(cent[k])
			counts[k] = 0
		}
		for i, p := range points {
			c := cent[labels[i]]
			for d, v := range p {
				c[d] += v
			}
			counts[labels[i]]++
		}
		for k, c := range cent {
			if counts[k] == 0 { // an empty cluster takes the point farthest from its centroid
				far := 0
				for i := range points {
					if sqDist(points[i], cent[labels[i]]) > sqDist(points[far], cent[labels[far]]) {
						far = i
					}
				}
				copy(c, points[far])
				continue
			}
			for d := range c {
				c[d] /= float64(counts[k])
			}
		}
	}
	res.Iter = min(res.Iter, maxIter)
	return res, nil
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}
