package whois

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// object is the union of the RDAP object classes geoip reads (RFC 9083 sections 4 and 5):
// domain, ip network, autnum and entity, plus the cidr0 extension.
type object struct {
	ObjectClassName string     `json:"objectClassName"`
	Handle          string     `json:"handle"`
	Status          []string   `json:"status"`
	Entities        []entity   `json:"entities"`
	Events          []event    `json:"events"`
	Port43          string     `json:"port43"`
	Links           []link     `json:"links"`
	RDAPConformance []string   `json:"rdapConformance"`
	Name            string     `json:"name"`
	Type            string     `json:"type"`
	Country         string     `json:"country"`
	ParentHandle    string     `json:"parentHandle"`
	StartAddress    string     `json:"startAddress"`
	EndAddress      string     `json:"endAddress"`
	IPVersion       string     `json:"ipVersion"`
	CIDRs           []cidr0    `json:"cidr0_cidrs"`
	OriginAutnums   []uint32   `json:"arin_originas0_originautnums"` // ARIN originas0 extension
	StartAutnum     *uint32    `json:"startAutnum"`
	EndAutnum       *uint32    `json:"endAutnum"`
	LDHName         string     `json:"ldhName"`
	UnicodeName     string     `json:"unicodeName"`
	Nameservers     []ns       `json:"nameservers"`
	SecureDNS       *secureDNS `json:"secureDNS"`
	ErrorCode       int        `json:"errorCode"`
	Title           string     `json:"title"`
	Description     []string   `json:"description"`
	Remarks         []remark   `json:"remarks"`
	PublicIDs       []publicID `json:"publicIds"`

	finalURL string // where the response came from, after redirects
}

type entity struct {
	Handle     string          `json:"handle"`
	Roles      []string        `json:"roles"`
	VCardArray json.RawMessage `json:"vcardArray"`
	Entities   []entity        `json:"entities"`
	PublicIDs  []publicID      `json:"publicIds"`
	Events     []event         `json:"events"`
}

type event struct {
	Action string `json:"eventAction"`
	Actor  string `json:"eventActor"`
	Date   string `json:"eventDate"`
}

type link struct {
	Value string `json:"value"`
	Rel   string `json:"rel"`
	Href  string `json:"href"`
	Type  string `json:"type"`
}

type cidr0 struct {
	V4Prefix string `json:"v4prefix"`
	V6Prefix string `json:"v6prefix"`
	Length   int    `json:"length"`
}

type ns struct {
	LDHName     string `json:"ldhName"`
	UnicodeName string `json:"unicodeName"`
}

type secureDNS struct {
	DelegationSigned *bool `json:"delegationSigned"`
}

type remark struct {
	Title       string   `json:"title"`
	Description []string `json:"description"`
}

type publicID struct {
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
}

// vcard holds the jCard (RFC 7095) properties geoip uses.
type vcard struct {
	FN, Org, Kind, Email, Tel, Address string
}

// parseVCard reads a jCard: ["vcard", [[name, params, type, value...], ...]].
func parseVCard(raw json.RawMessage) vcard {
	var v vcard
	if len(raw) == 0 {
		return v
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) != nil || len(arr) < 2 {
		return v
	}
	var props [][]json.RawMessage
	if json.Unmarshal(arr[1], &props) != nil {
		return v
	}
	for _, p := range props {
		if len(p) < 4 {
			continue
		}
		var name string
		if json.Unmarshal(p[0], &name) != nil {
			continue
		}
		var params map[string]json.RawMessage
		_ = json.Unmarshal(p[1], &params)
		val := jcardText(p[3:])
		switch strings.ToLower(name) {
		case "fn":
			setOnce(&v.FN, val)
		case "org":
			setOnce(&v.Org, val)
		case "kind":
			setOnce(&v.Kind, val)
		case "email":
			setOnce(&v.Email, val)
		case "tel":
			setOnce(&v.Tel, strings.TrimPrefix(val, "tel:"))
		case "adr":
			if lbl, ok := params["label"]; ok {
				var s string
				if json.Unmarshal(lbl, &s) == nil && s != "" {
					setOnce(&v.Address, strings.Join(strings.Fields(s), " "))
					continue
				}
			}
			setOnce(&v.Address, val)
		}
	}
	return v
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// jcardText flattens a jCard value (string, or nested arrays of strings for structured
// values such as adr and org) into text.
func jcardText(vals []json.RawMessage) string {
	var parts []string
	var walk func(json.RawMessage)
	walk = func(r json.RawMessage) {
		var s string
		if json.Unmarshal(r, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
			return
		}
		var arr []json.RawMessage
		if json.Unmarshal(r, &arr) == nil {
			for _, a := range arr {
				walk(a)
			}
		}
	}
	for _, v := range vals {
		walk(v)
	}
	return strings.Join(parts, ", ")
}

func hasRole(e *entity, role string) bool {
	for _, r := range e.Roles {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// findEntity returns the first entity with role, searching top-level entities first, then
// nested ones breadth-first (abuse contacts usually hang under the registrant or registrar).
func findEntity(es []entity, role string) *entity {
	queue := make([]*entity, 0, len(es))
	for i := range es {
		queue = append(queue, &es[i])
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if hasRole(e, role) {
			return e
		}
		for i := range e.Entities {
			queue = append(queue, &e.Entities[i])
		}
	}
	return nil
}

func entityName(e *entity) string {
	if e == nil {
		return ""
	}
	v := parseVCard(e.VCardArray)
	switch {
	case v.Org != "":
		return v.Org
	case v.FN != "":
		return v.FN
	}
	return e.Handle
}

func eventTime(evs []event, action string) time.Time {
	for _, e := range evs {
		if strings.EqualFold(e.Action, action) {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
				if t, err := time.Parse(layout, e.Date); err == nil {
					return t.UTC()
				}
			}
		}
	}
	return time.Time{}
}

// fill copies the RDAP object into r.
func (o *object) fill(r *Result) {
	r.Handle, r.Status, r.Country, r.ParentHandle, r.Type = o.Handle, o.Status, o.Country, o.ParentHandle, o.Type
	switch {
	case o.LDHName != "":
		r.Name = strings.ToLower(o.LDHName)
		if o.UnicodeName != "" && !strings.EqualFold(o.UnicodeName, o.LDHName) {
			r.Name += " (" + o.UnicodeName + ")"
		}
	default:
		r.Name = o.Name
	}
	if reg := findEntity(o.Entities, "registrant"); reg != nil {
		r.Org = entityName(reg)
	}
	if rr := findEntity(o.Entities, "registrar"); rr != nil {
		r.Registrar = entityName(rr)
		for _, id := range rr.PublicIDs {
			if strings.Contains(strings.ToLower(id.Type), "registrar id") {
				r.RegistrarID = id.Identifier
			}
		}
	}
	if ab := findEntity(o.Entities, "abuse"); ab != nil {
		v := parseVCard(ab.VCardArray)
		r.AbuseEmail, r.AbusePhone = v.Email, v.Tel
		r.AbuseName = v.FN
		if r.AbuseName == "" {
			r.AbuseName = ab.Handle
		}
	}
	r.Created = eventTime(o.Events, "registration")
	r.Updated = eventTime(o.Events, "last changed")
	r.Expires = eventTime(o.Events, "expiration")
	r.StartAddress, r.EndAddress = o.StartAddress, o.EndAddress
	var nets []string
	for _, c := range o.CIDRs {
		p := c.V4Prefix
		if p == "" {
			p = c.V6Prefix
		}
		if p != "" {
			nets = append(nets, fmt.Sprintf("%s/%d", p, c.Length))
		}
	}
	if len(nets) == 0 && o.StartAddress != "" && o.EndAddress != "" {
		nets = rangeToCIDRs(o.StartAddress, o.EndAddress)
	}
	r.Networks = nets
	for _, a := range o.OriginAutnums {
		r.OriginASNs = append(r.OriginASNs, int64(a))
	}
	if o.StartAutnum != nil {
		r.StartASN = int64(*o.StartAutnum)
		r.EndASN = r.StartASN
		if o.EndAutnum != nil {
			r.EndASN = int64(*o.EndAutnum)
		}
	}
	for _, n := range o.Nameservers {
		if n.LDHName != "" {
			r.Nameservers = append(r.Nameservers, strings.ToLower(strings.TrimSuffix(n.LDHName, ".")))
		}
	}
}

// rangeToCIDRs covers start..end with the fewest prefixes (for servers without cidr0).
func rangeToCIDRs(start, end string) []string {
	a, err1 := netip.ParseAddr(start)
	b, err2 := netip.ParseAddr(end)
	if err1 != nil || err2 != nil || a.BitLen() != b.BitLen() || b.Less(a) {
		return nil
	}
	var out []string
	for i := 0; i < 64 && !b.Less(a); i++ {
		bits := a.BitLen()
		// Grow the prefix while it stays aligned and inside the range.
		for bits > 0 {
			p, _ := a.Prefix(bits - 1)
			if p.Addr() != a || lastAddr(p).Compare(b) > 0 {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(a, bits)
		out = append(out, p.String())
		last := lastAddr(p)
		if last == b {
			return out
		}
		a = last.Next()
		if !a.IsValid() {
			break
		}
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}
