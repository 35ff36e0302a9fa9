// Package entity models the things an investigation is about - accounts, hosts, IP
// addresses, processes, files, hashes, URLs, domains, registry keys, mailboxes, cloud
// applications, Azure resources, malware, alerts and incidents - as Microsoft Sentinel
// writes them in the Entities column of SecurityAlert and SecurityIncident rows.
//
// Entities come from three places: the Entities JSON of an alert (with Sentinel's $id /
// $ref references, see ParseJSON), the columns of any table (by column name and by
// content, see FromFrame) and a value typed by a person (Parse). Identity rules make the
// same thing written differently one entity: CONTOSO\jdoe, jdoe@contoso.com and
// {Name: jdoe, NTDomain: CONTOSO} are one Account; WS01, ws01.contoso.com and
// {HostName: WS01, DnsDomain: contoso.com} are one Host; ::ffff:10.0.0.1 and 10.0.0.1 are
// one IP address (see Entity.Key and Set).
package entity

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/ioc"
)

// Type names an entity type. Its value is the name Sentinel writes in an entity's "Type"
// field (lower-case, hyphenated).
type Type string

// The entity types.
const (
	Account          Type = "account"
	Host             Type = "host"
	IP               Type = "ip"
	Process          Type = "process"
	File             Type = "file"
	FileHash         Type = "filehash"
	URL              Type = "url"
	DNS              Type = "dns"
	RegistryKey      Type = "registry-key"
	RegistryValue    Type = "registry-value"
	Mailbox          Type = "mailbox"
	MailMessage      Type = "mailMessage"
	MailCluster      Type = "mailCluster"
	CloudApplication Type = "cloud-application"
	AzureResource    Type = "azure-resource"
	Malware          Type = "malware"
	SecurityGroup    Type = "security-group"
	IoTDevice        Type = "iotdevice"
	Network          Type = "network-connection"
	Alert            Type = "alert"
	Incident         Type = "incident"
)

// Types lists every entity type in a stable order.
var Types = []Type{Account, Host, IP, Process, File, FileHash, URL, DNS, RegistryKey, RegistryValue,
	Mailbox, MailMessage, MailCluster, CloudApplication, AzureResource, Malware, SecurityGroup, IoTDevice,
	Network, Alert, Incident}

// ClassName returns msticpy's class name of the type (IpAddress, FileHash, ...).
func (t Type) ClassName() string {
	if n, ok := classNames[t]; ok {
		return n
	}
	return string(t)
}

var classNames = map[Type]string{
	Account: "Account", Host: "Host", IP: "IpAddress", Process: "Process", File: "File", FileHash: "FileHash",
	URL: "Url", DNS: "Dns", RegistryKey: "RegistryKey", RegistryValue: "RegistryValue", Mailbox: "Mailbox",
	MailMessage: "MailMessage", MailCluster: "MailCluster", CloudApplication: "CloudApplication",
	AzureResource: "AzureResource", Malware: "Malware", SecurityGroup: "SecurityGroup", IoTDevice: "IoTDevice",
	Network: "NetworkConnection", Alert: "Alert", Incident: "Incident",
}

// aliases maps every accepted spelling (lower-case) to its type: Sentinel's JSON type,
// msticpy's class name, the REST API's kind, and short forms for the command line.
var aliases = map[string]Type{
	"ipaddress": IP, "ip_address": IP, "address": IP, "ipv4": IP, "ipv6": IP,
	"user": Account, "upn": Account, "useraccount": Account,
	"computer": Host, "device": Host, "hostname": Host, "machine": Host,
	"domain": DNS, "domainname": DNS, "fqdn": DNS,
	"hash": FileHash, "file_hash": FileHash, "file-hash": FileHash, "md5": FileHash, "sha1": FileHash, "sha256": FileHash,
	"registrykey": RegistryKey, "registry_key": RegistryKey, "regkey": RegistryKey,
	"registryvalue": RegistryValue, "registry_value": RegistryValue, "regvalue": RegistryValue,
	"mail": MailMessage, "mail-message": MailMessage, "mailmessage": MailMessage, "mail_message": MailMessage, "email": Mailbox,
	"cloudapplication": CloudApplication, "cloudapp": CloudApplication, "cloud_application": CloudApplication, "app": CloudApplication,
	"azureresource": AzureResource, "azure_resource": AzureResource, "resource": AzureResource,
	"securitygroup": SecurityGroup, "group": SecurityGroup, "iot": IoTDevice, "networkconnection": Network,
	"securityalert": Alert, "securityincident": Incident, "mailcluster": MailCluster,
}

// ErrUnknownType is wrapped by ParseType for a name that is no entity type.
var ErrUnknownType = errors.New("unknown entity type")

// ErrValue is wrapped when a value cannot be an entity of the type asked for.
var ErrValue = errors.New("not a valid entity value")

// ParseType returns the type a name stands for (any case; Sentinel, msticpy and REST API
// spellings and short forms). An unknown name is an error suggesting the nearest.
func ParseType(name string) (Type, error) {
	l := strings.ToLower(strings.TrimSpace(name))
	for _, t := range Types {
		if l == strings.ToLower(string(t)) || l == strings.ToLower(t.ClassName()) {
			return t, nil
		}
	}
	if t, ok := aliases[l]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%w %q%s", ErrUnknownType, name, suggestion(l, TypeNames()))
}

// TypeNames lists the short names of the types (Sentinel's spelling).
func TypeNames() []string {
	out := make([]string, len(Types))
	for i, t := range Types {
		out[i] = string(t)
	}
	return out
}

func suggestion(name string, have []string) string {
	if c := suggest.Closest(name, have); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return " (known: " + strings.Join(have, ", ") + ")"
}

// Entity is one thing an investigation is about. Props holds its attributes under
// Sentinel's property names (Name, NTDomain, UPNSuffix, HostName, DnsDomain, Address,
// CommandLine, ...); a property that refers to another entity (a process's Account, a
// file's hashes) holds that *Entity, or a []*Entity.
type Entity struct {
	Type  Type
	Props map[string]any
}

// New returns an entity of type t with the given properties (name, value pairs).
func New(t Type, kv ...any) *Entity {
	e := &Entity{Type: t, Props: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok && kv[i+1] != nil && kv[i+1] != "" {
			e.Props[k] = kv[i+1]
		}
	}
	return e
}

// Str returns a property as text ("" when absent); a number is formatted.
func (e *Entity) Str(name string) string {
	if e == nil {
		return ""
	}
	switch v := e.Props[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprint(int64(v))
		}
		return fmt.Sprint(v)
	case *Entity, []*Entity:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Ref returns the entity a property refers to, or nil.
func (e *Entity) Ref(name string) *Entity {
	if e == nil {
		return nil
	}
	if r, ok := e.Props[name].(*Entity); ok {
		return r
	}
	return nil
}

// Related returns the entities this one refers to, in property-name order.
func (e *Entity) Related() []*Entity {
	var out []*Entity
	for _, k := range e.propNames() {
		switch v := e.Props[k].(type) {
		case *Entity:
			out = append(out, v)
		case []*Entity:
			out = append(out, v...)
		}
	}
	return out
}

func (e *Entity) propNames() []string {
	names := make([]string, 0, len(e.Props))
	for k := range e.Props {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Attr returns the value of an attribute for pivots: a property, or one of the derived
// attributes msticpy's entities have (Account: qualified_name, UPN; Host: fqdn,
// NetBiosName; File: file_hash, path; Process: ProcessFilePath; any: value).
func (e *Entity) Attr(name string) string {
	switch strings.ToLower(name) {
	case "value":
		return e.Value()
	case "fqdn":
		return e.fqdn()
	case "qualified_name", "qualifiedname":
		return e.qualifiedName()
	case "upn":
		if u := e.Str("UPN"); u != "" {
			return u
		}
		if e.Str("UPNSuffix") != "" {
			return e.Str("Name") + "@" + e.Str("UPNSuffix")
		}
		return ""
	case "netbiosname":
		if n := e.Str("NetBiosName"); n != "" {
			return n
		}
		return strings.ToUpper(shortHost(e.Str("HostName")))
	case "file_hash", "filehash":
		return e.fileHash()
	case "path", "fullpath":
		return e.path()
	case "processfilepath":
		if f := e.Ref("ImageFile"); f != nil {
			return f.path()
		}
		return e.Str("ProcessFilePath")
	}
	if v := e.Str(name); v != "" {
		return v
	}
	for k := range e.Props {
		if strings.EqualFold(k, name) {
			return e.Str(k)
		}
	}
	return ""
}

// Value returns the entity's main value, the one a person would type: an account's
// qualified name or UPN, a host's FQDN, an address, a URL, a hash, a path, ...
func (e *Entity) Value() string {
	switch e.Type {
	case Account:
		return e.qualifiedName()
	case Host:
		return e.fqdn()
	case IP:
		return e.Str("Address")
	case URL:
		return e.Str("Url")
	case DNS:
		return e.Str("DomainName")
	case FileHash:
		return e.Str("Value")
	case File:
		return e.path()
	case Process:
		if c := e.Str("CommandLine"); c != "" {
			return c
		}
		return e.Attr("ProcessFilePath")
	case RegistryKey:
		return joinNonEmpty(`\`, e.Str("Hive"), e.Str("Key"))
	case RegistryValue:
		return joinNonEmpty(`\`, e.Str("Name"), e.Str("Value"))
	case Mailbox:
		return e.Str("MailboxPrimaryAddress")
	case MailMessage:
		return firstNonEmpty(e.Str("InternetMessageId"), e.Str("NetworkMessageId"), e.Str("Subject"))
	case CloudApplication:
		return firstNonEmpty(e.Str("Name"), e.Str("AppId"))
	case AzureResource:
		return e.Str("ResourceId")
	case Malware:
		return e.Str("Name")
	case SecurityGroup:
		return firstNonEmpty(e.Str("DistinguishedName"), e.Str("SID"), e.Str("ObjectGuid"))
	case Alert:
		return firstNonEmpty(e.Str("SystemAlertId"), e.Str("AlertName"))
	case Incident:
		return firstNonEmpty(e.Str("IncidentNumber"), e.Str("IncidentName"), e.Str("Title"))
	}
	return firstNonEmpty(e.Str("Name"), e.Str("FriendlyName"))
}

// String returns "type: value".
func (e *Entity) String() string { return string(e.Type) + ": " + e.Value() }

func (e *Entity) qualifiedName() string {
	name := e.Str("Name")
	switch {
	case e.Str("UPN") != "":
		return e.Str("UPN")
	case name == "":
		return firstNonEmpty(e.Str("AadUserId"), e.Str("Sid"), e.Str("DisplayName"))
	case e.Str("UPNSuffix") != "":
		return name + "@" + e.Str("UPNSuffix")
	case e.Str("NTDomain") != "":
		return e.Str("NTDomain") + `\` + name
	}
	return name
}

func (e *Entity) fqdn() string {
	h := e.Str("HostName")
	if h == "" {
		h = e.Str("NetBiosName")
	}
	if d := e.Str("DnsDomain"); d != "" && h != "" && !strings.Contains(h, ".") {
		return h + "." + d
	}
	return h
}

func (e *Entity) path() string {
	if p := e.Str("FullPath"); p != "" {
		return p
	}
	dir, name := e.Str("Directory"), e.Str("Name")
	if dir == "" {
		return name
	}
	sep := `\`
	if strings.Contains(dir, "/") {
		sep = "/"
	}
	return strings.TrimRight(dir, `\/`) + sep + name
}

func (e *Entity) fileHash() string {
	if e.Type == FileHash {
		return e.Str("Value")
	}
	for _, h := range e.hashes() {
		if v := h.Str("Value"); v != "" {
			return v
		}
	}
	return firstNonEmpty(e.Str("SHA256"), e.Str("SHA1"), e.Str("MD5"))
}

func (e *Entity) hashes() []*Entity {
	switch v := e.Props["FileHashes"].(type) {
	case []*Entity:
		return v
	case *Entity:
		return []*Entity{v}
	}
	return nil
}

// Key returns the entity's identity: two entities with the same key are the same thing.
// Accounts are name@domain with the domain reduced to its first label (CONTOSO\jdoe,
// jdoe@contoso.com and Name jdoe + NTDomain CONTOSO are one account); hosts are their
// first DNS label (WS01 = ws01.contoso.com); addresses are netip's canonical form with
// IPv4-mapped IPv6 unmapped; names, domains, hashes and paths compare case-insensitively.
func (e *Entity) Key() string {
	return string(e.Type) + ":" + e.identity()
}

func (e *Entity) identity() string {
	switch e.Type {
	case Account:
		return accountKey(e)
	case Host:
		return strings.ToLower(shortHost(firstNonEmpty(e.Str("HostName"), e.Str("NetBiosName"), e.Str("FQDN"))))
	case IP:
		if a, err := netip.ParseAddr(strings.TrimSpace(e.Str("Address"))); err == nil {
			return a.Unmap().WithZone("").String()
		}
		return strings.ToLower(e.Str("Address"))
	case URL:
		return normURL(e.Str("Url"))
	case DNS:
		return strings.TrimSuffix(strings.ToLower(e.Str("DomainName")), ".")
	case Process:
		host := ""
		if h := e.Ref("Host"); h != nil && h.Type == Host {
			host = h.identity()
		}
		if pid := e.Str("ProcessId"); pid != "" && e.Str("CreationTimeUtc") != "" {
			return host + "|" + pid + "|" + e.Str("CreationTimeUtc")
		}
		return host + "|" + strings.ToLower(e.Value())
	case Alert:
		return strings.ToLower(e.Value())
	}
	return strings.ToLower(e.Value())
}

// accountKey is name@first-label-of-domain, lower-case.
func accountKey(e *Entity) string {
	name, dom := e.Str("Name"), ""
	switch {
	case e.Str("UPN") != "":
		name, dom, _ = strings.Cut(e.Str("UPN"), "@")
	case e.Str("UPNSuffix") != "":
		dom = e.Str("UPNSuffix")
	case e.Str("NTDomain") != "":
		dom = e.Str("NTDomain")
	}
	if name == "" {
		if id := firstNonEmpty(e.Str("AadUserId"), e.Str("Sid")); id != "" {
			return "id:" + strings.ToLower(id)
		}
	}
	if d, n, ok := strings.Cut(name, `\`); ok && dom == "" {
		dom, name = d, n
	}
	if n, d, ok := strings.Cut(name, "@"); ok && dom == "" {
		name, dom = n, d
	}
	name = strings.ToLower(name)
	if dom == "" {
		return name
	}
	first, _, _ := strings.Cut(strings.ToLower(dom), ".")
	return name + "@" + first
}

func shortHost(h string) string {
	h = strings.TrimSpace(h)
	if _, err := netip.ParseAddr(h); err == nil {
		return h
	}
	first, _, _ := strings.Cut(h, ".")
	return first
}

func normURL(u string) string {
	u = strings.TrimSpace(ioc.Refang(u))
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinNonEmpty(sep string, vs ...string) string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, sep)
}
