package geoip

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
)

func TestSettingsFrom(t *testing.T) {
	t.Setenv("HK_TEST_MAXMIND_KEY", "env-licence")
	c, err := config.Parse("msticpyconfig.yaml", []byte(`
OtherProviders:
  GeoIPLite:
    Args:
      AuthKey:
        EnvironmentVar: HK_TEST_MAXMIND_KEY
      AccountID: "987654"
      DBFolder: "~/geo"
      MaxAgeDays: 7
      DownloadURL: http://127.0.0.1:1/dl
    Provider: "GeoLiteLookup"
  IPStack:
    Args:
      AuthKey: ipstack-literal
    Provider: "IPStackLookup"
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFrom(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if s.LicenseKey != "env-licence" || s.AccountID != "987654" || s.IPStackKey != "ipstack-literal" {
		t.Errorf("secrets: %+v", s)
	}
	if !strings.HasSuffix(s.DBFolder, filepath.FromSlash("/geo")) || strings.HasPrefix(s.DBFolder, "~") {
		t.Errorf("DBFolder %q", s.DBFolder)
	}
	if s.MaxAge != 7*24*time.Hour || s.DownloadURL != "http://127.0.0.1:1/dl" {
		t.Errorf("%+v", s)
	}
	u := s.Updater()
	if u.Dir != s.DBFolder || u.LicenseKey != "env-licence" || u.BaseURL != s.DownloadURL {
		t.Errorf("updater %+v", u)
	}
}

func TestSettingsFromDefaultsAndMissingEnv(t *testing.T) {
	s, err := SettingsFrom(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(s.DBFolder, filepath.FromSlash(".msticpy/GeoLite2")) || s.LicenseKey != "" || s.MaxAge != DefaultMaxAge {
		t.Errorf("defaults %+v", s)
	}
	c, err := config.Parse("x.yaml", []byte("OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey:\n        EnvironmentVar: HK_TEST_UNSET_VAR_42\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = SettingsFrom(context.Background(), c)
	if !errors.Is(err, config.ErrMissing) || !strings.Contains(err.Error(), "OtherProviders.GeoIPLite.Args.AuthKey") {
		t.Errorf("unset env var: %v", err)
	}
	// Several unset secrets: one line naming each key.
	c, err = config.Parse("x.yaml", []byte("OtherProviders:\n  GeoIPLite:\n    Args:\n      AccountID:\n        EnvironmentVar: HK_TEST_UNSET_VAR_41\n      AuthKey:\n        EnvironmentVar: HK_TEST_UNSET_VAR_42\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = SettingsFrom(context.Background(), c)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "AccountID") || !strings.Contains(err.Error(), "Args.AuthKey") || !errors.Is(err, config.ErrMissing) {
		t.Errorf("two unset env vars: %q", err)
	}
}
