package ipscope

import "net/netip"

// Reach is a registry entry's "Globally Reachable" value.
type Reach int8

// Globally Reachable values as the registries write them.
const (
	ReachFalse Reach = iota // False: not forwarded beyond an administrative domain
	ReachTrue               // True
	ReachNA                 // N/A: deprecated or transition blocks without a value
)

// String returns the registry's spelling of r.
func (r Reach) String() string {
	switch r {
	case ReachTrue:
		return "True"
	case ReachNA:
		return "N/A"
	}
	return "False"
}

// Entry is one special-purpose address block.
type Entry struct {
	Prefix netip.Prefix
	Name   string // the registry's name for the block
	RFC    string // the RFC(s) the registry cites
	Global Reach  // the registry's Globally Reachable flag
	Scope  Scope  // huntkit's scope for addresses whose most specific entry this is
	// Registry says where the entry comes from: "ipv4-special", "ipv6-special",
	// "ipv4-multicast", "ipv6-multicast" or "ipv6-space" (IANA's IPv6 Address Space).
	Registry string
}

func e(prefix, name, rfc string, g Reach, s Scope, reg string) Entry {
	return Entry{Prefix: netip.MustParsePrefix(prefix), Name: name, RFC: rfc, Global: g, Scope: s, Registry: reg}
}

const (
	v4  = "ipv4-special"
	v6  = "ipv6-special"
	m4  = "ipv4-multicast"
	m6  = "ipv6-multicast"
	sp6 = "ipv6-space"
)

// IPv4Special is IANA's IPv4 Special-Purpose Address Registry (iana-ipv4-special-registry),
// entry by entry, in the registry's order. Scope is huntkit's reading of each block.
var IPv4Special = []Entry{
	e("0.0.0.0/8", `"This network"`, "RFC 791 §3.2", ReachFalse, Reserved, v4),
	e("0.0.0.0/32", `"This host on this network"`, "RFC 1122 §3.2.1.3", ReachFalse, Unspecified, v4),
	e("10.0.0.0/8", "Private-Use", "RFC 1918", ReachFalse, Private, v4),
	e("100.64.0.0/10", "Shared Address Space", "RFC 6598", ReachFalse, CGNAT, v4),
	e("127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3", ReachFalse, Loopback, v4),
	e("169.254.0.0/16", "Link Local", "RFC 3927", ReachFalse, LinkLocal, v4),
	e("172.16.0.0/12", "Private-Use", "RFC 1918", ReachFalse, Private, v4),
	e("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1", ReachFalse, Reserved, v4),
	e("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", ReachFalse, Reserved, v4),
	e("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", ReachFalse, Reserved, v4),
	e("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", ReachTrue, Public, v4),
	e("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", ReachTrue, Public, v4),
	e("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", ReachFalse, Reserved, v4),
	e("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", ReachFalse, Reserved, v4),
	e("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", ReachFalse, Documentation, v4),
	e("192.31.196.0/24", "AS112-v4", "RFC 7535", ReachTrue, Public, v4),
	e("192.52.193.0/24", "AMT", "RFC 7450", ReachTrue, Public, v4),
	e("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", ReachNA, Reserved, v4),
	e("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", ReachTrue, Public, v4),
	e("192.168.0.0/16", "Private-Use", "RFC 1918", ReachFalse, Private, v4),
	e("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", ReachTrue, Public, v4),
	e("198.18.0.0/15", "Benchmarking", "RFC 2544", ReachFalse, Benchmarking, v4),
	e("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", ReachFalse, Documentation, v4),
	e("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", ReachFalse, Documentation, v4),
	e("240.0.0.0/4", "Reserved", "RFC 1112 §4", ReachFalse, Reserved, v4),
	e("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7", ReachFalse, Broadcast, v4),
}

// IPv6Special is IANA's IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry),
// entry by entry, in the registry's order.
var IPv6Special = []Entry{
	e("::1/128", "Loopback Address", "RFC 4291", ReachFalse, Loopback, v6),
	e("::/128", "Unspecified Address", "RFC 4291", ReachFalse, Unspecified, v6),
	e("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", ReachFalse, Mapped, v6),
	e("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", ReachTrue, Translation, v6),
	e("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", ReachFalse, Translation, v6),
	e("100::/64", "Discard-Only Address Block", "RFC 6666", ReachFalse, Reserved, v6),
	e("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", ReachFalse, Reserved, v6),
	e("2001::/23", "IETF Protocol Assignments", "RFC 2928", ReachFalse, Reserved, v6),
	e("2001::/32", "TEREDO", "RFC 4380, RFC 8190", ReachNA, Translation, v6),
	e("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", ReachTrue, Public, v6),
	e("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", ReachTrue, Public, v6),
	e("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", ReachTrue, Public, v6),
	e("2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", ReachFalse, Benchmarking, v6),
	e("2001:3::/32", "AMT", "RFC 7450", ReachTrue, Public, v6),
	e("2001:4:112::/48", "AS112-v6", "RFC 7535", ReachTrue, Public, v6),
	e("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", ReachNA, Reserved, v6),
	e("2001:20::/28", "ORCHIDv2", "RFC 7343", ReachTrue, Public, v6),
	e("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", ReachTrue, Public, v6),
	e("2001:db8::/32", "Documentation", "RFC 3849", ReachFalse, Documentation, v6),
	e("2002::/16", "6to4", "RFC 3056", ReachNA, Translation, v6),
	e("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", ReachTrue, Public, v6),
	e("3fff::/20", "Documentation", "RFC 9637", ReachFalse, Documentation, v6),
	e("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", ReachFalse, Reserved, v6),
	e("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", ReachFalse, Private, v6),
	e("fe80::/10", "Link-Local Unicast", "RFC 4291", ReachFalse, LinkLocal, v6),
}

// Others are the blocks the two special-purpose registries leave to other IANA registries:
// multicast (IANA's IPv4 and IPv6 Multicast Address Space registries) and the IPv6 space
// outside global unicast 2000::/3 (IANA's Internet Protocol Version 6 Address Space: every
// other block is "Reserved by IETF"; the special-purpose entries above inside it win, being
// more specific).
var Others = []Entry{
	e("224.0.0.0/4", "Multicast", "RFC 5771", ReachFalse, Multicast, m4),
	e("ff00::/8", "Multicast", "RFC 4291", ReachFalse, Multicast, m6),
	e("::/3", "Reserved by IETF", "RFC 4291", ReachFalse, Reserved, sp6),
	e("4000::/2", "Reserved by IETF", "RFC 4291", ReachFalse, Reserved, sp6),
	e("8000::/1", "Reserved by IETF", "RFC 4291", ReachFalse, Reserved, sp6),
}
