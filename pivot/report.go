package pivot

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
)

// Summary is a one-page account of one entity: what it is, its alerts and incidents, the
// entities related to it, a timeline of its activity, TI and GeoIP verdicts, and what looks
// unusual - each section with the query (or pivot) behind it.
type Summary struct {
	Entity    *entity.Entity
	Window    Window
	Generated time.Time
	Facts     []Fact    // what it is
	Unusual   []string  // what looks unusual, most important first
	Sections  []Section // alerts, incidents, related entities, timeline, verdicts, activity
	Status    []Result  // every pivot the summary ran, for the status lines
}

// Fact is one line of "what it is".
type Fact struct{ Name, Value string }

// Section is one part of a summary.
type Section struct {
	Title string
	Notes []string     // findings in words
	Frame *frame.Frame // the rows behind it (may be nil)
	Query string       // the query or pivot that produced it
	Err   string       // why it is empty, when it failed or was skipped
}

// WriteText writes the summary for a terminal: facts, unusual findings, and one line per
// section with its row count and notes (at most maxRows rows of each table).
func (s *Summary) WriteText(w io.Writer, maxRows int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", s.Entity.Type.ClassName(), s.Entity.Value())
	for _, f := range s.Facts {
		fmt.Fprintf(&b, "  %-18s %s\n", f.Name+":", f.Value)
	}
	if len(s.Unusual) > 0 {
		b.WriteString("\nWhat looks unusual:\n")
		for _, u := range s.Unusual {
			fmt.Fprintf(&b, "  ! %s\n", u)
		}
	} else {
		b.WriteString("\nNothing unusual found in the window.\n")
	}
	for _, sec := range s.Sections {
		n := 0
		if sec.Frame != nil {
			n = sec.Frame.Len()
		}
		fmt.Fprintf(&b, "\n== %s (%d rows)\n", sec.Title, n)
		if sec.Err != "" {
			fmt.Fprintf(&b, "  (%s)\n", sec.Err)
		}
		for _, note := range sec.Notes {
			fmt.Fprintf(&b, "  - %s\n", note)
		}
		if sec.Frame != nil && n > 0 && maxRows != 0 {
			var tb strings.Builder
			if err := frame.WriteTable(&tb, sec.Frame, frame.TableOptions{MaxRows: maxRows, Width: 160}); err == nil {
				for _, l := range strings.Split(strings.TrimRight(tb.String(), "\n"), "\n") {
					b.WriteString("  " + l + "\n")
				}
			}
		}
		if sec.Query != "" {
			fmt.Fprintf(&b, "  query: %s\n", oneLine(sec.Query, 200))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		return s[:max-1] + "…"
	}
	return s
}

// htmlRows caps each table of the HTML report.
const htmlRows = 200

// WriteHTML writes the summary as one self-contained HTML page (no script, no network
// request): facts, unusual findings, and each section's notes, table and query.
func (s *Summary) WriteHTML(w io.Writer) error {
	type table struct {
		Cols  []string
		Rows  [][]string
		More  int
		Total int
	}
	type sec struct {
		Section
		ID    string
		Table *table
	}
	var secs []sec
	for i, x := range s.Sections {
		v := sec{Section: x, ID: fmt.Sprintf("s%d", i+1)}
		if x.Frame != nil {
			t := &table{Cols: x.Frame.Names(), Total: x.Frame.Len()}
			for r := 0; r < x.Frame.Len() && r < htmlRows; r++ {
				row := make([]string, len(x.Frame.Columns()))
				for c, col := range x.Frame.Columns() {
					row[c] = oneLine(col.Text(r), 400)
				}
				t.Rows = append(t.Rows, row)
			}
			t.More = t.Total - len(t.Rows)
			v.Table = t
		}
		secs = append(secs, v)
	}
	var status []string
	for _, r := range s.Status {
		status = append(status, r.Status())
	}
	return reportTmpl.Execute(w, map[string]any{
		"Title": s.Entity.Type.ClassName() + " " + s.Entity.Value(), "S": s, "Sections": secs, "Status": status,
		"Generated": s.Generated.UTC().Format(time.RFC3339),
	})
}

var reportTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="huntkit">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#1d2330}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;border-bottom:1px solid #d5dae3;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:12.5px;margin:.4em 0;display:block;overflow-x:auto}
th,td{border:1px solid #d5dae3;padding:2px 6px;text-align:left;vertical-align:top;max-width:40em;overflow-wrap:anywhere}
th{background:#eef1f6}.facts td:first-child{font-weight:600;white-space:nowrap}
.unusual li{color:#a4262c;font-weight:600}.err{color:#8a6d00}
details{margin:.3em 0}pre{background:#f5f7fa;padding:.5em;white-space:pre-wrap;font-size:12px}
nav a{margin-right:1em}.sub{color:#5b6475}
</style></head><body>
<header><h1 id="hk-title">{{.Title}}</h1><div class="sub">huntkit summary, window {{.S.Window.Start}} .. {{.S.Window.End}}, generated {{.Generated}}</div></header>
<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}</nav>
<h2>What it is</h2>
<table class="facts">{{range .S.Facts}}<tr><td>{{.Name}}</td><td>{{.Value}}</td></tr>{{end}}</table>
<h2>What looks unusual</h2>
{{if .S.Unusual}}<ul class="unusual" id="hk-unusual">{{range .S.Unusual}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>Nothing unusual found in the window.</p>{{end}}
{{range .Sections}}<section id="{{.ID}}"><h2>{{.Title}}</h2>
{{if .Err}}<p class="err">{{.Err}}</p>{{end}}
{{if .Notes}}<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Table}}{{if .Rows}}<table><tr>{{range .Cols}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>
{{if .More}}<p class="sub">{{.More}} more of {{.Total}} rows not shown.</p>{{end}}{{else}}<p class="sub">No rows.</p>{{end}}{{end}}
{{if .Query}}<details><summary>Query</summary><pre>{{.Query}}</pre></details>{{end}}
</section>{{end}}
<h2>Pivots run</h2><ul class="sub">{{range .Status}}<li>{{.}}</li>{{end}}</ul>
</body></html>
`))
