package rows

import (
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
)

func decode(t *testing.T, c *Collector, flatten bool, lines ...string) {
	t.Helper()
	for _, l := range lines {
		dec := jsontext.NewDecoder(strings.NewReader(l), DecoderOptions...)
		if err := c.Object(dec, flatten); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		c.EndRow()
	}
}

func TestTypesNullsAndWidening(t *testing.T) {
	c := &Collector{}
	decode(t, c, true,
		`{"a":1,"b":"x","n":{"x":true,"y":{"z":1.5}},"m":[1,2]}`,
		`{"b":"y","a":2.5,"late":"here","n":{"x":false}}`,
		`{"a":null,"b":3}`,
	)
	f, err := c.Frame()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), ","); got != "a,b,n.x,n.y.z,m,late" {
		t.Fatalf("columns %s", got)
	}
	want := map[string]frame.Type{"a": frame.Float, "b": frame.Dynamic, "n.x": frame.Bool, "n.y.z": frame.Float, "m": frame.Dynamic, "late": frame.String}
	for n, ty := range want {
		if f.Col(n).Type() != ty {
			t.Errorf("%s: %v, want %v", n, f.Col(n).Type(), ty)
		}
	}
	if a := f.Col("a"); a.Float(0) != 1 || a.Float(1) != 2.5 || !a.IsNull(2) {
		t.Errorf("a = %v %v %v", a.Value(0), a.Value(1), a.Value(2))
	}
	if l := f.Col("late"); !l.IsNull(0) || l.Str(1) != "here" || !l.IsNull(2) {
		t.Errorf("late = %v", []any{l.Value(0), l.Value(1), l.Value(2)})
	}
	if b := f.Col("b"); b.Value(2) != int64(3) || b.Value(0) != "x" {
		t.Errorf("b = %v %v", b.Value(0), b.Value(2))
	}
}

func TestInferText(t *testing.T) {
	c := &Collector{InferText: true}
	decode(t, c, false,
		`{"i":"1","f":"1.5","b":"true","t":"2024-03-01T10:00:00.000+00:00","s":"007x","d":"2024-03-01","e":""}`,
		`{"i":"-2","f":"2","b":"false","t":"2024-03-01 10:00:01","s":"8","d":"2024-03-02","e":""}`,
	)
	f, _ := c.Frame()
	want := map[string]frame.Type{"i": frame.Int, "f": frame.Float, "b": frame.Bool, "t": frame.Time, "s": frame.String, "d": frame.String, "e": frame.String}
	for n, ty := range want {
		if f.Col(n).Type() != ty {
			t.Errorf("%s: %v, want %v", n, f.Col(n).Type(), ty)
		}
	}
	if !f.Col("t").Time(1).Equal(time.Date(2024, 3, 1, 10, 0, 1, 0, time.UTC)) {
		t.Errorf("t = %v", f.Col("t").Value(1))
	}
}

func TestUnfinishedRowDropped(t *testing.T) {
	c := &Collector{}
	decode(t, c, false, `{"a":"1","b":"2"}`)
	c.String("a", "half") // a row begun, never ended (the stream was cut)
	f, err := c.Frame()
	if err != nil || f.Len() != 1 || f.Col("a").Str(0) != "1" {
		t.Fatalf("%v %v", f, err)
	}
}

func TestDuplicateFieldKeepsFirst(t *testing.T) {
	c := &Collector{}
	decode(t, c, false, `{"a":"1","a":"2"}`)
	f, _ := c.Frame()
	if f.Len() != 1 || f.Col("a").Str(0) != "1" {
		t.Fatalf("a = %v", f.Col("a").Value(0))
	}
}

func TestEscapedNames(t *testing.T) {
	c := &Collector{}
	decode(t, c, false, `{"caf\u00e9":"x","q\"n":"y"}`, `{"caf\u00e9":"z","q\"n":"w"}`)
	f, _ := c.Frame()
	if f.Col("café").Str(1) != "z" || f.Col(`q"n`).Str(0) != "y" {
		t.Fatalf("%v", f.Names())
	}
}

func FuzzObject(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":{"b":[1,{"c":null}]},"d":"\u00e9"}`, `{"a":"1","a":2}`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := &Collector{InferText: true}
		dec := jsontext.NewDecoder(strings.NewReader(s), DecoderOptions...)
		for i := 0; i < 3; i++ {
			if c.Object(dec, i%2 == 0) != nil {
				break
			}
			c.EndRow()
		}
		fr, err := c.Frame()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		// rows with no field at all make no columns, and a Frame without columns has no rows
		if fr.NumCols() > 0 && fr.Len() != c.Len() {
			t.Fatalf("%q: %d rows, collector %d", s, fr.Len(), c.Len())
		}
	})
}
