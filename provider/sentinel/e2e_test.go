package sentinel_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/provider/sentinel"
	_ "github.com/huntkit/huntkit/queries"
	"github.com/huntkit/huntkit/query"
)

// window is the test data's time range.
var (
	wStart = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	wEnd   = time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
)

// isolate clears the variables the sign-in methods read, so the machine's own settings do
// not leak in.
func isolate(t *testing.T) {
	t.Helper()
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
		"AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_USERNAME", "AZURE_PASSWORD", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
		"MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "HUNTKIT_CA_FILE", "AZURE_FEDERATED_TOKEN_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("HUNTKIT_TOKEN_CACHE", t.TempDir())
}

// startEmulator serves testdata through the emulator.
func startEmulator(t *testing.T, opt emulate.Options) *emulate.Server {
	t.Helper()
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	be, err := emulate.NewWorkspaceBackend(ctx, ws, "testdata")
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

// writeConfig writes a config pointing at the emulator, with args added to the workspace's
// Args and the given auth methods.
func writeConfig(t *testing.T, srv *emulate.Server, laEndpoint, caFile, args string, methods string) string {
	t.Helper()
	dir := t.TempDir()
	if caFile == "" {
		caFile = filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(caFile, srv.CAPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if laEndpoint == "" {
		laEndpoint = srv.URL
	}
	cfg := fmt.Sprintf(`AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: %s
      TenantId: %s
      Args:
        ClientId: %s
%s
Azure:
  auth_methods: [%s]
  authority_host: %s
  log_analytics_endpoint: %s
  ca_file: %s
`, srv.WorkspaceID(), srv.TenantID(), srv.ClientID(), args, methods, srv.URL, laEndpoint, caFile)
	p := filepath.Join(dir, "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newDriver(t *testing.T, cfgPath string, opts map[string]string) *sentinel.Driver {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := sentinel.New(context.Background(), query.Settings{Config: cfg, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func alertsKQL() query.Request {
	return query.Request{Text: "SecurityAlert | project SystemAlertId, AlertSeverity, TimeGenerated, ConfidenceScore, IsIncident, Entities | order by SystemAlertId asc",
		Language: "kql", Start: wStart, End: wEnd}
}

func wantAlerts(t *testing.T, f *frame.Frame) {
	t.Helper()
	ids := strings.Join(f.Col("SystemAlertId").Strings(), ",")
	if ids != "a1,a2,a3,a4,a5" {
		t.Fatalf("alert ids = %s, want a1..a5 (the timespan cuts a6)", ids)
	}
	if f.Col("TimeGenerated").Type() != frame.Time || f.Col("ConfidenceScore").Type() != frame.Float || f.Col("IsIncident").Type() != frame.Bool {
		t.Fatalf("types: %v", f.Fields())
	}
	if !f.Col("ConfidenceScore").IsNull(3) {
		t.Errorf("a4's empty ConfidenceScore should be null, got %v", f.Col("ConfidenceScore").Value(3))
	}
	if got := f.Col("TimeGenerated").Time(0); !got.Equal(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("a1 TimeGenerated = %v", got)
	}
}

// TestSignInMethods runs a query through each sign-in method against the emulator.
func TestSignInMethods(t *testing.T) {
	isolate(t)
	certPEM, cert := clientCert(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "s3cret-value", ClientCerts: []*x509.Certificate{cert}})
	certFile := filepath.Join(t.TempDir(), "client.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, args, account string
		setup                 func(t *testing.T)
	}{
		{method: "clientsecret", args: "        ClientSecret: s3cret-value", account: srv.ClientID()},
		{method: "certificate", args: "        Certificate: " + certFile, account: srv.ClientID()},
		{method: "cli", account: "analyst@contoso.com", setup: func(t *testing.T) { fakeAz(t, srv) }},
		{method: "msi", account: "managed-identity-" + srv.TenantID()[:8], setup: func(t *testing.T) {
			t.Setenv("IDENTITY_ENDPOINT", srv.IdentityEndpoint())
			t.Setenv("IDENTITY_HEADER", srv.IdentityHeader())
		}},
		{method: "env", account: srv.ClientID(), setup: func(t *testing.T) {
			t.Setenv("AZURE_TENANT_ID", srv.TenantID())
			t.Setenv("AZURE_CLIENT_ID", srv.ClientID())
			t.Setenv("AZURE_CLIENT_SECRET", "s3cret-value")
		}},
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			if c.setup != nil {
				c.setup(t)
			}
			// vscode comes first: it has no azidentity credential and is passed over.
			cfg := writeConfig(t, srv, "", "", c.args, "vscode, "+c.method)
			d := newDriver(t, cfg, nil)
			f, err := d.Query(context.Background(), alertsKQL())
			if err != nil {
				t.Fatal(err)
			}
			wantAlerts(t, f)
			att := d.Credential().Attempts()
			if len(att) != 2 || !att[0].Skipped || !strings.Contains(att[0].Outcome, "Visual Studio Code") {
				t.Fatalf("vscode attempt = %+v", att)
			}
			if !att[1].OK || att[1].Method != c.method || att[1].Tenant != srv.TenantID() || att[1].Account != c.account {
				t.Fatalf("attempt = %+v, want %s ok with tenant %s account %s", att[1], c.method, srv.TenantID(), c.account)
			}
		})
	}
}

// TestWrongSecret: the token endpoint refuses it; the error is one line naming the method.
func TestWrongSecret(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "right"})
	cfg := writeConfig(t, srv, "", "", "        ClientSecret: wrong", "clientsecret")
	d := newDriver(t, cfg, nil)
	_, err := d.Query(context.Background(), alertsKQL())
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "clientsecret:") ||
		!strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err = %v", err)
	}
}

// TestSameRowsAsLocalData runs the built-in template through MSSentinel on the emulator and
// through LocalData on the same files.
func TestSameRowsAsLocalData(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	d := newDriver(t, writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret"), nil)
	st, err := query.LoadStore()
	if st == nil {
		t.Fatal(err)
	}
	values := map[string]any{"start": wStart.Format(time.RFC3339), "end": wEnd.Format(time.RFC3339)}
	run := func(env string, drv query.Driver) *frame.Frame {
		tmpl, err := st.Lookup(env, "SecurityAlert.list_alerts")
		if err != nil {
			t.Fatal(err)
		}
		e, _ := query.LookupEnv(env)
		req, err := tmpl.Render(e.Dialect, values)
		if err != nil {
			t.Fatal(err)
		}
		f, err := drv.Query(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		return f
	}
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ld, err := localdata.New(ctx, query.Settings{Workspace: ws, DataPaths: []string{"testdata"}})
	if err != nil {
		t.Fatal(err)
	}
	remote, local := run("MSSentinel", d), run("LocalData", ld)
	if remote.Len() != 5 || remote.Len() != local.Len() {
		t.Fatalf("rows: MSSentinel %d, LocalData %d, want 5", remote.Len(), local.Len())
	}
	if strings.Join(remote.Names(), ",") != strings.Join(local.Names(), ",") {
		t.Fatalf("columns differ:\n%v\n%v", remote.Names(), local.Names())
	}
	for i := 0; i < remote.Len(); i++ {
		for _, c := range local.Names() {
			if a, b := remote.Col(c).Text(i), local.Col(c).Text(i); a != b {
				t.Errorf("row %d %s: MSSentinel %q, LocalData %q", i, c, a, b)
			}
		}
	}
}

// TestPartialResult: past the row limit the rows are kept and flagged; --fail-on-partial
// makes it an error.
func TestPartialResult(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x", RowLimit: 2})
	cfg := writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret")
	d := newDriver(t, cfg, nil)
	f, err := d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 2 || !errors.Is(f.Partial(), sentinel.ErrPartial) || len(d.Warnings()) != 1 {
		t.Fatalf("rows %d, partial %v, warnings %v", f.Len(), f.Partial(), d.Warnings())
	}
	if w := d.Warnings()[0].Error(); !strings.Contains(w, "PartialError") || !strings.Contains(w, "record count limit") {
		t.Errorf("warning = %s", w)
	}
	strict := newDriver(t, cfg, map[string]string{sentinel.OptFailOnPartial: "true"})
	if _, err := strict.Query(context.Background(), alertsKQL()); !errors.Is(err, sentinel.ErrPartial) || !strings.Contains(err.Error(), "2 rows returned") {
		t.Fatalf("fail-on-partial err = %v", err)
	}
}

// TestBadKQL: KQL the compiler refuses comes back as Kusto's error with the compiler's
// message and position.
func TestBadKQL(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	d := newDriver(t, writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret"), nil)
	_, err := d.Query(context.Background(), query.Request{Text: "SecurityAlert | frobnicate", Language: "kql"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 400 BadArgumentError") || !strings.Contains(err.Error(), `"frobnicate"`) ||
		!strings.Contains(err.Error(), "line 1:") {
		t.Fatalf("err = %v", err)
	}
	_, err = d.Query(context.Background(), query.Request{Text: "NoSuchTable | take 1", Language: "kql"})
	if err == nil || !strings.Contains(err.Error(), "SemanticError") {
		t.Fatalf("unknown table err = %v", err)
	}
}

// TestSchema lists the tables and columns from the metadata API.
func TestSchema(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{ClientSecret: "x"})
	d := newDriver(t, writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret"), nil)
	sch, err := d.Schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cols := sch["SecurityAlert"]
	if len(cols) != 15 || cols[0].Name != "TimeGenerated" || cols[0].Type != frame.Time {
		t.Fatalf("SecurityAlert schema = %v", cols)
	}
}

// clientCert makes an RSA certificate and key in one PEM.
func clientCert(t *testing.T) ([]byte, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "huntkit test app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
	return out, cert
}

// fakeAz puts a stand-in `az` on PATH that prints a token the emulator issued, as
// `az account get-access-token -o json` does.
func fakeAz(t *testing.T, srv *emulate.Server) {
	t.Helper()
	tok, exp, err := srv.Issue(srv.URL, "analyst@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\ncat <<'EOF'\n{\"accessToken\": \"%s\", \"expiresOn\": \"%s\", \"expires_on\": %d, \"tenant\": \"%s\", \"tokenType\": \"Bearer\"}\nEOF\n",
		tok, exp.Local().Format("2006-01-02 15:04:05.000000"), exp.Unix(), srv.TenantID())
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestSeveralWorkspaces: --workspace-name A,B queries each workspace on its own and gives one
// result whose first column, Workspace, names each row's workspace; a workspace the service
// does not know keeps the other's rows and flags the result partial with one clear line.
func TestSeveralWorkspaces(t *testing.T) {
	isolate(t)
	second := "11111111-2222-3333-4444-555555555555"
	srv := startEmulator(t, emulate.Options{ClientSecret: "x", WorkspaceIDs: []string{emulate.DefaultWorkspaceID, second}})
	cfg := writeConfig(t, srv, "", "", "        ClientSecret: x", "clientsecret")
	data, _ := os.ReadFile(cfg)
	extra := fmt.Sprintf("    Second:\n      WorkspaceId: %s\n      TenantId: %s\n    Gone:\n      WorkspaceId: 99999999-2222-3333-4444-555555555555\n      TenantId: %s\n",
		second, srv.TenantID(), srv.TenantID())
	data = []byte(strings.Replace(string(data), "Azure:\n", extra+"Azure:\n", 1))
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, cfg, map[string]string{sentinel.OptWorkspace: "Default, Second"})
	if ws := d.Workspaces(); len(ws) != 2 || ws[1].ID != second {
		t.Fatalf("workspaces = %+v", ws)
	}
	f, err := d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	if f.Partial() != nil || f.Names()[0] != sentinel.WorkspaceColumn {
		t.Fatalf("partial %v, columns %v", f.Partial(), f.Names())
	}
	if got := strings.Join(f.Col(sentinel.WorkspaceColumn).Strings(), ","); got != "Default,Default,Default,Default,Default,Second,Second,Second,Second,Second" {
		t.Errorf("Workspace column = %s", got)
	}
	if got := strings.Join(f.Col("SystemAlertId").Strings(), ","); got != "a1,a2,a3,a4,a5,a1,a2,a3,a4,a5" {
		t.Errorf("alert ids = %s", got)
	}
	first, err := f.Select(f.Names()[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	wantAlerts(t, first.Head(5))

	d = newDriver(t, cfg, map[string]string{sentinel.OptWorkspace: "Default,Gone"})
	f, err = d.Query(context.Background(), alertsKQL())
	if err != nil {
		t.Fatal(err)
	}
	p := f.Partial()
	if !errors.Is(p, sentinel.ErrPartial) || strings.Contains(p.Error(), "\n") || !strings.Contains(p.Error(), "1 of 2 workspaces") ||
		!strings.Contains(p.Error(), "workspace Gone") || !strings.Contains(p.Error(), "HTTP 404 WorkspaceNotFoundError") {
		t.Fatalf("partial = %v", p)
	}
	if got := strings.Join(f.Col(sentinel.WorkspaceColumn).Strings(), ","); got != "Default,Default,Default,Default,Default" {
		t.Errorf("Workspace column = %s", got)
	}
	if w := d.Warnings(); len(w) != 1 {
		t.Errorf("warnings = %v", w)
	}
	d = newDriver(t, cfg, map[string]string{sentinel.OptWorkspace: "Default,Gone", sentinel.OptFailOnPartial: "true"})
	if _, err := d.Query(context.Background(), alertsKQL()); !errors.Is(err, sentinel.ErrPartial) || !strings.Contains(err.Error(), "--fail-on-partial") {
		t.Fatalf("fail-on-partial: err = %v", err)
	}
}

// TestAzureMLConfig: without AzureSentinel.Workspaces, config.json in the current folder
// names the workspace, as in a notebook folder cloned from the portal.
func TestAzureMLConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	c, _ := config.Parse("", nil)
	if _, err := sentinel.Workspaces(c, ""); !errors.Is(err, sentinel.ErrNoWorkspace) {
		t.Fatalf("no config: %v", err)
	}
	js := `{"subscription_id": "s", "resource_group": "rg", "workspace_name": "ml-ws", "workspace_id": "52b1ab41-869e-4138-9e40-2a4457f09bf0", "tenant_id": "8a1f3c7e-0d2b-4e5f-9a6c-1b2c3d4e5f60"}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(js), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, err := sentinel.Workspaces(c, "")
	if err != nil || len(ws) != 1 || ws[0].ID != "52b1ab41-869e-4138-9e40-2a4457f09bf0" || ws[0].TenantID != "8a1f3c7e-0d2b-4e5f-9a6c-1b2c3d4e5f60" || ws[0].Name != "ml-ws" {
		t.Fatalf("workspaces = %+v, %v", ws, err)
	}
	if _, err := sentinel.Workspaces(c, "Other"); !errors.Is(err, sentinel.ErrNoWorkspace) {
		t.Fatalf("other name: %v", err)
	}
}
