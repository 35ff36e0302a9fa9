// Package ipscope classifies IP addresses by IANA's IPv4 and IPv6 Special-Purpose Address
// Registries, so that every part of huntkit (IoC extraction, GeoIP, whois, threat
// intelligence) gives an address the same scope and the same answer to "may this address be
// sent to an online service?".
//
// The registries are transcribed entry by entry in [IPv4Special] and [IPv6Special] (name,
// prefix, RFC and the Globally Reachable flag); [Others] adds the multicast blocks and the IPv6
// space outside global unicast 2000::/3, which live in other IANA registries. An address takes
// the scope of the most specific block that holds it; an address in no block is public.
//
// Three readings go beyond the registries' flags, each on the cautious side:
//   - an address in a block whose Globally Reachable value is N/A (deprecated 6to4 relay
//     anycast, Teredo, 6to4, the old ORCHID block) is not global;
//   - an address in the NAT64 well-known prefix 64:ff9b::/96 (Globally Reachable: True) is
//     scope translation and not global: it stands for the IPv4 address it embeds, which is
//     given in [Info.Embedded] and is what to look up;
//   - an IPv4-mapped address (::ffff:0:0/96) is classified as the IPv4 address it carries
//     (logs of dual-stack sockets write IPv4 peers that way), with [Info.Mapped] set.
package ipscope

import (
	"net/netip"
	"strings"
)

// Scope says what kind of address an IP is.
type Scope string

// Address scopes.
const (
	Public        Scope = "public"        // globally reachable: may be sent to online services
	Private       Scope = "private"       // RFC 1918, IPv6 unique-local fc00::/7
	Loopback      Scope = "loopback"      // 127.0.0.0/8, ::1
	LinkLocal     Scope = "link-local"    // 169.254.0.0/16, fe80::/10
	CGNAT         Scope = "cgnat"         // 100.64.0.0/10 shared address space (RFC 6598)
	Multicast     Scope = "multicast"     // 224.0.0.0/4, ff00::/8
	Documentation Scope = "documentation" // TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20
	Benchmarking  Scope = "benchmarking"  // 198.18.0.0/15, 2001:2::/48
	Unspecified   Scope = "unspecified"   // 0.0.0.0, ::
	Broadcast     Scope = "broadcast"     // 255.255.255.255
	Translation   Scope = "translation"   // NAT64 (64:ff9b::/96, 64:ff9b:1::/48), Teredo, 6to4
	Mapped        Scope = "ipv4-mapped"   // the ::ffff:0:0/96 entry (Classify uses the carried IPv4)
	Reserved      Scope = "reserved"      // other special-purpose or unallocated blocks
	Invalid       Scope = "invalid"       // not an IP address
)

// Info is the classification of one address.
type Info struct {
	Scope Scope
	// Entry is the most specific registry block holding the address; nil when none does.
	Entry *Entry
	// Global reports that the address may be sent to online services (Scope == Public).
	Global bool
	// Mapped reports an IPv4-mapped IPv6 address, classified as its IPv4 address.
	Mapped bool
	// Embedded is the IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
	Embedded netip.Addr
	// Note explains a non-public scope: the block's name and RFC, as "Private-Use [RFC 1918]".
	Note string
}

// all holds every entry, IPv4 first; v4Special marks first octets under which some IPv4
// entry lies, so that a common public IPv4 address is classified with one table read.
var (
	all       = append(append(append([]Entry{}, IPv4Special...), IPv6Special...), Others...)
	v4Special = func() (m [256]bool) {
		for _, en := range all {
			if !en.Prefix.Addr().Is4() {
				continue
			}
			first := int(en.Prefix.Addr().As4()[0])
			n := 1
			if bits := en.Prefix.Bits(); bits < 8 {
				n = 1 << (8 - bits)
			}
			for o := first; o < first+n && o < 256; o++ {
				m[o] = true
			}
		}
		return m
	}()
)

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// v4Entry is an IPv4 entry as integers, for a fast longest-prefix match.
type v4Entry struct {
	base, mask uint32
	bits       int
	e          *Entry
}

var (
	v4Table = func() (out []v4Entry) {
		for i := range all {
			if p := all[i].Prefix; p.Addr().Is4() {
				out = append(out, v4Entry{be32(p.Addr().As4()), ^uint32(0) << (32 - p.Bits()), p.Bits(), &all[i]})
			}
		}
		return out
	}()
	v6Table = func() (out []*Entry) {
		for i := range all {
			if all[i].Prefix.Addr().Is6() {
				out = append(out, &all[i])
			}
		}
		return out
	}()
)

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// lookup returns the most specific entry holding a, or nil.
func lookup(a netip.Addr) *Entry {
	var best *Entry
	bits := -1
	if a.Is4() {
		x := be32(a.As4())
		for _, v := range v4Table {
			if x&v.mask == v.base && v.bits > bits {
				best, bits = v.e, v.bits
			}
		}
		return best
	}
	for _, en := range v6Table {
		if en.Prefix.Bits() > bits && en.Prefix.Contains(a) {
			best, bits = en, en.Prefix.Bits()
		}
	}
	return best
}

// Entries returns every block the classifier knows: IPv4Special, IPv6Special, then Others.
func Entries() []Entry { return append([]Entry(nil), all...) }

// Classify returns the scope of a. A zone ("fe80::1%eth0") is ignored.
func Classify(a netip.Addr) Info {
	if !a.IsValid() {
		return Info{Scope: Invalid, Note: "not an IP address"}
	}
	a = a.WithZone("")
	var info Info
	if a.Is4In6() {
		a, info.Mapped = a.Unmap(), true
	}
	if a.Is4() && !v4Special[a.As4()[0]] {
		info.Scope, info.Global = Public, true
		return info
	}
	best := lookup(a)
	if best == nil {
		info.Scope, info.Global = Public, true
		return info
	}
	info.Entry, info.Scope = best, best.Scope
	info.Global = best.Scope == Public
	if !info.Global {
		info.Note = best.Name + " [" + best.RFC + "]"
	}
	switch b := a.As16(); best.Prefix {
	case nat64:
		info.Embedded = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixToFour:
		info.Embedded = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	if info.Embedded.IsValid() {
		info.Note += ": look up the embedded IPv4 address " + info.Embedded.String()
	}
	return info
}

// Parse classifies an address written as text (surrounding space and a zone are allowed).
// Text that is not an IP address is scope Invalid.
func Parse(s string) Info {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return Info{Scope: Invalid, Note: "not an IP address"}
	}
	return Classify(a)
}

// IsGlobal reports whether a may be sent to an online service (see Classify).
func IsGlobal(a netip.Addr) bool { return Classify(a).Global }
