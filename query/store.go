package query

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/huntkit/huntkit/internal/suggest"
)

// Store indexes templates by data environment and by Family.name. Templates added later
// replace earlier ones with the same environment and name (custom folders override the
// built-in library, as in msticpy).
type Store struct {
	mu      sync.RWMutex
	byEnv   map[string]map[string]*Template // canonical env (lower) -> qualified name (lower) -> template
	envName map[string]string               // canonical env (lower) -> display name
	order   []*Template
	shadow  []Override
}

// Override records a template that replaced another of the same environment and name: a
// custom folder's template in place of a built-in one, say.
type Override struct {
	Env, Name   string
	Old, New    string // the sources (file paths; "builtin:..." for the built-in library)
	FromBuiltin bool   // Old is a built-in template
}

// String says what replaced what, in one line.
func (o Override) String() string {
	what := "template"
	if o.FromBuiltin {
		what = "built-in template"
	}
	return fmt.Sprintf("%s %s.%s (%s) is replaced by %s", what, o.Env, o.Name, o.Old, o.New)
}

// Overrides lists the templates replaced by later ones with the same environment and name
// (each once), so callers can say so instead of replacing silently.
func (s *Store) Overrides() []Override {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Override(nil), s.shadow...)
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{byEnv: map[string]map[string]*Template{}, envName: map[string]string{}}
}

// Entry is one template under one of its names in one environment.
type Entry struct {
	Env      string // canonical environment name
	Name     string // Family.name
	Template *Template
}

// Add indexes templates under every environment and family they name. Environment names and
// aliases are resolved through the registry; names not registered are kept as written.
func (s *Store) Add(ts ...*Template) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		s.order = append(s.order, t)
		for _, env := range t.Environments {
			canon := CanonicalEnv(env)
			key := strings.ToLower(canon)
			if s.byEnv[key] == nil {
				s.byEnv[key] = map[string]*Template{}
				s.envName[key] = canon
			}
			noted := false
			for _, qn := range t.QualifiedNames() {
				lk := strings.ToLower(qn)
				if old := s.byEnv[key][lk]; old != nil && old != t && !noted {
					noted = true
					s.shadow = append(s.shadow, Override{Env: canon, Name: qn, Old: old.File, New: t.File,
						FromBuiltin: strings.HasPrefix(old.File, "builtin:")})
				}
				s.byEnv[key][lk] = t
			}
		}
	}
}

// LoadFS adds the templates under dir in fsys; see the package function LoadFS.
func (s *Store) LoadFS(fsys fs.FS, dir string) error {
	ts, err := LoadFS(fsys, dir)
	s.Add(ts...)
	return err
}

// LoadDir adds the templates under a folder (or one file); see the package function LoadDir.
func (s *Store) LoadDir(dir string) error {
	ts, err := LoadDir(dir)
	s.Add(ts...)
	return err
}

// Len returns the number of template names over all environments.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.byEnv {
		n += len(m)
	}
	return n
}

// EnvNames returns the environments that have templates, sorted.
func (s *Store) EnvNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, n := range s.envName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// List returns the entries for env (any name or alias; "" = every environment), sorted by
// environment and name.
func (s *Store) List(env string) []Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Entry
	for key, m := range s.byEnv {
		if env != "" && key != strings.ToLower(CanonicalEnv(env)) {
			continue
		}
		for _, t := range m {
			for _, qn := range t.QualifiedNames() {
				if m[strings.ToLower(qn)] == t {
					out = append(out, Entry{Env: s.envName[key], Name: qn, Template: t})
				}
			}
		}
	}
	// a template with several families appears once per family; dedupe identical pairs
	sort.Slice(out, func(i, j int) bool {
		if out[i].Env != out[j].Env {
			return out[i].Env < out[j].Env
		}
		return out[i].Name < out[j].Name
	})
	dedup := out[:0]
	for i, e := range out {
		if i > 0 && e.Env == out[i-1].Env && e.Name == out[i-1].Name {
			continue
		}
		dedup = append(dedup, e)
	}
	return dedup
}

// Search returns the entries of env ("" = all) whose name, description, tables or parameter
// names match re.
func (s *Store) Search(re *regexp.Regexp, env string) []Entry {
	var out []Entry
	for _, e := range s.List(env) {
		if matches(re, e) {
			out = append(out, e)
		}
	}
	return out
}

func matches(re *regexp.Regexp, e Entry) bool {
	t := e.Template
	if re.MatchString(e.Name) || re.MatchString(t.Description) {
		return true
	}
	for _, tb := range t.Tables() {
		if re.MatchString(tb) {
			return true
		}
	}
	for _, p := range t.Params {
		if re.MatchString(p.Name) {
			return true
		}
		for _, a := range p.Aliases {
			if re.MatchString(a) {
				return true
			}
		}
	}
	return false
}

// Lookup finds a template by Family.name (case-insensitive) in env. With env "" the name must
// be unique across environments (the same template listed under several environments counts
// once). An unknown name gives a *NotFoundError suggesting the closest names.
func (s *Store) Lookup(env, name string) (*Template, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ln := strings.ToLower(strings.TrimSpace(name))
	var cands []string
	if env != "" {
		key := strings.ToLower(CanonicalEnv(env))
		if t := s.byEnv[key][ln]; t != nil {
			return t, nil
		}
		for _, t := range s.byEnv[key] {
			cands = append(cands, t.QualifiedNames()...)
		}
		if len(s.byEnv[key]) == 0 {
			return nil, &NotFoundError{Kind: kindTemplate, Name: name, Env: CanonicalEnv(env),
				Suggestions: s.otherEnvs(ln)}
		}
		return nil, &NotFoundError{Kind: kindTemplate, Name: name, Env: CanonicalEnv(env), Suggestions: suggestNames(name, cands)}
	}
	var found []*Template
	var envs []string
	for key, m := range s.byEnv {
		if t := m[ln]; t != nil {
			dup := false
			for _, f := range found {
				if f == t {
					dup = true
				}
			}
			if !dup {
				found = append(found, t)
			}
			envs = append(envs, s.envName[key])
		}
		for _, t := range m {
			cands = append(cands, t.QualifiedNames()...)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, &NotFoundError{Kind: kindTemplate, Name: name, Suggestions: suggestNames(name, cands)}
	}
	sort.Strings(envs)
	return nil, fmt.Errorf("query template %s is defined for several environments (%s); name one: %w",
		name, strings.Join(envs, ", "), ErrAmbiguous)
}

// LookupAll returns every distinct template called name (Family.name, case-insensitive) in
// any environment, as entries listing the environments of each. An unknown name gives a
// *NotFoundError suggesting the closest names.
func (s *Store) LookupAll(name string) ([]Entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ln := strings.ToLower(strings.TrimSpace(name))
	var out []Entry
	var cands []string
	idx := map[*Template]int{}
	keys := make([]string, 0, len(s.byEnv))
	for k := range s.byEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		m := s.byEnv[key]
		if t := m[ln]; t != nil {
			if i, ok := idx[t]; ok {
				out[i].Env += ", " + s.envName[key]
			} else {
				idx[t] = len(out)
				qn := name
				for _, q := range t.QualifiedNames() {
					if strings.EqualFold(q, name) {
						qn = q
					}
				}
				out = append(out, Entry{Env: s.envName[key], Name: qn, Template: t})
			}
		}
		for _, t := range m {
			cands = append(cands, t.QualifiedNames()...)
		}
	}
	if len(out) == 0 {
		return nil, &NotFoundError{Kind: kindTemplate, Name: name, Suggestions: suggestNames(name, cands)}
	}
	return out, nil
}

// otherEnvs returns "Env" suggestions where the name exists in another environment.
func (s *Store) otherEnvs(ln string) []string {
	var out []string
	for key, m := range s.byEnv {
		if t := m[ln]; t != nil {
			out = append(out, s.envName[key]+" "+t.QualifiedName())
		}
	}
	sort.Strings(out)
	return out
}

// suggestNames ranks template names: by full name, and by the part after the family.
func suggestNames(name string, cands []string) []string {
	sug := suggest.Ranked(name, cands, 3)
	if len(sug) > 0 {
		return sug
	}
	short := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		short = name[i+1:]
	}
	byShort := map[string][]string{}
	var shorts []string
	seen := map[string]bool{}
	for _, c := range cands {
		if seen[c] { // the same name listed under several environments
			continue
		}
		seen[c] = true
		sc := c[strings.LastIndexByte(c, '.')+1:]
		if byShort[sc] == nil {
			shorts = append(shorts, sc)
		}
		byShort[sc] = append(byShort[sc], c)
	}
	for _, s := range suggest.Ranked(short, shorts, 3) {
		sort.Strings(byShort[s])
		sug = append(sug, byShort[s]...)
	}
	if len(sug) > 5 {
		sug = sug[:5]
	}
	return sug
}

// builtin template libraries registered by data packages (the embedded queries/ folder).
var builtins struct {
	mu   sync.Mutex
	libs []builtinLib
}

type builtinLib struct {
	fsys fs.FS
	dir  string
}

// RegisterBuiltin adds an embedded template library (a //go:embed folder) that LoadStore
// loads before any custom folder. Call it from the embedding package's init().
func RegisterBuiltin(fsys fs.FS, dir string) {
	builtins.mu.Lock()
	defer builtins.mu.Unlock()
	builtins.libs = append(builtins.libs, builtinLib{fsys, dir})
}

// LoadStore builds a store from the built-in libraries and then the custom folders in order
// (later folders override earlier templates of the same environment and name). Templates that
// load are kept even when some files fail; the error joins every problem.
func LoadStore(customDirs ...string) (*Store, error) {
	s := NewStore()
	var errs []error
	builtins.mu.Lock()
	libs := append([]builtinLib(nil), builtins.libs...)
	builtins.mu.Unlock()
	for _, l := range libs {
		ts, err := loadFS(l.fsys, l.dir, func(p string) string { return "builtin:" + p })
		s.Add(ts...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range customDirs {
		if err := s.LoadDir(d); err != nil {
			errs = append(errs, err)
		}
	}
	return s, errors.Join(errs...)
}
