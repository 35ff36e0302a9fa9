package ti

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// ErrNoColumn: the frame given to LookupFrame has no column of that name.
var ErrNoColumn = errors.New("no such column")

// WithTypeColumn names a column of the frame given to LookupFrame that holds each row's IoC
// type ("ip", "domain", "md5", ...); without it types are inferred from the values.
func WithTypeColumn(name string) Option { return func(o *options) { o.typeColumn = name } }

// ItemsFromFrame reads the indicators in column of f (and their types from typeColumn when
// not empty), skipping null and blank cells, in row order.
func ItemsFromFrame(f *frame.Frame, column, typeColumn string) ([]Item, error) {
	col := f.Col(column)
	if col == nil {
		return nil, fmt.Errorf("ti: column %q: %w (%s)", column, ErrNoColumn, suggest.Columns(column, f.Names()))
	}
	var tc *frame.Column
	if typeColumn != "" {
		if tc = f.Col(typeColumn); tc == nil {
			return nil, fmt.Errorf("ti: type column %q: %w (%s)", typeColumn, ErrNoColumn, suggest.Columns(typeColumn, f.Names()))
		}
	}
	var items []Item
	for i := 0; i < f.Len(); i++ {
		if col.IsNull(i) || strings.TrimSpace(col.Str(i)) == "" {
			continue
		}
		it := Item{Value: col.Str(i)}
		if tc != nil && !tc.IsNull(i) {
			it.Type = IocType(tc.Str(i))
		}
		items = append(items, it)
	}
	return items, nil
}

// LookupFrame looks up the indicators in column of f (the way ioc.ExtractFrame,
// decode.DecodeFrame and geoip.EnrichFrame take a frame and a column) and returns the result
// frame: one row per distinct indicator and provider, in msticpy's columns (ResultColumns).
// When some lookups failed the frame is complete, marked partial, and the error is a
// *LookupError. A missing column is an error wrapping ErrNoColumn.
func (c *Client) LookupFrame(ctx context.Context, f *frame.Frame, column string) (*frame.Frame, error) {
	items, err := ItemsFromFrame(f, column, c.opts.typeColumn)
	if err != nil {
		return nil, err
	}
	return c.Lookup(ctx, items)
}

// LookupFrame builds a Client from opts (WithConfig, WithProviders, WithTypeColumn, ...) and
// looks up the indicators in column of f (see Client.LookupFrame).
func LookupFrame(ctx context.Context, f *frame.Frame, column string, opts ...Option) (*frame.Frame, error) {
	o := newOptions(opts)
	// Check the columns before building providers (which may read secrets).
	if _, err := ItemsFromFrame(f.Head(0), column, o.typeColumn); err != nil {
		return nil, err
	}
	c, err := New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return c.LookupFrame(ctx, f, column)
}
