package query

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/internal/testdata"
)

// sharedTemplatesDir returns the msticpy template folder (skips or fails when absent).
func sharedTemplatesDir(t testing.TB) string {
	return testdata.Shared(t, "msticpy/query-templates")
}

// expectedSources reads a template file with a plain YAML decode (independently of the
// loader) and returns source name -> families.
func expectedSources(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata map[string]any            `yaml:"metadata"`
		Sources  map[string]map[string]any `yaml:"sources"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	asList := func(v any) []string {
		switch x := v.(type) {
		case string:
			return []string{x}
		case []any:
			var out []string
			for _, e := range x {
				out = append(out, e.(string))
			}
			return out
		}
		return nil
	}
	out := map[string][]string{}
	for name, src := range doc.Sources {
		fams := asList(doc.Metadata["data_families"])
		if m, ok := src["metadata"].(map[string]any); ok && m["data_families"] != nil {
			fams = asList(m["data_families"])
		}
		out[name] = fams
	}
	return out
}

func TestLoadSharedTemplatesUnchanged(t *testing.T) {
	dir := sharedTemplatesDir(t)
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 10 {
		t.Fatalf("found only %d template files in %s", len(files), dir)
	}
	all, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	byFile := map[string]map[string]*Template{}
	for _, tm := range all {
		if byFile[tm.File] == nil {
			byFile[tm.File] = map[string]*Template{}
		}
		byFile[tm.File][tm.Name] = tm
	}
	store := NewStore()
	store.Add(all...)
	listed := map[string]bool{}
	for _, e := range store.List("") {
		listed[e.Name] = true
	}
	total := 0
	for _, f := range files {
		want := expectedSources(t, f)
		got := byFile[f]
		if len(got) != len(want) {
			t.Errorf("%s: loaded %d sources, want %d", f, len(got), len(want))
		}
		for name, fams := range want {
			total++
			tm := got[name]
			if tm == nil {
				t.Errorf("%s: source %s not loaded", f, name)
				continue
			}
			if strings.Join(tm.Families, ",") != strings.Join(fams, ",") {
				t.Errorf("%s %s: families %v, want %v", f, name, tm.Families, fams)
			}
			for _, fam := range fams {
				if !listed[fam+"."+name] {
					t.Errorf("store does not list %s.%s", fam, name)
				}
			}
			if tm.Line <= 0 {
				t.Errorf("%s %s: no line number", f, name)
			}
			if _, err := tm.Placeholders(); err != nil {
				t.Errorf("%s %s: %v", f, name, err)
			}
		}
	}
	if total != len(all) {
		t.Errorf("loaded %d templates, files define %d", len(all), total)
	}
}

func TestSampleComplete(t *testing.T) {
	path := filepath.Join(sharedTemplatesDir(t), "valid", "sample_complete.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := ParseFile(path, data)
	if err != nil || len(ts) != 1 {
		t.Fatalf("ParseFile: %d templates, %v", len(ts), err)
	}
	tm := ts[0]
	if tm.Name != "query1" || tm.Description != "Description for the first query" || tm.Query != "MyQuery" {
		t.Errorf("template = %+v", tm)
	}
	// source metadata overrides the file's
	if strings.Join(tm.Families, ",") != "SecurityAlert" || strings.Join(tm.Environments, ",") != "MyEnvironment" {
		t.Errorf("families %v envs %v", tm.Families, tm.Environments)
	}
	if tm.Metadata["cluster"] != "MyCluster" || tm.Metadata["database"] != "MyDatabase" || tm.Metadata["top"] != 42 {
		t.Errorf("metadata = %v", tm.Metadata)
	}
	if tm.Args["uri"] != "https://microsoft.com/" {
		t.Errorf("args = %v", tm.Args)
	}
	if len(tm.Macros) != 1 || tm.Macros[0].Name != "macro1" || tm.Macros[0].Value != "MyMacroValue" {
		t.Errorf("macros = %+v", tm.Macros)
	}
	want := map[string]struct {
		typ     ParamType
		def     bool
		aliases string
	}{
		"parameter1": {TypeStr, true, "param1,p1"},
		"parameter2": {TypeDatetime, true, "param2"},
		"parameter3": {TypeInt, false, ""},
		"parameter4": {TypeFloat, false, ""},
		"parameter5": {TypeList, false, ""},
	}
	if len(tm.Params) != len(want) {
		t.Fatalf("params = %d, want %d", len(tm.Params), len(want))
	}
	for _, p := range tm.Params {
		w, ok := want[p.Name]
		if !ok || p.Type != w.typ || p.HasDefault != w.def || strings.Join(p.Aliases, ",") != w.aliases {
			t.Errorf("param %+v, want %+v", p, w)
		}
	}
	if tm.Param("p1") == nil || tm.Param("p1").Name != "parameter1" {
		t.Error("alias p1 does not resolve to parameter1")
	}
	// The bad datetime default is reported at render time, naming the parameter.
	_, err = tm.Render(KQL, map[string]any{"parameter3": "1", "parameter4": "2.5", "parameter5": "a"}, WithNow(fixedNow))
	var pe *ParamTypeError
	if !errors.As(err, &pe) || pe.Param != "parameter2" {
		t.Errorf("render error = %v, want a type error for parameter2", err)
	}
}

func TestParseFileErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/templates/broken.yaml.txt")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := ParseFile("broken.yaml", data)
	if err == nil {
		t.Fatal("no error for a broken file")
	}
	if !errors.Is(err, ErrTemplateSyntax) {
		t.Errorf("error %v does not match ErrTemplateSyntax", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"broken.yaml:18: source no_query: args.query must be a string",
		"broken.yaml:26: source bad_type: parameters.y: unknown type number",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	var names []string
	for _, tm := range ts {
		names = append(names, tm.Name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "bad_braces,good" {
		t.Errorf("partial result = %v, want bad_braces,good", names)
	}
	for _, tm := range ts {
		if tm.Name != "bad_braces" {
			continue
		}
		_, err := tm.Render(KQL, map[string]any{"x": "1"})
		var se *SyntaxError
		if !errors.As(err, &se) || se.QueryLine != 1 || se.QueryCol != 19 || se.Line != 27 {
			t.Errorf("bad_braces render error = %v (%+v)", err, se)
		}
	}
}

func TestParseFileStructureErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"yaml", "metadata: [unclosed\n", "x.yaml:1:"},
		{"empty", "", "empty template file"},
		{"list", "- a\n- b\n", "must be a mapping"},
		{"nometa", "sources:\n  a:\n    args:\n      query: T\n", "no metadata section"},
		{"noenv", "metadata:\n  data_families: [A]\nsources:\n  a:\n    args:\n      query: T\n", "x.yaml:2: metadata.data_environments"},
		{"nosources", "metadata:\n  data_environments: [LocalData]\n  data_families: [A]\n", "no sources defined"},
		{"notype", "metadata:\n  data_environments: [LocalData]\n  data_families: [A]\nsources:\n  a:\n    args:\n      query: T\n    parameters:\n      p:\n        description: x\n", "parameter p has no type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile("x.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadFS(t *testing.T) {
	good, _ := os.ReadFile("testdata/templates/kql_misc.yaml")
	bad, _ := os.ReadFile("testdata/templates/broken.yaml.txt")
	fsys := fstest.MapFS{
		"queries/kql/misc.yaml":   {Data: good},
		"queries/broken.yml":      {Data: bad},
		"queries/readme.md":       {Data: []byte("not a template")},
		"other/ignored.yaml":      {Data: []byte("::")},
		"queries/bom/bom.yaml":    {Data: append([]byte("\xef\xbb\xbf"), good...)},
		"queries/sub/empty.yaml":  {Data: []byte("")},
		"queries/sub/nested.yaml": {Data: good},
	}
	ts, err := LoadFS(fsys, "queries")
	if err == nil {
		t.Fatal("no error for the broken files")
	}
	if !strings.Contains(err.Error(), "queries/broken.yml:") || !strings.Contains(err.Error(), "queries/sub/empty.yaml") {
		t.Errorf("error %q does not name the files", err)
	}
	// 2 good sources from broken.yml, 3 from each copy of misc
	if len(ts) != 2+3*3 {
		t.Errorf("loaded %d templates, want 11", len(ts))
	}
}

func TestHelpGolden(t *testing.T) {
	ts := loadRel(t, sharedTemplatesDir(t))
	for _, c := range []struct{ file, name string }{
		{"mssentinel_kql_sent_winevent_logon.yaml", "list_host_logons"},
		{"mssentinel_kql_sent_threatintel.yaml", "list_indicators_by_ip"},
		{"mssentinel_kql_sent_lxsyslog_logon.yaml", "list_ip_logon_failures"},
		{"mssentinel_kql_sent_winevent_proc.yaml", "get_parent_process"},
	} {
		tm := findTemplate(t, ts, c.file, c.name)
		var b strings.Builder
		if err := tm.WriteHelp(&b, KQL); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, filepath.Join("testdata", "golden", "help", tm.QualifiedName()+".txt"), b.String())
	}
}

// FuzzParseFile feeds arbitrary YAML to the template loader: it must not panic, every error
// must be a *SyntaxError, and whatever loads must render or fail with a typed error.
func FuzzParseFile(f *testing.F) {
	for _, dir := range []string{"testdata/templates", testdata.Dir() + "/msticpy/query-templates"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if data, err := os.ReadFile(p); err == nil && len(data) < 20000 {
					f.Add(data)
				}
			}
			return nil
		})
	}
	f.Add([]byte("metadata: {data_environments: [X], data_families: [Y]}\nsources: {a: {args: {query: '{p}'}, parameters: {p: {type: int}}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := ParseFile("fuzz.yaml", data)
		if err != nil && !errors.Is(err, ErrTemplateSyntax) {
			t.Fatalf("untyped error: %v", err)
		}
		for _, tm := range ts {
			_, err := tm.Render(KQL, nil, WithNow(fixedNow))
			if err == nil {
				continue
			}
			var (
				me *MissingParamsError
				pe *ParamTypeError
				se *SyntaxError
				ue *UnsafeValueError
			)
			if !errors.As(err, &me) && !errors.As(err, &pe) && !errors.As(err, &se) && !errors.As(err, &ue) && !errors.Is(err, ErrBadWindow) {
				t.Fatalf("%s: untyped render error %v", tm.Name, err)
			}
		}
	})
}

// A YAML syntax error names file:line once, not "file:13: line 13: ...".
func TestParseFileYAMLErrorLine(t *testing.T) {
	data := []byte("metadata:\n  data_environments: [LocalData]\n  data_families: [X]\nsources:\n  q2:\n    args: {query: 1\n")
	_, err := ParseFile("bad.yaml", data)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line == 0 {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, fmt.Sprintf("bad.yaml:%d: ", se.Line)) || strings.Contains(msg, "line ") {
		t.Errorf("error = %q, want file:line once", msg)
	}
}
