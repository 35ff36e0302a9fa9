package kql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// viewTower builds the query of issue 11 whose SQL doubles at each of n levels.
func viewTower(n int) string {
	var b strings.Builder
	b.WriteString("let f0 = view(){SecurityEvent};\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let f%d = view(){f%d | union f%d};\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "f%d\n", n)
	return b.String()
}

func extendChain(n int) string {
	var b strings.Builder
	b.WriteString("SecurityEvent")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\n| extend c%d = %d", i, i)
	}
	return b.String()
}

func TestCompileLimits(t *testing.T) {
	cat := SentinelCatalog()
	t.Run("exponential views are refused", func(t *testing.T) {
		_, err := Compile(viewTower(24), cat)
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "generated SQL exceeds 8 MiB") {
			t.Fatalf("err = %v, want the SQL size limit", err)
		}
	})
	t.Run("a raised limit lets a bigger query through", func(t *testing.T) {
		q := viewTower(6)
		if _, err := Compile(q, cat, WithMaxSQLSize(1<<10)); !errors.Is(err, ErrLimit) {
			t.Fatalf("1 KiB limit: err = %v, want ErrLimit", err)
		}
		if _, err := Compile(q, cat, WithMaxSQLSize(64<<20)); err != nil {
			t.Fatalf("64 MiB limit: %v", err)
		}
	})
	t.Run("exponential scalar lets are refused", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("let v0 = 1;\n")
		for i := 1; i <= 40; i++ {
			fmt.Fprintf(&b, "let v%d = v%d + v%d;\n", i, i-1, i-1)
		}
		b.WriteString("print v40")
		if _, err := Compile(b.String(), cat); !errors.Is(err, ErrLimit) {
			t.Fatalf("err = %v, want ErrLimit", err)
		}
	})
	t.Run("a long extend chain stays linear", func(t *testing.T) {
		sql, err := Compile(extendChain(2000), cat)
		if err != nil {
			t.Fatal(err)
		}
		// one level per extend, each a star plus the new column: well under a megabyte
		if len(sql) > 1<<20 {
			t.Fatalf("SQL of 2,000 extends is %d bytes", len(sql))
		}
	})
	t.Run("nesting limit", func(t *testing.T) {
		_, err := Compile(viewTower(3), cat, WithMaxNesting(4))
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "nest more than 4 levels") {
			t.Fatalf("err = %v, want the nesting limit", err)
		}
	})
	t.Run("a cancelled context stops compilation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Compile(extendChain(10), cat, WithContext(ctx))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// TestNoPanic covers inputs that crashed the parser (issue 11): each must be an *Error.
func TestNoPanic(t *testing.T) {
	for _, src := range []string{
		`print x = time(-)`,
		`print x = timespan(-)`,
		`print x = timespan( - )`,
		`print x = time(-1.)`,
	} {
		for _, run := range []func() error{
			func() error { _, err := Parse(src); return err },
			func() error { _, err := Compile(src, SentinelCatalog()); return err },
		} {
			err := run()
			var ke *Error
			if !errors.As(err, &ke) {
				t.Errorf("%s: err = %v (%T), want an *Error", src, err, err)
			}
		}
	}
	if _, err := CompileQuery(nil, nil); err == nil {
		t.Error("CompileQuery(nil) succeeded")
	}
}

func TestInternalErrorIsAnError(t *testing.T) {
	e := internalError("x", "compiler", "boom")
	if !errors.Is(e, ErrInternal) || !strings.Contains(e.Error(), "internal error in kql compiler: boom") {
		t.Fatalf("got %v", e)
	}
}
