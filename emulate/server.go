// Package emulate is a local stand-in for the Azure services huntkit talks to, for tests,
// CI and rehearsing hunts offline: a Microsoft Entra ID token endpoint (OpenID
// configuration, instance discovery, client-secret and certificate client credentials, an
// App Service style managed-identity endpoint) that signs its own tokens, and the Log
// Analytics query API (POST /v1/workspaces/{id}/query) answered by running the KQL through
// huntkit's compiler on a DuckDB workspace (the demo tenant by default), and Key Vault's
// get-secret API for {KeyVault: ...} settings.
//
// It serves HTTPS on 127.0.0.1 with a self-signed certificate (CAPEM), because the Azure
// SDK accepts HTTPS authority hosts and bearer tokens only; clients trust it through a CA
// file (Azure.ca_file in the configuration WriteConfig writes, or HUNTKIT_CA_FILE).
// Every API answers 401 without a token the emulator issued.
package emulate

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Backend runs KQL for the emulated services.
type Backend interface {
	// Query runs KQL; a non-zero start/end bounds every table's TimeGenerated to the window.
	Query(ctx context.Context, kql string, start, end time.Time) (*frame.Frame, error)
	// Schema lists the tables and their columns.
	Schema(ctx context.Context) (map[string][]frame.Field, error)
}

// Default identities of the emulated tenant.
const (
	DefaultTenantID    = "8a1f3c7e-0d2b-4e5f-9a6c-1b2c3d4e5f60"
	DefaultWorkspaceID = "52b1ab41-869e-4138-9e40-2a4457f09bf0"
	DefaultClientID    = "2c4a8e10-7b3d-4f6a-8c9e-0a1b2c3d4e5f"
)

// Options configure a Server.
type Options struct {
	Addr         string // listen address; default 127.0.0.1:0 (a free port)
	Backend      Backend
	TenantID     string   // default DefaultTenantID
	WorkspaceIDs []string // served workspaces; default DefaultWorkspaceID
	ClientID     string   // the application the token endpoint knows; default DefaultClientID
	ClientSecret string   // its secret; default a random one
	// ClientCerts are certificates whose keys may sign client assertions for ClientID.
	ClientCerts []*x509.Certificate
	// IdentityHeader is the value the managed-identity endpoint wants in X-IDENTITY-HEADER
	// (IDENTITY_HEADER); default a random one.
	IdentityHeader string
	// Secrets are the Key Vault secrets served at /secrets/{name} (any vault name maps here
	// through Azure.keyvault_url).
	Secrets map[string]string
	// RowLimit cuts results longer than this many rows and flags them partial (0: 500000,
	// Log Analytics' limit).
	RowLimit int
	// KustoDatabases are the Azure Data Explorer databases served (emulate/kusto.go), each
	// over the one backend; default DefaultKustoDatabase.
	KustoDatabases []string
}

// Server is a running emulator.
type Server struct {
	// URL is the base address, e.g. https://127.0.0.1:53211 (authority host, Log Analytics
	// endpoint and audience at once).
	URL string
	// CAPEM is the emulator's self-signed certificate in PEM, the one CA clients must trust.
	CAPEM []byte

	opt     Options
	signKey *rsa.PrivateKey
	kid     string
	srv     *http.Server
	ln      net.Listener
	done    chan struct{}
	mu      sync.Mutex
	serveEr error
	// state holds what each emulated API keeps for the life of the process (writes to
	// incidents, watchlists, ...), keyed by the API's name.
	state sync.Map
}

// routeSets are the emulated APIs beyond sign-in, Logs and Key Vault; each file that
// serves one adds its registration in an init function.
var routeSets []func(s *Server, mux *http.ServeMux)

// Start listens and serves in the background until Close or ctx ends.
func Start(ctx context.Context, opt Options) (*Server, error) {
	if opt.Backend == nil {
		return nil, errors.New("emulate: no backend")
	}
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:0"
	}
	if opt.TenantID == "" {
		opt.TenantID = DefaultTenantID
	}
	if len(opt.WorkspaceIDs) == 0 {
		opt.WorkspaceIDs = []string{DefaultWorkspaceID}
	}
	if opt.ClientID == "" {
		opt.ClientID = DefaultClientID
	}
	if opt.ClientSecret == "" {
		opt.ClientSecret = randomHex(24)
	}
	if opt.IdentityHeader == "" {
		opt.IdentityHeader = randomHex(16)
	}
	if opt.RowLimit == 0 {
		opt.RowLimit = 500000
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("emulate: signing key: %w", err)
	}
	cert, caPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("emulate: listen on %s: %w", opt.Addr, err)
	}
	s := &Server{opt: opt, signKey: key, kid: randomHex(8), CAPEM: caPEM, done: make(chan struct{}),
		URL: "https://" + ln.Addr().String()}
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	s.ln = tls.NewListener(ln, s.srv.TLSConfig)
	go func() {
		defer close(s.done)
		err := s.srv.Serve(s.ln)
		if !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.serveEr = err
			s.mu.Unlock()
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /common/discovery/instance", s.instanceDiscovery)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openIDConfig)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.tokenEndpoint)
	mux.HandleFunc("GET /msi/token", s.managedIdentity)
	mux.HandleFunc("POST /v1/workspaces/{workspace}/query", s.authed(s.logsQuery))
	mux.HandleFunc("GET /v1/workspaces/{workspace}/query", s.authed(s.logsQuery))
	mux.HandleFunc("GET /v1/workspaces/{workspace}/metadata", s.authed(s.metadata))
	mux.HandleFunc("GET /secrets/{name}", s.kvAuthed(s.getSecret))
	mux.HandleFunc("GET /secrets/{name}/{$}", s.kvAuthed(s.getSecret))
	mux.HandleFunc("GET /secrets/{name}/{version}", s.kvAuthed(s.getSecret))
	for _, add := range routeSets {
		add(s, mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "PathNotFoundError", "The requested path does not exist: "+r.URL.Path, nil)
	})
	return mux
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return err
}

// Wait blocks until the server stops and returns why it stopped (nil after Close).
func (s *Server) Wait() error {
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serveEr
}

// TenantID, WorkspaceID, ClientID, ClientSecret and IdentityHeader describe the emulated
// tenant for client configuration.
func (s *Server) TenantID() string       { return s.opt.TenantID }
func (s *Server) WorkspaceID() string    { return s.opt.WorkspaceIDs[0] }
func (s *Server) ClientID() string       { return s.opt.ClientID }
func (s *Server) ClientSecret() string   { return s.opt.ClientSecret }
func (s *Server) IdentityHeader() string { return s.opt.IdentityHeader }

// IdentityEndpoint is the managed-identity endpoint for IDENTITY_ENDPOINT.
func (s *Server) IdentityEndpoint() string { return s.URL + "/msi/token" }

func (s *Server) knownWorkspace(id string) bool {
	for _, w := range s.opt.WorkspaceIDs {
		if strings.EqualFold(w, id) {
			return true
		}
	}
	return false
}

// metadata answers GET /v1/workspaces/{id}/metadata with the workspace's tables and columns
// (the shape of the Log Analytics metadata API, reduced to tables).
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	if !s.knownWorkspace(r.PathValue("workspace")) {
		writeAPIError(w, http.StatusNotFound, "WorkspaceNotFoundError", "Workspace "+r.PathValue("workspace")+" not found", nil)
		return
	}
	sch, err := s.opt.Backend.Schema(r.Context())
	if err != nil {
		s.queryError(w, err)
		return
	}
	type col struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	type table struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Columns []col  `json:"columns"`
	}
	var tables []table
	for _, name := range sortedKeys(sch) {
		t := table{ID: "t/" + name, Name: name}
		for _, f := range sch[name] {
			t.Columns = append(t.Columns, col{Name: f.Name, Type: KustoType(f.Type)})
		}
		tables = append(tables, t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tables": tables,
		"workspaces": []map[string]any{{"id": s.WorkspaceID(), "name": "huntkit-emulator"}}})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
