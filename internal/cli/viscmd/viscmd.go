// Package viscmd holds the view commands: view (data viewer), timeline, map and matrix. Each
// reads a table file (or "-" for CSV / JSON lines on stdin, such as a query's output) and
// writes one self-contained offline HTML file.
package viscmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/proctree"
	"github.com/huntkit/huntkit/vis"
)

// New returns the view, timeline, map and matrix commands.
func New(app *cliapp.App) []*cobra.Command {
	return []*cobra.Command{newView(app), newTimeline(app), newMap(app), newMatrix(app)}
}

// HTMLFlags are the flags every view command shares (also used by proctree).
type HTMLFlags struct {
	Out     string
	Open    bool
	Title   string
	MaxRows int
}

// Add registers --html, --open, --title and --max-rows.
func (h *HTMLFlags) Add(cmd *cobra.Command, withHTML bool) {
	if withHTML {
		cmd.Flags().StringVar(&h.Out, "html", "", "write the HTML view to this file (default: a new temporary file, whose path is printed on stderr)")
	}
	cmd.Flags().BoolVar(&h.Open, "open", false, "open the view in a browser when one is available")
	cmd.Flags().StringVar(&h.Title, "title", "", "page title")
	cmd.Flags().IntVar(&h.MaxRows, "max-rows", 500_000, "rows embedded in the view at most")
}

// Options returns the vis options the flags select.
func (h *HTMLFlags) Options() []vis.Option {
	var o []vis.Option
	if h.Title != "" {
		o = append(o, vis.Title(h.Title))
	}
	return append(o, vis.MaxRows(h.MaxRows))
}

// Write renders a view into the --html file (or a temporary file), written whole or not at
// all, prints where it went on stderr and opens it when asked.
func Write(app *cliapp.App, h *HTMLFlags, kind string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		if errors.Is(err, vis.ErrColumn) {
			return cliapp.UsageError(err)
		}
		return err
	}
	path := h.Out
	if path == "" && app.Sink != nil { // a notebook shows the view inline
		return app.Sink.View(kind, buf.Bytes())
	}
	if path == "" {
		f, err := os.CreateTemp("", "huntkit-"+kind+"-*.html")
		if err != nil {
			return fmt.Errorf("create temporary view file: %w", err)
		}
		path = f.Name()
		if _, err := f.Write(buf.Bytes()); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if err := writeAtomic(path, buf.Bytes()); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	fmt.Fprintf(app.Err, "wrote %s view to %s\n", kind, path)
	if h.Open {
		if err := openBrowser(path); err != nil {
			app.Warnf("cannot open a browser (%v); open file://%s yourself", err, path)
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file next to path and renames it into place. Errors
// name path (not the temporary file, which is always removed).
func writeAtomic(path string, data []byte) error {
	fail := func(err error) error {
		var pe *os.PathError
		var le *os.LinkError
		switch {
		case errors.As(err, &pe):
			err = pe.Err
		case errors.As(err, &le):
			err = le.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write %s: directory %s: %w", path, filepath.Dir(path), err)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".huntkit-*.html.tmp")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fail(err)
	}
	return nil
}

// openBrowser opens path with $BROWSER, or the desktop's opener.
func openBrowser(path string) error {
	url := "file://" + filepath.ToSlash(path)
	var cmd *exec.Cmd
	if b := os.Getenv("BROWSER"); b != "" {
		cmd = exec.Command(b, url)
	} else {
		switch runtime.GOOS {
		case "darwin":
			cmd = exec.Command("open", url)
		case "windows":
			cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
		default:
			bin, err := exec.LookPath("xdg-open")
			if err != nil {
				return errors.New("no $BROWSER and no xdg-open")
			}
			cmd = exec.Command(bin, url)
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // the browser outlives us; reap it if it exits
	return nil
}

func read(ctx context.Context, app *cliapp.App, path string) (*frame.Frame, error) {
	f, err := app.ReadTable(ctx, path)
	if err != nil {
		return nil, err
	}
	if f.Len() == 0 {
		return nil, fmt.Errorf("%s: no rows to show", path)
	}
	return f, nil
}

// displayName names the input in a page title: the file's base name, or "stdin".
func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return filepath.Base(path)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newView(app *cliapp.App) *cobra.Command {
	var h HTMLFlags
	var cols string
	var page int
	cmd := &cobra.Command{
		Use:   "view FILE",
		Short: "Open a table in an offline HTML data viewer (sort, filter, columns, details, CSV export)",
		Long: `view writes FILE (CSV, TSV, JSON lines, Parquet; "-" reads CSV or JSON lines from stdin,
for example a query's output) as one self-contained HTML page: sortable columns, a filter
builder (==, !=, contains, matches, in, between, <, <=, >, >=, empty), a column chooser,
paging, row details on click and export of the filtered rows to CSV. It works offline.`,
		Example: `  huntkit view signins.csv --open
  huntkit query LocalData --data ./data --sql "SELECT * FROM host_logons LIMIT 500" -o ndjson | huntkit view - --html logons.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := read(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			opts := append(h.Options(), vis.PageSize(page))
			if cols != "" {
				opts = append(opts, vis.Columns(splitList(cols)...))
			}
			if h.Title == "" {
				opts = append(opts, vis.Title(displayName(args[0])))
			}
			return Write(app, &h, "data", func(w io.Writer) error { return vis.DataViewer(w, f, opts...) })
		},
	}
	h.Add(cmd, true)
	cmd.Flags().StringVar(&cols, "columns", "", "comma-separated columns to show, in order (default all)")
	cmd.Flags().IntVar(&page, "page-size", 50, "rows per page")
	return cmd
}

func newTimeline(app *cliapp.App) *cobra.Command {
	var h HTMLFlags
	var timeCol, groupCol, endCol, valueCol, tips string
	var bars bool
	var markers []string
	cmd := &cobra.Command{
		Use:   "timeline FILE",
		Short: "Draw events (or values, or durations) over time as an offline HTML timeline",
		Long: `timeline draws each row of FILE at its time, in a row per value of --group-col; with
--value-col it draws the values over time (lines, or --bars); with --end-col each row is a bar
from its time to its end time. Zoom with the wheel or the slider, hover for --tooltip columns;
--marker TIME[=LABEL] adds reference lines (repeatable).`,
		Example: `  huntkit timeline events.csv --time-col TimeGenerated --group-col Computer --tooltip Account,Activity
  huntkit timeline traffic.csv --value-col TotalBytesSent --bars --marker 2019-05-07T11:00:00Z=alert`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ms []vis.Marker
			for _, m := range markers {
				ts, label, _ := strings.Cut(m, "=")
				t, ok := proctree.ParseTime(ts)
				if !ok {
					return cliapp.UsageError(fmt.Errorf("--marker %q: %q is not a time (want e.g. 2024-01-02T15:04:05Z=label)", m, ts))
				}
				if label == "" {
					label = t.Format(time.RFC3339)
				}
				ms = append(ms, vis.Marker{Time: t, Label: label})
			}
			f, err := read(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			opts := h.Options()
			if timeCol != "" {
				opts = append(opts, vis.TimeColumn(timeCol))
			}
			if groupCol != "" {
				opts = append(opts, vis.GroupColumn(groupCol))
			}
			if endCol != "" {
				opts = append(opts, vis.EndColumn(endCol))
			}
			if valueCol != "" {
				opts = append(opts, vis.ValueColumn(valueCol))
			}
			if bars {
				opts = append(opts, vis.Bars())
			}
			if tips != "" {
				opts = append(opts, vis.TooltipColumns(splitList(tips)...))
			}
			opts = append(opts, vis.Markers(ms...))
			if h.Title == "" {
				opts = append(opts, vis.Title("Timeline: "+displayName(args[0])))
			}
			return Write(app, &h, "timeline", func(w io.Writer) error { return vis.Timeline(w, f, opts...) })
		},
	}
	h.Add(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&timeCol, "time-col", "", "time column (default: TimeGenerated, Timestamp, TimeCreated, @timestamp or UtcTime, else the first time column)")
	fl.StringVar(&groupCol, "group-col", "", "draw a row of events per value of this column")
	fl.StringVar(&endCol, "end-col", "", "end-time column: draw durations from --time-col to it")
	fl.StringVar(&valueCol, "value-col", "", "numeric column: draw its values over time")
	fl.BoolVar(&bars, "bars", false, "draw --value-col as bars instead of lines")
	fl.StringVar(&tips, "tooltip", "", "comma-separated columns shown when hovering an event")
	fl.StringArrayVar(&markers, "marker", nil, "reference line TIME[=LABEL] (repeatable)")
	return cmd
}

func newMap(app *cliapp.App) *cobra.Command {
	var h HTMLFlags
	var lat, lon, size, color, tips string
	cmd := &cobra.Command{
		Use:   "map FILE",
		Short: "Plot rows with a latitude and longitude on an offline world map",
		Long: `map draws a point per row of FILE at its --lat/--lon (default columns Latitude/Longitude,
lat/lon and similar, as written by "huntkit geoip enrich") on an embedded world map: no tile
server, works offline. --size sizes points by a numeric column, --color colours them by a
column.`,
		Example: `  huntkit geoip --in signins.csv --column IPAddress -o csv --out geo.csv && huntkit map geo.csv --color CountryCode --open`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (lat == "") != (lon == "") {
				return cliapp.UsageError(errors.New("give both --lat and --lon, or neither"))
			}
			f, err := read(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			opts := h.Options()
			if lat != "" {
				opts = append(opts, vis.LatLon(lat, lon))
			}
			if size != "" {
				opts = append(opts, vis.SizeBy(size))
			}
			if color != "" {
				opts = append(opts, vis.ColorBy(color))
			}
			if tips != "" {
				opts = append(opts, vis.TooltipColumns(splitList(tips)...))
			}
			if h.Title == "" {
				opts = append(opts, vis.Title("Map: "+displayName(args[0])))
			}
			return Write(app, &h, "map", func(w io.Writer) error { return vis.Map(w, f, opts...) })
		},
	}
	h.Add(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&lat, "lat", "", "latitude column")
	fl.StringVar(&lon, "lon", "", "longitude column")
	fl.StringVar(&size, "size", "", "numeric column that sizes the points")
	fl.StringVar(&color, "color", "", "column that colours the points")
	fl.StringVar(&tips, "tooltip", "", "comma-separated columns shown when hovering a point")
	return cmd
}

func newMatrix(app *cliapp.App) *cobra.Command {
	var h HTMLFlags
	var x, y string
	var top int
	cmd := &cobra.Command{
		Use:     "matrix FILE --x COL --y COL",
		Short:   "Plot two columns against each other, dot size by count, as offline HTML",
		Example: `  huntkit matrix logons.csv --x TargetUserName --y IpAddress --top 40`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if x == "" || y == "" {
				return cliapp.UsageError(errors.New("matrix needs --x and --y"))
			}
			f, err := read(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			opts := append(h.Options(), vis.XY(x, y), vis.Top(top))
			return Write(app, &h, "matrix", func(w io.Writer) error { return vis.Matrix(w, f, opts...) })
		},
	}
	h.Add(cmd, true)
	cmd.Flags().StringVar(&x, "x", "", "column on the x axis")
	cmd.Flags().StringVar(&y, "y", "", "column on the y axis")
	cmd.Flags().IntVar(&top, "top", 60, "most frequent values kept per axis (the rest count as \"(other)\")")
	return cmd
}
