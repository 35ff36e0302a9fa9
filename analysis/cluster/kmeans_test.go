package cluster

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestKMeansBlobs: three separated blobs are found, and a seed makes the run reproducible.
func TestKMeansBlobs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var pts [][]float64
	centres := [][]float64{{0, 0}, {10, 10}, {-10, 10}}
	for i := range 300 {
		c := centres[i%3]
		pts = append(pts, []float64{c[0] + r.NormFloat64(), c[1] + r.NormFloat64()})
	}
	res, err := KMeans(context.Background(), pts, KMeansOptions{K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 3; i < len(pts); i++ {
		if res.Labels[i] != res.Labels[i%3] {
			t.Fatalf("point %d in cluster %d, its blob's first point in %d", i, res.Labels[i], res.Labels[i%3])
		}
	}
	if res.Labels[0] == res.Labels[1] || res.Labels[1] == res.Labels[2] || res.Labels[0] == res.Labels[2] {
		t.Errorf("blobs merged: %v", res.Labels[:3])
	}
	again, _ := KMeans(context.Background(), pts, KMeansOptions{K: 3, Seed: 1})
	if !reflect.DeepEqual(res, again) {
		t.Error("same seed, different result")
	}
	if _, err := KMeans(context.Background(), pts, KMeansOptions{K: 0}); !errors.Is(err, ErrInput) {
		t.Errorf("k 0: %v", err)
	}
}
