package frame

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Builder builds a column row by row.
type Builder struct {
	c     Column
	nulls int
}

// NewBuilder returns a builder for a column of type t with room for capacity rows.
func NewBuilder(name string, t Type, capacity int) *Builder {
	b := &Builder{c: Column{name: name, typ: t}}
	switch t {
	case String:
		b.c.strs = make([]string, 0, capacity)
	case Int:
		b.c.ints = make([]int64, 0, capacity)
	case Float:
		b.c.floats = make([]float64, 0, capacity)
	case Bool:
		b.c.bools = make([]bool, 0, capacity)
	case Time:
		b.c.times = make([]time.Time, 0, capacity)
	case Dynamic:
		b.c.dyn = make([]any, 0, capacity)
	default:
		panic(fmt.Sprintf("frame: builder for column %q of invalid type", name))
	}
	return b
}

// Len returns the number of rows appended so far.
func (b *Builder) Len() int { return b.c.n }

// Type returns the type of the column being built.
func (b *Builder) Type() Type { return b.c.typ }

func (b *Builder) markValid() {
	if b.c.valid != nil {
		b.c.valid = append(b.c.valid, true)
	}
	b.c.n++
}

// AppendNull appends a null.
func (b *Builder) AppendNull() {
	if b.c.valid == nil {
		b.c.valid = make([]bool, b.c.n, cap(b.c.strs)+cap(b.c.ints)+cap(b.c.floats)+cap(b.c.bools)+cap(b.c.times)+cap(b.c.dyn)+1)
		for i := range b.c.valid {
			b.c.valid[i] = true
		}
	}
	b.c.valid = append(b.c.valid, false)
	b.c.n++
	b.nulls++
	switch b.c.typ {
	case String:
		b.c.strs = append(b.c.strs, "")
	case Int:
		b.c.ints = append(b.c.ints, 0)
	case Float:
		b.c.floats = append(b.c.floats, 0)
	case Bool:
		b.c.bools = append(b.c.bools, false)
	case Time:
		b.c.times = append(b.c.times, time.Time{})
	case Dynamic:
		b.c.dyn = append(b.c.dyn, nil)
	}
}

// AppendString appends to a string column.
func (b *Builder) AppendString(s string) { b.c.strs = append(b.c.strs, s); b.markValid() }

// AppendInt appends to an int column.
func (b *Builder) AppendInt(v int64) { b.c.ints = append(b.c.ints, v); b.markValid() }

// AppendFloat appends to a float column.
func (b *Builder) AppendFloat(v float64) { b.c.floats = append(b.c.floats, v); b.markValid() }

// AppendBool appends to a bool column.
func (b *Builder) AppendBool(v bool) { b.c.bools = append(b.c.bools, v); b.markValid() }

// AppendTime appends to a time column (converted to UTC).
func (b *Builder) AppendTime(t time.Time) { b.c.times = append(b.c.times, t.UTC()); b.markValid() }

// AppendDynamic appends a JSON value to a dynamic column; nil is a null.
func (b *Builder) AppendDynamic(v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.c.dyn = append(b.c.dyn, v)
	b.markValid()
}

// Append appends a Go value, converting compatible kinds: integer kinds, float kinds,
// strings, bools, time.Time, json.Number, and any value for dynamic columns. nil is a null.
// A value that does not fit the column's type is an error and nothing is appended.
func (b *Builder) Append(v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b.c.typ {
	case String:
		switch x := v.(type) {
		case string:
			b.AppendString(x)
		case []byte:
			b.AppendString(string(x))
		case fmt.Stringer:
			b.AppendString(x.String())
		default:
			return b.mismatch(v)
		}
	case Int:
		n, ok := toInt(v)
		if !ok {
			return b.mismatch(v)
		}
		b.AppendInt(n)
	case Float:
		f, ok := toFloat(v)
		if !ok {
			return b.mismatch(v)
		}
		b.AppendFloat(f)
	case Bool:
		x, ok := v.(bool)
		if !ok {
			return b.mismatch(v)
		}
		b.AppendBool(x)
	case Time:
		switch x := v.(type) {
		case time.Time:
			b.AppendTime(x)
		case *time.Time:
			if x == nil {
				b.AppendNull()
			} else {
				b.AppendTime(*x)
			}
		default:
			return b.mismatch(v)
		}
	case Dynamic:
		b.AppendDynamic(normaliseJSON(v))
	}
	return nil
}

func (b *Builder) mismatch(v any) error {
	return fmt.Errorf("column %q: cannot store %T value %v as %s", b.c.name, v, v, b.c.typ)
}

// Column returns the built column. The builder must not be used afterwards.
func (b *Builder) Column() *Column {
	c := b.c
	if b.nulls == 0 {
		c.valid = nil
	}
	return &c
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), true
		}
	case float32:
		if float64(x) == math.Trunc(float64(x)) {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if n, ok := toInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

// normaliseJSON turns Go values into the JSON value space (nil, bool, float64/int64, string,
// []any, map[string]any) so dynamic columns render and compare consistently.
func normaliseJSON(v any) any {
	switch x := v.(type) {
	case nil, bool, string, float64, int64, []any, map[string]any:
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case json.RawMessage:
		var out any
		if json.Unmarshal(x, &out) == nil {
			return out
		}
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out
	}
	if n, ok := toInt(v); ok {
		return n
	}
	if f, ok := toFloat(v); ok {
		return f
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normaliseJSON(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			out := make(map[string]any, rv.Len())
			it := rv.MapRange()
			for it.Next() {
				out[it.Key().String()] = normaliseJSON(it.Value().Interface())
			}
			return out
		}
	}
	// Last resort: round-trip through encoding/json.
	if bs, err := json.Marshal(v); err == nil {
		var out any
		if json.Unmarshal(bs, &out) == nil {
			return out
		}
	}
	return strconv.Quote(fmt.Sprint(v))
}
