package geoip

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// cityRec makes a GeoIP2-City-shaped record; lat/lon are left out when loc is nil.
func cityRec(country, countryName, sub, subName, city, tz string, loc *[2]float64) mmdbtype.Map {
	m := mmdbtype.Map{
		"country": mmdbtype.Map{"iso_code": mmdbtype.String(country), "names": mmdbtype.Map{"en": mmdbtype.String(countryName), "de": mmdbtype.String("x-" + countryName)}},
	}
	if city != "" {
		m["city"] = mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(city)}, "geoname_id": mmdbtype.Uint32(1)}
	}
	if sub != "" {
		m["subdivisions"] = mmdbtype.Slice{
			mmdbtype.Map{"iso_code": mmdbtype.String(sub), "names": mmdbtype.Map{"en": mmdbtype.String(subName)}},
			mmdbtype.Map{"iso_code": mmdbtype.String("ZZ"), "names": mmdbtype.Map{"en": mmdbtype.String("second level")}},
		}
	}
	l := mmdbtype.Map{}
	if tz != "" {
		l["time_zone"] = mmdbtype.String(tz)
	}
	if loc != nil {
		l["latitude"], l["longitude"] = mmdbtype.Float64(loc[0]), mmdbtype.Float64(loc[1])
		l["accuracy_radius"] = mmdbtype.Uint16(50)
	}
	if len(l) > 0 {
		m["location"] = l
	}
	return m
}

// buildMMDB writes an mmdb of the given type with records keyed by CIDR.
func buildMMDB(t testing.TB, dbType string, recs map[string]mmdbtype.DataType) []byte {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, RecordSize: 28, Description: map[string]string{"en": "huntkit geoip test fixture " + dbType}, Languages: []string{"en", "de"}, BuildEpoch: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, v := range recs {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, v); err != nil {
			t.Fatalf("insert %s: %v", cidr, err)
		}
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureCity is a small City database with the edge cases the MaxMind test data lacks.
func fixtureCity(t testing.TB, dbType string) []byte {
	return buildMMDB(t, dbType, map[string]mmdbtype.DataType{
		"203.0.114.0/24": cityRec("NZ", "New Zealand", "AUK", "Auckland", "Auckland", "Pacific/Auckland", &[2]float64{-36.85, 174.76}),
		"45.10.0.0/16":   cityRec("GH", "Ghana", "", "", "", "Africa/Accra", &[2]float64{0, 0}), // real 0,0 location
		"45.11.0.0/16":   cityRec("FR", "France", "", "", "", "", nil),                          // country only
		"2a0b:1::/32":    cityRec("DE", "Germany", "BE", "Land Berlin", "Berlin", "Europe/Berlin", &[2]float64{52.52, 13.40}),
	})
}

func fixtureASN(t testing.TB) []byte {
	return buildMMDB(t, "GeoLite2-ASN", map[string]mmdbtype.DataType{
		"203.0.114.0/23": mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(64500), "autonomous_system_organization": mmdbtype.String("Example Transit Ltd")},
		"2a0b::/16":      mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(4200000001), "autonomous_system_organization": mmdbtype.String("Thirty-two bit ASN GmbH")},
	})
}

// writeFixtureDir writes the fixture databases into a temporary folder.
func writeFixtureDir(t testing.TB) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "GeoLite2-City.mmdb"), fixtureCity(t, "GeoLite2-City"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "GeoLite2-ASN.mmdb"), fixtureASN(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tarGz packs files (name → content) the way MaxMind's archives are laid out.
func tarGz(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(1767312000, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
