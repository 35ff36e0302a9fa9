// Package display renders Frames and huntkit's HTML views as HTML fragments a notebook cell
// can show: the interactive data viewer and the views of package vis (timeline, process
// tree, map), each in an iframe so its scripts and styles stay apart from the notebook's.
// Everything is offline and self-contained.
//
// It has no notebook dependency. In a GoNB notebook (github.com/janpfeifer/gonb), pass the
// fragment to GoNB's own display call:
//
//	gonbui.DisplayHTML(display.Table(f, 1000))
//
// huntkit's Jupyter kernel (package kernel/cell) shows its tables with the same functions.
package display

import (
	"bytes"
	"fmt"
	"html"
	"io"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/vis"
)

// Table returns f as the interactive data viewer (sort, filter, choose columns, row
// details, CSV export) showing at most maxRows rows (0: all), or an error line as HTML when
// f cannot be shown.
func Table(f *frame.Frame, maxRows int) string {
	opts := []vis.Option{vis.Title(fmt.Sprintf("%d rows", f.Len())), vis.PageSize(10)}
	if maxRows > 0 {
		opts = append(opts, vis.MaxRows(maxRows))
	}
	return View(func(w io.Writer) error { return vis.DataViewer(w, f, opts...) }, 460)
}

// Timeline returns f's events as a timeline view (options as for vis.Timeline).
func Timeline(f *frame.Frame, opts ...vis.Option) string {
	return View(func(w io.Writer) error { return vis.Timeline(w, f, opts...) }, 620)
}

// View renders a vis page with render and embeds it height pixels tall; a rendering error
// is returned as one line of HTML.
func View(render func(io.Writer) error, height int) string {
	var page bytes.Buffer
	if err := render(&page); err != nil {
		return `<p class="huntkit-error">` + html.EscapeString(err.Error()) + `</p>`
	}
	return IFrame(page.Bytes(), height)
}

// IFrame embeds a self-contained HTML page in an iframe height pixels tall.
func IFrame(page []byte, height int) string {
	return fmt.Sprintf(`<iframe class="huntkit-view" srcdoc="%s" style="width:100%%;height:%dpx;border:1px solid #ddd" loading="eager"></iframe>`,
		html.EscapeString(string(page)), height)
}
