package vis

import (
	"io"
	"testing"
)

// BenchmarkDataViewer200k measures writing the data viewer page of 200,000 rows × 5 columns.
func BenchmarkDataViewer200k(b *testing.B) {
	f := big(200_000)
	b.ReportAllocs()
	for b.Loop() {
		cw := &countWriter{}
		if err := DataViewer(cw, f); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/1e6, "MB/page")
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
