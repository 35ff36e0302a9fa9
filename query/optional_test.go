package query

import (
	"path/filepath"
	"strings"
	"testing"
)

const optionalYAML = `metadata:
  version: 1
  description: optional filters
  data_environments: [LogAnalytics]
  data_families: [Opt]
sources:
  changes:
    description: account changes
    args:
      query: |
        SecurityEvent
        | where EventID in (4720, 4728)
        | where TargetUserName contains "{account}" or MemberName contains '{account}'
        | where Computer has "{host}" and EventID == 4720
        | where SubjectUserName =~ "{account}" and Computer == "{host}"
        | where Activity == "{activity}"
        | project TimeGenerated, TargetUserName
        {add_query_items}
    parameters:
      account:
        description: account name; empty matches all
        type: str
        default: ""
      host:
        description: host name; empty matches all
        type: str
        default: ""
      activity:
        description: required activity
        type: str
      add_query_items:
        description: more clauses
        type: str
        default: ""
`

// TestOptionalFilters: a filter line whose every term tests an optional str parameter
// (default "") that was left out is left out of the query; anything else stays.
func TestOptionalFilters(t *testing.T) {
	ts, err := ParseFile("opt.yaml", []byte(optionalYAML))
	if err != nil {
		t.Fatal(err)
	}
	tm := ts[0]
	cases := []struct {
		name     string
		vals     map[string]any
		want     []string
		dontWant []string
	}{
		{"both left out", map[string]any{"activity": "x"},
			[]string{`| where Computer has "" and EventID == 4720`, `| where Activity == "x"`, `| where EventID in (4720, 4728)`},
			[]string{`TargetUserName contains`, `SubjectUserName =~`}},
		{"account given", map[string]any{"activity": "x", "account": "bob"},
			[]string{`| where TargetUserName contains "bob" or MemberName contains 'bob'`, `| where SubjectUserName =~ "bob" and Computer == ""`},
			nil},
		{"empty value given on purpose", map[string]any{"activity": "", "account": ""},
			[]string{`TargetUserName contains "" or MemberName contains ''`, `| where Activity == ""`},
			nil},
		{"everything given", map[string]any{"activity": "x", "account": "bob", "host": "pc1"},
			[]string{`SubjectUserName =~ "bob" and Computer == "pc1"`, `Computer has "pc1" and EventID == 4720`},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := tm.Render(KQL, c.vals, WithNow(fixedNow))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(req.Text, w) {
					t.Errorf("missing %q in\n%s", w, req.Text)
				}
			}
			for _, w := range c.dontWant {
				if strings.Contains(req.Text, w) {
					t.Errorf("unexpected %q in\n%s", w, req.Text)
				}
			}
		})
	}
}

// TestBuiltinOptionalFilters renders every built-in template whose str parameters default
// to "" with those parameters left out: no query keeps a filter on an empty value.
func TestBuiltinOptionalFilters(t *testing.T) {
	ts := loadRel(t, filepath.Join("..", "queries"))
	seen := 0
	for _, tm := range ts {
		optional := false
		for _, p := range tm.Params {
			if p.Type == TypeStr && p.HasDefault && p.Default == "" && !CodeParams[p.Name] {
				optional = true
			}
		}
		if !optional {
			continue
		}
		seen++
		req, err := tm.Render(envDialect(tm), sampleValues(tm), WithNow(fixedNow))
		if err != nil {
			t.Errorf("%s: %v", tm.QualifiedName(), err)
			continue
		}
		for _, bad := range []string{`contains ""`, `has ""`, `=~ ""`, `== ""`} {
			if strings.Contains(req.Text, bad) {
				t.Errorf("%s renders an empty filter (%s):\n%s", tm.QualifiedName(), bad, req.Text)
			}
		}
	}
	if seen < 5 {
		t.Errorf("only %d built-in templates have optional filters; the test lost its subjects", seen)
	}
}
