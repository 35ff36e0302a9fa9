package ti

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ipscope"
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
// and refuses low-entropy hashes. An IP address that is not globally reachable (ipscope)
// gets StatusNotPublic: it is never sent to an online provider, though a Local one (a feed
// on disk) is still asked about it.
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
		if err == nil && a.Is4In6() {
			// An IPv4-mapped address is the IPv4 address it carries: look that up.
			a, t = a.Unmap(), ioc.IPv4
		}
		if err != nil || a.Zone() != "" || (t == ioc.IPv4) != a.Is4() {
			return Checked{Item{v, t}, StatusBadFormat, fmt.Sprintf("%q is not a valid %s address", v, t)}
		}
		if why := nonPublic(a); why != "" {
			return Checked{Item{a.String(), t}, StatusNotPublic, why + ": not sent to online TI providers"}
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

// nonPublic returns why a may not be sent to an online service, or "" (ipscope.Classify:
// only globally reachable addresses are sent).
func nonPublic(a netip.Addr) string {
	info := ipscope.Classify(a)
	if info.Global {
		return ""
	}
	return string(info.Scope) + " address, " + info.Note
}

// IsPublicIP reports whether s is an IP address that may be sent to online TI services.
func IsPublicIP(s string) bool {
	return ipscope.Parse(s).Global
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
