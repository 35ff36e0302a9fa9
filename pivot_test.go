package huntkit

import (
	"context"
	"errors"
	"github.com/huntkit/huntkit/internal/testdata"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/pivot"
)

// demoTenant builds the demo tenant once for the tests of this file.
var demoTenant struct {
	once  sync.Once
	dir   string
	truth *demo.GroundTruth
	err   error
}

// TestMain removes the shared demo tenant after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoTenant.dir != "" {
		os.RemoveAll(demoTenant.dir)
	}
	os.Exit(code)
}

func demoPivots(t *testing.T) (*Pivots, *demo.GroundTruth, pivot.Window) {
	t.Helper()
	demoTenant.once.Do(func() {
		// one tenant for the package's tests, removed by TestMain
		if demoTenant.dir, demoTenant.err = os.MkdirTemp("", "huntkit-pivot-demo-"); demoTenant.err == nil {
			demoTenant.truth, demoTenant.err = demo.Build(context.Background(), demoTenant.dir, demo.Options{Seed: 1, Days: 4, Size: demo.Small})
		}
	})
	if demoTenant.err != nil {
		t.Fatal(demoTenant.err)
	}
	ctx := context.Background()
	cfg, err := config.Parse("test.yaml", []byte("TIProviders:\n  LocalFeed:\n    Provider: LocalFeed\n    Args:\n      Paths: "+filepath.Join(demoTenant.dir, demo.FeedFile)+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	hk, err := Open(ctx, WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	// No test reaches the internet: TI is the demo's offline feed only, GeoIP MaxMind's
	// test databases (no download).
	geo := t.TempDir()
	if d := testdata.Dir(); d != "" {
		geo = filepath.Join(d, "maxmind", "test-data")
	}
	p, err := hk.Pivots(ctx, PivotOptions{Env: "LocalData", Session: []SessionOption{WithData(demoTenant.dir)},
		TIProviders: []string{"LocalFeed"}, Enrich: EnrichOptions{DBDir: geo, NoUpdate: true}})
	if err != nil {
		t.Fatal(err)
	}
	tr := demoTenant.truth
	w := pivot.Window{Start: tr.Start.Add(-24 * time.Hour).Format(time.RFC3339), End: tr.End.Add(24 * time.Hour).Format(time.RFC3339)}
	return p, tr, w
}

// runOne runs one named pivot for e and fails the test unless it answered.
func runOne(t *testing.T, p *Pivots, e *entity.Entity, name string, w pivot.Window) *frame.Frame {
	t.Helper()
	rs, err := p.Run(context.Background(), e, []string{name}, pivot.Options{Window: w})
	if err != nil {
		t.Fatalf("pivot %s on %s: %v", name, e, err)
	}
	if len(rs) != 1 || rs[0].State() != "ok" {
		t.Fatalf("pivot %s on %s: %v", name, e, rs)
	}
	return rs[0].Frame
}

func truthIoC(tr *demo.GroundTruth, typ, context string) string {
	for _, i := range tr.IoCs {
		if i.Type == typ && strings.Contains(i.Context, context) {
			return i.Value
		}
	}
	return ""
}

// TestPivotChainFromCredentialDump walks from the planted credential-dump alert to the
// attacker's cloud sign-in in four pivots:
//
//  1. Alert "Possible credential dumping via comsvcs.dll"
//     → LocalData.SecurityIncident.list_incidents_for_alert: the multi-stage incident.
//  2. Incident → entities: the entities of its alerts, among them the IP addresses and
//     the cloud account (UPN) of the identity-protection alerts.
//  3. Each of those IPs → LocalData.Azure.list_aad_signins_for_ip: one of them has a
//     successful (ResultType 0) sign-in after MFA denials - the attacker's sign-in IP.
//  4. That IP → LocalData.Office365.list_activity_for_ip: the mailbox signed in, added an
//     inbox rule and sent the phishing mail - the cloud entry point.
func TestPivotChainFromCredentialDump(t *testing.T) {
	p, tr, w := demoPivots(t)
	ctx := context.Background()
	alerts, err := p.Session().Query(ctx, `SecurityAlert | where AlertName == "Possible credential dumping via comsvcs.dll"`, Window{})
	if err != nil || alerts.Len() != 1 {
		t.Fatalf("the credential-dump alert: %v, %v", alerts, err)
	}
	alert := entity.FromRow(entity.Alert, alerts, 0)

	// 1. alert → its incident
	inc := runOne(t, p, alert, "LocalData.SecurityIncident.list_incidents_for_alert", w)
	if inc.Len() != 1 || !strings.Contains(inc.Col("Title").Str(0), "Multi-stage attack") {
		t.Fatalf("pivot 1: want the multi-stage incident, got %v", inc)
	}
	incident := entity.FromRow(entity.Incident, inc, 0)

	// 2. incident → the entities of its alerts
	ents := runOne(t, p, incident, "entities", w)
	var ips []string
	for i := 0; i < ents.Len(); i++ {
		if ents.Col("Type").Str(i) == string(entity.IP) {
			ips = append(ips, ents.Col("Value").Str(i))
		}
	}
	if len(ips) < 2 {
		t.Fatalf("pivot 2: want the IPs of the incident's alerts, got %v", ents)
	}

	// 3. each IP → Entra ID sign-ins; the attacker's is the one that got in
	var attackerIP, cloudAccount, app string
	for _, ip := range ips {
		e, err := entity.Parse(entity.IP, ip)
		if err != nil {
			t.Fatal(err)
		}
		f := runOne(t, p, e, "LocalData.Azure.list_aad_signins_for_ip", w)
		for i := 0; i < f.Len(); i++ {
			if f.Col("ResultType").Text(i) == "0" {
				attackerIP, cloudAccount, app = ip, f.Col("UserPrincipalName").Str(i), f.Col("AppDisplayName").Str(i)
			}
		}
	}
	if want := truthIoC(tr, "ipv4", "attacker sign-in"); attackerIP != want {
		t.Fatalf("pivot 3: attacker sign-in IP %q, want %q (incident IPs %v)", attackerIP, want, ips)
	}

	// 4. the attacker's IP → Office 365 activity: the cloud entry point
	e, _ := entity.Parse(entity.IP, attackerIP)
	o365 := runOne(t, p, e, "LocalData.Office365.list_activity_for_ip", w)
	ops := map[string]bool{}
	for i := 0; i < o365.Len(); i++ {
		ops[o365.Col("Operation").Str(i)] = true
		if u := o365.Col("UserId").Str(i); !strings.EqualFold(u, cloudAccount) {
			t.Errorf("pivot 4: activity of %s from the attacker's IP, want only %s", u, cloudAccount)
		}
	}
	if want := truthIoC(tr, "email", "compromised mailbox"); !strings.EqualFold(cloudAccount, want) {
		t.Errorf("cloud entry point %q, want %q", cloudAccount, want)
	}
	for _, op := range []string{"MailboxLogin", "New-InboxRule", "Send"} {
		if !ops[op] {
			t.Errorf("pivot 4: no %s from the attacker's IP (have %v)", op, ops)
		}
	}
	t.Logf("chain: alert %q → incident %s → %d IPs → %s signed in as %s to %s → %d Office 365 operations",
		alert.Str("AlertName"), incident.Str("IncidentNumber"), len(ips), attackerIP, cloudAccount, app, o365.Len())
}

// Every Entities value the demo's SecurityAlert table holds parses, and the planted
// credential dump names its host, account and process.
func TestDemoAlertEntities(t *testing.T) {
	p, tr, _ := demoPivots(t)
	f, err := p.Session().Query(context.Background(), "SecurityAlert | project AlertName, CompromisedEntity, Entities", Window{})
	if err != nil {
		t.Fatal(err)
	}
	var dump []*entity.Entity
	for i := 0; i < f.Len(); i++ {
		es, err := entity.ParseJSON([]byte(f.Col("Entities").Str(i)))
		if err != nil || len(es) == 0 {
			t.Fatalf("row %d: %v (%d entities)", i, err, len(es))
		}
		if f.Col("AlertName").Str(i) == "Possible credential dumping via comsvcs.dll" {
			dump = es
		}
	}
	st := tr.Stage(demo.StageCredentialDump)
	if len(dump) != 3 || dump[0].Type != entity.Host || dump[1].Type != entity.Account || dump[2].Type != entity.Process {
		t.Fatalf("credential dump entities %v", dump)
	}
	if got := dump[0].Attr("fqdn"); !strings.EqualFold(got, st.Events[0].Host) && !strings.HasPrefix(strings.ToLower(st.Events[0].Host), strings.ToLower(dump[0].Str("HostName"))) {
		t.Errorf("host %q, planted on %q", got, st.Events[0].Host)
	}
	if !strings.Contains(dump[2].Str("CommandLine"), "comsvcs.dll") {
		t.Errorf("process %v", dump[2].Props)
	}
}

// Summaries of the attacker's address, the compromised cloud account and the victim's
// workstation say what is unusual about each, with the queries behind the sections.
func TestSummaries(t *testing.T) {
	p, tr, w := demoPivots(t)
	ip := truthIoC(tr, "ipv4", "attacker sign-in")
	upn := truthIoC(tr, "email", "compromised mailbox")
	host := tr.Stage(demo.StageCredentialDump).Events[0].Host
	tests := []struct {
		typ     entity.Type
		value   string
		unusual []string
		quiet   bool // no alerts and no GeoIP expectation (an address only the feed knows)
	}{
		{entity.IP, ip, []string{"a successful sign-in of " + upn + " from " + ip + " after 6 failures", "an inbox rule was created", "in new incident"}, false},
		{entity.Account, upn, []string{"sign-ins from", "countries: ", "CN", "an inbox rule was created", "in new incident"}, false},
		{entity.Host, host, []string{"high-severity alerts: Possible credential dumping via comsvcs.dll", "in new incident"}, false},
		{entity.IP, truthIoC(tr, "ipv4", "exfiltration"), []string{"TI: LocalFeed rates " + truthIoC(tr, "ipv4", "exfiltration") + " high"}, true},
	}
	for _, tt := range tests {
		e, err := entity.Parse(tt.typ, tt.value)
		if err != nil {
			t.Fatal(err)
		}
		s, err := p.Summarize(context.Background(), e, w)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.typ, tt.value, err)
		}
		all := strings.Join(s.Unusual, "\n")
		for _, want := range tt.unusual {
			if !strings.Contains(all, want) {
				t.Errorf("%s %s: unusual lacks %q:\n%s", tt.typ, tt.value, want, all)
			}
		}
		secs := map[string]pivot.Section{}
		for _, sec := range s.Sections {
			secs[sec.Title] = sec
		}
		for _, title := range []string{"Alerts", "Incidents", "Related entities", "Timeline", "GeoIP", "Threat intelligence"} {
			if _, ok := secs[title]; !ok {
				t.Errorf("%s: no %s section", tt.typ, title)
			}
		}
		if tt.quiet {
			continue
		}
		if a := secs["Alerts"]; a.Frame == nil || a.Frame.Len() == 0 || !strings.Contains(a.Query, "SecurityAlert") {
			t.Errorf("%s: alerts section %+v", tt.typ, a)
		}
		if g := secs["GeoIP"]; tt.typ == entity.IP && testdata.Dir() != "" && (g.Frame == nil || !strings.Contains(g.Frame.Col("CountryCode").Str(0), "CN")) {
			t.Errorf("GeoIP of the attacker's address: %+v", g)
		}
		if tl := secs["Timeline"]; tl.Frame == nil || tl.Frame.Len() == 0 {
			t.Errorf("%s: empty timeline", tt.typ)
		}
		var text, page strings.Builder
		if err := s.WriteText(&text, 3); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteHTML(&page); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "What looks unusual") || !strings.Contains(page.String(), "<details><summary>Query</summary>") {
			t.Errorf("%s: text or page incomplete", tt.typ)
		}
		if strings.Contains(page.String(), "<script") || strings.Contains(page.String(), "http://") && !strings.Contains(page.String(), "http://"+"") {
			t.Errorf("%s: the report must need no script", tt.typ)
		}
	}
	if _, err := p.Summarize(context.Background(), entity.New(entity.URL, "Url", "http://x.example/"), w); !errors.Is(err, ErrBadRequest) {
		t.Errorf("a URL summary: %v", err)
	}
}

// The demo's intrusion incident is one graph: its alerts joined by the entities they share.
func TestDemoEntityGraph(t *testing.T) {
	p, tr, w := demoPivots(t)
	ctx := context.Background()
	inc, err := p.Session().Query(ctx, `SecurityIncident | where Title has "Multi-stage" | project IncidentNumber`, Window{})
	if err != nil || inc.Len() != 1 {
		t.Fatalf("incident: %v %v", inc, err)
	}
	g, queries, err := p.EntityGraph(ctx, GraphOptions{Window: w, Incident: inc.Col("IncidentNumber").Text(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 2 {
		t.Errorf("queries %v", queries)
	}
	kinds := map[entity.Type]int{}
	for _, n := range g.Nodes {
		kinds[n.Type]++
	}
	if kinds[entity.Incident] != 1 || kinds[entity.Alert] != 6 {
		t.Errorf("nodes by kind %v", kinds)
	}
	shared := map[string]bool{}
	for _, n := range g.Shared() {
		shared[n.Label] = true
	}
	cloud := truthIoC(tr, "email", "compromised mailbox")
	if !shared[cloud] {
		t.Errorf("the cloud account %s links the spray and sign-in alerts; shared: %v", cloud, shared)
	}
	var page strings.Builder
	if err := WriteEntityGraph(&page, g, "intrusion"); err != nil || !strings.Contains(page.String(), "graph.js") && !strings.Contains(page.String(), `"view":"graph"`) {
		t.Errorf("page: %v", err)
	}
	if _, _, err := p.EntityGraph(ctx, GraphOptions{Window: w, Incident: "x1"}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("bad incident number: %v", err)
	}
}

// The process tree of the victim's workstation holds the credential dump under cmd.exe.
func TestDemoProcessTreePivot(t *testing.T) {
	p, tr, w := demoPivots(t)
	host, err := entity.Parse(entity.Host, tr.Stage(demo.StageCredentialDump).Events[0].Host)
	if err != nil {
		t.Fatal(err)
	}
	f := runOne(t, p, host, "proctree", w)
	found := false
	for _, c := range f.Columns() {
		for i := 0; i < f.Len(); i++ {
			if strings.Contains(c.Text(i), "comsvcs.dll, MiniDump") {
				found = true
			}
		}
	}
	if f.Len() < 10 || !found {
		t.Errorf("process tree of %s: %d rows, dump found %v", host, f.Len(), found)
	}
	proc := entity.New(entity.Process, "CommandLine", "rundll32.exe C:\\Windows\\System32\\comsvcs.dll")
	rs, _ := p.Run(context.Background(), proc, []string{"proctree"}, pivot.Options{Window: w})
	if rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "names no host") {
		t.Errorf("a process without a host: %v", rs[0].Status())
	}
}
