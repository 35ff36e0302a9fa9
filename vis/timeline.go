package vis

import (
	"fmt"
	"io"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

// Timeline writes an ECharts timeline of f. By default each row is an event drawn at its time
// in the row of its group (GroupColumn); with ValueColumn the values are drawn over time (one
// line, or bars, per group); with EndColumn each row is a duration bar from its time to its
// end. Zoom with the mouse wheel, drag the range slider to select a period, hover for the
// TooltipColumns; Markers draw reference lines.
func Timeline(w io.Writer, f *frame.Frame, opts ...Option) error {
	c := newConfig(opts)
	if f.Len() == 0 {
		return fmt.Errorf("vis: timeline: %w: no rows", ErrNoData)
	}
	tc, err := timeColumn(f, c.timeCol)
	if err != nil {
		return err
	}
	cols := []*frame.Column{tc}
	cfg := map[string]any{"view": "timeline", "time": tc.Name(), "mode": "events"}
	if c.groupCol != "" {
		g, err := needCol(f, "timeline", "group column", c.groupCol)
		if err != nil {
			return err
		}
		cols = append(cols, g)
		cfg["group"] = g.Name()
	}
	if c.endCol != "" {
		e, err := needCol(f, "timeline", "end column", c.endCol)
		if err != nil {
			return err
		}
		if e, err = asTimes(e, "timeline"); err != nil {
			return err
		}
		cols = append(cols, e.Rename("\x00end"))
		cfg["end"] = "\x00end"
		cfg["mode"] = "durations"
	}
	if c.valueCol != "" {
		v, err := needCol(f, "timeline", "value column", c.valueCol)
		if err != nil {
			return err
		}
		if v.Type() != frame.Int && v.Type() != frame.Float {
			return fmt.Errorf("vis: timeline: value column %q is %s, want a number: %w", v.Name(), v.Type(), ErrColumn)
		}
		cols = append(cols, v)
		cfg["value"] = v.Name()
		cfg["mode"] = "values"
		cfg["bars"] = c.bars
	}
	tips := c.tooltipCols
	if tips == nil {
		tips = defaultTooltip(f, tc.Name(), 5)
	}
	tipCols, err := pickColumns(f, "timeline", tips)
	if err != nil {
		return err
	}
	cols = appendNew(cols, tipCols...)
	cfg["tooltip"] = tips
	var marks []map[string]any
	for _, m := range c.markers {
		marks = append(marks, map[string]any{"t": float64(m.Time.UnixNano()) / 1e6, "label": m.Label})
	}
	cfg["markers"] = marks
	rows := rowRange(f.Len(), c.maxRows)
	title := c.title
	if title == "" {
		title = "Timeline"
	}
	// rows left out (no usable time, or over MaxRows) are said in the subtitle, not hidden
	noTime := 0
	for _, i := range rows {
		if tc.IsNull(i) {
			noTime++
		}
	}
	sub := fmt.Sprintf("%d events (%s)", len(rows)-noTime, cfg["mode"])
	if len(rows) < f.Len() {
		sub = fmt.Sprintf("first %d of %d rows: ", len(rows), f.Len()) + sub
	}
	if noTime > 0 {
		sub += fmt.Sprintf("; %d rows without a usable time in %s left out", noTime, tc.Name())
	}
	p := &page{
		title: title, sub: sub,
		libs: []string{"echarts.min.js"}, body: `<div class="hk-bar"><span id="hk-range"></span><span id="hk-selection"></span></div><div id="hk-chart" class="hk-chart"></div>`,
		config: cfg, data: encodeColumns(cols, rows, f.Len()), script: "timeline.js",
	}
	return p.write(w)
}

// timeColumn returns the named time column, or the default one (see TimeColumn), converting text
// times; errors name the column.
func timeColumn(f *frame.Frame, name string) (*frame.Column, error) {
	var c *frame.Column
	if name != "" {
		var err error
		if c, err = needCol(f, "timeline", "time column", name); err != nil {
			return nil, err
		}
	} else {
		// a well-known event-time column first (OTRF tables carry a zone-less local
		// EventTime before the UTC @timestamp), else the first time column
		for _, n := range []string{"TimeGenerated", "Timestamp", "TimeCreated", "@timestamp", "UtcTime"} {
			if col := colOf(f, n); col != nil && col.Type() == frame.Time {
				c = col
				break
			}
		}
		for _, col := range f.Columns() {
			if c == nil && col.Type() == frame.Time {
				c = col
			}
		}
		if c == nil {
			c = firstCol(f, "TimeGenerated", "Timestamp", "TimeCreated", "time", "timestamp", "StartTime", "EventTime")
		}
		if c == nil {
			return nil, fmt.Errorf("vis: timeline: %w: no time column; name one with TimeColumn / --time-col", ErrColumn)
		}
	}
	return asTimes(c, "timeline")
}

// asTimes returns c as a time column, parsing text and Unix numbers; unparsable cells are null.
func asTimes(c *frame.Column, view string) (*frame.Column, error) {
	if c.Type() == frame.Time {
		return c, nil
	}
	n := c.Len()
	ts := make([]time.Time, n)
	valid := make([]bool, n)
	good := 0
	for i := 0; i < n; i++ {
		if c.IsNull(i) {
			continue
		}
		if t, ok := proctree.ParseTime(c.Text(i)); ok {
			ts[i], valid[i] = t, true
			good++
		}
	}
	if good == 0 {
		return nil, fmt.Errorf("vis: %s: column %q holds no times (type %s): %w", view, c.Name(), c.Type(), ErrColumn)
	}
	return frame.NewTimes(c.Name(), ts).WithValid(valid), nil
}

// defaultTooltip picks up to n columns other than skip: string columns first.
func defaultTooltip(f *frame.Frame, skip string, n int) []string {
	var out []string
	for _, pass := range []bool{true, false} {
		for _, c := range f.Columns() {
			if len(out) >= n {
				return out
			}
			if c.Name() == skip || (c.Type() == frame.String) != pass {
				continue
			}
			out = append(out, c.Name())
		}
	}
	return out
}

// appendNew appends the columns whose names are not yet present.
func appendNew(cols []*frame.Column, more ...*frame.Column) []*frame.Column {
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name()] = true
	}
	for _, c := range more {
		if !have[c.Name()] {
			have[c.Name()] = true
			cols = append(cols, c)
		}
	}
	return cols
}
