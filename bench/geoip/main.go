// Command geoip-bench measures GeoIP lookup throughput on a list of IP addresses (one per line,
// e.g. from ../shared/bench/gen_data.py ips --n 100000) with a MaxMind City database, using
// 1 and 2 goroutines, and the end-to-end frame enrichment. Each measurement is repeated
// -reps times; the median and the best run are reported (the machine is shared).
//
//	go run ./bench/geoip -ips /tmp/bench/ips_100k.txt -city ../shared/data/maxmind/test-data/GeoLite2-City-Test.mmdb
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
)

func main() {
	ipsPath := flag.String("ips", "/tmp/bench/ips_100k.txt", "file with one IP address per line")
	city := flag.String("city", "../shared/data/maxmind/test-data/GeoLite2-City-Test.mmdb", "MaxMind City database")
	asn := flag.String("asn", "", "optional MaxMind ASN database")
	passes := flag.Int("passes", 10, "passes over the list per warm measurement")
	reps := flag.Int("reps", 5, "repetitions of each measurement")
	flag.Parse()
	if err := run(*ipsPath, *city, *asn, *passes, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "geoip-bench:", err)
		os.Exit(1)
	}
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := sc.Text(); t != "" {
			out = append(out, t)
		}
	}
	return out, sc.Err()
}

// rates runs f reps times (f returns how many items it handled) and returns items/s, sorted.
func rates(reps int, f func() int) []float64 {
	var r []float64
	for i := 0; i < reps; i++ {
		start := time.Now()
		n := f()
		r = append(r, float64(n)/time.Since(start).Seconds())
	}
	slices.Sort(r)
	return r
}

func row(name string, n int, r []float64) {
	fmt.Printf("| %s | %d | %.0f | %.0f |\n", name, n, r[len(r)/2], r[len(r)-1])
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	var a, b5, c string
	fmt.Sscan(string(b), &a, &b5, &c)
	return a + " " + b5 + " " + c
}

func run(ipsPath, city, asn string, passes, reps int) error {
	ips, err := readLines(ipsPath)
	if err != nil {
		return err
	}
	paths := []string{city}
	if asn != "" {
		paths = append(paths, asn)
	}
	fmt.Printf("machine: %s/%s, %d CPUs, GOMAXPROCS %d, %s; load average at start %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadavg())
	fmt.Printf("input: %s (%d addresses); databases: %v; %d repetitions\n\n", ipsPath, len(ips), paths, reps)
	fmt.Printf("| measurement | lookups per run | median lookups/s | best lookups/s |\n|---|---|---|---|\n")

	// Cold: a freshly opened database each time, one pass (every record decoded once).
	found := 0
	cold := rates(reps, func() int {
		db, err := geoip.Open(paths...)
		if err != nil {
			panic(err)
		}
		defer db.Close()
		found = 0
		for _, s := range ips {
			if loc, _ := db.Lookup(s); loc.Found() {
				found++
			}
		}
		return len(ips)
	})
	row(fmt.Sprintf("cold pass, 1 goroutine, fresh database (%d found)", found), len(ips), cold)

	db, err := geoip.Open(paths...)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, g := range []int{1, 2} {
		r := rates(reps, func() int {
			var wg sync.WaitGroup
			for w := 0; w < g; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					lo, hi := w*len(ips)/g, (w+1)*len(ips)/g
					for p := 0; p < passes; p++ {
						for i := lo; i < hi; i++ {
							if _, err := db.Lookup(ips[i]); err != nil && !errors.Is(err, geoip.ErrInvalidIP) {
								panic(err)
							}
						}
					}
				}(w)
			}
			wg.Wait()
			return len(ips) * passes
		})
		row(fmt.Sprintf("warm, %d goroutine(s), %d passes", g, passes), len(ips)*passes, r)
	}

	// End to end: a frame enriched from its IP column (dedupe + lookups + 11 new columns).
	f := frame.MustNew(frame.NewStrings("ip", ips))
	var outRows, outCols int
	r := rates(reps, func() int {
		out, err := db.EnrichFrame(context.Background(), f, "ip")
		if err != nil {
			panic(err)
		}
		outRows, outCols = out.Len(), out.NumCols()
		return f.Len()
	})
	row(fmt.Sprintf("EnrichFrame (%d rows -> %d rows, %d columns)", f.Len(), outRows, outCols), f.Len(), r)
	fmt.Printf("\nload average at end %s\n", loadavg())
	return nil
}
