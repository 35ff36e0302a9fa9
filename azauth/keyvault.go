package azauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/huntkit/huntkit/config"
)

func init() {
	config.RegisterResolver(config.KindKeyVault, KeyVault)
}

// KeyVault resolves {KeyVault: ...} settings through Azure Key Vault (azsecrets), signing in
// with the configuration's Azure methods for the KeyVault section's tenant. Values are
// fetched only when a setting is used and cached for the process. It is registered with
// package config when azauth is linked.
var KeyVault = &VaultResolver{}

// VaultResolver fetches Key Vault secrets for config references.
type VaultResolver struct {
	mu    sync.Mutex
	cache map[string]string              // vault URL + "\x00" + secret name -> value
	creds map[*config.Config]*Credential // one sign-in per configuration
	cls   map[string]*azsecrets.Client   // per vault URL
}

// ErrVault marks a Key Vault failure (sign-in, no such secret, access denied).
var ErrVault = errors.New("key vault")

// VaultURL returns the address of vault: Azure.keyvault_url when set (the emulator; any
// vault name maps to it), else https://{vault}.{cloud's vault suffix}/; a vault given as a
// URL is used as is.
func VaultURL(ep Endpoints, vault string) (string, error) {
	switch {
	case ep.KeyVaultURL != "":
		return strings.TrimSuffix(ep.KeyVaultURL, "/") + "/", nil
	case strings.HasPrefix(vault, "https://"):
		return strings.TrimSuffix(vault, "/") + "/", nil
	case vault == "":
		return "", fmt.Errorf("%w: no vault name (set KeyVault.VaultName or write {KeyVault: vault/secret})", ErrVault)
	}
	return "https://" + vault + "." + ep.KeyVaultSuffix + "/", nil
}

// ResolveSecret implements config.SecretResolver.
func (r *VaultResolver) ResolveSecret(ctx context.Context, ref config.SecretRef) (string, error) {
	c := ref.Config
	if c == nil {
		c, _ = config.Parse("", nil)
	}
	ep, err := CloudFromConfig(c)
	if err != nil {
		return "", err
	}
	vurl, err := VaultURL(ep, ref.Vault)
	if err != nil {
		return "", err
	}
	key := vurl + "\x00" + ref.Name
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.cache[key]; ok {
		return v, nil
	}
	cl, err := r.client(c, ep, vurl)
	if err != nil {
		return "", err
	}
	resp, err := cl.GetSecret(ctx, ref.Name, "", nil)
	if err != nil {
		return "", vaultError(ref, err)
	}
	if resp.Value == nil {
		return "", fmt.Errorf("%w: secret %s has no value", ErrVault, ref.Name)
	}
	if r.cache == nil {
		r.cache = map[string]string{}
	}
	r.cache[key] = *resp.Value
	return *resp.Value, nil
}

// client returns the secrets client of a vault, signing in once per configuration.
func (r *VaultResolver) client(c *config.Config, ep Endpoints, vurl string) (*azsecrets.Client, error) {
	if cl := r.cls[vurl]; cl != nil {
		return cl, nil
	}
	cred := r.creds[c]
	if cred == nil {
		s, err := FromConfig(c, "", nil)
		if err != nil {
			return nil, err
		}
		if t, ok := c.String("KeyVault.TenantId"); ok && t != "" {
			s.TenantID = t
		}
		if cred, err = New(s); err != nil {
			return nil, err
		}
		if r.creds == nil {
			r.creds = map[*config.Config]*Credential{}
		}
		r.creds[c] = cred
	}
	co, err := ClientOptions(ep, CAFile(c))
	if err != nil {
		return nil, err
	}
	cl, err := azsecrets.NewClient(vurl, cred, &azsecrets.ClientOptions{ClientOptions: co, DisableChallengeResourceVerification: ep.KeyVaultURL != ""})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrVault, err)
	}
	if r.cls == nil {
		r.cls = map[string]*azsecrets.Client{}
	}
	r.cls[vurl] = cl
	return cl, nil
}

// vaultError is one line: the status and Key Vault's error code, or the sign-in failure.
func vaultError(ref config.SecretRef, err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		msg := fmt.Sprintf("%s: HTTP %d %s", ref, re.StatusCode, re.ErrorCode)
		if re.StatusCode == http.StatusNotFound {
			msg += " (no such secret)"
		}
		return fmt.Errorf("%w: %s", ErrVault, msg)
	}
	return fmt.Errorf("%w: %s: %s", ErrVault, ref, OneLine(err))
}

// Reset forgets cached secrets and sign-ins (tests).
func (r *VaultResolver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache, r.creds, r.cls = nil, nil, nil
}
