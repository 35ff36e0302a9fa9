// Package vis writes self-contained, offline HTML views of frames and process trees: a data
// viewer (sort, filter builder, column chooser, paging, row details, CSV export), a timeline
// (events by group, values over time, durations), a process tree, a world map of points and a
// matrix of two columns.
//
// Every view is one HTML file. The JavaScript and CSS it needs (Apache ECharts, Tabulator,
// topojson-client and the world-atlas country outlines) are embedded from vis/assets with
// go:embed, the data is embedded as JSON, and nothing is fetched when the file is opened, so a
// view works offline, from a file:// URL, or as an e-mail attachment.
package vis

import (
	"embed"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

//go:embed assets/*.js assets/*.css assets/*.json assets/*.LICENSE* assets/*.NOTICE
var assetFS embed.FS

//go:embed js/*.js js/*.css
var ownFS embed.FS

// ErrColumn is returned (wrapped) when an option names a column the frame does not have, or a
// column of an unusable type.
var ErrColumn = errors.New("unusable column")

// ErrNoData is returned (wrapped) when there is nothing to draw.
var ErrNoData = errors.New("nothing to draw")

// assetVersions names the embedded npm packages (see assets/README.md).
var assetVersions = []struct{ pkg, version, license, file string }{
	{"echarts", "6.1.0", "Apache-2.0", "echarts.LICENSE"},
	{"zrender (bundled in echarts)", "6.1.0", "BSD-3-Clause", "zrender.LICENSE"},
	{"tabulator-tables", "6.5.3", "MIT", "tabulator.LICENSE"},
	{"world-atlas", "2.0.2", "ISC", "world-atlas.LICENSE"},
	{"topojson-client", "3.1.0", "ISC", "topojson-client.LICENSE"},
}

func asset(name string) string {
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		panic("vis: missing embedded asset " + name) // embedded at build time
	}
	return string(b)
}

func own(name string) string {
	b, err := ownFS.ReadFile("js/" + name)
	if err != nil {
		panic("vis: missing embedded script " + name)
	}
	return string(b)
}

// Option configures a view.
type Option func(*config)

// Marker is a reference line on a timeline.
type Marker struct {
	Time  time.Time
	Label string
}

type config struct {
	title       string
	columns     []string
	maxRows     int
	pageSize    int
	timeCol     string
	groupCol    string
	endCol      string
	valueCol    string
	bars        bool
	tooltipCols []string
	markers     []Marker
	colorCol    string
	sizeCol     string
	latCol      string
	lonCol      string
	xCol, yCol  string
	top         int
	expandDepth int
	procIDs     []int
	subset      bool
}

func newConfig(opts []Option) *config {
	c := &config{maxRows: 500_000, pageSize: 50, top: 60, expandDepth: 2}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Title sets the page title.
func Title(s string) Option { return func(c *config) { c.title = s } }

// Columns limits the data viewer to these columns, in order.
func Columns(names ...string) Option { return func(c *config) { c.columns = names } }

// MaxRows caps the rows embedded in a view (default 500,000); the page says when rows were left out.
func MaxRows(n int) Option { return func(c *config) { c.maxRows = n } }

// PageSize sets the data viewer's rows per page (default 50).
func PageSize(n int) Option { return func(c *config) { c.pageSize = n } }

// TimeColumn names the time column of a timeline (default: a time-typed TimeGenerated,
// Timestamp, TimeCreated, @timestamp or UtcTime, else the first time column, else a text
// column with one of the usual time names).
func TimeColumn(name string) Option { return func(c *config) { c.timeCol = name } }

// GroupColumn groups timeline events into rows, one per value.
func GroupColumn(name string) Option { return func(c *config) { c.groupCol = name } }

// EndColumn turns a timeline into durations: bars from the time column to this end time.
func EndColumn(name string) Option { return func(c *config) { c.endCol = name } }

// ValueColumn turns a timeline into values over time (lines, or bars with Bars).
func ValueColumn(name string) Option { return func(c *config) { c.valueCol = name } }

// Bars draws values over time as bars instead of lines.
func Bars() Option { return func(c *config) { c.bars = true } }

// TooltipColumns lists the columns shown in tooltips (default: a few leading columns).
func TooltipColumns(names ...string) Option { return func(c *config) { c.tooltipCols = names } }

// Markers adds reference lines to a timeline.
func Markers(m ...Marker) Option { return func(c *config) { c.markers = append(c.markers, m...) } }

// ColorBy colours points, events or tree nodes by the values of a column.
func ColorBy(name string) Option { return func(c *config) { c.colorCol = name } }

// SizeBy sizes map points by a numeric column (or, for a string column, by row count).
func SizeBy(name string) Option { return func(c *config) { c.sizeCol = name } }

// LatLon names the latitude and longitude columns of a map (default: Latitude/Longitude,
// lat/lon and similar).
func LatLon(lat, lon string) Option { return func(c *config) { c.latCol, c.lonCol = lat, lon } }

// XY names the two columns of a matrix.
func XY(x, y string) Option { return func(c *config) { c.xCol, c.yCol = x, y } }

// Top limits a matrix to the most frequent values of each axis (default 60); the rest are
// counted as "(other)".
func Top(n int) Option { return func(c *config) { c.top = n } }

// ExpandDepth sets how many levels of a process tree are open when the page opens (default 2).
func ExpandDepth(n int) Option { return func(c *config) { c.expandDepth = n } }

// Processes limits a process tree to these process ids, in this order (display order, as
// returned by Tree.Order, with each process after its parent); a process whose parent is not
// among them is drawn as a root. The subtitle says how many of the tree's processes are shown.
func Processes(ids ...int) Option {
	return func(c *config) { c.procIDs, c.subset = ids, true }
}

// colOf finds a column by exact name, then case-insensitively.
func colOf(f *frame.Frame, name string) *frame.Column {
	if c := f.Col(name); c != nil {
		return c
	}
	for _, c := range f.Columns() {
		if strings.EqualFold(c.Name(), name) {
			return c
		}
	}
	return nil
}

// needCol returns the named column or an error naming the view, option and available columns.
func needCol(f *frame.Frame, view, role, name string) (*frame.Column, error) {
	if c := colOf(f, name); c != nil {
		return c, nil
	}
	names := f.Names()
	if len(names) > 15 {
		names = append(names[:15:15], "...")
	}
	return nil, fmt.Errorf("vis: %s: %s %q not found (have %s): %w", view, role, name, strings.Join(names, ", "), ErrColumn)
}

// firstCol returns the first column among candidates (case-insensitive) that exists.
func firstCol(f *frame.Frame, cands ...string) *frame.Column {
	for _, n := range cands {
		if c := colOf(f, n); c != nil {
			return c
		}
	}
	return nil
}

// page is the skeleton shared by every view.
type page struct {
	title   string
	sub     string
	libs    []string // asset file names of scripts
	css     []string // asset file names of styles
	body    string   // view markup
	config  any      // marshalled into #hk-config
	data    []byte   // JSON for #hk-data
	extra   map[string]string
	script  string // own view script file
	echarts bool
}

func (p *page) write(w io.Writer) error {
	var sb strings.Builder
	sb.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	sb.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	sb.WriteString("<meta name=\"generator\" content=\"huntkit\">\n")
	sb.WriteString("<!-- huntkit view: self-contained, works offline. Embedded third-party code:")
	for _, a := range assetVersions {
		fmt.Fprintf(&sb, " %s %s (%s);", a.pkg, a.version, a.license)
	}
	sb.WriteString(" licence texts are at the end of this file. -->\n")
	fmt.Fprintf(&sb, "<title>%s</title>\n<style>\n", html.EscapeString(p.title))
	for _, c := range p.css {
		sb.WriteString(asset(c))
		sb.WriteString("\n")
	}
	sb.WriteString(own("view.css"))
	sb.WriteString("\n</style>\n</head>\n<body>\n")
	fmt.Fprintf(&sb, "<header id=\"hk-header\"><h1>%s</h1><span id=\"hk-sub\">%s</span></header>\n",
		html.EscapeString(p.title), html.EscapeString(p.sub))
	sb.WriteString("<main id=\"hk-main\">\n")
	sb.WriteString(p.body)
	sb.WriteString("\n</main>\n")
	cfg, err := marshalJSON(p.config)
	if err != nil {
		return fmt.Errorf("vis: encode view settings: %w", err)
	}
	writeJSONScript(&sb, "hk-config", cfg)
	if p.data != nil {
		writeJSONScript(&sb, "hk-data", p.data)
	}
	for id, v := range p.extra {
		writeJSONScript(&sb, id, []byte(v))
	}
	for _, l := range p.libs {
		sb.WriteString("<script>\n")
		sb.WriteString(asset(l))
		sb.WriteString("\n</script>\n")
	}
	sb.WriteString("<script>\n")
	sb.WriteString(own("common.js"))
	sb.WriteString("\n</script>\n<script>\n")
	sb.WriteString(own(p.script))
	sb.WriteString("\n</script>\n")
	sb.WriteString("<footer id=\"hk-footer\"><details><summary>About this view and third-party licences</summary>\n")
	sb.WriteString("<p>Made by huntkit. Everything this page needs is inside this file; it makes no network request.</p>\n")
	for _, a := range assetVersions {
		fmt.Fprintf(&sb, "<h3>%s %s — %s</h3>\n<pre>%s</pre>\n", html.EscapeString(a.pkg), a.version, a.license, html.EscapeString(asset(a.file)))
		if a.pkg == "echarts" {
			fmt.Fprintf(&sb, "<pre>%s</pre>\n<pre>%s</pre>\n", html.EscapeString(asset("echarts.NOTICE")), html.EscapeString(asset("echarts.LICENSE-d3")))
		}
	}
	sb.WriteString("</details></footer>\n</body>\n</html>\n")
	_, err = io.WriteString(w, sb.String())
	return err
}

func writeJSONScript(sb *strings.Builder, id string, js []byte) {
	fmt.Fprintf(sb, "<script type=\"application/json\" id=\"%s\">", id)
	sb.Write(js)
	sb.WriteString("</script>\n")
}
