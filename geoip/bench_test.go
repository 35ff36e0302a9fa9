package geoip

import (
	"bufio"
	"context"
	"os"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// BenchmarkLookup looks up the addresses of $HUNTKIT_GEOIP_BENCH_IPS (one per line, e.g. from
// gen_data.py ips) or a small built-in list, in the GeoLite2 City and ASN test databases.
func BenchmarkLookup(b *testing.B) {
	db := testDB(b, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	ips := []string{"81.2.69.142", "89.160.20.112", "2001:218::1", "8.8.8.8", "10.0.0.1", "175.16.199.3"}
	if p := os.Getenv("HUNTKIT_GEOIP_BENCH_IPS"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		ips = ips[:0]
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ips = append(ips, sc.Text())
		}
		f.Close()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Lookup(ips[i%len(ips)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupParallel is BenchmarkLookup from GOMAXPROCS goroutines (-cpu 1,2).
func BenchmarkLookupParallel(b *testing.B) {
	db := testDB(b, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	ips := []string{"81.2.69.142", "89.160.20.112", "2001:218::1", "8.8.8.8", "10.0.0.1", "175.16.199.3"}
	if p := os.Getenv("HUNTKIT_GEOIP_BENCH_IPS"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		ips = ips[:0]
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ips = append(ips, sc.Text())
		}
		f.Close()
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			db.Lookup(ips[i%len(ips)])
			i++
		}
	})
}

// BenchmarkEnrichFrame enriches a frame of $HUNTKIT_GEOIP_BENCH_IPS (or a small list).
func BenchmarkEnrichFrame(b *testing.B) {
	db := testDB(b, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	ips := []string{"81.2.69.142", "89.160.20.112", "2001:218::1", "8.8.8.8", "10.0.0.1", "175.16.199.3"}
	if p := os.Getenv("HUNTKIT_GEOIP_BENCH_IPS"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		ips = ips[:0]
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ips = append(ips, sc.Text())
		}
		f.Close()
	}
	fr := frame.MustNew(frame.NewStrings("ip", ips))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.EnrichFrame(context.Background(), fr, "ip"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ips))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
