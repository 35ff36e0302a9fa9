package frame

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNoColumn is returned (wrapped) when a named column does not exist.
var ErrNoColumn = errors.New("no such column")

// Frame is a table of named, typed, nullable columns of equal length.
// A Frame's methods return new Frames and leave the receiver unchanged, except AddColumn,
// Rename and SetPartial.
type Frame struct {
	cols    []*Column
	index   map[string]int
	n       int
	partial error
}

// New returns a Frame of the given columns, which must have equal lengths and unique names.
func New(cols ...*Column) (*Frame, error) {
	f := &Frame{index: make(map[string]int, len(cols))}
	for i, c := range cols {
		if c == nil {
			return nil, fmt.Errorf("frame: column %d is nil", i)
		}
		if i == 0 {
			f.n = c.n
		} else if c.n != f.n {
			return nil, fmt.Errorf("frame: column %q has %d rows, column %q has %d", c.name, c.n, cols[0].name, f.n)
		}
		if _, dup := f.index[c.name]; dup {
			return nil, fmt.Errorf("frame: duplicate column name %q", c.name)
		}
		f.index[c.name] = i
	}
	f.cols = cols
	return f, nil
}

// MustNew is New that panics on error; for fixed, known-good columns.
func MustNew(cols ...*Column) *Frame {
	f, err := New(cols...)
	if err != nil {
		panic(err)
	}
	return f
}

// Empty returns a Frame with the given columns and no rows.
func Empty(fields ...Field) *Frame {
	cols := make([]*Column, len(fields))
	for i, fl := range fields {
		cols[i] = NewBuilder(fl.Name, fl.Type, 0).Column()
	}
	return MustNew(cols...)
}

// FromRows builds a Frame from rows of Go values in the order of fields.
func FromRows(fields []Field, rows [][]any) (*Frame, error) {
	bs := make([]*Builder, len(fields))
	for i, fl := range fields {
		bs[i] = NewBuilder(fl.Name, fl.Type, len(rows))
	}
	for r, row := range rows {
		if len(row) != len(fields) {
			return nil, fmt.Errorf("frame: row %d has %d values, want %d", r, len(row), len(fields))
		}
		for i, v := range row {
			if err := bs[i].Append(v); err != nil {
				return nil, fmt.Errorf("frame: row %d: %w", r, err)
			}
		}
	}
	cols := make([]*Column, len(bs))
	for i, b := range bs {
		cols[i] = b.Column()
	}
	return New(cols...)
}

// FromRecords builds a Frame from maps, inferring each column's type from its values:
// a column of one Go kind gets that type (ints and floats mix as float); anything else is
// dynamic. Columns appear in order of first appearance (keys of one map in sorted order).
func FromRecords(recs []map[string]any) (*Frame, error) {
	var names []string
	seen := map[string]bool{}
	types := map[string]Type{}
	for _, r := range recs {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
			t := typeOfValue(r[k])
			if t == Invalid {
				continue
			}
			types[k] = mergeType(types[k], t)
		}
	}
	fields := make([]Field, len(names))
	for i, n := range names {
		t := types[n]
		if t == Invalid {
			t = String
		}
		fields[i] = Field{n, t}
	}
	rows := make([][]any, len(recs))
	for i, r := range recs {
		row := make([]any, len(names))
		for j, n := range names {
			row[j] = r[n]
		}
		rows[i] = row
	}
	return FromRows(fields, rows)
}

func typeOfValue(v any) Type {
	switch v.(type) {
	case nil:
		return Invalid
	case string:
		return String
	case bool:
		return Bool
	case time.Time:
		return Time
	case float32, float64:
		return Float
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return Int
	}
	return Dynamic
}

func mergeType(a, b Type) Type {
	switch {
	case a == Invalid:
		return b
	case a == b:
		return a
	case (a == Int && b == Float) || (a == Float && b == Int):
		return Float
	}
	return Dynamic
}

// Len returns the number of rows.
func (f *Frame) Len() int { return f.n }

// NumCols returns the number of columns.
func (f *Frame) NumCols() int { return len(f.cols) }

// Columns returns the columns in order (do not modify the slice).
func (f *Frame) Columns() []*Column { return f.cols }

// Names returns the column names in order.
func (f *Frame) Names() []string {
	out := make([]string, len(f.cols))
	for i, c := range f.cols {
		out[i] = c.name
	}
	return out
}

// Fields returns the column names and types in order.
func (f *Frame) Fields() []Field {
	out := make([]Field, len(f.cols))
	for i, c := range f.cols {
		out[i] = c.Field()
	}
	return out
}

// Col returns the named column, or nil when there is none.
func (f *Frame) Col(name string) *Column {
	if i, ok := f.index[name]; ok {
		return f.cols[i]
	}
	return nil
}

// ColFold returns the column whose name equals name ignoring case, preferring an exact match.
func (f *Frame) ColFold(name string) *Column {
	if c := f.Col(name); c != nil {
		return c
	}
	for _, c := range f.cols {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// Row returns row i as Go values in column order.
func (f *Frame) Row(i int) []any {
	out := make([]any, len(f.cols))
	for j, c := range f.cols {
		out[j] = c.Value(i)
	}
	return out
}

// Record returns row i as a map from column name to Go value (nulls as nil).
func (f *Frame) Record(i int) map[string]any {
	out := make(map[string]any, len(f.cols))
	for _, c := range f.cols {
		out[c.name] = c.Value(i)
	}
	return out
}

// Partial returns the error that cut this Frame short, or nil when it is complete.
// Drivers and transforms that keep the rows they got before a failure set it.
func (f *Frame) Partial() error { return f.partial }

// SetPartial flags the Frame as partial because of err (nil clears the flag). It returns f.
func (f *Frame) SetPartial(err error) *Frame { f.partial = err; return f }

func (f *Frame) withCols(cols []*Column, n int) *Frame {
	g := &Frame{cols: cols, index: make(map[string]int, len(cols)), n: n, partial: f.partial}
	for i, c := range cols {
		g.index[c.name] = i
	}
	return g
}

// Select returns a Frame of the named columns in the given order.
func (f *Frame) Select(names ...string) (*Frame, error) {
	cols := make([]*Column, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		c := f.Col(n)
		if c == nil {
			return nil, fmt.Errorf("select %q: %w (have %s)", n, ErrNoColumn, strings.Join(f.Names(), ", "))
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		cols = append(cols, c)
	}
	return f.withCols(cols, f.n), nil
}

// Drop returns a Frame without the named columns; unknown names are ignored.
func (f *Frame) Drop(names ...string) *Frame {
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	cols := make([]*Column, 0, len(f.cols))
	for _, c := range f.cols {
		if !drop[c.name] {
			cols = append(cols, c)
		}
	}
	return f.withCols(cols, f.n)
}

// Rename renames column old to new in place.
func (f *Frame) Rename(old, new string) error {
	i, ok := f.index[old]
	if !ok {
		return fmt.Errorf("rename %q: %w", old, ErrNoColumn)
	}
	if old == new {
		return nil
	}
	if _, dup := f.index[new]; dup {
		return fmt.Errorf("rename %q to %q: a column of that name exists", old, new)
	}
	f.cols[i] = f.cols[i].Rename(new)
	delete(f.index, old)
	f.index[new] = i
	return nil
}

// Filter returns the rows for which keep returns true.
func (f *Frame) Filter(keep func(i int) bool) *Frame {
	idx := make([]int, 0, f.n/4+1)
	for i := 0; i < f.n; i++ {
		if keep(i) {
			idx = append(idx, i)
		}
	}
	return f.Take(idx)
}

// Take returns the rows at the given indexes, in that order (indexes may repeat).
func (f *Frame) Take(idx []int) *Frame {
	cols := make([]*Column, len(f.cols))
	for i, c := range f.cols {
		cols[i] = c.take(idx)
	}
	return f.withCols(cols, len(idx))
}

// Slice returns rows [i, j) sharing the underlying data.
func (f *Frame) Slice(i, j int) *Frame {
	i = max(0, min(i, f.n))
	j = max(i, min(j, f.n))
	cols := make([]*Column, len(f.cols))
	for k, c := range f.cols {
		cols[k] = c.slice(i, j)
	}
	return f.withCols(cols, j-i)
}

// Head returns the first n rows (all rows when n is negative or larger than Len).
func (f *Frame) Head(n int) *Frame {
	if n < 0 || n >= f.n {
		return f
	}
	return f.Slice(0, n)
}

// SortKey names a sort column and its direction.
type SortKey struct {
	Name string
	Desc bool
}

// Sort returns the rows ordered by the keys (stable; nulls last in either direction).
// Unknown column names are ignored.
func (f *Frame) Sort(keys ...SortKey) *Frame {
	type key struct {
		c    *Column
		desc bool
	}
	var ks []key
	for _, k := range keys {
		if c := f.Col(k.Name); c != nil {
			ks = append(ks, key{c, k.Desc})
		}
	}
	idx := make([]int, f.n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		for _, k := range ks {
			na, nb := k.c.IsNull(a), k.c.IsNull(b)
			if na || nb {
				if na && nb {
					continue
				}
				if na {
					return 1
				}
				return -1
			}
			r := compareAt(k.c, a, b)
			if r != 0 {
				if k.desc {
					return -r
				}
				return r
			}
		}
		return 0
	})
	return f.Take(idx)
}

func compareAt(c *Column, a, b int) int {
	switch c.typ {
	case String:
		return strings.Compare(c.strs[a], c.strs[b])
	case Int:
		return cmp.Compare(c.ints[a], c.ints[b])
	case Float:
		return cmp.Compare(c.floats[a], c.floats[b])
	case Bool:
		switch {
		case c.bools[a] == c.bools[b]:
			return 0
		case c.bools[b]:
			return -1
		}
		return 1
	case Time:
		return c.times[a].Compare(c.times[b])
	}
	return strings.Compare(c.Text(a), c.Text(b))
}

// AddColumn appends c, or replaces the column of the same name. Its length must equal Len
// (any length is accepted for a Frame with no columns).
func (f *Frame) AddColumn(c *Column) error {
	if len(f.cols) > 0 && c.n != f.n {
		return fmt.Errorf("frame: column %q has %d rows, frame has %d", c.name, c.n, f.n)
	}
	if f.index == nil {
		f.index = map[string]int{}
	}
	if len(f.cols) == 0 {
		f.n = c.n
	}
	if i, ok := f.index[c.name]; ok {
		cols := slices.Clone(f.cols)
		cols[i] = c
		f.cols = cols
		return nil
	}
	f.index[c.name] = len(f.cols)
	f.cols = append(slices.Clip(f.cols), c)
	return nil
}

// Concat stacks frames: the result has the union of their columns by name (in order of first
// appearance); a column missing from a frame is null there. Columns whose types differ
// become int+float → float, else string.
func Concat(frames ...*Frame) (*Frame, error) {
	var fields []Field
	pos := map[string]int{}
	total := 0
	var partial error
	for _, f := range frames {
		if f == nil {
			continue
		}
		total += f.n
		if f.partial != nil && partial == nil {
			partial = f.partial
		}
		for _, c := range f.cols {
			if i, ok := pos[c.name]; ok {
				if fields[i].Type != c.typ {
					t := mergeType(fields[i].Type, c.typ)
					if t == Dynamic && fields[i].Type != Dynamic && c.typ != Dynamic {
						t = String
					}
					fields[i].Type = t
				}
				continue
			}
			pos[c.name] = len(fields)
			fields = append(fields, c.Field())
		}
	}
	cols := make([]*Column, len(fields))
	for i, fl := range fields {
		b := NewBuilder(fl.Name, fl.Type, total)
		for _, f := range frames {
			if f == nil {
				continue
			}
			c := f.Col(fl.Name)
			for r := 0; r < f.n; r++ {
				if c == nil || c.IsNull(r) {
					b.AppendNull()
					continue
				}
				appendConverted(b, c, r)
			}
		}
		cols[i] = b.Column()
	}
	out, err := New(cols...)
	if err != nil {
		return nil, err
	}
	out.n = total
	out.partial = partial
	return out, nil
}

// appendConverted appends row r of c to b, converting to b's type.
func appendConverted(b *Builder, c *Column, r int) {
	switch b.Type() {
	case c.typ:
		_ = b.Append(c.Value(r))
	case String:
		b.AppendString(c.Text(r))
	case Float:
		b.AppendFloat(c.Float(r))
	case Dynamic:
		b.AppendDynamic(normaliseJSON(c.Value(r)))
	default:
		if err := b.Append(c.Value(r)); err != nil {
			b.AppendNull()
		}
	}
}
