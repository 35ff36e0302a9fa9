package query

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// sampleValues gives every required parameter a value of its type.
func sampleValues(tm *Template) map[string]any {
	v := map[string]any{}
	for _, p := range tm.Params {
		if p.HasDefault || p.Name == "start" || p.Name == "end" {
			continue
		}
		switch p.Type {
		case TypeList:
			v[p.Name] = []string{"10.0.0.1", `evil"host`}
		case TypeInt:
			v[p.Name] = "7"
		case TypeFloat:
			v[p.Name] = "1.5"
		case TypeBool:
			v[p.Name] = "true"
		case TypeDatetime:
			v[p.Name] = "2024-01-01T00:00:00Z"
		default:
			v[p.Name] = "sample_" + p.Name
		}
	}
	return v
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test ./query -run %s -update)", path, err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from golden:\n got: %q\nwant: %q", path, got, want)
	}
}

// loadRel loads template files with names relative to dir, so that golden text does not
// depend on where the shared data lives.
func loadRel(t *testing.T, dir string) []*Template {
	t.Helper()
	var all []*Template
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, f)
		ts, err := ParseFile(filepath.ToSlash(rel), data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, ts...)
	}
	return all
}

func renderGolden(t *testing.T, ts []*Template, goldenDir string, dialectOf func(*Template) Dialect) {
	for _, tm := range ts {
		d := dialectOf(tm)
		req, err := tm.Render(d, sampleValues(tm), WithNow(fixedNow))
		var got string
		if err != nil {
			got = "ERROR: " + err.Error() + "\n"
		} else {
			got = fmt.Sprintf("-- language: %s\n-- window: %s .. %s\n%s\n", req.Language,
				req.Start.Format(time.RFC3339), req.End.Format(time.RFC3339), req.Text)
		}
		name := strings.TrimSuffix(tm.File, ".yaml") + "/" + tm.QualifiedName() + "." + d.Name()
		checkGolden(t, filepath.Join(goldenDir, filepath.FromSlash(name)), got)
	}
}

func envDialect(tm *Template) Dialect {
	for _, e := range tm.Environments {
		if env, err := LookupEnv(e); err == nil && env.Dialect != nil {
			return env.Dialect
		}
	}
	return KQL
}

// TestRenderGoldenShared renders every msticpy template with sample values.
func TestRenderGoldenShared(t *testing.T) {
	ts := loadRel(t, sharedTemplatesDir(t))
	renderGolden(t, ts, filepath.Join("testdata", "golden", "msticpy"), envDialect)
}

// TestRenderGoldenLocal renders the synthetic SQL and KQL templates with hostile values.
func TestRenderGoldenLocal(t *testing.T) {
	ts := loadRel(t, filepath.Join("testdata", "templates"))
	for _, tm := range ts {
		d := KQL
		if tm.Families[0] == "TestSQL" {
			d = SQL
		}
		vals := map[string]any{}
		for _, p := range tm.Params {
			if p.Type == TypeStr && !p.HasDefault {
				vals[p.Name] = hostile[0] + hostile[1]
			}
			if p.Type == TypeList {
				vals[p.Name] = []string{hostile[0], hostile[1]}
			}
			if p.Type == TypeInt && !p.HasDefault {
				vals[p.Name] = 3
			}
		}
		req, err := tm.Render(d, vals, WithNow(fixedNow))
		if err != nil {
			t.Fatalf("%s: %v", tm.QualifiedName(), err)
		}
		checkGolden(t, filepath.Join("testdata", "golden", "local", tm.QualifiedName()+"."+d.Name()), req.Text+"\n")
	}
}

func findTemplate(t *testing.T, ts []*Template, file, name string) *Template {
	t.Helper()
	for _, tm := range ts {
		if strings.HasSuffix(tm.File, file) && tm.Name == name {
			return tm
		}
	}
	t.Fatalf("template %s in %s not found", name, file)
	return nil
}

// literalAfter returns the decoded literal that follows marker in q.
func literalAfter(t *testing.T, q, marker string, ctx Context) string {
	t.Helper()
	i := strings.Index(q, marker)
	if i < 0 {
		t.Fatalf("%q not in %q", marker, q)
	}
	v, _ := readLiteral(t, ctx, q[i+len(marker):])
	return v
}

func TestHostileValuesStayInside(t *testing.T) {
	ts := loadRel(t, sharedTemplatesDir(t))
	logons := findTemplate(t, ts, "mssentinel_kql_sent_winevent_logon.yaml", "list_host_logons")
	for _, v := range hostile {
		req, err := logons.Render(KQL, map[string]any{"host_name": v}, WithNow(fixedNow))
		if err != nil {
			t.Fatalf("render %q: %v", v, err)
		}
		if got := literalAfter(t, req.Text, `Computer has "`, InDouble); got != v {
			t.Errorf("host_name %q came out as %q in %s", v, got, req.Text)
		}
		// the rest of the query is intact: exactly the template's pipes follow
		if n := strings.Count(req.Text, "| where TimeGenerated"); n != 2 {
			t.Errorf("value %q changed the query structure: %s", v, req.Text)
		}
		sc := KQL.NewScanner()
		sc.Feed(req.Text)
		if c, _, _ := sc.State(); c != InCode {
			t.Errorf("value %q leaves the query inside %v", v, c)
		}
	}
	want := `| where Computer has "x\" | union SecurityEvent | where \"1\"==\"1" |`
	req, _ := logons.Render(KQL, map[string]any{"host_name": hostile[0]}, WithNow(fixedNow))
	if !strings.Contains(req.Text, want) {
		t.Errorf("rendered query lacks %s:\n%s", want, req.Text)
	}

	sql := loadRel(t, filepath.Join("testdata", "templates"))
	byUser := findTemplate(t, sql, "sql_local.yaml", "by_user")
	req, err := byUser.Render(SQL, map[string]any{"user": `'; DROP TABLE t; --`}, WithNow(fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	if got := literalAfter(t, req.Text, "user_name = '", InSQLString); got != `'; DROP TABLE t; --` {
		t.Errorf("SQL value came out as %q in %s", got, req.Text)
	}
	if !strings.Contains(req.Text, `user_name = '''; DROP TABLE t; --' AND n >= 1`) {
		t.Errorf("SQL query: %s", req.Text)
	}
}

func TestRenderRules(t *testing.T) {
	ts := loadRel(t, sharedTemplatesDir(t))
	local := loadRel(t, filepath.Join("testdata", "templates"))
	proc := findTemplate(t, ts, "mssentinel_kql_sent_winevent_proc.yaml", "list_processes_in_session")
	parent := findTemplate(t, ts, "mssentinel_kql_sent_winevent_proc.yaml", "get_parent_process")
	tree := findTemplate(t, ts, "mssentinel_kql_sent_winevent_proc.yaml", "get_process_tree")
	hosts := findTemplate(t, ts, "mssentinel_kql_sent_winevent_proc.yaml", "list_host_processes")
	ti := findTemplate(t, ts, "mssentinel_kql_sent_threatintel.yaml", "list_indicators_by_ip")
	fail := findTemplate(t, ts, "mssentinel_kql_sent_lxsyslog_logon.yaml", "list_host_logon_failures")
	misc := findTemplate(t, local, "kql_misc.yaml", "macro_and_braces")
	look := findTemplate(t, local, "kql_misc.yaml", "lookback")
	ids := findTemplate(t, local, "sql_local.yaml", "by_ids")
	now := WithNow(fixedNow)

	t.Run("missing params listed together", func(t *testing.T) {
		_, err := tree.Render(KQL, nil, now)
		var me *MissingParamsError
		if !errors.As(err, &me) || !errors.Is(err, ErrMissingParams) {
			t.Fatalf("error = %v", err)
		}
		if strings.Join(me.Names, ",") != "host_name,logon_session_id,process_id,process_name" {
			t.Errorf("missing = %v", me.Names)
		}
		if !strings.Contains(err.Error(), "host_name, logon_session_id, process_id, process_name") {
			t.Errorf("message = %s", err)
		}
	})
	t.Run("wrong type names parameter and expectation", func(t *testing.T) {
		_, err := parent.Render(KQL, map[string]any{"parent_lookback": "2h) | union X", "host_name": "h",
			"process_name": "p", "process_id": "1", "logon_session_id": "2", "start": "tomorrow"}, now)
		var pe *ParamTypeError
		if !errors.As(err, &pe) || !errors.Is(err, ErrParamType) {
			t.Fatalf("error = %v", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, `parameter "parent_lookback" expects int`) || !strings.Contains(msg, `parameter "start" expects datetime`) {
			t.Errorf("message = %s", msg)
		}
		var te *TimeExprError
		if !errors.As(err, &te) {
			t.Errorf("time error not reachable with errors.As: %v", err)
		}
	})
	t.Run("unknown parameter suggests", func(t *testing.T) {
		_, err := proc.Render(KQL, map[string]any{"hostname": "h", "logon_session_id": "1"}, now)
		if !errors.Is(err, ErrUnknownParam) || !strings.Contains(err.Error(), "did you mean host_name") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("template default inserted as written", func(t *testing.T) {
		req, err := proc.Render(KQL, map[string]any{"host_name": "h", "logon_session_id": "0x1"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(req.Text, `split(NewProcessName, "\\")[-1]`) {
			t.Errorf("path_separator default changed: %s", req.Text)
		}
		// a user value for the same parameter is escaped
		req, _ = proc.Render(KQL, map[string]any{"host_name": "h", "logon_session_id": "0x1", "path_separator": `\`}, now)
		if !strings.Contains(req.Text, `split(NewProcessName, "\\")[-1]`) {
			t.Errorf("path_separator value not escaped: %s", req.Text)
		}
	})
	t.Run("int outside quotes validated", func(t *testing.T) {
		req, err := parent.Render(KQL, map[string]any{"parent_lookback": 5, "host_name": "h",
			"process_name": "p", "process_id": "1", "logon_session_id": "2"}, now)
		if err != nil || !strings.Contains(req.Text, "time(5h)") {
			t.Fatalf("%v: %s", err, req.Text)
		}
		_, err = look.Render(KQL, map[string]any{"hours": "1) | union X", "value": "v"}, now)
		if !errors.Is(err, ErrParamType) {
			t.Errorf("hours accepted code: %v", err)
		}
	})
	t.Run("str outside quotes is code", func(t *testing.T) {
		req, err := hosts.Render(KQL, map[string]any{"host_name": "h", "host_op": "=~"}, now)
		if err != nil || !strings.Contains(req.Text, `Computer =~ "h"`) {
			t.Fatalf("%v: %s", err, req.Text)
		}
		if got := hosts.Binding(KQL, "host_op"); got != "code (outside quotes)" {
			t.Errorf("binding host_op = %q", got)
		}
		if got := hosts.Binding(KQL, "table"); got != "code (by design)" {
			t.Errorf("binding table = %q", got)
		}
		if got := hosts.Binding(KQL, "host_name"); got != `escaped in "..." string` {
			t.Errorf("binding host_name = %q", got)
		}
	})
	t.Run("lists and aliases", func(t *testing.T) {
		req, err := ti.Render(KQL, map[string]any{"observables": "1.2.3.4, 5.6.7.8"}, now)
		if err != nil || !strings.Contains(req.Text, `ObservableValue in ("1.2.3.4", "5.6.7.8")`) {
			t.Fatalf("%v: %s", err, req.Text)
		}
		req, err = ti.Render(KQL, map[string]any{"ip_address_list": []string{`a") | union X | where ("`}}, now)
		if err != nil || !strings.Contains(req.Text, `in ("a\") | union X | where (\"")`) {
			t.Fatalf("%v: %s", err, req.Text)
		}
		req, err = ids.Render(SQL, map[string]any{"ids": []any{"a'b", int64(3)}}, now)
		if err != nil || !strings.Contains(req.Text, `id IN ('a''b', 3)`) || !strings.Contains(req.Text, "ratio > 0.5 AND flag = true") {
			t.Fatalf("%v: %s", err, req.Text)
		}
		if !strings.Contains(req.Text, "/* ids: a'b, 3 */") {
			t.Errorf("list in comment: %s", req.Text)
		}
	})
	t.Run("name and alias both given", func(t *testing.T) {
		_, err := ti.Render(KQL, map[string]any{"observables": "a", "ip_address_list": "b"}, now)
		if !errors.Is(err, ErrParamType) || !strings.Contains(err.Error(), "given twice, as ip_address_list and observables") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("macros braces verbatim", func(t *testing.T) {
		req, err := misc.Render(KQL, map[string]any{"host": "web01", "observables": "a", "path": `C:\Temp"x`}, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`let re = "[0-9]{1,3}";`, `| where Computer =~ "web01"`, `startswith @"C:\Temp""x"`, `Name in~ ("a")`} {
			if !strings.Contains(req.Text, want) {
				t.Errorf("rendered query lacks %s:\n%s", want, req.Text)
			}
		}
		if strings.Contains(req.Text, "\n\n") || strings.Contains(req.Text, "$<") {
			t.Errorf("blank lines or macros left: %q", req.Text)
		}
		req, err = fail.Render(KQL, map[string]any{"host_name": `a"b`}, now)
		if err != nil || !strings.Contains(req.Text, `| where Computer has "a\"b"`) || !strings.Contains(req.Text, `{1,3}`) {
			t.Fatalf("%v: %s", err, req.Text)
		}
	})
	t.Run("window defaults", func(t *testing.T) {
		req, err := hosts.Render(KQL, map[string]any{"host_name": "h", "end": "2024-01-10"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if !req.Start.Equal(time.Date(2024, 1, 9, 0, 0, 0, 0, time.UTC)) || !req.End.Equal(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("window %s..%s", req.Start, req.End)
		}
		if !strings.Contains(req.Text, "let start = datetime(2024-01-09T00:00:00Z);") {
			t.Errorf("query: %s", req.Text)
		}
		req, _ = hosts.Render(KQL, map[string]any{"host_name": "h"}, now, WithDefaultWindow(time.Hour))
		if !req.End.Equal(fixedNow) || !req.Start.Equal(fixedNow.Add(-time.Hour)) {
			t.Errorf("default window %s..%s", req.Start, req.End)
		}
		_, err = hosts.Render(KQL, map[string]any{"host_name": "h", "start": "now", "end": "-1d"}, now)
		if !errors.Is(err, ErrBadWindow) {
			t.Errorf("start after end: %v", err)
		}
	})
	t.Run("unsafe contexts refused", func(t *testing.T) {
		tm, err := NewTemplate("T", "esc", `T | where a == "pre\{v}"`, &Param{Name: "v", Type: TypeStr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tm.Render(KQL, map[string]any{"v": `" | union X`}); !errors.Is(err, ErrUnsafeValue) {
			t.Errorf("placeholder after backslash: %v", err)
		}
		tm, _ = NewTemplate("T", "fence", "print ```{v}```", &Param{Name: "v", Type: TypeStr})
		if _, err := tm.Render(KQL, map[string]any{"v": "```; T"}); !errors.Is(err, ErrUnsafeValue) {
			t.Errorf("backtick in fence: %v", err)
		}
		tm, _ = NewTemplate("T", "minus", "SELECT x -{n} FROM t", &Param{Name: "n", Type: TypeInt})
		req, err := tm.Render(SQL, map[string]any{"n": -5})
		if err != nil || req.Text != "SELECT x - -5 FROM t" {
			t.Errorf("negative after minus: %q %v", req.Text, err)
		}
	})
	t.Run("template built as a struct", func(t *testing.T) {
		tm := &Template{Name: "s", Families: []string{"F"}, Query: `T | where a == "{v}"`, Params: []*Param{{Name: "v", Type: TypeStr}}}
		req, err := tm.Render(KQL, map[string]any{"v": `a"b`})
		if err != nil || req.Text != `T | where a == "a\"b"` {
			t.Errorf("%q %v", req.Text, err)
		}
	})
	t.Run("undeclared placeholder", func(t *testing.T) {
		tm, _ := NewTemplate("T", "undeclared", "T\n| where a == {nope}")
		_, err := tm.Render(KQL, nil)
		var se *SyntaxError
		if !errors.As(err, &se) || se.QueryLine != 2 || se.QueryCol != 14 {
			t.Errorf("error = %v", err)
		}
	})
}

// FuzzRender checks that the renderer never panics on arbitrary templates and that any value
// bound into any literal of any dialect stays inside that literal.
func FuzzRender(f *testing.F) {
	for i, v := range hostile {
		f.Add(`T | where a == "{v}" | take {n}`, v, uint8(i))
	}
	f.Add("{{ {v} }} {", "x", uint8(3))
	f.Add("let x = @'{v}'; {n}", "it's", uint8(2))
	f.Add("SELECT $$ {v} $$, '{v}' -- {v}\n", "$$'", uint8(5))
	f.Fuzz(func(t *testing.T, text, v string, k uint8) {
		// 1: arbitrary template text never panics; errors are typed.
		tm, err := NewTemplate("F", "t", text, &Param{Name: "v", Type: TypeStr}, &Param{Name: "n", Type: TypeInt, Default: 1, HasDefault: true})
		if err == nil {
			for _, d := range []Dialect{KQL, SQL, SPL, Lucene, Sumo, OData, JSON} {
				_, err := tm.Render(d, map[string]any{"v": v})
				if err != nil && !errors.Is(err, ErrTemplateSyntax) && !errors.Is(err, ErrUnsafeValue) {
					t.Fatalf("%s: untyped error %v", d.Name(), err)
				}
			}
		} else if !errors.Is(err, ErrTemplateSyntax) {
			t.Fatalf("untyped parse error %v", err)
		}
		// 2: a value in a literal stays inside it.
		lc := litCases[int(k)%len(litCases)]
		q := "T | where X == " + lc.open + "{v}" + lc.close + " | take 1"
		q = strings.NewReplacer("{", "{{", "}", "}}").Replace("T | where X == "+lc.open) + "{v}" +
			strings.NewReplacer("{", "{{", "}", "}}").Replace(lc.close+" | take 1")
		tm, err = NewTemplate("F", "lit", q, &Param{Name: "v", Type: TypeStr})
		if err != nil {
			t.Fatal(err)
		}
		req, err := tm.Render(lc.d, map[string]any{"v": v})
		if err != nil {
			if errors.Is(err, ErrUnsafeValue) && (lc.ctx == InVerbatimDouble || lc.ctx == InVerbatimSingle) {
				return
			}
			t.Fatalf("%s %v: %v", lc.d.Name(), lc.ctx, err)
		}
		text2 := req.Text
		prefix := "T | where X == " + lc.open
		if !strings.HasPrefix(text2, prefix) {
			// blank-line removal may only touch values with blank lines in comments
			if lc.ctx == InLineComment || lc.ctx == InBlockComment {
				return
			}
			t.Fatalf("prefix changed: %q", text2)
		}
		got, rest := readLiteral(t, lc.ctx, text2[len(prefix):])
		if strings.TrimSpace(rest) != "| take 1" {
			t.Fatalf("%s %v: value %q escaped the literal: %q", lc.d.Name(), lc.ctx, v, text2)
		}
		if lc.ctx != InLineComment && lc.ctx != InBlockComment && !strings.Contains(v, "\n") && got != v {
			t.Fatalf("%s %v: value %q decoded as %q", lc.d.Name(), lc.ctx, v, got)
		}
	})
}

func TestFormatParam(t *testing.T) {
	ts := loadRel(t, filepath.Join("testdata", "templates"))
	tm := findTemplate(t, ts, "kql_misc.yaml", "formatted")
	req, err := tm.Render(KQL, map[string]any{"host_clause": hostile[0]})
	if err != nil {
		t.Fatal(err)
	}
	want := `T | where Computer == "x\" | union SecurityEvent | where \"1\"==\"1" and Tag == "{x}" | take 1`
	if req.Text != want {
		t.Errorf("got  %s\nwant %s", req.Text, want)
	}
	for _, bad := range []string{"no field", "{a}", "{} {}", "{", "}"} {
		tm2, _ := NewTemplate("F", "f", "{p}", &Param{Name: "p", Type: TypeStr, Format: bad})
		if _, err := tm2.Render(KQL, map[string]any{"p": "v"}); !errors.Is(err, ErrTemplateSyntax) {
			t.Errorf("format %q: %v", bad, err)
		}
	}
}
