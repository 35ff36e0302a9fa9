package whois

import "github.com/huntkit/huntkit/config"

// Section is where the RDAP settings live in msticpyconfig.yaml (a huntkit extension;
// msticpy's whois needs none).
const Section = "OtherProviders.RDAP"

// Settings is the RDAP configuration: OtherProviders.RDAP.Args.BootstrapURL (the base of
// IANA's bootstrap files, DefaultBootstrapURL when unset) and CacheFolder ("~" expanded,
// DefaultCacheDir when unset).
type Settings struct {
	BootstrapURL string
	CacheFolder  string
}

// SettingsFrom reads the RDAP section; a nil configuration gives the defaults.
func SettingsFrom(c *config.Config) Settings {
	s := Settings{CacheFolder: DefaultCacheDir()}
	if c == nil {
		return s
	}
	for _, p := range []string{Section + ".Args.", Section + "."} {
		if v, ok := c.String(p + "BootstrapURL"); ok && v != "" && s.BootstrapURL == "" {
			s.BootstrapURL = v
		}
		if v, ok := c.String(p + "CacheFolder"); ok && v != "" && s.CacheFolder == DefaultCacheDir() {
			s.CacheFolder = config.ExpandHome(v)
		}
	}
	return s
}

// Bootstrap returns the bootstrap registry these settings describe.
func (s Settings) Bootstrap() *Bootstrap {
	return &Bootstrap{BaseURL: s.BootstrapURL, CacheDir: s.CacheFolder}
}
