package cell

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{`ti lookup 1.2.3.4  evil.com`, []string{"ti", "lookup", "1.2.3.4", "evil.com"}, false},
		{`decode - --text "a b" 'c "d"'`, []string{"decode", "-", "--text", "a b", `c "d"`}, false},
		{`x "a \"q\" b" c\ d`, []string{"x", `a "q" b`, "c d"}, false},
		{`x ""`, []string{"x", ""}, false},
		{`x "open`, nil, true},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if (err != nil) != c.err || (!c.err && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("Split(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestKeepAs(t *testing.T) {
	cases := []struct{ in, line, name string }{
		{"%query A.b x=1 -> logons", "%query A.b x=1", "logons"},
		{"%%kql ->t2", "%%kql", "t2"},
		{"%tables", "%tables", ""},
	}
	for _, c := range cases {
		line, name, err := keepAs(c.in)
		if err != nil || line != c.line || name != c.name {
			t.Errorf("keepAs(%q) = %q %q %v", c.in, line, name, err)
		}
	}
	if _, _, err := keepAs("%query x -> 1bad"); err == nil {
		t.Error("a bad table name is accepted")
	}
}

func TestJoinLinesAndIsComplete(t *testing.T) {
	got := joinLines("%geoip \\\n  1.2.3.4\n# a comment\n\n%tables")
	if want := []string{"%geoip    1.2.3.4", "%tables"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("%q", got)
	}
	e := &Evaluator{}
	for code, want := range map[string]string{"T |": "incomplete", "T | take 1": "complete", "%geoip \\": "incomplete"} {
		if got := e.IsComplete(code); got != want {
			t.Errorf("IsComplete(%q) = %s", code, got)
		}
	}
}

// output records a cell's outputs.
type output struct {
	streams  strings.Builder
	displays []map[string]string
}

func (o *output) Stream(_, text string)          { o.streams.WriteString(text) }
func (o *output) Display(data map[string]string) { o.displays = append(o.displays, data) }
func newEval(t *testing.T, opt Options) *Evaluator {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte("QueryDefinitions: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	hk, err := huntkit.Open(context.Background(), huntkit.WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	return New(hk, opt)
}

// TestMagicsWithoutData covers what needs no demo tenant: unknown magics with a suggestion,
// %help, completion of magic names, and a large frame shown paged and kept whole.
func TestMagicsWithoutData(t *testing.T) {
	e := newEval(t, Options{PageRows: 10})
	ctx := context.Background()
	var o output
	if err := e.Execute(ctx, "%serch geo", &o); err == nil || !strings.Contains(err.Error(), "did you mean %search?") {
		t.Fatalf("unknown magic: %v", err)
	}
	if err := e.Execute(ctx, "%%sqll\nSELECT 1", &o); err == nil || !strings.Contains(err.Error(), "did you mean %%sql?") {
		t.Fatalf("unknown cell magic: %v", err)
	}
	if err := e.Execute(ctx, "%help", &o); err != nil || !strings.Contains(o.streams.String(), "%connect ENV") {
		t.Fatalf("%%help: %v %s", err, o.streams.String())
	}
	if err := e.Execute(ctx, "%geoip 1.2.3.4", &o); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Fatalf("a command without a runner: %v", err)
	}
	c := e.Complete(ctx, "%que", 4)
	if !reflect.DeepEqual(c.Matches, []string{"%queries", "%query"}) || c.Start != 0 || c.End != 4 {
		t.Fatalf("%+v", c)
	}
	n := 25
	xs := make([]int64, n)
	for i := range xs {
		xs[i] = int64(i)
	}
	o = output{}
	if err := e.show(ctx, frame.MustNew(frame.NewInts("x", xs)), "", &o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.streams.String(), "showing the first 10 of 25 rows; the whole result is table result1") {
		t.Fatalf("%s", o.streams.String())
	}
	f, err := e.hk.Table(ctx, "result1")
	if err != nil || f.Len() != 25 {
		t.Fatalf("kept: %v %v", f, err)
	}
	if d := o.displays[0]; !strings.Contains(d["text/html"], "<iframe") || !strings.Contains(d["text/plain"], "x") {
		t.Fatalf("bundle %v", d["text/plain"])
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{`a "b c" 'd'`, `x\ y`, `"unterminated`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err == nil && strings.TrimSpace(s) == "" && len(words) != 0 {
			t.Fatalf("blank input gave %q", words)
		}
	})
}
