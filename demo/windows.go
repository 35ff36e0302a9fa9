package demo

import (
	"fmt"
	"strings"
	"time"
)

// image describes an executable: where it lives and its version info.
type image struct {
	Path    string
	Company string
	Product string
	Desc    string
	Size    int64
}

const (
	msCompany = "Microsoft Corporation"
	winProd   = "Microsoft® Windows® Operating System"
	sys32     = `C:\Windows\System32\`
)

var images = map[string]image{
	"system":                 {"", "", "", "", 0},
	"smss.exe":               {sys32 + "smss.exe", msCompany, winProd, "Windows Session Manager", 157000},
	"wininit.exe":            {sys32 + "wininit.exe", msCompany, winProd, "Windows Start-Up Application", 430000},
	"winlogon.exe":           {sys32 + "winlogon.exe", msCompany, winProd, "Windows Logon Application", 906000},
	"services.exe":           {sys32 + "services.exe", msCompany, winProd, "Services and Controller app", 710000},
	"lsass.exe":              {sys32 + "lsass.exe", msCompany, winProd, "Local Security Authority Process", 60000},
	"svchost.exe":            {sys32 + "svchost.exe", msCompany, winProd, "Host Process for Windows Services", 55000},
	"userinit.exe":           {sys32 + "userinit.exe", msCompany, winProd, "Userinit Logon Application", 30000},
	"explorer.exe":           {`C:\Windows\explorer.exe`, msCompany, winProd, "Windows Explorer", 5500000},
	"rdpclip.exe":            {sys32 + "rdpclip.exe", msCompany, winProd, "RDP Clipboard Monitor", 420000},
	"cmd.exe":                {sys32 + "cmd.exe", msCompany, winProd, "Windows Command Processor", 289000},
	"conhost.exe":            {sys32 + "conhost.exe", msCompany, winProd, "Console Window Host", 860000},
	"powershell.exe":         {sys32 + `WindowsPowerShell\v1.0\powershell.exe`, msCompany, winProd, "Windows PowerShell", 448000},
	"wsmprovhost.exe":        {sys32 + "wsmprovhost.exe", msCompany, winProd, "Host process for WinRM plug-ins", 58000},
	"wmiprvse.exe":           {sys32 + `wbem\WmiPrvSE.exe`, msCompany, winProd, "WMI Provider Host", 496000},
	"taskhostw.exe":          {sys32 + "taskhostw.exe", msCompany, winProd, "Host Process for Windows Tasks", 101000},
	"backgroundtaskhost.exe": {sys32 + "backgroundTaskHost.exe", msCompany, winProd, "Background Task Host", 34000},
	"searchprotocolhost.exe": {sys32 + "SearchProtocolHost.exe", msCompany, winProd, "Microsoft Windows Search Protocol Host", 410000},
	"compattelrunner.exe":    {sys32 + "CompatTelRunner.exe", msCompany, winProd, "Microsoft Compatibility Telemetry", 200000},
	"mpcmdrun.exe":           {`C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe`, msCompany, "Microsoft Malware Protection", "Microsoft Malware Protection Command Line Utility", 1500000},
	"wuauclt.exe":            {sys32 + "wuauclt.exe", msCompany, winProd, "Windows Update", 98000},
	"tiworker.exe":           {`C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.4385_none_7c1a40f2c1a5d1a4\TiWorker.exe`, msCompany, winProd, "Windows Modules Installer Worker", 230000},
	"msiexec.exe":            {sys32 + "msiexec.exe", msCompany, winProd, "Windows® installer", 69000},
	"gpupdate.exe":           {sys32 + "gpupdate.exe", msCompany, winProd, "Microsoft® Windows Group Policy Update Utility", 31000},
	"ipconfig.exe":           {sys32 + "ipconfig.exe", msCompany, winProd, "IP Configuration Utility", 36000},
	"whoami.exe":             {sys32 + "whoami.exe", msCompany, winProd, "whoami - displays logged on user information", 74000},
	"net.exe":                {sys32 + "net.exe", msCompany, winProd, "Net Command", 57000},
	"net1.exe":               {sys32 + "net1.exe", msCompany, winProd, "Net Command", 180000},
	"nltest.exe":             {sys32 + "nltest.exe", msCompany, winProd, "Microsoft® Logon Server Test Utility", 470000},
	"systeminfo.exe":         {sys32 + "systeminfo.exe", msCompany, winProd, "Displays system information", 95000},
	"tasklist.exe":           {sys32 + "tasklist.exe", msCompany, winProd, "Lists the current running tasks", 96000},
	"netstat.exe":            {sys32 + "NETSTAT.EXE", msCompany, winProd, "TCP/IP Netstat Command", 40000},
	"nslookup.exe":           {sys32 + "nslookup.exe", msCompany, winProd, "nslookup", 98000},
	"ping.exe":               {sys32 + "PING.EXE", msCompany, winProd, "TCP/IP Ping Command", 22000},
	"sc.exe":                 {sys32 + "sc.exe", msCompany, winProd, "Service Control Manager Configuration Tool", 71000},
	"schtasks.exe":           {sys32 + "schtasks.exe", msCompany, winProd, "Task Scheduler Configuration Tool", 235000},
	"wmic.exe":               {sys32 + `wbem\WMIC.exe`, msCompany, winProd, "WMI Commandline Utility", 571000},
	"rundll32.exe":           {sys32 + "rundll32.exe", msCompany, winProd, "Windows host process (Rundll32)", 71000},
	"reg.exe":                {sys32 + "reg.exe", msCompany, winProd, "Registry Console Tool", 76000},
	"wevtutil.exe":           {sys32 + "wevtutil.exe", msCompany, winProd, "Eventing Command Line Utility", 232000},
	"mmc.exe":                {sys32 + "mmc.exe", msCompany, winProd, "Microsoft Management Console", 2000000},
	"mstsc.exe":              {sys32 + "mstsc.exe", msCompany, winProd, "Remote Desktop Connection", 1400000},
	"servermanager.exe":      {sys32 + "ServerManager.exe", msCompany, winProd, "Server Manager", 1600000},
	"notepad.exe":            {sys32 + "notepad.exe", msCompany, winProd, "Notepad", 201000},
	"outlook.exe":            {`C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, msCompany, "Microsoft Outlook", "Microsoft Outlook", 42000000},
	"winword.exe":            {`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, msCompany, "Microsoft Office", "Microsoft Word", 1900000},
	"excel.exe":              {`C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`, msCompany, "Microsoft Office", "Microsoft Excel", 69000000},
	"powerpnt.exe":           {`C:\Program Files\Microsoft Office\root\Office16\POWERPNT.EXE`, msCompany, "Microsoft Office", "Microsoft PowerPoint", 1900000},
	"ms-teams.exe":           {`C:\Program Files\WindowsApps\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\ms-teams.exe`, msCompany, "Microsoft Teams", "Microsoft Teams", 1200000},
	"onedrive.exe":           {`C:\Program Files\Microsoft OneDrive\OneDrive.exe`, msCompany, "Microsoft OneDrive", "Microsoft OneDrive", 3700000},
	"msedge.exe":             {`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, msCompany, "Microsoft Edge", "Microsoft Edge", 4100000},
	"chrome.exe":             {`C:\Program Files\Google\Chrome\Application\chrome.exe`, "Google LLC", "Google Chrome", "Google Chrome", 3100000},
	"acrord32.exe":           {`C:\Program Files\Adobe\Acrobat DC\Acrobat\AcroRd32.exe`, "Adobe Inc.", "Adobe Acrobat", "Adobe Acrobat", 3400000},
	"code.exe":               {`C:\Users\%USER%\AppData\Local\Programs\Microsoft VS Code\Code.exe`, msCompany, "Visual Studio Code", "Visual Studio Code", 160000000},
	"git.exe":                {`C:\Program Files\Git\cmd\git.exe`, "The Git Development Community", "Git", "Git for Windows", 46000},
	"python.exe":             {`C:\Program Files\Python312\python.exe`, "Python Software Foundation", "Python", "Python", 103000},
	"sqlservr.exe":           {`C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe`, msCompany, "Microsoft SQL Server", "SQL Server Windows NT - 64 Bit", 460000},
	"bagent.exe":             {`C:\Program Files\Fabrikam Backup\bagent.exe`, "Fabrikam Software Ltd", "Fabrikam Backup Agent", "Backup agent", 5200000},
	"dsac.exe":               {sys32 + "dsac.exe", msCompany, winProd, "Active Directory Administrative Center", 900000},
}

// fileName returns the on-disk casing of an image's file name.
func (im image) fileName(key string) string {
	if im.Path == "" {
		return key
	}
	return im.Path[strings.LastIndex(im.Path, `\`)+1:]
}

// proc is a running process on a simulated Windows host.
type proc struct {
	h                 *host
	pid               int64
	key               string // lower-case image key
	name              string // FileName
	path              string
	cmd               string
	user              *account // nil: the machine account (SYSTEM)
	logonID           int64
	created           time.Time
	parent            *proc
	elevation         string // TokenElevationTypeDefault / Limited / Full
	integrity         string // Low, Medium, High, System
	im                image
	md5, sha1, sha256 string
}

// sysProcs are the long-lived processes of a host, parents of most activity.
type sysProcs struct {
	system, services, lsass, winlogon, svcSched, svcDcom, svcNet, wmiprvse *proc
	explorer                                                               map[string]*proc
}

// bootTime is when every simulated host last booted (before the observed window).
func (g *gen) bootTime() time.Time { return g.start.Add(-36 * time.Hour) }

func (g *gen) sys(h *host) *sysProcs {
	if s := g.sysp[h.Name]; s != nil {
		return s
	}
	boot := g.bootTime()
	mk := func(key, cmd string, parent *proc, pid int64) *proc {
		p := g.newProc(h, parent, key, cmd, nil, boot, pid)
		return p
	}
	s := &sysProcs{explorer: map[string]*proc{}}
	s.system = mk("system", "", nil, 4)
	smss := mk("smss.exe", `\SystemRoot\System32\smss.exe`, s.system, 400+4*int64(g.intn(20)))
	wininit := mk("wininit.exe", "wininit.exe", smss, 560+4*int64(g.intn(20)))
	s.winlogon = mk("winlogon.exe", "winlogon.exe", smss, 620+4*int64(g.intn(20)))
	s.services = mk("services.exe", sys32+"services.exe", wininit, 700+4*int64(g.intn(10)))
	s.lsass = mk("lsass.exe", sys32+"lsass.exe", wininit, 740+4*int64(g.intn(10)))
	s.svcDcom = mk("svchost.exe", sys32+"svchost.exe -k DcomLaunch -p", s.services, 900+4*int64(g.intn(30)))
	s.svcSched = mk("svchost.exe", sys32+"svchost.exe -k netsvcs -p -s Schedule", s.services, 1200+4*int64(g.intn(60)))
	s.svcNet = mk("svchost.exe", sys32+"svchost.exe -k NetworkService -p", s.services, 1500+4*int64(g.intn(60)))
	s.wmiprvse = mk("wmiprvse.exe", sys32+`wbem\wmiprvse.exe -secured -Embedding`, s.svcDcom, 3000+4*int64(g.intn(300)))
	g.sysp[h.Name] = s
	return s
}

// newProc builds a process without emitting events.
func (g *gen) newProc(h *host, parent *proc, key, cmd string, user *account, ts time.Time, pid int64) *proc {
	im, ok := images[key]
	if !ok {
		panic("demo: unknown image " + key)
	}
	return g.newProcImage(h, parent, key, im, cmd, user, ts, pid)
}

func (g *gen) newProcImage(h *host, parent *proc, key string, im image, cmd string, user *account, ts time.Time, pid int64) *proc {
	p := &proc{h: h, pid: pid, key: key, im: im, cmd: cmd, user: user, created: ts, parent: parent}
	p.path = im.Path
	if user != nil {
		p.path = strings.ReplaceAll(p.path, "%USER%", user.Sam)
	}
	p.name = im.fileName(key)
	if key == "system" {
		p.name = "System"
	}
	p.md5, p.sha1, p.sha256 = fileHashes(strings.ToLower(p.name) + "|" + im.Product + "|" + h.OSVer)
	if hs, ok := g.hashes[im.Path]; ok {
		p.md5, p.sha1, p.sha256 = hs[0], hs[1], hs[2]
	}
	if user == nil {
		p.logonID = 0x3e7
		p.elevation, p.integrity = "TokenElevationTypeDefault", "System"
	} else {
		p.elevation, p.integrity = "TokenElevationTypeLimited", "Medium"
		if user.Kind != userAcct {
			p.elevation, p.integrity = "TokenElevationTypeFull", "High"
		}
	}
	return p
}

// spawn starts a child process of parent at ts, emitting the 4688 event and the Defender
// process event. user nil inherits the parent's user.
func (g *gen) spawn(ts time.Time, parent *proc, key, cmd string) *proc {
	im, ok := images[key]
	if !ok {
		panic("demo: unknown image " + key)
	}
	return g.spawnImage(ts, parent, key, im, cmd)
}

func (g *gen) spawnImage(ts time.Time, parent *proc, key string, im image, cmd string) *proc {
	h := parent.h
	p := g.newProcImage(h, parent, key, im, cmd, parent.user, ts, g.pid(h))
	p.logonID = parent.logonID
	p.elevation, p.integrity = parent.elevation, parent.integrity
	if parent.key == "services.exe" || parent.key == "svchost.exe" && parent.user == nil {
		p.elevation, p.integrity = "TokenElevationTypeDefault", "System"
	}
	g.emitProcess(p)
	return p
}

// as returns a copy of p running as another user (a new logon session).
func (p *proc) as(a *account, logonID int64) *proc {
	q := *p
	q.user, q.logonID = a, logonID
	if a != nil && a.Kind != userAcct {
		q.elevation, q.integrity = "TokenElevationTypeFull", "High"
	}
	return &q
}

func (g *gen) acctNames(h *host, a *account) (domain, name, sid, upn, objectID string) {
	if a == nil {
		return "NT AUTHORITY", "SYSTEM", "S-1-5-18", "", ""
	}
	return strings.ToLower(Domain), a.Sam, a.SID, a.UPN, a.ObjectID
}

var tokenCodes = map[string]string{
	"TokenElevationTypeDefault": "%%1936", "TokenElevationTypeFull": "%%1937", "TokenElevationTypeLimited": "%%1938",
}

var integrityLabels = map[string]string{
	"Low": "S-1-16-4096", "Medium": "S-1-16-8192", "High": "S-1-16-12288", "System": "S-1-16-16384",
}

func (g *gen) emitProcess(p *proc) {
	h := p.h
	ts := p.created
	// Security log 4688 (process creation with command line auditing enabled).
	subjUser, subjDomain, subjSid := h.Name+"$", Domain, "S-1-5-18"
	if p.user != nil {
		subjUser, subjDomain, subjSid = p.user.Sam, Domain, p.user.SID
	}
	g.emit(TSecurityEvent, ts,
		"SourceSystem", "OpsManager", "Account", subjDomain+`\`+subjUser, "AccountType", accountType(p.user),
		"Computer", h.computer(), "EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security",
		"Task", 13312, "Level", "8", "EventID", 4688, "Activity", "4688 - A new process has been created.",
		"SourceComputerId", h.AgentID, "EventOriginId", guid(g.r),
		"NewProcessId", hexID(p.pid), "NewProcessName", p.path, "CommandLine", p.cmd,
		"ParentProcessName", p.parent.path, "Process", p.name, "ProcessId", hexID(p.parent.pid),
		"SubjectAccount", subjDomain+`\`+subjUser, "SubjectDomainName", subjDomain, "SubjectUserName", subjUser,
		"SubjectUserSid", subjSid, "SubjectLogonId", hexID(p.logonID),
		"TargetUserSid", "S-1-0-0", "TargetLogonId", "0x0",
		"TokenElevationType", tokenCodes[p.elevation], "MandatoryLabel", integrityLabels[p.integrity])
	dom, name, sid, upn, oid := g.acctNames(h, p.user)
	kv := []any{
		"DeviceId", h.DeviceID, "DeviceName", h.deviceName(), "ActionType", "ProcessCreated",
		"FileName", p.name, "FolderPath", p.path, "SHA1", p.sha1, "SHA256", p.sha256, "MD5", p.md5,
		"FileSize", p.im.Size, "ProcessVersionInfoCompanyName", p.im.Company,
		"ProcessVersionInfoProductName", p.im.Product, "ProcessVersionInfoOriginalFileName", p.name,
		"ProcessVersionInfoFileDescription", p.im.Desc, "ProcessId", p.pid, "ProcessCommandLine", p.cmd,
		"ProcessIntegrityLevel", p.integrity, "ProcessTokenElevation", p.elevation, "ProcessCreationTime", ts,
		"AccountDomain", dom, "AccountName", name, "AccountSid", sid, "AccountUpn", upn, "AccountObjectId", oid,
		"LogonId", p.logonID, "ReportId", g.nextReport(),
	}
	kv = append(kv, g.initiating(p.parent)...)
	g.emit(TDeviceProcessEvents, ts, kv...)
}

// initiating returns Defender's InitiatingProcess* columns for p.
func (g *gen) initiating(p *proc) []any {
	dom, name, sid, upn, oid := g.acctNames(p.h, p.user)
	kv := []any{
		"InitiatingProcessAccountDomain", dom, "InitiatingProcessAccountName", name,
		"InitiatingProcessAccountSid", sid, "InitiatingProcessAccountUpn", upn,
		"InitiatingProcessAccountObjectId", oid, "InitiatingProcessLogonId", p.logonID,
		"InitiatingProcessIntegrityLevel", p.integrity, "InitiatingProcessTokenElevation", p.elevation,
		"InitiatingProcessSHA1", p.sha1, "InitiatingProcessSHA256", p.sha256, "InitiatingProcessMD5", p.md5,
		"InitiatingProcessFileName", p.name, "InitiatingProcessFileSize", p.im.Size,
		"InitiatingProcessId", p.pid, "InitiatingProcessCommandLine", p.cmd,
		"InitiatingProcessCreationTime", p.created, "InitiatingProcessFolderPath", p.path,
	}
	if p.parent != nil {
		kv = append(kv, "InitiatingProcessParentId", p.parent.pid, "InitiatingProcessParentFileName", p.parent.name,
			"InitiatingProcessParentCreationTime", p.parent.created)
	}
	return kv
}

func accountType(a *account) string {
	if a == nil {
		return "Machine"
	}
	return "User"
}

var logonTypeNames = map[int]string{
	2: "2 - Interactive", 3: "3 - Network", 4: "4 - Batch", 5: "5 - Service", 7: "7 - Unlock",
	8: "8 - NetworkCleartext", 9: "9 - NewCredentials", 10: "10 - RemoteInteractive", 11: "11 - CachedInteractive",
}

var mdeLogonTypes = map[int]string{
	2: "Interactive", 3: "Network", 4: "Batch", 5: "Service", 7: "Unlock", 9: "NewCredentials",
	10: "RemoteInteractive", 11: "CachedInteractive",
}

// logon emits a successful logon (4624, plus 4672 for privileged accounts) and returns
// the new logon id. src is the remote host (nil for local logons).
func (g *gen) logon(ts time.Time, h *host, a *account, ltype int, src *host, srcIP, auth string) int64 {
	logonID := int64(0x100000 + g.intn(0x3ffffff))
	sam, sid := a.Sam, a.SID
	wsName, ip, port := "-", "-", "-"
	if src != nil {
		wsName, ip, port = src.Name, src.IP, fmt.Sprint(49152+g.intn(16000))
	} else if srcIP != "" {
		ip, port = srcIP, fmt.Sprint(49152+g.intn(16000))
	} else if ltype == 2 || ltype == 7 || ltype == 11 {
		wsName, ip, port = h.Name, "127.0.0.1", "0"
	}
	procName, lproc := `C:\Windows\System32\lsass.exe`, "Kerberos"
	if auth == "" {
		auth = "Kerberos"
	}
	if auth == "NTLM" {
		lproc = "NtLmSsp "
	}
	if ltype == 2 || ltype == 7 || ltype == 10 || ltype == 11 {
		procName, lproc, auth = `C:\Windows\System32\svchost.exe`, "User32 ", "Negotiate"
	}
	if ltype == 3 {
		procName = "-"
	}
	if ltype == 5 {
		procName, lproc, auth = `C:\Windows\System32\services.exe`, "Advapi  ", "Negotiate"
	}
	g.emit(TSecurityEvent, ts,
		"SourceSystem", "OpsManager", "Account", a.qualified(), "AccountType", "User", "Computer", h.computer(),
		"EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security", "Task", 12544, "Level", "8",
		"EventID", 4624, "Activity", "4624 - An account was successfully logged on.",
		"SourceComputerId", h.AgentID, "EventOriginId", guid(g.r),
		"AuthenticationPackageName", auth, "IpAddress", ip, "IpPort", port, "LogonProcessName", lproc,
		"LogonType", ltype, "LogonTypeName", logonTypeNames[ltype], "Process", procName[strings.LastIndex(procName, `\`)+1:],
		"SubjectUserSid", "S-1-5-18", "SubjectUserName", h.Name+"$", "SubjectDomainName", Domain, "SubjectLogonId", "0x3e7",
		"SubjectAccount", Domain+`\`+h.Name+"$",
		"TargetAccount", a.qualified(), "TargetUserName", sam, "TargetDomainName", Domain, "TargetUserSid", sid,
		"TargetLogonId", hexID(logonID), "WorkstationName", wsName, "ElevatedToken", elevatedToken(a),
		"LmPackageName", lmPackage(auth))
	isAdmin := a.Kind != userAcct
	if isAdmin {
		g.emit(TSecurityEvent, ts,
			"SourceSystem", "OpsManager", "Account", a.qualified(), "AccountType", "User", "Computer", h.computer(),
			"EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security", "Task", 12548, "Level", "8",
			"EventID", 4672, "Activity", "4672 - Special privileges assigned to new logon.",
			"SourceComputerId", h.AgentID, "EventOriginId", guid(g.r),
			"SubjectAccount", a.qualified(), "SubjectUserName", sam, "SubjectDomainName", Domain, "SubjectUserSid", sid,
			"SubjectLogonId", hexID(logonID),
			"PrivilegeList", "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\tSeDebugPrivilege\n\t\t\tSeImpersonatePrivilege")
	}
	remIP, remName := "", ""
	if src != nil {
		remIP, remName = src.IP, src.deviceName()
	} else if srcIP != "" {
		remIP = srcIP
	}
	dom, name, asid, _, _ := g.acctNames(h, a)
	g.emit(TDeviceLogonEvents, ts,
		"DeviceId", h.DeviceID, "DeviceName", h.deviceName(), "ActionType", "LogonSuccess",
		"LogonType", mdeLogonTypes[ltype], "AccountDomain", dom, "AccountName", name, "AccountSid", asid,
		"Protocol", auth, "IsLocalAdmin", isAdmin, "LogonId", logonID, "RemoteDeviceName", remName,
		"RemoteIP", remIP, "RemoteIPType", ipType(remIP), "RemotePort", portOrNil(remIP, g),
		"InitiatingProcessFileName", "lsass.exe", "InitiatingProcessFolderPath", `c:\windows\system32\lsass.exe`,
		"InitiatingProcessAccountName", "system", "InitiatingProcessAccountDomain", "nt authority",
		"ReportId", g.nextReport())
	return logonID
}

func portOrNil(ip string, g *gen) any {
	if ip == "" {
		return nil
	}
	return 49152 + g.intn(16000)
}

func ipType(ip string) string {
	switch {
	case ip == "":
		return ""
	case ip == "127.0.0.1":
		return "Loopback"
	case publicIP(ip):
		return "Public"
	}
	return "Private"
}

func elevatedToken(a *account) string {
	if a != nil && a.Kind != userAcct {
		return "%%1842"
	}
	return "%%1843"
}

func lmPackage(auth string) string {
	if auth == "NTLM" {
		return "NTLM V2"
	}
	return "-"
}

// logoff emits 4634.
func (g *gen) logoff(ts time.Time, h *host, a *account, logonID int64, ltype int) {
	g.emit(TSecurityEvent, ts,
		"SourceSystem", "OpsManager", "Account", a.qualified(), "AccountType", "User", "Computer", h.computer(),
		"EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security", "Task", 12545, "Level", "8",
		"EventID", 4634, "Activity", "4634 - An account was logged off.",
		"SourceComputerId", h.AgentID, "EventOriginId", guid(g.r),
		"TargetAccount", a.qualified(), "TargetUserName", a.Sam, "TargetDomainName", Domain, "TargetUserSid", a.SID,
		"TargetLogonId", hexID(logonID), "LogonType", ltype, "LogonTypeName", logonTypeNames[ltype])
}

// Windows failure codes for 4625.
const (
	statusBadPassword = "0xc000006d"
	subBadPassword    = "0xc000006a"
	subNoSuchUser     = "0xc0000064"
	statusLocked      = "0xc0000234"
)

// logonFailed emits 4625 and Defender's LogonFailed.
func (g *gen) logonFailed(ts time.Time, h *host, user string, ltype int, src *host, srcIP, status, sub string) {
	ws, ip := "-", "-"
	if src != nil {
		ws, ip = src.Name, src.IP
	} else if srcIP != "" {
		ip = srcIP
	}
	reason := "%%2313"
	mde := "InvalidUserNameOrPassword"
	if status == statusLocked {
		reason, mde = "%%2307", "AccountLocked"
	}
	acctSid := "S-1-0-0"
	if a := g.org.acct(user); a != nil {
		acctSid = a.SID
	}
	g.emit(TSecurityEvent, ts,
		"SourceSystem", "OpsManager", "Account", `\`+user, "AccountType", "User", "Computer", h.computer(),
		"EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security", "Task", 12544, "Level", "16",
		"EventID", 4625, "Activity", "4625 - An account failed to log on.",
		"SourceComputerId", h.AgentID, "EventOriginId", guid(g.r),
		"AuthenticationPackageName", "NTLM", "LogonProcessName", "NtLmSsp ", "LogonType", ltype,
		"LogonTypeName", logonTypeNames[ltype], "IpAddress", ip, "IpPort", "0", "WorkstationName", ws,
		"FailureReason", reason, "Status", status, "SubStatus", sub,
		"SubjectUserSid", "S-1-0-0", "SubjectUserName", "-", "SubjectDomainName", "-", "SubjectLogonId", "0x0",
		"TargetAccount", `\`+user, "TargetUserName", user, "TargetDomainName", "", "TargetUserSid", "S-1-0-0",
		"Process", "-", "ProcessId", "0x0")
	remName := ""
	if src != nil {
		remName = src.deviceName()
	}
	g.emit(TDeviceLogonEvents, ts,
		"DeviceId", h.DeviceID, "DeviceName", h.deviceName(), "ActionType", "LogonFailed",
		"LogonType", mdeLogonTypes[ltype], "AccountDomain", strings.ToLower(Domain), "AccountName", user,
		"AccountSid", acctSid, "Protocol", "NTLM", "FailureReason", mde, "IsLocalAdmin", false,
		"RemoteDeviceName", remName, "RemoteIP", strings.TrimPrefix(ip, "-"), "RemoteIPType", ipType(strings.TrimPrefix(ip, "-")),
		"RemotePort", portOrNil(strings.TrimPrefix(ip, "-"), g),
		"InitiatingProcessFileName", "lsass.exe", "InitiatingProcessFolderPath", `c:\windows\system32\lsass.exe`,
		"InitiatingProcessAccountName", "system", "InitiatingProcessAccountDomain", "nt authority",
		"ReportId", g.nextReport())
}

// connect emits a Defender network event from p, and for public destinations a firewall
// record; dns adds a DNS lookup by the client through the domain controller.
func (g *gen) connect(ts time.Time, p *proc, remoteIP string, port int, url string, sent, recv int64) {
	h := p.h
	lport := 49152 + g.intn(16000)
	kv := []any{
		"DeviceId", h.DeviceID, "DeviceName", h.deviceName(), "ActionType", "ConnectionSuccess",
		"RemoteIP", remoteIP, "RemotePort", port, "RemoteUrl", url, "LocalIP", h.IP, "LocalPort", lport,
		"Protocol", "Tcp", "LocalIPType", "Private", "RemoteIPType", ipType(remoteIP), "ReportId", g.nextReport(),
	}
	kv = append(kv, g.initiating(p)...)
	g.emit(TDeviceNetworkEvents, ts, kv...)
	if publicIP(remoteIP) {
		user := ""
		if p.user != nil {
			user = strings.ToLower(Domain) + `\` + p.user.Sam
		}
		g.firewall(ts.Add(time.Duration(g.intn(900))*time.Millisecond), h.IP, lport, remoteIP, port, "allow", url, user, sent, recv)
	}
}

var appProto = map[int]string{80: "web-browsing", 443: "ssl", 53: "dns", 22: "ssh", 3389: "ms-rdp", 445: "ms-ds-smb", 25: "smtp", 123: "ntp"}

// firewall emits one CommonSecurityLog traffic record from the perimeter firewall.
func (g *gen) firewall(ts time.Time, src string, sport int, dst string, dport int, action, url, user string, sent, recv int64) {
	dir, in, out := "Outbound", "ethernet1/2", "ethernet1/1"
	if publicIP(src) {
		dir, in, out = "Inbound", "ethernet1/1", "ethernet1/2"
	}
	app := appProto[dport]
	if app == "" {
		app = "incomplete"
	}
	simple := "Allow"
	if action != "allow" {
		simple = "Deny"
		sent, recv = 0, 0
	}
	reqURL := ""
	if url != "" && (dport == 80 || dport == 443) {
		reqURL = url
	}
	g.emit(TCommonSecurityLog, ts,
		"DeviceVendor", "Palo Alto Networks", "DeviceProduct", "PAN-OS", "DeviceVersion", "10.2.9",
		"DeviceEventClassID", "end", "Activity", "TRAFFIC", "LogSeverity", "1", "DeviceAction", action,
		"SimplifiedDeviceAction", simple, "ApplicationProtocol", app, "Protocol", "TCP",
		"SourceIP", src, "SourcePort", sport, "SourceUserName", user, "DestinationIP", dst, "DestinationPort", dport,
		"DestinationHostName", hostOf(url), "RequestURL", reqURL, "SentBytes", sent, "ReceivedBytes", recv,
		"CommunicationDirection", dir, "DeviceName", firewallName, "DeviceInboundInterface", in,
		"DeviceOutboundInterface", out, "Computer", "cef-collector01", "SourceSystem", "OpsManager",
		"Message", fmt.Sprintf("TRAFFIC end %s %s:%d -> %s:%d app=%s", action, src, sport, dst, dport, app))
}

func hostOf(url string) string {
	u := url
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/:"); i >= 0 {
		u = u[:i]
	}
	return u
}

// dnsQuery emits a DNS analytics lookup record on the DNS server (DC01).
func (g *gen) dnsQuery(ts time.Time, client *host, name string, ips string, rcode int) {
	dc := g.org.host("DC01")
	result := "Success"
	if rcode != 0 {
		result = "Failure"
	}
	g.emit(TDnsEvents, ts,
		"SourceSystem", "OpsManager", "Computer", dc.computer(), "SubType", "LookupQuery", "ClientIP", client.IP,
		"Name", name, "IPAddresses", ips, "QueryType", "A", "ResultCode", rcode, "Result", result,
		"TaskCategory", "", "Severity", nil)
}

// fileEvent emits a Defender file event caused by p.
func (g *gen) fileEvent(ts time.Time, p *proc, action, folder, name string, size int64, hashIdent, originURL, originIP string, extra ...any) {
	md5s, sha1s, sha256s := fileHashes(hashIdent)
	kv := []any{
		"DeviceId", p.h.DeviceID, "DeviceName", p.h.deviceName(), "ActionType", action,
		"FileName", name, "FolderPath", folder + `\` + name, "SHA1", sha1s, "SHA256", sha256s, "MD5", md5s,
		"FileSize", size, "FileOriginUrl", originURL, "FileOriginIP", originIP, "ReportId", g.nextReport(),
	}
	kv = append(kv, g.initiating(p)...)
	kv = append(kv, extra...)
	g.emit(TDeviceFileEvents, ts, kv...)
}

// secEvent emits a SecurityEvent with the common columns filled in.
func (g *gen) secEvent(ts time.Time, h *host, id, task int, activity string, subject *account, subjectLogon int64, kv ...any) {
	base := []any{
		"SourceSystem", "OpsManager", "Account", subject.qualified(), "AccountType", "User", "Computer", h.computer(),
		"EventSourceName", "Microsoft-Windows-Security-Auditing", "Channel", "Security", "Task", task, "Level", "8",
		"EventID", id, "Activity", fmt.Sprintf("%d - %s", id, activity), "SourceComputerId", h.AgentID,
		"EventOriginId", guid(g.r), "SubjectAccount", subject.qualified(), "SubjectUserName", subject.Sam,
		"SubjectDomainName", Domain, "SubjectUserSid", subject.SID, "SubjectLogonId", hexID(subjectLogon),
	}
	g.emit(TSecurityEvent, ts, append(base, kv...)...)
}
