package ipscope

import (
	"net/netip"
	"testing"
)

// registryCase is one registry entry as IANA publishes it, an address inside it (and in no
// more specific entry), and the scope huntkit gives that address.
type registryCase struct {
	prefix, name, rfc string
	reach             Reach
	addr              string
	scope             Scope
	global            bool
}

// ipv4Registry transcribes IANA's IPv4 Special-Purpose Address Registry, one row per entry.
var ipv4Registry = []registryCase{
	{"0.0.0.0/8", `"This network"`, "RFC 791 §3.2", ReachFalse, "0.1.2.3", Reserved, false},
	{"0.0.0.0/32", `"This host on this network"`, "RFC 1122 §3.2.1.3", ReachFalse, "0.0.0.0", Unspecified, false},
	{"10.0.0.0/8", "Private-Use", "RFC 1918", ReachFalse, "10.20.30.40", Private, false},
	{"100.64.0.0/10", "Shared Address Space", "RFC 6598", ReachFalse, "100.64.1.1", CGNAT, false},
	{"127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3", ReachFalse, "127.0.0.1", Loopback, false},
	{"169.254.0.0/16", "Link Local", "RFC 3927", ReachFalse, "169.254.169.254", LinkLocal, false},
	{"172.16.0.0/12", "Private-Use", "RFC 1918", ReachFalse, "172.31.255.255", Private, false},
	{"192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1", ReachFalse, "192.0.0.100", Reserved, false},
	{"192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", ReachFalse, "192.0.0.1", Reserved, false},
	{"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", ReachFalse, "192.0.0.8", Reserved, false},
	{"192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", ReachTrue, "192.0.0.9", Public, true},
	{"192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", ReachTrue, "192.0.0.10", Public, true},
	{"192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", ReachFalse, "192.0.0.170", Reserved, false},
	{"192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", ReachFalse, "192.0.0.171", Reserved, false},
	{"192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", ReachFalse, "192.0.2.1", Documentation, false},
	{"192.31.196.0/24", "AS112-v4", "RFC 7535", ReachTrue, "192.31.196.1", Public, true},
	{"192.52.193.0/24", "AMT", "RFC 7450", ReachTrue, "192.52.193.1", Public, true},
	{"192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", ReachNA, "192.88.99.1", Reserved, false},
	{"192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", ReachTrue, "192.88.99.2", Public, true},
	{"192.168.0.0/16", "Private-Use", "RFC 1918", ReachFalse, "192.168.1.1", Private, false},
	{"192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", ReachTrue, "192.175.48.6", Public, true},
	{"198.18.0.0/15", "Benchmarking", "RFC 2544", ReachFalse, "198.19.255.1", Benchmarking, false},
	{"198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", ReachFalse, "198.51.100.7", Documentation, false},
	{"203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", ReachFalse, "203.0.113.9", Documentation, false},
	{"240.0.0.0/4", "Reserved", "RFC 1112 §4", ReachFalse, "250.1.2.3", Reserved, false},
	{"255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7", ReachFalse, "255.255.255.255", Broadcast, false},
}

// ipv6Registry transcribes IANA's IPv6 Special-Purpose Address Registry, one row per entry.
var ipv6Registry = []registryCase{
	{"::1/128", "Loopback Address", "RFC 4291", ReachFalse, "::1", Loopback, false},
	{"::/128", "Unspecified Address", "RFC 4291", ReachFalse, "::", Unspecified, false},
	// IPv4-mapped addresses are classified as the IPv4 address they carry (see the package
	// doc); an address of the block is tested in TestMapped.
	{"::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", ReachFalse, "", Mapped, false},
	// Globally Reachable is True, but the address stands for the embedded IPv4 one.
	{"64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", ReachTrue, "64:ff9b::808:808", Translation, false},
	{"64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", ReachFalse, "64:ff9b:1::a00:1", Translation, false},
	{"100::/64", "Discard-Only Address Block", "RFC 6666", ReachFalse, "100::1", Reserved, false},
	{"100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", ReachFalse, "100:0:0:1::1", Reserved, false},
	{"2001::/23", "IETF Protocol Assignments", "RFC 2928", ReachFalse, "2001:100::1", Reserved, false},
	{"2001::/32", "TEREDO", "RFC 4380, RFC 8190", ReachNA, "2001:0:4136:e378::1", Translation, false},
	{"2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", ReachTrue, "2001:1::1", Public, true},
	{"2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", ReachTrue, "2001:1::2", Public, true},
	{"2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", ReachTrue, "2001:1::3", Public, true},
	{"2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", ReachFalse, "2001:2::1", Benchmarking, false},
	{"2001:3::/32", "AMT", "RFC 7450", ReachTrue, "2001:3::1", Public, true},
	{"2001:4:112::/48", "AS112-v6", "RFC 7535", ReachTrue, "2001:4:112::1", Public, true},
	{"2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", ReachNA, "2001:10::1", Reserved, false},
	{"2001:20::/28", "ORCHIDv2", "RFC 7343", ReachTrue, "2001:20::1", Public, true},
	{"2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", ReachTrue, "2001:30::1", Public, true},
	{"2001:db8::/32", "Documentation", "RFC 3849", ReachFalse, "2001:db8::1", Documentation, false},
	{"2002::/16", "6to4", "RFC 3056", ReachNA, "2002:808:808::1", Translation, false},
	{"2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", ReachTrue, "2620:4f:8000::42", Public, true},
	{"3fff::/20", "Documentation", "RFC 9637", ReachFalse, "3fff::1", Documentation, false},
	{"5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", ReachFalse, "5f00::1", Reserved, false},
	{"fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", ReachFalse, "fd12:3456::1", Private, false},
	{"fe80::/10", "Link-Local Unicast", "RFC 4291", ReachFalse, "fe80::1", LinkLocal, false},
}

// otherBlocks are the blocks from IANA's multicast and IPv6 address-space registries.
var otherBlocks = []registryCase{
	{"224.0.0.0/4", "Multicast", "RFC 5771", ReachFalse, "239.255.255.250", Multicast, false},
	{"ff00::/8", "Multicast", "RFC 4291", ReachFalse, "ff02::1", Multicast, false},
	{"::/3", "Reserved by IETF", "RFC 4291", ReachFalse, "1234::1", Reserved, false},
	{"4000::/2", "Reserved by IETF", "RFC 4291", ReachFalse, "4000::1", Reserved, false},
	{"8000::/1", "Reserved by IETF", "RFC 4291", ReachFalse, "8000::1", Reserved, false},
}

func checkRegistry(t *testing.T, table []Entry, cases []registryCase) {
	t.Helper()
	if len(table) != len(cases) {
		t.Errorf("table has %d entries, the test %d: every entry needs a test row", len(table), len(cases))
	}
	for i, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			if i >= len(table) {
				t.Fatalf("entry %d missing from the table", i)
			}
			en := table[i]
			if en.Prefix != netip.MustParsePrefix(c.prefix) || en.Name != c.name || en.RFC != c.rfc || en.Global != c.reach {
				t.Errorf("entry %d = %s %q %q %s; want %s %q %q %s", i, en.Prefix, en.Name, en.RFC, en.Global, c.prefix, c.name, c.rfc, c.reach)
			}
			if c.addr == "" {
				return
			}
			a := netip.MustParseAddr(c.addr)
			got := Classify(a)
			if got.Entry == nil || got.Entry.Prefix != netip.MustParsePrefix(c.prefix) {
				t.Errorf("Classify(%s).Entry = %v; want %s", a, got.Entry, c.prefix)
			}
			if got.Scope != c.scope || got.Global != c.global {
				t.Errorf("Classify(%s) = %s global=%v; want %s global=%v", a, got.Scope, got.Global, c.scope, c.global)
			}
			if got.Global != (got.Scope == Public) {
				t.Errorf("Classify(%s): Global %v disagrees with scope %s", a, got.Global, got.Scope)
			}
			if !got.Global && got.Note == "" {
				t.Errorf("Classify(%s): no note for scope %s", a, got.Scope)
			}
			// Globally Reachable False is never global; True is global except where the
			// package doc says why not; N/A is never global.
			if c.reach != ReachTrue && got.Global {
				t.Errorf("Classify(%s): global although the registry says %s", a, c.reach)
			}
		})
	}
}

func TestIPv4SpecialRegistry(t *testing.T) { checkRegistry(t, IPv4Special, ipv4Registry) }
func TestIPv6SpecialRegistry(t *testing.T) { checkRegistry(t, IPv6Special, ipv6Registry) }
func TestOtherRegistries(t *testing.T)     { checkRegistry(t, Others, otherBlocks) }

func TestPublic(t *testing.T) {
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1",
		"192.0.3.1", "192.88.98.255", "198.20.0.1", "223.255.255.255", "2606:4700::1111",
		"2001:200::1", "2001:4860:4860::8888", "2620:4f:8001::1", "3fff:1000::1"} {
		got := Parse(s)
		if got.Scope != Public || !got.Global || got.Entry != nil || got.Note != "" {
			t.Errorf("Parse(%s) = %+v; want public, no entry", s, got)
		}
	}
}

// TestIssueCases pins the addresses three packages used to disagree about.
func TestIssueCases(t *testing.T) {
	for s, want := range map[string]Scope{
		"3fff::1": Documentation, "2001:2::1": Benchmarking, "192.88.99.1": Reserved,
		"64:ff9b::808:808": Translation, "100.64.1.1": CGNAT,
	} {
		if got := Parse(s); got.Scope != want || got.Global {
			t.Errorf("Parse(%s) = %s global=%v; want %s, not global", s, got.Scope, got.Global, want)
		}
	}
	if got := Parse("64:ff9b::808:808"); got.Embedded != netip.MustParseAddr("8.8.8.8") {
		t.Errorf("NAT64 embedded = %v; want 8.8.8.8", got.Embedded)
	}
	if got := Parse("2002:c000:0201::1"); got.Embedded != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("6to4 embedded = %v; want 192.0.2.1", got.Embedded)
	}
}

func TestMapped(t *testing.T) {
	for s, want := range map[string]Scope{"::ffff:8.8.8.8": Public, "::ffff:10.0.0.1": Private, "::ffff:127.0.0.1": Loopback} {
		got := Parse(s)
		if got.Scope != want || !got.Mapped {
			t.Errorf("Parse(%s) = %+v; want %s, mapped", s, got, want)
		}
	}
}

func TestInvalidAndZone(t *testing.T) {
	if got := Parse("not-an-ip"); got.Scope != Invalid || got.Global {
		t.Errorf("Parse(not-an-ip) = %+v", got)
	}
	if got := Classify(netip.Addr{}); got.Scope != Invalid {
		t.Errorf("Classify(zero) = %+v", got)
	}
	if got := Parse(" fe80::1%eth0 "); got.Scope != LinkLocal {
		t.Errorf("Parse(fe80::1%%eth0) = %+v", got)
	}
}

func BenchmarkClassify(b *testing.B) {
	addrs := []netip.Addr{netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("192.168.1.1"),
		netip.MustParseAddr("2001:4860::1"), netip.MustParseAddr("203.0.113.5")}
	for i := 0; i < b.N; i++ {
		Classify(addrs[i%len(addrs)])
	}
}
