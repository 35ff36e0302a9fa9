package guard

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestRunRecoversPanics(t *testing.T) {
	var nilMap map[string]int
	idx := -1
	cases := []struct {
		name string
		fn   func() error
		want string
	}{
		{"ok", func() error { return nil }, ""},
		{"error", func() error { return io.EOF }, "EOF"},
		{"string", func() error { panic("boom\nsecond line") }, "internal error in huntkit x: boom (at guard.TestRunRecoversPanics"},
		{"index", func() error { _ = []int{1}[idx]; return nil }, "internal error in huntkit x: runtime error: index out of range [-1]"},
		{"nil map", func() error { nilMap["a"] = 1; return nil }, "internal error in huntkit x: assignment to entry in nil map"},
		{"error value", func() error { panic(io.ErrUnexpectedEOF) }, "internal error in huntkit x: unexpected EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Run("huntkit x", c.fn)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
			if strings.ContainsAny(err.Error(), "\n") {
				t.Errorf("message has several lines: %q", err)
			}
			if c.name != "error" && !errors.Is(err, ErrInternal) {
				t.Errorf("errors.Is(err, ErrInternal) = false")
			}
		})
	}
	if err := Run("x", func() error { panic(io.ErrUnexpectedEOF) }); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a panicked error is not reachable: %v", err)
	}
}
