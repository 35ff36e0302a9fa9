package querycmd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/query"
)

// run executes huntkit with the query commands and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	clitest.Isolate(t)
	r := clitest.Run(t, clitest.Options{Now: now}, New, args...)
	return r.Out, r.Err, r.Code
}

func templatesDir(t *testing.T) string {
	return testdata.Shared(t, "msticpy/query-templates")
}

// now is the fixed clock the tests read relative times against.
func now() time.Time { return time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC) }

func TestQueriesListsEveryTemplate(t *testing.T) {
	dir := templatesDir(t)
	out, errOut, code := run(t, "queries", "--queries", dir, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r["environment"].(string)+" "+r["template"].(string)] = true
	}
	// every source of every file, under each family and environment
	ts, err := query.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) < 50 {
		t.Fatalf("only %d templates loaded", len(ts))
	}
	for _, tm := range ts {
		for _, env := range tm.Environments {
			for _, qn := range tm.QualifiedNames() {
				if !listed[query.CanonicalEnv(env)+" "+qn] {
					t.Errorf("queries does not list %s %s", env, qn)
				}
			}
		}
	}
	// table output names the templates too
	out, _, code = run(t, "queries", "--queries", dir, "--env", "LogAnalytics", "-o", "csv")
	if code != 0 || !strings.Contains(out, "MSSentinel,WindowsSecurity.list_host_logons,") || strings.Contains(out, "LocalData,") {
		t.Errorf("--env LogAnalytics output:\n%s", out)
	}
}

func TestQueriesSearchAndHelp(t *testing.T) {
	dir := templatesDir(t)
	out, _, code := run(t, "queries", "search", "logon_session", "--queries", dir, "-o", "csv")
	if code != 0 || !strings.Contains(out, "WindowsSecurity.get_host_logon") || strings.Contains(out, "ThreatIntelligence") {
		t.Errorf("search: %d\n%s", code, out)
	}
	out, _, _ = run(t, "queries", "indicators", "--queries", dir, "-o", "csv")
	if !strings.Contains(out, "ThreatIntelligence.list_indicators_by_ip") {
		t.Errorf("positional regex: %s", out)
	}
	out, _, code = run(t, "queries", "--env", "MyEnvironment", "--queries", dir, "-o", "csv")
	if code != 0 || !strings.Contains(out, "MyEnvironment,SecurityAlert.query1,") {
		t.Errorf("environment named only by templates: %d\n%s", code, out)
	}
	_, errOut, code := run(t, "queries", "--env", "Splnk", "--queries", dir)
	if code != cliapp.ExitUsage || !strings.Contains(errOut, "did you mean Splunk") {
		t.Errorf("unknown env: %d %s", code, errOut)
	}
	_, errOut, code = run(t, "queries", "search", "(", "--queries", dir)
	if code != cliapp.ExitUsage || !strings.Contains(errOut, "bad search pattern") {
		t.Errorf("bad regex: %d %s", code, errOut)
	}

	out, errOut, code = run(t, "queries", "help", "WindowsSecurity.list_host_logons", "--queries", dir)
	if code != 0 {
		t.Fatalf("help exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Query: WindowsSecurity.list_host_logons",
		"Description: Returns the logon events on a host for time range",
		"host_name            str       -",
		"yes",
		`escaped in "..." string`,
		"code (by design)",
		`| where Computer has "{host_name}"`,
		"Environments: LogAnalytics (MSSentinel)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, "queries", "help", "ThreatIntelligence.list_indicators_by_ip", "--env", "MSSentinel", "--queries", dir)
	if code != 0 || !strings.Contains(out, "observables") || !strings.Contains(out, "list literal") {
		t.Errorf("help with aliases: %s", out)
	}
	_, errOut, code = run(t, "queries", "help", "WindowsSecurity.list_host_logon", "--env", "LogAnalytics", "--queries", dir)
	if code != cliapp.ExitUsage || !strings.Contains(errOut, "did you mean WindowsSecurity.list_host_logons") {
		t.Errorf("unknown template: %d %s", code, errOut)
	}
}

func TestQueryPrintHostile(t *testing.T) {
	dir := templatesDir(t)
	out, errOut, code := run(t, "query", "LogAnalytics", "WindowsSecurity.list_host_logons", "--queries", dir,
		"--param", `host_name=x" | union SecurityEvent | where "1"=="1`, "--start", "2024-01-01", "--end", "2024-01-02", "--print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`| where Computer has "x\" | union SecurityEvent | where \"1\"==\"1" |`,
		"datetime(2024-01-01T00:00:00Z)", "datetime(2024-01-02T00:00:00Z)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("printed query lacks %s:\n%s", want, out)
		}
	}
	// default window from the (injected) clock
	out, _, _ = run(t, "query", "MSSentinel", "WindowsSecurity.list_host_logons", "--queries", dir, "-p", "host_name=web01", "--print")
	if !strings.Contains(out, "datetime(2024-03-12T10:00:00Z)") || !strings.Contains(out, "datetime(2024-03-13T10:00:00Z)") {
		t.Errorf("default window:\n%s", out)
	}
	// SQL templates bind into '...' literals
	out, errOut, code = run(t, "query", "LocalData", "TestSQL.by_user", "--queries", "../../../query/testdata/templates",
		"--param", `account='; DROP TABLE t; --`, "--start", "-3d@d", "--print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// the template declares language: sql, so the value is escaped the SQL way
	if !strings.Contains(out, "user_name = '''; DROP TABLE t; --' AND n >= 1") || !strings.Contains(out, "TIMESTAMP '2024-03-10 00:00:00'") {
		t.Errorf("SQL print:\n%s", out)
	}
}

// "queries list REGEX" filters like "queries REGEX" and "queries search REGEX".
func TestQueriesListFilters(t *testing.T) {
	dir := templatesDir(t)
	want, errOut, code := run(t, "queries", "search", "logon_session", "--queries", dir, "-o", "csv")
	if code != 0 || !strings.Contains(want, "WindowsSecurity.get_host_logon") {
		t.Fatalf("search: exit %d, %s\n%s", code, errOut, want)
	}
	for _, args := range [][]string{{"queries", "list", "logon_session"}, {"queries", "logon_session"}} {
		out, errOut, code := run(t, append(args, "--queries", dir, "-o", "csv")...)
		if code != 0 || out != want {
			t.Errorf("%v: exit %d, %s\n%s\nwant\n%s", args, code, errOut, out, want)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	dir := templatesDir(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"query", "LogAnalytic", "WindowsSecurity.list_host_logons", "--queries", dir, "--print"}, 2, `unknown data environment "LogAnalytic"; did you mean LogAnalytics`},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.get_process_tree", "--queries", dir, "--print"}, 2, "missing required parameters: host_name, logon_session_id, process_id, process_name"},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.get_parent_process", "--queries", dir, "--print", "-p", "parent_lookback=two",
			"-p", "host_name=h", "-p", "process_name=p", "-p", "process_id=1", "-p", "logon_session_id=2"}, 2, `parameter "parent_lookback" expects int, got "two"`},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.list_host_logons", "--queries", dir, "--print", "-p", "hostname=x"}, 2, "unknown parameter hostname; did you mean host_name"},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.list_host_logons", "--queries", dir, "--print", "-p", "host_name"}, 2, "want name=value"},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.list_host_logons", "--queries", dir, "--print", "-p", "host_name=a", "--start", "soon"}, 2, `time expression "soon"`},
		{[]string{"query", "LogAnalytics", "--queries", dir}, 2, "name a template"},
		{[]string{"query", "LogAnalytics", "--sql", "select 1", "--kql", "T"}, 2, "not both"},
		{[]string{"query", "LogAnalytics", "--queries", "/nonexistent/dir", "X.y"}, 2, "--queries /nonexistent/dir"},
		{[]string{"query", "LogAnalytics", "WindowsSecurity.list_host_logons", "--queries", dir, "-p", "host_name=a"}, 3, "no Log Analytics workspace configured"},
		// A missing host, workspace or cluster is a configuration error: exit 3.
		{[]string{"query", "Splunk", "--kql", "T | take 1"}, 3, "DataProviders.Splunk.Args.host is not set"},
		{[]string{"query", "MSSentinel", "--kql", "T | take 1"}, 3, "no Log Analytics workspace configured"},
		{[]string{"query", "Kusto", "--kql", "T | take 1"}, 3, "KustoClusters.<Name>.Args.Cluster"},
		{[]string{"query", "Kusto", "--cluster", "https://c.kusto.windows.net", "--database", "D", "--kql", "T", "--auth", "nosuch"}, 3, "unknown auth method"},
		{[]string{"query", "Nope", "--sql", "select 1"}, 2, `unknown data environment "Nope" (see huntkit providers)`},
		{[]string{"queries", "--env", "Nope"}, 2, `unknown data environment "Nope" (see huntkit providers)`},
	}
	for _, tc := range cases {
		_, errOut, code := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestProviders(t *testing.T) {
	out, errOut, code := run(t, "providers", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, r := range rows {
		byName[r["name"].(string)] = r
	}
	for _, n := range []string{"MSSentinel", "Kusto", "MDE", "M365D", "MSGraph", "ResourceGraph", "Splunk", "Elastic", "Sumologic", "Cybereason", "LocalData", "OTRF"} {
		r := byName[n]
		if r == nil {
			t.Errorf("providers lacks %s", n)
			continue
		}
		if r["language"] == "" {
			t.Errorf("%s has no language", n)
		}
	}
	if r := byName["MSSentinel"]; r == nil || !strings.Contains(r["aliases"].(string), "LogAnalytics") || r["built"] != true || r["configured"] != false {
		t.Errorf("MSSentinel row = %v", r)
	}
	if r := byName["Kusto"]; r == nil || r["built"] != true || r["configured"] != false {
		t.Errorf("Kusto row = %v", r)
	}
	if r := byName["OTRF"]; r == nil || !strings.Contains(r["aliases"].(string), "Mordor") {
		t.Errorf("OTRF row = %v", r)
	}
}

// fake is a driver registered for the run-path tests.
type fake struct{ got query.Request }

func (f *fake) Query(_ context.Context, r query.Request) (*frame.Frame, error) {
	f.got = r
	return frame.MustNew(
		frame.NewStrings("text", []string{r.Text}),
		frame.NewStrings("language", []string{r.Language}),
		frame.NewInts("n", []int64{42}),
	), nil
}

// warnFake is a driver that reports a problem that did not stop its query.
type warnFake struct{ fake }

func (w *warnFake) Warnings() []error {
	return []error{errors.New("table Broken skipped: import Broken.jsonl:2: malformed input")}
}

func TestQueryShowsDriverWarnings(t *testing.T) {
	query.Register(query.Environment{
		Name: "HuntkitWarnEnv", Language: "sql",
		New: func(context.Context, query.Settings) (query.Driver, error) { return &warnFake{}, nil },
	})
	out, errOut, code := run(t, "query", "HuntkitWarnEnv", "--sql", "SELECT 1", "-o", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, ",sql,42") || strings.Contains(out, "Broken") {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(errOut, "HuntkitWarnEnv: table Broken skipped: import Broken.jsonl:2") {
		t.Errorf("stderr lacks the warning:\n%s", errOut)
	}
	// --save without --workspace says the table will not outlive the run
	_, errOut, code = run(t, "query", "HuntkitWarnEnv", "--sql", "SELECT 1", "--save", "t1", "-o", "csv")
	if code != 0 || !strings.Contains(errOut, "saved 1 rows as table t1") || !strings.Contains(errOut, "workspace is in memory") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestQueryRuns(t *testing.T) {
	drv := &fake{}
	var gotSettings query.Settings
	query.Register(query.Environment{
		Name: "HuntkitTestEnv", Aliases: []string{"TestEnvAlias"}, Language: "kql",
		New: func(_ context.Context, s query.Settings) (query.Driver, error) {
			gotSettings = s
			return drv, nil
		},
	})
	tmp := t.TempDir()
	tdir := filepath.Join(tmp, "templates")
	os.MkdirAll(tdir, 0o755)
	os.WriteFile(filepath.Join(tdir, "t.yaml"), []byte(`metadata:
  data_environments: [TestEnvAlias]
  data_families: [Fam]
sources:
  q:
    description: test
    args:
      query: 'T | where a == "{a}" | where t > datetime({start})'
    parameters:
      a: {type: str, description: a}
      start: {type: datetime, description: start}
`), 0o644)
	out, errOut, code := run(t, "query", "testenvalias", "Fam.q", "--queries", tdir, "-p", "a=it's \"x\"", "--start", "2024-01-01",
		"--data", "/some/data", "-o", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if drv.got.Text != `T | where a == "it's \"x\"" | where t > datetime(2024-01-01T00:00:00Z)` || drv.got.Language != "kql" {
		t.Errorf("request = %+v", drv.got)
	}
	if !drv.got.Start.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start = %v", drv.got.Start)
	}
	if len(gotSettings.DataPaths) != 1 || gotSettings.DataPaths[0] != "/some/data" || gotSettings.Workspace == nil {
		t.Errorf("settings = %+v", gotSettings)
	}
	if !strings.HasPrefix(out, "text,language,n\n") || !strings.Contains(out, ",kql,42") {
		t.Errorf("csv output:\n%s", out)
	}
	// ad-hoc SQL, saved to a file-backed workspace, written to --out
	ws := filepath.Join(tmp, "case.duckdb")
	outFile := filepath.Join(tmp, "res.json")
	_, errOut, code = run(t, "--workspace", ws, "query", "HuntkitTestEnv", "--sql", "SELECT 1", "--save", "results", "--out", outFile, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if drv.got.Text != "SELECT 1" || drv.got.Language != "sql" {
		t.Errorf("ad-hoc request = %+v", drv.got)
	}
	data, err := os.ReadFile(outFile)
	if err != nil || !strings.Contains(string(data), `"n":42`) {
		t.Errorf("--out file: %s %v", data, err)
	}
	if !strings.Contains(errOut, "saved 1 rows as table results") {
		t.Errorf("stderr: %s", errOut)
	}
	// the saved table is in the workspace
	hk, err := huntkit.Open(context.Background(), huntkit.WithWorkspaceFile(ws))
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	f, err := hk.SQL(context.Background(), "SELECT n, text FROM results")
	if err != nil || f.Len() != 1 || f.Col("n").Int(0) != 42 {
		t.Errorf("saved table: %v", err)
	}
}

func TestCompletion(t *testing.T) {
	dir := templatesDir(t)
	out, _, code := run(t, "__complete", "query", "--queries", dir, "LogAnalytics", "WindowsSecurity.list_host_")
	if code != 0 || !strings.Contains(out, "WindowsSecurity.list_host_logons") {
		t.Errorf("template completion: %d\n%s", code, out)
	}
	out, _, _ = run(t, "__complete", "query", "--queries", dir, "LogAnalytics", "WindowsSecurity.list_host_logons", "--param", "")
	if !strings.Contains(out, "host_name=") || !strings.Contains(out, "add_query_items=") {
		t.Errorf("param completion:\n%s", out)
	}
	out, _, _ = run(t, "__complete", "query", "")
	if !strings.Contains(out, "LogAnalytics") || !strings.Contains(out, "MDATP") {
		t.Errorf("env completion:\n%s", out)
	}
}

func TestConfigCustomFolders(t *testing.T) {
	tdir, err := filepath.Abs("../../../query/testdata/templates")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	os.WriteFile(cfg, []byte("QueryDefinitions:\n  Custom:\n    - "+tdir+"\n    - /no/such/folder\n"), 0o644)
	out, errOut, code := run(t, "--config", cfg, "queries", "--env", "LocalData", "-o", "csv")
	if code != 0 || !strings.Contains(out, "LocalData,TestSQL.by_user,") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "warning: QueryDefinitions folder /no/such/folder") {
		t.Errorf("missing folder not reported: %s", errOut)
	}
	// a broken file in a --queries folder is reported with file:line; the rest still loads
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "bad.yaml"), []byte("metadata:\n  data_environments: [LocalData]\n  data_families: [X]\nsources:\n  q:\n    args:\n      query: T\n    parameters:\n      p: {type: nope}\n"), 0o644)
	out, errOut, code = run(t, "--config", cfg, "queries", "--queries", bad, "--env", "LocalData", "-o", "csv")
	if code != 0 || !strings.Contains(out, "TestSQL.by_user") || !strings.Contains(errOut, "bad.yaml:9: source q: parameters.p: unknown type nope") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestQueryPrintMasksSecrets(t *testing.T) {
	kqlText := `externaldata (a:string) ['https://analyst:Hunter2pw@files.example.com/x.csv?sig=Zm9vYmFyc2VjcmV0']`
	out, errOut, code := run(t, "query", "LocalData", "--kql", kqlText, "--print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "Hunter2pw") || strings.Contains(out, "Zm9vYmFyc2VjcmV0") || !strings.Contains(out, "files.example.com") {
		t.Errorf("--print shows a secret or lost the query:\n%s", out)
	}
}
