package config

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const secretDoc = `
KeyVault:
  TenantId: 5d6a50cf-b1b6-4bfd-ad54-b9822b06ff92
  VaultName: huntvault
TIProviders:
  OTX:
    Args:
      AuthKey: "literal-SECRET-aaaa"
  Numeric:
    Args:
      AuthKey: 1234567890
  Env:
    Args:
      AuthKey: {EnvironmentVar: HK_SECRET_SET}
  EnvUnset:
    Args:
      AuthKey: {EnvironmentVar: HK_SECRET_UNSET}
  EnvEmpty:
    Args:
      AuthKey: {EnvironmentVar: HK_SECRET_EMPTY}
  EnvNoName:
    Args:
      AuthKey: {EnvironmentVar: }
  KVDefault:
    Args:
      AuthKey: {KeyVault: }
  KVName:
    Args:
      AuthKey: {KeyVault: my-secret}
  KVVault:
    Args:
      AuthKey: {KeyVault: othervault/other-secret}
  KVBad:
    Args:
      AuthKey: {KeyVault: /b}
  KVSlashes:
    Args:
      AuthKey: {KeyVault: a/b/c_d}
  KVUnderscore:
    Args:
      AuthKey: {KeyVault: OTX_Auth.Key}
  KVWord:
    Args:
      AuthKey: {KeyVault: Default}
  Both:
    Args:
      AuthKey: {KeyVault: x, EnvironmentVar: HK_SECRET_SET}
  List:
    Args:
      AuthKey: [a, b]
  Map:
    Args:
      AuthKey: {Vault: x}
  Empty:
    Args:
      AuthKey: ""
  Null:
    Args:
      AuthKey:
`

// the secret values used in this file; none may appear in any error text.
var secretValues = []string{"literal-SECRET-aaaa", "env-SECRET-bbbb", "kv-SECRET-cccc"}

func TestSecret(t *testing.T) {
	t.Setenv("HK_SECRET_SET", "env-SECRET-bbbb")
	t.Setenv("HK_SECRET_EMPTY", "")
	kv := &fakeVault{}
	plain := mustParse(t, secretDoc)
	withKV, err := Parse("test.yaml", []byte(secretDoc), WithResolver(KindKeyVault, kv))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		kv       bool // use the config with a Key Vault resolver
		want     string
		is       []error
		msg      string
		wantName string // Key Vault: secret name passed to the resolver
		vault    string
	}{
		{path: "TIProviders.OTX.Args.AuthKey", want: "literal-SECRET-aaaa"},
		{path: "TIProviders.Numeric.Args.AuthKey", want: "1234567890"},
		{path: "TIProviders.Env.Args.AuthKey", want: "env-SECRET-bbbb"},
		{path: "TIProviders.EnvUnset.Args.AuthKey", is: []error{ErrMissing}, msg: "environment variable HK_SECRET_UNSET is not set"},
		{path: "TIProviders.EnvEmpty.Args.AuthKey", is: []error{ErrMissing}, msg: "HK_SECRET_EMPTY is empty"},
		{path: "TIProviders.EnvNoName.Args.AuthKey", is: []error{ErrSecret}, msg: "EnvironmentVar needs the name"},
		{path: "TIProviders.KVDefault.Args.AuthKey", is: []error{ErrSecret, ErrNoResolver},
			msg: "TIProviders.KVDefault.Args.AuthKey: KeyVault secrets need the Azure Key Vault support (not configured)"},
		{path: "TIProviders.KVDefault.Args.AuthKey", kv: true, want: "kv-SECRET-cccc",
			wantName: "TIProviders-KVDefault-Args-AuthKey", vault: "huntvault"},
		{path: "TIProviders.KVName.Args.AuthKey", kv: true, want: "kv-SECRET-cccc", wantName: "my-secret", vault: "huntvault"},
		{path: "TIProviders.KVVault.Args.AuthKey", kv: true, want: "kv-SECRET-cccc", wantName: "other-secret", vault: "othervault"},
		{path: "TIProviders.KVBad.Args.AuthKey", kv: true, is: []error{ErrSecret}, msg: "vault/secret"},
		{path: "TIProviders.KVSlashes.Args.AuthKey", kv: true, want: "kv-SECRET-cccc", wantName: "b-c-d", vault: "a"},
		{path: "TIProviders.KVUnderscore.Args.AuthKey", kv: true, want: "kv-SECRET-cccc", wantName: "OTX-Auth-Key", vault: "huntvault"},
		{path: "TIProviders.KVWord.Args.AuthKey", kv: true, want: "kv-SECRET-cccc", wantName: "TIProviders-KVWord-Args-AuthKey", vault: "huntvault"},
		{path: "TIProviders.Both.Args.AuthKey", is: []error{ErrSecret}, msg: "both EnvironmentVar and KeyVault"},
		{path: "TIProviders.List.Args.AuthKey", is: []error{ErrSecret}, msg: "found a list"},
		{path: "TIProviders.Map.Args.AuthKey", is: []error{ErrSecret}, msg: "found a mapping"},
		{path: "TIProviders.Empty.Args.AuthKey", is: []error{ErrMissing}, msg: "is empty"},
		{path: "TIProviders.Null.Args.AuthKey", is: []error{ErrMissing}, msg: "not set"},
		{path: "TIProviders.Nope.Args.AuthKey", is: []error{ErrMissing}, msg: "TIProviders.Nope.Args.AuthKey: not set"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := plain
			if tt.kv {
				c = withKV
			}
			kv.last = SecretRef{}
			got, err := c.Secret(t.Context(), tt.path)
			if tt.is == nil {
				if err != nil || got != tt.want {
					t.Fatalf("Secret = %q, %v; want %q", got, err, tt.want)
				}
			} else {
				if err == nil {
					t.Fatalf("Secret = %q, want an error", got)
				}
				for _, target := range tt.is {
					if !errors.Is(err, target) {
						t.Errorf("error %v does not match %v", err, target)
					}
				}
				var se *SecretError
				if !errors.As(err, &se) || se.KeyPath != tt.path {
					t.Errorf("error %v is not a *SecretError for %s", err, tt.path)
				}
				if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), tt.path) {
					t.Errorf("error %q lacks %q or the key path", err, tt.msg)
				}
				assertNoSecrets(t, err.Error())
			}
			if tt.wantName != "" {
				if kv.last.Name != tt.wantName || kv.last.Vault != tt.vault || kv.last.KeyPath != tt.path || kv.last.Config != c {
					t.Errorf("resolver got %+v, want name %q vault %q", kv.last, tt.wantName, tt.vault)
				}
			}
		})
	}
}

func TestSecretRef(t *testing.T) {
	c := mustParse(t, secretDoc)
	ref, ok := c.Ref("TIProviders.Env.Args.AuthKey")
	if !ok || ref.Kind != KindEnv || ref.Name != "HK_SECRET_SET" || ref.String() != "{EnvironmentVar: HK_SECRET_SET}" {
		t.Errorf("Ref(Env) = %+v, %v", ref, ok)
	}
	ref, ok = c.Ref("TIProviders.KVVault.Args.AuthKey")
	if !ok || ref.String() != "{KeyVault: othervault/other-secret}" {
		t.Errorf("Ref(KV) = %v, %v", ref, ok)
	}
	if _, ok := c.Ref("TIProviders.OTX.Args.AuthKey"); ok {
		t.Error("a literal is not a reference")
	}
	if _, ok := c.Ref(""); ok {
		t.Error("the top level is not a reference")
	}
}

func TestResolverErrorsAndRegistry(t *testing.T) {
	boom := errors.New("vault unreachable")
	c, err := Parse("t.yaml", []byte(secretDoc), WithResolver(KindKeyVault, ResolverFunc(func(ctx context.Context, ref SecretRef) (string, error) {
		return "", boom
	})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Secret(t.Context(), "TIProviders.KVName.Args.AuthKey")
	if !errors.Is(err, ErrSecret) || !errors.Is(err, boom) || !strings.Contains(err.Error(), "{KeyVault: huntvault/my-secret}") {
		t.Errorf("resolver failure: %v", err)
	}

	// a cancelled context stops before the resolver runs
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Secret(ctx, "TIProviders.KVName.Args.AuthKey"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	// global registration, then removal
	RegisterResolver(KindKeyVault, ResolverFunc(func(context.Context, SecretRef) (string, error) { return "kv-SECRET-cccc", nil }))
	t.Cleanup(func() { RegisterResolver(KindKeyVault, nil) })
	plain := mustParse(t, secretDoc)
	if v, err := plain.Secret(t.Context(), "TIProviders.KVName.Args.AuthKey"); err != nil || v != "kv-SECRET-cccc" {
		t.Errorf("registered resolver: %q, %v", v, err)
	}
	if kinds := ResolverKinds(); len(kinds) != 2 || kinds[0] != KindEnv || kinds[1] != KindKeyVault {
		t.Errorf("ResolverKinds = %v", kinds)
	}
	RegisterResolver(KindKeyVault, nil)
	if _, err := plain.Secret(t.Context(), "TIProviders.KVName.Args.AuthKey"); !errors.Is(err, ErrNoResolver) {
		t.Errorf("after removal: %v", err)
	}
}

type fakeVault struct{ last SecretRef }

func (f *fakeVault) ResolveSecret(_ context.Context, ref SecretRef) (string, error) {
	f.last = ref
	return "kv-SECRET-cccc", nil
}

func assertNoSecrets(t *testing.T, text string, extra ...string) {
	t.Helper()
	for _, s := range append(append([]string(nil), secretValues...), extra...) {
		if strings.Contains(text, s) {
			t.Errorf("secret %q leaked in %q", s, text)
		}
	}
}
