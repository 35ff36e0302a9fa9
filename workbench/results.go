package workbench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
	"github.com/huntkit/huntkit/vis"
)

// result is one table the workbench holds: a query's answer, an enrichment, a pivot.
type result struct {
	id      string
	title   string
	source  string // environment or "enrichment", "workspace"
	frame   *frame.Frame
	created time.Time
	table   string // workspace table it was kept as, if any
}

type resultSummary struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Source  string   `json:"source"`
	Rows    int      `json:"rows"`
	Columns []string `json:"columns"`
	Partial string   `json:"partial,omitempty"`
	Table   string   `json:"table,omitempty"`
}

func (s *Server) addResult(f *frame.Frame, title, source string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID("r")
	s.results[id] = &result{id: id, title: title, source: source, frame: f, created: time.Now()}
	return id
}

func (s *Server) result(id string) (*result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.results[id]
	if r == nil {
		return nil, fmt.Errorf("result %s: %w", id, errNotFound)
	}
	return r, nil
}

func (s *Server) resultInfo(id string) *resultSummary {
	r, err := s.result(id)
	if err != nil {
		return nil
	}
	out := &resultSummary{ID: r.id, Title: r.title, Source: r.source, Rows: r.frame.Len(), Columns: r.frame.Names(), Table: r.table}
	if p := r.frame.Partial(); p != nil {
		out.Partial = oneLine(p.Error())
	}
	return out
}

func (s *Server) handleResults(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.results))
	for id := range s.results {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	out := []*resultSummary{}
	for _, id := range sortIDs(ids) {
		if ri := s.resultInfo(id); ri != nil {
			out = append(out, ri)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// sortIDs orders "r12" after "r9".
func sortIDs(ids []string) []string {
	num := func(s string) int {
		n := 0
		fmt.Sscanf(strings.TrimLeft(s, "rj"), "%d", &n)
		return n
	}
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && num(ids[j]) < num(ids[j-1]); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	return ids
}

// viewKinds are the views of a result, by the name used in the address.
var viewKinds = map[string]string{"data": "data viewer", "timeline": "timeline", "proctree": "process tree",
	"map": "map", "matrix": "matrix"}

// handleView renders a vis view of a result. It is served with viewCSP: a sandboxed page
// with an opaque origin. The data viewer gets a small bridge that tells the workbench page
// which cell or column was clicked (postMessage to the workbench's own origin only).
func (s *Server) handleView(w http.ResponseWriter, r *http.Request) {
	res, err := s.result(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	kind := r.PathValue("kind")
	if _, ok := viewKinds[kind]; !ok {
		fail(w, badInput("unknown view %q (want data, timeline, proctree, map or matrix)", kind))
		return
	}
	q := r.URL.Query()
	opts := []vis.Option{vis.Title(res.title)}
	if v := q.Get("time"); v != "" {
		opts = append(opts, vis.TimeColumn(v))
	}
	if v := q.Get("group"); v != "" {
		opts = append(opts, vis.GroupColumn(v))
	}
	if v := q.Get("color"); v != "" {
		opts = append(opts, vis.ColorBy(v))
	}
	if x, y := q.Get("x"), q.Get("y"); x != "" || y != "" {
		opts = append(opts, vis.XY(x, y))
	}
	if lat, lon := q.Get("lat"), q.Get("lon"); lat != "" || lon != "" {
		opts = append(opts, vis.LatLon(lat, lon))
	}
	var buf bytes.Buffer
	switch kind {
	case "data":
		err = vis.DataViewer(&buf, res.frame, opts...)
	case "timeline":
		err = vis.Timeline(&buf, res.frame, opts...)
	case "map":
		err = vis.Map(&buf, res.frame, opts...)
	case "matrix":
		err = vis.Matrix(&buf, res.frame, opts...)
	case "proctree":
		var tree *proctree.Tree
		tree, err = proctree.Build(r.Context(), res.frame)
		if err == nil {
			err = vis.ProcessTree(&buf, tree, opts...)
		}
	}
	if err != nil {
		fail(w, badInput("%s of %s: %v", viewKinds[kind], res.title, err))
		return
	}
	page := buf.Bytes()
	if kind == "data" {
		page = injectBridge(page, "http://"+r.Host)
	}
	if kind != "data" || r.URL.Query().Get("step") != "no" {
		s.nb.add(r.Context(), step{Kind: stepView, Title: viewKinds[kind] + " of " + res.title, View: kind, Result: res.id})
	}
	w.Header().Set("Content-Security-Policy", viewCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}

// bridgeJS reports clicks on data cells and column headers to the workbench page. It only
// sends; it reads nothing from the page. %s is the workbench's origin as a JSON string.
const bridgeJS = `<script>(function(){var origin=%s;
document.addEventListener("click",function(e){
 var cell=e.target.closest&&e.target.closest(".tabulator-cell,.tabulator-col");
 if(!cell)return;var field=cell.getAttribute("tabulator-field");if(!field)return;
 var h=document.querySelector('.tabulator-col[tabulator-field="'+field.replace(/[^A-Za-z0-9_]/g,"")+'"] .tabulator-col-title');
 var isHeader=cell.classList.contains("tabulator-col");
 parent.postMessage({type:"hk-select",column:h?h.textContent:field,value:isHeader?null:cell.textContent},origin);
},true);})();</script>
`

func injectBridge(page []byte, origin string) []byte {
	o, _ := json.Marshal(origin)
	script := fmt.Sprintf(bridgeJS, o)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, script...)
	}
	out := make([]byte, 0, len(page)+len(script))
	out = append(out, page[:i]...)
	out = append(out, script...)
	return append(out, page[i:]...)
}

var tableNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// handleSave keeps a result as a workspace table.
func (s *Server) handleSave(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Table string `json:"table"`
	}
	if err := readJSON(r, &req); err != nil {
		fail(w, err)
		return
	}
	res, err := s.result(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	if !tableNameRE.MatchString(req.Table) {
		fail(w, badInput("table name %q: use letters, digits and _ (not starting with a digit)", req.Table))
		return
	}
	if err := s.hk.Save(r.Context(), res.frame, req.Table); err != nil {
		fail(w, err)
		return
	}
	s.mu.Lock()
	res.table = req.Table
	s.mu.Unlock()
	s.nb.add(r.Context(), step{Kind: stepSave, Title: "kept " + res.title + " as " + req.Table, Result: res.id, Table: req.Table})
	writeJSON(w, http.StatusOK, map[string]string{"table": req.Table})
}

var exportExt = map[string]string{"csv": ".csv", "json": ".ndjson", "ndjson": ".ndjson", "parquet": ".parquet"}

// handleExport writes a result as CSV, JSON lines or Parquet through the front door's
// Export (DuckDB's COPY): the result is registered as a workspace table for the copy (its
// kept table when it has one, else a temporary one dropped afterwards).
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	res, err := s.result(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	format := strings.ToLower(r.URL.Query().Get("format"))
	ext, ok := exportExt[format]
	if !ok {
		fail(w, badInput("export format %q: want csv, json or parquet", format))
		return
	}
	ctx := r.Context()
	table := res.table
	if table == "" {
		table = "hk_workbench_export_" + res.id
		if err := s.hk.Save(ctx, res.frame, table); err != nil {
			fail(w, err)
			return
		}
		// the name is an identifier made here (letters, digits, _): no quoting needed
		defer func() { _, _ = s.hk.SQL(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+table) }()
	}
	dir, err := os.MkdirTemp("", "huntkit-workbench-")
	if err != nil {
		fail(w, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "result"+ext)
	if format == "json" {
		format = "ndjson"
	}
	if err := s.hk.Export(ctx, table, path, format); err != nil {
		fail(w, err)
		return
	}
	fh, err := os.Open(path)
	if err != nil {
		fail(w, err)
		return
	}
	defer fh.Close()
	name := safeFileName(res.title) + ext
	w.Header().Set("Content-Type", map[string]string{".csv": "text/csv", ".ndjson": "application/x-ndjson", ".parquet": "application/vnd.apache.parquet"}[ext])
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	_, _ = io.Copy(w, fh)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeFileName(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_.")
	if s == "" {
		s = "result"
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// handleTables lists the workspace's tables.
func (s *Server) handleTables(w http.ResponseWriter, r *http.Request) {
	tis, err := s.hk.Tables(r.Context())
	if err != nil {
		fail(w, err)
		return
	}
	out := []map[string]any{}
	for _, t := range tis {
		if strings.HasPrefix(t.Name, "hk_") {
			continue // the workbench's own tables (notebook, temporary exports)
		}
		out = append(out, map[string]any{"name": t.Name, "rows": t.Rows, "columns": len(t.Columns)})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleOpenTable opens a workspace table as a result.
func (s *Server) handleOpenTable(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Table string `json:"table"`
	}
	if err := readJSON(r, &req); err != nil {
		fail(w, err)
		return
	}
	f, err := s.hk.Table(r.Context(), req.Table)
	if err != nil {
		fail(w, err)
		return
	}
	id := s.addResult(f, req.Table, "workspace")
	s.mu.Lock()
	s.results[id].table = req.Table
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.resultInfo(id))
}
