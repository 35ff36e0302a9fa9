package ioc

import (
	"net/netip"
	"strings"
	"sync/atomic"

	"golang.org/x/net/publicsuffix"

	"github.com/huntkit/huntkit/ipscope"
)

// Public Suffix List answers are cached in fixed-size, direct-mapped tables of atomic
// pointers: lookups are lock-free and allocation-free, memory is bounded whatever the input.
type psEntry struct {
	key string
	val bool
}

type psCacheTable [1 << 14]atomic.Pointer[psEntry]

var tldCache, suffixCache psCacheTable

func cacheSlot(s string) int {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return int(h & (1<<14 - 1))
}

func (t *psCacheTable) lookup(s string, compute func(string) bool) bool {
	slot := &t[cacheSlot(s)]
	if e := slot.Load(); e != nil && e.key == s {
		return e.val
	}
	v := compute(s)
	slot.Store(&psEntry{key: strings.Clone(s), val: v})
	return v
}

func computeTLD(label string) bool {
	ps, icann := publicsuffix.PublicSuffix(label)
	return icann && ps == label
}

func computeSuffix(d string) bool {
	ps, _ := publicsuffix.PublicSuffix(d)
	return ps == d
}

// isICANNTLD reports whether label (lower case) is a top-level domain in the ICANN section of
// the Public Suffix List.
func isICANNTLD(label string) bool { return tldCache.lookup(label, computeTLD) }

// fileExtTLDs are top-level domains that are also common file extensions; a two-label name
// ending in one of them ("backup.py", "run.sh", "invoice.zip") is taken for a file name.
var fileExtTLDs = map[string]bool{
	"py": true, "sh": true, "pl": true, "pm": true, "ps": true, "md": true, "rs": true,
	"so": true, "cc": true, "ml": true, "mk": true, "am": true, "zip": true, "mov": true,
}

// domainSyntax checks host-name syntax: labels of letters, digits, '-' and '_' (1-63 bytes,
// no leading or trailing '-'), at least two labels, an alphabetic (or xn--) last label.
// It returns the number of labels and the start of the last label, or 0 when invalid.
func domainSyntax(d string) (labels, lastStart int) {
	if len(d) < 4 || len(d) > 253 {
		return 0, 0
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			k := cls[d[i]]
			if k&(cLower|cUpper|cDigit|cDash) == 0 {
				return 0, 0
			}
			continue
		}
		n := i - start
		if n == 0 || n > 63 || d[start] == '-' || d[i-1] == '-' {
			return 0, 0
		}
		labels++
		lastStart = start
		start = i + 1
	}
	if labels < 2 {
		return 0, 0
	}
	tld := d[lastStart:]
	if len(tld) < 2 {
		return 0, 0
	}
	if strings.HasPrefix(tld, "xn--") || strings.HasPrefix(tld, "XN--") {
		return labels, lastStart
	}
	for i := 0; i < len(tld); i++ {
		if cls[tld[i]]&(cLower|cUpper) == 0 {
			return 0, 0
		}
	}
	return labels, lastStart
}

// checkDomain validates d as a registrable host name and returns it in lower case.
func (c *config) checkDomain(d string) (string, bool) {
	labels, ls := domainSyntax(d)
	if labels == 0 {
		return "", false
	}
	low := d
	for i := 0; i < len(d); i++ {
		if cls[d[i]]&cUpper != 0 {
			low = strings.ToLower(d)
			break
		}
	}
	tld := low[ls:]
	if c != nil {
		for _, s := range c.allowSuffix {
			if strings.HasSuffix(low, s) && len(low) > len(s) && low[len(low)-len(s)-1] == '.' {
				return low, true
			}
		}
		if c.ignoreTLDs[tld] {
			return "", false
		}
		if c.fileExtTLDs && labels == 2 && len(tld) <= 3 && fileExtTLDs[tld] {
			return "", false
		}
	}
	if labels == 2 && codeReceiver(low[:ls-1]) {
		return "", false // "this.name", "self.app", "ctx.host": a member access, not a domain
	}
	if !registrable(low, tld) {
		return "", false
	}
	return low, true
}

// registrable reports whether low (lower case, last label tld) ends in an ICANN top-level
// domain and is not itself a public suffix. Answers are cached by name.
func registrable(low, tld string) bool {
	slot := &suffixCache[cacheSlot(low)]
	if e := slot.Load(); e != nil && e.key == low {
		return e.val
	}
	v := isICANNTLD(tld) && !computeSuffix(low)
	slot.Store(&psEntry{key: strings.Clone(low), val: v})
	return v
}

// ValidDomain reports whether d is a host name under an ICANN public suffix ("evil.com",
// "a.b.co.uk"; not "file.exe", "readme.txt", "co.uk" or "a.b.c").
func ValidDomain(d string) bool {
	_, ok := (&config{}).checkDomain(Refang(d))
	return ok
}

// parseIPv4 parses a strict dotted quad (four decimal octets 0-255, no leading zeros).
func parseIPv4(s string) (netip.Addr, bool) {
	var b [4]byte
	part, digits, val := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || val > 255 || part > 3 {
				return netip.Addr{}, false
			}
			b[part] = byte(val)
			part++
			digits, val = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return netip.Addr{}, false
		}
		if digits > 0 && val == 0 { // leading zero
			return netip.Addr{}, false
		}
		digits++
		if digits > 3 {
			return netip.Addr{}, false
		}
		val = val*10 + int(c-'0')
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(b), true
}

// Scope values for IP addresses: the scopes of package ipscope, huntkit's one classifier
// after IANA's special-purpose address registries.
const (
	ScopePublic        = string(ipscope.Public)
	ScopePrivate       = string(ipscope.Private)
	ScopeLoopback      = string(ipscope.Loopback)
	ScopeLinkLocal     = string(ipscope.LinkLocal)
	ScopeCGNAT         = string(ipscope.CGNAT)
	ScopeMulticast     = string(ipscope.Multicast)
	ScopeDocumentation = string(ipscope.Documentation)
	ScopeBenchmarking  = string(ipscope.Benchmarking)
	ScopeUnspecified   = string(ipscope.Unspecified)
	ScopeBroadcast     = string(ipscope.Broadcast)
	ScopeTranslation   = string(ipscope.Translation)
	ScopeReserved      = string(ipscope.Reserved)
)

// IPScope classifies an address with ipscope.Classify: public, private, loopback,
// link-local, cgnat, multicast, documentation, benchmarking, unspecified, broadcast,
// translation or reserved. An IPv4-mapped address takes its IPv4 address's scope.
func IPScope(a netip.Addr) string {
	return string(ipscope.Classify(a).Scope)
}

// Validate reports whether value, as written (defanged forms accepted), is a valid indicator
// of type t, using the same rules as Extract: the whole value must be one indicator.
func Validate(value string, t Type) bool {
	if typeIndex(t) < 0 {
		if tt, err := ParseType(string(t)); err == nil {
			t = tt
		} else {
			return false
		}
	}
	ms := Extract(value, WithTypes(t), WithURLHosts(false), WithFileExtensionTLDs(false))
	for _, m := range ms {
		if m.Type == t && m.Start == 0 && m.End == len(value) {
			return true
		}
	}
	// Allow surrounding whitespace.
	tv := strings.TrimSpace(value)
	if tv != value && tv != "" {
		return Validate(tv, t)
	}
	return false
}

// TypeOf returns the type of value when the whole value is one indicator. The most specific
// type wins (a URL before its host, an e-mail before its domain).
func TypeOf(value string) (Type, bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", false
	}
	ms := Extract(v, WithURLHosts(false), WithFileExtensionTLDs(false))
	for _, m := range ms {
		if m.Start == 0 && m.End == len(v) {
			return m.Type, true
		}
	}
	return "", false
}

// codeReceiver reports whether a first label is a variable name common in code, so that a
// two-label name made with it ("self.app", "this.name") is a member access.
func codeReceiver(l string) bool {
	switch l {
	case "this", "self", "obj", "req", "resp", "ctx", "cfg", "opts", "args", "kwargs", "props", "evt", "exports":
		return true
	}
	return false
}
