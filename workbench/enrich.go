package workbench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// Enricher runs one enrichment kind ("ti", "geoip", "whois", "ioc", "decode") over a column
// of f and returns the enriched or derived Frame.
type Enricher interface {
	Enrich(ctx context.Context, kind string, f *frame.Frame, column string) (*frame.Frame, error)
}

// EnricherFunc adapts a function to Enricher.
type EnricherFunc func(ctx context.Context, kind string, f *frame.Frame, column string) (*frame.Frame, error)

// Enrich calls fn.
func (fn EnricherFunc) Enrich(ctx context.Context, kind string, f *frame.Frame, column string) (*frame.Frame, error) {
	return fn(ctx, kind, f, column)
}

// SetEnricher replaces the enrichments (tests, embedding programs).
func (s *Server) SetEnricher(e Enricher) { s.enricher = e }

// Pivot is one pivot function offered on a selected value: Run gets the value (and the
// column it came from) and returns a Frame, shown as a new result. The pivot package
// registers its functions with AddPivots; the workbench lists them by Name.
type Pivot struct {
	Name        string // e.g. "IpAddress.whois"
	Description string
	// Applies reports whether the pivot fits a column name and value ("" = any); nil = always.
	Applies func(column, value string) bool
	Run     func(ctx context.Context, column, value string) (*frame.Frame, error)
}

// AddPivots offers more pivot functions on selected cells.
func (s *Server) AddPivots(ps ...Pivot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pivots = append(s.pivots, ps...)
	sort.SliceStable(s.pivots, func(i, j int) bool { return s.pivots[i].Name < s.pivots[j].Name })
}

func (s *Server) handleEnrich(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Kind   string `json:"kind"`
		Column string `json:"column"`
		Value  string `json:"value"` // a single cell: enrich only rows with this value
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
	if names := enrichmentNames(); !slices.Contains(names, req.Kind) {
		fail(w, badInput("enrichment %q: want one of %s", req.Kind, strings.Join(names, ", ")))
		return
	}
	col := res.frame.Col(req.Column)
	if col == nil {
		fail(w, badInput("column %q is not in %s", req.Column, res.title))
		return
	}
	f := res.frame
	what := "column " + req.Column
	if req.Value != "" {
		f = f.Filter(func(i int) bool { return !col.IsNull(i) && col.Text(i) == req.Value })
		what = fmt.Sprintf("%s = %s", req.Column, req.Value)
	}
	e := s.enricher
	if e == nil {
		e = frontDoor{s.hk}
	}
	out, err := e.Enrich(r.Context(), req.Kind, f, req.Column)
	st := step{Kind: stepEnrich, Title: req.Kind + " of " + what + " in " + res.title, Enrich: req.Kind,
		Column: req.Column, Value: req.Value, Source: res.id}
	if err != nil && out == nil {
		st.Error = oneLine(err.Error())
		s.nb.add(r.Context(), st)
		fail(w, err)
		return
	}
	id := s.addResult(out, req.Kind+" of "+what, "enrichment")
	st.Result, st.Rows, st.Preview = id, out.Len(), previewOf(out)
	if err != nil {
		st.Error = oneLine(err.Error())
	}
	s.nb.add(r.Context(), st)
	info := s.resultInfo(id)
	if err != nil && info.Partial == "" {
		info.Partial = oneLine(err.Error())
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) handlePivots(w http.ResponseWriter, r *http.Request) {
	column, value := r.URL.Query().Get("column"), r.URL.Query().Get("value")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]string{}
	for _, p := range s.pivots {
		if p.Applies == nil || p.Applies(column, value) {
			out = append(out, map[string]string{"name": p.Name, "description": p.Description})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePivot(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name   string `json:"name"`
		Column string `json:"column"`
		Value  string `json:"value"`
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
	s.mu.Lock()
	var p *Pivot
	for i := range s.pivots {
		if s.pivots[i].Name == req.Name {
			p = &s.pivots[i]
		}
	}
	s.mu.Unlock()
	if p == nil {
		fail(w, badInput("no pivot %q", req.Name))
		return
	}
	out, err := p.Run(r.Context(), req.Column, req.Value)
	st := step{Kind: stepPivot, Title: req.Name + " of " + req.Value, Column: req.Column, Value: req.Value, Source: res.id, Pivot: req.Name}
	if err != nil {
		st.Error = oneLine(err.Error())
		s.nb.add(r.Context(), st)
		fail(w, err)
		return
	}
	id := s.addResult(out, st.Title, "pivot")
	st.Result, st.Rows, st.Preview = id, out.Len(), previewOf(out)
	s.nb.add(r.Context(), st)
	writeJSON(w, http.StatusOK, s.resultInfo(id))
}
