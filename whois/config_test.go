package whois

import (
	"path/filepath"
	"testing"

	"github.com/huntkit/huntkit/config"
)

func TestSettingsFrom(t *testing.T) {
	if s := SettingsFrom(nil); s.BootstrapURL != "" || s.CacheFolder != DefaultCacheDir() {
		t.Errorf("defaults: %+v", s)
	}
	dir := t.TempDir()
	c, err := config.Parse("test.yaml", []byte("OtherProviders:\n  RDAP:\n    Args:\n      BootstrapURL: http://127.0.0.1:9/rdap/\n      CacheFolder: "+filepath.Join(dir, "rdap")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := SettingsFrom(c)
	if s.BootstrapURL != "http://127.0.0.1:9/rdap/" || s.CacheFolder != filepath.Join(dir, "rdap") {
		t.Errorf("settings: %+v", s)
	}
	if b := s.Bootstrap(); b.BaseURL != s.BootstrapURL || b.CacheDir != s.CacheFolder {
		t.Errorf("bootstrap: %+v", b)
	}
}
