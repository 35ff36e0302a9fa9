// Package ioc is a temporary stand-in for github.com/huntkit/huntkit/ioc with the same API,
// used until that package lands; the ti packages switch their import path then.
package ioc

import (
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// Type is an IoC type.
type Type string

// IoC types.
const (
	IPv4   Type = "ipv4"
	IPv6   Type = "ipv6"
	DNS    Type = "dns"
	URL    Type = "url"
	Email  Type = "email"
	MD5    Type = "md5"
	SHA1   Type = "sha1"
	SHA256 Type = "sha256"
)

var (
	hexRe = regexp.MustCompile(`^[0-9a-fA-F]+$`)
	dnsRe = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
)

// TypeOf infers the type of v.
func TypeOf(v string) (Type, bool) {
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Is4() {
			return IPv4, true
		}
		return IPv6, true
	}
	if hexRe.MatchString(v) {
		switch len(v) {
		case 32:
			return MD5, true
		case 40:
			return SHA1, true
		case 64:
			return SHA256, true
		}
	}
	for _, t := range []Type{URL, Email, DNS} {
		if Validate(v, t) {
			return t, true
		}
	}
	return "", false
}

// Validate reports whether v is a valid IoC of type t.
func Validate(v string, t Type) bool {
	switch t {
	case IPv4:
		a, err := netip.ParseAddr(v)
		return err == nil && a.Is4()
	case IPv6:
		a, err := netip.ParseAddr(v)
		return err == nil && a.Is6() && !a.Is4In6()
	case MD5:
		return len(v) == 32 && hexRe.MatchString(v)
	case SHA1:
		return len(v) == 40 && hexRe.MatchString(v)
	case SHA256:
		return len(v) == 64 && hexRe.MatchString(v)
	case DNS:
		return len(v) <= 253 && dnsRe.MatchString(v)
	case URL:
		u, err := url.Parse(v)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ftp") && u.Host != ""
	case Email:
		a, err := mail.ParseAddress(v)
		return err == nil && a.Address == v && strings.Contains(v, "@")
	}
	return false
}

var refanger = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".",
	"hxxps", "https", "hxxp", "http", "fxp", "ftp", "[:]", ":", "[://]", "://", "[@]", "@", "(@)", "@", "[at]", "@")

// Refang undoes common defanging.
func Refang(s string) string { return refanger.Replace(strings.TrimSpace(s)) }

// Defang makes v safe to display.
func Defang(v string, t Type) string {
	switch t {
	case URL:
		v = strings.Replace(strings.Replace(v, "http", "hxxp", 1), "ftp", "fxp", 1)
		return strings.ReplaceAll(v, ".", "[.]")
	case DNS, IPv4, Email:
		return strings.ReplaceAll(strings.ReplaceAll(v, ".", "[.]"), "@", "[@]")
	}
	return v
}
