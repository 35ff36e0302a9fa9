package vis

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/huntkit/huntkit/frame"
)

// Map writes a world map (country outlines from world-atlas, drawn by ECharts with no tile
// server) with a point per row at its latitude/longitude; SizeBy sizes points by a numeric
// column (without it a point grows with the number of rows at its position), ColorBy colours them by a column (categories or a numeric scale). Rows without a
// valid position are left out and counted in the subtitle.
func Map(w io.Writer, f *frame.Frame, opts ...Option) error {
	c := newConfig(opts)
	var lat, lon *frame.Column
	var err error
	if c.latCol != "" || c.lonCol != "" {
		if lat, err = needCol(f, "map", "latitude column", c.latCol); err != nil {
			return err
		}
		if lon, err = needCol(f, "map", "longitude column", c.lonCol); err != nil {
			return err
		}
	} else {
		lat = firstCol(f, "Latitude", "lat", "SrcLatitude", "geo_lat", "location_lat", "y")
		lon = firstCol(f, "Longitude", "lon", "lng", "long", "SrcLongitude", "geo_lon", "location_lon", "x")
		if lat == nil || lon == nil {
			return fmt.Errorf("vis: map: %w: no Latitude/Longitude columns; name them with LatLon / --lat --lon", ErrColumn)
		}
	}
	latF, latOK := asFloats(lat)
	lonF, lonOK := asFloats(lon)
	if err := numericCol(lat, "latitude", latOK); err != nil {
		return err
	}
	if err := numericCol(lon, "longitude", lonOK); err != nil {
		return err
	}
	var rows []int
	for i := 0; i < f.Len() && (c.maxRows <= 0 || len(rows) < c.maxRows); i++ {
		if latOK[i] && lonOK[i] && math.Abs(latF[i]) <= 90 && math.Abs(lonF[i]) <= 180 {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("vis: map: %w: no row has a valid position in %s/%s", ErrNoData, lat.Name(), lon.Name())
	}
	cols := []*frame.Column{frame.NewFloats("\x00lat", latF), frame.NewFloats("\x00lon", lonF)}
	cfg := map[string]any{"view": "map", "lat": "\x00lat", "lon": "\x00lon", "latName": lat.Name(), "lonName": lon.Name()}
	if c.sizeCol != "" {
		s, err := needCol(f, "map", "size column", c.sizeCol)
		if err != nil {
			return err
		}
		if s.Type() != frame.Int && s.Type() != frame.Float {
			return fmt.Errorf("vis: map: size column %q is %s, want a number: %w", s.Name(), s.Type(), ErrColumn)
		}
		cols = append(cols, s)
		cfg["size"] = s.Name()
	}
	if c.colorCol != "" {
		k, err := needCol(f, "map", "colour column", c.colorCol)
		if err != nil {
			return err
		}
		cols = appendNew(cols, k)
		cfg["color"] = k.Name()
	}
	tips := c.tooltipCols
	if tips == nil {
		tips = defaultTooltip(f.Drop(lat.Name(), lon.Name()), "", 5)
	}
	tipCols, err := pickColumns(f, "map", tips)
	if err != nil {
		return err
	}
	cols = appendNew(cols, tipCols...)
	cfg["tooltip"] = tips
	title := c.title
	if title == "" {
		title = "Map"
	}
	places := map[[2]float64]bool{}
	for _, i := range rows {
		places[[2]float64{latF[i], lonF[i]}] = true
	}
	sub := fmt.Sprintf("%d points at %d positions", len(rows), len(places))
	if skipped := f.Len() - len(rows); skipped > 0 {
		sub += fmt.Sprintf(" (%d rows without a valid position or over the limit left out)", skipped)
	}
	p := &page{
		title: title, sub: sub, libs: []string{"echarts.min.js", "topojson-client.min.js"},
		body: `<div id="hk-chart" class="hk-chart"></div>`, config: cfg,
		data: encodeColumns(cols, rows, f.Len()), script: "map.js",
		extra: map[string]string{"hk-world": asset("countries-110m.json")},
	}
	return p.write(w)
}

// numericCol rejects a position column that is not numeric: neither a number type nor text
// holding a number in any row (ok from asFloats).
func numericCol(c *frame.Column, role string, ok []bool) error {
	if c.Type() == frame.Int || c.Type() == frame.Float {
		return nil
	}
	for _, v := range ok {
		if v {
			return nil
		}
	}
	return fmt.Errorf("vis: map: %s column %q is %s, want a number: %w", role, c.Name(), c.Type(), ErrColumn)
}

// asFloats reads a numeric or numeric-text column.
func asFloats(c *frame.Column) ([]float64, []bool) {
	n := c.Len()
	v, ok := make([]float64, n), make([]bool, n)
	for i := 0; i < n; i++ {
		if c.IsNull(i) {
			continue
		}
		switch c.Type() {
		case frame.Int, frame.Float:
			v[i], ok[i] = c.Float(i), true
		default:
			if x, err := strconv.ParseFloat(c.Text(i), 64); err == nil && !math.IsNaN(x) {
				v[i], ok[i] = x, true
			}
		}
	}
	return v, ok
}

// Matrix writes a dot matrix of two columns against each other: one dot per pair of values
// that occurs, sized by how often it occurs. Only the Top most frequent values of each axis
// are kept; the rest are counted under "(other)".
func Matrix(w io.Writer, f *frame.Frame, opts ...Option) error {
	c := newConfig(opts)
	if c.xCol == "" || c.yCol == "" {
		return fmt.Errorf("vis: matrix: %w: name the two columns with XY / --x --y", ErrColumn)
	}
	xc, err := needCol(f, "matrix", "x column", c.xCol)
	if err != nil {
		return err
	}
	yc, err := needCol(f, "matrix", "y column", c.yCol)
	if err != nil {
		return err
	}
	if f.Len() == 0 {
		return fmt.Errorf("vis: matrix: %w: no rows", ErrNoData)
	}
	label := func(col *frame.Column, i int) string {
		if col.IsNull(i) {
			return "(empty)"
		}
		return col.Text(i)
	}
	xcats := topValues(f.Len(), func(i int) string { return label(xc, i) }, c.top)
	ycats := topValues(f.Len(), func(i int) string { return label(yc, i) }, c.top)
	xi, yi := indexOf(xcats), indexOf(ycats)
	counts := map[[2]int]int{}
	for i := 0; i < f.Len(); i++ {
		x, ok := xi[label(xc, i)]
		if !ok {
			x = xi["(other)"]
		}
		y, ok := yi[label(yc, i)]
		if !ok {
			y = yi["(other)"]
		}
		counts[[2]int{x, y}]++
	}
	cells := make([][3]int, 0, len(counts))
	maxCount := 0
	for k, n := range counts {
		cells = append(cells, [3]int{k[0], k[1], n})
		maxCount = max(maxCount, n)
	}
	sort.Slice(cells, func(a, b int) bool {
		if cells[a][0] != cells[b][0] {
			return cells[a][0] < cells[b][0]
		}
		return cells[a][1] < cells[b][1]
	})
	title := c.title
	if title == "" {
		title = xc.Name() + " × " + yc.Name()
	}
	p := &page{
		title: title, sub: fmt.Sprintf("%d rows, %d pairs", f.Len(), len(cells)),
		libs: []string{"echarts.min.js"}, body: `<div id="hk-chart" class="hk-chart"></div>`,
		config: map[string]any{"view": "matrix", "x": xc.Name(), "y": yc.Name(), "xcats": xcats, "ycats": ycats,
			"cells": cells, "max": maxCount},
		script: "matrix.js",
	}
	return p.write(w)
}

// topValues returns the top most frequent labels (ties by name), plus "(other)" when some
// were dropped.
func topValues(n int, label func(int) string, top int) []string {
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		counts[label(i)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if counts[keys[a]] != counts[keys[b]] {
			return counts[keys[a]] > counts[keys[b]]
		}
		return keys[a] < keys[b]
	})
	if top > 0 && len(keys) > top {
		keys = append(keys[:top:top], "(other)")
	}
	return keys
}

func indexOf(xs []string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[x] = i
	}
	return m
}
