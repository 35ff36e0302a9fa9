// Package frame holds Frame, huntkit's table of named, typed, nullable columns, and its
// readers and writers (terminal table, CSV, JSON, NDJSON, Parquet, HTML).
//
// Every query result and every transform in huntkit is a Frame, so the CLI, notebooks and Go
// programs compose the same pieces. Columns are backed by typed slices (no boxing on the hot
// path) with an optional validity slice for nulls. Times are stored in UTC; dynamic columns
// hold decoded JSON values.
package frame

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Type is the type of a column.
type Type uint8

// Column types.
const (
	Invalid Type = iota
	String
	Int
	Float
	Bool
	Time
	Dynamic
)

var typeNames = [...]string{"invalid", "string", "int", "float", "bool", "time", "dynamic"}

// String returns the type's name: string, int, float, bool, time or dynamic.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// ParseType reads a type name. It accepts huntkit's names and common aliases
// (str, long, int64, real, double, float64, boolean, datetime, timestamp, json).
func ParseType(s string) (Type, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "string", "str", "text", "varchar":
		return String, nil
	case "int", "long", "int64", "integer", "bigint":
		return Int, nil
	case "float", "real", "double", "float64", "decimal":
		return Float, nil
	case "bool", "boolean":
		return Bool, nil
	case "time", "datetime", "timestamp", "date":
		return Time, nil
	case "dynamic", "json", "any":
		return Dynamic, nil
	}
	return Invalid, fmt.Errorf("unknown column type %q (want string, int, float, bool, time or dynamic)", s)
}

// Field names a column and its type.
type Field struct {
	Name string
	Type Type
}

// Column is a named, typed, nullable column. Only the slice that matches its type is used.
type Column struct {
	name   string
	typ    Type
	n      int
	strs   []string
	ints   []int64
	floats []float64
	bools  []bool
	times  []time.Time
	dyn    []any
	valid  []bool // nil: every value is valid
}

// NewStrings returns a string column with no nulls.
func NewStrings(name string, vals []string) *Column {
	return &Column{name: name, typ: String, n: len(vals), strs: vals}
}

// NewInts returns an int column with no nulls.
func NewInts(name string, vals []int64) *Column {
	return &Column{name: name, typ: Int, n: len(vals), ints: vals}
}

// NewFloats returns a float column with no nulls. NaN values are kept as values.
func NewFloats(name string, vals []float64) *Column {
	return &Column{name: name, typ: Float, n: len(vals), floats: vals}
}

// NewBools returns a bool column with no nulls.
func NewBools(name string, vals []bool) *Column {
	return &Column{name: name, typ: Bool, n: len(vals), bools: vals}
}

// NewTimes returns a time column; the values are converted to UTC in place.
func NewTimes(name string, vals []time.Time) *Column {
	for i := range vals {
		vals[i] = vals[i].UTC()
	}
	return &Column{name: name, typ: Time, n: len(vals), times: vals}
}

// NewDynamics returns a dynamic (JSON) column; nil values are nulls.
func NewDynamics(name string, vals []any) *Column {
	c := &Column{name: name, typ: Dynamic, n: len(vals), dyn: vals}
	var valid []bool
	for i, v := range vals {
		if v == nil {
			if valid == nil {
				valid = make([]bool, len(vals))
				for j := range valid {
					valid[j] = true
				}
			}
			valid[i] = false
		}
	}
	c.valid = valid
	return c
}

// NewNulls returns a column of type t holding n nulls.
func NewNulls(name string, t Type, n int) *Column {
	b := NewBuilder(name, t, n)
	for i := 0; i < n; i++ {
		b.AppendNull()
	}
	return b.Column()
}

// WithValid marks nulls: valid[i] == false makes row i null. It returns c. A nil slice
// clears all nulls. The slice must have the column's length.
func (c *Column) WithValid(valid []bool) *Column {
	if valid != nil && len(valid) != c.n {
		panic(fmt.Sprintf("frame: validity of length %d for column %q of length %d", len(valid), c.name, c.n))
	}
	c.valid = valid
	return c
}

// Name returns the column's name.
func (c *Column) Name() string { return c.name }

// Type returns the column's type.
func (c *Column) Type() Type { return c.typ }

// Len returns the number of rows.
func (c *Column) Len() int { return c.n }

// Field returns the column's name and type.
func (c *Column) Field() Field { return Field{c.name, c.typ} }

// IsNull reports whether row i is null.
func (c *Column) IsNull(i int) bool {
	if c.valid != nil && !c.valid[i] {
		return true
	}
	return c.typ == Dynamic && c.dyn[i] == nil
}

// NullCount returns the number of nulls.
func (c *Column) NullCount() int {
	n := 0
	for i := 0; i < c.n; i++ {
		if c.IsNull(i) {
			n++
		}
	}
	return n
}

// Value returns row i as a Go value: nil for null, else string, int64, float64, bool,
// time.Time or the decoded JSON value of a dynamic column.
func (c *Column) Value(i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.typ {
	case String:
		return c.strs[i]
	case Int:
		return c.ints[i]
	case Float:
		return c.floats[i]
	case Bool:
		return c.bools[i]
	case Time:
		return c.times[i]
	case Dynamic:
		return c.dyn[i]
	}
	return nil
}

// Str returns the string value of row i for a string column, and the display text (Text)
// for other types. Null gives "".
func (c *Column) Str(i int) string {
	if c.typ == String {
		if c.valid != nil && !c.valid[i] {
			return ""
		}
		return c.strs[i]
	}
	return c.Text(i)
}

// Int returns row i as an int64; floats are truncated, other types and nulls give 0.
func (c *Column) Int(i int) int64 {
	if c.IsNull(i) {
		return 0
	}
	switch c.typ {
	case Int:
		return c.ints[i]
	case Float:
		return int64(c.floats[i])
	case Bool:
		if c.bools[i] {
			return 1
		}
	}
	return 0
}

// Float returns row i as a float64; ints are converted, other types and nulls give 0.
func (c *Column) Float(i int) float64 {
	if c.IsNull(i) {
		return 0
	}
	switch c.typ {
	case Float:
		return c.floats[i]
	case Int:
		return float64(c.ints[i])
	}
	return 0
}

// Bool returns row i of a bool column; other types and nulls give false.
func (c *Column) Bool(i int) bool {
	if c.typ != Bool || c.IsNull(i) {
		return false
	}
	return c.bools[i]
}

// Time returns row i of a time column; other types and nulls give the zero time.
func (c *Column) Time(i int) time.Time {
	if c.typ != Time || c.IsNull(i) {
		return time.Time{}
	}
	return c.times[i]
}

// Text returns the display text of row i: times as RFC 3339 in UTC, dynamic values as
// compact JSON, floats in their shortest form, null as "".
func (c *Column) Text(i int) string {
	if c.IsNull(i) {
		return ""
	}
	switch c.typ {
	case String:
		return c.strs[i]
	case Int:
		return strconv.FormatInt(c.ints[i], 10)
	case Float:
		return formatFloat(c.floats[i])
	case Bool:
		return strconv.FormatBool(c.bools[i])
	case Time:
		return c.times[i].Format(time.RFC3339Nano)
	case Dynamic:
		if s, ok := c.dyn[i].(string); ok {
			return s
		}
		b, err := json.Marshal(c.dyn[i])
		if err != nil {
			return fmt.Sprint(c.dyn[i])
		}
		return string(b)
	}
	return ""
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Strings returns the underlying slice of a string column (do not modify it), nil otherwise.
func (c *Column) Strings() []string {
	if c.typ != String {
		return nil
	}
	return c.strs
}

// Ints returns the underlying slice of an int column (do not modify it), nil otherwise.
func (c *Column) Ints() []int64 {
	if c.typ != Int {
		return nil
	}
	return c.ints
}

// Floats returns the underlying slice of a float column (do not modify it), nil otherwise.
func (c *Column) Floats() []float64 {
	if c.typ != Float {
		return nil
	}
	return c.floats
}

// Times returns the underlying slice of a time column (do not modify it), nil otherwise.
func (c *Column) Times() []time.Time {
	if c.typ != Time {
		return nil
	}
	return c.times
}

// Rename returns a copy of the column under another name, sharing its data.
func (c *Column) Rename(name string) *Column {
	cp := *c
	cp.name = name
	return &cp
}

// take gathers rows by index into a new column.
func (c *Column) take(idx []int) *Column {
	out := &Column{name: c.name, typ: c.typ, n: len(idx)}
	switch c.typ {
	case String:
		out.strs = make([]string, len(idx))
		for j, i := range idx {
			out.strs[j] = c.strs[i]
		}
	case Int:
		out.ints = make([]int64, len(idx))
		for j, i := range idx {
			out.ints[j] = c.ints[i]
		}
	case Float:
		out.floats = make([]float64, len(idx))
		for j, i := range idx {
			out.floats[j] = c.floats[i]
		}
	case Bool:
		out.bools = make([]bool, len(idx))
		for j, i := range idx {
			out.bools[j] = c.bools[i]
		}
	case Time:
		out.times = make([]time.Time, len(idx))
		for j, i := range idx {
			out.times[j] = c.times[i]
		}
	case Dynamic:
		out.dyn = make([]any, len(idx))
		for j, i := range idx {
			out.dyn[j] = c.dyn[i]
		}
	}
	if c.valid != nil {
		out.valid = make([]bool, len(idx))
		for j, i := range idx {
			out.valid[j] = c.valid[i]
		}
	}
	return out
}

// slice returns rows [i, j) sharing the underlying data.
func (c *Column) slice(i, j int) *Column {
	out := &Column{name: c.name, typ: c.typ, n: j - i}
	switch c.typ {
	case String:
		out.strs = c.strs[i:j]
	case Int:
		out.ints = c.ints[i:j]
	case Float:
		out.floats = c.floats[i:j]
	case Bool:
		out.bools = c.bools[i:j]
	case Time:
		out.times = c.times[i:j]
	case Dynamic:
		out.dyn = c.dyn[i:j]
	}
	if c.valid != nil {
		out.valid = c.valid[i:j]
	}
	return out
}
