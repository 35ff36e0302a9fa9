package geoip

import (
	"encoding/json"
	"errors"
	"net/netip"
	"testing"
)

var scopeCases = []struct {
	ip    string
	scope Scope
}{
	{"8.8.8.8", ScopePublic},
	{"81.2.69.142", ScopePublic},
	{"172.15.255.255", ScopePublic},
	{"172.16.0.1", ScopePrivate},
	{"172.31.255.255", ScopePrivate},
	{"172.32.0.0", ScopePublic},
	{"192.168.10.1", ScopePrivate},
	{"10.255.0.1", ScopePrivate},
	{"127.0.0.1", ScopeLoopback},
	{"127.200.1.1", ScopeLoopback},
	{"169.254.169.254", ScopeLinkLocal},
	{"100.63.255.255", ScopePublic},
	{"100.64.0.0", ScopeCGNAT},
	{"100.127.255.255", ScopeCGNAT},
	{"100.128.0.0", ScopePublic},
	{"224.0.0.1", ScopeMulticast},
	{"239.255.255.250", ScopeMulticast},
	{"192.0.2.1", ScopeDocumentation},
	{"198.51.100.20", ScopeDocumentation},
	{"203.0.113.99", ScopeDocumentation},
	{"203.0.114.1", ScopePublic},
	{"198.18.0.1", ScopeBenchmarking},
	{"198.19.255.255", ScopeBenchmarking},
	{"198.20.0.1", ScopePublic},
	{"0.0.0.0", ScopeUnspecified},
	{"0.1.2.3", ScopeReserved},
	{"255.255.255.255", ScopeBroadcast},
	{"240.0.0.1", ScopeReserved},
	{"192.0.0.8", ScopeReserved},
	{"192.88.99.1", ScopeReserved},
	{"::", ScopeUnspecified},
	{"::1", ScopeLoopback},
	{"fe80::1", ScopeLinkLocal},
	{"fc00::1", ScopePrivate},
	{"fd12:3456::1", ScopePrivate},
	{"ff02::1", ScopeMulticast},
	{"2001:db8:1::1", ScopeDocumentation},
	{"3fff:1::1", ScopeDocumentation},
	{"2001:2::1", ScopeBenchmarking},
	{"2001::1", ScopeTranslation},
	{"100::1", ScopeReserved},
	{"64:ff9b::808:808", ScopeTranslation},
	{"::2", ScopeReserved},
	{"2001:4860:4860::8888", ScopePublic},
	{"2a02:d180::1", ScopePublic},
	{"::ffff:192.168.1.1", ScopePrivate},
	{"::ffff:8.8.8.8", ScopePublic},
}

func TestClassify(t *testing.T) {
	for _, tc := range scopeCases {
		got, note := Classify(netip.MustParseAddr(tc.ip))
		if got != tc.scope {
			t.Errorf("%s: %s, want %s", tc.ip, got, tc.scope)
		}
		if (got == ScopePublic) != (note == "") {
			t.Errorf("%s: scope %s with note %q", tc.ip, got, note)
		}
	}
	if s, _ := Classify(netip.Addr{}); s != ScopeInvalid {
		t.Errorf("zero Addr: %s", s)
	}
}

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		" 8.8.8.8 ":         "8.8.8.8",
		"[2001:db8::1]":     "2001:db8::1",
		"fe80::1%eth0":      "fe80::1",
		"10[.]0[.]0[.]1":    "10.0.0.1",
		"10(.)0(.)0(.)1":    "10.0.0.1",
		"2001[:]db8[:][:]1": "2001:db8::1",
	} {
		ip, err := ParseIP(in)
		if err != nil || ip.String() != want {
			t.Errorf("%q: %v %v, want %s", in, ip, err, want)
		}
	}
	for _, bad := range []string{"", "1.2.3", "256.1.1.1", "example.com", "1.2.3.4/24", "\x00"} {
		_, err := ParseIP(bad)
		var ie *IPError
		if !errors.Is(err, ErrInvalidIP) || !errors.As(err, &ie) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	long := string(make([]byte, 500))
	if _, err := ParseIP(long); len(err.Error()) > 120 {
		t.Errorf("error for a long value is %d bytes", len(err.Error()))
	}
}

func FuzzParseIP(f *testing.F) {
	for _, tc := range scopeCases {
		f.Add(tc.ip)
	}
	f.Add("10[.]0[.]0[.]1")
	f.Add("[::1]")
	f.Fuzz(func(t *testing.T, s string) {
		ip, err := ParseIP(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidIP) {
				t.Fatalf("error %v does not match ErrInvalidIP", err)
			}
			return
		}
		scope, _ := Classify(ip)
		if scope == ScopeInvalid {
			t.Fatalf("parsed %q but classified invalid", s)
		}
		// Public addresses are global unicast and not private.
		u := ip.Unmap()
		if scope == ScopePublic && (u.IsPrivate() || u.IsLoopback() || u.IsMulticast() || u.IsLinkLocalUnicast() || u.IsUnspecified()) {
			t.Fatalf("%s classified public", ip)
		}
	})
}

func FuzzIPStackResponse(f *testing.F) {
	f.Add([]byte(ipstackBody))
	f.Add([]byte(freeBody))
	f.Add([]byte(ipstackError(101, "invalid_access_key", "x")))
	f.Add([]byte(`{"latitude": "x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r ipstackResponse
		if json.Unmarshal(data, &r) != nil {
			return
		}
		var loc Location
		r.fill(&loc) // must not panic
		if loc.HasLocation && (r.Latitude == nil || r.Longitude == nil) {
			t.Fatal("location without coordinates")
		}
	})
}
