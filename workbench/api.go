package workbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	huntkit "github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// maxBody bounds a request body (queries, notes, configuration edits).
const maxBody = 4 << 20

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleIndex)
	m.HandleFunc("GET /static/{file}", s.handleStatic)
	m.HandleFunc("GET /api/envs", s.handleEnvs)
	m.HandleFunc("POST /api/envs/connect", s.handleConnect)
	m.HandleFunc("GET /api/templates", s.handleTemplates)
	m.HandleFunc("GET /api/help", s.handleHelp)
	m.HandleFunc("GET /api/catalog", s.handleCatalog)
	m.HandleFunc("POST /api/run", s.handleRun)
	m.HandleFunc("GET /api/jobs/{id}", s.handleJob)
	m.HandleFunc("POST /api/jobs/{id}/cancel", s.handleCancel)
	m.HandleFunc("GET /api/results", s.handleResults)
	m.HandleFunc("GET /api/results/{id}/view/{kind}", s.handleView)
	m.HandleFunc("GET /api/results/{id}/export", s.handleExport)
	m.HandleFunc("POST /api/results/{id}/save", s.handleSave)
	m.HandleFunc("POST /api/results/{id}/enrich", s.handleEnrich)
	m.HandleFunc("GET /api/pivots", s.handlePivots)
	m.HandleFunc("POST /api/results/{id}/pivot", s.handlePivot)
	m.HandleFunc("GET /api/tables", s.handleTables)
	m.HandleFunc("POST /api/tables/open", s.handleOpenTable)
	m.HandleFunc("GET /api/notebook", s.handleNotebook)
	m.HandleFunc("POST /api/notebook/note", s.handleNote)
	m.HandleFunc("GET /api/notebook/export", s.handleNotebookExport)
	m.HandleFunc("GET /api/config", s.handleConfig)
	m.HandleFunc("POST /api/config/check", s.handleConfigCheck)
	m.HandleFunc("POST /api/config/save", s.handleConfigSave)
	s.mux = m
}

// apiError is the JSON body of every failed API call: one line saying what went wrong.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"error":"encode answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers with the error's one line: 400 for the caller's mistakes, 404 for unknown
// ids, 499-like 408 for a cancelled request, 500 otherwise.
func fail(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, errNotFound):
		status = http.StatusNotFound
	case errors.Is(err, huntkit.ErrBadRequest), errors.Is(err, errBadInput):
		status = http.StatusBadRequest
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		status = http.StatusRequestTimeout
	}
	writeJSON(w, status, apiError{Error: oneLine(err.Error())})
}

var (
	errNotFound = errors.New("not found")
	errBadInput = errors.New("bad input")
)

func badInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadInput, fmt.Sprintf(format, args...))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badInput("request body: %v", err)
	}
	return nil
}

// envSession is one connected data environment.
type envSession struct {
	sess   *huntkit.Session
	status string // "connected" or the sign-in error
	ok     bool
}

type envInfo struct {
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Language    string   `json:"language"`
	Description string   `json:"description"`
	Status      string   `json:"status"`  // built / configured state
	SignIn      string   `json:"sign_in"` // "", "connected" or an error line
	Connected   bool     `json:"connected"`
	Default     bool     `json:"default"`
}

func (s *Server) defaultEnv() string {
	if s.opts.Env != "" {
		return s.opts.Env
	}
	return localdata.Name
}

func (s *Server) handleEnvs(w http.ResponseWriter, r *http.Request) {
	ps, err := s.hk.Providers()
	if err != nil {
		fail(w, err)
		return
	}
	def := query.CanonicalEnv(s.defaultEnv())
	out := make([]envInfo, 0, len(ps))
	s.mu.Lock()
	for _, p := range ps {
		e := envInfo{Name: p.Name, Aliases: p.Aliases, Language: p.Language, Description: p.Description,
			Status: p.Status(), Default: strings.EqualFold(p.Name, def)}
		if es := s.sessions[strings.ToLower(p.Name)]; es != nil {
			e.SignIn, e.Connected = es.status, es.ok
		}
		out = append(out, e)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// session returns the open session of env, opening (not connecting) it when needed.
func (s *Server) session(env string) (*huntkit.Session, error) {
	if env == "" {
		env = s.defaultEnv()
	}
	key := strings.ToLower(query.CanonicalEnv(env))
	s.mu.Lock()
	defer s.mu.Unlock()
	if es := s.sessions[key]; es != nil {
		return es.sess, nil
	}
	sess, err := s.hk.Provider(env, huntkit.WithData(s.opts.Data...))
	if err != nil {
		return nil, err
	}
	s.sessions[key] = &envSession{sess: sess}
	return sess, nil
}

func (s *Server) setStatus(env string, err error) {
	key := strings.ToLower(query.CanonicalEnv(env))
	s.mu.Lock()
	defer s.mu.Unlock()
	if es := s.sessions[key]; es != nil {
		es.ok = err == nil
		es.status = "connected"
		if err != nil {
			es.status = oneLine(err.Error())
		}
	}
}

func (s *Server) handleConnect(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Env string `json:"env"`
	}
	if err := readJSON(r, &req); err != nil {
		fail(w, err)
		return
	}
	sess, err := s.session(req.Env)
	if err != nil {
		fail(w, err)
		return
	}
	cerr := sess.Connect(r.Context())
	s.setStatus(sess.Name(), cerr)
	status := "connected"
	if cerr != nil {
		status = oneLine(cerr.Error())
	}
	writeJSON(w, http.StatusOK, map[string]any{"env": sess.Name(), "connected": cerr == nil, "sign_in": status})
}

type paramInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Default     string `json:"default,omitempty"`
	Required    bool   `json:"required"`
}

type templateInfo struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Params      []paramInfo `json:"params"`
}

func (s *Server) handleTemplates(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r.URL.Query().Get("env"))
	if err != nil {
		fail(w, err)
		return
	}
	entries, err := sess.Queries(r.URL.Query().Get("q"))
	if err != nil {
		fail(w, huntkit.ErrBadRequest) // a bad regular expression
		return
	}
	out := make([]templateInfo, 0, len(entries))
	for _, e := range entries {
		ti := templateInfo{Name: e.Name, Description: oneLine(e.Template.Description)}
		for _, p := range e.Template.Params {
			pi := paramInfo{Name: p.Name, Type: string(p.Type), Description: p.Description, Required: p.Required()}
			if p.HasDefault && p.Default != nil {
				pi.Default = fmt.Sprint(p.Default)
			}
			ti.Params = append(ti.Params, pi)
		}
		out = append(out, ti)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleHelp(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r.URL.Query().Get("env"))
	if err != nil {
		fail(w, err)
		return
	}
	var buf bytes.Buffer
	if err := sess.Help(&buf, r.URL.Query().Get("name")); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"help": buf.String()})
}

type catalogTable struct {
	Name    string          `json:"name"`
	Columns []catalogColumn `json:"columns"`
}

type catalogColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// handleCatalog answers the editor's completion list: the environment's tables and columns
// (when it can list them), the workspace's tables, KQL functions and template names.
func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r.URL.Query().Get("env"))
	if err != nil {
		fail(w, err)
		return
	}
	out := struct {
		Tables    []catalogTable `json:"tables"`
		Functions []string       `json:"functions"`
		Templates []string       `json:"templates"`
		Note      string         `json:"note,omitempty"`
	}{Functions: kql.FunctionNames()}
	if m, err := sess.Schema(r.Context()); err == nil {
		for name, fields := range m {
			out.Tables = append(out.Tables, toCatalog(name, fields))
		}
	} else {
		out.Note = oneLine(err.Error())
	}
	if tis, err := s.hk.Tables(r.Context()); err == nil {
		have := map[string]bool{}
		for _, t := range out.Tables {
			have[strings.ToLower(t.Name)] = true
		}
		for _, t := range tis {
			if have[strings.ToLower(t.Name)] {
				continue
			}
			out.Tables = append(out.Tables, toCatalog(t.Name, t.Columns))
		}
	}
	sort.Slice(out.Tables, func(i, j int) bool { return out.Tables[i].Name < out.Tables[j].Name })
	if es, err := sess.Queries(""); err == nil {
		for _, e := range es {
			out.Templates = append(out.Templates, e.Name)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func toCatalog(name string, fields []frame.Field) catalogTable {
	ct := catalogTable{Name: name}
	for _, f := range fields {
		ct.Columns = append(ct.Columns, catalogColumn{Name: f.Name, Type: f.Type.String()})
	}
	return ct
}

// runRequest is a query to run: a template with parameters, or ad-hoc text.
type runRequest struct {
	Env      string            `json:"env"`
	Template string            `json:"template"`
	Params   map[string]string `json:"params"`
	Text     string            `json:"text"`
	Language string            `json:"language"`
	Start    string            `json:"start"`
	End      string            `json:"end"`
}

// job is a query running in the background; the page polls it and may cancel it.
type job struct {
	id      string
	title   string
	started time.Time
	cancel  context.CancelFunc

	mu       sync.Mutex
	finished time.Time
	err      error
	resultID string
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	var req runRequest
	if err := readJSON(r, &req); err != nil {
		fail(w, err)
		return
	}
	sess, err := s.session(req.Env)
	if err != nil {
		fail(w, err)
		return
	}
	hreq, err := s.toRequest(sess, req)
	if err != nil {
		fail(w, err)
		return
	}
	if _, err := sess.Prepare(hreq); err != nil {
		fail(w, err)
		return
	}
	title := req.Template
	if title == "" {
		title = firstLine(req.Text)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	s.mu.Lock()
	j := &job{id: s.newID("j"), title: title, started: time.Now(), cancel: cancel}
	s.jobs[j.id] = j
	s.mu.Unlock()
	go s.runJob(ctx, j, sess, hreq, req)
	writeJSON(w, http.StatusAccepted, map[string]string{"job": j.id})
}

func (s *Server) toRequest(sess *huntkit.Session, req runRequest) (huntkit.Request, error) {
	hr := huntkit.Request{Template: req.Template, Text: req.Text, Language: strings.ToLower(req.Language),
		Window: huntkit.Window{Start: req.Start, End: req.End}}
	if req.Template != "" && req.Text != "" {
		return hr, badInput("give a template or a query, not both")
	}
	if len(req.Params) > 0 {
		t, err := sess.Template(req.Template)
		if err != nil {
			return hr, err
		}
		hr.Params = huntkit.Params{}
		for k, v := range req.Params {
			if v == "" {
				continue
			}
			if p := t.Param(k); p != nil && p.Type == query.TypeList {
				var list []string
				for _, x := range strings.Split(v, ",") {
					if x = strings.TrimSpace(x); x != "" {
						list = append(list, x)
					}
				}
				hr.Params[k] = list
				continue
			}
			hr.Params[k] = v
		}
	}
	return hr, nil
}

func (s *Server) runJob(ctx context.Context, j *job, sess *huntkit.Session, hreq huntkit.Request, req runRequest) {
	defer j.cancel()
	f, err := sess.Do(ctx, hreq)
	s.setStatus(sess.Name(), connectErr(err))
	var id string
	if f != nil {
		id = s.addResult(f, j.title, sess.Name())
	}
	j.mu.Lock()
	j.finished, j.err, j.resultID = time.Now(), err, id
	j.mu.Unlock()
	st := step{Kind: stepQuery, Title: j.title, Env: sess.Name(), Template: req.Template, Params: req.Params,
		Text: req.Text, Language: hreq.Language, Start: req.Start, End: req.End, Result: id}
	if f != nil {
		st.Rows, st.Preview = f.Len(), previewOf(f)
	}
	if err != nil {
		st.Error = oneLine(err.Error())
	}
	s.nb.add(context.WithoutCancel(ctx), st)
}

// connectErr keeps the sign-in status honest: only errors from connecting change it.
func connectErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "connect to ") {
		return err
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

func (s *Server) job(id string) (*job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return nil, fmt.Errorf("job %s: %w", id, errNotFound)
	}
	return j, nil
}

func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	j, err := s.job(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	out := map[string]any{"job": j.id, "title": j.title, "state": "running",
		"elapsed": time.Since(j.started).Round(100 * time.Millisecond).String()}
	if !j.finished.IsZero() {
		out["state"] = "done"
		out["elapsed"] = j.finished.Sub(j.started).Round(time.Millisecond).String()
		if j.err != nil {
			out["state"] = "failed"
			if errors.Is(j.err, context.Canceled) {
				out["state"] = "cancelled"
			}
			out["error"] = oneLine(j.err.Error())
		}
		if j.resultID != "" {
			out["result"] = s.resultInfo(j.resultID)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	j, err := s.job(r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	j.cancel()
	writeJSON(w, http.StatusOK, map[string]string{"job": j.id, "state": "cancelling"})
}

func (s *Server) cancelJobs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		j.cancel()
	}
}
