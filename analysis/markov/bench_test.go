package markov

import (
	"context"
	"os"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

func BenchmarkTrainScore10k(b *testing.B) {
	path := os.Getenv("HUNTKIT_BENCH_SESSIONS")
	if path == "" {
		b.Skip("HUNTKIT_BENCH_SESSIONS not set (gen_data.py sessions --n 10000)")
	}
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	f, err := frame.ReadNDJSON(fh, path)
	fh.Close()
	if err != nil {
		b.Fatal(err)
	}
	ss, level, err := FromColumn(f.Col("cmds"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		m, err := Train(context.Background(), ss, level)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Score(context.Background(), ss, ScoreOptions{Window: 3}); err != nil {
			b.Fatal(err)
		}
	}
}
