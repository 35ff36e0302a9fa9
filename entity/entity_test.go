package entity

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

func TestAccountIdentity(t *testing.T) {
	set := NewSet()
	a, _ := Parse(Account, `CONTOSO\jdoe`)
	b, _ := Parse(Account, "jdoe@contoso.com")
	c := New(Account, "Name", "JDoe", "NTDomain", "contoso")
	d := New(Account, "Name", "jdoe", "UPNSuffix", "Contoso.com")
	set.Add(a, b, c, d)
	if set.Len() != 1 {
		t.Fatalf("one account written four ways gave %d entities: %v", set.Len(), set.Frame())
	}
	if n := set.Count(a); n != 4 {
		t.Errorf("count %d, want 4", n)
	}
	other, _ := Parse(Account, `FABRIKAM\jdoe`)
	set.Add(other)
	if set.Len() != 2 {
		t.Errorf("another domain's jdoe merged: %d", set.Len())
	}
}

func TestBareAccountJoinsTheOnlyQualifiedOne(t *testing.T) {
	set := NewSet()
	bare, _ := Parse(Account, "svc_backup")
	q, _ := Parse(Account, `CONTOSO\svc_backup`)
	set.Add(bare, q)
	if set.Len() != 1 {
		t.Fatalf("bare then qualified: %d entities", set.Len())
	}
	if got := set.Entities()[0].Str("NTDomain"); got != "CONTOSO" {
		t.Errorf("merged account lost its domain: %q", got)
	}
	set2 := NewSet()
	x, _ := Parse(Account, `CONTOSO\a`)
	y, _ := Parse(Account, `FABRIKAM\a`)
	z, _ := Parse(Account, "a")
	set2.Add(x, y, z)
	if set2.Len() != 3 {
		t.Errorf("a bare name with two qualified candidates must stay apart: %d", set2.Len())
	}
}

func TestHostAndIPIdentity(t *testing.T) {
	tests := []struct {
		name string
		a, b *Entity
		same bool
	}{
		{"netbios vs fqdn", New(Host, "HostName", "WS01"), New(Host, "HostName", "ws01", "DnsDomain", "contoso.com"), true},
		{"fqdn in HostName", New(Host, "HostName", "ws01.contoso.com"), New(Host, "NetBiosName", "WS01"), true},
		{"different hosts", New(Host, "HostName", "WS01"), New(Host, "HostName", "WS02"), false},
		{"mapped ipv4", New(IP, "Address", "::ffff:10.0.0.1"), New(IP, "Address", "10.0.0.1"), true},
		{"ipv6 case", New(IP, "Address", "2001:DB8::1"), New(IP, "Address", "2001:db8:0::1"), true},
		{"domain case and dot", New(DNS, "DomainName", "Evil.Example."), New(DNS, "DomainName", "evil.example"), true},
		{"hash case", New(FileHash, "Value", "ABCDEF"), New(FileHash, "Value", "abcdef"), true},
	}
	for _, tt := range tests {
		if got := tt.a.Key() == tt.b.Key(); got != tt.same {
			t.Errorf("%s: %s vs %s same=%v, want %v", tt.name, tt.a.Key(), tt.b.Key(), got, tt.same)
		}
	}
}

func TestParseWrongType(t *testing.T) {
	tests := []struct {
		t     Type
		value string
		hint  string
	}{
		{IP, "ws01.contoso.com", `use "dns"`},
		{IP, "not-an-ip", "is not an IP address"},
		{Host, "203.0.113.7", `use "ip"`},
		{FileHash, "xyz", "is not an MD5, SHA1 or SHA256 hash"},
		{URL, "hello world", "is not a URL"},
		{DNS, "10.1.2.3", `use "ip"`},
		{Account, "203.0.113.7", `use "ip"`},
		{Mailbox, "nobody", "is not a mailbox address"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.t, tt.value)
		if !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), tt.hint) {
			t.Errorf("Parse(%s, %q) = %v, want ErrValue mentioning %q", tt.t, tt.value, err, tt.hint)
		}
	}
	if e, err := Parse(IP, "203.0.113[.]7"); err != nil || e.Value() != "203.0.113.7" {
		t.Errorf("defanged address: %v %v", e, err)
	}
}

func TestParseTypeSuggests(t *testing.T) {
	for in, want := range map[string]Type{"ip": IP, "IpAddress": IP, "Account": Account, "hash": FileHash, "registry-key": RegistryKey, "AzureResource": AzureResource} {
		if got, err := ParseType(in); err != nil || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	_, err := ParseType("acount")
	if !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), `did you mean "account"`) {
		t.Errorf("unknown type: %v", err)
	}
}

// Sentinel writes the first occurrence of an entity with a $id and later ones as $ref.
const alertJSON = `[
 {"$id":"2","HostName":"WS01","DnsDomain":"contoso.com","OSFamily":"Windows","Type":"host"},
 {"$id":"3","Name":"jdoe","NTDomain":"CONTOSO","Sid":"S-1-5-21-1-2-3-1104","Type":"account"},
 {"$id":"4","ProcessId":"4312","CommandLine":"rundll32.exe comsvcs.dll, MiniDump 748 c:\\x\\l.dmp full",
  "CreationTimeUtc":"2026-11-04T10:31:00Z",
  "ImageFile":{"$id":"5","Directory":"C:\\Windows\\System32","Name":"rundll32.exe",
     "FileHashes":[{"$id":"6","Algorithm":"SHA256","Value":"0F2A","Type":"filehash"}],"Type":"file"},
  "Account":{"$ref":"3"},"Host":{"$ref":"2"},"ParentProcess":{"$ref":"7"},"Type":"process"},
 {"$id":"7","ProcessId":"100","CommandLine":"cmd.exe","Host":{"$ref":"2"},"Type":"process"},
 {"$ref":"3"},
 {"$id":"8","Address":"203.0.113.7","Location":{"CountryCode":"NL"},"Type":"ip"},
 {"$id":"9","Name":"Evil.Tool","Category":"Trojan","Type":"malware"},
 {"$id":"10","Url":"http://evil.example/a","Type":"url"},
 {"$id":"11","Type":"something-new","Foo":"bar"}
]`

func TestParseJSONRefs(t *testing.T) {
	es, err := ParseJSON([]byte(alertJSON))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range es {
		types = append(types, string(e.Type))
	}
	want := "host account process file filehash process ip malware url something-new"
	if got := strings.Join(types, " "); got != want {
		t.Fatalf("types %q, want %q", got, want)
	}
	proc := es[2]
	if proc.Ref("Account") != es[1] || proc.Ref("Host") != es[0] {
		t.Errorf("references not resolved to the same entities")
	}
	if parent := proc.Ref("ParentProcess"); parent == nil || parent.Str("CommandLine") != "cmd.exe" {
		t.Errorf("forward reference not resolved: %v", parent)
	}
	if got := proc.Attr("ProcessFilePath"); got != `C:\Windows\System32\rundll32.exe` {
		t.Errorf("ProcessFilePath %q", got)
	}
	if got := es[3].Attr("file_hash"); got != "0F2A" {
		t.Errorf("file_hash %q", got)
	}
	if got := es[0].Attr("fqdn"); got != "WS01.contoso.com" {
		t.Errorf("fqdn %q", got)
	}
	if got := es[1].Value(); got != `CONTOSO\jdoe` {
		t.Errorf("account value %q", got)
	}
	if got := es[6].Str("Location"); got != `{"CountryCode":"NL"}` {
		t.Errorf("a non-entity object is kept as JSON text, got %q", got)
	}
	if rel := proc.Related(); len(rel) != 4 {
		t.Errorf("related %d, want 4 (account, host, image file, parent)", len(rel))
	}
}

func TestParseJSONBad(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[{"Type":"ip",}]`, "line 1:"},
		{`"hello"`, "want an array"},
		{`[1]`, "entity 1: want an entity object, got a number"},
		{`[{"Address":"1.2.3.4"}]`, `no "Type"`},
		{"[\n {\"Type\":\"ip\"},\n {\"Type\": }\n]", "line 3:"},
	}
	for _, tt := range tests {
		_, err := ParseJSON([]byte(tt.in))
		if !errors.Is(err, ErrJSON) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseJSON(%q) = %v, want ErrJSON with %q", tt.in, err, tt.want)
		}
	}
	if es, err := ParseJSON([]byte("  ")); err != nil || es != nil {
		t.Errorf("empty: %v %v", es, err)
	}
	deep := strings.Repeat(`{"Type":"process","ParentProcess":`, 40) + `{"Type":"process"}` + strings.Repeat("}", 40)
	if _, err := ParseJSON([]byte("[" + deep + "]")); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: %v", err)
	}
}

// The REST API's incident entities (Microsoft's documented example) use kind/properties.
func TestParseJSONRestSamples(t *testing.T) {
	base := "api-samples/azure-rest-api-specs/specification/securityinsights/resource-manager/Microsoft.SecurityInsights/SecurityInsights/examples/2025-09-01/incidents/"
	ents := readSample(t, base+"GetAllIncidentEntities.json")
	if len(ents) != 1 || ents[0].Type != Account || ents[0].Value() != `domain\administrator` {
		t.Fatalf("incident entities: %v", ents)
	}
	alerts := readSample(t, base+"GetAllIncidentAlerts.json")
	if len(alerts) != 1 || alerts[0].Type != Alert || alerts[0].Value() != "baa8a239-6fde-4ab7-a093-d09f7b75c58c" || alerts[0].Str("Severity") != "Low" {
		t.Fatalf("incident alerts: %v %v", alerts, alerts[0].Props)
	}
}

// readSample reads a REST example file's 200 response body.
func readSample(t *testing.T, rel string) []*Entity {
	t.Helper()
	b, err := os.ReadFile(testdata.Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	body := sampleBody(t, b)
	es, err := ParseJSON(body)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(rel), err)
	}
	return es
}

func TestFromFrame(t *testing.T) {
	f := frame.MustNew(
		frame.NewStrings("Computer", []string{"WS01.contoso.com", "ws01", "DC01"}),
		frame.NewStrings("TargetUserName", []string{"jdoe", "jdoe", "-"}),
		frame.NewStrings("TargetDomainName", []string{"CONTOSO", "CONTOSO", "-"}),
		frame.NewStrings("Peer", []string{"203.0.113.7", "203.0.113.8", "::ffff:203.0.113.7"}),
		frame.NewStrings("Note", []string{"hello", "world", ""}),
		frame.NewStrings("Entities", []string{`[{"$id":"1","Name":"jdoe","UPNSuffix":"contoso.com","Type":"account"}]`, "", "not json"}),
	)
	types := ColumnTypes(f)
	if types["Computer"] != Host || types["TargetUserName"] != Account || types["Peer"] != IP || types["Note"] != "" {
		t.Errorf("column types %v", types)
	}
	set, bad := FromFrame(f)
	if bad != 1 {
		t.Errorf("bad Entities rows %d, want 1", bad)
	}
	got := map[Type]int{}
	for _, e := range set.Entities() {
		got[e.Type]++
	}
	if got[Host] != 2 || got[Account] != 1 || got[IP] != 2 {
		t.Errorf("entities %v:\n%v", got, set.Frame())
	}
}
