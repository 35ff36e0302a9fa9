package huntkit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

// fakeDriver records what a Session does with a driver's optional capabilities.
type fakeDriver struct {
	mu               sync.Mutex
	connects, closes int
	connectErr       error
	got              []query.Request
	warnings         []error
	settings         query.Settings
}

func (d *fakeDriver) Query(_ context.Context, req query.Request) (*frame.Frame, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, req)
	d.warnings = append(d.warnings, errors.New("file x.csv skipped"))
	return frame.MustNew(frame.NewStrings("text", []string{req.Text})), nil
}
func (d *fakeDriver) Connect(context.Context) error { d.connects++; return d.connectErr }
func (d *fakeDriver) Close() error                  { d.closes++; return nil }
func (d *fakeDriver) Warnings() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.warnings...)
}

var fake = &fakeDriver{}

func init() {
	query.Register(query.Environment{
		Name: "HuntkitLibTest", Aliases: []string{"LibTestAlias"}, Language: "kql",
		New: func(_ context.Context, s query.Settings) (query.Driver, error) {
			fake.settings = s
			return fake, nil
		},
	})
}

func open(t *testing.T, opts ...huntkit.Option) *huntkit.Huntkit {
	t.Helper()
	hk, err := huntkit.Open(context.Background(), append([]huntkit.Option{huntkit.WithConfig(&config.Config{})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	return hk
}

// TestSessionOwnsCapabilities: the Session connects once, passes data paths and the
// workspace, reports new warnings once each, and closes the driver.
func TestSessionOwnsCapabilities(t *testing.T) {
	*fake = fakeDriver{}
	var sink []string
	hk := open(t, huntkit.WithWarnings(func(m string) { sink = append(sink, m) }))
	s, err := hk.Provider("libtestalias", huntkit.WithData("/some/data"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "HuntkitLibTest" {
		t.Errorf("name %q", s.Name())
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := s.Query(ctx, "T | take 1", huntkit.Window{}); err != nil {
			t.Fatal(err)
		}
	}
	if fake.connects != 1 {
		t.Errorf("connected %d times, want 1", fake.connects)
	}
	if !slices.Equal(fake.settings.DataPaths, []string{"/some/data"}) || fake.settings.Workspace == nil {
		t.Errorf("settings %+v", fake.settings)
	}
	if len(s.Warnings()) != 1 || len(sink) != 1 || sink[0] != "HuntkitLibTest: file x.csv skipped" {
		t.Errorf("warnings %v, sink %q", s.Warnings(), sink)
	}
	if fake.got[0].Bounded || fake.got[0].Language != "kql" {
		t.Errorf("request %+v", fake.got[0])
	}
	if err := s.Close(); err != nil || fake.closes != 1 {
		t.Errorf("close: %v, closes %d", err, fake.closes)
	}
	if _, err := s.Query(ctx, "T", huntkit.Window{}); err == nil {
		t.Error("query after Close worked")
	}
}

func TestConnectFailureClosesDriver(t *testing.T) {
	*fake = fakeDriver{connectErr: errors.New("401 unauthorised")}
	hk := open(t)
	s, _ := hk.Provider("HuntkitLibTest")
	err := s.Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connect to HuntkitLibTest: 401") || fake.closes != 1 {
		t.Errorf("err %v, closes %d", err, fake.closes)
	}
}

// TestWindowBoundsAdhoc: a window on ad-hoc text asks the driver to bound every table.
func TestWindowBoundsAdhoc(t *testing.T) {
	*fake = fakeDriver{}
	now := time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)
	hk := open(t, huntkit.WithClock(func() time.Time { return now }))
	s, _ := hk.Provider("HuntkitLibTest")
	if _, err := s.Do(context.Background(), huntkit.Request{Text: "SELECT 1", Language: "sql", Window: huntkit.Window{Start: "-2d"}}); err != nil {
		t.Fatal(err)
	}
	got := fake.got[0]
	if !got.Bounded || got.Language != "sql" || !got.Start.Equal(now.Add(-48*time.Hour)) || !got.End.Equal(now) {
		t.Errorf("request %+v", got)
	}
}

func TestBadRequests(t *testing.T) {
	hk := open(t)
	s, err := hk.Provider("LocalData")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    huntkit.Request
		also error
		msg  string
	}{
		{"no template", huntkit.Request{}, nil, "name a template"},
		{"unknown template", huntkit.Request{Template: "WindowsSecurity.list_host_logonz"}, query.ErrUnknownTemplate, "list_host_logons"},
		{"missing param", huntkit.Request{Template: "WindowsSecurity.list_host_logons"}, query.ErrMissingParams, "host_name"},
		{"window and param", huntkit.Request{Template: "WindowsSecurity.list_host_logons",
			Params: huntkit.Params{"host_name": "x", "start": "-1d"}, Window: huntkit.Window{Start: "-2d"}}, nil, "both given"},
		{"bad window", huntkit.Request{Text: "T", Window: huntkit.Window{Start: "yesterday-ish"}}, nil, "--start"},
		{"params on ad hoc", huntkit.Request{Text: "T", Params: huntkit.Params{"a": 1}}, nil, "apply to templates"},
		{"both", huntkit.Request{Text: "T", Template: "A.b"}, nil, "not both"},
	} {
		_, err := s.Prepare(tc.r)
		if !errors.Is(err, huntkit.ErrBadRequest) || (tc.also != nil && !errors.Is(err, tc.also)) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := hk.Provider("NoSuchEnv"); !errors.Is(err, query.ErrUnknownEnv) || !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("unknown env: %v", err)
	}
	if _, err := hk.Queries(huntkit.Filter{Pattern: "("}); !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("bad pattern: %v", err)
	}
	if err := hk.AddQueryDirs("/no/such/dir"); !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("missing folder: %v", err)
	}
}

// An environment with no settings renders a query, and its connect says what setting is
// missing as a configuration error.
func TestUnconfiguredPreparesButDoesNotRun(t *testing.T) {
	hk := open(t)
	s, _ := hk.Provider("Kusto")
	if _, err := s.Prepare(huntkit.Request{Text: "T | take 1"}); err != nil {
		t.Fatal(err)
	}
	err := s.Connect(context.Background())
	if !errors.Is(err, config.ErrMissing) && !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), "KustoClusters") {
		t.Errorf("connect: %v", err)
	}
}

func TestConfigError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	os.WriteFile(bad, []byte("AzureSentinel: [unclosed\n"), 0o644)
	ctx := context.Background()
	_, err := huntkit.Open(ctx, huntkit.WithConfigFile(bad))
	if !errors.Is(err, huntkit.ErrConfig) || !strings.Contains(err.Error(), "msticpyconfig.yaml") {
		t.Errorf("err %v", err)
	}
	// deferred: work without configuration goes on; what needs it fails the same way
	hk, err := huntkit.Open(ctx, huntkit.WithConfigFile(bad), huntkit.WithLazyConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	csv := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(csv, []byte("a\n1\n"), 0o644)
	if f, err := hk.ReadTable(ctx, csv); err != nil || f.Len() != 1 {
		t.Errorf("read table: %v", err)
	}
	s, _ := hk.Provider("LocalData")
	if _, err := s.Query(ctx, "t", huntkit.Window{}); !errors.Is(err, huntkit.ErrConfig) {
		t.Errorf("query with a broken config: %v", err)
	}
	if _, err := hk.Providers(); !errors.Is(err, huntkit.ErrConfig) {
		t.Errorf("providers with a broken config: %v", err)
	}
}

// TestLocalDataSessions: two sessions on one workspace and a second Huntkit with its own
// workspace; Save, Schema, warnings for a malformed file, Close.
func TestLocalDataSessions(t *testing.T) {
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "alpha.csv"), []byte("x,y\n1,one\n2,two\n"), 0o644)
	os.WriteFile(filepath.Join(b, "beta.csv"), []byte("z\n10\n"), 0o644)
	os.WriteFile(filepath.Join(b, "broken.json"), []byte("{not json\n"), 0o644)
	var warned []string
	hk := open(t, huntkit.WithWarnings(func(m string) { warned = append(warned, m) }))
	sa, _ := hk.Provider("LocalData", huntkit.WithData(a))
	sb, _ := hk.Provider("LocalData", huntkit.WithData(b))
	if got := hk.Sessions(); len(got) != 2 {
		t.Errorf("sessions %v", got)
	}
	fa, err := sa.Query(ctx, "alpha | where x > 1 | project y", huntkit.Window{})
	if err != nil || fa.Len() != 1 || fa.Col("y").Str(0) != "two" {
		t.Fatalf("alpha: %v %v", fa, err)
	}
	fb, err := sb.Query(ctx, "union * | count", huntkit.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sb.Warnings()) != 1 || !strings.Contains(sb.Warnings()[0].Error(), "broken") || len(warned) != 1 {
		t.Errorf("warnings %v / %v", sb.Warnings(), warned)
	}
	_ = fb
	if err := sa.Save(ctx, fa, "kept"); err != nil {
		t.Fatal(err)
	}
	f, err := hk.SQL(ctx, "SELECT y FROM kept")
	if err != nil || f.Len() != 1 {
		t.Errorf("saved table: %v %v", f, err)
	}
	schema, err := sb.Schema(ctx)
	if err != nil || len(schema["beta"]) != 1 || schema["beta"][0].Name != "z" {
		t.Errorf("schema %v %v", schema, err)
	}
	// a second investigation does not see the first one's tables
	other := open(t)
	if _, err := other.SQL(ctx, "SELECT * FROM kept"); err == nil {
		t.Error("second Huntkit shares the first one's workspace")
	}
	if err := hk.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := hk.Provider("LocalData"); err == nil {
		t.Error("Provider after Close worked")
	}
}

func TestQueriesAndHelp(t *testing.T) {
	hk := open(t)
	s, _ := hk.Provider("LocalData")
	es, err := s.Queries("host_logon")
	if err != nil || len(es) == 0 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	for _, e := range es {
		if !strings.Contains(e.Env, "LocalData") {
			t.Errorf("entry of %s", e.Env)
		}
	}
	var sb strings.Builder
	if err := s.Help(&sb, "WindowsSecurity.list_host_logons"); err != nil || !strings.Contains(sb.String(), "host_name") {
		t.Errorf("help: %v\n%s", err, sb.String())
	}
	var ps []string
	infos, err := hk.Providers()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range infos {
		ps = append(ps, p.Name+":"+p.Status())
	}
	if !slices.Contains(ps, "LocalData:not configured") || !slices.Contains(ps, "Kusto:not configured") || !slices.Contains(ps, "Cybereason:not configured") {
		t.Errorf("providers %v", ps)
	}
}

func TestImportAndExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("n\n1\n2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a table"), 0o644)
	hk := open(t)
	res, err := hk.Import(ctx, []string{dir}, huntkit.ImportOptions{})
	if err != nil || len(res) != 1 || res[0].Table != "a" || res[0].Err != nil {
		t.Fatalf("import %+v %v", res, err)
	}
	out := filepath.Join(t.TempDir(), "a.ndjson")
	if err := hk.Export(ctx, "A", out, ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"n":2`) {
		t.Errorf("export: %s", b)
	}
	if err := hk.Export(ctx, "b", out, ""); !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("unknown table: %v", err)
	}
	if _, err := hk.Import(ctx, []string{"/no/such"}, huntkit.ImportOptions{}); !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("missing file: %v", err)
	}
}

// TestTemplateWindow: a window fills a template's start and end; a template without them
// gets a warning, not an error; custom template folders load after the built-in ones.
func TestTemplateWindow(t *testing.T) {
	*fake = fakeDriver{}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(`metadata:
  data_environments: [HuntkitLibTest]
  data_families: [Fam]
sources:
  windowed:
    description: with a window
    args:
      query: 'T | where t between (datetime({start}) .. datetime({end})) | where a == "{a}"'
    parameters:
      a: {type: str, description: a}
      start: {type: datetime, description: start}
      end: {type: datetime, description: end}
  plain:
    description: no window
    args:
      query: 'T | take 1'
`), 0o644)
	var warned []string
	now := time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)
	hk := open(t, huntkit.WithQueryDirs(dir), huntkit.WithClock(func() time.Time { return now }),
		huntkit.WithWarnings(func(m string) { warned = append(warned, m) }))
	s, _ := hk.Provider("HuntkitLibTest")
	ctx := context.Background()
	if _, err := s.Do(ctx, huntkit.Request{Template: "Fam.windowed", Params: huntkit.Params{"a": `x"y`}, Window: huntkit.Window{Start: "-1d@d"}}); err != nil {
		t.Fatal(err)
	}
	want := `T | where t between (datetime(2024-03-12T00:00:00Z) .. datetime(2024-03-13T10:00:00Z)) | where a == "x\"y"`
	if got := fake.got[0]; got.Text != want || got.Bounded {
		t.Errorf("request %+v\nwant text %s", got, want)
	}
	if _, err := s.Do(ctx, huntkit.Request{Template: "Fam.plain", Window: huntkit.Window{Start: "-1d"}}); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 2 || !strings.Contains(warned[1], "Fam.plain has no start parameter") { // [0]: the fake's file warning
		t.Errorf("warnings %q", warned)
	}
}

func TestCustomTemplateReplacingBuiltinIsReported(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(`metadata:
  data_environments: [LogAnalytics]
  data_families: [WindowsSecurity]
sources:
  list_host_logons:
    description: our own version
    args:
      query: 'SecurityEvent | where Computer == "{host_name}"'
    parameters:
      host_name: {type: str, description: host}
`), 0o644)
	var warned []string
	hk := open(t, huntkit.WithQueryDirs(dir), huntkit.WithWarnings(func(m string) { warned = append(warned, m) }))
	for i := 0; i < 2; i++ { // loaded once, said once
		if _, err := hk.Templates(); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, w := range warned {
		if strings.Contains(w, "mine.yaml replaces") && strings.Contains(w, "built-in templates") && strings.Contains(w, "WindowsSecurity.list_host_logons") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("warnings = %q; want one naming the replaced built-in template", warned)
	}
}

// countingProgress is a huntkit.Progress that counts what it is told.
type countingProgress struct{ n, done *int }

func (p countingProgress) Add(n int) { *p.n += n }
func (p countingProgress) Done()     { *p.done++ }

// TestDriverProgressReachesSink: a driver's query.Settings.Progress opens counters on the
// sink given to huntkit.WithProgress (how split Sentinel queries report chunks and rows).
func TestDriverProgressReachesSink(t *testing.T) {
	*fake = fakeDriver{}
	var labels []string
	var n, done int
	hk := open(t, huntkit.WithProgress(func(label string, total int) huntkit.Progress {
		labels = append(labels, label)
		return countingProgress{&n, &done}
	}))
	s, err := hk.Provider("HuntkitLibTest")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Query(context.Background(), "T", huntkit.Window{}); err != nil {
		t.Fatal(err)
	}
	if fake.settings.Progress == nil {
		t.Fatal("the driver got no progress sink")
	}
	p := fake.settings.Progress("chunks", 3)
	p.Add(2)
	p.Done()
	if !slices.Equal(labels, []string{"chunks"}) || n != 2 || done != 1 {
		t.Errorf("labels %q, n %d, done %d", labels, n, done)
	}
}

// TestMappedTemplate: a Sentinel template runs on files with OTRF's column names through a
// table mapping; a mapping for another environment is refused.
func TestMappedTemplate(t *testing.T) {
	ctx := context.Background()
	hk := open(t)
	s, err := hk.Provider("LocalData", huntkit.WithData("provider/localdata/testdata/otrf"), huntkit.WithMapping("otrf"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Do(ctx, huntkit.Request{Template: "WindowsSecurity.list_host_logons", Params: huntkit.Params{"host_name": "WORKSTATION5"},
		Window: huntkit.Window{Start: "2020-10-18", End: "2020-10-19"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 2 || f.Col("TargetUserName").Str(0) != "wardog" || f.Col("TargetUserName").Str(1) != "pgustavo" ||
		f.Col("Computer").Str(0) != "WORKSTATION5" {
		t.Errorf("got %v", f)
	}
	if _, err := hk.Provider("LogAnalytics", huntkit.WithMapping("otrf")); !errors.Is(err, huntkit.ErrBadRequest) || !strings.Contains(err.Error(), "--map") {
		t.Errorf("mapping on LogAnalytics: %v", err)
	}
}
