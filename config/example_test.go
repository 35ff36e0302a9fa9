package config_test

import (
	"context"
	"fmt"
	"os"

	"github.com/huntkit/huntkit/config"
)

func Example() {
	os.Setenv("EXAMPLE_VT_KEY", "not-printed")
	defer os.Unsetenv("EXAMPLE_VT_KEY")
	c, err := config.Parse("msticpyconfig.yaml", []byte(`
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: d973e3d2-28e6-458e-b2cf-d38876fb1ba4
      TenantId: not-a-guid
TIProviders:
  VirusTotal:
    Args:
      AuthKey: {EnvironmentVar: EXAMPLE_VT_KEY}
    Primary: True
  OTX:
    Args:
      AuthKey: {KeyVault: }
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Names("TIProviders"))
	key, err := c.Secret(context.Background(), "TIProviders.VirusTotal.Args.AuthKey")
	fmt.Println(len(key), err)
	_, err = c.Secret(context.Background(), "TIProviders.OTX.Args.AuthKey")
	fmt.Println(err)
	for _, p := range c.Validate() {
		fmt.Println(p, "-", p.Severity)
	}
	// Output:
	// [VirusTotal OTX]
	// 11 <nil>
	// config: TIProviders.OTX.Args.AuthKey: KeyVault secrets need the Azure Key Vault support (not configured)
	// msticpyconfig.yaml:6:17: AzureSentinel.Workspaces.Default.TenantId: "not-a-guid" is not a GUID (expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) - error
	// msticpyconfig.yaml:14:16: TIProviders.OTX.Args.AuthKey: Key Vault secret TIProviders-OTX-Args-AuthKey has no vault: set KeyVault.VaultName or write KeyVault: vault/secret - error
	// msticpyconfig.yaml:14:16: TIProviders.OTX.Args.AuthKey: KeyVault secrets need the Azure Key Vault support (not configured) - warning
}
