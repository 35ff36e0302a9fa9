package demo

import (
	"fmt"
	"strings"
	"time"
)

type geo struct {
	country, city, state string
	lat, lon             float64
}

// geoOf returns the location Microsoft Entra ID would report for the demo's addresses
// (matching MaxMind's published test database).
func geoOf(ip string) geo {
	switch {
	case strings.HasPrefix(ip, "81.2.69."):
		return geo{"GB", "London", "England", 51.5142, -0.0931}
	case strings.HasPrefix(ip, "2.125.160.") || strings.HasPrefix(ip, "2.2.3."):
		return geo{"GB", "Boxford", "England", 51.75, -1.25}
	case strings.HasPrefix(ip, "216.160.83."):
		return geo{"US", "Milton", "Washington", 47.2513, -122.3149}
	case strings.HasPrefix(ip, "214.78.120."):
		return geo{"US", "San Diego", "California", 32.7203, -117.1552}
	case strings.HasPrefix(ip, "214.0.0."):
		return geo{"SG", "Singapore", "", 1.3667, 103.8}
	case strings.HasPrefix(ip, "214.0.1."):
		return geo{"AU", "Melbourne", "Victoria", -37.8159, 144.9669}
	case strings.HasPrefix(ip, "89.160.20."):
		return geo{"SE", "Linköping", "Östergötland County", 58.4167, 15.6167}
	case strings.HasPrefix(ip, "175.16.199."):
		return geo{"CN", "Changchun", "Jilin Sheng", 43.88, 125.3228}
	case strings.HasPrefix(ip, "67.43.156."):
		return geo{"BT", "", "", 27.5, 90.5}
	case strings.HasPrefix(ip, "202.196.224."):
		return geo{"PH", "", "", 13, 122}
	}
	return geo{}
}

type app struct{ name, id, resource string }

var cloudApps = []app{
	{"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
	{"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services"},
	{"Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"},
	{"OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "Office365 Shell WCSS-Server"},
	{"Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph"},
}

var azurePortal = app{"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API"}

var resultText = map[string]string{
	"0":      "",
	"50126":  "Error validating credentials due to invalid username or password.",
	"50074":  "Strong Authentication is required.",
	"500121": "Authentication failed during strong authentication request.",
	"50140":  "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
	"50053":  "Account is locked because user tried to sign in too many times with an incorrect user ID or password.",
	"53003":  "Access has been blocked by Conditional Access policies.",
}

type signin struct {
	a        *account
	ip       string
	app      app
	result   string
	mfa      bool   // multi-factor required
	method   string // MFA method
	client   string // ClientAppUsed
	ua       string
	os       string
	browser  string
	risk     string
	deviceID string
}

func (g *gen) signin(ts time.Time, s signin) {
	loc := geoOf(s.ip)
	req := "singleFactorAuthentication"
	var mfa any
	details := `[{"authenticationStepDateTime":"` + ts.Format(time.RFC3339) + `","authenticationMethod":"Password","succeeded":` + fmt.Sprint(s.result == "0" || s.result == "50074" || s.result == "500121") + `}]`
	if s.mfa {
		req = "multiFactorAuthentication"
		mfa = map[string]any{"authMethod": s.method, "authDetail": ""}
		details = strings.TrimSuffix(details, "]") + `,{"authenticationMethod":"` + s.method + `","succeeded":` + fmt.Sprint(s.result == "0") + `}]`
	}
	if s.client == "" {
		s.client = "Browser"
	}
	if s.ua == "" {
		s.ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
		s.os, s.browser = "Windows10", "Edge 130.0.0"
	}
	if s.risk == "" {
		s.risk = "none"
	}
	status := map[string]any{"errorCode": int64(atoi(s.result))}
	if s.result != "0" {
		status["failureReason"] = resultText[s.result]
	}
	ca := "success"
	if s.result == "53003" {
		ca = "failure"
	} else if s.result != "0" {
		ca = "notApplied"
	}
	id := guid(g.r)
	g.emit(TSigninLogs, ts,
		"SourceSystem", "Azure AD", "OperationName", "Sign-in activity", "Category", "SignInLogs",
		"ResultType", s.result, "ResultSignature", "None", "ResultDescription", resultText[s.result],
		"DurationMs", int64(0), "CorrelationId", guid(g.r), "Identity", s.a.Display, "Level", "4",
		"Location", loc.country, "AlternateSignInName", s.a.UPN, "AppDisplayName", s.app.name, "AppId", s.app.id,
		"AuthenticationDetails", details, "AuthenticationRequirement", req, "ClientAppUsed", s.client,
		"ConditionalAccessStatus", ca, "CreatedDateTime", ts,
		"DeviceDetail", map[string]any{"deviceId": s.deviceID, "operatingSystem": s.os, "browser": s.browser},
		"IsInteractive", true, "Id", id, "IPAddress", s.ip,
		"LocationDetails", map[string]any{"city": loc.city, "state": loc.state, "countryOrRegion": loc.country,
			"geoCoordinates": map[string]any{"latitude": loc.lat, "longitude": loc.lon}},
		"MfaDetail", mfa, "NetworkLocationDetails", "[]", "ResourceDisplayName", s.app.resource,
		"ResourceId", "/tenants/"+g.org.TenantID+"/providers/Microsoft.aadiam", "RiskDetail", "none",
		"RiskLevelAggregated", s.risk, "RiskLevelDuringSignIn", s.risk, "RiskState", "none",
		"Status", status, "UserAgent", s.ua, "UserDisplayName", s.a.Display, "UserId", s.a.ObjectID,
		"UserPrincipalName", s.a.UPN, "UserType", "Member")
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

var mfaMethods = []string{"Mobile app notification", "Mobile app notification", "OATH verification code", "Text message"}

func (g *gen) signinDay(day time.Time, weekend bool) {
	users := append([]*account{}, g.org.Users...)
	for _, u := range users {
		if weekend && !g.chance(0.1) {
			continue
		}
		if g.chance(0.05) {
			continue
		}
		method := mfaMethods[len(u.Sam)%len(mfaMethods)]
		dev := ""
		if u.WS != nil {
			dev = u.WS.DeviceID
		}
		travelling := len(u.Travel) > 0 && day.YearDay()%5 == len(u.Sam)%5
		n := g.between(2, 5) * g.k
		for i := 0; i < n; i++ {
			h := g.workHour()
			ip := OfficeIP
			if g.chance(0.35) || weekend || h < 9 || h > 17.5 {
				ip = u.HomeIP
			}
			if travelling {
				ip = u.Travel[0]
			}
			ts := g.at(day, h)
			ap := pick(g, cloudApps)
			if u.Dept == "IT" && g.chance(0.3) {
				ap = azurePortal
			}
			s := signin{a: u, ip: ip, app: ap, result: "0", method: method, deviceID: dev}
			if i == 0 {
				s.mfa = true
				if g.chance(0.03) {
					// the user dismissed the prompt, then approved a second one
					f := s
					f.result = "500121"
					g.signin(ts.Add(-90*time.Second), f)
				}
			}
			if g.chance(0.03) {
				f := s
				f.result = "50126"
				f.mfa = false
				g.signin(ts.Add(-40*time.Second), f)
			}
			if g.chance(0.02) {
				f := s
				f.result = "50140"
				g.signin(ts.Add(-10*time.Second), f)
			}
			g.signin(ts, s)
		}
	}
}

var officeOps = []struct {
	workload, op, record string
}{
	{"SharePoint", "FileAccessed", "SharePointFileOperation"},
	{"SharePoint", "FileAccessed", "SharePointFileOperation"},
	{"OneDrive", "FileModified", "SharePointFileOperation"},
	{"OneDrive", "FileUploaded", "SharePointFileOperation"},
	{"SharePoint", "FileDownloaded", "SharePointFileOperation"},
	{"Exchange", "MailboxLogin", "ExchangeItem"},
	{"Exchange", "Send", "ExchangeItem"},
	{"SharePoint", "SharingSet", "SharePointSharingOperation"},
	{"AzureActiveDirectory", "UserLoggedIn", "AzureActiveDirectoryStsLogon"},
}

var officeFiles = []string{"Budget_2026.xlsx", "Q3_Results.pptx", "Handbook.pdf", "Roadmap.docx", "Pricing.xlsx", "Minutes.docx"}

func (g *gen) officeDay(day time.Time, weekend bool) {
	if weekend {
		return
	}
	for _, u := range g.org.Users {
		n := g.between(2, 7) * g.k
		for i := 0; i < n; i++ {
			op := pick(g, officeOps)
			ts := g.at(day, g.workHour())
			ip := OfficeIP
			if g.chance(0.3) {
				ip = u.HomeIP
			}
			g.office(ts, u, op.workload, op.op, op.record, ip, pick(g, officeFiles), "")
		}
	}
}

func (g *gen) office(ts time.Time, u *account, workload, op, record, ip, file, params string) {
	kv := []any{
		"RecordType", record, "Operation", op, "OrganizationId", g.org.OrgID, "UserType", "Regular",
		"UserKey", u.ObjectID, "OfficeWorkload", workload, "ResultStatus", "Succeeded", "UserId", u.UPN,
		"ClientIP", ip, "Client_IPAddress", ip, "OfficeId", guid(g.r), "SourceSystem", "OfficeActivityManager",
		"Parameters", params, "ExternalAccess", false,
	}
	switch workload {
	case "SharePoint", "OneDrive":
		site := "https://contoso.sharepoint.com/sites/" + u.Dept + "/"
		if workload == "OneDrive" {
			site = "https://contoso-my.sharepoint.com/personal/" + strings.ReplaceAll(u.Sam, ".", "_") + "_contoso_com/"
		}
		ext := file[strings.LastIndex(file, ".")+1:]
		kv = append(kv, "Site_Url", site, "SourceRelativeUrl", "Shared Documents", "SourceFileName", file,
			"SourceFileExtension", ext, "OfficeObjectId", site+"Shared Documents/"+file,
			"UserAgent", "Microsoft Office Excel/16.0")
	case "Exchange":
		kv = append(kv, "MailboxOwnerUPN", u.UPN, "OfficeObjectId", file, "UserAgent", "Client=Outlook;Outlook/16.0")
	default:
		kv = append(kv, "OfficeObjectId", "00000002-0000-0ff1-ce00-000000000000")
	}
	g.emit(TOfficeActivity, ts, kv...)
}

// internetNoise: scanners knocking on the perimeter, denied by the firewall.
func (g *gen) internetNoise(day time.Time) {
	n := 60 * g.k
	for i := 0; i < n; i++ {
		ts := g.at(day, g.r.Float64()*24)
		port := pick(g, []int{22, 23, 445, 3389, 8080, 443, 80, 1433, 5900})
		action := "deny"
		if port == 443 || port == 80 {
			action = "allow"
		}
		g.firewall(ts, g.randomInternetIP(), 1024+g.intn(60000), "203.0.113.10", port, action, "", "", int64(60+g.intn(400)), int64(g.intn(2000)))
	}
	// denied outbound to ad/tracking categories
	for i := 0; i < 10*g.k; i++ {
		h := pick(g, g.org.WS)
		ts := g.at(day, g.workHour())
		g.firewall(ts, h.IP, 49152+g.intn(16000), g.randomInternetIP(), 443, "deny", "https://ads.tracker.example/p", "", 0, 0)
	}
}

// heartbeats: the monitoring agent reports every 15 minutes (every 5 minutes in the large set).
func (g *gen) heartbeats(day time.Time) {
	step := 15 * time.Minute
	if g.k > 1 {
		step = 5 * time.Minute
	}
	for _, h := range g.org.Hosts {
		osType, cat, ver := "Windows", "Direct Agent", "10.20.18069.0"
		major, minor := "10", "0"
		if h.Kind == linuxServer {
			osType, cat, ver = "Linux", "Azure Monitor Agent", "1.33.1"
			major, minor = "22", "04"
		}
		off := time.Duration(g.intn(60)) * time.Second
		for ts := day.Add(off); ts.Before(day.Add(24 * time.Hour)); ts = ts.Add(step) {
			g.emit(THeartbeat, ts,
				"SourceSystem", "OpsManager", "SourceComputerId", h.AgentID, "ComputerIP", OfficeIP,
				"Computer", h.computer(), "Category", cat, "OSType", osType, "OSName", h.OS,
				"OSMajorVersion", major, "OSMinorVersion", minor, "Version", ver,
				"ComputerEnvironment", "Non-Azure", "Solutions", `"security", "changeTracking"`, "RemoteIPCountry", "United Kingdom")
		}
	}
}
