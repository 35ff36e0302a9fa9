package azauth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntkit/huntkit/config"
)

// EnvTokenCache names the folder of the access-token cache (default: huntkit/azure-tokens
// in the user cache folder); "off" turns the cache off.
const EnvTokenCache = "HUNTKIT_TOKEN_CACHE"

// minLife is how long a cached token must still be valid to be used.
const minLife = 5 * time.Minute

// TokenCache keeps access tokens on disk between processes, one 0600 file per sign-in
// (authority, tenant, client, methods, scopes and the trusted CA), so a second huntkit
// command does not sign in again while the token lives. azidentity's own persistent cache
// (azidentity/cache) needs a keyring on Linux, which servers and containers rarely have; this
// cache needs only the file system and holds nothing but access tokens (no refresh tokens).
type TokenCache struct {
	dir string
}

// NewTokenCache returns a cache in dir (created 0700 on first store).
func NewTokenCache(dir string) *TokenCache { return &TokenCache{dir: dir} }

// DefaultTokenCache returns the cache HUNTKIT_TOKEN_CACHE names, else the one in the user
// cache folder; nil when the variable is "off" or there is no cache folder.
func DefaultTokenCache() *TokenCache {
	if v := strings.TrimSpace(os.Getenv(EnvTokenCache)); v != "" {
		if strings.EqualFold(v, "off") {
			return nil
		}
		return NewTokenCache(config.ExpandHome(v))
	}
	dir, err := os.UserCacheDir()
	if err != nil || dir == "" {
		return nil
	}
	return NewTokenCache(filepath.Join(dir, "huntkit", "azure-tokens"))
}

// Dir is the cache's folder.
func (c *TokenCache) Dir() string { return c.dir }

// cacheEntry is one cached token and who it names (for Attempts).
type cacheEntry struct {
	Token     string    `json:"access_token"`
	ExpiresOn time.Time `json:"expires_on"`
	Method    string    `json:"method"`
	Tenant    string    `json:"tenant,omitempty"`
	Account   string    `json:"account,omitempty"`
}

func (c *TokenCache) path(key string) string { return filepath.Join(c.dir, key+".json") }

// load returns a cached token with at least minLife left.
func (c *TokenCache) load(key string) (cacheEntry, bool) {
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return cacheEntry{}, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.Token == "" || time.Until(e.ExpiresOn) < minLife {
		return cacheEntry{}, false
	}
	return e, true
}

// store writes e (0600, atomically); a failure to write only loses the cache.
func (c *TokenCache) store(key string, e cacheEntry) error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.dir, ".tok-*")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path(key))
}

// Clear removes every cached token.
func (c *TokenCache) Clear() error {
	m, err := filepath.Glob(filepath.Join(c.dir, "*.json"))
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range m {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// cacheKey names the sign-in a token belongs to: the authority, tenant, client ids,
// certificate file, methods, scopes and the trusted CA's content (the emulator makes a new
// CA, and new signing keys, each time it starts). It is a hash: file names show nothing.
func (c *Credential) cacheKey(opts policy.TokenRequestOptions) string {
	s := c.s
	scopes := append([]string(nil), opts.Scopes...)
	sort.Strings(scopes)
	tenant := opts.TenantID
	if tenant == "" {
		tenant = s.TenantID
	}
	parts := []string{"v1", strings.ToLower(s.Cloud.AuthorityHost), strings.ToLower(tenant), s.ClientID, s.MSIClientID, s.CertFile,
		strings.Join(s.Methods, ","), strings.Join(scopes, " ")}
	if s.CAFile != "" {
		if pem, err := os.ReadFile(config.ExpandHome(s.CAFile)); err == nil {
			sum := sha256.Sum256(pem)
			parts = append(parts, hex.EncodeToString(sum[:]))
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// cached returns a token from the disk cache, recording the method it came from.
func (c *Credential) cached(opts policy.TokenRequestOptions) (azcore.AccessToken, bool) {
	if c.s.Cache == nil {
		return azcore.AccessToken{}, false
	}
	e, ok := c.s.Cache.load(c.cacheKey(opts))
	if !ok {
		return azcore.AccessToken{}, false
	}
	if c.method == "" {
		c.method = e.Method
		c.attempts = append(c.attempts[:0], Attempt{Method: e.Method, OK: true, Outcome: "signed in (token from the cache)",
			Tenant: e.Tenant, Account: e.Account})
	}
	return azcore.AccessToken{Token: e.Token, ExpiresOn: e.ExpiresOn}, true
}

// remember stores a token method m gave.
func (c *Credential) remember(opts policy.TokenRequestOptions, m string, tok azcore.AccessToken) {
	if c.s.Cache == nil || tok.Token == "" || time.Until(tok.ExpiresOn) < minLife {
		return
	}
	tenant, account := Identity(tok.Token)
	_ = c.s.Cache.store(c.cacheKey(opts), cacheEntry{Token: tok.Token, ExpiresOn: tok.ExpiresOn.UTC(), Method: m, Tenant: tenant, Account: account})
}
