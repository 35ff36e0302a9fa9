package elastic

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// BenchmarkSearch1M pages a 1,000,000-hit search (ECS documents with nested objects,
// 10,000 hits a page, point in time + search_after) from a loopback server into a Frame.
// The page is rendered once and sent 100 times, so the time measured is the client's.
// It reports rows/s, rows per CPU-second (steady on a busy machine) and peak RSS. Run:
//
//	go test -run '^$' -bench Search1M -benchtime 1x ./provider/elastic/
func BenchmarkSearch1M(b *testing.B) {
	const pageSize, pages = 10000, 100
	var sb strings.Builder
	sb.WriteString(`{"pit_id":"46ToAwMDaWR5BXV1aWQy","took":12,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":10000,"relation":"gte"},"max_score":null,"hits":[`)
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < pageSize; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"_index":"logs-2024.03.01","_id":"id%d","_score":null,"_source":{"@timestamp":"%s","event":{"code":"4625","outcome":"failure"},"host":{"name":"ws%d"},"user":{"name":"user%d"},"source":{"ip":"10.0.%d.7","port":%d}},"sort":[%d]}`,
			i, base.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i%500, i%2000, i%250, 1024+i%60000, i)
	}
	sb.WriteString(`]}}`)
	page := []byte(sb.String())
	empty := []byte(`{"pit_id":"46ToAwMDaWR5BXV1aWQy","timed_out":false,"hits":{"hits":[]}}`)
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/_pit") && r.Method == http.MethodPost:
			w.Write([]byte(`{"id":"46ToAwMDaWR5BXV1aWQy"}`))
		case r.URL.Path == "/_search":
			if served.Add(1)%(pages+1) == 0 {
				w.Write(empty)
				return
			}
			w.Write(page)
		default:
			w.Write([]byte(`{"succeeded":true,"num_freed":1}`))
		}
	}))
	defer srv.Close()
	d, err := NewWith(Settings{URLs: []string{srv.URL}, APIKey: "a2V5OnNlY3JldA==", PageSize: pageSize,
		Conn: remote.Conn{HTTP: srv.Client()}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		served.Store(0)
		f, err := d.Query(context.Background(), query.Request{Text: "event.code:4625"})
		if err != nil || f.Len() != pageSize*pages || f.Partial() != nil {
			b.Fatalf("rows %v err %v", f, err)
		}
	}
	n := float64(pageSize * pages * b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(n/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	b.ReportMetric(peakRSSMB(), "peakRSS_MB")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
			return kb / 1024
		}
	}
	return 0
}
