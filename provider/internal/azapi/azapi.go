// Package azapi is what the Microsoft security API drivers (Defender advanced hunting,
// Microsoft Graph, Azure Resource Graph) share: sign-in settings read from a msticpy
// DataProviders section with the Azure section as the fallback, each service's endpoint
// and token scope per cloud with configuration overrides (private clouds, huntkit
// emulate), an azcore pipeline that adds the bearer token, honours 429 Retry-After and
// keeps to a per-tenant call rate, one-line errors, and Frames typed from a response's
// schema.
package azapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
)

// Configuration keys (Azure section) that override a service's base address. The token
// scope of an overridden service is the override plus /.default.
const (
	KeyMDEEndpoint   = "Azure.mde_endpoint"   // Defender for Endpoint API (https://api.securitycenter.microsoft.com)
	KeyM365DEndpoint = "Azure.m365d_endpoint" // Defender XDR API (https://api.security.microsoft.com)
	KeyGraphEndpoint = "Azure.graph_endpoint" // Microsoft Graph (https://graph.microsoft.com)
)

// Option names in query.Settings.Options the drivers read.
const (
	OptAuth          = "auth"        // sign-in methods, comma-separated
	OptInteractive   = "interactive" // allow devicecode / interactive
	OptTimeout       = "timeout"     // bound of one query, e.g. 90s or 5m
	OptFailOnPartial = "fail-on-partial"
	OptInstance      = "instance"      // DataProviders.<Section>-<instance>
	OptMaxRows       = "max-rows"      // stop paging after this many rows (flagged partial)
	OptSubscriptions = "subscriptions" // Resource Graph: subscription ids, comma-separated
)

// App is the sign-in of one driver: the DataProviders section it came from and the
// azauth settings.
type App struct {
	// Section is the DataProviders key found (e.g. DataProviders.MicrosoftDefender), ""
	// when none is configured and the Azure section / Default workspace is used.
	Section string
	Auth    azauth.Settings
	// Cloud is the section's Args.Cloud (msticpy's Defender clouds: global, us, eu, uk,
	// gcc, gcc-high, dod) or else Azure.cloud.
	Cloud string
}

// LoadApp reads the sign-in of the first configured section of sections (msticpy's
// names, in its order of preference, e.g. MicrosoftDefender then MDATPApp). Args.TenantId,
// ClientId, ClientSecret and Certificate of that section override the Azure section's;
// with a client secret or certificate and no auth_methods configured, that method is the
// one tried. opts are the command's options (auth, interactive, instance).
func LoadApp(cfg *config.Config, sections []string, opts map[string]string) (App, error) {
	if cfg == nil {
		cfg, _ = config.Parse("", nil)
	}
	opt := func(k string) string { return strings.TrimSpace(opts[k]) }
	var methods []string
	if a := opt(OptAuth); a != "" {
		methods = []string{a}
	}
	as, err := azauth.FromConfig(cfg, "", methods)
	if err != nil {
		return App{}, err
	}
	app := App{}
	inst := opt(OptInstance)
	for _, s := range sections {
		key := "DataProviders." + s
		if inst != "" && !strings.EqualFold(inst, "Default") {
			key += "-" + inst
		}
		if cfg.IsSet(key) {
			app.Section = key
			break
		}
	}
	if inst != "" && !strings.EqualFold(inst, "Default") && app.Section == "" {
		return App{}, fmt.Errorf("%w: no DataProviders.%s-%s in the configuration", config.ErrMissing, sections[0], inst)
	}
	if app.Section != "" {
		args := app.Section + ".Args."
		str := func(k string) string {
			v, _ := cfg.String(args + k)
			return strings.TrimSpace(v)
		}
		if v := str("TenantId"); v != "" {
			as.TenantID = v
		}
		if v := str("ClientId"); v != "" {
			as.ClientID = v
		}
		if v := str("Certificate"); v != "" {
			as.CertFile = v
		}
		secretKey := args + "ClientSecret"
		hasSecret := cfg.IsSet(secretKey)
		if hasSecret {
			as.ClientSecret = func(ctx context.Context) (string, error) { return cfg.Secret(ctx, secretKey) }
		}
		app.Cloud = strings.ToLower(str("Cloud"))
		if len(methods) == 0 && !cfg.IsSet(azauth.KeyAuthMethods) {
			switch {
			case hasSecret:
				as.Methods = []string{"clientsecret"}
			case as.CertFile != "":
				as.Methods = []string{"certificate"}
			}
		}
	}
	if app.Cloud == "" {
		app.Cloud = as.Cloud.Name
	}
	as.Interactive, _ = strconv.ParseBool(opt(OptInteractive))
	app.Auth = as
	return app, nil
}

// Timeout reads the timeout option: seconds or a Go duration, at most max; 0 when unset.
func Timeout(opts map[string]string, max time.Duration) (time.Duration, error) {
	s := strings.TrimSpace(opts[OptTimeout])
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if n, nerr := strconv.Atoi(s); nerr == nil {
		d, err = time.Duration(n)*time.Second, nil
	}
	if err != nil || d <= 0 || d > max {
		return 0, fmt.Errorf("timeout %q: want seconds or a duration up to %s", s, max)
	}
	return d, nil
}

// MaxRows reads the max-rows option (0: no cap).
func MaxRows(opts map[string]string) (int, error) {
	s := strings.TrimSpace(opts[OptMaxRows])
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("max-rows %q: want a whole number of rows", s)
	}
	return n, nil
}
