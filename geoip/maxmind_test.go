package geoip

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/internal/testdata"
)

type expectedLookup struct {
	IP        string
	Country   string
	City      string
	Subdiv    string
	TZ        string
	Lat, Lon  float64
	Postal    string
	ASN       int64
	ASOrg     string
	CountryDB string
}

func loadExpected(t *testing.T) []expectedLookup {
	t.Helper()
	p := testdata.Shared(t, "maxmind/expected_lookups.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var exp []expectedLookup
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp) != 18 {
		t.Fatalf("expected_lookups.json has %d entries, want 18", len(exp))
	}
	return exp
}

func testDB(t testing.TB, names ...string) *DB {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, testdata.Shared(t, "maxmind/test-data/"+n))
	}
	db, err := Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestExpectedLookupsCityASN(t *testing.T) {
	exp := loadExpected(t)
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	for _, e := range exp {
		t.Run(e.IP, func(t *testing.T) {
			loc, err := db.Lookup(e.IP)
			if err != nil {
				t.Fatal(err)
			}
			if loc.CountryCode != e.Country || loc.City != e.City || loc.StateCode != e.Subdiv ||
				loc.TimeZone != e.TZ || loc.PostalCode != e.Postal || loc.ASN != e.ASN || loc.ASOrg != e.ASOrg {
				t.Errorf("got %+v\nwant %+v", loc, e)
			}
			if math.Abs(loc.Latitude-e.Lat) > 1e-9 || math.Abs(loc.Longitude-e.Lon) > 1e-9 {
				t.Errorf("lat/lon = %v,%v want %v,%v", loc.Latitude, loc.Longitude, e.Lat, e.Lon)
			}
			if loc.HasLocation != (e.Lat != 0 || e.Lon != 0) {
				t.Errorf("HasLocation = %v for %v,%v", loc.HasLocation, e.Lat, e.Lon)
			}
			if loc.Source != "maxmind" {
				t.Errorf("Source = %q", loc.Source)
			}
		})
	}
}

func TestExpectedLookupsCountryOnly(t *testing.T) {
	exp := loadExpected(t)
	db := testDB(t, "GeoLite2-Country-Test.mmdb")
	for _, e := range exp {
		loc, err := db.Lookup(e.IP)
		if err != nil {
			t.Fatal(err)
		}
		if loc.CountryCode != e.CountryDB {
			t.Errorf("%s: country %q, want %q", e.IP, loc.CountryCode, e.CountryDB)
		}
		if loc.City != "" || loc.ASN != 0 {
			t.Errorf("%s: country database gave city %q / ASN %d", e.IP, loc.City, loc.ASN)
		}
	}
}

func TestLookupNamesAndScopes(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	loc, err := db.Lookup("89.160.20.112")
	if err != nil {
		t.Fatal(err)
	}
	if loc.CountryName != "Sweden" || loc.State != "Östergötland County" || loc.City != "Linköping" || loc.Network == "" {
		t.Errorf("names: %+v", loc)
	}
	for _, tc := range []struct {
		in    string
		scope Scope
	}{
		{"127.0.0.1", ScopeLoopback},
		{"10.0.0.1", ScopePrivate},
		{"::ffff:10.1.2.3", ScopePrivate},
		{"100.64.1.1", ScopeCGNAT},
		{"169.254.1.1", ScopeLinkLocal},
		{"224.0.0.251", ScopeMulticast},
		{"192.0.2.7", ScopeDocumentation},
		{"2001:db8::1", ScopeDocumentation},
		{"fd00::1", ScopePrivate},
		{"8.8.8.8", ScopePublic},
	} {
		loc, err := db.Lookup(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if loc.Scope != tc.scope {
			t.Errorf("%s: scope %q, want %q", tc.in, loc.Scope, tc.scope)
		}
		if tc.scope != ScopePublic && loc.Note == "" {
			t.Errorf("%s: no note for scope %s", tc.in, loc.Scope)
		}
	}
	if loc, _ := db.Lookup("8.8.8.8"); loc.Note != "not in database" || loc.Found() {
		t.Errorf("8.8.8.8 in test database: %+v", loc)
	}
	_, err = db.Lookup("not-an-ip")
	if !errors.Is(err, ErrInvalidIP) {
		t.Errorf("invalid IP error = %v", err)
	}
	// A defanged address is accepted.
	if loc, err := db.Lookup("81[.]2[.]69[.]142"); err != nil || loc.City != "London" {
		t.Errorf("defanged: %+v %v", loc, err)
	}
}

func TestOpenDirPrefersGeoIP2AndCity(t *testing.T) {
	dir := filepath.Dir(testdata.Shared(t, "maxmind/test-data/GeoIP2-City-Test.mmdb"))
	db, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kinds := map[Kind]string{}
	for _, in := range db.Databases() {
		kinds[in.Kind] = in.Type
	}
	if kinds[KindCity] != "GeoIP2-City" {
		t.Errorf("city database = %q, want GeoIP2-City (databases %+v)", kinds[KindCity], db.Databases())
	}
	if _, ok := kinds[KindCountry]; ok {
		t.Errorf("country database opened although a city one exists: %+v", db.Databases())
	}
	if kinds[KindASN] == "" {
		t.Errorf("no ASN database: %+v", db.Databases())
	}
	if _, err := OpenDir(t.TempDir()); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("empty dir: %v", err)
	}
}

func TestLookupIPsCancelled(t *testing.T) {
	db := testDB(t, "GeoIP2-City-Test.mmdb")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := db.LookupIPs(ctx, []string{"81.2.69.142"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestConcurrentLookupsAgree(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	want, _ := db.Lookup("89.160.20.112")
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 2000; i++ {
				ip := netip.MustParseAddr("89.160.20.112")
				got, err := db.LookupAddr(ip)
				if err != nil || got != want {
					done <- errors.New("mismatch under concurrency")
					return
				}
				if _, err := db.Lookup("81.2.69.142"); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestLargeBatchMatchesSingleLookups(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	base := []string{"81.2.69.142", "89.160.20.112", "2001:218::1", "8.8.8.8", "10.0.0.1", "175.16.199.3", "junk", "216.160.83.56"}
	ips := make([]string, 20000)
	for i := range ips {
		ips[i] = base[(i*7)%len(base)]
	}
	locs, err := db.LookupIPs(context.Background(), ips)
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != len(ips) {
		t.Fatalf("%d results", len(locs))
	}
	for i, s := range ips {
		want, _ := db.Lookup(s)
		got := locs[i]
		if got.IP != want.IP || got.City != want.City || got.ASN != want.ASN || got.Scope != want.Scope || got.Note != want.Note {
			t.Fatalf("row %d (%s): %+v, want %+v", i, s, got, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	locs, err = db.LookupIPs(ctx, ips)
	if !errors.Is(err, context.Canceled) || len(locs) != len(ips) || !errors.Is(locs[len(locs)-1].Err, context.Canceled) {
		t.Errorf("cancelled batch: %v, %d results", err, len(locs))
	}
}

func TestOpenDirSkipsBrokenFiles(t *testing.T) {
	dir := writeFixtureDir(t)
	if err := os.WriteFile(filepath.Join(dir, "GeoIP2-City.mmdb"), []byte("truncated download"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if loc, _ := db.Lookup("203.0.114.9"); loc.City != "Auckland" {
		t.Errorf("lookup: %+v", loc)
	}
	if _, err := Open(filepath.Join(dir, "GeoIP2-City.mmdb")); err == nil {
		t.Error("Open accepted a broken file")
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.mmdb"), []byte("nope"), 0o644)
	if _, err := OpenDir(bad); !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "x.mmdb") {
		t.Errorf("only broken files: %v", err)
	}
}

func TestZoneKeptInIPColumn(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	for _, in := range []string{"fe80::1%eth0", "[fe80::1%eth0]", " fe80::1%eth0 "} {
		locs, err := db.LookupIPs(context.Background(), []string{in})
		if err != nil {
			t.Fatal(err)
		}
		if l := locs[0]; l.IP != "fe80::1%eth0" || l.Scope != ScopeLinkLocal {
			t.Errorf("%q: IP %q scope %s, want fe80::1%%eth0 link-local", in, l.IP, l.Scope)
		}
		if got := Frame(locs).Col("IP").Str(0); got != "fe80::1%eth0" {
			t.Errorf("%q: IP column %q", in, got)
		}
	}
	if loc, _ := db.Lookup("fe80::1"); loc.IP != "fe80::1" {
		t.Errorf("no zone: IP %q", loc.IP)
	}
}
