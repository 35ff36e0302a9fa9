package demo

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Organisation constants. The public addresses come from MaxMind's published GeoIP2 test
// databases so that huntkit's geoip enrichment resolves them offline.
const (
	Domain       = "CONTOSO"
	DNSDomain    = "contoso.com"
	OfficeIP     = "81.2.69.142" // London office egress (GB)
	officeIP2    = "81.2.69.143"
	firewallName = "PA-FW01"
)

type hostKind int

const (
	workstation hostKind = iota
	winServer
	linuxServer
)

type host struct {
	Name     string // short name, upper case for Windows
	FQDN     string
	IP       string
	Kind     hostKind
	Role     string // dc, file, sql, app, web, db, jump, build, ws
	OS       string
	OSVer    string
	DeviceID string // Defender device id (40 hex)
	AgentID  string // Log Analytics SourceComputerId
	Owner    *account
	Dept     string
}

// computer is the Computer column value (FQDN for Windows, short name for Linux).
func (h *host) computer() string {
	if h.Kind == linuxServer {
		return h.Name
	}
	return h.FQDN
}

// deviceName is Defender's DeviceName (lower-case FQDN).
func (h *host) deviceName() string { return strings.ToLower(h.FQDN) }

type acctKind int

const (
	userAcct acctKind = iota
	adminAcct
	serviceAcct
)

type account struct {
	Sam      string
	Display  string
	UPN      string
	SID      string
	ObjectID string
	Dept     string
	Kind     acctKind
	HomeIP   string
	Travel   []string // foreign IPs this user signs in from while travelling
	WS       *host
	Unix     string // Linux login name, for admins
}

func (a *account) qualified() string { return Domain + `\` + a.Sam }

type org struct {
	TenantID string
	OrgID    string
	Hosts    []*host
	Win      []*host
	WS       []*host
	Servers  []*host
	Linux    []*host
	Accounts []*account
	Users    []*account // regular users
	Admins   []*account
	Services []*account
	byName   map[string]*host
	bySam    map[string]*account
}

var firstNames = []string{
	"Olivia", "Liam", "Amelia", "Noah", "Isla", "Oliver", "Ava", "George", "Mia", "Arthur",
	"Grace", "Leo", "Freya", "Harry", "Lily", "Oscar", "Ella", "Archie", "Sophia", "Henry",
	"Emily", "Jack", "Poppy", "Charlie", "Evie", "Freddie", "Chloe", "Theo", "Daisy", "Alfie",
	"Ruby", "Thomas", "Alice", "James", "Rosie", "Ethan", "Sienna", "Jacob", "Imogen", "Samuel",
	"Priya", "Arjun", "Fatima", "Omar", "Wei", "Mei", "Kwame", "Ama", "Sofia", "Mateo",
}

var lastNames = []string{
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
	"Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
	"Clarke", "Khan", "Hughes", "Edwards", "Turner", "Hill", "Cooper", "Ward", "Morris", "Moore",
	"Chen", "Okafor", "Nowak", "Silva", "Murphy", "Kelly", "Ali", "Shah", "Lewis", "Harris",
}

var departments = []struct {
	Name, Code string
	WS         int
}{
	{"Finance", "FIN", 4}, {"HR", "HR", 2}, {"Sales", "SAL", 4}, {"Engineering", "ENG", 4},
	{"Legal", "LEG", 1}, {"Marketing", "MKT", 2}, {"IT", "IT", 3},
}

// homeIPs are GB residential/office-range addresses known to the MaxMind test database.
var homeIPs = []string{
	"81.2.69.144", "81.2.69.150", "81.2.69.158", "81.2.69.161", "81.2.69.170", "81.2.69.177",
	"81.2.69.183", "81.2.69.190", "81.2.69.194", "81.2.69.201", "2.125.160.216", "2.125.160.218",
	"2.125.160.220", "2.2.3.14", "2.2.3.77", "2.2.3.150",
}

// travelIPs are foreign but legitimate (business travel) sign-in addresses.
var travelIPs = []string{"216.160.83.58", "216.160.83.61", "214.78.120.9", "214.0.0.25", "214.0.1.40"}

func newOrg(r *rand.Rand, scale int) *org {
	o := &org{byName: map[string]*host{}, bySam: map[string]*account{}}
	o.TenantID = guid(r)
	o.OrgID = guid(r)
	domainSID := fmt.Sprintf("S-1-5-21-%d-%d-%d", 1000000000+r.IntN(999999999), 1000000000+r.IntN(999999999), 1000000000+r.IntN(999999999))
	rid := 1104
	used := map[string]bool{}
	newAcct := func(sam, display, dept string, kind acctKind) *account {
		a := &account{Sam: sam, Display: display, Dept: dept, Kind: kind,
			UPN: sam + "@" + DNSDomain, SID: fmt.Sprintf("%s-%d", domainSID, rid), ObjectID: guid(r)}
		rid++
		o.Accounts = append(o.Accounts, a)
		o.bySam[sam] = a
		return a
	}
	// Regular users: about 80, spread over departments.
	for i := 0; i < 80*scale; i++ {
		var fn, ln, sam string
		for try := 0; ; try++ {
			fn, ln = firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
			sam = strings.ToLower(fn + "." + ln)
			if try > 20 {
				sam += fmt.Sprint(i)
			}
			if !used[sam] {
				used[sam] = true
				break
			}
		}
		dept := departments[i%len(departments)].Name
		a := newAcct(sam, fn+" "+ln, dept, userAcct)
		a.HomeIP = homeIPs[r.IntN(len(homeIPs))]
		if r.IntN(12) == 0 {
			a.Travel = []string{travelIPs[r.IntN(len(travelIPs))]}
		}
		o.Users = append(o.Users, a)
	}
	// IT admins: separate privileged accounts, Linux logins.
	for _, n := range []string{"sam.okafor", "maria.nowak", "dev.patel", "lucy.chen", "tom.hughes", "nina.silva"} {
		fn, ln, _ := strings.Cut(n, ".")
		display := strings.ToUpper(fn[:1]) + fn[1:] + " " + strings.ToUpper(ln[:1]) + ln[1:]
		u := newAcct(n, display, "IT", userAcct)
		u.HomeIP = homeIPs[r.IntN(len(homeIPs))]
		o.Users = append(o.Users, u)
		adm := newAcct("adm-"+fn[:1]+ln, display+" (admin)", "IT", adminAcct)
		adm.HomeIP = u.HomeIP
		adm.Unix = fn[:1] + ln
		o.Admins = append(o.Admins, adm)
	}
	for _, s := range []string{"svc_backup", "svc_sql", "svc_monitor", "svc_patch", "svc_scan", "svc_web", "svc_adsync", "svc_print"} {
		o.Services = append(o.Services, newAcct(s, s, "IT", serviceAcct))
	}
	// Windows workstations, one per selected user.
	nextWS := map[string]int{}
	ui := 0
	for _, d := range departments {
		for k := 0; k < d.WS*scale; k++ {
			// the first users of each department own the onboarded workstations
			var owner *account
			for owner == nil {
				u := o.Users[ui%len(o.Users)]
				ui++
				if u.Dept == d.Name && u.WS == nil {
					owner = u
				}
			}
			nextWS[d.Code]++
			name := fmt.Sprintf("WKS-%s-%02d", d.Code, nextWS[d.Code])
			n := len(o.WS)
			h := o.addHost(r, name, workstation, "ws", fmt.Sprintf("10.10.%d.%d", 10+n/50, 20+(n%50)*4+n/50%4))
			h.Owner, h.Dept = owner, d.Name
			owner.WS = h
		}
	}
	for i, s := range []struct{ n, role string }{{"DC01", "dc"}, {"DC02", "dc"}, {"FS01", "file"}, {"SQL01", "sql"}, {"APP01", "app"}} {
		o.addHost(r, s.n, winServer, s.role, fmt.Sprintf("10.20.0.%d", 10+i))
	}
	for i, s := range []struct{ n, role string }{{"web01", "web"}, {"web02", "web"}, {"db01", "db"}, {"jump01", "jump"}, {"build01", "build"}} {
		o.addHost(r, s.n, linuxServer, s.role, fmt.Sprintf("10.30.0.%d", 11+i))
	}
	return o
}

func (o *org) addHost(r *rand.Rand, name string, k hostKind, role, ip string) *host {
	h := &host{Name: name, Kind: k, Role: role, IP: ip, DeviceID: hexString(r, 20), AgentID: guid(r)}
	switch k {
	case workstation:
		h.FQDN = name + "." + DNSDomain
		h.OS, h.OSVer = "Windows 11 Enterprise", "10.0.22631"
		o.WS = append(o.WS, h)
		o.Win = append(o.Win, h)
	case winServer:
		h.FQDN = name + "." + DNSDomain
		h.OS, h.OSVer = "Windows Server 2022 Datacenter", "10.0.20348"
		o.Servers = append(o.Servers, h)
		o.Win = append(o.Win, h)
	case linuxServer:
		h.FQDN = name + "." + DNSDomain
		h.OS, h.OSVer = "Ubuntu 22.04.4 LTS", "22.04"
		o.Linux = append(o.Linux, h)
	}
	o.Hosts = append(o.Hosts, h)
	o.byName[name] = h
	return h
}

func (o *org) host(name string) *host { return o.byName[name] }

func (o *org) acct(sam string) *account { return o.bySam[sam] }

// guid returns a random RFC 4122 version 4 UUID string.
func guid(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

func hexString(r *rand.Rand, nbytes int) string {
	b := make([]byte, nbytes)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return hex.EncodeToString(b)
}

// fileHashes derives stable MD5/SHA1/SHA256 values for a binary from its identity, so
// the same executable has the same hashes on every host.
func fileHashes(ident string) (md5s, sha1s, sha256s string) {
	m := md5.Sum([]byte(ident))
	s1 := sha1.Sum([]byte(ident))
	s2 := sha256.Sum256([]byte(ident))
	return hex.EncodeToString(m[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:])
}
