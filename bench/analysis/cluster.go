package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/huntkit/huntkit/analysis/cluster"
	"github.com/huntkit/huntkit/frame"
)

var procFile = flag.String("proc", "", "4688 process events CSV (gen_data.py proc --n 100000)")

func init() { extra = append(extra, benchCluster) }

func benchCluster(ctx context.Context, runs int) error {
	if *procFile == "" {
		return nil
	}
	t0 := time.Now()
	f, err := frame.ReadFile(*procFile)
	if err != nil {
		return err
	}
	fmt.Printf("load %d events in %v\n", f.Len(), time.Since(t0).Round(time.Millisecond))
	var feat *frame.Frame
	if err := best("process features", runs, func() error {
		feat, err = cluster.AddProcessFeatures(f, cluster.FeatureOptions{})
		return err
	}); err != nil {
		return err
	}
	for _, cols := range [][]string{{"commandlineTokensFull", "pathScore", "isSystemSession"}, {"pathHash", "commandlineTokensHash", "isSystemSession"}} {
		var out *frame.Frame
		if err := best(fmt.Sprintf("DBSCAN eps 0.01 on %d features", len(cols)), runs, func() error {
			out, err = cluster.ClusterEvents(ctx, feat, cluster.ClusterOptions{Columns: cols, Normalize: true, Time: "TimeGenerated",
				DBSCANOptions: cluster.DBSCANOptions{Eps: 0.01, MinSamples: 2}})
			return err
		}); err != nil {
			return err
		}
		fmt.Printf("  %v: %d output rows\n", cols, out.Len())
	}
	if err := best("features + DBSCAN (first set)", runs, func() error {
		ff, err := cluster.AddProcessFeatures(f, cluster.FeatureOptions{})
		if err != nil {
			return err
		}
		_, err = cluster.ClusterEvents(ctx, ff, cluster.ClusterOptions{Columns: []string{"commandlineTokensFull", "pathScore", "isSystemSession"},
			Normalize: true, Time: "TimeGenerated", DBSCANOptions: cluster.DBSCANOptions{Eps: 0.01, MinSamples: 2}})
		return err
	}); err != nil {
		return err
	}
	return nil
}
