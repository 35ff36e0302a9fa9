package emulate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CAFileName is the name of the emulator's certificate written beside the configuration.
const CAFileName = "huntkit-emulator-ca.pem"

// WriteConfig writes a msticpyconfig.yaml that points huntkit at the emulator (a Default
// workspace, the tenant, an application whose client secret the token endpoint accepts, the
// endpoint overrides and the CA file, and an Emulator entry in KustoClusters for its Azure
// Data Explorer REST API with the first database it serves), and the CA file beside it. Both are written 0600
// (the file holds the emulator's client secret). It returns the CA file's path.
func (s *Server) WriteConfig(path string, authMethods ...string) (string, error) {
	if len(authMethods) == 0 {
		authMethods = []string{"clientsecret"}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return "", fmt.Errorf("emulate: config folder: %w", err)
	}
	ca := filepath.Join(filepath.Dir(abs), CAFileName)
	if err := os.WriteFile(ca, s.CAPEM, 0o600); err != nil {
		return "", fmt.Errorf("emulate: write CA file: %w", err)
	}
	cfg := fmt.Sprintf(`# Written by 'huntkit emulate' for the emulator at %[1]s.
# It points huntkit at the local emulator: a simulated tenant, not Azure.
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: %[2]s
      TenantId: %[3]s
      WorkspaceName: huntkit-emulator
      SubscriptionId: %[8]s
      ResourceGroup: %[9]s
      Args:
        ClientId: %[4]s
        ClientSecret: %[5]s
Azure:
  cloud: global
  auth_methods: [%[6]s]
  authority_host: %[1]s/
  log_analytics_endpoint: %[1]s
  resource_manager_url: %[1]s
  keyvault_url: %[1]s
  mde_endpoint: %[1]s
  m365d_endpoint: %[1]s
  graph_endpoint: %[1]s
  ca_file: %[7]s
KeyVault:
  TenantId: %[3]s
  VaultName: huntkit-emulator
KustoClusters:
  Emulator:
    Args:
      Cluster: %[1]s
      Database: %[10]s
      TenantId: %[3]s
      ClientId: %[4]s
      ClientSecret: %[5]s
`, s.URL, s.WorkspaceID(), s.TenantID(), s.ClientID(), s.ClientSecret(), strings.Join(authMethods, ", "), ca, DefaultSubscriptionID, DefaultResourceGroup, s.KustoDatabases()[0])
	tmp := abs + ".tmp"
	if err := os.WriteFile(tmp, []byte(cfg), 0o600); err != nil {
		return "", fmt.Errorf("emulate: write config: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("emulate: write config: %w", err)
	}
	return ca, nil
}

// WriteEnv writes a shell file of exports for clients that read the environment: the
// managed-identity endpoint variables (IDENTITY_ENDPOINT, IDENTITY_HEADER), the CA file for
// huntkit (HUNTKIT_CA_FILE) and for Python's requests (REQUESTS_CA_BUNDLE), and the
// AZURE_* variables of the env method. Written 0600: it holds secrets.
func (s *Server) WriteEnv(path, caFile string) error {
	env := fmt.Sprintf(`# Written by 'huntkit emulate' for the emulator at %s. Source it: . %s
export IDENTITY_ENDPOINT=%s
export IDENTITY_HEADER=%s
export HUNTKIT_CA_FILE=%s
export REQUESTS_CA_BUNDLE=%s
export AZURE_TENANT_ID=%s
export AZURE_CLIENT_ID=%s
export AZURE_CLIENT_SECRET=%s
`, s.URL, path, s.IdentityEndpoint(), s.IdentityHeader(), caFile, caFile, s.TenantID(), s.ClientID(), s.ClientSecret())
	if err := os.WriteFile(path, []byte(env), 0o600); err != nil {
		return fmt.Errorf("emulate: write environment file: %w", err)
	}
	return nil
}
