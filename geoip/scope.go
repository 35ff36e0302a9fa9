package geoip

import "net/netip"

// Scope says what kind of address an IP is. Only ScopePublic addresses are geolocated;
// the others are reported with their scope and a note instead of being dropped.
type Scope string

// Address scopes, after IANA's IPv4 and IPv6 special-purpose address registries.
const (
	ScopePublic        Scope = "public"
	ScopePrivate       Scope = "private"       // RFC 1918, IPv6 unique-local fc00::/7
	ScopeLoopback      Scope = "loopback"      // 127.0.0.0/8, ::1
	ScopeLinkLocal     Scope = "link-local"    // 169.254.0.0/16, fe80::/10
	ScopeCGNAT         Scope = "cgnat"         // 100.64.0.0/10 shared address space (RFC 6598)
	ScopeMulticast     Scope = "multicast"     // 224.0.0.0/4, ff00::/8
	ScopeDocumentation Scope = "documentation" // TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20
	ScopeBenchmarking  Scope = "benchmarking"  // 198.18.0.0/15, 2001:2::/48
	ScopeUnspecified   Scope = "unspecified"   // 0.0.0.0, ::
	ScopeBroadcast     Scope = "broadcast"     // 255.255.255.255
	ScopeReserved      Scope = "reserved"      // other special-purpose blocks (0/8, 240/4, 192.0.0.0/24, ...)
	ScopeInvalid       Scope = "invalid"       // not an IP address
)

// special lists the special-purpose blocks not covered by the netip predicates, most specific
// first within each family.
var special = []struct {
	p     netip.Prefix
	scope Scope
	note  string
}{
	{netip.MustParsePrefix("100.64.0.0/10"), ScopeCGNAT, "shared address space (RFC 6598, carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.2.0/24"), ScopeDocumentation, "documentation range TEST-NET-1 (RFC 5737)"},
	{netip.MustParsePrefix("198.51.100.0/24"), ScopeDocumentation, "documentation range TEST-NET-2 (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), ScopeDocumentation, "documentation range TEST-NET-3 (RFC 5737)"},
	{netip.MustParsePrefix("198.18.0.0/15"), ScopeBenchmarking, "benchmarking range (RFC 2544)"},
	{netip.MustParsePrefix("255.255.255.255/32"), ScopeBroadcast, "limited broadcast (RFC 919)"},
	{netip.MustParsePrefix("0.0.0.0/8"), ScopeReserved, "\"this network\" block (RFC 791)"},
	{netip.MustParsePrefix("192.0.0.0/24"), ScopeReserved, "IETF protocol assignments (RFC 6890)"},
	{netip.MustParsePrefix("192.88.99.0/24"), ScopeReserved, "deprecated 6to4 relay anycast (RFC 7526)"},
	{netip.MustParsePrefix("240.0.0.0/4"), ScopeReserved, "reserved for future use (RFC 1112)"},
	{netip.MustParsePrefix("2001:db8::/32"), ScopeDocumentation, "documentation range (RFC 3849)"},
	{netip.MustParsePrefix("3fff::/20"), ScopeDocumentation, "documentation range (RFC 9637)"},
	{netip.MustParsePrefix("2001:2::/48"), ScopeBenchmarking, "benchmarking range (RFC 5180)"},
	{netip.MustParsePrefix("100::/64"), ScopeReserved, "discard-only block (RFC 6666)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), ScopeReserved, "local-use NAT64 (RFC 8215)"},
	{netip.MustParsePrefix("64:ff9b::/96"), ScopeReserved, "NAT64 well-known prefix (RFC 6052); look up the embedded IPv4 address"},
	{netip.MustParsePrefix("2001::/23"), ScopeReserved, "IETF protocol assignments (RFC 2928)"},
	{netip.MustParsePrefix("5f00::/16"), ScopeReserved, "segment routing SIDs (RFC 9602)"},
}

// v4Special marks the first octets under which some IPv4 special-purpose block lies, so that
// the common public address is classified with one table read.
var v4Special = func() (m [256]bool) {
	for _, o := range []int{0, 10, 100, 127, 169, 172, 192, 198, 203} {
		m[o] = true
	}
	for o := 224; o < 256; o++ {
		m[o] = true
	}
	return m
}()

// Classify returns the scope of ip and a short note explaining a non-public scope.
// IPv4-mapped IPv6 addresses are classified as their IPv4 address.
func Classify(ip netip.Addr) (Scope, string) {
	if !ip.IsValid() {
		return ScopeInvalid, "not an IP address"
	}
	ip = ip.Unmap()
	if ip.Is4() {
		if !v4Special[ip.As4()[0]] {
			return ScopePublic, ""
		}
	}
	switch {
	case ip.IsUnspecified():
		return ScopeUnspecified, "unspecified address"
	case ip.IsLoopback():
		return ScopeLoopback, "loopback address"
	case ip.IsPrivate():
		if ip.Is4() {
			return ScopePrivate, "private address (RFC 1918)"
		}
		return ScopePrivate, "unique-local address (RFC 4193)"
	case ip.IsLinkLocalUnicast():
		return ScopeLinkLocal, "link-local address"
	case ip.IsMulticast():
		return ScopeMulticast, "multicast address"
	}
	for _, s := range special {
		if s.p.Contains(ip) {
			return s.scope, s.note
		}
	}
	if ip.Is6() && ip.As16()[0]&0xe0 != 0x20 {
		return ScopeReserved, "outside IPv6 global unicast 2000::/3"
	}
	return ScopePublic, ""
}
