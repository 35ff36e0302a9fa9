package azauth

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
)

// TestTokenCache: a second credential (a second huntkit process) takes the token the first
// one cached on disk, and the emulator's token endpoint is asked once.
func TestTokenCache(t *testing.T) {
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "HUNTKIT_CA_FILE"} {
		t.Setenv(v, "")
	}
	dir := filepath.Join(t.TempDir(), "tokens")
	t.Setenv(EnvTokenCache, dir)
	srv, err := emulate.Start(context.Background(), emulate.Options{Backend: noData{}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if _, err := srv.WriteConfig(p); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	scope := policy.TokenRequestOptions{Scopes: []string{srv.URL + "/.default"}}
	secretAsked := 0
	newCred := func() *Credential {
		s, err := FromConfig(cfg, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.Cache == nil || s.Cache.Dir() != dir {
			t.Fatalf("cache %v, want %s", s.Cache, dir)
		}
		inner := s.ClientSecret
		s.ClientSecret = func(ctx context.Context) (string, error) { secretAsked++; return inner(ctx) }
		c, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	first, err := newCred().GetToken(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 1 || secretAsked != 1 {
		t.Fatalf("first sign-in: %d tokens issued, secret asked %d times", n, secretAsked)
	}
	second := newCred()
	tok, err := second.GetToken(ctx, scope)
	if err != nil || tok.Token != first.Token {
		t.Fatalf("second credential: %v", err)
	}
	if n := srv.TokensIssued(); n != 1 || secretAsked != 1 {
		t.Fatalf("second credential signed in again: %d tokens issued, secret asked %d times", n, secretAsked)
	}
	if a := second.Attempts(); len(a) != 1 || !a[0].OK || a[0].Method != "clientsecret" || !strings.Contains(a[0].Outcome, "cache") || a[0].Account != srv.ClientID() {
		t.Fatalf("attempts %+v", a)
	}

	// The file: 0600 in a 0700 folder, named by a hash (no tenant or client in the name).
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("folder %v %v", st, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v", st.Mode())
	}
	if name := filepath.Base(files[0]); strings.Contains(name, srv.TenantID()) || strings.Contains(name, srv.ClientID()) {
		t.Fatalf("file name %s names the sign-in", name)
	}

	// Another scope is another token.
	if _, err := newCred().GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{srv.URL + "/other/.default"}}); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 2 {
		t.Fatalf("another scope: %d tokens issued", n)
	}
	// A token about to expire is not used.
	var e cacheEntry
	data, _ := os.ReadFile(files[0])
	_ = json.Unmarshal(data, &e)
	e.ExpiresOn = time.Now().Add(time.Minute)
	data, _ = json.Marshal(e)
	_ = os.WriteFile(files[0], data, 0o600)
	if _, err := newCred().GetToken(ctx, scope); err != nil {
		t.Fatal(err)
	}
	if n := srv.TokensIssued(); n != 3 {
		t.Fatalf("expiring token: %d tokens issued", n)
	}

	// off turns the cache off; Clear empties it.
	t.Setenv(EnvTokenCache, "off")
	if DefaultTokenCache() != nil {
		t.Fatal("HUNTKIT_TOKEN_CACHE=off: cache still on")
	}
	if err := NewTokenCache(dir).Clear(); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 0 {
		t.Fatalf("after Clear: %v", files)
	}
}
