package geoip

import (
	"context"
	"errors"
	"time"

	"github.com/huntkit/huntkit/config"
)

// DefaultDBFolder is MSTICPy's default database folder.
const DefaultDBFolder = "~/.msticpy/GeoLite2"

// Config section and keys (msticpyconfig.yaml). Each key is read under Args first, as MSTICPy
// writes it, then directly under the section.
const (
	SectionGeoIPLite = "OtherProviders.GeoIPLite"
	SectionIPStack   = "OtherProviders.IPStack"
)

// Settings is the GeoIP configuration.
type Settings struct {
	DBFolder    string        // DBFolder, "~" expanded; DefaultDBFolder when unset
	AccountID   string        // AccountID (secret or literal)
	LicenseKey  string        // AuthKey (secret)
	DownloadURL string        // DownloadURL (huntkit extension); DefaultDownloadURL when unset
	Editions    []string      // Editions (huntkit extension); DefaultEditions when unset
	MaxAge      time.Duration // MaxAgeDays (huntkit extension); DefaultMaxAge when unset

	IPStackKey string // OtherProviders.IPStack AuthKey
	IPStackURL string // OtherProviders.IPStack BaseURL (huntkit extension)
}

// SettingsFrom reads the GeoIPLite and IPStack sections (every capability package reads
// its part of the configuration through a SettingsFrom function). Unset secrets leave the fields
// empty; a secret that is set but cannot be resolved (e.g. a missing environment variable
// named in {EnvironmentVar: ...}) is an error naming the key, never the value.
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	s := Settings{DBFolder: DefaultDBFolder, MaxAge: DefaultMaxAge}
	if v, ok := str(c, SectionGeoIPLite, "DBFolder"); ok && v != "" {
		s.DBFolder = v
	}
	s.DBFolder = config.ExpandHome(s.DBFolder)
	s.DownloadURL, _ = str(c, SectionGeoIPLite, "DownloadURL")
	if eds, ok := c.Strings(SectionGeoIPLite + ".Args.Editions"); ok && len(eds) > 0 {
		s.Editions = eds
	} else if eds, ok := c.Strings(SectionGeoIPLite + ".Editions"); ok && len(eds) > 0 {
		s.Editions = eds
	}
	if d, ok := c.Int(SectionGeoIPLite + ".Args.MaxAgeDays"); ok && d > 0 {
		s.MaxAge = time.Duration(d) * 24 * time.Hour
	}
	s.IPStackURL, _ = str(c, SectionIPStack, "BaseURL")
	var errs []error
	var err error
	if s.AccountID, err = secret(ctx, c, SectionGeoIPLite, "AccountID"); err != nil {
		errs = append(errs, err)
	}
	if s.LicenseKey, err = secret(ctx, c, SectionGeoIPLite, "AuthKey"); err != nil {
		errs = append(errs, err)
	}
	if s.IPStackKey, err = secret(ctx, c, SectionIPStack, "AuthKey"); err != nil {
		errs = append(errs, err)
	}
	return s, joinLine(errs)
}

func str(c *config.Config, section, key string) (string, bool) {
	if v, ok := c.String(section + ".Args." + key); ok {
		return v, true
	}
	return c.String(section + "." + key)
}

// secret resolves section.Args.key (or section.key); an unset key gives "" and no error.
func secret(ctx context.Context, c *config.Config, section, key string) (string, error) {
	for _, p := range []string{section + ".Args." + key, section + "." + key} {
		if !c.IsSet(p) {
			continue
		}
		v, err := c.Secret(ctx, p)
		if err != nil {
			if errors.Is(err, config.ErrMissing) && !isRef(c, p) {
				return "", nil
			}
			return "", err
		}
		return v, nil
	}
	return "", nil
}

func isRef(c *config.Config, keyPath string) bool {
	_, ok := c.Ref(keyPath)
	return ok
}

// Updater returns an Updater for these settings.
func (s Settings) Updater() *Updater {
	return &Updater{Dir: s.DBFolder, Editions: s.Editions, BaseURL: s.DownloadURL, AccountID: s.AccountID, LicenseKey: s.LicenseKey, MaxAge: s.MaxAge}
}

// IPStack returns an IPStack provider for these settings.
func (s Settings) IPStack() *IPStack {
	return &IPStack{BaseURL: s.IPStackURL, Key: s.IPStackKey}
}
