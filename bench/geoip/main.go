// Command geoip-bench measures GeoIP lookup throughput on a list of IP addresses (one per line,
// e.g. from ../shared/bench/gen_data.py ips --n 100000) with a MaxMind City database, using
// 1 and 2 goroutines, and the end-to-end frame enrichment.
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
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
)

func main() {
	ipsPath := flag.String("ips", "/tmp/bench/ips_100k.txt", "file with one IP address per line")
	city := flag.String("city", "../shared/data/maxmind/test-data/GeoLite2-City-Test.mmdb", "MaxMind City database")
	asn := flag.String("asn", "", "optional MaxMind ASN database")
	rounds := flag.Int("rounds", 10, "passes over the list per measurement")
	flag.Parse()
	if err := run(*ipsPath, *city, *asn, *rounds); err != nil {
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

func run(ipsPath, city, asn string, rounds int) error {
	ips, err := readLines(ipsPath)
	if err != nil {
		return err
	}
	paths := []string{city}
	if asn != "" {
		paths = append(paths, asn)
	}
	fmt.Printf("machine: %s/%s, %d CPUs, GOMAXPROCS %d, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("input: %s (%d addresses); databases: %v\n\n", ipsPath, len(ips), paths)

	// Cold: a freshly opened database, one pass (every record decoded once).
	db, err := geoip.Open(paths...)
	if err != nil {
		return err
	}
	start := time.Now()
	found := 0
	for _, s := range ips {
		loc, _ := db.Lookup(s)
		if loc.Found() {
			found++
		}
	}
	cold := time.Since(start)
	fmt.Printf("| measurement | lookups | time | lookups/s |\n|---|---|---|---|\n")
	fmt.Printf("| cold pass, 1 goroutine (fresh database, %d found) | %d | %v | %.0f |\n", found, len(ips), cold.Round(time.Microsecond), float64(len(ips))/cold.Seconds())

	for _, g := range []int{1, 2} {
		total := len(ips) * rounds
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < g; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				// Each goroutine takes a contiguous share of every pass.
				lo, hi := w*len(ips)/g, (w+1)*len(ips)/g
				for r := 0; r < rounds; r++ {
					for i := lo; i < hi; i++ {
						if _, err := db.Lookup(ips[i]); err != nil && !errors.Is(err, geoip.ErrInvalidIP) {
							panic(err)
						}
					}
				}
			}(w)
		}
		wg.Wait()
		d := time.Since(start)
		fmt.Printf("| warm, %d goroutine(s), %d passes | %d | %v | %.0f |\n", g, rounds, total, d.Round(time.Microsecond), float64(total)/d.Seconds())
	}

	// End to end: a 100k-row frame enriched in place of a column (dedupe + lookups + columns).
	f := frame.MustNew(frame.NewStrings("ip", ips))
	start = time.Now()
	out, err := db.EnrichFrame(context.Background(), f, "ip")
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Printf("| EnrichFrame (%d rows -> %d rows, %d columns) | %d | %v | %.0f |\n", f.Len(), out.Len(), out.NumCols(), len(ips), d.Round(time.Microsecond), float64(len(ips))/d.Seconds())
	return db.Close()
}
