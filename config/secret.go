package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Secret reference kinds, as written in msticpyconfig.yaml.
const (
	KindEnv      = "EnvironmentVar"
	KindKeyVault = "KeyVault"
)

// ErrSecret marks a secret that cannot be resolved: a malformed reference, a reference kind
// with no resolver, or a resolver failure.
var ErrSecret = errors.New("secret cannot be resolved")

// ErrNoResolver marks a secret reference whose kind has no registered resolver (e.g.
// KeyVault before the Azure support is configured). It is reported together with ErrSecret.
var ErrNoResolver = errors.New("no resolver for this kind of secret")

// SecretRef is a reference to a secret held outside the file.
type SecretRef struct {
	Kind    string // KindEnv or KindKeyVault
	KeyPath string // where the reference is written, e.g. "TIProviders.OTX.Args.AuthKey"
	// Name is the environment variable, or the Key Vault secret name: as written, or for an
	// empty (or "default") {KeyVault:} derived from the key path, with every character other
	// than letters, digits and "-" turned into "-" as MSTICPy does
	// ("TIProviders-OTX-Args-AuthKey").
	Name string
	// Vault is the Key Vault vault name: from a "vault/secret" reference, else
	// KeyVault.VaultName. Empty for environment variables.
	Vault string
	// Config is the configuration the reference comes from (resolvers read e.g. the KeyVault
	// section from it).
	Config *Config
}

// String describes the reference without any secret value, e.g. "{EnvironmentVar: OTX_KEY}"
// or "{KeyVault: myvault/OTX-key}".
func (r SecretRef) String() string {
	if r.Kind == KindKeyVault {
		if r.Vault != "" {
			return fmt.Sprintf("{KeyVault: %s/%s}", r.Vault, r.Name)
		}
		return fmt.Sprintf("{KeyVault: %s}", r.Name)
	}
	return fmt.Sprintf("{%s: %s}", r.Kind, r.Name)
}

// SecretResolver fetches the value of a secret reference.
type SecretResolver interface {
	ResolveSecret(ctx context.Context, ref SecretRef) (string, error)
}

// ResolverFunc adapts a function to SecretResolver.
type ResolverFunc func(ctx context.Context, ref SecretRef) (string, error)

// ResolveSecret calls f.
func (f ResolverFunc) ResolveSecret(ctx context.Context, ref SecretRef) (string, error) {
	return f(ctx, ref)
}

// EnvResolver resolves {EnvironmentVar: NAME} from the process environment. An unset or
// empty variable is an error matching ErrMissing.
type EnvResolver struct{}

// ResolveSecret returns the variable's value.
func (EnvResolver) ResolveSecret(_ context.Context, ref SecretRef) (string, error) {
	v, ok := os.LookupEnv(ref.Name)
	if !ok {
		return "", fmt.Errorf("environment variable %s is not set: %w", ref.Name, ErrMissing)
	}
	if v == "" {
		return "", fmt.Errorf("environment variable %s is empty: %w", ref.Name, ErrMissing)
	}
	return v, nil
}

var (
	regMu     sync.RWMutex
	resolvers = map[string]SecretResolver{KindEnv: EnvResolver{}}
)

// RegisterResolver installs the resolver for one kind of secret reference for all
// configurations ("KeyVault" arrives with the Azure support). A nil r removes it.
func RegisterResolver(kind string, r SecretResolver) {
	regMu.Lock()
	defer regMu.Unlock()
	if r == nil {
		delete(resolvers, kind)
		return
	}
	resolvers[kind] = r
}

// ResolverKinds lists the kinds with a globally registered resolver, sorted.
func ResolverKinds() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(resolvers))
	for k := range resolvers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *Config) resolver(kind string) (SecretResolver, bool) {
	if c != nil {
		if r, ok := c.resolvers[kind]; ok && r != nil {
			return r, true
		}
	}
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := resolvers[kind]
	return r, ok
}

// SecretError is the error of Secret. It names the key path and, for references, the
// variable or vault secret, never a secret value. It matches ErrMissing or ErrSecret (and
// ErrNoResolver) with errors.Is.
type SecretError struct {
	KeyPath string
	Reason  string
	errs    []error
}

// Error formats as "config: KeyPath: reason".
func (e *SecretError) Error() string { return "config: " + e.KeyPath + ": " + e.Reason }

// Unwrap exposes the sentinel and cause errors.
func (e *SecretError) Unwrap() []error { return e.errs }

func secretErr(keyPath, reason string, errs ...error) error {
	return &SecretError{KeyPath: keyPath, Reason: reason, errs: errs}
}

// noKeyVaultMsg is the message for KeyVault references while no resolver is registered.
const noKeyVaultMsg = "KeyVault secrets need the Azure Key Vault support (not configured)"

// Ref returns the secret reference written at keyPath, when the value is a
// {EnvironmentVar: ...} or {KeyVault: ...} mapping.
func (c *Config) Ref(keyPath string) (SecretRef, bool) {
	n := c.node(keyPath)
	if keyPath == "" || n == nil || !isRefMap(n) {
		return SecretRef{}, false
	}
	ref, err := c.refAt(keyPath, n)
	if err != nil {
		return SecretRef{}, false
	}
	return ref, true
}

// Secret returns the secret at keyPath: a literal value, or the value of its
// {EnvironmentVar: NAME} or {KeyVault: ...} reference fetched through the resolver for that
// kind. Errors (*SecretError) match ErrMissing when nothing usable is set and ErrSecret when
// the reference is malformed or cannot be resolved; they never contain the secret.
func (c *Config) Secret(ctx context.Context, keyPath string) (string, error) {
	n := c.node(keyPath)
	if keyPath == "" || n == nil || isNull(n) {
		return "", secretErr(keyPath, "not set", ErrMissing)
	}
	switch {
	case n.Kind == yaml.ScalarNode:
		if n.Value == "" {
			return "", secretErr(keyPath, "is empty", ErrMissing)
		}
		return n.Value, nil
	case !isRefMap(n):
		return "", secretErr(keyPath, "expected a string, {EnvironmentVar: NAME} or {KeyVault: ...}, found "+kindName(n), ErrSecret)
	}
	ref, err := c.refAt(keyPath, n)
	if err != nil {
		return "", err
	}
	r, ok := c.resolver(ref.Kind)
	if !ok {
		if ref.Kind == KindKeyVault {
			return "", secretErr(keyPath, noKeyVaultMsg, ErrSecret, ErrNoResolver)
		}
		return "", secretErr(keyPath, "no resolver for "+ref.Kind+" secrets", ErrSecret, ErrNoResolver)
	}
	if err := ctx.Err(); err != nil {
		return "", secretErr(keyPath, "resolve "+ref.String()+": "+err.Error(), ErrSecret, err)
	}
	v, err := r.ResolveSecret(ctx, ref)
	if err != nil {
		if errors.Is(err, ErrMissing) {
			return "", secretErr(keyPath, err.Error(), err)
		}
		return "", secretErr(keyPath, "resolve "+ref.String()+": "+err.Error(), ErrSecret, err)
	}
	if v == "" {
		return "", secretErr(keyPath, ref.String()+" is empty", ErrMissing)
	}
	return v, nil
}

// kvName turns a key path or secret name into a Key Vault secret name the way MSTICPy
// does: every character other than a letter, digit or "-" becomes "-".
func kvName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '-'
	}, s)
}

// isRefMap reports whether n is a secret-reference mapping: one holding an EnvironmentVar
// or KeyVault key with a scalar or empty value. The top level of a file never is one (it
// may hold an empty KeyVault section); callers exclude it.
func isRefMap(n *yaml.Node) bool {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if name, ok := keyName(n.Content[i]); ok && (name == KindEnv || name == KindKeyVault) {
			// a KeyVault *section* (a mapping) is not a reference
			if v := resolve(n.Content[i+1]); v == nil || v.Kind == yaml.ScalarNode {
				return true
			}
		}
	}
	return false
}

// refAt interprets a reference mapping written at keyPath.
func (c *Config) refAt(keyPath string, n *yaml.Node) (SecretRef, error) {
	var env, kv *yaml.Node
	for _, e := range entries(n) {
		switch e.name {
		case KindEnv:
			env = resolve(e.val)
		case KindKeyVault:
			kv = resolve(e.val)
		}
	}
	if env != nil && kv != nil {
		return SecretRef{}, secretErr(keyPath, "has both EnvironmentVar and KeyVault; use one", ErrSecret)
	}
	if env != nil {
		if env.Kind != yaml.ScalarNode || isNull(env) || strings.TrimSpace(env.Value) == "" {
			return SecretRef{}, secretErr(keyPath, "EnvironmentVar needs the name of a variable", ErrSecret)
		}
		if strings.ContainsAny(env.Value, "=\x00") {
			return SecretRef{}, secretErr(keyPath, "EnvironmentVar is not a valid variable name", ErrSecret)
		}
		return SecretRef{Kind: KindEnv, KeyPath: keyPath, Name: env.Value, Config: c}, nil
	}
	ref := SecretRef{Kind: KindKeyVault, KeyPath: keyPath, Config: c}
	val := ""
	if kv != nil && !isNull(kv) {
		if kv.Kind != yaml.ScalarNode {
			return SecretRef{}, secretErr(keyPath, "KeyVault must be empty, \"secret\" or \"vault/secret\"", ErrSecret)
		}
		val = strings.TrimSpace(kv.Value)
	}
	switch vault, secret, hasVault := strings.Cut(val, "/"); {
	case val == "" || strings.EqualFold(val, "default"):
		ref.Name = kvName(keyPath)
	case !hasVault:
		ref.Name = kvName(val)
	case vault == "" || secret == "":
		return SecretRef{}, secretErr(keyPath, "KeyVault must be empty, \"secret\" or \"vault/secret\"", ErrSecret)
	default:
		ref.Vault, ref.Name = vault, kvName(secret)
	}
	if ref.Vault == "" {
		ref.Vault, _ = c.String("KeyVault.VaultName")
	}
	return ref, nil
}
