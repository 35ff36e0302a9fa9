// Command localquery measures huntkit's local query path against DuckDB used directly, on
// the same CSV and the same SQL in one run: import the file, run one filter and three
// group-bys, and bring every result back into Go.
//
//	python3 ../shared/bench/gen_data.py events --n 5000000 -o /tmp/bench/sec_events_5m.csv
//	go run ./bench/localquery -csv /tmp/bench/sec_events_5m.csv -runs 3
//
// The huntkit side goes through engine.Workspace (Import, Query into a frame.Frame), which
// is what the LocalData driver and `huntkit query LocalData --sql` run; the raw side opens
// DuckDB through database/sql and scans the rows into Go values.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/engine"
)

// Queries are the work measured: one filter and three group-bys.
var Queries = []struct{ Name, SQL string }{
	{"filter: account lockouts", `SELECT * FROM events WHERE EventID = 4625 AND Status = '0xc0000234'`},
	{"group-by: events per EventID", `SELECT EventID, count(*) AS n FROM events GROUP BY EventID ORDER BY n DESC`},
	{"group-by: failed logons per account (top 20)", `SELECT Account, count(*) AS failures, count(DISTINCT IpAddress) AS ips
		FROM events WHERE EventID = 4625 GROUP BY Account ORDER BY failures DESC LIMIT 20`},
	{"group-by: logons per host per hour", `SELECT Computer, time_bucket(INTERVAL 1 hour, TimeGenerated) AS hour, count(*) AS logons
		FROM events WHERE EventID = 4624 GROUP BY ALL ORDER BY hour, Computer`},
}

type timing struct {
	load    time.Duration
	queries []time.Duration
	rows    []int
}

func (t timing) total() time.Duration {
	d := t.load
	for _, q := range t.queries {
		d += q
	}
	return d
}

func huntkit(ctx context.Context, path string) (timing, error) {
	var t timing
	start := time.Now()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		return t, err
	}
	defer ws.Close()
	if err := ws.Import(ctx, "events", path); err != nil {
		return t, err
	}
	t.load = time.Since(start)
	for _, q := range Queries {
		s := time.Now()
		f, err := ws.Query(ctx, q.SQL)
		if err != nil {
			return t, fmt.Errorf("%s: %w", q.Name, err)
		}
		t.queries = append(t.queries, time.Since(s))
		t.rows = append(t.rows, f.Len())
	}
	return t, nil
}

func raw(ctx context.Context, path string) (timing, error) {
	var t timing
	start := time.Now()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return t, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET TimeZone='UTC'"); err != nil {
		return t, err
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE events AS SELECT * FROM read_csv('"+strings.ReplaceAll(path, "'", "''")+"')"); err != nil {
		return t, err
	}
	t.load = time.Since(start)
	for _, q := range Queries {
		s := time.Now()
		rows, err := db.QueryContext(ctx, q.SQL)
		if err != nil {
			return t, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return t, err
			}
			n++
		}
		rows.Close()
		t.queries = append(t.queries, time.Since(s))
		t.rows = append(t.rows, n)
	}
	return t, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func main() {
	path := flag.String("csv", "/tmp/bench/sec_events_5m.csv", "events CSV from gen_data.py events")
	runs := flag.Int("runs", 3, "alternating runs of each side; the median is reported")
	msticpy := flag.Float64("msticpy", 18.84, "MSTICPy's seconds for the same work (BASELINE.md: 17.9 load + 0.07 filter + 0.87 group-bys)")
	flag.Parse()
	if _, err := os.Stat(*path); err != nil {
		log.Fatalf("input: %v (generate it with gen_data.py events)", err)
	}
	ctx := context.Background()
	var hk, rw []timing
	for i := 0; i < *runs; i++ {
		r, err := raw(ctx, *path)
		if err != nil {
			log.Fatalf("raw duckdb: %v", err)
		}
		rw = append(rw, r)
		h, err := huntkit(ctx, *path)
		if err != nil {
			log.Fatalf("huntkit: %v", err)
		}
		hk = append(hk, h)
		runtime.GC()
	}
	totals := func(ts []timing) []time.Duration {
		out := make([]time.Duration, len(ts))
		for i, t := range ts {
			out[i] = t.total()
		}
		return out
	}
	h, r := median(totals(hk)), median(totals(rw))
	fmt.Printf("input: %s, %d runs each, GOMAXPROCS=%d\n", *path, *runs, runtime.GOMAXPROCS(0))
	fmt.Printf("%-46s %12s %12s %8s\n", "step (last run)", "huntkit", "raw DuckDB", "rows")
	last, lastRaw := hk[len(hk)-1], rw[len(rw)-1]
	fmt.Printf("%-46s %12s %12s\n", "import CSV", last.load.Round(time.Millisecond), lastRaw.load.Round(time.Millisecond))
	for i, q := range Queries {
		fmt.Printf("%-46s %12s %12s %8d\n", q.Name, last.queries[i].Round(time.Microsecond), lastRaw.queries[i].Round(time.Microsecond), last.rows[i])
	}
	fmt.Printf("median total: huntkit %.2fs, raw DuckDB %.2fs, ratio %.2f× raw; vs MSTICPy %.1fs: %.1f× faster\n",
		h.Seconds(), r.Seconds(), h.Seconds()/r.Seconds(), *msticpy, *msticpy/h.Seconds())
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		fmt.Printf("peak RSS of the process: %d MB\n", ru.Maxrss/1024)
	}
}
