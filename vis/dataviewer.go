package vis

import (
	"fmt"
	"io"

	"github.com/huntkit/huntkit/frame"
)

// DataViewer writes an interactive table of f: sortable columns, a filter builder (==, !=,
// contains, matches, in, between, <, <=, >, >=, empty), a column chooser, paging, row details
// and CSV export of the filtered rows. It stays responsive with hundreds of thousands of rows.
func DataViewer(w io.Writer, f *frame.Frame, opts ...Option) error {
	c := newConfig(opts)
	cols, err := pickColumns(f, "data viewer", c.columns)
	if err != nil {
		return err
	}
	rows := rowRange(f.Len(), c.maxRows)
	title := c.title
	if title == "" {
		title = "Data"
	}
	sub := fmt.Sprintf("%d rows × %d columns", f.Len(), len(cols))
	if len(rows) < f.Len() {
		sub = fmt.Sprintf("first %d of %d rows × %d columns", len(rows), f.Len(), len(cols))
	}
	p := &page{
		title: title, sub: sub,
		libs: []string{"tabulator.min.js"}, css: []string{"tabulator.min.css"},
		body: `<div id="hk-toolbar">
<div id="hk-filters"><div id="hk-filter-rows"></div>
<button type="button" id="hk-add-filter">+ Filter</button>
<label>match <select id="hk-join"><option value="all">all</option><option value="any">any</option></select></label>
<button type="button" id="hk-apply">Apply</button>
<button type="button" id="hk-clear">Clear</button></div>
<div id="hk-actions"><details id="hk-colchooser"><summary>Columns</summary><div id="hk-collist"></div></details>
<button type="button" id="hk-export">Export CSV</button>
<span id="hk-count"></span></div>
</div>
<div id="hk-table"></div>
<aside id="hk-details" hidden><button type="button" id="hk-details-close">×</button><h2>Row details</h2><table id="hk-details-table"></table></aside>`,
		config: map[string]any{"view": "data", "pageSize": c.pageSize, "title": title},
		data:   encodeColumns(cols, rows, f.Len()),
		script: "dataviewer.js",
	}
	return p.write(w)
}

// pickColumns returns the named columns (all when names is empty).
func pickColumns(f *frame.Frame, view string, names []string) ([]*frame.Column, error) {
	if len(names) == 0 {
		if f.NumCols() == 0 {
			return nil, fmt.Errorf("vis: %s: %w: the frame has no columns", view, ErrNoData)
		}
		return f.Columns(), nil
	}
	var out []*frame.Column
	for _, n := range names {
		c, err := needCol(f, view, "column", n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
