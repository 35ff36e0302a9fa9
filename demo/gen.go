package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Dataset is a generated demo tenant: one Frame per table and the ground truth of the
// planted intrusion.
type Dataset struct {
	Options Options
	Tables  map[string]*frame.Frame
	Truth   *GroundTruth
	// Feed is a partner threat feed (CSV rows, header first) written as FeedFile, for
	// offline threat-intelligence lookups (huntkit's LocalFeed provider).
	Feed [][]string
}

// Rows returns the total number of rows over all tables.
func (d *Dataset) Rows() int {
	n := 0
	for _, f := range d.Tables {
		n += f.Len()
	}
	return n
}

// gen holds the generator state. All randomness comes from r, consumed in a fixed order,
// which makes the output a pure function of the options.
type gen struct {
	opt    Options
	r      *rand.Rand
	org    *org
	tables map[string]*table
	k      int // volume multiplier (1 small, larger for Size Large)
	start  time.Time
	end    time.Time
	truth  *GroundTruth
	stage  *Stage // when set, every emitted row is recorded as a planted event
	report int64
	sysp   map[string]*sysProcs
	hashes map[string][3]string // image path -> md5, sha1, sha256 (planted binaries)
}

// Generate builds the demo tenant for opt in memory.
func Generate(opt Options) (*Dataset, error) {
	return generate(context.Background(), opt, nil)
}

// partSink receives one chunk of a table (its rows of one simulated day, or the rows added
// at the end); streaming generation writes it out and forgets it.
type partSink func(table string, part int, f *frame.Frame) error

func generate(ctx context.Context, opt Options, sink partSink) (*Dataset, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	g := &gen{opt: opt, r: r, tables: map[string]*table{}, k: 1,
		start: opt.Start, end: opt.Start.AddDate(0, 0, opt.Days),
		sysp: map[string]*sysProcs{}, hashes: map[string][3]string{}}
	scale := 1
	if opt.Size == Large {
		g.k, scale = 26, 6
	}
	g.org = newOrg(r, scale)
	for _, name := range TableNames {
		g.tables[name] = newTable(name, g.org.TenantID, fields(name))
	}
	g.truth = newTruth(opt, g.start, g.end)
	counts := map[string]int{}
	parts := map[string]int{}
	emitPart := func(name string, part int, f *frame.Frame) error {
		counts[name] += f.Len()
		parts[name]++
		return sink(name, part, f)
	}
	plan := g.planAttack()
	for d := 0; d < opt.Days; d++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		day := g.start.AddDate(0, 0, d)
		g.simulateDay(day)
		plan.run(g, day)
		for _, name := range TableNames {
			t := g.tables[name]
			t.flush()
			if sink != nil && t.b[0].Len() > 0 {
				if err := emitPart(name, d, t.take()); err != nil {
					return nil, err
				}
			}
		}
	}
	g.intel(plan)
	g.alertsAndIncidents(plan)
	ds := &Dataset{Options: opt, Tables: map[string]*frame.Frame{}, Truth: g.truth, Feed: g.feed(plan)}
	for _, name := range TableNames {
		f := g.tables[name].frame()
		if sink == nil {
			ds.Tables[name] = f
			counts[name] = f.Len()
			continue
		}
		if f.Len() > 0 || parts[name] == 0 {
			if err := emitPart(name, opt.Days, f); err != nil {
				return nil, err
			}
		}
	}
	g.truth.RowCounts = counts
	return ds, nil
}

// emit adds one row to table name, recording it in the ground truth while a planted
// stage is active.
func (g *gen) emit(name string, ts time.Time, kv ...any) {
	g.tables[name].add(ts, kv...)
	if g.stage != nil {
		g.stage.record(name, ts, kv)
	}
}

// --- randomness helpers ---

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) intn(n int) int { return g.r.IntN(n) }

func (g *gen) between(a, b int) int { return a + g.r.IntN(b-a+1) }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// at returns day + hours (fractional), plus up to jitter seconds.
func (g *gen) at(day time.Time, hours float64) time.Time {
	return day.Add(time.Duration(hours * float64(time.Hour))).Add(time.Duration(g.r.IntN(60_000)) * time.Millisecond)
}

// workHour draws an hour of a working day (most activity 9-17 with a lunch dip).
func (g *gen) workHour() float64 {
	for {
		h := 8 + g.r.Float64()*10
		if h >= 12.2 && h < 13.2 && g.chance(0.5) {
			continue
		}
		return h
	}
}

func isWeekend(d time.Time) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func (g *gen) nextReport() int64 { g.report++; return g.report }

func (g *gen) pid(h *host) int64 {
	// Windows process ids are multiples of 4; spread them like a busy host.
	return int64(4 * (100 + g.r.IntN(4000)))
}

func hexID(v int64) string { return "0x" + strconv.FormatInt(v, 16) }

// publicIP reports whether ip is outside the private and loopback ranges.
func publicIP(ip string) bool {
	return !(strings.HasPrefix(ip, "10.") || strings.HasPrefix(ip, "192.168.") || strings.HasPrefix(ip, "127.") || strings.HasPrefix(ip, "172.16."))
}

// randomInternetIP draws an address for internet background noise (scanners).
func (g *gen) randomInternetIP() string {
	for {
		a := g.between(11, 223)
		if a == 127 || a == 172 || a == 192 || a == 100 || a == 169 {
			continue
		}
		return fmt.Sprintf("%d.%d.%d.%d", a, g.intn(256), g.intn(256), 1+g.intn(254))
	}
}
