package demo

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// site is a popular destination with a stable address.
type site struct {
	name string
	ip   string
	port int
}

var sites = []site{
	{"outlook.office365.com", "52.97.146.162", 443}, {"login.microsoftonline.com", "20.190.159.2", 443},
	{"teams.microsoft.com", "52.113.194.132", 443}, {"contoso.sharepoint.com", "13.107.136.10", 443},
	{"contoso-my.sharepoint.com", "13.107.138.10", 443}, {"www.bing.com", "13.107.21.200", 443},
	{"www.google.com", "142.250.180.4", 443}, {"www.bbc.co.uk", "151.101.0.81", 443},
	{"github.com", "140.82.121.4", 443}, {"www.linkedin.com", "13.107.42.14", 443},
	{"api.salesforce.com", "136.146.32.22", 443}, {"www.gov.uk", "151.101.128.144", 443},
	{"pypi.org", "151.101.64.223", 443}, {"www.xero.com", "104.18.23.150", 443},
	{"docs.python.org", "151.101.192.223", 443}, {"slack.com", "18.169.120.191", 443},
	{"cdn.jsdelivr.net", "104.16.85.20", 443}, {"update.googleapis.com", "142.250.187.227", 443},
	{"ctldl.windowsupdate.com", "93.184.221.240", 80}, {"settings-win.data.microsoft.com", "20.42.73.29", 443},
	{"wdcp.microsoft.com", "20.54.89.15", 443}, {"www.amazon.co.uk", "18.66.57.14", 443},
	{"news.ycombinator.com", "209.216.230.207", 443}, {"www.theguardian.com", "151.101.1.111", 443},
}

var deptApps = map[string][]string{
	"Finance":     {"excel.exe", "excel.exe", "excel.exe", "winword.exe", "acrord32.exe", "msedge.exe", "chrome.exe", "outlook.exe"},
	"HR":          {"winword.exe", "winword.exe", "excel.exe", "acrord32.exe", "msedge.exe", "outlook.exe"},
	"Sales":       {"excel.exe", "powerpnt.exe", "powerpnt.exe", "chrome.exe", "chrome.exe", "winword.exe"},
	"Engineering": {"code.exe", "code.exe", "cmd.exe", "git.exe", "python.exe", "chrome.exe", "powershell.exe"},
	"Legal":       {"winword.exe", "winword.exe", "acrord32.exe", "msedge.exe"},
	"Marketing":   {"powerpnt.exe", "chrome.exe", "chrome.exe", "winword.exe", "excel.exe"},
	"IT":          {"powershell.exe", "cmd.exe", "mstsc.exe", "msedge.exe", "mmc.exe", "notepad.exe"},
}

var devCommands = []string{
	`git.exe pull --ff-only`, `git.exe status`, `git.exe commit -m "fix tests"`, `git.exe push origin HEAD`,
	`python.exe -m pytest -q`, `python.exe manage.py runserver`, `cmd.exe /c npm run build`,
}

var adminCommands = []struct{ key, cmd string }{
	{"ipconfig.exe", "ipconfig /all"}, {"whoami.exe", "whoami"}, {"net.exe", `net group "Domain Admins" /domain`},
	{"nltest.exe", "nltest /dsgetdc:contoso.com"}, {"gpupdate.exe", "gpupdate /force"}, {"sc.exe", "sc query wuauserv"},
	{"tasklist.exe", "tasklist /v"}, {"netstat.exe", "netstat -ano"}, {"nslookup.exe", "nslookup fs01.contoso.com"},
	{"ping.exe", "ping -n 4 sql01"}, {"net.exe", "net user helpdesk.temp /domain"}, {"systeminfo.exe", "systeminfo"},
}

// encodePS encodes a PowerShell script as -EncodedCommand expects: base64 of UTF-16LE.
func encodePS(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, v := range u {
		b[2*i] = byte(v)
		b[2*i+1] = byte(v >> 8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

var monitorScripts = []string{
	`Get-Counter '\Processor(_Total)\% Processor Time' -SampleInterval 1 -MaxSamples 1 | ConvertTo-Json -Compress`,
	`Get-PSDrive -PSProvider FileSystem | Select-Object Name,Used,Free | ConvertTo-Json -Compress`,
	`Get-Service | Where-Object {$_.StartType -eq 'Automatic' -and $_.Status -ne 'Running'} | Select-Object Name | ConvertTo-Json -Compress`,
}

// simulateDay generates one day of background activity.
func (g *gen) simulateDay(day time.Time) {
	weekend := isWeekend(day)
	patchNight := day.Weekday() == time.Tuesday && day.Day() > 7 && day.Day() <= 14
	for _, h := range g.org.WS {
		g.workstationDay(day, h, weekend, patchNight)
	}
	for _, h := range g.org.Servers {
		g.serverDay(day, h, weekend, patchNight)
	}
	g.adminDay(day, weekend)
	for _, h := range g.org.Linux {
		g.linuxDay(day, h, weekend)
	}
	g.signinDay(day, weekend)
	g.officeDay(day, weekend)
	g.internetNoise(day)
	g.heartbeats(day)
}

func (g *gen) systemTasks(day time.Time, h *host, patchNight bool) {
	s := g.sys(h)
	// scheduled maintenance from the Task Scheduler service
	for i := 0; i < 4*g.k; i++ {
		ts := g.at(day, g.r.Float64()*24)
		switch g.intn(4) {
		case 0:
			g.spawn(ts, s.svcSched, "taskhostw.exe", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly")
		case 1:
			g.spawn(ts, s.svcDcom, "backgroundtaskhost.exe", `"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`)
		case 2:
			g.spawn(ts, s.svcSched, "searchprotocolhost.exe", `"C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe1_ Global\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\Microsoft\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)"`)
		case 3:
			g.spawn(ts, s.svcDcom, "wmiprvse.exe", `C:\Windows\system32\wbem\wmiprvse.exe -Embedding`)
		}
	}
	ts := g.at(day, 3+g.r.Float64())
	mp := g.spawn(ts, s.svcSched, "mpcmdrun.exe", `"C:\ProgramData\Microsoft\Windows Defender\platform\4.18.24090.11-0\MpCmdRun.exe" -SignatureUpdate -ScheduleJob -RestrictPrivileges -DailyReport`)
	g.connect(ts.Add(2*time.Second), mp, "20.54.89.15", 443, "wdcp.microsoft.com", 2100, 45000)
	if g.chance(0.3) {
		g.spawn(g.at(day, g.r.Float64()*24), s.svcSched, "compattelrunner.exe", `C:\Windows\system32\compattelrunner.exe -maintenance`)
	}
	if patchNight {
		// Patch Tuesday: the update agent installs the monthly cumulative update.
		ts := g.at(day, 3+g.r.Float64()*0.5)
		wu := g.spawn(ts, s.svcNet, "wuauclt.exe", `"C:\Windows\system32\wuauclt.exe" /RunHandlerComServer`)
		g.connect(ts.Add(3*time.Second), wu, "93.184.221.240", 80, "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/authrootstl.cab", 900, 64000)
		g.spawn(ts.Add(40*time.Second), s.svcDcom, "tiworker.exe", sys32+`..\WinSxS\TiWorker.exe -Embedding`)
		g.spawn(ts.Add(9*time.Minute), s.services, "msiexec.exe", `C:\Windows\system32\msiexec.exe /V`)
	}
}

func (g *gen) workstationDay(day time.Time, h *host, weekend, patchNight bool) {
	g.systemTasks(day, h, patchNight)
	u := h.Owner
	dc := g.org.host(pick(g, []string{"DC01", "DC02"}))
	// computer account authenticates to the DC through the day
	for i := 0; i < 3*g.k; i++ {
		ts := g.at(day, g.r.Float64()*24)
		comp := &account{Sam: h.Name + "$", SID: "S-1-5-21-0-0-0-" + fmt.Sprint(2000+len(h.Name)), Kind: userAcct}
		id := g.logon(ts, dc, comp, 3, h, "", "Kerberos")
		g.logoff(ts.Add(time.Duration(1+g.intn(3))*time.Second), dc, comp, id, 3)
	}
	if weekend && !g.chance(0.08) {
		return
	}
	if g.chance(0.06) { // holiday or sick day
		return
	}
	start := 7.6 + g.r.Float64()*1.8
	end := 16.5 + g.r.Float64()*2
	ts := g.at(day, start)
	// a mistyped password now and then
	if g.chance(0.07) {
		g.logonFailed(ts.Add(-20*time.Second), h, u.Sam, 2, nil, "", statusBadPassword, subBadPassword)
	}
	s := g.sys(h)
	lid := g.logon(ts, h, u, 2, nil, "", "")
	win := s.winlogon.as(u, lid)
	ui := g.spawn(ts.Add(2*time.Second), win, "userinit.exe", `C:\Windows\system32\userinit.exe`)
	ex := g.spawn(ts.Add(3*time.Second), ui, "explorer.exe", `C:\Windows\Explorer.EXE`)
	s.explorer[u.Sam] = ex
	// network logons to the DC and file server for the session
	for _, srv := range []string{dc.Name, "FS01"} {
		t := ts.Add(time.Duration(5+g.intn(40)) * time.Second)
		sh := g.org.host(srv)
		id := g.logon(t, sh, u, 3, h, "", "Kerberos")
		g.logoff(t.Add(time.Duration(2+g.intn(600))*time.Second), sh, u, id, 3)
	}
	od := g.spawn(ts.Add(8*time.Second), ex, "onedrive.exe", `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`)
	g.webConn(ts.Add(12*time.Second), od, h, "contoso-my.sharepoint.com")
	ol := g.spawn(ts.Add(15*time.Second), ex, "outlook.exe", `"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" `)
	tm := g.spawn(ts.Add(17*time.Second), ex, "ms-teams.exe", `"ms-teams.exe" --system-initiated`)
	for i := 0; i < 3*g.k; i++ {
		t := g.at(day, start+g.r.Float64()*(end-start))
		g.webConn(t, ol, h, "outlook.office365.com")
		g.webConn(t.Add(time.Minute), tm, h, "teams.microsoft.com")
	}
	apps := deptApps[h.Dept]
	n := g.between(4, 10) * g.k
	for i := 0; i < n; i++ {
		t := g.at(day, start+0.2+g.r.Float64()*(end-start-0.3))
		key := pick(g, apps)
		g.userApp(t, h, ex, key)
	}
	// lunch lock / unlock
	lt := g.at(day, 12.1+g.r.Float64())
	uid := g.logon(lt.Add(time.Duration(20+g.intn(40))*time.Minute), h, u, 7, nil, "", "")
	g.logoff(lt.Add(time.Duration(21+g.intn(40))*time.Minute), h, u, uid, 7)
	g.logoff(g.at(day, end), h, u, lid, 2)
}

// userApp starts an application from explorer and lets it do what it does.
func (g *gen) userApp(ts time.Time, h *host, ex *proc, key string) {
	switch key {
	case "excel.exe", "winword.exe", "powerpnt.exe":
		docs := map[string][]string{
			"excel.exe":    {"Budget_2026.xlsx", "Forecast_Q4.xlsx", "Timesheet.xlsx", "Pipeline.xlsx"},
			"winword.exe":  {"Contract_Draft.docx", "Meeting_Notes.docx", "Policy_Update.docx", "Offer_Letter.docx"},
			"powerpnt.exe": {"Board_Update.pptx", "Sales_Kickoff.pptx", "Roadmap.pptx"},
		}[key]
		doc := pick(g, docs)
		p := g.spawn(ts, ex, key, fmt.Sprintf(`"%s" /n "C:\Users\%s\OneDrive - Contoso\%s"`, images[key].Path, h.Owner.Sam, doc))
		g.webConn(ts.Add(3*time.Second), p, h, "contoso.sharepoint.com")
		g.fileEvent(ts.Add(time.Duration(60+g.intn(3000))*time.Second), p, "FileModified", `C:\Users\`+h.Owner.Sam+`\OneDrive - Contoso`, doc, int64(20000+g.intn(2000000)), doc+h.Name, "", "")
	case "msedge.exe", "chrome.exe":
		p := g.spawn(ts, ex, key, fmt.Sprintf(`"%s" `, images[key].Path))
		for i := 0; i < g.between(2, 8); i++ {
			st := sites[g.intn(len(sites))]
			g.webConn(ts.Add(time.Duration(1+g.intn(1800))*time.Second), p, h, st.name)
		}
		if g.chance(0.15) {
			name := pick(g, []string{"invoice_8812.pdf", "statement.pdf", "python-3.12.7-amd64.exe", "slides.pdf", "report.csv"})
			g.fileEvent(ts.Add(time.Duration(60+g.intn(600))*time.Second), p, "FileCreated", `C:\Users\`+h.Owner.Sam+`\Downloads`, name, int64(50000+g.intn(9000000)), name, "https://"+pick(g, sites).name+"/"+name, "")
		}
	case "acrord32.exe", "notepad.exe", "mmc.exe":
		cmd := fmt.Sprintf(`"%s"`, images[key].Path)
		if key == "mmc.exe" {
			cmd = `"C:\Windows\system32\mmc.exe" "C:\Windows\system32\dsa.msc"`
		}
		g.spawn(ts, ex, key, cmd)
	case "mstsc.exe":
		srv := pick(g, g.org.Servers)
		g.spawn(ts, ex, key, `"C:\Windows\system32\mstsc.exe" /v:`+srv.Name)
	case "code.exe":
		p := g.spawn(ts, ex, key, fmt.Sprintf(`"C:\Users\%s\AppData\Local\Programs\Microsoft VS Code\Code.exe"`, h.Owner.Sam))
		g.webConn(ts.Add(5*time.Second), p, h, "github.com")
	case "git.exe", "python.exe":
		c := g.spawn(ts, ex, "cmd.exe", `"C:\Windows\system32\cmd.exe"`)
		cmd := pick(g, devCommands)
		k := "git.exe"
		if strings.HasPrefix(cmd, "python") {
			k = "python.exe"
		} else if strings.HasPrefix(cmd, "cmd") {
			k = "cmd.exe"
		}
		p := g.spawn(ts.Add(time.Duration(5+g.intn(300))*time.Second), c, k, cmd)
		if k == "git.exe" {
			g.webConn(p.created.Add(time.Second), p, h, "github.com")
		} else if k == "python.exe" {
			g.webConn(p.created.Add(time.Second), p, h, "pypi.org")
		}
	case "cmd.exe", "powershell.exe":
		var c *proc
		if key == "cmd.exe" {
			c = g.spawn(ts, ex, key, `"C:\Windows\system32\cmd.exe"`)
		} else {
			c = g.spawn(ts, ex, key, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`)
		}
		if h.Dept == "IT" || g.chance(0.3) {
			ac := pick(g, adminCommands)
			g.spawn(ts.Add(time.Duration(10+g.intn(600))*time.Second), c, ac.key, ac.cmd)
		}
	default:
		g.spawn(ts, ex, key, fmt.Sprintf(`"%s"`, images[key].Path))
	}
}

// webConn connects p to a named site, with DNS and firewall records.
func (g *gen) webConn(ts time.Time, p *proc, h *host, name string) {
	var st site
	for _, s := range sites {
		if s.name == name {
			st = s
			break
		}
	}
	if st.name == "" {
		st = sites[0]
	}
	if g.chance(0.35) {
		g.dnsQuery(ts.Add(-40*time.Millisecond), h, st.name, st.ip, 0)
	}
	g.connect(ts, p, st.ip, st.port, st.name, int64(800+g.intn(40000)), int64(2000+g.intn(900000)))
}

func (g *gen) serverDay(day time.Time, h *host, weekend, patchNight bool) {
	g.systemTasks(day, h, patchNight)
	s := g.sys(h)
	app := g.org.host("APP01")
	mon := g.org.acct("svc_monitor")
	// monitoring over WinRM every hour: encoded, benign PowerShell
	for probe := 0; probe < 24*g.k; probe++ {
		ts := g.at(day, float64(probe)/float64(g.k)+0.05)
		hr := probe
		id := g.logon(ts, h, mon, 3, app, "", "Kerberos")
		wsm := g.spawn(ts.Add(time.Second), s.svcDcom.as(mon, id), "wsmprovhost.exe", `C:\Windows\system32\wsmprovhost.exe -Embedding`)
		script := monitorScripts[hr%len(monitorScripts)]
		g.spawn(ts.Add(2*time.Second), wsm, "powershell.exe", "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "+encodePS(script))
		g.logoff(ts.Add(9*time.Second), h, mon, id, 3)
	}
	// nightly backup
	bk := g.org.acct("svc_backup")
	ts := g.at(day, 1+g.r.Float64()*0.5)
	id := g.logon(ts, h, bk, 3, app, "", "Kerberos")
	g.logoff(ts.Add(time.Duration(20+g.intn(60))*time.Minute), h, bk, id, 3)
	switch h.Role {
	case "app":
		agent := g.spawn(g.at(day, 1), s.services.as(bk, id), "bagent.exe", `"C:\Program Files\Fabrikam Backup\bagent.exe" --job nightly --target \\backup-nas01\vault`)
		for _, t := range g.org.Servers {
			g.connect(agent.created.Add(time.Duration(g.intn(600))*time.Second), agent, t.IP, 445, "", 2000, 1000)
		}
		// a retired print service account still configured on APP01 fails every few hours
		for hr := 2; hr < 24; hr += 4 {
			dc := g.org.host("DC01")
			g.logonFailed(g.at(day, float64(hr)), dc, "svc_print", 3, app, "", statusBadPassword, subBadPassword)
		}
		// the web tier queries SQL through the day
		web := g.org.acct("svc_web")
		for hr := 0; hr < 24; hr += 2 {
			t := g.at(day, float64(hr))
			sql := g.org.host("SQL01")
			lid := g.logon(t, sql, web, 3, h, "", "Kerberos")
			g.logoff(t.Add(time.Duration(30+g.intn(1800))*time.Second), sql, web, lid, 3)
		}
	case "dc":
		sync := g.org.acct("svc_adsync")
		if h.Name == "DC01" {
			for hr := 0; hr < 24; hr++ {
				for _, m := range []float64{0, 0.5} {
					t := g.at(day, float64(hr)+m)
					lid := g.logon(t, h, sync, 3, app, "", "Kerberos")
					g.logoff(t.Add(4*time.Second), h, sync, lid, 3)
				}
			}
		}
	case "sql":
		if patchNight {
			sq := g.org.acct("svc_sql")
			t := g.at(day, 4)
			lid := g.logon(t, h, sq, 5, nil, "", "")
			g.spawn(t.Add(time.Second), s.services.as(sq, lid), "sqlservr.exe", `"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER`)
		}
	}
	// weekly credentialed vulnerability scan on Saturday night
	if day.Weekday() == time.Saturday {
		scan := g.org.acct("svc_scan")
		scanner := "10.20.0.50"
		for _, t := range g.org.Win {
			ts := g.at(day, 2+g.r.Float64())
			if t != h {
				continue
			}
			lid := g.logon(ts, t, scan, 3, nil, scanner, "NTLM")
			g.logoff(ts.Add(3*time.Minute), t, scan, lid, 3)
			for _, u := range []string{"administrator", "guest"} {
				g.logonFailed(ts.Add(time.Duration(10+g.intn(60))*time.Second), t, u, 3, nil, scanner, statusBadPassword, subBadPassword)
			}
		}
	}
}

// adminDay: IT admins use their privileged accounts on servers during working days,
// including some of the same discovery commands attackers use.
func (g *gen) adminDay(day time.Time, weekend bool) {
	if weekend {
		return
	}
	sessions := g.between(2, 5)
	for i := 0; i < sessions; i++ {
		adm := pick(g, g.org.Admins)
		srv := pick(g, g.org.Servers)
		var from *host
		for _, u := range g.org.Users {
			if u.WS != nil && u.Dept == "IT" && strings.HasSuffix(adm.Sam, strings.ToLower(strings.SplitN(u.Sam, ".", 2)[1])) {
				from = u.WS
			}
		}
		if from == nil {
			from = pick(g, g.org.WS)
		}
		ts := g.at(day, 9+g.r.Float64()*7.5)
		lid := g.logon(ts, srv, adm, 10, from, "", "")
		s := g.sys(srv)
		win := s.winlogon.as(adm, lid)
		ui := g.spawn(ts.Add(2*time.Second), win, "userinit.exe", `C:\Windows\system32\userinit.exe`)
		ex := g.spawn(ts.Add(3*time.Second), ui, "explorer.exe", `C:\Windows\Explorer.EXE`)
		g.spawn(ts.Add(4*time.Second), ex, "rdpclip.exe", "rdpclip")
		g.spawn(ts.Add(9*time.Second), ex, "servermanager.exe", `"C:\Windows\system32\ServerManager.exe"`)
		ps := g.spawn(ts.Add(time.Duration(30+g.intn(300))*time.Second), ex, "powershell.exe", `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`)
		for j := 0; j < g.between(1, 4); j++ {
			ac := pick(g, adminCommands)
			g.spawn(ps.created.Add(time.Duration(20+g.intn(900))*time.Second), ps, ac.key, ac.cmd)
		}
		if srv.Role == "dc" && g.chance(0.5) {
			g.spawn(ts.Add(time.Duration(60+g.intn(900))*time.Second), ex, "mmc.exe", `"C:\Windows\system32\mmc.exe" "C:\Windows\system32\dsa.msc"`)
		}
		g.logoff(ts.Add(time.Duration(15+g.intn(90))*time.Minute), srv, adm, lid, 10)
	}
	// helpdesk: a new starter's account, added to the remote desktop users group
	if day.Sub(g.start) == 2*24*time.Hour {
		adm := g.org.Admins[0]
		dc := g.org.host("DC01")
		ts := g.at(day, 10)
		newSam := "jo.bloggs"
		g.secEvent(ts, dc, 4720, 13824, "A user account was created.", adm, 0x2a51f3,
			"TargetAccount", Domain+`\`+newSam, "TargetUserName", newSam, "TargetDomainName", Domain,
			"TargetSid", "S-1-5-21-9-9-9-1290", "SamAccountName", newSam, "UserPrincipalName", newSam+"@"+DNSDomain,
			"DisplayName", "Jo Bloggs")
		g.secEvent(ts.Add(40*time.Second), dc, 4732, 13826, "A member was added to a security-enabled local group.", adm, 0x2a51f3,
			"MemberName", "CN=Jo Bloggs,OU=Users,OU=Contoso,DC=contoso,DC=com", "MemberSid", "S-1-5-21-9-9-9-1290",
			"TargetUserName", "Remote Desktop Users", "TargetDomainName", "Builtin", "TargetSid", "S-1-5-32-555",
			"TargetAccount", `Builtin\Remote Desktop Users`)
	}
}
