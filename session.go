package huntkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Params are template parameter values: strings as typed on a command line (datetime
// parameters accept msticpy time expressions such as "-3d@d", "now" or ISO-8601),
// time.Time, numbers, bools, or []string for lists.
type Params map[string]any

// Window is a query window as two time expressions (ISO-8601, "now", "-3d@d", "-2h", or a
// number of days); "" leaves an end open to its default (end: now, start: end - 1 day).
type Window struct {
	Start, End string
}

// Between returns the window from start to end.
func Between(start, end time.Time) Window {
	return Window{Start: start.UTC().Format(time.RFC3339Nano), End: end.UTC().Format(time.RFC3339Nano)}
}

// IsZero reports whether neither end is given.
func (w Window) IsZero() bool { return w.Start == "" && w.End == "" }

// Request is one query for a Session: a template with parameters, or ad-hoc text.
type Request struct {
	// Template is a template name (Family.name). Params are its parameter values; Window,
	// when given, fills its start and end parameters.
	Template string
	Params   Params
	// Text is an ad-hoc query in Language ("kql", "sql"; "" = the environment's language).
	// A Window given with it keeps only rows inside the window in every table it reads.
	Text     string
	Language string
	Window   Window
	// Now is the time relative expressions are read against (zero: the Huntkit's clock).
	Now time.Time
}

func (r Request) now(h *Huntkit) time.Time {
	if !r.Now.IsZero() {
		return r.Now
	}
	return h.Now()
}

// SessionOption configures a Session.
type SessionOption func(*Session)

// WithData adds data folders or files for local environments (LocalData, OTRF, ...), after
// those the configuration names.
func WithData(paths ...string) SessionOption {
	return func(s *Session) { s.data = append(s.data, paths...) }
}

// WithOptions passes per-command driver settings by name to the environment's driver
// (query.Settings.Options): for the cloud drivers "workspace-name", "auth", "timeout",
// "split", "fail-on-partial" and "interactive". Empty values are left out.
func WithOptions(opts map[string]string) SessionOption {
	return func(s *Session) {
		for k, v := range opts {
			if v == "" {
				continue
			}
			if s.options == nil {
				s.options = map[string]string{}
			}
			s.options[k] = v
		}
	}
}

// WithMapping names a table mapping for LocalData: a YAML file, or a built-in mapping by
// name ("otrf"). Each mapped table (SecurityEvent, ...) is a view over the data files with
// the mapped columns under their Sentinel names (TimeGenerated from TimeCreated, ...), so
// templates written for Sentinel run on other schemas; see provider/localdata/README.md.
// It overrides the config's DataProviders.LocalData.Args.Mappings. Other environments
// refuse it (Provider returns an ErrBadRequest).
func WithMapping(file string) SessionOption {
	return WithOptions(map[string]string{"map": file})
}

// Session is one data environment: it makes the driver on first use, connects it, runs
// templates and ad-hoc queries, and gathers the driver's warnings. It is safe for
// concurrent use.
type Session struct {
	hk      *Huntkit
	env     query.Environment
	data    []string
	options map[string]string

	mu       sync.Mutex
	drv      query.Driver
	warnings []error
	seen     map[string]bool
	closed   bool
	own      *query.Store // the service's own templates, once listed (owntemplates.go)
}

// Provider returns a Session for the data environment called name (a name or alias as
// listed by Providers). An unknown name is an ErrBadRequest matching query.ErrUnknownEnv,
// with the closest names suggested. Nothing is connected until Connect or the first query.
func (h *Huntkit) Provider(name string, opts ...SessionOption) (*Session, error) {
	env, err := query.LookupEnv(name)
	if err != nil {
		return nil, envError(err)
	}
	s := &Session{hk: h, env: env, seen: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	if s.options["map"] != "" && env.Name != localdata.Name {
		return nil, fmt.Errorf("%w: a table mapping (--map) applies to %s, not %s", ErrBadRequest, localdata.Name, env.Name)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("huntkit: Provider called after Close")
	}
	h.sessions = append(h.sessions, s)
	return s, nil
}

// Name is the environment's canonical name.
func (s *Session) Name() string { return s.env.Name }

// Environment describes the data environment.
func (s *Session) Environment() query.Environment { return s.env }

// Connect makes the driver and connects it (authentication for remote environments). It is
// done once; queries call it when needed. An environment without a driver in this build
// gives an error matching query.ErrNotBuilt.
func (s *Session) Connect(ctx context.Context) error {
	_, err := s.driver(ctx)
	return err
}

func (s *Session) driver(ctx context.Context) (query.Driver, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("data environment %s: session closed", s.env.Name)
	}
	if s.drv != nil {
		return s.drv, nil
	}
	if !s.env.Built() {
		return nil, &query.NotBuiltError{Env: s.env.Name}
	}
	cfg, err := s.hk.Config()
	if err != nil {
		return nil, err
	}
	ws, err := s.hk.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	drv, err := s.env.New(ctx, query.Settings{Config: cfg, DataPaths: s.data, Workspace: ws, Options: s.options,
		Progress: s.hk.startProgress})
	if err != nil {
		return nil, fmt.Errorf("data environment %s: %w", s.env.Name, err)
	}
	if c, ok := drv.(query.Connector); ok {
		if err := c.Connect(ctx); err != nil {
			if cl, ok := drv.(io.Closer); ok {
				_ = cl.Close()
			}
			return nil, fmt.Errorf("connect to %s: %w", s.env.Name, err)
		}
	}
	s.drv = drv
	return drv, nil
}

// Prepare turns a Request into the query the driver runs, without running it: a template
// is rendered with its parameters bound safely in the environment's dialect. Mistakes in
// the request are ErrBadRequest errors.
func (s *Session) Prepare(r Request) (query.Request, error) {
	if r.Text != "" {
		return s.adhoc(r)
	}
	if r.Template == "" {
		return query.Request{}, badRequest(fmt.Errorf("name a template (Family.name) or give a query; see 'huntkit queries --env %s'", s.env.Name))
	}
	t, err := s.hk.Template(s.env.Name, r.Template)
	if err != nil {
		if t = s.ownTemplate(r.Template); t == nil {
			return query.Request{}, err
		}
	}
	values := make(map[string]any, len(r.Params)+2)
	for k, v := range r.Params {
		values[k] = v
	}
	for name, v := range map[string]string{"start": r.Window.Start, "end": r.Window.End} {
		if v == "" {
			continue
		}
		if _, dup := values[name]; dup {
			return query.Request{}, badRequest(fmt.Errorf("window %s (--%s) and parameter %s both given", name, name, name))
		}
		if p := t.Param(name); p != nil && p.Type == query.TypeDatetime {
			values[name] = v
		} else {
			s.warnf("template %s has no %s parameter; the window's %s (--%s) is ignored", t.QualifiedName(), name, name, name)
		}
	}
	d, err := t.DialectIn(s.env)
	if err != nil {
		return query.Request{}, badRequest(err)
	}
	req, err := t.Render(d, values, query.WithNow(r.now(s.hk)))
	return req, badRequest(err)
}

func (s *Session) adhoc(r Request) (query.Request, error) {
	if r.Template != "" {
		return query.Request{}, badRequest(errors.New("give a template name or a query, not both"))
	}
	if len(r.Params) > 0 {
		return query.Request{}, badRequest(errors.New("parameters (--param) apply to templates, not to ad-hoc queries (--sql / --kql)"))
	}
	req := query.Request{Text: r.Text, Language: r.Language}
	if req.Language == "" {
		req.Language = s.env.Language
	}
	if !r.Window.IsZero() {
		start, end, err := query.Window(r.Window.Start, r.Window.End, r.now(s.hk))
		if err != nil {
			return query.Request{}, badRequest(err)
		}
		req.Start, req.End, req.Bounded = start, end, true
	}
	return req, nil
}

// Execute runs a prepared query, connecting first when needed. Warnings the driver reports
// (for example a data file that failed to import) go to the warning sink and Warnings.
func (s *Session) Execute(ctx context.Context, req query.Request) (*frame.Frame, error) {
	drv, err := s.driver(ctx)
	if err != nil {
		return nil, err
	}
	f, err := drv.Query(ctx, req)
	s.collect(drv)
	if err != nil {
		return f, fmt.Errorf("query %s: %w", s.env.Name, err)
	}
	return f, nil
}

// Do prepares and runs r.
func (s *Session) Do(ctx context.Context, r Request) (*frame.Frame, error) {
	req, err := s.PrepareContext(ctx, r)
	if err != nil {
		return nil, err
	}
	return s.Execute(ctx, req)
}

// Run renders the template name (Family.name) with params and runs it.
func (s *Session) Run(ctx context.Context, name string, params Params) (*frame.Frame, error) {
	return s.Do(ctx, Request{Template: name, Params: params})
}

// Query runs ad-hoc text in the environment's language; a non-zero window keeps only rows
// inside it.
func (s *Session) Query(ctx context.Context, text string, w Window) (*frame.Frame, error) {
	return s.Do(ctx, Request{Text: text, Window: w})
}

// Queries lists the environment's templates matching pattern (a case-insensitive regular
// expression; "" = all).
func (s *Session) Queries(pattern string) ([]query.Entry, error) {
	return s.hk.Queries(Filter{Env: s.env.Name, Pattern: pattern})
}

// Template finds one of the environment's templates.
func (s *Session) Template(name string) (*query.Template, error) {
	return s.hk.Template(s.env.Name, name)
}

// Help writes a template's description, parameters and query text.
func (s *Session) Help(w io.Writer, name string) error {
	return s.hk.Help(w, s.env.Name, name)
}

// ErrNoSchema is returned by Schema when the environment cannot list its tables.
var ErrNoSchema = errors.New("the environment cannot list its tables")

// Schema lists the environment's tables and their columns.
func (s *Session) Schema(ctx context.Context) (map[string][]frame.Field, error) {
	drv, err := s.driver(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := drv.(query.Schemaer)
	if !ok {
		return nil, fmt.Errorf("data environment %s: %w", s.env.Name, ErrNoSchema)
	}
	m, err := sc.Schema(ctx)
	s.collect(drv)
	return m, err
}

// Warnings returns every warning the driver reported in this session, oldest first.
func (s *Session) Warnings() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.warnings...)
}

// Save keeps f as a table in the investigation workspace (replacing a table of that name).
func (s *Session) Save(ctx context.Context, f *frame.Frame, table string) error {
	return s.hk.Save(ctx, f, table)
}

// Close closes the driver when it holds resources. The Session cannot be used afterwards.
func (s *Session) Close() error {
	s.mu.Lock()
	drv := s.drv
	s.drv, s.closed = nil, true
	s.mu.Unlock()
	s.hk.forget(s)
	if c, ok := drv.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// collect records the driver's new warnings.
func (s *Session) collect(drv query.Driver) {
	w, ok := drv.(query.Warner)
	if !ok {
		return
	}
	var fresh []error
	s.mu.Lock()
	for _, err := range w.Warnings() {
		if k := err.Error(); !s.seen[k] {
			s.seen[k] = true
			s.warnings = append(s.warnings, err)
			fresh = append(fresh, err)
		}
	}
	s.mu.Unlock()
	for _, err := range fresh {
		s.warnf("%v", err)
	}
}

func (s *Session) warnf(format string, args ...any) {
	s.hk.warnf("%s: "+format, append([]any{s.env.Name}, args...)...)
}

// forget drops a closed session from the list Close walks.
func (h *Huntkit) forget(s *Session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.sessions {
		if x == s {
			h.sessions = append(h.sessions[:i], h.sessions[i+1:]...)
			return
		}
	}
}

// Sessions returns the names of the open sessions' environments, sorted.
func (h *Huntkit) Sessions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, len(h.sessions))
	for i, s := range h.sessions {
		out[i] = s.env.Name
	}
	sort.Strings(out)
	return out
}
