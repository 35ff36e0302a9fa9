package ti

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/huntkit/huntkit/ioc"
)

// MinHashEntropy is the Shannon entropy (bits per character) below which a hash is
// rejected as a placeholder (e.g. "000…0" or "aaaa…"): random hex digits carry close to 4.
const MinHashEntropy = 2.5

// Checked is an item after the pre-checks: refanged, typed, normalised.
type Checked struct {
	Item   Item
	Status Status // StatusOK when the item may be sent to providers
	Reason string // why it may not
}

// Check refangs the value, infers or validates its type, lower-cases hashes and domains,
// and refuses private or reserved IP addresses and low-entropy hashes.
func Check(it Item) Checked {
	v := ioc.Refang(strings.TrimSpace(it.Value))
	t := it.Type
	if t != "" {
		pt, err := ioc.ParseType(string(t))
		if err != nil {
			return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("unknown IoC type %q", string(t))}
		}
		t = pt
	}
	if v == "" {
		return Checked{Item{v, t}, StatusBadFormat, "empty value"}
	}
	if t == "" || t == ioc.IPv4 || t == ioc.IPv6 {
		v = stripPort(v)
	}
	if t == "" {
		var ok bool
		if a, err := netip.ParseAddr(v); err == nil {
			t = ioc.IPv6
			if a.Is4() {
				t = ioc.IPv4
			}
		} else if ht, isHash := hashType(v); isHash {
			t = ht // typed here so placeholder hashes get the entropy message below
		} else if t, ok = ioc.TypeOf(v); !ok {
			return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("cannot tell the IoC type of %q", v)}
		}
	}
	switch t {
	case ioc.MD5, ioc.SHA1, ioc.SHA256, ioc.DNS, ioc.Email:
		v = strings.ToLower(v)
	}
	switch t {
	case ioc.IPv4, ioc.IPv6:
		// Parsed here rather than by ioc.Validate so private addresses get their own status.
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" || (t == ioc.IPv4) != a.Is4() {
			return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("%q is not a valid %s address", v, t)}
		}
		if why := nonPublic(a); why != "" {
			return Checked{Item{a.String(), t}, StatusNotPublic, why + ": not sent to TI providers"}
		}
		v = a.String()
	default:
		if _, isHash := hashType(v); isHash && (t == ioc.MD5 || t == ioc.SHA1 || t == ioc.SHA256) {
			if e := entropy(v); e < MinHashEntropy {
				return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("hash entropy %.2f bits/char is below %.1f: looks like a placeholder", e, MinHashEntropy)}
			}
			if emptyHashes[v] {
				return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("%s of empty input (zero bytes): not sent to TI providers", t)}
			}
		}
		if !ioc.Validate(v, t) {
			return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("%q is not a valid %s", v, t)}
		}
	}
	return Checked{Item: Item{v, t}, Status: StatusOK}
}

var reserved = []struct {
	p   netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "reserved address (\"this network\", RFC 1122)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (carrier-grade NAT, RFC 6598)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved address (IETF protocol assignments, RFC 6890)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation address (TEST-NET-1, RFC 5737)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking address (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation address (TEST-NET-2, RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation address (TEST-NET-3, RFC 5737)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved address (class E, RFC 1112)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation address (RFC 3849)"},
	{netip.MustParsePrefix("100::/64"), "discard-only address (RFC 6666)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64 address (RFC 8215)"},
}

// nonPublic returns why a is not a public address, or "".
func nonPublic(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsUnspecified():
		return "unspecified address"
	case a.IsLoopback():
		return "loopback address"
	case a.IsPrivate():
		if a.Is4() {
			return "private address (RFC 1918)"
		}
		return "unique local address (RFC 4193)"
	case a.IsLinkLocalUnicast():
		return "link-local address"
	case a.IsMulticast():
		return "multicast address"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast address"
	}
	for _, r := range reserved {
		if r.p.Contains(a) {
			return r.why
		}
	}
	if !a.IsGlobalUnicast() {
		return "not a global unicast address"
	}
	return ""
}

// IsPublicIP reports whether s is an IP address that may be sent to TI services.
func IsPublicIP(s string) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	return err == nil && nonPublic(a) == ""
}

// entropy returns the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// IocType converts a type name or alias (e.g. from a CSV column: "ip", "domain", "md5") to
// an IoC type; an unknown name is returned lower-cased and fails the pre-checks.
func IocType(s string) ioc.Type {
	s = strings.ToLower(strings.TrimSpace(s))
	if t, err := ioc.ParseType(s); err == nil {
		return t
	}
	return ioc.Type(s)
}

// hashType types an all-hex value of an MD5, SHA-1 or SHA-256 length.
func hashType(v string) (ioc.Type, bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", false
		}
	}
	switch len(v) {
	case 32:
		return ioc.MD5, true
	case 40:
		return ioc.SHA1, true
	case 64:
		return ioc.SHA256, true
	}
	return "", false
}

// emptyHashes are the MD5, SHA-1 and SHA-256 digests of zero bytes: every service has
// seen them and no verdict about them means anything.
var emptyHashes = map[string]bool{
	"d41d8cd98f00b204e9800998ecf8427e":                                 true,
	"da39a3ee5e6b4b0d3255bfef95601890afd80709":                         true,
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855": true,
}

// stripPort returns the address of an IP written with a port ("8.8.8.8:53",
// "[2001:db8::1]:443") or in brackets ("[2001:db8::1]"); any other value is returned as is.
func stripPort(v string) string {
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().String()
	}
	if len(v) > 2 && v[0] == '[' && v[len(v)-1] == ']' {
		if a, err := netip.ParseAddr(v[1 : len(v)-1]); err == nil && a.Is6() {
			return a.String()
		}
	}
	return v
}
