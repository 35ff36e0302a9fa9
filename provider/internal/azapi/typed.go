package azapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Field is one column of a response schema: Defender's {"Name","Type"}, Graph's
// {"name","type"}, Resource Graph's table columns (JSON names match either case).
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// FrameType maps a schema type to a frame type. Defender reports .NET type names (String,
// DateTime, Int64, Int32, Double, Boolean, SByte, Object, Guid, TimeSpan), Resource Graph
// and Kusto their own (string, datetime, integer, long, real, boolean, object, dynamic).
// Unknown names are text.
func FrameType(t string) frame.Type {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(t, "System."), "system.")) {
	case "datetime", "date", "datetimeoffset":
		return frame.Time
	case "int64", "int32", "int16", "uint64", "uint32", "uint16", "byte", "int", "long", "integer":
		return frame.Int
	case "double", "single", "decimal", "real", "float", "number":
		return frame.Float
	case "boolean", "bool", "sbyte":
		return frame.Bool
	case "object", "dynamic", "array":
		return frame.Dynamic
	}
	return frame.String
}

// Rows builds a Frame from a schema and rows given as objects (Defender's and Graph's
// "Results"). Without a schema the columns are the first row's keys in sorted order, as
// text or dynamic values. A value that does not fit its column is an error naming the row
// and the column.
func Rows(schema []Field, results []map[string]any) (*frame.Frame, error) {
	if len(schema) == 0 && len(results) > 0 {
		keys := make([]string, 0, len(results[0]))
		for k := range results[0] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			typ := "String"
			switch results[0][k].(type) {
			case map[string]any, []any:
				typ = "Object"
			}
			schema = append(schema, Field{Name: k, Type: typ})
		}
	}
	bs := builders(schema, len(results))
	for r, row := range results {
		for i, f := range schema {
			if err := Append(bs[i], row[f.Name]); err != nil {
				return nil, fmt.Errorf("row %d column %s: %w", r+1, f.Name, err)
			}
		}
	}
	return finish(bs)
}

// Table builds a Frame from a schema and rows given as arrays (Resource Graph's table
// format).
func Table(schema []Field, rows [][]any) (*frame.Frame, error) {
	bs := builders(schema, len(rows))
	for r, row := range rows {
		if len(row) != len(bs) {
			return nil, fmt.Errorf("row %d has %d values for %d columns", r+1, len(row), len(bs))
		}
		for i, v := range row {
			if err := Append(bs[i], v); err != nil {
				return nil, fmt.Errorf("row %d column %s: %w", r+1, schema[i].Name, err)
			}
		}
	}
	return finish(bs)
}

func builders(schema []Field, n int) []*frame.Builder {
	bs := make([]*frame.Builder, len(schema))
	for i, f := range schema {
		name := f.Name
		if name == "" {
			name = fmt.Sprintf("Column%d", i+1)
		}
		bs[i] = frame.NewBuilder(name, FrameType(f.Type), n)
	}
	return bs
}

func finish(bs []*frame.Builder) (*frame.Frame, error) {
	cols := make([]*frame.Column, len(bs))
	for i, b := range bs {
		cols[i] = b.Column()
	}
	return frame.New(cols...)
}

// Append adds one decoded JSON value (numbers as json.Number or float64) to b, converting
// it to b's type.
func Append(b *frame.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b.Type() {
	case frame.Time:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("datetime %v is not a string", v)
		}
		if s == "" {
			b.AppendNull()
			return nil
		}
		t, err := parseTime(s)
		if err != nil {
			return err
		}
		b.AppendTime(t)
	case frame.Int:
		n, err := toInt(v)
		if err != nil {
			return err
		}
		b.AppendInt(n)
	case frame.Float:
		f, err := toFloat(v)
		if err != nil {
			return err
		}
		b.AppendFloat(f)
	case frame.Bool:
		switch x := v.(type) {
		case bool:
			b.AppendBool(x)
		case string:
			bv, err := strconv.ParseBool(x)
			if err != nil {
				return fmt.Errorf("bool %q", x)
			}
			b.AppendBool(bv)
		default:
			n, err := toInt(v)
			if err != nil || (n != 0 && n != 1) {
				return fmt.Errorf("bool %v", v)
			}
			b.AppendBool(n == 1)
		}
	case frame.Dynamic:
		if s, ok := v.(string); ok {
			t := strings.TrimSpace(s)
			if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				var x any
				if json.Unmarshal([]byte(t), &x) == nil {
					v = x
				}
			}
		}
		b.AppendDynamic(plain(v))
	default:
		switch x := v.(type) {
		case string:
			b.AppendString(x)
		case json.Number:
			b.AppendString(x.String())
		case map[string]any, []any:
			data, _ := json.Marshal(x)
			b.AppendString(string(data))
		default:
			b.AppendString(fmt.Sprint(x))
		}
	}
	return nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02 15:04:05.9999999Z07:00", "2006-01-02 15:04:05.9999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("datetime %q is not ISO 8601", s)
}

func toInt(v any) (int64, error) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		f, err := n.Float64()
		if err != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("integer %s", n)
		}
		return int64(f), nil
	case float64:
		if n != float64(int64(n)) {
			return 0, fmt.Errorf("integer %v", n)
		}
		return int64(n), nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("integer %q", n)
		}
		return i, nil
	}
	return 0, fmt.Errorf("integer %v (%T)", v, v)
}

func toFloat(v any) (float64, error) {
	switch n := v.(type) {
	case json.Number:
		return n.Float64()
	case float64:
		return n, nil
	case string: // NaN, Infinity
		f, err := strconv.ParseFloat(strings.TrimPrefix(n, "+"), 64)
		if err != nil {
			return 0, fmt.Errorf("number %q", n)
		}
		return f, nil
	}
	return 0, fmt.Errorf("number %v (%T)", v, v)
}

// plain turns json.Number inside decoded values into int64 or float64.
func plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
	}
	return v
}

// Decode reads JSON with numbers kept exact (json.Number).
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}
