package kusto_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/kusto"
	"github.com/huntkit/huntkit/query"
)

// isolate clears the variables the sign-in methods read and keeps tokens in the test's
// own cache folder.
func isolate(t *testing.T) {
	t.Helper()
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
		"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "IMDS_ENDPOINT", "HUNTKIT_CA_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("HUNTKIT_TOKEN_CACHE", t.TempDir())
}

// startEmulator serves testdata/data through the emulator.
func startEmulator(t *testing.T, opt emulate.Options) *emulate.Server {
	t.Helper()
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	be, err := emulate.NewWorkspaceBackend(ctx, ws, "testdata/data")
	if err != nil {
		t.Fatal(err)
	}
	opt.Backend = be
	srv, err := emulate.Start(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// writeConfig writes a config whose KustoClusters section is clusters (YAML lines under
// KustoClusters:), signing in with the emulator's client secret.
func writeConfig(t *testing.T, srv *emulate.Server, clusters string, caPEM ...[]byte) *config.Config {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	pem := append([]byte(nil), srv.CAPEM...)
	for _, p := range caPEM {
		pem = append(pem, p...)
	}
	if err := os.WriteFile(ca, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	yml := fmt.Sprintf(`KustoClusters:
  ClusterDefaults:
    Args:
      TenantId: %s
      ClientId: %s
      ClientSecret: %s
%s
Azure:
  auth_methods: [clientsecret]
  authority_host: %s
  ca_file: %s
`, srv.TenantID(), srv.ClientID(), srv.ClientSecret(), clusters, srv.URL, ca)
	p := filepath.Join(dir, "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func emuClusters(url string) string {
	return fmt.Sprintf(`  Emu:
    Args:
      Cluster: %s
      Database: SecurityLogs
    ClusterGroups: [Hunting]`, url)
}

func newDriver(t *testing.T, cfg *config.Config, opts map[string]string) *kusto.Driver {
	t.Helper()
	d, err := kusto.New(context.Background(), query.Settings{Config: cfg, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestQueryThroughSDK runs KQL on the emulator through azkustodata: typed columns, the
// window as query_datetimescope, and the schema from .show database schema as json.
func TestQueryThroughSDK(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{})
	cfg := writeConfig(t, srv, emuClusters(srv.URL))
	d := newDriver(t, cfg, nil)
	ctx := context.Background()
	if err := d.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if m := d.Credential().Method(); m != "clientsecret" {
		t.Fatalf("signed in with %q", m)
	}
	f, err := d.Query(ctx, query.Request{Text: "ProcessEvents | where Score > 0.5 | extend D = parse_json(Details) | order by TimeGenerated asc", Language: "kql"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 3 || f.Partial() != nil {
		t.Fatalf("%d rows, partial %v", f.Len(), f.Partial())
	}
	want := map[string]frame.Type{"TimeGenerated": frame.Time, "Computer": frame.String, "Score": frame.Float, "Elevated": frame.Bool, "D": frame.Dynamic}
	for name, typ := range want {
		if c := f.Col(name); c == nil || c.Type() != typ {
			t.Fatalf("column %s: %v", name, c)
		}
	}
	if got := f.Col("TimeGenerated").Time(0); !got.Equal(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("first time %v", got)
	}
	if det, ok := f.Col("D").Value(0).(map[string]any); !ok || det["Parent"] != "winword.exe" {
		t.Errorf("dynamic %#v", f.Col("D").Value(0))
	}
	if !f.Col("Elevated").Bool(0) || f.Col("Process").Str(1) != "rundll32.exe" {
		t.Errorf("rows %v %v", f.Col("Elevated").Bool(0), f.Col("Process").Str(1))
	}

	// An ad-hoc window bounds every table through query_datetimescope_*.
	f, err = d.Query(ctx, query.Request{Text: "ProcessEvents", Language: "kql", Bounded: true,
		Start: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 3, 23, 0, 0, 0, time.UTC)})
	if err != nil || f.Len() != 2 {
		t.Fatalf("window: %v %v", f, err)
	}

	// A second driver (as a second huntkit command would) takes the cached token: the
	// emulator issued one token for both.
	d2 := newDriver(t, cfg, nil)
	if _, err := d2.Query(ctx, query.Request{Text: "ProcessEvents | take 1", Language: "kql"}); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 1 {
		t.Fatalf("%d tokens issued for two drivers", n)
	}

	sch, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cols := sch["ProcessEvents"]
	if len(cols) != 7 || cols[0].Name != "TimeGenerated" || cols[0].Type != frame.Time || cols[4].Type != frame.Float {
		t.Fatalf("schema %v", sch)
	}
}

// TestTemplates renders msticpy-format Kusto templates whose metadata names the cluster,
// database and cluster group, and runs them.
func TestTemplates(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{KustoDatabases: []string{"SecurityLogs", "Other"}})
	other := fmt.Sprintf(`  Prod:
    Args:
      Cluster: https://prod.westeurope.kusto.windows.net
      Database: Nope
`)
	cfg := writeConfig(t, srv, other+emuClusters(srv.URL))
	ts, err := query.LoadDir("testdata/queries")
	if err != nil || len(ts) != 2 {
		t.Fatalf("templates: %v %v", ts, err)
	}
	env, err := query.LookupEnv("ADX")
	if err != nil || env.Name != kusto.Name {
		t.Fatalf("alias ADX: %v %v", env, err)
	}
	d := newDriver(t, cfg, nil)
	window := map[string]any{"start": "2026-11-01T00:00:00Z", "end": "2026-11-05T00:00:00Z"}
	for _, tc := range []struct {
		name  string
		extra map[string]any
		rows  int
	}{
		{"high_score", nil, 3},
		{"by_group", map[string]any{"host_name": "WKS-01"}, 2},
	} {
		var tpl *query.Template
		for _, x := range ts {
			if x.Name == tc.name {
				tpl = x
			}
		}
		vals := map[string]any{}
		for k, v := range window {
			vals[k] = v
		}
		for k, v := range tc.extra {
			vals[k] = v
		}
		dl, err := tpl.DialectIn(env)
		if err != nil {
			t.Fatal(err)
		}
		req, err := tpl.Render(dl, vals)
		if err != nil {
			t.Fatal(err)
		}
		f, err := d.Query(context.Background(), req)
		if err != nil || f.Len() != tc.rows {
			t.Fatalf("%s: %v %v", tc.name, f, err)
		}
	}
	// Two clusters and no template metadata: the query must name one.
	_, err = d.Query(context.Background(), query.Request{Text: "ProcessEvents", Language: "kql"})
	if !errors.Is(err, kusto.ErrNoCluster) || !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "--cluster") {
		t.Fatalf("no cluster: %v", err)
	}
	// --cluster by name and --database override the configured database.
	d2 := newDriver(t, cfg, map[string]string{"cluster": "emu", "database": "Other"})
	if f, err := d2.Query(context.Background(), query.Request{Text: "ProcessEvents | count", Language: "kql"}); err != nil || f.Col("Count").Int(0) != 5 {
		t.Fatalf("--database Other: %v %v", f, err)
	}
	// A misspelt cluster is a configuration error with a suggestion.
	_, err = kusto.New(context.Background(), query.Settings{Config: cfg, Options: map[string]string{"cluster": "Emv"}})
	if !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), `did you mean "Emu"`) {
		t.Fatalf("misspelt cluster: %v", err)
	}
}

// TestServiceErrors: the emulator's refusals are one line with the service's message.
func TestServiceErrors(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{RowLimit: 2})
	cfg := writeConfig(t, srv, emuClusters(srv.URL))
	ctx := context.Background()

	d := newDriver(t, cfg, nil)
	f, err := d.Query(ctx, query.Request{Text: "ProcessEvents | order by TimeGenerated asc", Language: "kql"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 2 || !errors.Is(f.Partial(), kusto.ErrPartial) || !strings.Contains(f.Partial().Error(), "E_QUERY_RESULT_SET_TOO_LARGE") || len(d.Warnings()) != 1 {
		t.Fatalf("partial: %d rows, %v, %v", f.Len(), f.Partial(), d.Warnings())
	}
	strict := newDriver(t, cfg, map[string]string{"fail-on-partial": "true"})
	if _, err := strict.Query(ctx, query.Request{Text: "ProcessEvents", Language: "kql"}); !errors.Is(err, kusto.ErrPartial) || !strings.Contains(err.Error(), "--fail-on-partial") {
		t.Fatalf("fail-on-partial: %v", err)
	}

	for _, tc := range []struct{ kql, want string }{
		{"ProcessEvents | frobnicate", "frobnicate"},
		{"NoSuchTable | take 1", "NoSuchTable"},
	} {
		_, err := d.Query(ctx, query.Request{Text: tc.kql, Language: "kql"})
		if !errors.Is(err, kusto.ErrQuery) || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", tc.kql, err)
		}
	}
	bad := newDriver(t, cfg, map[string]string{"database": "Missing"})
	if _, err := bad.Query(ctx, query.Request{Text: "ProcessEvents", Language: "kql"}); err == nil || !strings.Contains(err.Error(), "'Missing' of kind 'Database' was not found") {
		t.Fatalf("unknown database: %v", err)
	}
	if _, err := d.Query(ctx, query.Request{Text: ".drop table ProcessEvents", Language: "kql"}); !errors.Is(err, kusto.ErrQuery) || !strings.Contains(err.Error(), "management commands") {
		t.Fatalf("command as query: %v", err)
	}
}

// TestNoCluster: nothing configured is a configuration error naming the setting.
func TestNoCluster(t *testing.T) {
	cfg, _ := config.Parse("", nil)
	_, err := kusto.New(context.Background(), query.Settings{Config: cfg})
	if !errors.Is(err, kusto.ErrNoCluster) || !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "KustoClusters.<Name>.Args.Cluster") {
		t.Fatalf("%v", err)
	}
	cfg, err = config.Parse("m.yaml", []byte("KustoClusters:\n  A:\n    Args:\n      Cluster: https://a.kusto.windows.net\n"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := kusto.New(context.Background(), query.Settings{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Query(context.Background(), query.Request{Text: "T", Language: "kql"}); !errors.Is(err, kusto.ErrNoDatabase) || !errors.Is(err, config.ErrMissing) {
		t.Fatalf("no database: %v", err)
	}
}

// TestClusters reads both of msticpy's layouts.
func TestClusters(t *testing.T) {
	cfg, err := config.Parse("m.yaml", []byte(`DataProviders:
  Kusto-mstic:
    Args:
      Cluster: https://mstic.kusto.windows.net
KustoClusters:
  ClusterDefaults:
    Args:
      Database: Shared
  Cluster1:
    Args:
      Cluster: https://uscluster.kusto.windows.net
      Database: Hunts
    ClusterGroups: [Group1]
  Cluster2:
    Args:
      Cluster: https://eucluster.kusto.windows.net
`))
	if err != nil {
		t.Fatal(err)
	}
	cs := kusto.Clusters(cfg)
	if len(cs) != 3 || cs[0].Name != "Cluster1" || cs[0].Database != "Hunts" || cs[1].Database != "Shared" || cs[2].Name != "mstic" {
		t.Fatalf("%+v", cs)
	}
	for sel, want := range map[string]string{"cluster1": "Cluster1", "https://eucluster.kusto.windows.net/": "Cluster2",
		"mstic": "mstic", "uscluster.kusto.windows.net": "Cluster1"} {
		c, err := kusto.Select(cs, sel, nil)
		if err != nil || c.Name != want {
			t.Errorf("%s: %v %v", sel, c.Name, err)
		}
	}
	c, err := kusto.Select(cs, "", map[string]any{"clusters": []any{"nope", "Cluster2"}})
	if err != nil || c.Name != "Cluster2" {
		t.Errorf("clusters metadata: %v %v", c, err)
	}
	c, err = kusto.Select(cs, "", map[string]any{"cluster_groups": []any{"group1"}})
	if err != nil || c.Name != "Cluster1" {
		t.Errorf("cluster_groups metadata: %v %v", c, err)
	}
	c, err = kusto.Select(cs, "https://other.kusto.windows.net", nil)
	if err != nil || c.URL != "https://other.kusto.windows.net" {
		t.Errorf("URL: %v %v", c, err)
	}
}
