package demo

import (
	"testing"
)

// BenchmarkGenerateSmall measures generating the default demo tenant (14 days, small).
func BenchmarkGenerateSmall(b *testing.B) {
	for b.Loop() {
		ds, err := Generate(Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(ds.Rows()), "rows")
	}
}

// BenchmarkWriteSmall measures writing the small tenant as Parquet.
func BenchmarkWriteSmall(b *testing.B) {
	ds, err := Generate(Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		if err := Write(b.Context(), dir, ds); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildLarge measures streaming the large tenant (about five million events) to
// Parquet day parts.
func BenchmarkBuildLarge(b *testing.B) {
	for b.Loop() {
		truth, err := Build(b.Context(), b.TempDir(), Options{Seed: 1, Size: Large})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, c := range truth.RowCounts {
			n += c
		}
		b.ReportMetric(float64(n), "rows")
	}
}
