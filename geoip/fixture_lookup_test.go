package geoip

import (
	"testing"
)

func TestFixtureEdgeCases(t *testing.T) {
	db, err := OpenDir(writeFixtureDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		ip      string
		want    Location
		network string
	}{
		{"203.0.114.9", Location{CountryCode: "NZ", CountryName: "New Zealand", State: "Auckland", StateCode: "AUK", City: "Auckland",
			Latitude: -36.85, Longitude: 174.76, HasLocation: true, TimeZone: "Pacific/Auckland", ASN: 64500, ASOrg: "Example Transit Ltd"}, "203.0.114.0/24"},
		// A true 0,0 location is kept, not mistaken for "no location".
		{"45.10.3.4", Location{CountryCode: "GH", CountryName: "Ghana", HasLocation: true, TimeZone: "Africa/Accra"}, "45.10.0.0/16"},
		{"45.11.3.4", Location{CountryCode: "FR", CountryName: "France"}, "45.11.0.0/16"},
		// ASN only (the /23 is wider than the city /24).
		{"203.0.115.1", Location{ASN: 64500, ASOrg: "Example Transit Ltd"}, "203.0.114.0/23"},
		// 32-bit ASN and IPv6.
		{"2a0b:1::5", Location{CountryCode: "DE", CountryName: "Germany", State: "Land Berlin", StateCode: "BE", City: "Berlin",
			Latitude: 52.52, Longitude: 13.40, HasLocation: true, TimeZone: "Europe/Berlin", ASN: 4200000001, ASOrg: "Thirty-two bit ASN GmbH"}, "2a0b:1::/32"},
		// IPv4-mapped IPv6 input is looked up as IPv4.
		{"::ffff:203.0.114.9", Location{CountryCode: "NZ", CountryName: "New Zealand", State: "Auckland", StateCode: "AUK", City: "Auckland",
			Latitude: -36.85, Longitude: 174.76, HasLocation: true, TimeZone: "Pacific/Auckland", ASN: 64500, ASOrg: "Example Transit Ltd"}, "203.0.114.0/24"},
	}
	for _, tc := range tests {
		t.Run(tc.ip, func(t *testing.T) {
			// Twice: the second answer comes from the record cache.
			for round := 0; round < 2; round++ {
				got, err := db.Lookup(tc.ip)
				if err != nil {
					t.Fatal(err)
				}
				if got.Scope != ScopePublic || got.Source != "maxmind" || got.Note != "" {
					t.Errorf("round %d: scope/source/note %q %q %q", round, got.Scope, got.Source, got.Note)
				}
				got.IP, got.Scope, got.Source, got.Note = "", "", "", ""
				if got.Network != tc.network {
					t.Errorf("round %d: network %q, want %q", round, got.Network, tc.network)
				}
				got.Network = ""
				if got != tc.want {
					t.Errorf("round %d:\n got %+v\nwant %+v", round, got, tc.want)
				}
			}
		})
	}
}
