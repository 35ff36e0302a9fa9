package query

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParamType is the declared type of a template parameter, as msticpy writes it.
type ParamType string

// Parameter types of msticpy's template format.
const (
	TypeStr      ParamType = "str"
	TypeDatetime ParamType = "datetime"
	TypeInt      ParamType = "int"
	TypeFloat    ParamType = "float"
	TypeList     ParamType = "list"
	TypeBool     ParamType = "bool"
)

func parseParamType(s string) (ParamType, bool) {
	switch ParamType(strings.ToLower(strings.TrimSpace(s))) {
	case TypeStr, "string":
		return TypeStr, true
	case TypeDatetime:
		return TypeDatetime, true
	case TypeInt:
		return TypeInt, true
	case TypeFloat:
		return TypeFloat, true
	case TypeList:
		return TypeList, true
	case TypeBool:
		return TypeBool, true
	}
	return "", false
}

// Param is one template parameter after merging the file defaults with the source's own.
type Param struct {
	Name        string
	Type        ParamType
	Description string
	Default     any  // the YAML value of the default (string, int, float64, bool, []any, ...)
	HasDefault  bool // a non-null default is present; otherwise the parameter is required
	Aliases     []string
	Format      string // msticpy's optional "format" template (applied with "{}" = the value)
}

// Required reports whether the parameter has no default.
func (p *Param) Required() bool { return !p.HasDefault }

// Macro is a query macro: $<name>$ in the query text is replaced by Value.
type Macro struct {
	Name        string
	Value       string
	Description string
}

// Template is one query source of a msticpy template file.
type Template struct {
	Name         string   // the source name, e.g. "list_host_logons"
	Families     []string // data families; the template is known as Family.Name in each
	Environments []string // data environments as written in the file
	Description  string
	Query        string // args.query with macros expanded (still with {placeholders})
	RawQuery     string // args.query as written
	Params       []*Param
	Macros       []Macro
	Metadata     map[string]any // file metadata, defaults.metadata and source metadata merged
	Args         map[string]any // the source's args (query, uri, ...)
	Tags         []string
	File         string // the file it came from
	Line         int    // line of the source in File

	segs     []segment
	parseErr error
}

// QualifiedNames returns Family.Name for every family of the template.
func (t *Template) QualifiedNames() []string {
	out := make([]string, 0, len(t.Families))
	for _, f := range t.Families {
		out = append(out, f+"."+t.Name)
	}
	return out
}

// QualifiedName returns Family.Name for the first family (or Name when there is none).
func (t *Template) QualifiedName() string {
	if len(t.Families) == 0 {
		return t.Name
	}
	return t.Families[0] + "." + t.Name
}

// Param returns the parameter called name, or the first parameter with name as an alias, or nil.
func (t *Template) Param(name string) *Param {
	for _, p := range t.Params {
		if p.Name == name {
			return p
		}
	}
	for _, p := range t.Params {
		for _, a := range p.Aliases {
			if a == name {
				return p
			}
		}
	}
	return nil
}

var tableRE = regexp.MustCompile(`^\s*(?:let\s[^;]*;\s*)*([A-Za-z_][A-Za-z0-9_]*)`)

// Tables returns the names the template reads from: metadata data_source, the default of a
// "table" parameter, and the first identifier of the query when it is not a placeholder.
func (t *Template) Tables() []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	if ds, ok := t.Metadata["data_source"].(string); ok {
		add(ds)
	}
	if p := t.Param("table"); p != nil && p.HasDefault {
		add(fmt.Sprint(p.Default))
	}
	if m := tableRE.FindStringSubmatch(t.Query); m != nil {
		add(m[1])
	}
	return out
}

// Language returns the query language the template declares in its metadata ("language" or
// "query_language", a huntkit extension: "kql", "sql", "spl", ...), or "" when it declares none
// and the environment's language applies. Environments such as LocalData run both KQL and SQL,
// so templates written in SQL for them should declare it: the language decides how values are
// escaped.
func (t *Template) Language() string {
	for _, k := range []string{"language", "query_language"} {
		if s, ok := t.Metadata[k].(string); ok && s != "" {
			return strings.ToLower(s)
		}
	}
	return ""
}

// DialectIn returns the dialect to render the template with in env: the template's declared
// language if any, else the environment's dialect, else KQL. An unknown declared language is
// an error.
func (t *Template) DialectIn(env Environment) (Dialect, error) {
	if l := t.Language(); l != "" {
		d := DialectFor(l)
		if d == nil {
			return nil, &SyntaxError{File: t.File, Line: t.Line, Template: t.QualifiedName(),
				Msg: fmt.Sprintf("unknown query language %q (want kql, sql, spl, lucene, sumo, odata or json)", l)}
		}
		return d, nil
	}
	if env.Dialect != nil {
		return env.Dialect, nil
	}
	return KQL, nil
}

// segments returns the parsed query, parsing it now for a Template built as a struct literal.
func (t *Template) segments() ([]segment, error) {
	if t.parseErr != nil {
		return nil, t.parseErr
	}
	if t.segs != nil || t.Query == "" {
		return t.segs, nil
	}
	segs, err := parseFormat(t.Query)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.Template = t.QualifiedName()
		}
	}
	return segs, err
}

// Placeholders returns the distinct placeholder names of the query in order of first use.
func (t *Template) Placeholders() ([]string, error) {
	segs, err := t.segments()
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range segs {
		if s.field != "" && !seen[s.field] {
			seen[s.field] = true
			out = append(out, s.field)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// Loading

// ParseFile reads one template file. file names it in errors. It returns every template that
// loaded, and an error (possibly joining several, each with file:line) for the ones that did not.
func ParseFile(file string, data []byte) ([]*Template, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := yamlErrLine(err)
		msg := cleanYAMLErr(err)
		if line > 0 { // the position goes in front as file:line
			msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		}
		return nil, &SyntaxError{File: file, Line: line, Msg: msg}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &SyntaxError{File: file, Line: 1, Msg: "empty template file"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &SyntaxError{File: file, Line: doc.Line, Msg: "template file must be a mapping with metadata, defaults and sources"}
	}
	var errs []error
	fail := func(n *yaml.Node, format string, args ...any) {
		line := 0
		if n != nil {
			line = n.Line
		}
		errs = append(errs, &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	metaNode := mapGet(doc, "metadata")
	if metaNode == nil || isNull(metaNode) {
		return nil, &SyntaxError{File: file, Line: doc.Line, Msg: "no metadata section"}
	}
	var meta map[string]any
	if err := metaNode.Decode(&meta); err != nil {
		return nil, &SyntaxError{File: file, Line: metaNode.Line, Msg: "metadata: " + cleanYAMLErr(err)}
	}
	envs, ok := stringList(meta["data_environments"])
	if !ok || len(envs) == 0 {
		fail(nodeOr(mapGet(metaNode, "data_environments"), metaNode), "metadata.data_environments: want a name or a list of names")
	}
	if fams, ok := stringList(meta["data_families"]); !ok || len(fams) == 0 {
		fail(nodeOr(mapGet(metaNode, "data_families"), metaNode), "metadata.data_families: want a name or a list of names")
	}

	defaultsNode := mapGet(doc, "defaults")
	var defMeta map[string]any
	defParams := map[string]map[string]any{}
	if defaultsNode != nil && !isNull(defaultsNode) {
		if dm := mapGet(defaultsNode, "metadata"); dm != nil && !isNull(dm) {
			if err := dm.Decode(&defMeta); err != nil {
				fail(dm, "defaults.metadata: %s", cleanYAMLErr(err))
			}
		}
		if dp := mapGet(defaultsNode, "parameters"); dp != nil && !isNull(dp) {
			defParams, _ = decodeParams(dp, "defaults.parameters", fail)
		}
	}

	sourcesNode := mapGet(doc, "sources")
	if sourcesNode == nil || isNull(sourcesNode) || sourcesNode.Kind != yaml.MappingNode || len(sourcesNode.Content) == 0 {
		fail(nodeOr(sourcesNode, doc), "no sources defined")
		return nil, errors.Join(errs...)
	}
	var out []*Template
	for i := 0; i+1 < len(sourcesNode.Content); i += 2 {
		keyN, srcN := sourcesNode.Content[i], resolve(sourcesNode.Content[i+1])
		name := keyN.Value
		if srcN.Kind != yaml.MappingNode {
			fail(keyN, "source %s: want a mapping with description, args and parameters", name)
			continue
		}
		t, err := buildTemplate(file, name, keyN.Line, srcN, meta, defMeta, defParams, fail)
		if err != nil {
			continue
		}
		out = append(out, t)
	}
	return out, errors.Join(errs...)
}

func buildTemplate(file, name string, line int, srcN *yaml.Node, fileMeta, defMeta map[string]any,
	defParams map[string]map[string]any, fail func(*yaml.Node, string, ...any)) (*Template, error) {
	bad := errors.New("bad source")
	t := &Template{Name: name, File: file, Line: line}
	if d := mapGet(srcN, "description"); d != nil && !isNull(d) {
		t.Description = d.Value
	}
	var srcMeta map[string]any
	if m := mapGet(srcN, "metadata"); m != nil && !isNull(m) {
		if err := m.Decode(&srcMeta); err != nil {
			fail(m, "source %s: metadata: %s", name, cleanYAMLErr(err))
			return nil, bad
		}
	}
	t.Metadata = mergeMaps(mergeMaps(mergeMaps(map[string]any{}, fileMeta), defMeta), srcMeta)
	t.Environments, _ = stringList(t.Metadata["data_environments"])
	t.Families, _ = stringList(t.Metadata["data_families"])
	t.Tags, _ = stringList(t.Metadata["tags"])

	argsN := mapGet(srcN, "args")
	if argsN == nil || isNull(argsN) {
		fail(srcN, "source %s: no args.query", name)
		return nil, bad
	}
	if err := argsN.Decode(&t.Args); err != nil {
		fail(argsN, "source %s: args: %s", name, cleanYAMLErr(err))
		return nil, bad
	}
	qN := mapGet(argsN, "query")
	if qN == nil || qN.Kind != yaml.ScalarNode || isNull(qN) {
		fail(nodeOr(qN, argsN), "source %s: args.query must be a string", name)
		return nil, bad
	}
	t.RawQuery = qN.Value

	srcParams := map[string]map[string]any{}
	if pN := mapGet(srcN, "parameters"); pN != nil && !isNull(pN) {
		var ok bool
		if srcParams, ok = decodeParams(pN, "source "+name+": parameters", fail); !ok {
			return nil, bad
		}
	}
	params, perr := mergeParams(defParams, srcParams)
	if perr != "" {
		fail(srcN, "source %s: %s", name, perr)
		return nil, bad
	}
	t.Params = params

	if mN := mapGet(srcN, "query_macros"); mN != nil && !isNull(mN) {
		if mN.Kind != yaml.MappingNode {
			fail(mN, "source %s: query_macros must be a mapping", name)
			return nil, bad
		}
		for i := 0; i+1 < len(mN.Content); i += 2 {
			m := Macro{Name: mN.Content[i].Value}
			v := resolve(mN.Content[i+1])
			if v.Kind == yaml.MappingNode {
				if x := mapGet(v, "value"); x != nil && !isNull(x) {
					m.Value = x.Value
				}
				if x := mapGet(v, "description"); x != nil && !isNull(x) {
					m.Description = x.Value
				}
			} else if !isNull(v) {
				m.Value = v.Value
			}
			t.Macros = append(t.Macros, m)
		}
	}
	t.Query = expandMacros(t.RawQuery, t.Macros)
	t.segs, t.parseErr = parseFormat(t.Query)
	if t.parseErr != nil {
		var se *SyntaxError
		if errors.As(t.parseErr, &se) {
			se.File, se.Line, se.Template = file, line, t.QualifiedName()
		}
	}
	return t, nil
}

var macroRE = regexp.MustCompile(`\$<([^>]+)>\$?`)

// expandMacros replaces $<name>$ with the macro's value (empty when undefined, as msticpy does)
// and then turns escaped \$< into $<.
func expandMacros(q string, macros []Macro) string {
	if !strings.Contains(q, "$<") {
		return q
	}
	vals := map[string]string{}
	for _, m := range macros {
		vals[m.Name] = m.Value
	}
	out := q
	var b strings.Builder
	last := 0
	for _, m := range macroRE.FindAllStringSubmatchIndex(out, -1) {
		if m[0] > 0 && out[m[0]-1] == '\\' {
			continue
		}
		b.WriteString(out[last:m[0]])
		b.WriteString(vals[out[m[2]:m[3]]])
		last = m[1]
	}
	b.WriteString(out[last:])
	return strings.ReplaceAll(b.String(), `\$<`, "$<")
}

// decodeParams reads a parameters mapping into name -> property map, reporting bad entries.
func decodeParams(n *yaml.Node, where string, fail func(*yaml.Node, string, ...any)) (map[string]map[string]any, bool) {
	out := map[string]map[string]any{}
	ok := true
	fail0 := fail
	fail = func(n *yaml.Node, format string, args ...any) {
		ok = false
		fail0(n, format, args...)
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		fail(n, "%s must be a mapping", where)
		return out, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		props := map[string]any{}
		if !isNull(v) {
			if err := v.Decode(&props); err != nil {
				fail(k, "%s.%s: %s", where, k.Value, cleanYAMLErr(err))
				continue
			}
		}
		if ty, ok := props["type"]; ok {
			s, _ := ty.(string)
			if _, ok := parseParamType(s); !ok {
				fail(nodeOr(mapGet(v, "type"), k), "%s.%s: unknown type %v (want str, datetime, int, float, list or bool)", where, k.Value, ty)
				continue
			}
		}
		if a, ok := props["aliases"]; ok && a != nil {
			if _, ok := stringList(a); !ok {
				fail(nodeOr(mapGet(v, "aliases"), k), "%s.%s: aliases must be a name or a list of names", where, k.Value)
				continue
			}
		}
		out[k.Value] = props
	}
	return out, ok
}

// mergeParams combines default and source parameters (source properties override) in a stable
// order: source parameters first, then the defaults, each sorted by name.
func mergeParams(def, src map[string]map[string]any) ([]*Param, string) {
	merged := map[string]map[string]any{}
	for k, v := range def {
		merged[k] = mergeMaps(map[string]any{}, v)
	}
	for k, v := range src {
		if merged[k] == nil {
			merged[k] = map[string]any{}
		}
		merged[k] = mergeMaps(merged[k], v)
	}
	names := make([]string, 0, len(merged))
	for k := range merged {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		_, si := src[names[i]]
		_, sj := src[names[j]]
		_, di := def[names[i]]
		_, dj := def[names[j]]
		ri, rj := si && !di, sj && !dj // source-only parameters first
		if ri != rj {
			return ri
		}
		return names[i] < names[j]
	})
	var out []*Param
	for _, n := range names {
		props := merged[n]
		p := &Param{Name: n, Type: TypeStr}
		if ty, ok := props["type"].(string); ok {
			p.Type, _ = parseParamType(ty)
		} else {
			return nil, fmt.Sprintf("parameter %s has no type", n)
		}
		if d, ok := props["description"]; ok && d != nil {
			p.Description = fmt.Sprint(d)
		}
		if d, ok := props["default"]; ok && d != nil {
			p.Default, p.HasDefault = d, true
		}
		if a, ok := props["aliases"]; ok && a != nil {
			p.Aliases, _ = stringList(a)
		}
		if f, ok := props["format"].(string); ok {
			p.Format = f
		}
		out = append(out, p)
	}
	return out, ""
}

// mergeMaps merges src into dst recursively (src wins) and returns dst.
func mergeMaps(dst, src map[string]any) map[string]any {
	if dst == nil {
		dst = map[string]any{}
	}
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				dst[k] = mergeMaps(mergeMaps(map[string]any{}, dm), sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

// stringList accepts a string or a list of scalars.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			switch e.(type) {
			case map[string]any, []any, nil:
				return nil, false
			}
			out = append(out, fmt.Sprint(e))
		}
		return out, true
	}
	return nil, false
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func nodeOr(n, alt *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return alt
}

// mapGet returns the value node for key in a mapping node (following aliases and << merges).
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag == "!!merge" || n.Content[i].Value == "<<" {
			m := resolve(n.Content[i+1])
			if m.Kind == yaml.SequenceNode {
				for _, e := range m.Content {
					if v := mapGet(e, key); v != nil {
						return v
					}
				}
			} else if v := mapGet(m, key); v != nil {
				return v
			}
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return n
	}
	return 0
}

func cleanYAMLErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	s = strings.ReplaceAll(s, "\n", "; ")
	return s
}

// LoadFS loads every .yaml and .yml file under dir in fsys (recursively, in name order).
// Templates from good files and sources are returned even when others fail; the error joins
// every problem found, each naming file:line.
func LoadFS(fsys fs.FS, dir string) ([]*Template, error) {
	return loadFS(fsys, dir, func(p string) string { return p })
}

// LoadDir loads every template file under the folder path (recursively). Errors name files by
// their path on disk.
func LoadDir(dir string) ([]*Template, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("query templates: %w", err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(dir)
		if err != nil {
			return nil, fmt.Errorf("query templates: %w", err)
		}
		return ParseFile(dir, data)
	}
	return loadFS(os.DirFS(dir), ".", func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) })
}

func loadFS(fsys fs.FS, dir string, display func(string) string) ([]*Template, error) {
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query templates in %s: %w", display(dir), err)
	}
	sort.Strings(files)
	var out []*Template
	var errs []error
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", display(f), err))
			continue
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		ts, err := ParseFile(display(f), data)
		out = append(out, ts...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// NewTemplate builds a template from query text and parameter definitions (for programs that
// make templates without a YAML file). The query uses the same {name} placeholders.
func NewTemplate(family, name, queryText string, params ...*Param) (*Template, error) {
	t := &Template{Name: name, Query: queryText, RawQuery: queryText, Params: params, Metadata: map[string]any{}}
	if family != "" {
		t.Families = []string{family}
	}
	for _, p := range params {
		if p.Type == "" {
			p.Type = TypeStr
		}
		if _, ok := parseParamType(string(p.Type)); !ok {
			return nil, &SyntaxError{Template: t.QualifiedName(), Msg: fmt.Sprintf("parameter %s: unknown type %q", p.Name, p.Type)}
		}
	}
	t.segs, t.parseErr = parseFormat(queryText)
	if t.parseErr != nil {
		var se *SyntaxError
		if errors.As(t.parseErr, &se) {
			se.Template = t.QualifiedName()
		}
		return nil, t.parseErr
	}
	return t, nil
}
