package query

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

func TestLookupEnvNamesAndAliases(t *testing.T) {
	cases := map[string]string{
		"MSSentinel": "MSSentinel", "azuresentinel": "MSSentinel", "LogAnalytics": "MSSentinel",
		"MSSentinel_New": "MSSentinel", "Kusto": "Kusto", "AzureDataExplorer": "Kusto", "Kusto_New": "Kusto",
		"MDE": "MDE", "MDATP": "MDE", "M365D": "M365D", "MSGraph": "MSGraph", "SecurityGraph": "MSGraph",
		"ResourceGraph": "ResourceGraph", "Splunk": "Splunk", "Elastic": "Elastic", "Sumologic": "Sumologic",
		"Cybereason": "Cybereason", "LocalData": "LocalData", "OTRF": "OTRF", "Mordor": "OTRF",
		"Velociraptor": "Velociraptor", "OSQueryLogs": "OSQueryLogs", " mdatp ": "MDE",
	}
	for name, want := range cases {
		e, err := LookupEnv(name)
		if err != nil || e.Name != want {
			t.Errorf("LookupEnv(%q) = %q, %v; want %s", name, e.Name, err, want)
			continue
		}
		if e.Dialect == nil || e.Language == "" {
			t.Errorf("%s has no language/dialect", e.Name)
		}
	}
	if e, _ := LookupEnv("Splunk"); e.Dialect != SPL {
		t.Errorf("Splunk dialect = %v", e.Dialect.Name())
	}
}

func TestLookupEnvUnknownSuggests(t *testing.T) {
	_, err := LookupEnv("LogAnalitycs")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrUnknownEnv) {
		t.Fatalf("error = %v", err)
	}
	if len(nf.Suggestions) == 0 || nf.Suggestions[0] != "LogAnalytics" {
		t.Errorf("suggestions = %v", nf.Suggestions)
	}
	if !strings.Contains(err.Error(), `unknown data environment "LogAnalitycs"; did you mean LogAnalytics`) {
		t.Errorf("message = %s", err)
	}
	if _, err := LookupEnv("Splnk"); err == nil || !strings.Contains(err.Error(), "Splunk") {
		t.Errorf("Splnk: %v", err)
	}
}

func TestStubNotBuilt(t *testing.T) {
	e, err := LookupEnv("Cybereason")
	if err != nil {
		t.Fatal(err)
	}
	if e.Built() {
		t.Fatal("Cybereason placeholder reports built")
	}
	_, err = e.New(context.Background(), Settings{})
	if !errors.Is(err, ErrNotBuilt) {
		t.Fatalf("New error = %v, want ErrNotBuilt", err)
	}
}

type fakeDriver struct{ got Request }

func (f *fakeDriver) Query(_ context.Context, r Request) (*frame.Frame, error) {
	f.got = r
	return frame.MustNew(frame.NewStrings("q", []string{r.Text})), nil
}

func TestRegisterReplacesPlaceholder(t *testing.T) {
	before, _ := LookupEnv("Prismacloud")
	defer Register(before) // restore for other tests
	drv := &fakeDriver{}
	Register(Environment{
		Name: "Prismacloud", Aliases: []string{"Prisma"}, Language: "json",
		New: func(context.Context, Settings) (Driver, error) { return drv, nil },
	})
	e, err := LookupEnv("prisma")
	if err != nil || e.Name != "Prismacloud" || !e.Built() {
		t.Fatalf("after Register: %+v, %v", e, err)
	}
	if e.Description == "" || e.Configured == nil || e.Dialect != JSON {
		t.Errorf("placeholder description/config/dialect not kept: %+v", e)
	}
	d, err := e.New(context.Background(), Settings{})
	if err != nil || d != drv {
		t.Fatalf("New = %v, %v", d, err)
	}
	n := 0
	for _, x := range Environments() {
		if x.Name == "Prismacloud" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Prismacloud listed %d times", n)
	}
}

func TestConfigured(t *testing.T) {
	cfg, err := config.Parse("test.yaml", []byte(`
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: 11111111-1111-1111-1111-111111111111
      TenantId: 22222222-2222-2222-2222-222222222222
DataProviders:
  Splunk:
    Args:
      host: splunk.example.com
`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"MSSentinel": true, "Splunk": true, "Elastic": false, "Kusto": false} {
		e, _ := LookupEnv(name)
		if got := e.IsConfigured(cfg); got != want {
			t.Errorf("%s configured = %v, want %v", name, got, want)
		}
	}
	var nilCfg *config.Config
	if e, _ := LookupEnv("Splunk"); e.IsConfigured(nilCfg) {
		t.Error("Splunk configured with a nil config")
	}
}

func TestStore(t *testing.T) {
	st := NewStore()
	if err := st.LoadDir(sharedTemplatesDir(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDir("testdata/templates"); err != nil {
		t.Fatal(err)
	}
	// environment aliases resolve: the MDE file lists MDATP, MDE, M365D and LogAnalytics
	for _, env := range []string{"MDATP", "MDE", "M365D", "LogAnalytics", "MSSentinel", "azuresentinel"} {
		if _, err := st.Lookup(env, "MDE.list_host_processes"); err != nil {
			t.Errorf("Lookup(%s, MDE.list_host_processes): %v", env, err)
		}
	}
	tm, err := st.Lookup("LogAnalytics", "windowssecurity.LIST_HOST_LOGONS")
	if err != nil || !strings.HasSuffix(tm.File, "mssentinel_kql_sent_winevent_logon.yaml") {
		t.Fatalf("case-insensitive lookup: %v", err)
	}
	_, err = st.Lookup("LogAnalytics", "WindowsSecurity.list_host_logon")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrUnknownTemplate) || len(nf.Suggestions) == 0 ||
		nf.Suggestions[0] != "WindowsSecurity.list_host_logons" {
		t.Errorf("unknown template: %v", err)
	}
	_, err = st.Lookup("LogAnalytics", "list_host_logonz")
	if err == nil || !strings.Contains(err.Error(), "WindowsSecurity.list_host_logons") {
		t.Errorf("short-name suggestion: %v", err)
	}
	if _, err := st.Lookup("", "WindowsSecurity.list_host_logons"); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("ambiguous lookup: %v", err)
	}
	all, err := st.LookupAll("WindowsSecurity.list_host_logons")
	if err != nil || len(all) != 2 {
		t.Fatalf("LookupAll = %d, %v", len(all), err)
	}
	mde, _ := st.LookupAll("MDE.list_host_processes")
	if len(mde) != 1 || mde[0].Env != "M365D, MDE, MSSentinel" {
		t.Errorf("one template in three environments: %+v", mde)
	}
	if _, err := st.Lookup("Splunk", "X.y"); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("env without templates: %v", err)
	}
	// Search over name, description, table and parameter names.
	for _, tc := range []struct{ re, env, want string }{
		{"(?i)logon_session_id", "LogAnalytics", "WindowsSecurity.get_host_logon"},
		{"(?i)ThreatIntelIndicators", "", "ThreatIntelligence.list_indicators"},
		{"(?i)decomposition", "", "MultiDataSource.get_timeseries_decompose"},
		{"^observables$", "", "ThreatIntelligence.list_indicators_by_email"},
		{"acct", "LocalData", "TestSQL.by_user"},
	} {
		found := false
		for _, e := range st.Search(regexp.MustCompile(tc.re), tc.env) {
			if e.Name == tc.want {
				found = true
			}
		}
		if !found {
			t.Errorf("Search(%s, %q) lacks %s", tc.re, tc.env, tc.want)
		}
	}
	if n := len(st.Search(regexp.MustCompile("nothing-matches-this"), "")); n != 0 {
		t.Errorf("search found %d", n)
	}
	// custom templates loaded later override the same env+name
	over := []byte("metadata:\n  data_environments: [AzureSentinel]\n  data_families: [WindowsSecurity]\nsources:\n  list_host_logons:\n    description: overridden\n    args:\n      query: T\n")
	ts, err := ParseFile("override.yaml", over)
	if err != nil {
		t.Fatal(err)
	}
	st.Add(ts...)
	tm, _ = st.Lookup("MSSentinel", "WindowsSecurity.list_host_logons")
	if tm.Description != "overridden" {
		t.Errorf("override not applied: %s", tm.Description)
	}
}

// An unknown name across all environments suggests each template name once, and a family
// with a one-letter name (no likely typo) suggests nothing rather than every name holding
// that letter.
func TestLookupAllSuggestions(t *testing.T) {
	st := NewStore()
	if err := st.LoadDir(sharedTemplatesDir(t)); err != nil {
		t.Fatal(err)
	}
	_, err := st.LookupAll("WindowsSecurity.list_host_logon")
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("LookupAll: %v", err)
	}
	seen := map[string]bool{}
	for _, s := range nf.Suggestions {
		if seen[s] {
			t.Errorf("suggestion %s repeated: %v", s, nf.Suggestions)
		}
		seen[s] = true
	}
	if len(nf.Suggestions) == 0 || nf.Suggestions[0] != "WindowsSecurity.list_host_logons" {
		t.Errorf("suggestions = %v", nf.Suggestions)
	}
	// by the part after the family: the MDE template is listed under four environments
	if _, err := st.LookupAll("SomeOtherFamilyName.list_host_procesez"); !errors.As(err, &nf) ||
		strings.Count(err.Error(), "MDE.list_host_processes") != 1 {
		t.Errorf("short-name suggestion: %v", err)
	}
	if _, err := st.LookupAll("Nope.x"); !errors.As(err, &nf) || len(nf.Suggestions) != 0 {
		t.Errorf("Nope.x: %v", err)
	}
}

func TestStoreOverridesAreReported(t *testing.T) {
	s := NewStore()
	builtin := &Template{Name: "list_alerts", Families: []string{"SecurityAlert", "Alerts"}, Environments: []string{"LogAnalytics"}, File: "builtin:queries/alerts.yaml"}
	custom := &Template{Name: "list_alerts", Families: []string{"SecurityAlert"}, Environments: []string{"MSSentinel"}, File: "/home/a/mine.yaml"}
	other := &Template{Name: "other", Families: []string{"SecurityAlert"}, Environments: []string{"LogAnalytics"}, File: "/home/a/mine.yaml"}
	s.Add(builtin)
	s.Add(other)
	if len(s.Overrides()) != 0 {
		t.Fatalf("no override yet: %v", s.Overrides())
	}
	s.Add(custom)
	ov := s.Overrides()
	if len(ov) != 1 || !ov[0].FromBuiltin || ov[0].New != "/home/a/mine.yaml" || !strings.Contains(ov[0].String(), "built-in template") {
		t.Fatalf("overrides = %v", ov)
	}
	if got, err := s.Lookup("LogAnalytics", "SecurityAlert.list_alerts"); err != nil || got != custom {
		t.Errorf("lookup after override: %v %v", got, err)
	}
}
