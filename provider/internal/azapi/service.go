package azapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/config"
)

// Service is one API's base address and the scope of its access tokens.
type Service struct {
	Endpoint string // base address without a trailing slash
	Scope    string // e.g. https://api.securitycenter.microsoft.com/.default
}

// mdeHosts are the Defender for Endpoint API hosts by msticpy's cloud names (regional
// hosts serve the same tenant closer to it; the token audience stays the global one in the
// commercial cloud).
var mdeHosts = map[string][2]string{ // cloud -> endpoint, audience
	"global":   {"https://api.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"us":       {"https://api-us.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"eu":       {"https://api-eu.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"uk":       {"https://api-uk.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"au":       {"https://au.api.security.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"swa":      {"https://swa.api.security.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"ina":      {"https://ina.api.security.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"aea":      {"https://aea.api.security.microsoft.com", "https://api.securitycenter.microsoft.com"},
	"gcc":      {"https://api-gcc.securitycenter.microsoft.us", "https://api-gcc.securitycenter.microsoft.us"},
	"gcc-high": {"https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us"},
	"dod":      {"https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us"},
}

// m365dHosts are the Defender XDR API hosts by cloud name.
var m365dHosts = map[string][2]string{
	"global": {"https://api.security.microsoft.com", "https://api.security.microsoft.com"},
	"us":     {"https://api-us.security.microsoft.com", "https://api.security.microsoft.com"},
	"eu":     {"https://api-eu.security.microsoft.com", "https://api.security.microsoft.com"},
	"uk":     {"https://api-uk.security.microsoft.com", "https://api.security.microsoft.com"},
	"au":     {"https://au.api.security.microsoft.com", "https://api.security.microsoft.com"},
	"swa":    {"https://swa.api.security.microsoft.com", "https://api.security.microsoft.com"},
	"ina":    {"https://ina.api.security.microsoft.com", "https://api.security.microsoft.com"},
	"aea":    {"https://aea.api.security.microsoft.com", "https://api.security.microsoft.com"},
	"gcc":    {"https://api-gcc.security.microsoft.us", "https://api-gcc.security.microsoft.us"},
}

// graphHosts are the Microsoft Graph national clouds.
var graphHosts = map[string]string{
	"global": "https://graph.microsoft.com", "us": "https://graph.microsoft.com", "eu": "https://graph.microsoft.com",
	"uk": "https://graph.microsoft.com", "gcc": "https://graph.microsoft.com",
	"usgov": "https://graph.microsoft.us", "gcc-high": "https://graph.microsoft.us",
	"dod": "https://dod-graph.microsoft.us", "cn": "https://microsoftgraph.chinacloudapi.cn",
}

// MDE returns the Defender for Endpoint API of the cloud, or the Azure.mde_endpoint override.
func MDE(cfg *config.Config, cloud string) (Service, error) {
	return pick(cfg, KeyMDEEndpoint, cloud, mdeHosts, "Defender for Endpoint")
}

// M365D returns the Defender XDR API of the cloud, or the Azure.m365d_endpoint override.
func M365D(cfg *config.Config, cloud string) (Service, error) {
	return pick(cfg, KeyM365DEndpoint, cloud, m365dHosts, "Defender XDR")
}

// Graph returns Microsoft Graph of the cloud, or the Azure.graph_endpoint override.
func Graph(cfg *config.Config, cloud string) (Service, error) {
	m := map[string][2]string{}
	for k, v := range graphHosts {
		m[k] = [2]string{v, v}
	}
	return pick(cfg, KeyGraphEndpoint, cloud, m, "Microsoft Graph")
}

func pick(cfg *config.Config, key, cloud string, hosts map[string][2]string, what string) (Service, error) {
	if cfg != nil {
		if v, ok := cfg.String(key); ok && strings.TrimSpace(v) != "" {
			ep := strings.TrimRight(strings.TrimSpace(v), "/")
			return Service{Endpoint: ep, Scope: ep + "/.default"}, nil
		}
	}
	c := strings.ToLower(strings.TrimSpace(cloud))
	if c == "" {
		c = "global"
	}
	h, ok := hosts[c]
	if !ok {
		names := make([]string, 0, len(hosts))
		for k := range hosts {
			names = append(names, k)
		}
		sort.Strings(names)
		return Service{}, fmt.Errorf("%w: %s has no %q cloud (want %s, or set %s)", azauth.ErrConfig, what, cloud, strings.Join(names, ", "), key)
	}
	return Service{Endpoint: h[0], Scope: h[1] + "/.default"}, nil
}
