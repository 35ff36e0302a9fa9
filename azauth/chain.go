package azauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/golang-jwt/jwt/v5"

	"github.com/huntkit/huntkit/config"
)

// Methods are msticpy's authentication method names, in msticpy's default order.
var Methods = []string{"env", "cli", "msi", "devicecode", "vscode", "powershell", "clientsecret", "certificate", "interactive"}

// DefaultMethods is the order used when neither the configuration nor the command names one
// (msticpy's default: env, cli, msi, interactive).
var DefaultMethods = []string{"env", "cli", "msi", "interactive"}

// ErrNoCredential is returned when no method in the list gave a token.
var ErrNoCredential = errors.New("no Azure sign-in method worked")

// Settings say how to sign in.
type Settings struct {
	Methods  []string  // tried in this order
	Cloud    Endpoints // authority host and services
	CAFile   string    // extra CAs to trust (PEM), "" for none
	TenantID string    // the tenant to sign in to ("" = the credential's home tenant)

	// Application credentials for clientsecret and certificate (and the client id of a
	// user-assigned managed identity when MSIClientID is empty).
	ClientID     string
	ClientSecret func(ctx context.Context) (string, error) // resolved only when clientsecret is tried
	CertFile     string                                    // PEM or PKCS#12 with the private key
	CertPassword func(ctx context.Context) (string, error)
	MSIClientID  string

	// Interactive allows devicecode and interactive (a person at a terminal). When false,
	// they are skipped with a one-line reason.
	Interactive bool
	// Prompt receives the device-code message (default stderr).
	Prompt io.Writer
	// Cache keeps tokens between processes (nil: none). FromConfig sets DefaultTokenCache.
	Cache *TokenCache
}

// FromConfig reads Settings from the configuration: Azure.auth_methods (overridden by
// methods when non-empty), the cloud and its overrides, the tenant and application
// credentials of the named Sentinel workspace's Args (then the Azure section, then the
// AZURE_* environment variables).
func FromConfig(c *config.Config, workspace string, methods []string) (Settings, error) {
	ep, err := CloudFromConfig(c)
	if err != nil {
		return Settings{}, err
	}
	s := Settings{Cloud: ep, CAFile: CAFile(c), Prompt: os.Stderr, Cache: DefaultTokenCache()}
	if len(methods) == 0 {
		methods, _ = c.Strings(KeyAuthMethods)
	}
	if len(methods) == 0 {
		methods = DefaultMethods
	}
	if s.Methods, err = ParseMethods(methods); err != nil {
		return Settings{}, err
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := c.String(k); ok && v != "" {
				return v
			}
		}
		return ""
	}
	ws := "AzureSentinel.Workspaces." + workspace
	if workspace == "" {
		ws = "AzureSentinel.Workspaces.Default"
	}
	s.TenantID = str(ws+".Args.TenantId", ws+".TenantId", KeyTenantID)
	if s.TenantID == "" {
		s.TenantID = os.Getenv("AZURE_TENANT_ID")
	}
	s.ClientID = str(ws+".Args.ClientId", "Azure.client_id")
	if s.ClientID == "" {
		s.ClientID = os.Getenv("AZURE_CLIENT_ID")
	}
	s.MSIClientID = str(KeyMSIClientID)
	s.CertFile = str(ws+".Args.Certificate", "Azure.certificate")
	if s.CertFile == "" {
		s.CertFile = os.Getenv("AZURE_CLIENT_CERTIFICATE_PATH")
	}
	s.ClientSecret = secretOrEnv(c, []string{ws + ".Args.ClientSecret", "Azure.client_secret"}, "AZURE_CLIENT_SECRET")
	s.CertPassword = secretOrEnv(c, []string{ws + ".Args.CertificatePassword"}, "AZURE_CLIENT_CERTIFICATE_PASSWORD")
	return s, nil
}

// secretOrEnv resolves the first configured secret of keys (lazily), else the variable.
func secretOrEnv(c *config.Config, keys []string, env string) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		for _, k := range keys {
			if ref, ok := c.Ref(k); ok && ref.Kind == config.KindKeyVault {
				return "", fmt.Errorf("%s: a sign-in secret cannot itself come from Key Vault", k)
			}
			if c.IsSet(k) {
				return c.Secret(ctx, k)
			}
		}
		if v := os.Getenv(env); v != "" {
			return v, nil
		}
		return "", fmt.Errorf("not set (%s or %s)", strings.Join(keys, ", "), env)
	}
}

// ParseMethods checks method names (case-insensitive; msticpy's spellings) and drops
// duplicates.
func ParseMethods(list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, item := range list {
		for _, m := range strings.Split(item, ",") {
			m = strings.ToLower(strings.TrimSpace(m))
			if m == "" || seen[m] {
				continue
			}
			if !known(m) {
				return nil, fmt.Errorf("%w: unknown auth method %q (want %s)", ErrConfig, m, strings.Join(Methods, ", "))
			}
			seen[m] = true
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no auth method given", ErrConfig)
	}
	return out, nil
}

func known(m string) bool {
	for _, k := range Methods {
		if k == m {
			return true
		}
	}
	return false
}

// Attempt is the outcome of trying one method.
type Attempt struct {
	Method  string
	OK      bool
	Skipped bool   // not usable here (nothing to try with)
	Outcome string // one line: why it failed or was skipped, or "signed in"
	Tenant  string // the tenant of the token that worked
	Account string // the user, application or identity that worked
	Err     error  // the full error (several lines from azidentity); nil when OK
}

// Credential tries Settings.Methods in order on its first token request and keeps the first
// one that gives a token. It implements azcore.TokenCredential.
type Credential struct {
	s Settings

	mu       sync.Mutex
	chosen   azcore.TokenCredential
	method   string
	attempts []Attempt
}

// New returns a Credential for s. Nothing is contacted until GetToken.
func New(s Settings) (*Credential, error) {
	if len(s.Methods) == 0 {
		return nil, fmt.Errorf("%w: no auth method given", ErrConfig)
	}
	if s.Prompt == nil {
		s.Prompt = os.Stderr
	}
	return &Credential{s: s}, nil
}

// Method returns the method that worked ("" before one did).
func (c *Credential) Method() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.method
}

// Attempts returns what the methods tried so far gave, in order.
func (c *Credential) Attempts() []Attempt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Attempt(nil), c.attempts...)
}

// GetToken implements azcore.TokenCredential.
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, ok := c.cached(opts); ok {
		return tok, nil
	}
	if c.chosen != nil {
		tok, err := c.chosen.GetToken(ctx, opts)
		if err == nil {
			c.remember(opts, c.method, tok)
		}
		return tok, err
	}
	c.attempts = c.attempts[:0]
	var fails []string
	for _, m := range c.s.Methods {
		if err := ctx.Err(); err != nil {
			return azcore.AccessToken{}, err
		}
		a := Attempt{Method: m}
		cred, skip, err := c.build(ctx, m)
		if err == nil && cred != nil {
			var tok azcore.AccessToken
			tok, err = c.token(ctx, m, cred, opts)
			if err == nil {
				a.OK, a.Outcome = true, "signed in"
				a.Tenant, a.Account = Identity(tok.Token)
				c.attempts = append(c.attempts, a)
				c.chosen, c.method = cred, m
				c.remember(opts, m, tok)
				return tok, nil
			}
		}
		if ctx.Err() != nil {
			return azcore.AccessToken{}, ctx.Err()
		}
		a.Skipped, a.Err = skip, err
		a.Outcome = OneLine(err)
		c.attempts = append(c.attempts, a)
		fails = append(fails, m+": "+a.Outcome)
	}
	return azcore.AccessToken{}, fmt.Errorf("%w (%s)", ErrNoCredential, strings.Join(fails, "; "))
}

// token asks cred for a token; IMDS probing (msi without endpoint variables) is bounded.
func (c *Credential) token(ctx context.Context, m string, cred azcore.TokenCredential, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if m == "msi" && !msiEnv() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
	}
	if opts.TenantID == "" && m != "msi" {
		opts.TenantID = c.s.TenantID
	}
	return cred.GetToken(ctx, opts)
}

func msiEnv() bool {
	for _, v := range []string{"IDENTITY_ENDPOINT", "MSI_ENDPOINT", "IMDS_ENDPOINT"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// build makes the azidentity credential for method m. skip reports a method that cannot be
// tried here (with err saying why).
func (c *Credential) build(ctx context.Context, m string) (cred azcore.TokenCredential, skip bool, err error) {
	s := c.s
	co, err := ClientOptions(s.Cloud, s.CAFile)
	if err != nil {
		return nil, false, err
	}
	tenant := s.TenantID
	noDisc := s.Cloud.Custom()
	switch m {
	case "env":
		if os.Getenv("AZURE_CLIENT_ID") == "" || os.Getenv("AZURE_TENANT_ID") == "" {
			return nil, true, errors.New("AZURE_TENANT_ID and AZURE_CLIENT_ID (with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH) are not set")
		}
		cred, err = azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{ClientOptions: co, DisableInstanceDiscovery: noDisc})
	case "cli":
		cred, err = azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenant})
	case "powershell":
		cred, err = azidentity.NewAzurePowerShellCredential(&azidentity.AzurePowerShellCredentialOptions{TenantID: tenant})
	case "msi":
		o := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: co}
		if s.MSIClientID != "" {
			o.ID = azidentity.ClientID(s.MSIClientID)
		}
		cred, err = azidentity.NewManagedIdentityCredential(o)
	case "vscode":
		return nil, true, errors.New("the Azure SDK for Go has no Visual Studio Code credential; skipped")
	case "clientsecret":
		if s.ClientID == "" || tenant == "" {
			return nil, true, errors.New("needs a tenant id and a client id (workspace Args.ClientId or AZURE_CLIENT_ID)")
		}
		secret, serr := s.ClientSecret(ctx)
		if serr != nil {
			return nil, true, fmt.Errorf("client secret: %w", serr)
		}
		cred, err = azidentity.NewClientSecretCredential(tenant, s.ClientID, secret, &azidentity.ClientSecretCredentialOptions{ClientOptions: co, DisableInstanceDiscovery: noDisc})
	case "certificate":
		cred, skip, err = c.certificate(ctx, co)
	case "devicecode", "interactive":
		if !s.Interactive {
			return nil, true, errors.New("needs a person at a terminal; skipped")
		}
		if m == "devicecode" {
			w := s.Prompt
			cred, err = azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{ClientOptions: co, TenantID: tenant, DisableInstanceDiscovery: noDisc,
				UserPrompt: func(_ context.Context, msg azidentity.DeviceCodeMessage) error {
					_, werr := fmt.Fprintln(w, msg.Message)
					return werr
				}})
		} else {
			cred, err = azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{ClientOptions: co, TenantID: tenant, DisableInstanceDiscovery: noDisc})
		}
	default:
		return nil, true, fmt.Errorf("unknown method %q", m)
	}
	return cred, skip, err
}

func (c *Credential) certificate(ctx context.Context, co azcore.ClientOptions) (azcore.TokenCredential, bool, error) {
	s := c.s
	if s.CertFile == "" || s.ClientID == "" || s.TenantID == "" {
		return nil, true, errors.New("needs a tenant id, a client id and a certificate file (workspace Args.Certificate or AZURE_CLIENT_CERTIFICATE_PATH)")
	}
	data, err := os.ReadFile(config.ExpandHome(s.CertFile))
	if err != nil {
		return nil, false, fmt.Errorf("certificate: %w", err)
	}
	var pw []byte
	if s.CertPassword != nil {
		if p, perr := s.CertPassword(ctx); perr == nil {
			pw = []byte(p)
		}
	}
	certs, key, err := azidentity.ParseCertificates(data, pw)
	if err != nil {
		return nil, false, fmt.Errorf("certificate %s: %w", s.CertFile, err)
	}
	cred, err := azidentity.NewClientCertificateCredential(s.TenantID, s.ClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: co, SendCertificateChain: true, DisableInstanceDiscovery: s.Cloud.Custom()})
	return cred, false, err
}

// Identity reads the tenant and the account (user name, else application id, else object
// id) from an access token's claims without verifying it. It never returns the token.
func Identity(token string) (tenant, account string) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return "", ""
	}
	get := func(k string) string { s, _ := claims[k].(string); return s }
	tenant = get("tid")
	for _, k := range []string{"upn", "preferred_username", "unique_name", "appid", "azp", "oid", "sub"} {
		if v := get(k); v != "" {
			return tenant, v
		}
	}
	return tenant, ""
}

// OneLine shortens an error (azidentity's are many lines with a raw response and links) to
// one line: its leading lines, then the response status and the service's error
// description when the error carries a raw response.
func OneLine(err error) string {
	if err == nil {
		return ""
	}
	text := err.Error()
	var parts []string
	for _, ln := range strings.Split(text, "\n") {
		ln = strings.TrimSpace(ln)
		if strings.HasPrefix(ln, "---") || strings.HasPrefix(ln, "RESPONSE") || strings.HasPrefix(ln, "To troubleshoot") {
			break
		}
		if ln != "" {
			parts = append(parts, ln)
		}
	}
	out := strings.Join(parts, " ")
	if i := strings.Index(out, " To troubleshoot"); i >= 0 {
		out = out[:i]
	}
	if m := responseRE.FindStringSubmatch(text); m != nil {
		out += ": " + strings.TrimSpace(m[1])
		if d := descRE.FindStringSubmatch(text); d != nil {
			out += ": " + d[1]
		}
	}
	if len(out) > 400 {
		out = out[:400] + "..."
	}
	if out == "" {
		return "failed"
	}
	return out
}

var (
	responseRE = regexp.MustCompile(`(?m)^RESPONSE \d+: (.*)$`)
	descRE     = regexp.MustCompile(`"(?:error_description|message)"\s*:\s*"([^"\r\n]*)`)
)
