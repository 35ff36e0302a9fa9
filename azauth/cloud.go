// Package azauth signs huntkit in to Azure with msticpy's authentication method names (env,
// cli, msi, devicecode, vscode, powershell, clientsecret, certificate, interactive), tried in
// the configured order through the Azure SDK's azidentity credentials, and describes the
// Azure cloud to talk to: the national clouds (global, usgov, cn) and endpoint overrides
// from the configuration (private clouds, huntkit's emulator) with an extra CA to trust.
//
// It never prints or returns a token outside azcore.TokenCredential: Attempts and Status
// name each method and its one-line outcome, and the tenant and account that worked.
package azauth

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntkit/huntkit/config"
)

// ErrConfig marks bad Azure settings (unknown cloud, unknown method, unreadable CA file). It
// matches config.ErrInvalid, so the command line reports a configuration error (exit 3).
var ErrConfig error = settingsError("azure settings")

type settingsError string

func (e settingsError) Error() string        { return string(e) }
func (e settingsError) Is(target error) bool { return target == config.ErrInvalid }

// Endpoints are the service addresses of one Azure cloud.
type Endpoints struct {
	Name            string // global, usgov, cn, or custom
	AuthorityHost   string // Microsoft Entra ID, e.g. https://login.microsoftonline.com/
	LogAnalytics    string // Log Analytics query API base (no /v1), e.g. https://api.loganalytics.io
	ResourceManager string // Azure Resource Manager
	KeyVaultSuffix  string // vault DNS suffix, e.g. vault.azure.net
	// KeyVaultURL, when set, is the one vault endpoint to use whatever the vault name (the
	// emulator serves its secrets at its own address).
	KeyVaultURL string
}

// Clouds are the national clouds by msticpy's names.
var Clouds = map[string]Endpoints{
	"global": {Name: "global", AuthorityHost: "https://login.microsoftonline.com/", LogAnalytics: "https://api.loganalytics.io",
		ResourceManager: "https://management.azure.com/", KeyVaultSuffix: "vault.azure.net"},
	"usgov": {Name: "usgov", AuthorityHost: "https://login.microsoftonline.us/", LogAnalytics: "https://api.loganalytics.us",
		ResourceManager: "https://management.usgovcloudapi.net/", KeyVaultSuffix: "vault.usgovcloudapi.net"},
	"cn": {Name: "cn", AuthorityHost: "https://login.chinacloudapi.cn/", LogAnalytics: "https://api.loganalytics.azure.cn",
		ResourceManager: "https://management.chinacloudapi.cn/", KeyVaultSuffix: "vault.azure.cn"},
}

// Config keys (under the Azure section) that override a cloud's endpoints. They are
// huntkit's additions to msticpy's Azure section (cloud, auth_methods, resource_manager_url).
const (
	KeyCloud         = "Azure.cloud"
	KeyAuthMethods   = "Azure.auth_methods"
	KeyResourceMgr   = "Azure.resource_manager_url"
	KeyAuthorityHost = "Azure.authority_host"
	KeyLogAnalytics  = "Azure.log_analytics_endpoint"
	KeyKeyVaultURL   = "Azure.keyvault_url"
	KeyCAFile        = "Azure.ca_file"
	KeyTenantID      = "Azure.tenant_id"
	KeyMSIClientID   = "Azure.managed_identity_client_id"
)

// EnvCAFile names a PEM file of extra certificate authorities to trust, like Azure.ca_file.
const EnvCAFile = "HUNTKIT_CA_FILE"

// CloudFromConfig returns the endpoints of the configured cloud (Azure.cloud, default
// global) with the configured overrides applied.
func CloudFromConfig(c *config.Config) (Endpoints, error) {
	name := "global"
	if s, ok := c.String(KeyCloud); ok && s != "" {
		name = strings.ToLower(s)
	}
	ep, ok := Clouds[name]
	if !ok {
		return Endpoints{}, fmt.Errorf("%w: %s %q: want global, usgov or cn", ErrConfig, KeyCloud, name)
	}
	set := func(key string, dst *string) {
		if s, ok := c.String(key); ok && s != "" {
			*dst = s
		}
	}
	set(KeyAuthorityHost, &ep.AuthorityHost)
	set(KeyLogAnalytics, &ep.LogAnalytics)
	set(KeyResourceMgr, &ep.ResourceManager)
	set(KeyKeyVaultURL, &ep.KeyVaultURL)
	if !strings.HasSuffix(ep.AuthorityHost, "/") {
		ep.AuthorityHost += "/"
	}
	ep.LogAnalytics = strings.TrimRight(ep.LogAnalytics, "/")
	return ep, nil
}

// Custom reports whether the authority host is not a national cloud's (a private cloud or
// the emulator): MSAL's instance discovery, which asks the public cloud, is then turned off.
func (e Endpoints) Custom() bool {
	for _, c := range Clouds {
		if strings.EqualFold(strings.TrimSuffix(c.AuthorityHost, "/"), strings.TrimSuffix(e.AuthorityHost, "/")) {
			return false
		}
	}
	return true
}

// Cloud returns azcore's description of the cloud (authority host and Resource Manager).
func (e Endpoints) Cloud() cloud.Configuration {
	var base cloud.Configuration
	switch e.Name {
	case "usgov":
		base = cloud.AzureGovernment
	case "cn":
		base = cloud.AzureChina
	default:
		base = cloud.AzurePublic
	}
	out := cloud.Configuration{ActiveDirectoryAuthorityHost: e.AuthorityHost, Services: map[cloud.ServiceName]cloud.ServiceConfiguration{}}
	for k, v := range base.Services {
		out.Services[k] = v
	}
	if e.ResourceManager != "" {
		out.Services[cloud.ResourceManager] = cloud.ServiceConfiguration{Audience: e.ResourceManager, Endpoint: e.ResourceManager}
	}
	return out
}

// Transport returns an HTTP client that trusts the system's certificate authorities plus
// those in caFile (PEM), or nil when caFile is empty (azcore's default transport).
func Transport(caFile string) (*http.Client, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(config.ExpandHome(caFile))
	if err != nil {
		return nil, fmt.Errorf("%w: CA file: %v", ErrConfig, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%w: CA file %s holds no PEM certificate", ErrConfig, caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 10 * time.Minute}, nil
}

// CAFile returns the extra CA file from the configuration (Azure.ca_file) or from
// HUNTKIT_CA_FILE, "" when neither is set.
func CAFile(c *config.Config) string {
	if s, ok := c.String(KeyCAFile); ok && s != "" {
		return s
	}
	return os.Getenv(EnvCAFile)
}

// ClientOptions returns azcore options for the cloud and CA file: the cloud's authority host
// and a transport that trusts the extra CA.
func ClientOptions(ep Endpoints, caFile string) (azcore.ClientOptions, error) {
	opts := azcore.ClientOptions{Cloud: ep.Cloud()}
	hc, err := Transport(caFile)
	if err != nil {
		return opts, err
	}
	if hc != nil {
		opts.Transport = hc
	}
	opts.Retry = policy.RetryOptions{MaxRetries: 2, RetryDelay: 500 * time.Millisecond, MaxRetryDelay: 5 * time.Second}
	return opts, nil
}
