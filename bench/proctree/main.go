// Command proctree benchmarks huntkit's process-tree build on a generated 4688 event file:
//
//	python3 ../shared/bench/gen_data.py proc --n 1000000 -o /tmp/bench/proc4688_1m.csv
//	go run ./bench/proctree -in /tmp/bench/proc4688_1m.csv
//
// CSV loading is timed separately from the build, as in the MSTICPy baseline.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

func main() {
	in := flag.String("in", "/tmp/bench/proc4688_1m.csv", "4688 events CSV (from gen_data.py proc)")
	runs := flag.Int("runs", 3, "build repetitions (the best is reported)")
	compat := flag.Bool("msticpy", false, "also build in MSTICPy-compatible (cross-host) mode")
	flag.Parse()
	if err := run(*in, *runs, *compat); err != nil {
		fmt.Fprintln(os.Stderr, "bench/proctree:", err)
		os.Exit(1)
	}
}

func run(in string, runs int, compat bool) error {
	t0 := time.Now()
	f, err := frame.ReadFile(in)
	if err != nil {
		return err
	}
	load := time.Since(t0)
	fmt.Printf("load     %d rows in %v\n", f.Len(), load.Round(time.Millisecond))
	modes := []struct {
		name string
		opts []proctree.Option
	}{{"host-aware", nil}}
	if compat {
		modes = append(modes, struct {
			name string
			opts []proctree.Option
		}{"msticpy-compat", []proctree.Option{proctree.MSTICPyCompat()}})
	}
	for _, m := range modes {
		var best, bestCPU time.Duration
		var alloc uint64
		var sum proctree.Summary
		for i := 0; i < runs; i++ {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime()
			start := time.Now()
			tr, err := proctree.Build(context.Background(), f, m.opts...)
			if err != nil {
				return err
			}
			d := time.Since(start)
			if c := cpuTime() - cpu0; bestCPU == 0 || c < bestCPU {
				bestCPU = c
			}
			runtime.ReadMemStats(&after)
			if best == 0 || d < best {
				best = d
			}
			alloc = after.TotalAlloc - before.TotalAlloc
			sum = tr.Summary()
		}
		js, _ := json.Marshal(sum)
		fmt.Printf("build    %-15s %v wall, %v CPU  (%.0f events/s, %.0f MB allocated)  %s\n", m.name, best.Round(time.Millisecond),
			bestCPU.Round(time.Millisecond), float64(f.Len())/best.Seconds(), float64(alloc)/1e6, js)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		fmt.Printf("peak RSS %.0f MB (process total, CSV frame included)\n", float64(ru.Maxrss)/1024)
	}
	return nil
}

// cpuTime returns the user+system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
