// Package rows collects records streamed from a remote data environment into a frame.Frame
// without holding the records themselves: each value is appended to a per-column typed
// store as it arrives, columns may appear at any row (earlier rows are null), and text
// columns are given the narrowest type every value parses as when the Frame is made.
package rows

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// kind is what a column has held so far.
type kind uint8

const (
	kNone   kind = iota // only nulls
	kString             // text (type inferred at the end)
	kInt
	kFloat
	kBool
	kTime
	kDynamic // mixed, arrays or objects
)

type column struct {
	name  string
	kind  kind
	n     int // rows, nulls included
	valid []bool
	strs  []string
	ints  []int64
	flts  []float64
	bools []bool
	times []time.Time
	dyn   []any
}

// Collector gathers rows. The zero value is ready to use; it is not safe for concurrent use.
type Collector struct {
	cols  []*column
	idx   map[string]int
	n     int // rows finished
	slots []slot
	key   []byte
	// InferText turns text columns whose values all parse as numbers, booleans or times
	// into typed columns (Splunk returns every field as text). Off by default.
	InferText bool
}

// Len returns the number of finished rows.
func (c *Collector) Len() int { return c.n }

func (c *Collector) col(name string) *column {
	if c.idx == nil {
		c.idx = map[string]int{}
	}
	if i, ok := c.idx[name]; ok {
		return c.cols[i]
	}
	col := &column{name: name}
	c.idx[name] = len(c.cols)
	c.cols = append(c.cols, col)
	return col
}

// pad brings the column to row r with nulls.
func (col *column) pad(r int) {
	for col.n < r {
		col.appendNull()
	}
}

func (col *column) appendNull() {
	if col.valid == nil {
		col.valid = make([]bool, col.n, col.n+1024)
		for i := range col.valid {
			col.valid[i] = true
		}
	}
	col.valid = push(col.valid, false)
	switch col.kind {
	case kString:
		col.strs = push(col.strs, "")
	case kInt:
		col.ints = push(col.ints, 0)
	case kFloat:
		col.flts = push(col.flts, 0)
	case kBool:
		col.bools = push(col.bools, false)
	case kTime:
		col.times = push(col.times, time.Time{})
	case kDynamic:
		col.dyn = push[any](col.dyn, nil)
	}
	col.n++
}

func (col *column) markValid() {
	if col.valid != nil {
		col.valid = push(col.valid, true)
	}
	col.n++
}

// become switches an all-null column to kind k, filling the null slots.
func (col *column) become(k kind) {
	col.kind = k
	n := col.n
	switch k {
	case kString:
		col.strs = make([]string, n, n+1024)
	case kInt:
		col.ints = make([]int64, n, n+1024)
	case kFloat:
		col.flts = make([]float64, n, n+1024)
	case kBool:
		col.bools = make([]bool, n, n+1024)
	case kTime:
		col.times = make([]time.Time, n, n+1024)
	case kDynamic:
		col.dyn = make([]any, n, n+1024)
	}
}

// widen moves the column to kind k (int→float, anything else→dynamic).
func (col *column) widen(k kind) {
	if k == kFloat && col.kind == kInt {
		col.flts = make([]float64, len(col.ints), cap(col.ints))
		for i, v := range col.ints {
			col.flts[i] = float64(v)
		}
		col.ints, col.kind = nil, kFloat
		return
	}
	dyn := make([]any, col.n, col.n+1024)
	for i := 0; i < col.n; i++ {
		if col.valid != nil && !col.valid[i] {
			continue
		}
		dyn[i] = col.value(i)
	}
	col.strs, col.ints, col.flts, col.bools, col.times = nil, nil, nil, nil, nil
	col.dyn, col.kind = dyn, kDynamic
}

func (col *column) value(i int) any {
	switch col.kind {
	case kString:
		return col.strs[i]
	case kInt:
		return col.ints[i]
	case kFloat:
		return col.flts[i]
	case kBool:
		return col.bools[i]
	case kTime:
		return col.times[i].Format(time.RFC3339Nano)
	case kDynamic:
		return col.dyn[i]
	}
	return nil
}

// prepare readies the column of name for a value of kind k in the current row and returns
// the kind to store it as.
func (c *Collector) prepare(col *column, k kind) (*column, kind) {
	if col.n > c.n {
		// the same field twice in a row: keep the first
		return nil, kNone
	}
	col.pad(c.n)
	switch {
	case col.kind == kNone:
		col.become(k)
	case col.kind == k, col.kind == kDynamic:
	case col.kind == kFloat && k == kInt:
		return col, kFloat
	case col.kind == kInt && k == kFloat:
		col.widen(kFloat)
	default:
		col.widen(kDynamic)
	}
	return col, col.kind
}

// String sets a text field of the current row.
func (c *Collector) String(name string, v string) { c.setString(c.col(name), v) }

func (c *Collector) setString(col *column, v string) {
	var k kind
	col, k = c.prepare(col, kString)
	switch k {
	case kString:
		col.strs = push(col.strs, v)
	case kDynamic:
		col.dyn = push[any](col.dyn, v)
	default:
		return
	}
	col.markValid()
}

// Int sets an integer field of the current row.
func (c *Collector) Int(name string, v int64) { c.setInt(c.col(name), v) }

func (c *Collector) setInt(col *column, v int64) {
	var k kind
	col, k = c.prepare(col, kInt)
	switch k {
	case kInt:
		col.ints = push(col.ints, v)
	case kFloat:
		col.flts = push(col.flts, float64(v))
	case kDynamic:
		col.dyn = push[any](col.dyn, v)
	default:
		return
	}
	col.markValid()
}

// Float sets a floating-point field of the current row.
func (c *Collector) Float(name string, v float64) { c.setFloat(c.col(name), v) }

func (c *Collector) setFloat(col *column, v float64) {
	var k kind
	col, k = c.prepare(col, kFloat)
	switch k {
	case kFloat:
		col.flts = push(col.flts, v)
	case kDynamic:
		col.dyn = push[any](col.dyn, v)
	default:
		return
	}
	col.markValid()
}

// Bool sets a boolean field of the current row.
func (c *Collector) Bool(name string, v bool) { c.setBool(c.col(name), v) }

func (c *Collector) setBool(col *column, v bool) {
	var k kind
	col, k = c.prepare(col, kBool)
	switch k {
	case kBool:
		col.bools = push(col.bools, v)
	case kDynamic:
		col.dyn = push[any](col.dyn, v)
	default:
		return
	}
	col.markValid()
}

// Time sets a time field of the current row.
func (c *Collector) Time(name string, v time.Time) { c.setTime(c.col(name), v) }

func (c *Collector) setTime(col *column, v time.Time) {
	var k kind
	col, k = c.prepare(col, kTime)
	switch k {
	case kTime:
		col.times = push(col.times, v.UTC())
	case kDynamic:
		col.dyn = push[any](col.dyn, v.UTC().Format(time.RFC3339Nano))
	default:
		return
	}
	col.markValid()
}

// Dynamic sets a field holding an array or object (or a value of mixed type).
func (c *Collector) Dynamic(name string, v any) { c.setDynamic(c.col(name), v) }

func (c *Collector) setDynamic(col *column, v any) {
	col, _ = c.prepare(col, kDynamic)
	if col == nil {
		return
	}
	if col.kind != kDynamic {
		col.widen(kDynamic)
	}
	col.dyn = push[any](col.dyn, v)
	col.markValid()
}

// Null declares a field of the current row that has no value (so the column exists even
// when every value is null).
func (c *Collector) Null(name string) { c.col(name) }

// Value sets a field from a decoded JSON value: json.Number, float64, string, bool, nil,
// []any or map[string]any.
func (c *Collector) Value(name string, v any) {
	switch x := v.(type) {
	case nil:
		c.Null(name)
	case string:
		c.String(name, x)
	case bool:
		c.Bool(name, x)
	case []any, map[string]any:
		c.Dynamic(name, numbers(x))
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			c.Int(name, i)
		} else if f, err := x.Float64(); err == nil {
			c.Float(name, f)
		} else {
			c.String(name, string(x))
		}
	case float64:
		c.Float(name, x)
	case int64:
		c.Int(name, x)
	case int:
		c.Int(name, int64(x))
	case time.Time:
		c.Time(name, x)
	default:
		c.Dynamic(name, x)
	}
}

// EndRow finishes the current row; fields not set are null.
func (c *Collector) EndRow() { c.n++ }

// Frame returns the finished rows as a Frame (a row begun but not ended, as when a stream
// is cut inside a record, is dropped). The collector must not be used afterwards.
func (c *Collector) Frame() (*frame.Frame, error) {
	out := make([]*frame.Column, 0, len(c.cols))
	for _, col := range c.cols {
		col.truncate(c.n)
		col.pad(c.n)
		out = append(out, col.build(c.InferText))
	}
	f, err := frame.New(out...)
	if err != nil {
		return nil, fmt.Errorf("rows: %w", err)
	}
	return f, nil
}

// truncate drops rows from n on.
func (col *column) truncate(n int) {
	if col.n <= n {
		return
	}
	col.n = n
	if col.valid != nil {
		col.valid = col.valid[:n]
	}
	switch col.kind {
	case kString:
		col.strs = col.strs[:n]
	case kInt:
		col.ints = col.ints[:n]
	case kFloat:
		col.flts = col.flts[:n]
	case kBool:
		col.bools = col.bools[:n]
	case kTime:
		col.times = col.times[:n]
	case kDynamic:
		col.dyn = col.dyn[:n]
	}
}

func (col *column) build(infer bool) *frame.Column {
	switch col.kind {
	case kNone:
		return frame.NewNulls(col.name, frame.String, col.n)
	case kString:
		if infer {
			return inferText(col.name, col.strs, col.valid)
		}
		return frame.NewStrings(col.name, col.strs).WithValid(col.valid)
	case kInt:
		return frame.NewInts(col.name, col.ints).WithValid(col.valid)
	case kFloat:
		return frame.NewFloats(col.name, col.flts).WithValid(col.valid)
	case kBool:
		return frame.NewBools(col.name, col.bools).WithValid(col.valid)
	case kTime:
		return frame.NewTimes(col.name, col.times).WithValid(col.valid)
	}
	return frame.NewDynamics(col.name, col.dyn) // nil values are the nulls
}

// push appends v, doubling the capacity when full: a million-row column is copied about
// once instead of the many times append's gentler growth copies large slices.
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		grown := make([]T, len(s), 2*cap(s)+1024)
		copy(grown, s)
		s = grown
	}
	return append(s, v)
}
