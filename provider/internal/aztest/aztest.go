// Package aztest is what the tests of the Microsoft API drivers share: the emulator
// serving a small demo tenant in-process, a configuration pointing every Azure endpoint at
// it, and TLS stand-ins for the failure modes the emulator does not produce. Tests only.
package aztest

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/engine"
)

// Secret is the client secret the test emulators accept.
const Secret = "test-secret-value"

// Isolate clears the variables the sign-in methods read, so the machine's own settings do
// not leak in.
func Isolate(t *testing.T) {
	t.Helper()
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
		"AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_USERNAME", "AZURE_PASSWORD", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
		"MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "HUNTKIT_CA_FILE", "AZURE_FEDERATED_TOKEN_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

var (
	demoOnce sync.Once
	demoData *demo.Dataset
	demoErr  error
)

// Demo returns the demo tenant of three days (seed 1), generated once per test binary.
func Demo(t *testing.T) *demo.Dataset {
	t.Helper()
	demoOnce.Do(func() { demoData, demoErr = demo.Generate(demo.Options{Seed: 1, Days: 3}) })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoData
}

// Start serves the demo tenant through the emulator until the test ends.
func Start(t *testing.T, opt emulate.Options) *emulate.Server {
	t.Helper()
	ctx := context.Background()
	ds := Demo(t)
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for name, f := range ds.Tables {
		if err := ws.Register(ctx, name, f); err != nil {
			t.Fatal(err)
		}
	}
	be, err := emulate.NewWorkspaceBackend(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	opt.Backend = be
	if opt.ClientSecret == "" {
		opt.ClientSecret = Secret
	}
	srv, err := emulate.Start(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Endpoints are the service addresses a configuration names; empty ones are the emulator's.
type Endpoints struct {
	MDE, M365D, Graph, ARM string
	CAFile                 string // default: the emulator's certificate alone
}

// Config writes a configuration that signs in to srv with its client secret and points
// the Azure services at ep (or srv), with extra YAML appended, and loads it.
func Config(t *testing.T, srv *emulate.Server, ep Endpoints, extra string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if ep.CAFile == "" {
		ep.CAFile = filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(ep.CAFile, srv.CAPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	or := func(s string) string {
		if s == "" {
			return srv.URL
		}
		return s
	}
	text := fmt.Sprintf(`Azure:
  auth_methods: [clientsecret]
  authority_host: %s
  tenant_id: %s
  client_id: %s
  client_secret: %s
  mde_endpoint: %s
  m365d_endpoint: %s
  graph_endpoint: %s
  resource_manager_url: %s
  ca_file: %s
%s`, srv.URL, srv.TenantID(), srv.ClientID(), srv.ClientSecret(), or(ep.MDE), or(ep.M365D), or(ep.Graph), or(ep.ARM), ep.CAFile, extra)
	p := filepath.Join(dir, "msticpyconfig.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// API is a TLS stand-in for a service, answering with h; CAFile trusts both it and the
// emulator (which still issues the tokens). Calls counts the requests.
type API struct {
	URL    string
	CAFile string
	Calls  *atomic.Int32
}

// Serve starts the stand-in until the test ends. Requests without a bearer token get 418.
func Serve(t *testing.T, srv *emulate.Server, h http.HandlerFunc) API {
	t.Helper()
	calls := &atomic.Int32{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if len(r.Header.Get("Authorization")) < len("Bearer x") {
			http.Error(w, "no token from the client", http.StatusTeapot)
			return
		}
		h(w, r)
	}))
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ca := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), srv.CAPEM...)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	return API{URL: ts.URL, CAFile: caFile, Calls: calls}
}

// Reply answers with a status, a body and header pairs.
func Reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
