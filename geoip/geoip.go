// Package geoip geolocates IP addresses with MaxMind City, Country and ASN databases
// (GeoLite2 or GeoIP2, read with maxminddb-golang) or the IPStack web API.
//
// Every address gets a result: private, loopback, link-local, CGNAT, multicast,
// documentation and other reserved addresses are reported with their Scope and a Note rather
// than dropped. EnrichFrame adds location columns to a frame without changing its row count.
// Updater downloads and refreshes the MaxMind databases (tar.gz, SHA-256 verified, replaced
// atomically) using the account ID and licence key from the OtherProviders.GeoIPLite config
// section.
package geoip

import (
	"context"
	"errors"
	"net/netip"
	"strings"
)

// Sentinel errors; returned errors wrap them, test with errors.Is.
var (
	// ErrInvalidIP reports a value that is not an IP address.
	ErrInvalidIP = errors.New("invalid IP address")
	// ErrNoDatabase reports that no usable MaxMind database was found.
	ErrNoDatabase = errors.New("no MaxMind database")
	// ErrAuth reports rejected credentials (MaxMind licence, IPStack access key).
	ErrAuth = errors.New("authentication failed")
	// ErrRateLimited reports a service's rate limit or quota being exhausted.
	ErrRateLimited = errors.New("rate limited")
	// ErrChecksum reports a download whose SHA-256 does not match the published one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrService reports any other failed request to a remote service.
	ErrService = errors.New("service error")
	// ErrUnreachable: a web service could not be reached (no HTTP answer: unknown host,
	// offline, connection refused) after the retries the failure allows.
	ErrUnreachable = errors.New("service unreachable")
	// ErrNoColumn reports that the column to enrich is missing from the frame.
	ErrNoColumn = errors.New("no such column")
)

// Location is the geolocation of one IP address. String fields are empty and HasLocation and
// ASN zero when the source has no data.
type Location struct {
	IP          string  // the address as looked up (canonical form, with the zone it was written with), or the raw input if invalid
	Scope       Scope   // public, private, loopback, ...
	CountryCode string  // ISO 3166-1 alpha-2
	CountryName string  // English name
	State       string  // first subdivision, English name
	StateCode   string  // first subdivision ISO code
	City        string  // English name
	PostalCode  string  //
	Latitude    float64 // valid when HasLocation
	Longitude   float64 // valid when HasLocation
	HasLocation bool    //
	TimeZone    string  // IANA time zone, e.g. Europe/London
	ASN         int64   // autonomous system number, 0 when unknown
	ASOrg       string  // autonomous system organisation
	Network     string  // the matching network (CIDR) from the database, when known
	Source      string  // "maxmind" or "ipstack"
	Note        string  // why a field is empty: scope, not in database, error text
	Err         error   // a per-item failure (remote providers), nil otherwise

	noNetwork bool // set by EnrichFrame's lookups: Network is not wanted
}

// Found reports whether any geolocation or AS data was found.
func (l *Location) Found() bool {
	return l.CountryCode != "" || l.City != "" || l.HasLocation || l.ASN != 0 || l.TimeZone != ""
}

// Provider looks up a batch of IP address strings. It returns one Location per input, in
// order; failures of single items are reported in Location.Err and Note, and the error
// return is for failures of the whole batch (cancellation, rejected credentials).
type Provider interface {
	LookupIPs(ctx context.Context, ips []string) ([]Location, error)
}

// ParseIP parses an IP address, tolerating surrounding spaces, brackets and a zone, and
// refanged forms such as 10[.]0[.]0[.]1.
func ParseIP(s string) (netip.Addr, error) {
	t := strings.TrimSpace(s)
	if ip, err := netip.ParseAddr(t); err == nil {
		return ip.WithZone(""), nil
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t, "["), "]")
	if strings.Contains(t, "[") || strings.Contains(t, "(") {
		r := strings.NewReplacer("[.]", ".", "(.)", ".", "[:]", ":", "[dot]", ".", "(dot)", ".")
		t = r.Replace(t)
	}
	ip, err := netip.ParseAddr(t)
	if err != nil {
		return netip.Addr{}, &IPError{Value: s}
	}
	return ip.WithZone(""), nil
}

// withZone is the canonical text of ip with the zone raw was written with ("fe80::1%eth0"),
// so a lookup's IP column keeps the interface the input named.
func withZone(ip netip.Addr, raw string) string {
	i := strings.LastIndexByte(raw, '%')
	if i < 0 || !ip.Is6() {
		return ip.String()
	}
	zone := strings.TrimRight(strings.TrimSpace(raw[i+1:]), "]")
	if zone == "" {
		return ip.String()
	}
	return ip.WithZone(zone).String()
}

// noZone drops a zone ("%eth0") from an address text.
func noZone(s string) string {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		return s[:i]
	}
	return s
}

// IPError reports a value that is not an IP address; it matches ErrInvalidIP.
type IPError struct{ Value string }

func (e *IPError) Error() string {
	q := quote(e.Value)
	if len(q) > 82 {
		r := []rune(q)
		if len(r) > 80 {
			q = string(r[:80]) + "\"..."
		}
	}
	return "invalid IP address " + q
}

// Is makes errors.Is(err, ErrInvalidIP) true.
func (e *IPError) Is(target error) bool { return target == ErrInvalidIP }

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == 0x7f {
			b.WriteString("\\x")
			const hex = "0123456789abcdef"
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xf])
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// classified returns a Location for a value that is invalid or not public, and ok=false
// when the address is public and must be looked up.
func classified(raw string) (ip netip.Addr, loc Location, ok bool) {
	ip, err := ParseIP(raw)
	if err != nil {
		return ip, Location{IP: raw, Scope: ScopeInvalid, Note: err.Error(), Err: err}, true
	}
	ip = ip.Unmap()
	scope, note := Classify(ip)
	loc = Location{IP: withZone(ip, raw), Scope: scope}
	if scope != ScopePublic {
		loc.Note = note
		return ip, loc, true
	}
	return ip, loc, false
}
