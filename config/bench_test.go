package config

import (
	"io"
	"os"
	"testing"
)

// BenchmarkLoadValidateShow measures the whole path of "huntkit config validate" and
// "config show" on the complete fixture.
func BenchmarkLoadValidateShow(b *testing.B) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := Parse(fixture, data)
		if err != nil {
			b.Fatal(err)
		}
		c.Validate()
		if err := c.WriteMasked(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
