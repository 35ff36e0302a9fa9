package workbench

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

const reportCSS = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}section{border-top:1px solid #ddd;padding:.6em 0}.kind{color:#666;font-size:.8em;text-transform:uppercase}
pre{background:#f5f5f5;padding:.6em;overflow:auto}table{border-collapse:collapse;font-size:.85em}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}.err{color:#a00}.note{background:#fffbe8;padding:.2em .8em}`

// writeReport writes the notebook as one self-contained HTML page: no script, no request,
// every value escaped.
func writeReport(w io.Writer, steps []step, now time.Time) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"generator\" content=\"huntkit workbench\">\n")
	b.WriteString("<title>Investigation report</title><style>" + reportCSS + "</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>Investigation report</h1><p>%d steps; written %s UTC by huntkit workbench.</p>\n",
		len(steps), now.UTC().Format("2006-01-02 15:04"))
	for _, st := range steps {
		fmt.Fprintf(&b, "<section id=\"step-%d\"><div class=\"kind\">%d · %s · %s</div>\n", st.Seq, st.Seq, esc(st.Kind), st.Created.UTC().Format("2006-01-02 15:04:05"))
		if st.Kind == stepNote {
			b.WriteString("<div class=\"note\">" + markdown(st.Markdown) + "</div></section>\n")
			continue
		}
		fmt.Fprintf(&b, "<h2>%s</h2>\n", esc(st.Title))
		if code := stepCode(st); code != "" {
			fmt.Fprintf(&b, "<pre>%s</pre>\n", esc(code))
		}
		if st.Error != "" {
			fmt.Fprintf(&b, "<p class=\"err\">%s</p>\n", esc(st.Error))
		}
		if p := st.Preview; p != nil {
			writePreview(&b, p)
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writePreview(b *strings.Builder, p *preview) {
	fmt.Fprintf(b, "<p>%d rows", p.Total)
	if p.Total > len(p.Rows) {
		fmt.Fprintf(b, " (first %d shown)", len(p.Rows))
	}
	b.WriteString("</p><table><tr>")
	for _, c := range p.Columns {
		b.WriteString("<th>" + esc(c) + "</th>")
	}
	b.WriteString("</tr>\n")
	for _, r := range p.Rows {
		b.WriteString("<tr>")
		for _, v := range r {
			if len(v) > 300 {
				v = v[:300] + "…"
			}
			b.WriteString("<td>" + esc(v) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

func esc(s string) string { return html.EscapeString(s) }

// stepCode is a step as the huntkit kernel's cell text: KQL as plain text, SQL under %%sql,
// templates as %query, enrichments as the CLI's commands (%geoip, %ti lookup, ...), each
// result named "-> result_N" (or its kept table) so later cells can use it.
func stepCode(st step) string {
	name := resultName(st)
	switch st.Kind {
	case stepQuery:
		window := ""
		if st.Start != "" {
			window += " --start " + quoteArg(st.Start)
		}
		if st.End != "" {
			window += " --end " + quoteArg(st.End)
		}
		if st.Template != "" {
			keys := make([]string, 0, len(st.Params))
			for k := range st.Params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var args []string
			for _, k := range keys {
				if st.Params[k] != "" {
					args = append(args, k+"="+quoteArg(st.Params[k]))
				}
			}
			return strings.TrimSpace(fmt.Sprintf("%%query %s %s%s -> %s", st.Template, strings.Join(args, " "), window, name))
		}
		if strings.EqualFold(st.Language, "sql") {
			return "%%sql -> " + name + "\n" + st.Text
		}
		return "%%kql" + window + " -> " + name + "\n" + st.Text
	case stepEnrich:
		cmd := map[string]string{"ti": "%ti lookup", "geoip": "%geoip", "whois": "%whois", "ioc": "%ioc extract", "decode": "%decode"}[st.Enrich]
		src := "result_" + strings.TrimPrefix(st.Source, "r")
		if st.Value != "" {
			return fmt.Sprintf("%s %s -> %s", cmd, quoteArg(st.Value), name)
		}
		return fmt.Sprintf("%s --table %s --column %s -> %s", cmd, src, quoteArg(st.Column), name)
	case stepPivot:
		return fmt.Sprintf("%%pivot %s %s -> %s", st.Pivot, quoteArg(st.Value), name)
	case stepView:
		v := map[string]string{"data": "%view", "timeline": "%timeline", "proctree": "%proctree", "map": "%map", "matrix": "%matrix"}[st.View]
		return fmt.Sprintf("%s --table result_%s", v, strings.TrimPrefix(st.Result, "r"))
	case stepSave:
		return fmt.Sprintf("%%%%sql -> %s\nSELECT * FROM result_%s", st.Table, strings.TrimPrefix(st.Result, "r"))
	}
	return ""
}

func resultName(st step) string {
	if st.Result == "" {
		return fmt.Sprintf("step_%d", st.Seq)
	}
	return "result_" + strings.TrimPrefix(st.Result, "r")
}

var plainArg = regexp.MustCompile(`^[A-Za-z0-9_.:@/+\-]+$`)

func quoteArg(s string) string {
	if plainArg.MatchString(s) {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// writeNotebook writes the steps as a Jupyter notebook (nbformat 4) for the huntkit kernel:
// notes as Markdown cells, every other step as a code cell with its kernel text.
func writeNotebook(w io.Writer, steps []step) error {
	type cell struct {
		CellType       string         `json:"cell_type"`
		Metadata       map[string]any `json:"metadata"`
		Source         []string       `json:"source"`
		Outputs        []any          `json:"outputs,omitempty"`
		ExecutionCount *int           `json:"execution_count,omitempty"`
	}
	lines := func(s string) []string {
		parts := strings.SplitAfter(s, "\n")
		if len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		return parts
	}
	cells := []cell{{CellType: "markdown", Metadata: map[string]any{}, Source: lines("# Investigation\n\nExported from huntkit workbench.")}}
	env := ""
	for _, st := range steps {
		if st.Kind == stepNote {
			cells = append(cells, cell{CellType: "markdown", Metadata: map[string]any{}, Source: lines(st.Markdown)})
			continue
		}
		code := stepCode(st)
		if code == "" {
			continue
		}
		if st.Kind == stepQuery && st.Env != "" && st.Env != env {
			env = st.Env
			code = "%connect " + env + "\n" + code
			if strings.HasPrefix(code, "%connect "+env+"\n%%") {
				// a cell magic must start the cell: connect in a cell of its own
				cells = append(cells, cell{CellType: "code", Metadata: map[string]any{}, Source: lines("%connect " + env), Outputs: []any{}})
				code = strings.TrimPrefix(code, "%connect "+env+"\n")
			}
		}
		cells = append(cells, cell{CellType: "code", Metadata: map[string]any{"huntkit": map[string]any{"step": st.Seq, "kind": st.Kind}},
			Source: lines(code), Outputs: []any{}})
	}
	for i := range cells {
		if cells[i].CellType == "code" && cells[i].Outputs == nil {
			cells[i].Outputs = []any{}
		}
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]string{"name": "huntkit", "display_name": "huntkit", "language": "kql"},
			"language_info": map[string]string{"name": "kql", "file_extension": ".kql", "mimetype": "text/x-kql"},
		},
		"cells": cells,
	}
	for i := range cells {
		cells[i].Metadata["id"] = fmt.Sprintf("cell-%d", i+1)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(nb)
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	mdBold    = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdCode    = regexp.MustCompile("`([^`]+)`")
	mdItalic  = regexp.MustCompile(`(^|[^*])\*([^*]+)\*`)
)

// markdown renders the Markdown of notes safely: every character is escaped first, then
// headings, paragraphs, bullet lists, fenced code, `code`, **bold** and *italic* are marked
// up. Raw HTML in a note shows as text.
func markdown(src string) string {
	var b strings.Builder
	inline := func(s string) string {
		s = esc(s)
		s = mdCode.ReplaceAllString(s, "<code>$1</code>")
		s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
		return mdItalic.ReplaceAllString(s, "$1<em>$2</em>")
	}
	var para []string
	inList, inCode := false, false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			if inCode {
				b.WriteString("</pre>\n")
			} else {
				flush()
				b.WriteString("<pre>")
			}
			inCode = !inCode
			continue
		}
		if inCode {
			b.WriteString(esc(line) + "\n")
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case mdHeading.MatchString(t):
			flush()
			m := mdHeading.FindStringSubmatch(t)
			n := len(m[1]) + 2
			if n > 6 {
				n = 6
			}
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", n, inline(m[2]), n)
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			if len(para) > 0 {
				b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
				para = nil
			}
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + inline(t[2:]) + "</li>\n")
		default:
			para = append(para, t)
		}
	}
	if inCode {
		b.WriteString("</pre>\n")
	}
	flush()
	return b.String()
}
