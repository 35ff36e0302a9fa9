package frame

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// WriteParquet writes f as a Parquet file: strings as UTF-8, ints as INT64, floats as
// DOUBLE, bools as BOOLEAN, times as TIMESTAMP(microseconds, UTC) and dynamic values as
// JSON. Every column is optional (nullable).
func WriteParquet(w io.Writer, f *Frame) error {
	group := parquet.Group{}
	for _, c := range f.cols {
		var node parquet.Node
		switch c.typ {
		case String:
			node = parquet.String()
		case Int:
			node = parquet.Int(64)
		case Float:
			node = parquet.Leaf(parquet.DoubleType)
		case Bool:
			node = parquet.Leaf(parquet.BooleanType)
		case Time:
			node = parquet.Timestamp(parquet.Microsecond)
		case Dynamic:
			node = parquet.JSON()
		default:
			return fmt.Errorf("parquet: column %q has invalid type", c.name)
		}
		group[c.name] = parquet.Optional(node)
	}
	schema := parquet.NewSchema("huntkit", group)
	// The schema orders leaves by name; map each frame column to its leaf index.
	leaf := make([]int, len(f.cols))
	for j, c := range f.cols {
		lc, ok := schema.Lookup(c.name)
		if !ok {
			return fmt.Errorf("parquet: column %q missing from schema", c.name)
		}
		leaf[j] = lc.ColumnIndex
	}
	// pos[j] is where column j's value goes in a row (rows are in leaf order).
	pos := make([]int, len(f.cols))
	for j := range f.cols {
		for k := range f.cols {
			if leaf[k] < leaf[j] {
				pos[j]++
			}
		}
	}
	pw := parquet.NewWriter(w, schema, parquet.Compression(&zstd.Codec{}))
	const batch = 4096
	rows := make([]parquet.Row, 0, batch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		if _, err := pw.WriteRows(rows); err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		rows = rows[:0]
		return nil
	}
	for i := 0; i < f.n; i++ {
		row := make(parquet.Row, len(f.cols))
		for j, c := range f.cols {
			var v parquet.Value
			if c.IsNull(i) {
				v = parquet.NullValue().Level(0, 0, leaf[j])
			} else {
				switch c.typ {
				case String:
					v = parquet.ByteArrayValue([]byte(c.strs[i]))
				case Int:
					v = parquet.Int64Value(c.ints[i])
				case Float:
					v = parquet.DoubleValue(c.floats[i])
				case Bool:
					v = parquet.BooleanValue(c.bools[i])
				case Time:
					v = parquet.Int64Value(c.times[i].UnixMicro())
				case Dynamic:
					b, err := json.Marshal(c.dyn[i])
					if err != nil {
						return fmt.Errorf("parquet: column %q row %d: %w", c.name, i, err)
					}
					v = parquet.ByteArrayValue(b)
				}
				v = v.Level(0, 1, leaf[j])
			}
			row[pos[j]] = v
		}
		rows = append(rows, row)
		if len(rows) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}
