package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	huntkit "github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
)

// NotebookTable is the workspace table that keeps the investigation notebook: one row per
// step, in order (seq, kind, title, created, step as JSON).
const NotebookTable = "hk_notebook"

// Step kinds.
const (
	stepQuery  = "query"
	stepEnrich = "enrich"
	stepPivot  = "pivot"
	stepView   = "view"
	stepSave   = "save"
	stepNote   = "note"
)

// previewRows is how many rows of a result a step keeps for the report.
const previewRows = 20

// step is one entry of the investigation notebook.
type step struct {
	Seq      int               `json:"seq"`
	Kind     string            `json:"kind"`
	Title    string            `json:"title"`
	Created  time.Time         `json:"created"`
	Env      string            `json:"env,omitempty"`
	Template string            `json:"template,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
	Text     string            `json:"text,omitempty"`
	Language string            `json:"language,omitempty"`
	Start    string            `json:"start,omitempty"`
	End      string            `json:"end,omitempty"`
	Enrich   string            `json:"enrich,omitempty"`
	Pivot    string            `json:"pivot,omitempty"`
	Column   string            `json:"column,omitempty"`
	Value    string            `json:"value,omitempty"`
	View     string            `json:"view,omitempty"`
	Table    string            `json:"table,omitempty"`
	Markdown string            `json:"markdown,omitempty"`
	Source   string            `json:"source,omitempty"` // the result a step worked on
	Result   string            `json:"result,omitempty"` // the result it made
	Rows     int               `json:"rows,omitempty"`
	Error    string            `json:"error,omitempty"`
	Preview  *preview          `json:"preview,omitempty"`
}

// preview is the first rows of a result as text, kept so a reopened notebook still shows them.
type preview struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Total   int        `json:"total"`
}

func previewOf(f *frame.Frame) *preview {
	p := &preview{Columns: f.Names(), Total: f.Len()}
	n := min(f.Len(), previewRows)
	cols := f.Columns()
	for i := range n {
		row := make([]string, len(cols))
		for j, c := range cols {
			if !c.IsNull(i) {
				row[j] = c.Text(i)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// notebook keeps the steps in memory and in the workspace table NotebookTable.
type notebook struct {
	hk *huntkit.Huntkit

	mu     sync.Mutex
	loaded bool
	steps  []step
	err    error // the last failure to persist
}

// load reads the steps kept in the workspace (a reopened investigation) once.
func (nb *notebook) load(ctx context.Context) {
	if nb.loaded {
		return
	}
	nb.loaded = true
	tis, err := nb.hk.Tables(ctx)
	if err != nil {
		nb.err = err
		return
	}
	found := false
	for _, t := range tis {
		found = found || t.Name == NotebookTable
	}
	if !found {
		return
	}
	f, err := nb.hk.Table(ctx, NotebookTable)
	if err != nil {
		nb.err = err
		return
	}
	col := f.Col("step")
	if col == nil {
		nb.err = fmt.Errorf("workspace table %s has no step column", NotebookTable)
		return
	}
	for i := range f.Len() {
		var st step
		if err := json.Unmarshal([]byte(col.Str(i)), &st); err != nil {
			nb.err = fmt.Errorf("workspace table %s row %d: %w", NotebookTable, i+1, err)
			continue
		}
		st.Result, st.Source = "", "" // results of an earlier run are not in memory
		nb.steps = append(nb.steps, st)
	}
}

// add appends a step and writes the notebook to the workspace.
func (nb *notebook) add(ctx context.Context, st step) {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	nb.load(ctx)
	st.Seq = len(nb.steps) + 1
	if st.Created.IsZero() {
		st.Created = time.Now().UTC()
	}
	nb.steps = append(nb.steps, st)
	nb.err = nb.persist(context.WithoutCancel(ctx))
}

func (nb *notebook) persist(ctx context.Context) error {
	n := len(nb.steps)
	seq, kinds, titles, created, js := make([]int64, n), make([]string, n), make([]string, n), make([]time.Time, n), make([]string, n)
	for i, st := range nb.steps {
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		seq[i], kinds[i], titles[i], created[i], js[i] = int64(st.Seq), st.Kind, st.Title, st.Created, string(b)
	}
	f, err := frame.New(frame.NewInts("seq", seq), frame.NewStrings("kind", kinds), frame.NewStrings("title", titles),
		frame.NewTimes("created", created), frame.NewStrings("step", js))
	if err != nil {
		return err
	}
	if err := nb.hk.Save(ctx, f, NotebookTable); err != nil {
		return fmt.Errorf("keep the notebook in the workspace: %w", err)
	}
	return nil
}

func (nb *notebook) snapshot(ctx context.Context) ([]step, error) {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	nb.load(ctx)
	return append([]step(nil), nb.steps...), nb.err
}

func (s *Server) handleNotebook(w http.ResponseWriter, r *http.Request) {
	steps, err := s.nb.snapshot(r.Context())
	out := map[string]any{"steps": steps, "in_memory": s.hk.InMemory()}
	if err != nil {
		out["error"] = oneLine(err.Error())
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleNote(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Markdown string `json:"markdown"`
	}
	if err := readJSON(r, &req); err != nil {
		fail(w, err)
		return
	}
	if req.Markdown == "" {
		fail(w, badInput("the note is empty"))
		return
	}
	s.nb.add(r.Context(), step{Kind: stepNote, Title: firstLine(req.Markdown), Markdown: req.Markdown})
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) handleNotebookExport(w http.ResponseWriter, r *http.Request) {
	steps, _ := s.nb.snapshot(r.Context())
	switch f := r.URL.Query().Get("format"); f {
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="investigation.html"`)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		_ = writeReport(w, steps, s.hk.Now())
	case "ipynb":
		w.Header().Set("Content-Type", "application/x-ipynb+json")
		w.Header().Set("Content-Disposition", `attachment; filename="investigation.ipynb"`)
		_ = writeNotebook(w, steps)
	default:
		fail(w, badInput("notebook export format %q: want html or ipynb", f))
	}
}
