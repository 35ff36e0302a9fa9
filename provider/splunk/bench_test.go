package splunk

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// BenchmarkExport1M streams a 1,000,000-row export answer (8 fields a row, as a Windows
// logon search returns them) from a loopback server into a Frame. It reports rows/s and
// the process's peak RSS (VmHWM). Run:
//
//	go test -run '^$' -bench Export1M -benchtime 1x ./provider/splunk/
//
// rows/cpu-s divides by the process's CPU time, a figure that holds on a busy machine.
func BenchmarkExport1M(b *testing.B) {
	const n = 1_000_000
	// The answer is written to a file first and served from it, so the measured time is
	// the client's (the server only copies the file).
	path := filepath.Join(b.TempDir(), "export.json")
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	{
		bw := bufio.NewWriterSize(out, 1<<16)
		base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		var line []byte
		for i := 0; i < n; i++ {
			line = line[:0]
			line = append(line, `{"preview":false,"offset":`...)
			line = strconv.AppendInt(line, int64(i), 10)
			line = append(line, `,"result":{"_time":"`...)
			line = base.Add(time.Duration(i)*time.Second).AppendFormat(line, "2006-01-02T15:04:05.000-07:00")
			line = append(line, `","host":"ws`...)
			line = strconv.AppendInt(line, int64(i%500), 10)
			line = append(line, `","EventCode":"4625","user":"user`...)
			line = strconv.AppendInt(line, int64(i%2000), 10)
			line = append(line, `","src_ip":"10.0.`...)
			line = strconv.AppendInt(line, int64(i%250), 10)
			line = append(line, `.7","LogonType":"3","Status":"0xc000006d","index":"wineventlog"}}`+"\n"...)
			bw.Write(line)
		}
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		out.Close()
	}
	srv := httpServer(b, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })
	d, err := NewWith(Settings{BaseURL: srv.URL, Token: "tok123", Conn: remote.Conn{HTTP: srv.Client()}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		f, err := d.Query(context.Background(), query.Request{Text: "index=wineventlog EventCode=4625"})
		if err != nil || f.Len() != n || f.Partial() != nil {
			b.Fatalf("rows %v err %v", f, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(n*b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	b.ReportMetric(peakRSSMB(), "peakRSS_MB")
}

func httpServer(b *testing.B, h http.HandlerFunc) *httpTestServer {
	s := newHTTPTestServer(h)
	b.Cleanup(s.Close)
	return s
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSMB reads the process's peak resident set (VmHWM) from /proc, in MiB; 0 elsewhere.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

type httpTestServer = httptest.Server

func newHTTPTestServer(h http.Handler) *httptest.Server { return httptest.NewServer(h) }
