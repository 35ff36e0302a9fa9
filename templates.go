package huntkit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/huntkit/huntkit/query"
)

// ProviderInfo describes a data environment for listing.
type ProviderInfo struct {
	Name        string
	Aliases     []string
	Language    string
	Description string
	Built       bool // a driver is part of this build
	Configured  bool // the configuration holds settings for it
}

// Status is "not built yet", "configured" or "not configured".
func (p ProviderInfo) Status() string {
	switch {
	case !p.Built:
		return "not built yet"
	case p.Configured:
		return "configured"
	}
	return "not configured"
}

// Providers lists every data environment with its names and whether it is built and
// configured, sorted by name.
func (h *Huntkit) Providers() ([]ProviderInfo, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	envs := query.Environments()
	out := make([]ProviderInfo, len(envs))
	for i, e := range envs {
		out[i] = ProviderInfo{Name: e.Name, Aliases: e.Aliases, Language: e.Language, Description: e.Description,
			Built: e.Built(), Configured: e.IsConfigured(cfg)}
	}
	return out, nil
}

// AddQueryDirs adds template folders (or files) after those already in use; the library is
// reloaded on next use. A folder that does not exist is an ErrBadRequest.
func (h *Huntkit) AddQueryDirs(dirs ...string) error {
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			return badRequest(fmt.Errorf("query templates: %w", err))
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queryDirs = append(h.queryDirs, dirs...)
	h.store = nil
	return nil
}

// Templates returns the template library, loaded once: the built-in templates, the
// configuration's QueryDefinitions.Custom folders, then the WithQueryDirs / AddQueryDirs
// folders. Broken files are sent to the warning sink; the rest loads. A template that
// replaces another of the same environment and name (a custom one in place of a built-in
// one) is reported to the warning sink once.
func (h *Huntkit) Templates() (*query.Store, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.store != nil {
		return h.store, nil
	}
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, d := range cfg.QueryPaths() {
		if _, err := os.Stat(d); err != nil {
			h.warnf("QueryDefinitions folder %s: %v", d, err)
			continue
		}
		dirs = append(dirs, d)
	}
	dirs = append(dirs, h.queryDirs...)
	st, err := query.LoadStore(dirs...)
	if st == nil {
		return nil, fmt.Errorf("load query templates: %w", err)
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			h.warnf("%s", line)
		}
	}
	h.noteOverrides(st.Overrides()) // said once: the store is loaded once
	h.store = st
	return st, nil
}

// Filter chooses templates: Env (a name or alias; "" = all) and Pattern, a
// case-insensitive regular expression over names, descriptions, tables and parameter
// names ("" = all).
type Filter struct {
	Env     string
	Pattern string
}

// Queries lists the templates the filter chooses.
func (h *Huntkit) Queries(f Filter) ([]query.Entry, error) {
	var re *regexp.Regexp
	if f.Pattern != "" {
		var err error
		if re, err = regexp.Compile("(?i)" + f.Pattern); err != nil {
			return nil, badRequest(fmt.Errorf("bad search pattern %q: %w", f.Pattern, err))
		}
	}
	st, err := h.Templates()
	if err != nil {
		return nil, err
	}
	if err := checkEnv(st, f.Env); err != nil {
		return nil, err
	}
	if re != nil {
		return st.Search(re, f.Env), nil
	}
	return st.List(f.Env), nil
}

// Template finds a template by Family.name for an environment.
func (h *Huntkit) Template(env, name string) (*query.Template, error) {
	st, err := h.Templates()
	if err != nil {
		return nil, err
	}
	t, err := st.Lookup(env, name)
	return t, badRequest(err)
}

// Help writes a template's description, parameters and query text. With env "" it
// explains every template of that name (one per environment it is defined for).
func (h *Huntkit) Help(w io.Writer, env, name string) error {
	st, err := h.Templates()
	if err != nil {
		return err
	}
	if err := checkEnv(st, env); err != nil {
		return err
	}
	if env != "" {
		t, err := st.Lookup(env, name)
		if err != nil {
			return badRequest(err)
		}
		return t.WriteHelp(w, dialectFor(env, t))
	}
	entries, err := st.LookupAll(name)
	if err != nil {
		return badRequest(err)
	}
	for i, e := range entries {
		if i > 0 {
			fmt.Fprintln(w, "\n"+strings.Repeat("-", 72))
		}
		first, _, _ := strings.Cut(e.Env, ",")
		if err := e.Template.WriteHelp(w, dialectFor(strings.TrimSpace(first), e.Template)); err != nil {
			return err
		}
	}
	return nil
}

// RequiredParams lists the parameters a caller must give for a template: those without a
// default, except the start and end of the query window.
func RequiredParams(t *query.Template) []string {
	var r []string
	for _, p := range t.Params {
		if p.Required() && !(p.Type == query.TypeDatetime && (p.Name == "start" || p.Name == "end")) {
			r = append(r, p.Name)
		}
	}
	return r
}

// checkEnv accepts a registered environment name or alias, or an environment named only by
// templates in the store (msticpy files may name environments huntkit has no driver for).
func checkEnv(st *query.Store, env string) error {
	if env == "" {
		return nil
	}
	_, err := query.LookupEnv(env)
	if err == nil {
		return nil
	}
	for _, n := range st.EnvNames() {
		if strings.EqualFold(n, env) {
			return nil
		}
	}
	return envError(err)
}

// envError marks an unknown-environment error as a bad request; when no name is close
// enough to suggest, it points at the list.
func envError(err error) error {
	var nf *query.NotFoundError
	if errors.As(err, &nf) && len(nf.Suggestions) == 0 {
		err = fmt.Errorf("%w (see huntkit providers)", err)
	}
	return badRequest(err)
}

// dialectFor picks the dialect to explain a template in: the named environment's, else that
// of the template's first registered environment, else KQL.
func dialectFor(env string, t *query.Template) query.Dialect {
	if d := query.DialectFor(t.Language()); d != nil {
		return d
	}
	for _, n := range append([]string{env}, t.Environments...) {
		if n == "" {
			continue
		}
		if e, err := query.LookupEnv(n); err == nil && e.Dialect != nil {
			return e.Dialect
		}
	}
	return query.KQL
}

// noteOverrides says, one line per replacing file, which templates it replaces (a custom
// folder's template in place of a built-in one of the same environment and name).
func (h *Huntkit) noteOverrides(ovs []query.Override) {
	byFile := map[string][]string{}
	builtin := map[string]int{}
	var files []string
	for _, o := range ovs {
		if _, ok := byFile[o.New]; !ok {
			files = append(files, o.New)
		}
		name := o.Env + "." + o.Name
		if !slices.Contains(byFile[o.New], name) {
			byFile[o.New] = append(byFile[o.New], name)
		}
		if o.FromBuiltin {
			builtin[o.New]++
		}
	}
	for _, f := range files {
		names := byFile[f]
		shown := strings.Join(names, ", ")
		if len(names) > 3 {
			shown = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
		}
		what := "templates"
		if builtin[f] > 0 {
			what = "built-in templates"
		}
		h.warnf("%s replaces %d %s of the same name: %s", f, len(names), what, shown)
	}
}
