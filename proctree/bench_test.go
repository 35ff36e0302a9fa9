package proctree

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
)

var (
	benchOnce  sync.Once
	benchFrame *frame.Frame
)

// benchData loads $HUNTKIT_BENCH_PROC (a gen_data.py proc file) when set, else generates
// 200k synthetic 4688 events over 20 hosts with pid reuse.
func benchData(b *testing.B) *frame.Frame {
	benchOnce.Do(func() {
		if p := os.Getenv("HUNTKIT_BENCH_PROC"); p != "" {
			f, err := frame.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			benchFrame = f
			return
		}
		benchFrame = synth4688(200_000, 20)
	})
	return benchFrame
}

func synth4688(n, hosts int) *frame.Frame {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{`C:\Windows\System32\cmd.exe`, `C:\Windows\System32\conhost.exe`, `C:\Windows\System32\whoami.exe`,
		`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `C:\Windows\System32\net.exe`}
	ts := make([]time.Time, n)
	host, pid, ppid, name, pname, ev := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
	type proc struct{ pid, name string }
	live := make([][]proc, hosts)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		h := i % hosts
		ts[i] = t0.Add(time.Duration(i) * time.Millisecond)
		host[i] = fmt.Sprintf("WKS-%04d", h)
		pid[i] = fmt.Sprintf("0x%x", 0x400+4*r.IntN(16000))
		name[i] = names[r.IntN(len(names))]
		ev[i] = 4688
		if l := live[h]; len(l) > 0 && r.IntN(10) > 0 {
			p := l[r.IntN(len(l))]
			ppid[i], pname[i] = p.pid, p.name
		} else {
			ppid[i], pname[i] = "0x1f4", `C:\Windows\explorer.exe`
		}
		live[h] = append(live[h], proc{pid[i], name[i]})
		if len(live[h]) > 50 {
			live[h] = live[h][1:]
		}
	}
	return frame.MustNew(frame.NewTimes("TimeGenerated", ts), frame.NewStrings("Computer", host), frame.NewInts("EventID", ev),
		frame.NewStrings("NewProcessId", pid), frame.NewStrings("NewProcessName", name),
		frame.NewStrings("ProcessId", ppid), frame.NewStrings("ParentProcessName", pname))
}

func BenchmarkBuild(b *testing.B) {
	f := benchData(b)
	for _, m := range []struct {
		name string
		opts []Option
	}{{"host-aware", nil}, {"msticpy", []Option{MSTICPyCompat()}}} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(context.Background(), f, m.opts...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.Len())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func BenchmarkFrame(b *testing.B) {
	tr, err := Build(context.Background(), benchData(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = tr.Frame()
	}
}
