package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/frame"
)

// TypeOf maps a DuckDB type name (as information_schema writes it) to a huntkit column type.
func TypeOf(dbType string) frame.Type {
	t := strings.ToUpper(dbType)
	switch {
	case t == "JSON", strings.HasSuffix(t, "[]"), strings.HasPrefix(t, "STRUCT"), strings.HasPrefix(t, "MAP"),
		strings.HasPrefix(t, "LIST"), strings.HasPrefix(t, "UNION"), strings.Contains(t, "[") && strings.HasSuffix(t, "]"):
		return frame.Dynamic
	case t == "BOOLEAN":
		return frame.Bool
	case t == "TINYINT", t == "SMALLINT", t == "INTEGER", t == "BIGINT", t == "UTINYINT", t == "USMALLINT",
		t == "UINTEGER", t == "UBIGINT", t == "HUGEINT", t == "UHUGEINT", t == "INT", t == "INT8", t == "INT4":
		return frame.Int
	case t == "FLOAT", t == "DOUBLE", t == "REAL", strings.HasPrefix(t, "DECIMAL"):
		return frame.Float
	case strings.HasPrefix(t, "TIMESTAMP"), t == "DATE", t == "DATETIME":
		return frame.Time
	}
	return frame.String
}

func scanFrame(ctx context.Context, rows *sql.Rows) (*frame.Frame, error) {
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cts))
	seen := map[string]int{}
	builders := make([]*frame.Builder, len(cts))
	for i, ct := range cts {
		name := ct.Name()
		if k := seen[name]; k > 0 {
			seen[name]++
			name = fmt.Sprintf("%s_%d", name, k)
		} else {
			seen[name] = 1
		}
		names[i] = name
		builders[i] = frame.NewBuilder(name, TypeOf(ct.DatabaseTypeName()), 64)
	}
	vals := make([]any, len(cts))
	ptrs := make([]any, len(cts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	finish := func() *frame.Frame {
		cols := make([]*frame.Column, len(builders))
		for i, b := range builders {
			cols[i] = b.Column()
		}
		f, _ := frame.New(cols...)
		return f
	}
	n := 0
	for rows.Next() {
		if n&1023 == 0 && ctx.Err() != nil {
			return finish(), ctx.Err()
		}
		n++
		if err := rows.Scan(ptrs...); err != nil {
			return finish(), err
		}
		for i, v := range vals {
			appendValue(builders[i], v)
		}
	}
	if err := rows.Err(); err != nil {
		return finish(), err
	}
	return finish(), nil
}

// appendValue converts a value scanned from DuckDB to the builder's type.
func appendValue(b *frame.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b.Type() {
	case frame.String:
		switch x := v.(type) {
		case string:
			b.AppendString(x)
		case []byte:
			b.AppendString(string(x))
		case duckdb.UUID:
			b.AppendString(x.String())
		case *duckdb.UUID:
			b.AppendString(x.String())
		case duckdb.Interval:
			b.AppendString(formatInterval(x))
		case time.Time:
			b.AppendString(x.Format("15:04:05.999999"))
		default:
			b.AppendString(fmt.Sprint(x))
		}
	case frame.Int:
		switch x := v.(type) {
		case *big.Int:
			if x.IsInt64() {
				b.AppendInt(x.Int64())
			} else {
				b.AppendNull()
			}
		default:
			if err := b.Append(v); err != nil {
				b.AppendNull()
			}
		}
	case frame.Float:
		switch x := v.(type) {
		case duckdb.Decimal:
			b.AppendFloat(x.Float64())
		case float32:
			b.AppendFloat(float64(x))
		default:
			if err := b.Append(v); err != nil {
				b.AppendNull()
			}
		}
	case frame.Time:
		if t, ok := v.(time.Time); ok {
			b.AppendTime(t)
		} else {
			b.AppendNull()
		}
	case frame.Dynamic:
		if text, ok := v.(string); ok {
			// A JSON column arrives as its text.
			b.AppendDynamic(parseJSONText(text))
		} else {
			b.AppendDynamic(dynamicValue(v))
		}
	default:
		if err := b.Append(v); err != nil {
			b.AppendNull()
		}
	}
}

// parseJSONText decodes the text of a JSON value; text that is not one whole JSON value is
// kept as a string.
func parseJSONText(text string) any {
	var out any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return text
	}
	if _, err := dec.Token(); err != io.EOF {
		return text // trailing data: not a single JSON value
	}
	return plainJSON(out)
}

// dynamicValue turns a scanned LIST, STRUCT or MAP value into plain JSON values. Strings
// inside them are values, not JSON text.
func dynamicValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return x
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dynamicValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = dynamicValue(e)
		}
		return out
	case duckdb.Map:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = dynamicValue(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case duckdb.Decimal:
		return x.Float64()
	case duckdb.Interval:
		return formatInterval(x)
	case duckdb.UUID:
		return x.String()
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

func plainJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i, e := range x {
			x[i] = plainJSON(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = plainJSON(e)
		}
	}
	return v
}

// formatInterval writes an interval as KQL writes a timespan (months count 30 days).
func formatInterval(iv duckdb.Interval) string {
	return frame.FormatTimespan(time.Duration(iv.Micros)*time.Microsecond + time.Duration(iv.Days)*24*time.Hour +
		time.Duration(iv.Months)*30*24*time.Hour)
}
