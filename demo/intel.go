package demo

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

var tiWords = []string{"secure", "login", "update", "cdn", "files", "portal", "verify", "account", "docs", "share", "office", "billing", "support", "cloud", "sync", "mail"}
var tiTLDs = []string{"top", "xyz", "info", "online", "site", "club", "live", "icu"}
var tiThreats = []string{"Botnet", "C2", "MaliciousUrl", "Phishing", "Malware", "WatchList"}

// intel writes the threat-intelligence feed: background indicators from a commercial feed
// plus a few that match the intrusion (not all of them: the exfiltration address is new).
func (g *gen) intel(p *attackPlan) {
	ts0 := g.start.Add(-10 * 24 * time.Hour)
	add := func(ts time.Time, kv ...any) {
		base := []any{"SourceSystem", "Microsoft Defender Threat Intelligence", "Action", "alert", "Active", true,
			"IndicatorId", "indicator--" + guid(g.r), "ExternalIndicatorId", guid(g.r), "TrafficLightProtocolLevel", "amber",
			"ExpirationDateTime", ts.Add(90 * 24 * time.Hour)}
		g.tables[TThreatIntel].add(ts, append(base, kv...)...)
	}
	n := 300
	for i := 0; i < n; i++ {
		ts := ts0.Add(time.Duration(g.intn(int(g.end.Sub(ts0)/time.Minute))) * time.Minute)
		threat := pick(g, tiThreats)
		conf := float64(40 + g.intn(60))
		switch g.intn(4) {
		case 0, 1:
			add(ts, "NetworkIP", g.randomInternetIP(), "ThreatType", threat, "ConfidenceScore", conf, "ThreatSeverity", 1+g.intn(5),
				"Description", threat+" infrastructure", "Tags", `["feed:commercial"]`)
		case 2:
			d := pick(g, tiWords) + "-" + pick(g, tiWords) + "." + pick(g, tiTLDs)
			add(ts, "DomainName", d, "Url", "http://"+d+"/"+hexString(g.r, 3), "ThreatType", threat, "ConfidenceScore", conf,
				"ThreatSeverity", 1+g.intn(5), "Description", threat+" domain", "Tags", `["feed:commercial"]`)
		case 3:
			add(ts, "FileHashType", "SHA256", "FileHashValue", hexString(g.r, 32), "FileName", pick(g, tiWords)+".exe",
				"ThreatType", "Malware", "ConfidenceScore", conf, "ThreatSeverity", 2+g.intn(4), "Description", "Malware sample", "Tags", `["feed:commercial"]`)
		}
	}
	known := p.day.Add(-5 * 24 * time.Hour)
	if known.Before(ts0) {
		known = ts0
	}
	add(known, "NetworkIP", p.c2IP, "ThreatType", "C2", "ConfidenceScore", 85.0, "ThreatSeverity", 5,
		"Description", "Cobalt Strike-like HTTPS beacon infrastructure", "Tags", `["feed:commercial","apt"]`)
	add(known.Add(time.Hour), "DomainName", p.c2Domain, "Url", "http://"+p.c2Domain+"/q4/inv.ps1", "ThreatType", "MaliciousUrl",
		"ConfidenceScore", 80.0, "ThreatSeverity", 4, "Description", "Invoice-themed phishing payload host", "Tags", `["feed:commercial","phishing"]`)
	add(known.Add(2*time.Hour), "FileHashType", "SHA256", "FileHashValue", p.implantSHA256, "FileName", "winupd.exe",
		"ThreatType", "Malware", "ConfidenceScore", 90.0, "ThreatSeverity", 5, "Description", "Loader masquerading as a Windows update helper", "Tags", `["feed:commercial"]`)
	add(known.Add(3*time.Hour), "NetworkIP", p.sprayIP, "ThreatType", "Botnet", "ConfidenceScore", 60.0, "ThreatSeverity", 3,
		"Description", "Password spraying source", "Tags", `["feed:commercial"]`)
	g.tables[TThreatIntel].flush()
}

type entity map[string]any

func (g *gen) alert(a plannedAlert) string {
	id := guid(g.r)
	var ents []entity
	n := 2
	comp := ""
	if a.host != "" {
		ents = append(ents, entity{"$id": fmt.Sprint(n), "HostName": a.host, "DnsDomain": DNSDomain, "Type": "host"})
		n++
		comp = a.host
	}
	if a.account != "" {
		name, suffix, isUPN := strings.Cut(a.account, "@")
		e := entity{"$id": fmt.Sprint(n), "Name": name, "Type": "account"}
		if isUPN {
			e["UPNSuffix"] = suffix
		} else {
			e["NTDomain"] = Domain
		}
		ents = append(ents, e)
		n++
		if comp == "" {
			comp = a.account
		}
	}
	if a.ip != "" {
		ents = append(ents, entity{"$id": fmt.Sprint(n), "Address": a.ip, "Type": "ip"})
		n++
	}
	if a.process != "" {
		ents = append(ents, entity{"$id": fmt.Sprint(n), "CommandLine": a.process, "Type": "process"})
	}
	eb, _ := json.Marshal(ents)
	vendor, provider, component := "Microsoft", "MDATP", ""
	switch {
	case strings.Contains(a.product, "Identity Protection"):
		provider, component = "IPC", "Identity Protection"
	case a.product == "Azure Sentinel":
		provider, component = "ASI Scheduled Alerts", "Scheduled Alerts"
	case strings.Contains(a.product, "Security Center"):
		provider, component = "Azure Security Center", "Servers"
	}
	props, _ := json.Marshal(map[string]string{"Stage": a.stage, "MitreTechniques": a.techniques})
	if a.stage == "" {
		props, _ = json.Marshal(map[string]string{"MitreTechniques": a.techniques})
	}
	g.tables[TSecurityAlert].add(a.t,
		"DisplayName", a.name, "AlertName", a.name, "AlertSeverity", a.severity, "Description", a.desc,
		"ProviderName", provider, "VendorName", vendor, "VendorOriginalId", hexString(g.r, 8), "SystemAlertId", id,
		"ResourceId", "", "SourceComputerId", "", "AlertType", strings.ReplaceAll(a.name, " ", ""),
		"ConfidenceLevel", "Unknown", "IsIncident", false, "StartTime", a.t.Add(-2*time.Minute), "EndTime", a.t.Add(-time.Minute),
		"ProcessingEndTime", a.t.Add(time.Minute), "RemediationSteps", `["Investigate the entities involved."]`,
		"ExtendedProperties", string(props), "Entities", string(eb), "SourceSystem", "Detection",
		"ProductName", a.product, "ProductComponentName", component, "AlertLink", "https://security.microsoft.com/alerts/"+id,
		"Status", "New", "CompromisedEntity", comp, "Tactics", a.tactics, "Techniques", a.techniques)
	return id
}

// alertsAndIncidents writes the alerts of the plan and background alerts, and incidents.
func (g *gen) alertsAndIncidents(p *attackPlan) {
	// SSH brute force alert from Defender for Servers
	web := g.org.host("web01")
	var sshEnd time.Time
	if st := p.stages[StageSSHBruteForce]; st != nil && len(st.Events) > 0 {
		sshEnd = st.Events[0].Time.Add(40 * time.Minute)
	}
	p.alerts = append(p.alerts, plannedAlert{t: sshEnd, name: "Failed SSH brute force attack", severity: "Medium",
		product: "Azure Security Center", desc: "Many failed SSH authentication attempts from one address were followed by a successful login.",
		host: web.Name, ip: p.sshIP, tactics: "PreAttack", techniques: "T1110.001", stage: StageSSHBruteForce})
	// background: true and false positives analysts see every week
	var noise []plannedAlert
	for d := 0; d < g.opt.Days; d++ {
		day := g.start.AddDate(0, 0, d)
		if g.chance(0.6) {
			h := pick(g, g.org.WS)
			noise = append(noise, plannedAlert{t: g.at(day, g.workHour()), name: "EICAR test file detected", severity: "Informational",
				product: "Microsoft Defender Advanced Threat Protection", desc: "The EICAR anti-malware test file was detected and quarantined.",
				host: h.Name, account: h.Owner.Sam, tactics: "Execution", techniques: ""})
		}
		if g.chance(0.4) {
			u := pick(g, g.org.Users)
			noise = append(noise, plannedAlert{t: g.at(day, g.workHour()), name: "Atypical travel", severity: "Low",
				product: "Azure Active Directory Identity Protection", desc: "Sign-ins from geographically distant locations within a short time.",
				account: u.UPN, ip: pick(g, travelIPs), tactics: "InitialAccess", techniques: "T1078"})
		}
		if g.chance(0.3) {
			h := pick(g, g.org.Servers)
			noise = append(noise, plannedAlert{t: g.at(day, g.workHour()), name: "Suspicious PowerShell command line", severity: "Low",
				product: "Microsoft Defender Advanced Threat Protection", desc: "PowerShell ran an encoded command (monitoring script).",
				host: h.Name, account: "svc_monitor", process: "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encodePS(monitorScripts[0]),
				tactics: "Execution", techniques: "T1059.001"})
		}
	}
	all := append(append([]plannedAlert{}, p.alerts...), noise...)
	var intrusion []string
	var incidentAlerts [][2]string // id, name
	for i, a := range all {
		id := g.alert(a)
		if i < len(p.alerts) {
			intrusion = append(intrusion, id)
		} else {
			incidentAlerts = append(incidentAlerts, [2]string{id, a.name})
		}
	}
	g.tables[TSecurityAlert].flush()
	// incidents: one for the intrusion, and one per background alert (closed as benign)
	num := 100 + g.intn(200)
	inc := func(ts time.Time, title, sev, status, class string, alertIDs []string, first, last time.Time) {
		num++
		var closed any
		if status == "Closed" {
			closed = ts.Add(6 * time.Hour)
		}
		ids := make([]any, len(alertIDs))
		for i, a := range alertIDs {
			ids[i] = a
		}
		name := guid(g.r)
		g.tables[TSecurityIncident].add(ts, "IncidentName", name, "Title", title, "Description", "",
			"Severity", sev, "Status", status, "Classification", class, "ClassificationComment", "", "ClassificationReason", "",
			"Owner", map[string]any{"objectId": nil, "email": nil, "assignedTo": nil, "userPrincipalName": nil},
			"ProviderName", "Azure Sentinel", "ProviderIncidentId", fmt.Sprint(num), "FirstActivityTime", first,
			"LastActivityTime", last, "FirstModifiedTime", ts, "LastModifiedTime", ts, "CreatedTime", ts, "ClosedTime", closed,
			"IncidentNumber", num, "AlertIds", ids, "RelatedAnalyticRuleIds", []any{guid(g.r)}, "Labels", []any{},
			"IncidentUrl", "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/"+name,
			"ModifiedBy", "Incident created from alert", "SourceSystem", "Azure")
	}
	for i, a := range incidentAlerts {
		t := all[len(p.alerts)+i].t
		inc(t.Add(time.Minute), a[1], all[len(p.alerts)+i].severity, "Closed", "BenignPositive", []string{a[0]}, t, t)
	}
	var first, last time.Time
	for _, a := range p.alerts {
		if first.IsZero() || a.t.Before(first) {
			first = a.t
		}
		if a.t.After(last) {
			last = a.t
		}
	}
	inc(last.Add(2*time.Minute), "Multi-stage attack involving credential access and lateral movement on "+p.ws.Name, "High", "New", "",
		intrusion, first, last)
	g.tables[TSecurityIncident].flush()
}

// feed builds a partner (ISAC) threat feed as CSV rows: ioc, type, severity, description,
// tags. It shares some indicators with the intrusion - the exfiltration address among
// them, which the Sentinel TI table does not have - and many that never appear.
func (g *gen) feed(p *attackPlan) [][]string {
	rows := [][]string{{"ioc", "type", "severity", "description", "tags"}}
	for i := 0; i < 60; i++ {
		switch g.intn(3) {
		case 0:
			rows = append(rows, []string{g.randomInternetIP(), "ipv4", pick(g, []string{"high", "warning"}), "scanning / brute force source", "isac"})
		case 1:
			d := pick(g, tiWords) + pick(g, tiWords) + "." + pick(g, tiTLDs)
			rows = append(rows, []string{d, "dns", "high", "phishing kit host", "isac;phishing"})
		default:
			rows = append(rows, []string{hexString(g.r, 32), "sha256_hash", "high", "commodity loader", "isac;malware"})
		}
	}
	rows = append(rows,
		[]string{p.c2Domain, "dns", "high", "invoice-themed loader distribution", "isac;phishing"},
		[]string{p.exfilIP, "ipv4", "high", "exfiltration staging server (rclone/HTTPS uploads)", "isac;exfiltration"},
		[]string{p.sshIP, "ipv4", "warning", "SSH brute force botnet node", "isac;bruteforce"},
		[]string{p.implantSHA256, "sha256_hash", "high", "winupd.exe loader", "isac;malware"},
	)
	// shuffle so the planted rows are not at the end
	body := rows[1:]
	g.r.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	return rows
}
