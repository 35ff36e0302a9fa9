package hunt

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/proctree"
	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/localfeed" // LocalFeed provider
	"github.com/huntkit/huntkit/vis"
)

// walk runs the hunt. Every pivot comes from an earlier step's results; the ground truth is
// read only by the summary.
func (h *hunt) walk() {
	h.alerts()
	if h.alertHost == "" {
		h.say("no alert names a host; the guided hunt stops here")
		return
	}
	for _, step := range []func(){h.hostLogons, h.processes, h.indicators, h.decodePayloads, h.network,
		h.threatIntel, h.lateral, h.persistence, h.exfiltration, h.cloudEntry, h.otherAlerts, h.writeViews} {
		if h.ctx.Err() != nil {
			return // interrupted: stop between steps
		}
		step()
	}
}

// Step: triage the alert queue and pick the most severe alert on a host.
func (h *hunt) alerts() {
	s := h.header("Triage the alert queue")
	f := h.template(s, "SecurityAlert.list_alerts", nil,
		[]string{"TimeGenerated", "AlertName", "AlertSeverity", "CompromisedEntity", "ProductName"}, 6)
	if f == nil {
		return
	}
	for i := 0; i < f.Len(); i++ {
		ent := f.Col("CompromisedEntity").Str(i)
		if ent == "" || strings.Contains(ent, "@") || f.Col("AlertSeverity").Str(i) == "Informational" {
			continue
		}
		h.alertName, h.alertHost, h.alertTime = f.Col("AlertName").Str(i), ent, f.Col("TimeGenerated").Time(i)
		h.alertProcess = processEntity(f.Col("Entities").Str(i))
		break
	}
	if h.alertHost != "" {
		h.say("→ pivot: the most severe alert on a host is %q on %s at %s", h.alertName, h.alertHost, h.alertTime.Format("2006-01-02 15:04"))
		if h.alertProcess != "" {
			h.say("  its process entity: %s", Trunc(h.alertProcess, 100))
		}
	}
}

// processEntity returns the command line of the first process entity of an alert.
func processEntity(entities string) string {
	var ents []map[string]any
	if json.Unmarshal([]byte(entities), &ents) != nil {
		return ""
	}
	for _, e := range ents {
		if e["Type"] == "process" {
			if s, ok := e["CommandLine"].(string); ok {
				return s
			}
		}
	}
	return ""
}

// Step: who logged on to the alerted host.
func (h *hunt) hostLogons() {
	s := h.header("Who logged on to " + h.alertHost)
	f := h.template(s, "WindowsSecurity.list_host_logon_sources",
		map[string]any{"host_name": h.alertHost, "start": h.alertTime.Add(-72 * time.Hour), "end": h.alertTime.Add(time.Hour)},
		[]string{"TargetUserName", "LogonTypeName", "IpAddress", "AuthenticationPackageName", "Logons", "LastSeen"}, 8)
	if f == nil {
		return
	}
	for i := 0; i < f.Len(); i++ {
		u, typ := f.Col("TargetUserName").Str(i), f.Col("LogonTypeName").Str(i)
		if privileged(u) && (strings.HasPrefix(typ, "2 ") || strings.HasPrefix(typ, "10 ") || strings.HasPrefix(typ, "11 ")) {
			h.say("→ privileged account %s logged on interactively (%s, last %s): its credentials sit in LSASS memory",
				u, typ, f.Col("LastSeen").Time(i).Format("2006-01-02 15:04"))
		}
	}
}

// privileged reports whether an account name looks administrative.
func privileged(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "adm") || strings.Contains(l, "admin") || strings.HasSuffix(l, "-da")
}

// Step: processes around the alert, as a tree.
func (h *hunt) processes() {
	s := h.header("Processes around the alert")
	f := h.template(s, "MDE.list_processes_around_time",
		map[string]any{"host_name": h.alertHost, "pivot_time": h.alertTime, "minutes_before": 90, "minutes_after": 30},
		[]string{"Timestamp", "AccountName", "FileName", "ProcessCommandLine", "InitiatingProcessFileName"}, 0)
	if f == nil || f.Len() == 0 {
		return
	}
	h.procs = f
	tree, err := proctree.Build(h.ctx, f)
	if err != nil {
		h.skip("process tree", err.Error())
		h.table(f, []string{"Timestamp", "FileName", "ProcessCommandLine", "InitiatingProcessFileName"}, 10)
		return
	}
	needle := "rundll32"
	if h.alertProcess != "" {
		needle = h.alertProcess
	}
	ids := tree.Find(needle)
	if len(ids) == 0 {
		ids = tree.Find("powershell")
	}
	if len(ids) == 0 {
		h.say("no process of the alert found in the window")
		return
	}
	// climb from the alert's process to the first ancestor started by the user's shell or a
	// service host: that branch is the activity to explain
	top := ids[0]
	for p := tree.Parent(top); p >= 0 && !shellImage[baseName(tree.Name(p))]; p = tree.Parent(top) {
		top = p
	}
	root := tree.Subtree(top)
	h.say("process tree (proctree): the branch holding the alert's process, from %s - %d processes:", baseName(tree.Name(top)), len(root))
	var sb strings.Builder
	_ = tree.WriteText(&sb, proctree.TextOptions{Wrap: 120, Fields: []string{"time", "cmdline"}}, root...)
	h.block(sb.String())
	h.noteText(s, sb.String())
	// images in the alert's tree that are not ordinary Windows or Office binaries
	for _, id := range root {
		if name := baseName(tree.Name(id)); !ordinaryImage[name] {
			h.suspectImages = addUnique(h.suspectImages, name)
		}
	}
	// the tree's processes are the ones to mine for indicators
	keep := map[int]bool{}
	for _, id := range root {
		if r := tree.Row(id); r >= 0 {
			keep[r] = true
		}
	}
	h.procs = f.Filter(func(i int) bool { return keep[i] })
	if len(h.suspectImages) > 0 {
		h.say("→ unusual images in this tree: %s", strings.Join(h.suspectImages, ", "))
	}
}

// baseName is the lower-case file name of a process image path.
func baseName(p string) string {
	p = strings.ToLower(p)
	return p[strings.LastIndexAny(p, `\/`)+1:]
}

// shellImage are parents that start unrelated work: the user's shell and service hosts.
var shellImage = map[string]bool{
	"explorer.exe": true, "userinit.exe": true, "winlogon.exe": true, "services.exe": true, "svchost.exe": true,
	"wininit.exe": true, "smss.exe": true, "system": true,
}

var ordinaryImage = map[string]bool{
	"explorer.exe": true, "outlook.exe": true, "winword.exe": true, "excel.exe": true, "cmd.exe": true,
	"powershell.exe": true, "conhost.exe": true, "userinit.exe": true, "winlogon.exe": true, "svchost.exe": true,
	"services.exe": true, "whoami.exe": true, "net.exe": true, "net1.exe": true, "nltest.exe": true,
	"ipconfig.exe": true, "systeminfo.exe": true, "rundll32.exe": true, "reg.exe": true, "schtasks.exe": true,
	"wmic.exe": true, "sc.exe": true, "smss.exe": true, "wininit.exe": true, "system": true,
}

// Step: indicators in the command lines.
func (h *hunt) indicators() {
	s := h.header("Indicators in the command lines (ioc)")
	if h.procs == nil || h.procs.Len() == 0 {
		h.skip("IoC extraction", "no processes to read")
		return
	}
	f, err := ioc.ExtractFrame(h.procs, "ProcessCommandLine")
	if err != nil {
		h.say("error: %v", err)
		return
	}
	f = distinctObservables(f)
	h.note(s, f)
	h.say("ioc.ExtractFrame over %d command lines: %d distinct indicators", h.procs.Len(), f.Len())
	h.table(f, []string{"IoCType", "Observable", "Scope"}, 12)
	h.collect(f)
	if len(h.publicIPs)+len(h.domains)+len(h.urls) == 0 {
		h.say("→ no public address, domain or URL in clear text: the encoded commands need decoding")
	} else {
		h.say("→ outside indicators: %s", strings.Join(append(append(append([]string{}, h.publicIPs...), h.domains...), h.urls...), ", "))
	}
	for i := 0; i < h.procs.Len(); i++ {
		for _, img := range h.suspectImages {
			if strings.EqualFold(h.procs.Col("FileName").Str(i), img) {
				h.hashes = addUnique(h.hashes, h.procs.Col("SHA256").Str(i))
			}
		}
	}
	if len(h.hashes) > 0 {
		h.say("→ SHA256 of the unusual images: %s", strings.Join(h.hashes, ", "))
	}
}

func distinctObservables(f *frame.Frame) *frame.Frame {
	seen := map[string]bool{}
	t, o := f.Col("IoCType"), f.Col("Observable")
	return f.Filter(func(i int) bool {
		k := t.Str(i) + "|" + o.Str(i)
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	})
}

// collect adds public IPs, domains, URLs and hashes from an IoC frame to the pivots.
func (h *hunt) collect(f *frame.Frame) {
	for i := 0; i < f.Len(); i++ {
		v := f.Col("Observable").Str(i)
		switch ioc.Type(f.Col("IoCType").Str(i)) {
		case ioc.IPv4:
			if sc := f.Col("Scope"); sc == nil || sc.Str(i) == "public" {
				h.publicIPs = addUnique(h.publicIPs, v)
			}
		case ioc.DNS:
			if !strings.HasSuffix(v, demo.DNSDomain) {
				h.domains = addUnique(h.domains, v)
			}
		case ioc.URL:
			h.urls = addUnique(h.urls, v)
		case ioc.SHA256:
			h.hashes = addUnique(h.hashes, v)
		}
	}
}

// Step: decode the encoded payloads.
func (h *hunt) decodePayloads() {
	s := h.header("Decode the encoded payloads (decode)")
	if h.procs == nil || h.procs.Len() == 0 {
		h.skip("decoding", "no processes to read")
		return
	}
	f, err := decode.DecodeFrame(h.procs, "ProcessCommandLine")
	if err != nil {
		h.say("error: %v", err)
		return
	}
	h.note(s, f)
	h.say("decode.DecodeFrame: %d decoded item(s)", f.Len())
	texts := column(f, "decoded_string")
	for _, t := range texts {
		h.say("  %s %s", "decoded:", Trunc(t, 150))
		h.noteText(s, t)
		for _, m := range ioc.Extract(t) {
			h.collect(ioc.Frame([]ioc.Match{m}))
		}
	}
	if len(h.domains)+len(h.urls) > 0 {
		h.say("→ download cradle: urls %s; domains %s", strings.Join(h.urls, ", "), strings.Join(h.domains, ", "))
	}
}

// Step: what the host talked to; is any of it a beacon?
func (h *hunt) network() {
	s := h.header("Network: where did the suspicious processes connect?")
	f := h.template(s, "MDE.host_remote_summary", map[string]any{"host_name": h.alertHost},
		[]string{"InitiatingProcessFileName", "RemoteIP", "RemotePort", "Connections", "FirstSeen", "LastSeen", "Urls"}, 0)
	if f != nil {
		sus := f.Filter(func(i int) bool {
			p := strings.ToLower(f.Col("InitiatingProcessFileName").Str(i))
			if p == "powershell.exe" {
				return true
			}
			for _, x := range h.suspectImages {
				if p == x {
					return true
				}
			}
			return false
		})
		h.say("connections by powershell.exe and the unusual images:")
		h.table(sus, []string{"InitiatingProcessFileName", "RemoteIP", "RemotePort", "Connections", "FirstSeen", "LastSeen"}, 6)
		h.publicIPs = addUnique(h.publicIPs, column(sus, "RemoteIP")...)
		for _, img := range h.suspectImages {
			if strings.HasSuffix(img, ".exe") {
				h.implant = img
				break
			}
		}
	}
	b := h.template(s, "Network.list_beaconing", nil,
		[]string{"SourceIP", "DestinationIP", "DestinationPort", "Hours", "Connections", "IntervalSeconds", "Variation"}, 5)
	if b != nil && b.Len() > 0 {
		h.say("→ %s is called every ~%s s around the clock: a beacon", b.Col("DestinationIP").Str(0), b.Col("IntervalSeconds").Text(0))
		h.publicIPs = addUnique(h.publicIPs, column(b, "DestinationIP")...)
	}
}

// Step: threat intelligence for the indicators found so far.
func (h *hunt) threatIntel() {
	s := h.header("Threat intelligence: Sentinel TI table and a local partner feed")
	if len(h.publicIPs) > 0 {
		h.template(s, "ThreatIntelligence.list_indicators_by_ip",
			map[string]any{"ip_address_list": h.publicIPs, "start": h.start.AddDate(0, 0, -30)},
			[]string{"NetworkIP", "ThreatType", "Description", "ConfidenceScore"}, 5)
	}
	if len(h.domains) > 0 {
		h.template(s, "ThreatIntelligence.list_indicators_by_domain",
			map[string]any{"domain_list": h.domains, "start": h.start.AddDate(0, 0, -30)},
			[]string{"DomainName", "ThreatType", "Description", "ConfidenceScore"}, 5)
	}
	if len(h.hashes) > 0 {
		h.template(s, "ThreatIntelligence.list_indicators_by_hash",
			map[string]any{"file_hash_list": h.hashes, "start": h.start.AddDate(0, 0, -30)},
			[]string{"FileName", "FileHashValue", "ThreatType", "Description", "ConfidenceScore"}, 5)
	}
	feed := filepath.Join(h.dir, demo.FeedFile)
	if _, err := os.Stat(feed); err != nil {
		h.skip("LocalFeed lookup", "no partner feed file")
		return
	}
	var items []ti.Item
	for _, v := range h.publicIPs {
		items = append(items, ti.Item{Value: v, Type: ioc.IPv4})
	}
	for _, v := range h.domains {
		items = append(items, ti.Item{Value: v, Type: ioc.DNS})
	}
	for _, v := range h.hashes {
		items = append(items, ti.Item{Value: v, Type: ioc.SHA256})
	}
	if len(items) == 0 {
		h.skip("LocalFeed lookup", "no public indicators yet")
		return
	}
	f, err := ti.Lookup(h.ctx, items, ti.WithProviders("LocalFeed"),
		ti.WithArgs("LocalFeed", map[string]any{"Paths": feed}), ti.WithCache(nil))
	if err != nil && f == nil {
		h.skip("LocalFeed lookup", err.Error())
		return
	}
	h.say("\n  ti.Lookup with the LocalFeed provider over %s (%d indicators):", demo.FeedFile, len(items))
	h.note(s, f)
	h.table(f, []string{"Ioc", "IocType", "Provider", "Severity", "Details"}, 8)
}

// Step: where the dumped credential went.
func (h *hunt) lateral() {
	s := h.header("Credential use and lateral movement from " + h.alertHost)
	f := h.template(s, "WindowsSecurity.list_explicit_credential_logons", map[string]any{"host_name": h.alertHost},
		[]string{"TimeGenerated", "SubjectUserName", "TargetUserName", "TargetServerName", "Process"}, 6)
	if f != nil && f.Len() > 0 {
		h.stolenAccount = f.Col("TargetUserName").Str(0)
		h.say("→ %s used the credentials of %s against %s", f.Col("SubjectUserName").Str(0), h.stolenAccount,
			strings.Join(column(f, "TargetServerName"), ", "))
		h.template(s, "WindowsSecurity.list_logons_by_account",
			map[string]any{"account_name": h.stolenAccount, "start": h.alertTime.Add(-2 * time.Hour)},
			[]string{"TimeGenerated", "Computer", "LogonTypeName", "IpAddress", "AuthenticationPackageName"}, 6)
	}
	h.template(s, "WindowsSecurity.list_remote_execution", map[string]any{"start": h.alertTime.Add(-24 * time.Hour)},
		[]string{"TimeGenerated", "Computer", "SubjectUserName", "CommandLine"}, 6)
	h.template(s, "WindowsSecurity.list_services_installed", nil,
		[]string{"TimeGenerated", "Computer", "SubjectUserName", "ServiceName", "ServiceFileName"}, 4)
	if h.implant != "" {
		h.template(s, "MDE.process_creations", map[string]any{"process_identifier": h.implant},
			[]string{"Timestamp", "DeviceName", "AccountName", "ProcessCommandLine", "InitiatingProcessFileName"}, 6)
	}
}

// Step: persistence.
func (h *hunt) persistence() {
	s := h.header("Persistence")
	since := map[string]any{"start": h.alertTime.Add(-24 * time.Hour)}
	added := h.template(s, "WindowsSecurity.list_admin_group_changes", since,
		[]string{"TimeGenerated", "Computer", "SubjectUserName", "MemberName", "GroupName"}, 6)
	created := h.template(s, "WindowsSecurity.list_accounts_created", since,
		[]string{"TimeGenerated", "Computer", "SubjectUserName", "TargetUserName", "TargetSid"}, 6)
	if acct, group := newAdmin(added, created); acct != "" {
		h.say("→ %s was created and then added to %s: likely a backdoor account", acct, group)
		h.template(s, "WindowsSecurity.list_account_changes", map[string]any{"start": h.alertTime.Add(-24 * time.Hour), "account_name": acct},
			[]string{"TimeGenerated", "Computer", "EventID", "Activity", "SubjectUserName", "TargetUserName"}, 6)
	}
	h.template(s, "MDE.process_cmd_line", map[string]any{"cmd_line": `CurrentVersion\Run`},
		[]string{"Timestamp", "DeviceName", "AccountName", "ProcessCommandLine"}, 4)
}

// newAdmin returns an account that list_accounts_created shows created and
// list_admin_group_changes shows added to a privileged group (matched by SID), and the group.
func newAdmin(added, created *frame.Frame) (account, group string) {
	if added == nil || created == nil || added.Col("MemberSid") == nil || created.Col("TargetSid") == nil ||
		created.Col("TargetUserName") == nil || added.Col("GroupName") == nil {
		return "", ""
	}
	sids := map[string]int{}
	for i := 0; i < created.Len(); i++ {
		if sid := created.Col("TargetSid").Text(i); sid != "" {
			sids[sid] = i
		}
	}
	for i := 0; i < added.Len(); i++ {
		if j, ok := sids[added.Col("MemberSid").Text(i)]; ok {
			return created.Col("TargetUserName").Text(j), added.Col("GroupName").Text(i)
		}
	}
	return "", ""
}

// Step: staging and exfiltration.
func (h *hunt) exfiltration() {
	s := h.header("Collection and exfiltration")
	h.template(s, "MDE.list_large_files_created", nil,
		[]string{"Timestamp", "DeviceName", "FileName", "FolderPath", "FileSize", "InitiatingProcessFileName"}, 5)
	f := h.template(s, "Network.list_large_outbound_transfers", nil,
		[]string{"SourceIP", "DestinationIP", "DestinationPort", "SentMB", "Connections", "FirstSeen", "LastSeen"}, 5)
	if f != nil && f.Len() > 0 {
		h.exfilIPs = column(f.Head(3), "DestinationIP")
	}
	h.template(s, "WindowsSecurity.list_event_log_cleared", map[string]any{"start": h.alertTime.Add(-24 * time.Hour)},
		[]string{"TimeGenerated", "Computer", "EventID", "SubjectUserName", "CommandLine"}, 4)
	h.geoip(s, h.exfilIPs, "exfiltration destinations")
}

// geoip looks addresses up in a local MaxMind database when one is available.
func (h *hunt) geoip(step string, ips []string, what string) {
	if len(ips) == 0 {
		return
	}
	dir := h.opt.GeoIPDir
	if dir == "" {
		if cfg, err := h.hk.Config(); err == nil {
			if st, err := geoip.SettingsFrom(h.ctx, cfg); err == nil {
				dir = st.DBFolder
			}
		}
	}
	if dir == "" {
		dir = geoip.DefaultDBFolder
	}
	dir = expandHome(dir)
	db, err := geoip.OpenDir(dir)
	if err != nil {
		h.skip("GeoIP of "+what, fmt.Sprintf("no MaxMind database in %s (huntkit geoip update, or --geoip-dir)", dir))
		return
	}
	defer db.Close()
	in := frame.MustNew(frame.NewStrings("IP", ips))
	f, err := db.EnrichFrame(h.ctx, in, "IP")
	if err != nil {
		h.skip("GeoIP of "+what, err.Error())
		return
	}
	h.say("\n  geoip (MaxMind, %s) for the %s:", dir, what)
	h.note(step, f)
	h.table(f, []string{"IP", "CountryCode", "CountryName", "City", "ASN", "ASOrg"}, len(ips))
}

func expandHome(p string) string {
	if strings.HasPrefix(p, "~") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// Step: the way in - the document's delivery and the cloud account behind it.
func (h *hunt) cloudEntry() {
	s := h.header("The way in: the document and the cloud account that sent it")
	if h.procs != nil {
		// the document Word opened
		var doc string
		c := h.procs.Col("ProcessCommandLine")
		for i := 0; c != nil && i < c.Len(); i++ {
			if l := c.Str(i); strings.Contains(strings.ToLower(l), "winword") {
				for _, part := range strings.Split(l, `"`) {
					if strings.HasSuffix(strings.ToLower(part), ".docm") || strings.HasSuffix(strings.ToLower(part), ".doc") {
						doc = part[strings.LastIndex(part, `\`)+1:]
					}
				}
			}
		}
		if doc != "" {
			h.template(s, "MDE.file_name", map[string]any{"file_name": doc},
				[]string{"Timestamp", "DeviceName", "ActionType", "FolderPath", "InitiatingProcessFileName"}, 3)
		}
	}
	f := h.template(s, "Azure.list_aad_password_spray", nil,
		[]string{"IPAddress", "Location", "Attempts", "Accounts", "PasswordCorrect", "FirstSeen"}, 3)
	if f != nil && f.Len() > 0 {
		h.say("→ a spray from %s; PasswordCorrect lists accounts whose password it guessed", f.Col("IPAddress").Str(0))
	}
	m := h.template(s, "Azure.list_aad_mfa_fatigue", nil,
		[]string{"UserPrincipalName", "IPAddress", "Location", "Denied", "Approved", "FirstDenied", "LastSeen"}, 3)
	if m != nil && m.Len() > 0 {
		h.cloudIPs = column(m, "IPAddress")
		ip := m.Col("IPAddress").Str(0)
		h.say("→ %s denied %s MFA prompts from %s (%s), then approved one", m.Col("UserPrincipalName").Str(0),
			m.Col("Denied").Text(0), ip, m.Col("Location").Str(0))
		h.template(s, "Office365.list_activity_for_ip", map[string]any{"ip_address": ip},
			[]string{"TimeGenerated", "UserId", "Operation", "OfficeObjectId", "Parameters"}, 5)
		h.geoip(s, h.cloudIPs, "attacker sign-in addresses")
	}
}

// Step: the rest of the queue.
func (h *hunt) otherAlerts() {
	s := h.header("The rest of the queue: alerts on Linux servers")
	f := h.template(s, "LinuxSyslog.list_ssh_brute_force", nil,
		[]string{"Computer", "SourceIP", "Failures", "Successes", "Users", "FirstSeen", "Compromised"}, 4)
	if f == nil || f.Len() == 0 {
		return
	}
	host := f.Col("Computer").Str(0)
	if f.Col("Compromised").Bool(0) {
		h.say("→ the source got in to %s; what did it leave behind?", host)
		h.template(s, "LinuxSyslog.list_cron_jobs_summary", map[string]any{"add_query_items": fmt.Sprintf("| where Computer == %q | take 5", host)},
			[]string{"Computer", "User", "Command", "Runs", "FirstSeen"}, 5)
	}
}

// Step: HTML views for the analyst.
func (h *hunt) writeViews() {
	s := h.header("HTML views (vis)")
	if !h.opt.Views {
		h.skip("HTML views", "--views=false")
		return
	}
	out := filepath.Join(h.dir, "report")
	if err := os.MkdirAll(out, 0o755); err != nil {
		h.skip("HTML views", err.Error())
		return
	}
	var written []string
	write := func(name string, fill func(*os.File) error) {
		p := filepath.Join(out, name)
		fh, err := os.Create(p)
		if err != nil {
			h.say("%s: %v", name, err)
			return
		}
		err = fill(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			h.say("%s: %v", name, err)
			_ = os.Remove(p)
			return
		}
		written = append(written, p)
	}
	if h.procs != nil && h.procs.Len() > 0 {
		if tree, err := proctree.Build(h.ctx, h.procs); err == nil {
			write("process_tree.html", func(fh *os.File) error {
				return vis.ProcessTree(fh, tree, vis.Title("Processes around "+h.alertName+" on "+h.alertHost))
			})
		}
		write("processes_timeline.html", func(fh *os.File) error {
			return vis.Timeline(fh, h.procs, vis.Title("Process timeline on "+h.alertHost), vis.TimeColumn("Timestamp"),
				vis.GroupColumn("FileName"), vis.TooltipColumns("ProcessCommandLine", "AccountName"))
		})
	}
	write("alerts.html", func(fh *os.File) error {
		f, err := h.s.Query(h.ctx, "SecurityAlert | order by TimeGenerated asc", huntkit.Window{})
		if err != nil {
			return err
		}
		return vis.DataViewer(fh, f, vis.Title("SecurityAlert"))
	})
	_ = s
	for _, p := range written {
		h.say("wrote %s", p)
	}
}
