package entity

import (
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// nameRules maps column names (lower-case) to the entity type their values are.
var nameRules = map[string]Type{
	"ipaddress": IP, "ip_address": IP, "ip": IP, "sourceip": IP, "srcip": IP, "destinationip": IP, "dstip": IP,
	"remoteip": IP, "localip": IP, "clientip": IP, "callipaddress": IP, "calleripaddress": IP, "clientipaddress": IP,
	"hostip": IP, "src_ip": IP, "dest_ip": IP, "id.orig_h": IP, "id.resp_h": IP, "networkip": IP, "sourceaddress": IP,
	"computer": Host, "devicename": Host, "hostname": Host, "host": Host, "computername": Host, "workstationname": Host,
	"compromisedentity": "",
	"account":           Account, "accountname": Account, "targetusername": Account, "subjectusername": Account, "username": Account,
	"userprincipalname": Account, "upn": Account, "userid": Account, "user": Account, "initiatingprocessaccountname": Account,
	"accountupn": Account, "caller": Account,
	"commandline": Process, "processcommandline": Process, "initiatingprocesscommandline": Process,
	"sha256": FileHash, "sha1": FileHash, "md5": FileHash, "filehash": FileHash, "filehashvalue": FileHash,
	"initiatingprocesssha256": FileHash, "initiatingprocesssha1": FileHash, "initiatingprocessmd5": FileHash,
	"url": URL, "remoteurl": URL, "requesturl": URL,
	"domainname": DNS, "queryname": DNS, "query": "", "domain": DNS,
	"folderpath": File, "filepath": File, "newprocessname": File, "image": File,
	"mailboxprimaryaddress": Mailbox, "recipientemailaddress": Mailbox, "senderfromaddress": Mailbox,
	"resourceid": AzureResource, "_resourceid": AzureResource,
	"appdisplayname": CloudApplication, "application": CloudApplication,
	"systemalertid": Alert, "incidentnumber": Incident,
	"registrykey": RegistryKey, "threatname": Malware, "malwarename": Malware,
}

// domainOf names the column holding the domain of an account column.
var domainOf = map[string][]string{
	"targetusername": {"TargetDomainName"}, "subjectusername": {"SubjectDomainName"},
	"accountname": {"AccountDomain", "NTDomain"}, "account": {"AccountDomain"},
	"initiatingprocessaccountname": {"InitiatingProcessAccountDomain"}, "username": {"DomainName", "UserDomain"},
}

// ColumnTypes says which entity type each column of f holds: by its name first
// (IpAddress, Computer, TargetUserName, SHA256, ...), else by its content (a string column
// whose sampled non-empty values are mostly one kind: addresses, URLs, domains, hashes,
// DOMAIN\user or e-mail addresses). Columns of no entity are left out.
func ColumnTypes(f *frame.Frame) map[string]Type {
	out := map[string]Type{}
	for _, c := range f.Columns() {
		l := strings.ToLower(c.Name())
		if t, ok := nameRules[l]; ok {
			if t != "" {
				out[c.Name()] = t
			}
			continue
		}
		if l == "entities" || c.Type() != frame.String {
			continue
		}
		if t := contentType(c); t != "" {
			out[c.Name()] = t
		}
	}
	return out
}

// contentType guesses a column's entity type from up to 64 non-empty values: a type is
// chosen when at least 80% of them are of it.
func contentType(c *frame.Column) Type {
	counts := map[Type]int{}
	n := 0
	for i := 0; i < c.Len() && n < 64; i++ {
		v := c.Str(i)
		if v == "" {
			continue
		}
		n++
		if len(v) > 2048 {
			continue
		}
		if t := Guess(v); t != "" {
			counts[t]++
		}
	}
	if n == 0 {
		return ""
	}
	for t, k := range counts {
		if k*5 >= n*4 {
			return t
		}
	}
	return ""
}

// FromFrame collects the entities of every row of f: the columns ColumnTypes finds (an
// account column joined with its domain column, TargetUserName with TargetDomainName, ...)
// and the Entities JSON of alert and incident rows. Values that are not valid for their
// column's type (a "-" in an address column) are skipped. Malformed Entities JSON is
// skipped too; the number of such rows is returned.
func FromFrame(f *frame.Frame) (*Set, int) {
	set := NewSet()
	types := ColumnTypes(f)
	bad := 0
	ents := f.ColFold("Entities")
	for i := 0; i < f.Len(); i++ {
		for _, c := range f.Columns() {
			t, ok := types[c.Name()]
			if !ok {
				continue
			}
			v := strings.TrimSpace(c.Str(i))
			if v == "" || v == "-" {
				continue
			}
			if t == Account && !strings.ContainsAny(v, `\@`) {
				for _, dn := range domainOf[strings.ToLower(c.Name())] {
					if dc := f.ColFold(dn); dc != nil && dc.Str(i) != "" && dc.Str(i) != "-" {
						v = dc.Str(i) + `\` + v
						break
					}
				}
			}
			if e, err := Parse(t, v); err == nil {
				set.Add(e)
			}
		}
		if ents != nil && ents.Str(i) != "" {
			es, err := ParseJSON([]byte(ents.Str(i)))
			if err != nil {
				bad++
			}
			set.Add(es...)
		}
	}
	return set, bad
}

// FromRow makes an entity of type t from row i of f, with every non-empty column as a
// property (its display text): an alert from a SecurityAlert row (SystemAlertId,
// AlertName, Entities, ...), an incident from a SecurityIncident row (IncidentNumber,
// AlertIds, ...).
func FromRow(t Type, f *frame.Frame, i int) *Entity {
	e := &Entity{Type: t, Props: map[string]any{}}
	if i < 0 || i >= f.Len() {
		return e
	}
	for _, c := range f.Columns() {
		if v := c.Text(i); v != "" {
			e.Props[c.Name()] = v
		}
	}
	return e
}
