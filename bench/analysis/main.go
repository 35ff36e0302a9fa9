// Command analysis benchmarks huntkit's hunting analyses (package analysis) on the inputs
// of ../shared/bench/gen_data.py:
//
//	python3 ../shared/bench/gen_data.py sessions --n 10000 -o /tmp/analysis-bench/sessions_10k.jsonl
//	go run ./bench/analysis -markov /tmp/analysis-bench/sessions_10k.jsonl
//
// Loading a file is timed apart from the analysis, as in the MSTICPy baseline. Each step
// runs -runs times and the best wall time is reported, with the CPU time of that run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/huntkit/huntkit/analysis/markov"
	"github.com/huntkit/huntkit/frame"
)

func main() {
	mk := flag.String("markov", "", "sessions JSON lines (gen_data.py sessions)")
	runs := flag.Int("runs", 5, "repetitions (the best is reported)")
	flag.Parse()
	ctx := context.Background()
	if *mk != "" {
		if err := benchMarkov(ctx, *mk, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "bench/analysis:", err)
			os.Exit(1)
		}
	}
	for _, b := range extra {
		if err := b(ctx, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "bench/analysis:", err)
			os.Exit(1)
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("peak RSS %d MB\n", ru.Maxrss/1024)
}

// extra holds the benchmarks other files of this command add.
var extra []func(ctx context.Context, runs int) error

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// best runs f runs times and prints the best wall time with its CPU time and allocation.
func best(name string, runs int, f func() error) error {
	var bw, bc time.Duration
	var alloc uint64
	for i := 0; i < runs; i++ {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		c0, t0 := cpuTime(), time.Now()
		if err := f(); err != nil {
			return err
		}
		w, c := time.Since(t0), cpuTime()-c0
		runtime.ReadMemStats(&m1)
		if i == 0 || w < bw {
			bw, bc, alloc = w, c, m1.TotalAlloc-m0.TotalAlloc
		}
	}
	fmt.Printf("%-34s %9.4f s wall  %9.4f s CPU  %7.1f MB allocated\n", name, bw.Seconds(), bc.Seconds(), float64(alloc)/1e6)
	return nil
}

func benchMarkov(ctx context.Context, path string, runs int) error {
	t0 := time.Now()
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	f, err := frame.ReadNDJSON(fh, path)
	fh.Close()
	if err != nil {
		return err
	}
	ss, level, err := markov.FromColumn(f.Col("cmds"))
	if err != nil {
		return err
	}
	fmt.Printf("load %d sessions (%s level) in %v\n", len(ss), level, time.Since(t0).Round(time.Millisecond))
	var m *markov.Model
	if err := best("markov train (cmds+params)", runs, func() error {
		m, err = markov.Train(ctx, ss, level)
		return err
	}); err != nil {
		return err
	}
	var scores []markov.Score
	if err := best("markov score all sessions, window 3", runs, func() error {
		scores, err = m.Score(ctx, ss, markov.ScoreOptions{Window: 3})
		return err
	}); err != nil {
		return err
	}
	if err := best("markov train + score", runs, func() error {
		m, err := markov.Train(ctx, ss, level)
		if err != nil {
			return err
		}
		_, err = m.Score(ctx, ss, markov.ScoreOptions{Window: 3})
		return err
	}); err != nil {
		return err
	}
	top := markov.Rarest(scores, 1)
	fmt.Printf("rarest session: row %d, window likelihood %.3g\n", top[0], scores[top[0]].Rarest)
	return nil
}
