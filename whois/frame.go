package whois

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// FrameColumns names the columns of Frame, in order.
var FrameColumns = []string{"Query", "Kind", "Handle", "Name", "Org", "Registrar", "Country", "Network",
	"StartAddress", "EndAddress", "ASN", "Created", "Updated", "Expires", "AbuseEmail", "AbuseName",
	"Nameservers", "Status", "RDAPServer", "Error"}

// Frame returns one row per result. Network and Nameservers join several values with ", ";
// ASN is "64496" or a range "64496-64511" for AS numbers, and the origin ASes of a network
// when the registry publishes them; dates are times (null when absent).
func Frame(results []Result) *frame.Frame {
	n := len(results)
	bs := make(map[string]*frame.Builder, len(FrameColumns))
	for _, name := range FrameColumns {
		t := frame.String
		switch name {
		case "Created", "Updated", "Expires":
			t = frame.Time
		}
		bs[name] = frame.NewBuilder(name, t, n)
	}
	str := func(col, v string) {
		if v == "" {
			bs[col].AppendNull()
		} else {
			bs[col].AppendString(v)
		}
	}
	tm := func(col string, v time.Time) {
		if v.IsZero() {
			bs[col].AppendNull()
		} else {
			bs[col].AppendTime(v)
		}
	}
	for i := range results {
		r := &results[i]
		str("Query", r.Query)
		str("Kind", string(r.Kind))
		str("Handle", r.Handle)
		str("Name", r.Name)
		str("Org", r.Org)
		str("Registrar", r.Registrar)
		str("Country", r.Country)
		str("Network", strings.Join(r.Networks, ", "))
		str("StartAddress", r.StartAddress)
		str("EndAddress", r.EndAddress)
		asn := ""
		if r.StartASN != 0 {
			asn = strconv.FormatInt(r.StartASN, 10)
			if r.EndASN > r.StartASN {
				asn += "-" + strconv.FormatInt(r.EndASN, 10)
			}
		}
		if asn == "" && len(r.OriginASNs) > 0 {
			parts := make([]string, len(r.OriginASNs))
			for j, a := range r.OriginASNs {
				parts[j] = strconv.FormatInt(a, 10)
			}
			asn = strings.Join(parts, ", ")
		}
		str("ASN", asn)
		tm("Created", r.Created)
		tm("Updated", r.Updated)
		tm("Expires", r.Expires)
		str("AbuseEmail", r.AbuseEmail)
		str("AbuseName", r.AbuseName)
		str("Nameservers", strings.Join(r.Nameservers, ", "))
		str("Status", strings.Join(r.Status, ", "))
		str("RDAPServer", r.Server)
		if r.Err != nil {
			bs["Error"].AppendString(r.Err.Error())
		} else {
			bs["Error"].AppendNull()
		}
	}
	cols := make([]*frame.Column, len(FrameColumns))
	for i, name := range FrameColumns {
		cols[i] = bs[name].Column()
	}
	return frame.MustNew(cols...)
}

// Failed returns the number of results with an error and the first error. A private or
// reserved address (ErrNotPublic) is reported in its row but is not a failure, as in the ti
// and geoip packages: logs are full of them and a batch over them must not fail.
func Failed(results []Result) (int, error) {
	var n int
	var first error
	for i := range results {
		if results[i].Err != nil && !errors.Is(results[i].Err, ErrNotPublic) {
			n++
			if first == nil {
				first = results[i].Err
			}
		}
	}
	return n, first
}
