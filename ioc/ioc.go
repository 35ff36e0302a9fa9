// Package ioc finds indicators of compromise (IoCs) in free text: IPv4 and IPv6 addresses,
// domain names, URLs, e-mail addresses, MD5/SHA1/SHA256 hashes and Windows/Linux paths.
//
// Extraction is a single pass over the bytes of the text with cheap anchors ('.', ':', '@',
// '/', '\\' and runs of hex digits); each candidate is then validated (net/netip for
// addresses, the ICANN section of the Public Suffix List for domains), so `file.exe`,
// `readme.txt` or `a.b.c` method names are not reported as domains and octets over 255 are
// rejected. When one piece of text matches several types, the larger match wins: a URL is
// reported instead of the domain, IP or path inside it (its host is reported in addition, as
// msticpy does), an e-mail address instead of its domain. Defanged text (hxxp, fxp, [.], (.),
// {.}, [dot], (dot), [:], [://], [at], [@]) is found and reported refanged, with Raw holding
// the text as written.
//
// Private, loopback and other non-public addresses are kept and marked (see Scope); use
// WithPrivateIPs(false) to drop them.
package ioc

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Type names a kind of indicator.
type Type string

// The indicator types. Their string values are the names msticpy uses for IoCType, except
// DNS, MD5, SHA1 and SHA256, for which msticpy's names are accepted as aliases by ParseType.
const (
	IPv4        Type = "ipv4"
	IPv6        Type = "ipv6"
	DNS         Type = "dns"
	URL         Type = "url"
	Email       Type = "email"
	MD5         Type = "md5_hash"
	SHA1        Type = "sha1_hash"
	SHA256      Type = "sha256_hash"
	WindowsPath Type = "windows_path"
	LinuxPath   Type = "linux_path"
)

// AllTypes lists every indicator type in a stable order.
var AllTypes = []Type{IPv4, IPv6, DNS, URL, Email, MD5, SHA1, SHA256, WindowsPath, LinuxPath}

var typeAliases = map[string]Type{
	"ipv4": IPv4, "ip": IPv4, "ipv6": IPv6,
	"dns": DNS, "domain": DNS, "hostname": DNS, "fqdn": DNS,
	"url": URL, "uri": URL,
	"email": Email, "e-mail": Email, "mail": Email,
	"md5": MD5, "md5_hash": MD5,
	"sha1": SHA1, "sha1_hash": SHA1,
	"sha256": SHA256, "sha256_hash": SHA256,
	"windows_path": WindowsPath, "winpath": WindowsPath, "windows": WindowsPath,
	"linux_path": LinuxPath, "linuxpath": LinuxPath, "linux": LinuxPath, "unix_path": LinuxPath,
}

// ErrUnknownType is returned (wrapped) by ParseType for a name that is no indicator type.
var ErrUnknownType = errors.New("unknown IoC type")

// ParseType returns the Type for a name or alias (case-insensitive), accepting msticpy's
// names ("dns", "md5_hash", ...) and the short forms ("domain", "md5", ...).
func ParseType(name string) (Type, error) {
	if t, ok := typeAliases[strings.ToLower(strings.TrimSpace(name))]; ok {
		return t, nil
	}
	names := make([]string, 0, len(typeAliases))
	for k := range typeAliases {
		names = append(names, k)
	}
	sort.Strings(names)
	return "", fmt.Errorf("%w %q (known: %s)", ErrUnknownType, name, strings.Join(names, ", "))
}

// ParseTypes parses a list of names, each possibly comma-separated ("ipv4,dns").
func ParseTypes(names ...string) ([]Type, error) {
	var out []Type
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			t, err := ParseType(p)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// Match is one indicator found in a text.
type Match struct {
	Type  Type   // kind of indicator
	Value string // refanged and normalised value (hashes and domains lower case, IDN hosts as A-labels, IPv6 in RFC 5952 form)
	Raw   string // the text as written (may be defanged)
	Start int    // byte offset of Raw in the text
	End   int    // byte offset just past Raw
	// Scope classifies IP addresses (and URL hosts that are IPs) with package ipscope:
	// "public", "private", "loopback", "link-local", "cgnat", "multicast", "documentation",
	// "benchmarking", "unspecified", "broadcast", "translation" or "reserved"; empty for
	// other types.
	Scope string
}

// config holds extraction options.
type config struct {
	types        [nTypes]bool
	private      bool
	ignoreTLDs   map[string]bool
	allowSuffix  []string
	deny         map[string]bool
	denyDomains  []string
	fileExtTLDs  bool
	hostsFromURL bool
}

// Option configures Extract and friends.
type Option func(*config)

const nTypes = 10

func typeIndex(t Type) int {
	switch t {
	case IPv4:
		return 0
	case IPv6:
		return 1
	case DNS:
		return 2
	case URL:
		return 3
	case Email:
		return 4
	case MD5:
		return 5
	case SHA1:
		return 6
	case SHA256:
		return 7
	case WindowsPath:
		return 8
	case LinuxPath:
		return 9
	}
	return -1
}

func newConfig(opts []Option) *config {
	c := &config{private: true, fileExtTLDs: true, hostsFromURL: true}
	for i := range c.types {
		c.types[i] = true
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithTypes restricts extraction to the given types (all types when none are given).
// Larger matches still win: with WithTypes(DNS), a URL's host is reported but the URL is not.
func WithTypes(types ...Type) Option {
	return func(c *config) {
		if len(types) == 0 {
			return
		}
		for i := range c.types {
			c.types[i] = false
		}
		for _, t := range types {
			if i := typeIndex(t); i >= 0 {
				c.types[i] = true
			}
		}
	}
}

// WithPrivateIPs chooses whether non-public addresses (private, loopback, link-local,
// multicast, unspecified, reserved) are reported. The default is true: they are kept and
// marked in Match.Scope rather than dropped without a word.
func WithPrivateIPs(include bool) Option { return func(c *config) { c.private = include } }

// WithIgnoreTLDs drops domains (and e-mail addresses and URLs whose host is such a domain)
// whose top-level domain is one of tlds (for example "zip", "mov").
func WithIgnoreTLDs(tlds ...string) Option {
	return func(c *config) {
		if c.ignoreTLDs == nil {
			c.ignoreTLDs = map[string]bool{}
		}
		for _, t := range tlds {
			c.ignoreTLDs[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "."))] = true
		}
	}
}

// WithAllowSuffixes is the allow list: domain suffixes accepted although they are not ICANN
// public suffixes, such as an organisation's internal "corp", "local" or "internal". A name
// must still have a label before the suffix ("dc01.corp" is accepted with "corp").
func WithAllowSuffixes(suffixes ...string) Option {
	return func(c *config) {
		for _, s := range suffixes {
			s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "."))
			if s != "" {
				c.allowSuffix = append(c.allowSuffix, s)
			}
		}
	}
}

// WithDeny is the deny list: observables never reported, compared case-insensitively with
// the refanged value. A domain entry also removes its subdomains and URLs and e-mail
// addresses whose host is that domain or a subdomain; an IP entry removes URLs on that IP.
func WithDeny(values ...string) Option {
	return func(c *config) {
		if c.deny == nil {
			c.deny = map[string]bool{}
		}
		for _, v := range values {
			v = strings.ToLower(strings.TrimSpace(Refang(v)))
			if v == "" {
				continue
			}
			c.deny[v] = true
			if ValidDomain(v) || strings.Count(v, ".") > 0 && !strings.ContainsAny(v, "/@:\\") {
				c.denyDomains = append(c.denyDomains, v)
			}
		}
	}
}

// WithFileExtensionTLDs controls the rule that a two-label name whose top-level domain is
// also a common script or document extension (py, sh, pl, ps, md, rs, so) is a file name,
// not a domain ("backup.py", "run.sh"). It is on by default; pass false to report them.
func WithFileExtensionTLDs(treatAsFiles bool) Option {
	return func(c *config) { c.fileExtTLDs = treatAsFiles }
}

// WithURLHosts chooses whether the host of each URL (and UNC path) is reported in addition
// as a dns, ipv4 or ipv6 match (default true, as msticpy does).
func WithURLHosts(report bool) Option { return func(c *config) { c.hostsFromURL = report } }
