package demo

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// table accumulates the rows of one output table. Rows are buffered for one simulated
// day, sorted by time (stable, so generation order breaks ties) and then appended to
// the column builders; this keeps every table in time order without holding all rows.
type table struct {
	name    string
	fields  []frame.Field
	idx     map[string]int
	buf     []pendingRow
	b       []*frame.Builder
	tenant  string
	stamped []int // indexes of TimeGenerated / Timestamp columns
	typeCol int
	tenCol  int
}

type pendingRow struct {
	key int64 // time in Unix nanoseconds
	seq int   // arrival order, which breaks ties (a stable sort without its cost)
	v   []any
}

// newTable builds a table with the given columns.
func newTable(name, tenant string, cols []frame.Field) *table {
	t := &table{name: name, idx: make(map[string]int, len(cols)), tenant: tenant, typeCol: -1, tenCol: -1}
	for _, f := range cols {
		n := f.Name
		if _, dup := t.idx[n]; dup {
			panic(fmt.Sprintf("demo: table %s: duplicate column %s", name, n))
		}
		t.idx[n] = len(t.fields)
		t.fields = append(t.fields, f)
		switch n {
		case "TimeGenerated", "Timestamp":
			t.stamped = append(t.stamped, len(t.fields)-1)
		case "Type":
			t.typeCol = len(t.fields) - 1
		case "TenantId":
			t.tenCol = len(t.fields) - 1
		}
	}
	t.b = make([]*frame.Builder, len(t.fields))
	for i, f := range t.fields {
		t.b[i] = frame.NewBuilder(f.Name, f.Type, 1024)
	}
	return t
}

// add buffers one row at time ts. kv alternates column names and values; unknown
// column names are programming errors and panic.
func (t *table) add(ts time.Time, kv ...any) {
	v := make([]any, len(t.fields))
	for _, i := range t.stamped {
		v[i] = ts
	}
	if t.typeCol >= 0 {
		v[t.typeCol] = t.name
	}
	if t.tenCol >= 0 {
		v[t.tenCol] = t.tenant
	}
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		j, ok := t.idx[name]
		if !ok {
			panic(fmt.Sprintf("demo: table %s has no column %s", t.name, name))
		}
		v[j] = kv[i+1]
	}
	t.buf = append(t.buf, pendingRow{key: ts.UnixNano(), seq: len(t.buf), v: v})
}

// flush sorts the buffered rows by time and appends them to the builders.
func (t *table) flush() {
	slices.SortFunc(t.buf, func(a, b pendingRow) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, r := range t.buf {
		for j, val := range r.v {
			appendValue(t.b[j], t.fields[j], val)
		}
	}
	clear(t.buf)
	t.buf = t.buf[:0]
}

func appendValue(b *frame.Builder, f frame.Field, v any) {
	if v == nil {
		if f.Type == frame.String {
			// Log Analytics has no null strings: absent text is empty.
			b.AppendString("")
			return
		}
		b.AppendNull()
		return
	}
	switch f.Type {
	case frame.String:
		if s, ok := v.(string); ok {
			b.AppendString(s)
			return
		}
	case frame.Int:
		switch x := v.(type) {
		case int:
			b.AppendInt(int64(x))
			return
		case int64:
			b.AppendInt(x)
			return
		}
	case frame.Time:
		if x, ok := v.(time.Time); ok {
			b.AppendTime(x)
			return
		}
	case frame.Bool:
		if x, ok := v.(bool); ok {
			b.AppendBool(x)
			return
		}
	}
	if err := b.Append(v); err != nil {
		panic(fmt.Sprintf("demo: column %s: %v", f.Name, err))
	}
}

// frame returns the finished table.
func (t *table) frame() *frame.Frame {
	t.flush()
	cols := make([]*frame.Column, len(t.b))
	for i, b := range t.b {
		cols[i] = b.Column()
	}
	return frame.MustNew(cols...)
}

// take returns the rows appended so far as a frame and starts empty builders.
func (t *table) take() *frame.Frame {
	cols := make([]*frame.Column, len(t.b))
	for i, b := range t.b {
		cols[i] = b.Column()
		t.b[i] = frame.NewBuilder(t.fields[i].Name, t.fields[i].Type, 1024)
	}
	return frame.MustNew(cols...)
}

// rows is the number of rows added so far (flushed or not).
func (t *table) rows() int { return t.b[0].Len() + len(t.buf) }
