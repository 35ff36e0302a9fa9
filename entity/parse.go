package entity

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/huntkit/huntkit/ioc"
)

// Parse makes an entity of type t from a value a person typed: an address for ip,
// DOMAIN\user, user@upn or a bare name for account, a NetBIOS name or FQDN for host, a
// hash, URL, domain, path, command line, ... A value that cannot be of the type is an
// error matching ErrValue that says what the value looks like instead.
func Parse(t Type, value string) (*Entity, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return nil, fmt.Errorf("%w: empty %s", ErrValue, t)
	}
	bad := func(what string) error {
		msg := fmt.Sprintf("%q is not %s", value, what)
		if looks := Guess(v); looks != "" && looks != t {
			msg += fmt.Sprintf(" (it looks like %s: use %q)", articled(looks), string(looks))
		}
		return &valueError{msg}
	}
	switch t {
	case IP:
		a, err := netip.ParseAddr(ioc.Refang(v))
		if err != nil {
			return nil, (bad("an IP address"))
		}
		return New(IP, "Address", a.Unmap().WithZone("").String()), nil
	case Account:
		if strings.ContainsAny(v, " \t/") && !strings.Contains(v, `\`) || isAddr(v) {
			return nil, (bad("an account (DOMAIN\\user, user@domain or a user name)"))
		}
		if d, n, ok := strings.Cut(v, `\`); ok {
			return New(Account, "Name", n, "NTDomain", d), nil
		}
		if n, d, ok := strings.Cut(v, "@"); ok {
			return New(Account, "Name", n, "UPNSuffix", d), nil
		}
		return New(Account, "Name", v), nil
	case Host:
		if isAddr(v) || !hostRE.MatchString(v) {
			return nil, (bad("a host name (NetBIOS name or FQDN)"))
		}
		short, dom, _ := strings.Cut(v, ".")
		return New(Host, "HostName", short, "DnsDomain", dom), nil
	case DNS:
		d := strings.TrimSuffix(strings.ToLower(ioc.Refang(v)), ".")
		if isAddr(d) || !ioc.Validate(d, ioc.DNS) {
			return nil, (bad("a domain name"))
		}
		return New(DNS, "DomainName", d), nil
	case URL:
		u := ioc.Refang(v)
		if !ioc.Validate(u, ioc.URL) {
			return nil, (bad("a URL"))
		}
		return New(URL, "Url", u), nil
	case FileHash:
		h := strings.ToLower(v)
		alg := map[int]string{32: "MD5", 40: "SHA1", 64: "SHA256"}[len(h)]
		if alg == "" || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, (bad("an MD5, SHA1 or SHA256 hash"))
		}
		return New(FileHash, "Algorithm", alg, "Value", h), nil
	case File:
		i := strings.LastIndexAny(v, `\/`)
		if i < 0 {
			return New(File, "Name", v), nil
		}
		return New(File, "Directory", v[:i], "Name", v[i+1:]), nil
	case Process:
		return New(Process, "CommandLine", v), nil
	case Mailbox:
		if !ioc.Validate(v, ioc.Email) {
			return nil, (bad("a mailbox address"))
		}
		return New(Mailbox, "MailboxPrimaryAddress", strings.ToLower(v)), nil
	case RegistryKey:
		hive, key, _ := strings.Cut(v, `\`)
		return New(RegistryKey, "Hive", strings.ToUpper(hive), "Key", key), nil
	case AzureResource:
		if !strings.HasPrefix(v, "/subscriptions/") {
			return nil, (bad("an Azure resource id (/subscriptions/...)"))
		}
		return New(AzureResource, "ResourceId", v), nil
	case Alert:
		return New(Alert, "SystemAlertId", v), nil
	case Incident:
		return New(Incident, "IncidentNumber", v), nil
	case CloudApplication, Malware, MailMessage, RegistryValue, SecurityGroup, IoTDevice, Network, MailCluster:
		return New(t, "Name", v), nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownType, string(t))
}

type valueError struct{ msg string }

func (e *valueError) Error() string        { return e.msg }
func (e *valueError) Is(target error) bool { return target == ErrValue }

var hostRE = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*\.?$`)

func isAddr(s string) bool {
	_, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return err == nil
}

func articled(t Type) string {
	n := t.ClassName()
	if strings.ContainsRune("AEIOU", rune(n[0])) {
		return "an " + n
	}
	return "a " + n
}

// Guess returns the entity type a single value most likely is, from its content (an
// address, a URL, a hash, an e-mail address, DOMAIN\user, a domain, a path), or "".
func Guess(v string) Type {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if isAddr(v) {
		return IP
	}
	if d, n, ok := strings.Cut(v, `\`); ok && hostRE.MatchString(d) && n != "" && !strings.ContainsAny(n, `\ `) && !strings.Contains(d, ":") {
		return Account
	}
	t, ok := ioc.TypeOf(v)
	if !ok {
		return ""
	}
	switch t {
	case ioc.IPv4, ioc.IPv6:
		return IP
	case ioc.URL:
		return URL
	case ioc.DNS:
		return DNS
	case ioc.Email:
		return Account
	case ioc.MD5, ioc.SHA1, ioc.SHA256:
		return FileHash
	case ioc.WindowsPath, ioc.LinuxPath:
		return File
	}
	return ""
}

// IoCType returns the indicator type of an entity for threat intelligence, and its value:
// ipv4/ipv6 for an IP, dns for a domain, url, a hash type for a file hash (or a file
// carrying one), email for a mailbox or an account with a UPN. ok is false when the entity
// is no indicator.
func (e *Entity) IoCType() (ioc.Type, string, bool) {
	switch e.Type {
	case IP:
		a, err := netip.ParseAddr(e.Str("Address"))
		if err != nil {
			return "", "", false
		}
		if a.Unmap().Is4() {
			return ioc.IPv4, a.Unmap().String(), true
		}
		return ioc.IPv6, a.String(), true
	case DNS:
		return ioc.DNS, e.Value(), e.Value() != ""
	case URL:
		return ioc.URL, e.Value(), e.Value() != ""
	case FileHash, File:
		h := e.fileHash()
		switch len(h) {
		case 32:
			return ioc.MD5, h, true
		case 40:
			return ioc.SHA1, h, true
		case 64:
			return ioc.SHA256, h, true
		}
	case Mailbox:
		return ioc.Email, e.Value(), e.Value() != ""
	case Host:
		if f := e.fqdn(); strings.Contains(f, ".") {
			return ioc.DNS, strings.ToLower(f), true
		}
	}
	return "", "", false
}
