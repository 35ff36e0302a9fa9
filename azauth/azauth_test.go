package azauth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/golang-jwt/jwt/v5"

	"github.com/huntkit/huntkit/config"
)

func parse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	c, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseMethods(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
		err  string
	}{
		{[]string{"cli", "MSI", "cli"}, "cli,msi", ""},
		{[]string{"env, clientsecret"}, "env,clientsecret", ""},
		{[]string{"cli", "browser"}, "", `unknown auth method "browser"`},
		{[]string{" "}, "", "no auth method"},
	} {
		got, err := ParseMethods(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrConfig) {
				t.Errorf("%v: err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != c.want {
			t.Errorf("%v = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func TestCloudFromConfig(t *testing.T) {
	for _, c := range []struct {
		yaml, authority, la string
		custom              bool
		err                 string
	}{
		{"Azure: {}", "https://login.microsoftonline.com/", "https://api.loganalytics.io", false, ""},
		{"Azure: {cloud: usgov}", "https://login.microsoftonline.us/", "https://api.loganalytics.us", false, ""},
		{"Azure: {cloud: cn}", "https://login.chinacloudapi.cn/", "https://api.loganalytics.azure.cn", false, ""},
		{"Azure: {cloud: global, authority_host: 'https://127.0.0.1:8443', log_analytics_endpoint: 'https://127.0.0.1:8443/'}",
			"https://127.0.0.1:8443/", "https://127.0.0.1:8443", true, ""},
		{"Azure: {cloud: mars}", "", "", false, `Azure.cloud "mars"`},
	} {
		ep, err := CloudFromConfig(parse(t, c.yaml))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err = %v", c.yaml, err)
			}
			continue
		}
		if err != nil || ep.AuthorityHost != c.authority || ep.LogAnalytics != c.la || ep.Custom() != c.custom {
			t.Errorf("%s = %+v (custom %v), %v", c.yaml, ep, ep.Custom(), err)
		}
		if ep.Cloud().ActiveDirectoryAuthorityHost != c.authority {
			t.Errorf("azcore cloud authority = %s", ep.Cloud().ActiveDirectoryAuthorityHost)
		}
	}
}

func TestFromConfig(t *testing.T) {
	t.Setenv("AZURE_CLIENT_SECRET", "")
	c := parse(t, `
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: 52b1ab41-869e-4138-9e40-2a4457f09bf0
      TenantId: 8a1f3c7e-0d2b-4e5f-9a6c-1b2c3d4e5f60
      Args:
        ClientId: 2c4a8e10-7b3d-4f6a-8c9e-0a1b2c3d4e5f
        ClientSecret: {EnvironmentVar: HK_TEST_SECRET}
Azure:
  auth_methods: [cli, msi, interactive]
`)
	s, err := FromConfig(c, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Methods, ",") != "cli,msi,interactive" || s.TenantID != "8a1f3c7e-0d2b-4e5f-9a6c-1b2c3d4e5f60" || s.ClientID != "2c4a8e10-7b3d-4f6a-8c9e-0a1b2c3d4e5f" {
		t.Fatalf("settings = %+v", s)
	}
	// The secret is resolved only when asked for.
	t.Setenv("HK_TEST_SECRET", "from-env")
	if v, err := s.ClientSecret(context.Background()); err != nil || v != "from-env" {
		t.Fatalf("secret = %q, %v", v, err)
	}
	s2, err := FromConfig(c, "", []string{"clientsecret"})
	if err != nil || strings.Join(s2.Methods, ",") != "clientsecret" {
		t.Fatalf("--auth override = %v, %v", s2.Methods, err)
	}
}

// TestSkippedMethods: methods that cannot run here are passed over with one line each and
// the chain's error lists them all.
func TestSkippedMethods(t *testing.T) {
	t.Setenv("AZURE_CLIENT_ID", "")
	t.Setenv("AZURE_TENANT_ID", "")
	t.Setenv("PATH", t.TempDir()) // no az, no pwsh
	cred, err := New(Settings{Methods: []string{"env", "vscode", "devicecode", "interactive", "clientsecret", "certificate", "cli"}, Cloud: Clouds["global"]})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://api.loganalytics.io/.default"}})
	if !errors.Is(err, ErrNoCredential) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	att := cred.Attempts()
	if len(att) != 7 {
		t.Fatalf("attempts = %+v", att)
	}
	for i, want := range []string{"AZURE_TENANT_ID", "Visual Studio Code", "terminal", "terminal", "client id", "certificate file", "not found"} {
		if !strings.Contains(att[i].Outcome, want) || strings.Contains(att[i].Outcome, "\n") {
			t.Errorf("%s outcome = %q, want %q", att[i].Method, att[i].Outcome, want)
		}
	}
	if !att[1].Skipped || att[6].Skipped {
		t.Errorf("skipped flags: %+v", att)
	}
}

func TestIdentity(t *testing.T) {
	tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"tid": "t1", "upn": "a@b.c", "appid": "app"}).SignedString([]byte("k"))
	if tn, acct := Identity(tok); tn != "t1" || acct != "a@b.c" {
		t.Fatalf("Identity = %s %s", tn, acct)
	}
	if tn, acct := Identity("not a token"); tn != "" || acct != "" {
		t.Fatal("garbage gave an identity")
	}
}

func TestOneLine(t *testing.T) {
	err := errors.New("ClientSecretCredential authentication failed. POST https://x/token\n" +
		"--------------------------------------------------------------------------------\n" +
		"RESPONSE 401: 401 Unauthorized\n" +
		"--------------------------------------------------------------------------------\n" +
		"{\n  \"error\": \"invalid_client\",\n  \"error_description\": \"AADSTS7000215: Invalid client secret provided.\"\n}\n" +
		"--------------------------------------------------------------------------------\n" +
		"To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#client-secret")
	want := "ClientSecretCredential authentication failed. POST https://x/token: 401 Unauthorized: AADSTS7000215: Invalid client secret provided."
	if got := OneLine(err); got != want {
		t.Fatalf("OneLine = %q", got)
	}
}

func TestTransport(t *testing.T) {
	if hc, err := Transport(""); hc != nil || err != nil {
		t.Fatal("no CA file should give the default transport")
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	_ = os.WriteFile(bad, []byte("not pem"), 0o600)
	if _, err := Transport(bad); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Transport(filepath.Join(t.TempDir(), "missing.pem")); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing err = %v", err)
	}
}
