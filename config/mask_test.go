package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// literal secrets written in testdata/msticpyconfig.yaml
var fixtureLiterals = []string{
	"otx-literal-SECRET-7f3a9c", "riskiq-literal-SECRET-11aa", "snow-literal-SECRET-5e5e",
	"azcli-literal-SECRET-3333", "analyst@example.com", "snow-client",
}

func TestWriteMaskedGolden(t *testing.T) {
	env := fixtureEnv(t)
	os.Unsetenv("HK_TEST_SPLUNK_PASSWORD") // show both states
	c, err := Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteMasked(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	golden(t, "masked.golden", b.Bytes())

	for _, s := range fixtureLiterals {
		if strings.Contains(out, s) {
			t.Errorf("literal secret %q shown", s)
		}
	}
	for _, v := range env {
		if strings.Contains(out, v) {
			t.Errorf("environment value %q shown", v)
		}
	}
	for _, want := range []string{
		"# huntkit configuration from testdata/msticpyconfig.yaml",
		`AuthKey: "` + Mask + `"`,
		"AuthKey: {EnvironmentVar: HK_TEST_VT_KEY} # set",
		"password: {EnvironmentVar: HK_TEST_SPLUNK_PASSWORD} # NOT SET",
		"# Key Vault secret huntvault/TIProviders-OpenPageRank-Args-AuthKey",
		"# Key Vault secret contoso-vault/contoso-geo",
		"WorkspaceId: \"d973e3d2-28e6-458e-b2cf-d38876fb1ba4\"", // identifiers stay visible
		"AccountID: \"123456\"",
		`AuthKey: ""`, // empty stays empty (GreyNoise community)
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// the masked output is itself loadable YAML with the same sections
	back, err := Parse("masked.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("masked output does not parse: %v", err)
	}
	if got, want := strings.Join(back.Names(""), ","), strings.Join(c.Names(""), ","); got != want {
		t.Errorf("sections %s, want %s", got, want)
	}
}

func TestMaskingNeverLeaks(t *testing.T) {
	const envSecret = "ENV-VALUE-do-not-print"
	t.Setenv("HK_MASK_VAR", envSecret)
	doc := `
# old key, commented out: AuthKey: comment-SECRET-0000
anchors:
  k: &k anchored-SECRET-1111
TIProviders:
  OTX:
    Args:
      AuthKey: *k
  Custom:
    Args:
      Token: token-SECRET-2222
      AnyArg: arg-SECRET-3333
      TenantId: 4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61
    Provider: Custom
  VirusTotal:
    Args:
      AuthKey: {EnvironmentVar: HK_MASK_VAR}
DataProviders:
  Splunk:
    Args:
      host: splunk.example.com
      password: splunk-SECRET-4444
      cookie: [cookie-SECRET-5555]
  Elastic:
    Args:
      connection_str: https://elastic:url-SECRET-6666@es.example.com:9200
msticpy:
  Proxies:
    https:
      Url: http://user:proxy-SECRET-7777@proxy:8080
      Password: proxypw-SECRET-8888
Autogen:
  config_list:
    - api_key: apikey-SECRET-9999
      client_secret: {nested: clientsecret-SECRET-aaaa}
`
	secrets := []string{"comment-SECRET-0000", "anchored-SECRET-1111", "token-SECRET-2222", "arg-SECRET-3333",
		envSecret, "splunk-SECRET-4444", "cookie-SECRET-5555", "url-SECRET-6666", "proxy-SECRET-7777",
		"proxypw-SECRET-8888", "apikey-SECRET-9999", "clientsecret-SECRET-aaaa"}
	c := mustParse(t, doc)
	var b bytes.Buffer
	if err := c.WriteMasked(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("WriteMasked leaked %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"host: splunk.example.com", "TenantId: 4cdf87a8-f0fc-40bb-9d85-68bcf4ac8e61",
		"https://elastic:" + Mask + "@es.example.com:9200", "http://user:" + Mask + "@proxy:8080"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// nor in any validation message or secret error
	for _, p := range c.Validate() {
		for _, s := range secrets {
			if strings.Contains(p.String(), s) {
				t.Errorf("problem leaks %q: %s", s, p)
			}
		}
	}
	for _, path := range []string{"TIProviders.Custom.Args.AnyArg.x", "DataProviders.Splunk.Args.cookie", "Autogen.config_list.0.client_secret"} {
		_, err := c.Secret(t.Context(), path)
		if err == nil {
			t.Fatalf("Secret(%s) should fail", path)
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error leaks %q: %v", s, err)
			}
		}
	}
}

func TestIsSecretKey(t *testing.T) {
	for name, want := range map[string]bool{
		"AuthKey": true, "ApiID": true, "clientSecret": true, "ClientSecret": true, "password": true,
		"accesskey": true, "api_key": true, "token": true, "cookie": true, "Key": true,
		"WorkspaceId": false, "TenantId": false, "host": false, "DBFolder": false, "Primary": false,
	} {
		if got := IsSecretKey(name); got != want {
			t.Errorf("IsSecretKey(%q) = %v", name, got)
		}
	}
}

func TestMaskedExpansionIsBounded(t *testing.T) {
	// a "billion laughs" document: printing it expanded must stop with an error, quickly.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	c := mustParse(t, b.String())
	var out bytes.Buffer
	if err := c.WriteMasked(&out); !errors.Is(err, errTooBig) {
		t.Errorf("WriteMasked = %v, want errTooBig", err)
	}
	_ = c.Validate() // bounded too: must return
}

func TestWriteStarter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", FileName)
	if err := WriteStarter(path, false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, Starter()) {
		t.Fatalf("written file differs: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = WriteStarter(path, false)
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwrite without force: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine\n" {
		t.Error("existing file was changed")
	}
	if err := WriteStarter(path, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, Starter()) {
		t.Error("force did not overwrite")
	}
	// no temporary files are left behind
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want 1", len(ents))
	}
	// a folder in the way is an error, not a panic or a partial write
	if err := WriteStarter(dir, true); err == nil {
		t.Error("writing over a folder should fail")
	}
}

func TestMaskingMergedSecrets(t *testing.T) {
	c := mustParse(t, "creds: &c\n  Foo: merged-SECRET-0001\nTIProviders:\n  X:\n    Args:\n      <<: *c\n")
	var b bytes.Buffer
	if err := c.WriteMasked(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "merged-SECRET-0001") {
		t.Errorf("merged secret leaked:\n%s", b.String())
	}
}

func TestWriteMaskedKey(t *testing.T) {
	fixtureEnv(t)
	c, err := Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteMaskedKey(&b, "TIProviders.OTX"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "# TIProviders.OTX:") || !strings.Contains(out, "AuthKey: \""+Mask+"\"") ||
		strings.Contains(out, "otx-literal-SECRET-7f3a9c") || strings.Contains(out, "VirusTotal") {
		t.Errorf("output:\n%s", out)
	}
	b.Reset()
	if err := c.WriteMaskedKey(&b, "TIProviders.OTX.Args.AuthKey"); err != nil || !strings.Contains(b.String(), Mask) || strings.Contains(b.String(), "otx-literal") {
		t.Errorf("scalar key: %v\n%s", err, b.String())
	}
	if err := c.WriteMaskedKey(&b, "TIProviders.Nope"); !errors.Is(err, ErrMissing) {
		t.Errorf("missing key: %v", err)
	}
}
