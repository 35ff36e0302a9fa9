// Command ti benchmarks huntkit's TI lookups: 1,000 IoCs against a local mock of the
// VirusTotal v3 API that adds a fixed latency to every request, looked up one at a time
// (msticpy's way) and concurrently under a configured rate limit; then cache hit rates.
//
//	python3 ../shared/bench/gen_data.py iocs --n 1000 -o /tmp/bench/ti_iocs_1k.csv
//	go run ./bench/ti -in /tmp/bench/ti_iocs_1k.csv
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/virustotal"
)

func main() {
	in := flag.String("in", "/tmp/bench/ti_iocs_1k.csv", "IoC file (Ioc,IocType) from gen_data.py iocs")
	latency := flag.Duration("latency", 50*time.Millisecond, "mock latency per request")
	rateFlag := flag.String("rate", "400/s", "configured rate limit for the concurrent run")
	conc := flag.Int("concurrency", 32, "requests in flight for the concurrent run")
	burst := flag.Int("burst", 10, "token-bucket burst for the concurrent run")
	skipSeq := flag.Bool("skip-sequential", false, "skip the one-at-a-time baseline")
	useCache := flag.Bool("cache", true, "write answers to a disk cache during the concurrent run")
	flag.Parse()

	items, err := readItems(*in)
	if err != nil {
		log.Fatal(err)
	}
	rt, err := ti.ParseRate(*rateFlag)
	if err != nil {
		log.Fatal(err)
	}
	mock, url := startMock(*latency)
	fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Printf("input: %s (%d IoCs), mock latency %s per request\n\n", *in, len(items), *latency)

	ctx := context.Background()
	var seq time.Duration
	if !*skipSeq {
		mock.reset()
		c := client(ctx, url, ti.Rate{}, 1, nil)
		start := time.Now()
		rows, err := c.LookupRows(ctx, items)
		seq = time.Since(start)
		report("one at a time (concurrency 1, no rate limit)", rows, err, seq, mock)
	}

	mock.reset()
	cacheDir, _ := os.MkdirTemp("", "huntkit-ti-bench")
	defer os.RemoveAll(cacheDir)
	cache, err := ti.OpenDiskCache(filepath.Join(cacheDir, "ti"))
	if err != nil {
		log.Fatal(err)
	}
	sent := &recorder{next: ti.NewTransport()}
	var wcache ti.Cache = cache
	if !*useCache {
		wcache = nil
	}
	c := client(ctx, url, rt, *conc, wcache, ti.WithArgs("VirusTotal", map[string]any{"Burst": *burst}),
		ti.WithHTTPClient(&http.Client{Transport: sent}))
	start := time.Now()
	rows, err := c.LookupRows(ctx, items)
	par := time.Since(start)
	report(fmt.Sprintf("concurrent (concurrency %d, rate limit %s)", *conc, rt), rows, err, par, mock)
	if seq > 0 {
		fmt.Printf("speed-up: %.1fx\n", seq.Seconds()/par.Seconds())
	}
	allowed := "no limit"
	if !rt.Unlimited() {
		allowed = fmt.Sprintf("burst %d: token bucket allows %d", *burst, *burst+int(float64(rt.N)*time.Second.Seconds()/rt.Per.Seconds()))
	}
	fmt.Printf("peak requests sent in any 1 s window (client side): %d; arrived at the mock: %d (configured %s, %s)\n\n",
		peakPerSecond(sent.get()), peakPerSecond(mock.get()), rt, allowed)

	// Cache hits.
	var ok []ti.Item
	for _, r := range rows {
		if r.Status == ti.StatusOK {
			ok = append(ok, ti.Item{Value: r.Ioc, Type: ti.IocType(r.IocType)})
		}
	}
	const passes = 200
	start = time.Now()
	hits := 0
	for p := 0; p < passes; p++ {
		for _, it := range ok {
			if _, found := cache.Get("VirusTotal", it); found {
				hits++
			}
		}
	}
	el := time.Since(start)
	fmt.Printf("cache Get, warm process (memory layer): %d hits in %s = %.0f lookups/s\n", hits, el.Round(time.Millisecond), float64(hits)/el.Seconds())

	start = time.Now()
	hits = 0
	for p := 0; p < 5; p++ {
		cold, _ := ti.OpenDiskCache(filepath.Join(cacheDir, "ti"))
		for _, it := range ok {
			if _, found := cold.Get("VirusTotal", it); found {
				hits++
			}
		}
	}
	el = time.Since(start)
	fmt.Printf("cache Get, new process (files on disk): %d hits in %s = %.0f lookups/s\n", hits, el.Round(time.Millisecond), float64(hits)/el.Seconds())

	start = time.Now()
	n := 0
	for p := 0; p < 5; p++ {
		cold, _ := ti.OpenDiskCache(filepath.Join(cacheDir, "ti"))
		rs, _ := client(ctx, url, rt, *conc, cold).LookupRows(ctx, items)
		n += len(rs)
	}
	el = time.Since(start)
	fmt.Printf("full Client.LookupRows, new process each pass (cache files on disk, read 16 at a time): %d rows in %s = %.0f rows/s\n", n, el.Round(time.Millisecond), float64(n)/el.Seconds())

	mock.reset()
	start = time.Now()
	n = 0
	for p := 0; p < 20; p++ {
		rs, _ := c.LookupRows(ctx, items)
		n += len(rs)
	}
	el = time.Since(start)
	fmt.Printf("full Client.LookupRows on a warm cache: %d rows in %s = %.0f rows/s (requests sent: %d)\n", n, el.Round(time.Millisecond), float64(n)/el.Seconds(), mock.count())
}

func client(ctx context.Context, url string, rt ti.Rate, conc int, cache ti.Cache, extra ...ti.Option) *ti.Client {
	opts := []ti.Option{ti.WithProviders("VirusTotal"), ti.WithBaseURL("VirusTotal", url), ti.WithAuthKey("VirusTotal", "bench-key"),
		ti.WithRate("VirusTotal", rt), ti.WithConcurrency(conc), ti.WithRetries(3, 100*time.Millisecond, time.Second)}
	if cache != nil {
		opts = append(opts, ti.WithCache(cache))
	}
	c, err := ti.New(ctx, append(opts, extra...)...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func report(label string, rows []ti.Row, err error, d time.Duration, m *mock) {
	st := map[ti.Status]int{}
	for _, r := range rows {
		st[r.Status]++
	}
	fmt.Printf("%s: %d rows in %s (%.1f lookups/s), %d requests, statuses %v", label, len(rows), d.Round(time.Millisecond),
		float64(len(rows))/d.Seconds(), m.count(), st)
	if err != nil {
		fmt.Printf(", error: %v", err)
	}
	fmt.Println()
}

func readItems(path string) ([]ti.Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []ti.Item
	for _, r := range recs[1:] {
		out = append(out, ti.Item{Value: r[0], Type: ti.IocType(r[1])})
	}
	return out, nil
}

// mock answers every VirusTotal v3 object request after a fixed latency and records when
// each request arrived.
type mock struct {
	mu    sync.Mutex
	times []time.Time
}

func (m *mock) reset() { m.mu.Lock(); m.times = nil; m.mu.Unlock() }
func (m *mock) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.times)
}

func (m *mock) get() []time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Time(nil), m.times...)
}

// recorder is a transport noting when each request leaves the client.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	times []time.Time
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.times = append(r.times, time.Now())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) get() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.times...)
}

// peakPerSecond returns the most events within any one-second window.
func peakPerSecond(ts []time.Time) int {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func startMock(latency time.Duration) (*mock, string) {
	m := &mock{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.times = append(m.times, time.Now())
		m.mu.Unlock()
		time.Sleep(latency)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"id":%q,"type":"object","attributes":{"reputation":0,"last_analysis_stats":{"harmless":60,"malicious":%d,"suspicious":0,"undetected":10,"timeout":0}}}}`,
			r.URL.Path, len(r.URL.Path)%7)
	})}
	go srv.Serve(ln)
	return m, "http://" + ln.Addr().String()
}
