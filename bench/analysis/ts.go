package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/huntkit/huntkit/analysis/timeseries"
	"github.com/huntkit/huntkit/frame"
)

var tsFile = flag.String("ts", "", "hourly series CSV (gen_data.py ts): TimeGenerated,TotalEvents")

func init() { extra = append(extra, benchTS) }

func benchTS(_ context.Context, runs int) error {
	if *tsFile == "" {
		return nil
	}
	t0 := time.Now()
	f, err := frame.ReadFile(*tsFile)
	if err != nil {
		return err
	}
	c := f.Col("TotalEvents")
	if c == nil {
		return fmt.Errorf("%s: no TotalEvents column", *tsFile)
	}
	x := make([]float64, f.Len())
	for i := range x {
		x[i] = c.Float(i)
	}
	fmt.Printf("load %d points in %v\n", len(x), time.Since(t0).Round(time.Millisecond))
	var stl, kusto *timeseries.Anomalies
	if err := best("STL anomalies (period 24, msticpy's)", runs, func() error {
		stl, err = timeseries.STLAnomalies(x, 3, timeseries.STLOptions{Period: 24})
		return err
	}); err != nil {
		return err
	}
	if err := best("Kusto-style decompose anomalies", runs, func() error {
		kusto, err = timeseries.DecomposeAnomalies(x, 3, timeseries.Options{Period: -1})
		return err
	}); err != nil {
		return err
	}
	var ps []timeseries.Period
	if err := best("period detection", runs, func() error {
		ps = timeseries.Periods(x, timeseries.PeriodOptions{})
		return nil
	}); err != nil {
		return err
	}
	count := func(a *timeseries.Anomalies) int {
		n := 0
		for _, f := range a.Flag {
			if f != 0 {
				n++
			}
		}
		return n
	}
	fmt.Fprintf(os.Stdout, "STL: %d anomalies; Kusto-style: period %d, %d anomalies; best periods %+v\n", count(stl), kusto.Period, count(kusto), ps[:min(3, len(ps))])
	return nil
}
