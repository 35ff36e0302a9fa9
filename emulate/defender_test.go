package emulate

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNewAPIsRequireToken: the Defender, Graph and Resource Graph routes answer 401 with
// their own error shape without a token, and accept one the emulator issued.
func TestNewAPIsRequireToken(t *testing.T) {
	s, c := start(t, Options{})
	tok, _, err := s.Issue(s.URL, "tester")
	if err != nil {
		t.Fatal(err)
	}
	wrong, _, _ := s.Issue("https://graph.microsoft.com", "tester")
	cases := []struct{ method, path, body, code string }{
		{"POST", "/api/advancedqueries/run", `{"Query":"T"}`, "InvalidAuthenticationToken"},
		{"POST", "/api/advancedhunting/run", `{"Query":"T"}`, "InvalidAuthenticationToken"},
		{"POST", "/v1.0/security/runHuntingQuery", `{"Query":"T"}`, "InvalidAuthenticationToken"},
		{"GET", "/v1.0/security/alerts_v2", "", "InvalidAuthenticationToken"},
		{"GET", "/beta/security/incidents", "", "InvalidAuthenticationToken"},
		{"POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", `{"query":"Resources"}`, "InvalidAuthenticationToken"},
	}
	for _, tc := range cases {
		for _, bearer := range []string{"", wrong} {
			req, _ := http.NewRequest(tc.method, s.URL+tc.path, strings.NewReader(tc.body))
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			status, m := do(t, c, req)
			e, _ := m["error"].(map[string]any)
			if status != http.StatusUnauthorized || e["code"] != tc.code {
				t.Errorf("%s %s (token %v): %d %v", tc.method, tc.path, bearer != "", status, m)
			}
		}
		req, _ := http.NewRequest(tc.method, s.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if status, m := do(t, c, req); status == http.StatusUnauthorized {
			t.Errorf("%s %s with a token: %d %v", tc.method, tc.path, status, m)
		}
	}
}

// TestHuntingWire checks the three answer shapes: MDE's Schema/Results, M365D's added
// Stats, Graph's lower-case schema/results, with Defender's type names.
func TestHuntingWire(t *testing.T) {
	s, c := start(t, Options{})
	tok, _, _ := s.Issue(s.URL, "tester")
	for path, keys := range map[string][3]string{
		"/api/advancedqueries/run":       {"Schema", "Results", "Name"},
		"/api/advancedhunting/run":       {"Schema", "Results", "Name"},
		"/v1.0/security/runHuntingQuery": {"schema", "results", "name"},
	} {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(`{"Query":"T | take 3"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		status, m := do(t, c, req)
		schema, _ := m[keys[0]].([]any)
		rows, _ := m[keys[1]].([]any)
		if status != 200 || len(schema) != 3 || len(rows) != 3 {
			t.Fatalf("%s: %d %v", path, status, m)
		}
		types := map[string]string{}
		for _, f := range schema {
			fm := f.(map[string]any)
			typeKey := "Type"
			if keys[2] == "name" {
				typeKey = "type"
			}
			types[fm[keys[2]].(string)] = fm[typeKey].(string)
		}
		if types["Name"] != "String" || types["TimeGenerated"] != "DateTime" || types["Bag"] != "Object" {
			t.Errorf("%s: types %v", path, types)
		}
		r0 := rows[0].(map[string]any)
		if _, err := time.Parse(time.RFC3339Nano, r0["TimeGenerated"].(string)); err != nil || r0["Bag"].(map[string]any)["k"] != 1.0 {
			t.Errorf("%s: row %v", path, r0)
		}
		if _, ok := m["Stats"]; ok != (path == "/api/advancedhunting/run") {
			t.Errorf("%s: Stats present = %v", path, ok)
		}
	}
	req, _ := http.NewRequest("POST", s.URL+"/api/advancedqueries/run", strings.NewReader(`{"Query":"  "}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	if status, m := do(t, c, req); status != 400 || m["error"].(map[string]any)["message"] != "Query is empty" {
		t.Errorf("empty query: %d %v", status, m)
	}
}

func TestODataFilter(t *testing.T) {
	obj := map[string]any{"severity": "high", "status": "new", "createdDateTime": "2026-11-02T10:00:00.0000000Z",
		"n": int64(5), "flag": true, "owner": map[string]any{"name": "O'Brien"}, "none": nil}
	cases := map[string]bool{
		"":                   true,
		"severity eq 'high'": true,
		"severity ne 'high'": false,
		"severity eq 'high' and status eq 'resolved'":                                         false,
		"severity eq 'low' or status eq 'new'":                                                true,
		"not (severity eq 'low')":                                                             true,
		"createdDateTime ge 2026-11-02T00:00:00Z and createdDateTime lt 2026-11-03T00:00:00Z": true,
		"createdDateTime gt 2026-11-02T10:00:00Z":                                             false,
		"n gt 4 and n le 5":                                                                   true,
		"flag eq true":                                                                        true,
		"owner/name eq 'O''Brien'":                                                            true,
		"none eq null":                                                                        true,
		"contains(severity, 'IG')":                                                            true,
		"startswith(status, 'x')":                                                             false,
		"missing eq 'x'":                                                                      false,
	}
	for in, want := range cases {
		f, err := parseODataFilter(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := f(obj); got != want {
			t.Errorf("%q = %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"severity has 'x'", "severity eq", "(severity eq 'x'", "severity eq 'x", "severity eq 'x' extra"} {
		if _, err := parseODataFilter(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzODataFilter(f *testing.F) {
	for _, s := range []string{"severity eq 'high' and (n gt 3 or not flag eq true)", "contains(a, 'b')", "a/b eq null"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseODataFilter(s)
		if err == nil {
			flt(map[string]any{"a": map[string]any{"b": "x"}, "severity": "high", "n": int64(1)})
		}
	})
}
