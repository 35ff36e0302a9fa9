package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// esql runs an ES|QL query through the _query API with columnar answers: "columns" gives
// names and ES|QL types, "values" one array per column. The query window becomes a range
// filter on the timestamp field. ES|QL answers are capped by the query's LIMIT (1,000 rows
// when none is written; the cluster's esql.query.result_truncation_max_size at most), so
// write LIMIT for more.
func (d *Driver) esql(ctx context.Context, text string, req query.Request) (*frame.Frame, error) {
	body := map[string]any{"query": text, "columnar": true}
	probe := map[string]any{"query": map[string]any{"match_all": map[string]any{}}}
	d.window(probe, req)
	if _, windowed := probe["query"].(map[string]any)["bool"]; windowed {
		body["filter"] = probe["query"]
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	res, err := d.es.EsqlQuery(bytes.NewReader(b), d.es.EsqlQuery.WithContext(ctx), d.es.EsqlQuery.WithFormat("json"))
	if err != nil {
		return nil, fmt.Errorf("elastic: %w", remote.CtxErr(ctx, err))
	}
	defer res.Body.Close()
	if res.IsError() {
		return nil, fmt.Errorf("elastic: %w", fail(res.StatusCode, res.Body))
	}
	f, err := decodeColumnar(jsontext.NewDecoder(res.Body, rows.DecoderOptions...))
	if err != nil {
		return nil, fmt.Errorf("elastic: ES|QL answer: %w", remote.Describe(remote.CtxErr(ctx, err)))
	}
	return f, nil
}

type esqlColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// frameType maps an ES|QL type to a column type.
func frameType(t string) frame.Type {
	switch t {
	case "long", "integer", "unsigned_long", "short", "byte", "counter_long", "counter_integer":
		return frame.Int
	case "double", "float", "half_float", "scaled_float", "counter_double":
		return frame.Float
	case "boolean":
		return frame.Bool
	case "date", "date_nanos", "datetime":
		return frame.Time
	case "keyword", "text", "ip", "version", "null", "unsupported", "geo_point", "cartesian_point", "geo_shape", "cartesian_shape":
		return frame.String
	}
	return frame.Dynamic
}

// decodeColumnar reads {"columns":[...],"values":[[...],...]} ("values" after "columns",
// as Elasticsearch writes them). A multi-valued cell (an array) makes its column dynamic.
func decodeColumnar(dec *jsontext.Decoder) (*frame.Frame, error) {
	if err := rows.Expect(dec, '{'); err != nil {
		return nil, err
	}
	var cols []esqlColumn
	var built []*frame.Column
	partial := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		switch name.String() {
		case "columns":
			v, err := dec.ReadValue()
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(v, &cols); err != nil {
				return nil, fmt.Errorf("%w: columns: %v", rows.ErrShape, err)
			}
		case "values":
			if cols == nil {
				return nil, fmt.Errorf("%w: values before columns", rows.ErrShape)
			}
			if built, err = columnarValues(dec, cols); err != nil {
				return nil, err
			}
		case "is_partial":
			v, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			partial = v.Kind() == 't'
		default:
			if err := dec.SkipValue(); err != nil {
				return nil, err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if built == nil {
		for _, c := range cols {
			built = append(built, frame.NewNulls(c.Name, frameType(c.Type), 0))
		}
	}
	f, err := frame.New(built...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", rows.ErrShape, err)
	}
	if partial {
		f.SetPartial(fmt.Errorf("elastic: %w: Elasticsearch marked the ES|QL answer partial (is_partial)", remote.ErrPartial))
	}
	return f, nil
}

func columnarValues(dec *jsontext.Decoder, cols []esqlColumn) ([]*frame.Column, error) {
	if err := rows.Expect(dec, '['); err != nil {
		return nil, err
	}
	out := make([]*frame.Column, 0, len(cols))
	for i := 0; dec.PeekKind() != ']'; i++ {
		if i >= len(cols) {
			return nil, fmt.Errorf("%w: more value arrays than columns", rows.ErrShape)
		}
		c, err := column(dec, cols[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if len(out) != len(cols) {
		return nil, fmt.Errorf("%w: %d value arrays for %d columns", rows.ErrShape, len(out), len(cols))
	}
	return out, nil
}

// column reads one column's array of values.
func column(dec *jsontext.Decoder, col esqlColumn) (*frame.Column, error) {
	if err := rows.Expect(dec, '['); err != nil {
		return nil, err
	}
	t := frameType(col.Type)
	b := frame.NewBuilder(col.Name, t, 0)
	var dyn []any // once a multi-valued cell is seen the column is kept as JSON values
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if v.Kind() == '[' || v.Kind() == '{' || dyn != nil {
			if dyn == nil {
				f, _ := frame.New(b.Column())
				dyn = make([]any, 0, f.Len()+1)
				for i := 0; i < f.Len(); i++ {
					dyn = append(dyn, f.Columns()[0].Value(i))
				}
			}
			var x any
			if err := json.Unmarshal(v, &x); err != nil {
				return nil, fmt.Errorf("%w: %v", rows.ErrShape, err)
			}
			dyn = append(dyn, x)
			continue
		}
		if err := appendCell(b, t, v); err != nil {
			return nil, fmt.Errorf("column %s: %w", col.Name, err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if dyn != nil {
		return frame.NewDynamics(col.Name, dyn), nil
	}
	return b.Column(), nil
}

func appendCell(b *frame.Builder, t frame.Type, v jsontext.Value) error {
	if v.Kind() == 'n' {
		b.AppendNull()
		return nil
	}
	s := string(v)
	if v.Kind() == '"' {
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: %v", rows.ErrShape, err)
		}
	}
	switch t {
	case frame.Int:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not an integer", rows.ErrShape, s)
		}
		b.AppendInt(n)
	case frame.Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not a number", rows.ErrShape, s)
		}
		b.AppendFloat(f)
	case frame.Bool:
		b.AppendBool(s == "true")
	case frame.Time:
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("%w: %q is not a date", rows.ErrShape, s)
		}
		b.AppendTime(tm)
	case frame.String:
		b.AppendString(s)
	default:
		var x any
		json.Unmarshal(v, &x)
		b.AppendDynamic(x)
	}
	return nil
}
