// Command ioc-bench measures IoC extraction and payload decoding on the generated inputs of
// ../shared/bench (gen_corpus.py, gen_data.py b64) and checks the corpus manifest.
//
//	go run ./bench/ioc -corpus /tmp/bench/corpus_50mb.txt -manifest /tmp/bench/corpus_50mb.manifest.json \
//	    -lines /tmp/bench/lines_1m.txt -b64 /tmp/bench/b64_cmdlines_100k.txt
//
// Each phase prints its rate and the process's peak resident set size so far.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/ioc"
)

func main() {
	corpus := flag.String("corpus", "", "text corpus (gen_corpus.py --mb 50)")
	manifest := flag.String("manifest", "", "manifest JSON of the corpus")
	lines := flag.String("lines", "", "short lines file (gen_corpus.py --short --lines 1000000)")
	b64 := flag.String("b64", "", "base64 command lines (gen_data.py b64 --n 100000)")
	runs := flag.Int("runs", 3, "timed runs per phase (best is reported)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of all phases here")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	ok := true
	if *corpus != "" {
		ok = benchCorpus(*corpus, *manifest, *runs) && ok
	}
	if *lines != "" {
		benchLines(*lines, *runs)
	}
	if *b64 != "" {
		benchDecode(*b64, *runs)
	}
	if !ok {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func peakRSSMB() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // Linux: KiB
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lastCPU is the CPU time (user+system, all threads) of the best run of the last best() call.
var lastCPU time.Duration

// best runs fn runs times and returns the shortest wall time. The machine is shared, so the
// CPU time of that run is kept too (see lastCPU): wall time / CPU time shows contention.
func best(runs int, fn func()) time.Duration {
	var b time.Duration
	for r := 0; r < runs; r++ {
		c := cpuTime()
		t := time.Now()
		fn()
		d := time.Since(t)
		if r == 0 || d < b {
			b = d
			lastCPU = cpuTime() - c
		}
	}
	return b
}

func benchCorpus(path, manifest string, runs int) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	text := string(data)
	var ms, uniq []ioc.Match
	du := best(runs, func() { uniq = ioc.ExtractUnique(text) })
	mb := float64(len(text)) / (1 << 20)
	fmt.Printf("corpus ExtractUnique: %.1f MiB in %v = %.0f MB/s (%.0f MiB/s); CPU %v; %d unique IoCs\n",
		mb, du.Round(time.Millisecond), float64(len(text))/1e6/du.Seconds(), mb/du.Seconds(), lastCPU.Round(time.Millisecond), len(uniq))
	d := best(runs, func() { ms = ioc.Extract(text) })
	counts := map[ioc.Type]int{}
	for _, m := range uniq {
		counts[m.Type]++
	}
	fmt.Printf("corpus Extract (every occurrence): %.1f MiB in %v = %.0f MB/s (%.0f MiB/s); CPU %v; %d matches; peak RSS %.0f MiB\n",
		mb, d.Round(time.Millisecond), float64(len(text))/1e6/d.Seconds(), mb/d.Seconds(), lastCPU.Round(time.Millisecond), len(ms), peakRSSMB())
	fmt.Printf("  unique by type: %v\n", counts)
	if manifest == "" {
		return true
	}
	raw, err := os.ReadFile(manifest)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var man struct {
		Planted map[string][]string `json:"planted"`
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	found := map[string]bool{}
	for _, m := range uniq {
		found[string(m.Type)+"\x00"+m.Value] = true
	}
	missing, total := 0, 0
	names := make([]string, 0, len(man.Planted))
	for k := range man.Planted {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t, _ := ioc.ParseType(k)
		miss := 0
		for _, v := range man.Planted[k] {
			total++
			want := v
			if t == ioc.DNS || t == ioc.MD5 || t == ioc.SHA1 || t == ioc.SHA256 || t == ioc.IPv6 {
				want = strings.ToLower(v)
			}
			if ms := ioc.ExtractUnique(v, ioc.WithTypes(ioc.IPv6)); t == ioc.IPv6 && len(ms) == 1 {
				want = ms[0].Value // the canonical form ("2001:db8::0:c2" is "2001:db8::c2")
			}
			if !found[string(t)+"\x00"+want] {
				miss++
				if miss <= 5 {
					fmt.Printf("  MISSING %s %q\n", t, v)
				}
			}
		}
		missing += miss
		fmt.Printf("  manifest %-12s %5d planted, %d missing\n", k, len(man.Planted[k]), miss)
	}
	fmt.Printf("  manifest: %d/%d planted IoCs found\n", total-missing, total)
	return missing == 0
}

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// One string for the whole file; the rows are substrings of it (no copy per row).
	text := strings.TrimSuffix(string(data), "\n")
	data = nil
	return strings.Split(text, "\n")
}

func benchLines(path string, runs int) {
	rows := readLines(path)
	fr := frame.MustNew(frame.NewStrings("CommandLine", rows))
	var out *frame.Frame
	d := best(runs, func() {
		var err error
		out, err = ioc.ExtractFrame(fr, "CommandLine")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	})
	fmt.Printf("lines ExtractFrame: %d rows in %v = %.0f rows/s; CPU %v; %d IoC rows; peak RSS %.0f MiB\n",
		len(rows), d.Round(time.Millisecond), float64(len(rows))/d.Seconds(), lastCPU.Round(time.Millisecond), out.Len(), peakRSSMB())
}

func benchDecode(path string, runs int) {
	rows := readLines(path)
	fr := frame.MustNew(frame.NewStrings("CommandLine", rows))
	var out *frame.Frame
	d := best(runs, func() {
		var err error
		out, err = decode.DecodeFrame(fr, "CommandLine")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	})
	fmt.Printf("decode DecodeFrame: %d lines in %v = %.0f lines/s; CPU %v; %d decoded items; peak RSS %.0f MiB\n",
		len(rows), d.Round(time.Millisecond), float64(len(rows))/d.Seconds(), lastCPU.Round(time.Millisecond), out.Len(), peakRSSMB())
}
