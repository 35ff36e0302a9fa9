package demo

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

func TestGUIDAndHexID(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for i := 0; i < 100; i++ {
		if g := guid(r); !re.MatchString(g) {
			t.Fatalf("guid %q is not a version 4 UUID", g)
		}
	}
	for v, want := range map[int64]string{0: "0x0", 0x3e7: "0x3e7", 0x1a2b3c: "0x1a2b3c"} {
		if got := hexID(v); got != want {
			t.Errorf("hexID(%d) = %s, want %s", v, got, want)
		}
	}
}
