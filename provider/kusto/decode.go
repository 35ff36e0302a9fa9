package kusto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-kusto-go/azkustodata/query"
	v2 "github.com/Azure/azure-kusto-go/azkustodata/query/v2"
	"github.com/Azure/azure-kusto-go/azkustodata/types"
	"github.com/Azure/azure-kusto-go/azkustodata/value"

	"github.com/huntkit/huntkit/frame"
)

// FrameType maps a Kusto column type to a frame type (guid and timespan as text).
func FrameType(t string) frame.Type {
	switch types.NormalizeColumn(strings.ToLower(t)) {
	case types.Bool:
		return frame.Bool
	case types.DateTime:
		return frame.Time
	case types.Int, types.Long:
		return frame.Int
	case types.Real, types.Decimal:
		return frame.Float
	case types.Dynamic:
		return frame.Dynamic
	}
	return frame.String
}

// readPrimary reads the first primary-result table of a v2 data set into a Frame. An error
// reported at the end of the table (a partial failure, such as the result-set limit) keeps
// the rows read and comes back as partial; an error before any table is the error.
func readPrimary(ctx context.Context, ds query.IterativeDataset) (*frame.Frame, error, error) {
	var f *frame.Frame
	var partial error
	for tr := range ds.Tables() {
		if err := tr.Err(); err != nil {
			if f != nil {
				if partial == nil {
					partial = err
				}
				continue
			}
			return nil, nil, err
		}
		t := tr.Table()
		if !t.IsPrimaryResult() || f != nil {
			for r := range t.Rows() { // drain secondary tables
				_ = r
			}
			continue
		}
		b, err := newBuilders(t.Columns())
		if err != nil {
			return nil, nil, err
		}
		n := 0
		for rr := range t.Rows() {
			if err := rr.Err(); err != nil {
				partial = err
				continue
			}
			if err := b.add(rr.Row()); err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", n+1, err)
			}
			n++
		}
		if f, err = b.frame(); err != nil {
			return nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if f == nil {
		return nil, nil, errors.New("the response holds no primary result table")
	}
	return f, partial, nil
}

type builders struct {
	cols []*frame.Builder
	kt   []types.Column
}

func newBuilders(cols []query.Column) (*builders, error) {
	b := &builders{}
	for i, c := range cols {
		name := c.Name()
		if name == "" {
			name = fmt.Sprintf("Column%d", i+1)
		}
		b.cols = append(b.cols, frame.NewBuilder(name, FrameType(string(c.Type())), 0))
		b.kt = append(b.kt, c.Type())
	}
	return b, nil
}

func (b *builders) frame() (*frame.Frame, error) {
	cols := make([]*frame.Column, len(b.cols))
	for i, c := range b.cols {
		cols[i] = c.Column()
	}
	return frame.New(cols...)
}

// add appends one row; SDK values are typed already.
func (b *builders) add(r query.Row) error {
	vals := r.Values()
	if len(vals) != len(b.cols) {
		return fmt.Errorf("%d values for %d columns", len(vals), len(b.cols))
	}
	for i, v := range vals {
		if err := appendValue(b.cols[i], v); err != nil {
			return fmt.Errorf("column %s: %w", b.cols[i].Column().Name(), err)
		}
	}
	return nil
}

func appendValue(b *frame.Builder, v value.Kusto) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch x := v.(type) {
	case *value.String:
		b.AppendString(x.Value)
	case *value.Bool:
		appendPtr(b, x.Ptr(), b.AppendBool)
	case *value.Int:
		appendPtr(b, x.Ptr(), func(n int32) { b.AppendInt(int64(n)) })
	case *value.Long:
		appendPtr(b, x.Ptr(), b.AppendInt)
	case *value.Real:
		appendPtr(b, x.Ptr(), b.AppendFloat)
	case *value.Decimal:
		if p := x.Ptr(); p != nil {
			f, _ := p.Float64()
			b.AppendFloat(f)
		} else {
			b.AppendNull()
		}
	case *value.DateTime:
		appendPtr(b, x.Ptr(), b.AppendTime)
	case *value.Timespan:
		if p := x.Ptr(); p != nil {
			b.AppendString(value.TimespanString(*p))
		} else {
			b.AppendNull()
		}
	case *value.GUID:
		if p := x.Ptr(); p != nil {
			b.AppendString(p.String())
		} else {
			b.AppendNull()
		}
	case *value.Dynamic:
		if x.Value == nil {
			b.AppendNull()
			return nil
		}
		var d any
		if err := json.Unmarshal(x.Value, &d); err != nil {
			d = string(x.Value)
		}
		b.AppendDynamic(d)
	default:
		return b.Append(v.GetValue())
	}
	return nil
}

func appendPtr[T any](b *frame.Builder, p *T, add func(T)) {
	if p == nil {
		b.AppendNull()
		return
	}
	add(*p)
}

// oneApiLine makes one line of a partial-failure error: the service's detailed message.
func oneApiLine(err error) string {
	var oe *v2.OneApiError
	if errors.As(err, &oe) {
		if oe.ErrorMessage.Description != "" {
			return oneLine(oe.ErrorMessage.Description)
		}
		return oneLine(oe.ErrorMessage.Code + ": " + oe.ErrorMessage.Message)
	}
	return oneLine(err.Error())
}

// Schema lists the tables and columns of the database queries use (the --database option or
// the cluster's configured one) from `.show database schema as json`. It implements
// query.Schemaer.
func (d *Driver) Schema(ctx context.Context) (map[string][]frame.Field, error) {
	c, err := d.client(nil)
	if err != nil {
		return nil, err
	}
	db, err := d.databaseFor(c.cl, nil)
	if err != nil {
		return nil, err
	}
	ds, err := c.kc.Mgmt(ctx, db, kql.New(".show database schema as json"))
	if err != nil {
		return nil, c.describe(err)
	}
	tables := ds.Tables()
	if len(tables) == 0 || len(tables[0].Rows()) == 0 {
		return nil, fmt.Errorf("%w: .show database schema as json: no rows", ErrQuery)
	}
	v, err := tables[0].Rows()[0].Value(0)
	if err != nil {
		return nil, fmt.Errorf("%w: .show database schema as json: %v", ErrQuery, err)
	}
	return parseSchemaJSON(db, v.String())
}

// parseSchemaJSON reads the DatabaseSchema document of `.show database schema as json`.
func parseSchemaJSON(db, doc string) (map[string][]frame.Field, error) {
	var s struct {
		Databases map[string]struct {
			Tables map[string]struct {
				OrderedColumns []struct {
					Name    string `json:"Name"`
					CslType string `json:"CslType"`
				} `json:"OrderedColumns"`
			} `json:"Tables"`
		} `json:"Databases"`
	}
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return nil, fmt.Errorf("%w: database schema: malformed JSON: %v", ErrQuery, err)
	}
	out := map[string][]frame.Field{}
	for name, d := range s.Databases {
		if !strings.EqualFold(name, db) && len(s.Databases) > 1 {
			continue
		}
		for tn, t := range d.Tables {
			fields := make([]frame.Field, 0, len(t.OrderedColumns))
			for _, c := range t.OrderedColumns {
				fields = append(fields, frame.Field{Name: c.Name, Type: FrameType(c.CslType)})
			}
			out[tn] = fields
		}
	}
	return out, nil
}
