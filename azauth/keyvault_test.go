package azauth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/frame"
)

type noData struct{}

func (noData) Query(context.Context, string, time.Time, time.Time) (*frame.Frame, error) {
	return frame.Empty(), nil
}
func (noData) Schema(context.Context) (map[string][]frame.Field, error) { return nil, nil }

// TestKeyVaultSecrets resolves every {KeyVault: ...} form msticpy accepts through azsecrets
// against the emulator, lazily and once per secret.
func TestKeyVaultSecrets(t *testing.T) {
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "HUNTKIT_CA_FILE"} {
		t.Setenv(v, "")
	}
	t.Setenv(EnvTokenCache, t.TempDir())
	KeyVault.Reset()
	srv, err := emulate.Start(context.Background(), emulate.Options{Backend: noData{}, ClientSecret: "x",
		Secrets: map[string]string{"TIProviders-OTX-Args-AuthKey": "otx-value", "vt-key": "vt-value"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if _, err := srv.WriteConfig(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	data = append(data, []byte(`TIProviders:
  OTX:
    Args:
      AuthKey: {KeyVault: }
    Provider: OTX
  VirusTotal:
    Args:
      AuthKey: {KeyVault: vt-key}
    Provider: VirusTotal
  XForce:
    Args:
      ApiID: x
      AuthKey: {KeyVault: othervault/vt-key}
    Provider: XForce
  GreyNoise:
    Args:
      AuthKey: {KeyVault: missing-key}
    Provider: GreyNoise
`)...)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for key, want := range map[string]string{
		"TIProviders.OTX.Args.AuthKey":        "otx-value",
		"TIProviders.VirusTotal.Args.AuthKey": "vt-value",
		"TIProviders.XForce.Args.AuthKey":     "vt-value",
	} {
		got, err := c.Secret(ctx, key)
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", key, got, err, want)
		}
	}
	_, err = c.Secret(ctx, "TIProviders.GreyNoise.Args.AuthKey")
	if !errors.Is(err, config.ErrSecret) || !strings.Contains(err.Error(), "HTTP 404 SecretNotFound") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("missing secret err = %v", err)
	}
	// Cached: a second read needs no server.
	srv.Close()
	if got, err := c.Secret(ctx, "TIProviders.OTX.Args.AuthKey"); err != nil || got != "otx-value" {
		t.Fatalf("cached = %q, %v", got, err)
	}
	var buf strings.Builder
	if err := c.WriteMasked(&buf); err != nil || strings.Contains(buf.String(), "otx-value") {
		t.Fatalf("masked config shows a secret or failed: %v", err)
	}
}

func TestVaultURL(t *testing.T) {
	for _, c := range []struct{ ep, vault, want string }{
		{"global", "myvault", "https://myvault.vault.azure.net/"},
		{"usgov", "myvault", "https://myvault.vault.usgovcloudapi.net/"},
		{"cn", "myvault", "https://myvault.vault.azure.cn/"},
		{"global", "https://kv.example/", "https://kv.example/"},
	} {
		got, err := VaultURL(Clouds[c.ep], c.vault)
		if err != nil || got != c.want {
			t.Errorf("%s %s = %s, %v", c.ep, c.vault, got, err)
		}
	}
	if _, err := VaultURL(Clouds["global"], ""); !errors.Is(err, ErrVault) {
		t.Errorf("no vault: %v", err)
	}
}
