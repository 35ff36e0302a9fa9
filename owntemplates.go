package huntkit

import (
	"context"
	"fmt"
	"regexp"

	"github.com/huntkit/huntkit/query"
)

// OwnQueries connects the session and returns the templates its service keeps itself
// (query.Templater: Splunk's saved searches, family "SavedSearches") matching pattern (a
// case-insensitive regular expression; "" = all). Once listed they run by name like the
// library's templates (Run, Do, PrepareContext). An environment whose driver keeps none
// returns none.
func (s *Session) OwnQueries(ctx context.Context, pattern string) ([]query.Entry, error) {
	var re *regexp.Regexp
	if pattern != "" {
		var err error
		if re, err = regexp.Compile("(?i)" + pattern); err != nil {
			return nil, badRequest(fmt.Errorf("bad search pattern %q: %w", pattern, err))
		}
	}
	st, err := s.ownStore(ctx)
	if err != nil || st == nil {
		return nil, err
	}
	if re != nil {
		return st.Search(re, s.env.Name), nil
	}
	return st.List(s.env.Name), nil
}

// ownStore lists the driver's own templates once per session.
func (s *Session) ownStore(ctx context.Context) (*query.Store, error) {
	if !s.env.OwnTemplates {
		return nil, nil
	}
	s.mu.Lock()
	st := s.own
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	drv, err := s.driver(ctx)
	if err != nil {
		return nil, err
	}
	tl, ok := drv.(query.Templater)
	if !ok {
		return nil, nil
	}
	ts, err := tl.Templates(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s templates: %w", s.env.Name, err)
	}
	st = query.NewStore()
	st.Add(ts...)
	s.mu.Lock()
	s.own = st
	s.mu.Unlock()
	return st, nil
}

// ownTemplate finds a template among those already listed by OwnQueries.
func (s *Session) ownTemplate(name string) *query.Template {
	s.mu.Lock()
	st := s.own
	s.mu.Unlock()
	if st == nil {
		return nil
	}
	t, err := st.Lookup(s.env.Name, name)
	if err != nil {
		return nil
	}
	return t
}

// PrepareContext is Prepare that may ask the service: a template name the library does not
// hold is looked up among the service's own templates (connecting first).
func (s *Session) PrepareContext(ctx context.Context, r Request) (query.Request, error) {
	if r.Template != "" && r.Text == "" && s.env.OwnTemplates && s.ownTemplate(r.Template) == nil {
		if _, err := s.hk.Template(s.env.Name, r.Template); err != nil {
			if _, lerr := s.ownStore(ctx); lerr != nil {
				return query.Request{}, lerr
			}
		}
	}
	return s.Prepare(r)
}

// QueriesContext is Queries plus, for a configured environment named by f.Env whose service
// keeps templates of its own, those templates (its session is connected for it). Failing
// to reach the service is a warning; the library's templates are still listed.
func (h *Huntkit) QueriesContext(ctx context.Context, f Filter) ([]query.Entry, error) {
	entries, err := h.Queries(f)
	if err != nil || f.Env == "" {
		return entries, err
	}
	env, err := query.LookupEnv(f.Env)
	if err != nil || !env.OwnTemplates || !env.Built() {
		return entries, nil
	}
	cfg, err := h.Config()
	if err != nil || !env.IsConfigured(cfg) {
		return entries, err
	}
	s, err := h.Provider(env.Name)
	if err != nil {
		return entries, err
	}
	defer s.Close()
	own, err := s.OwnQueries(ctx, f.Pattern)
	if err != nil {
		h.warnf("%s: its own templates are not listed: %v", env.Name, err)
		return entries, nil
	}
	return append(entries, own...), nil
}
