package emulate

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// loadSentinel builds the Sentinel state from the backend's SecurityIncident, SecurityAlert
// and ThreatIntelligenceIndicator tables (missing tables leave those lists empty) and the
// fixed rules, templates, watchlist and hunting queries.
func loadSentinel(ctx context.Context, b Backend) (*sentinelState, error) {
	base := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.OperationalInsights/workspaces/%s/providers/Microsoft.SecurityInsights/",
		DefaultSubscriptionID, DefaultResourceGroup, DefaultWorkspaceName)
	st := &sentinelState{base: base, incidents: newStore(), alerts: map[string]map[string]any{}, entities: map[string][]map[string]any{},
		comments: map[string]*store{}, bookmarks: newStore(), watchlists: newStore(), items: map[string]*store{},
		rules: newStore(), templates: newStore(), searches: newStore(), indicators: newStore()}
	sch, err := b.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := sch["SecurityAlert"]; ok {
		f, err := b.Query(ctx, "SecurityAlert", time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		st.loadAlerts(f)
	}
	if _, ok := sch["SecurityIncident"]; ok {
		f, err := b.Query(ctx, "SecurityIncident | sort by TimeGenerated asc", time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		st.loadIncidents(f)
	}
	if _, ok := sch["ThreatIntelligenceIndicator"]; ok {
		f, err := b.Query(ctx, "ThreatIntelligenceIndicator", time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		st.loadIndicators(f)
	}
	st.seedContent()
	return st, nil
}

// seedCell is one value of column name as text ("" when missing or null).
func seedCell(f *frame.Frame, name string, i int) string {
	c := f.Col(name)
	if c == nil || c.IsNull(i) {
		return ""
	}
	if c.Type() == frame.Time {
		return c.Time(i).UTC().Format(time.RFC3339Nano)
	}
	if c.Type() == frame.Dynamic {
		b, _ := json.Marshal(c.Value(i))
		return string(b)
	}
	return fmt.Sprint(c.Value(i))
}

func (st *sentinelState) loadAlerts(f *frame.Frame) {
	for i := 0; i < f.Len(); i++ {
		id := seedCell(f, "SystemAlertId", i)
		if id == "" {
			continue
		}
		var tactics []string
		if t := seedCell(f, "Tactics", i); t != "" {
			tactics = strings.Split(t, ",")
		}
		st.alerts[id] = map[string]any{"id": st.base + "entities/" + id, "name": id, "kind": "SecurityAlert",
			"properties": map[string]any{"alertDisplayName": seedCell(f, "DisplayName", i), "severity": seedCell(f, "AlertSeverity", i),
				"status": "New", "productName": seedCell(f, "ProductName", i), "description": seedCell(f, "Description", i),
				"startTimeUtc": seedCell(f, "StartTime", i), "endTimeUtc": seedCell(f, "EndTime", i), "timeGenerated": seedCell(f, "TimeGenerated", i),
				"systemAlertId": id, "alertType": seedCell(f, "AlertType", i), "compromisedEntity": seedCell(f, "CompromisedEntity", i),
				"vendorName": seedCell(f, "VendorName", i), "confidenceLevel": seedCell(f, "ConfidenceLevel", i), "tactics": tactics, "friendlyName": seedCell(f, "DisplayName", i)}}
		var ents []map[string]any
		_ = json.Unmarshal([]byte(unquoteJSON(seedCell(f, "Entities", i))), &ents)
		for _, e := range ents {
			if ent := entityResource(st.base, e); ent != nil {
				st.entities[id] = append(st.entities[id], ent)
			}
		}
	}
}

// unquoteJSON turns a JSON string holding JSON text into that text.
func unquoteJSON(s string) string {
	var inner string
	if json.Unmarshal([]byte(s), &inner) == nil {
		return inner
	}
	return s
}

// entityResource converts an alert's entity (SecurityAlert.Entities) to the API's entity.
func entityResource(base string, e map[string]any) map[string]any {
	s := func(k string) string { v, _ := e[k].(string); return v }
	var kind, friendly string
	props := map[string]any{}
	switch strings.ToLower(s("Type")) {
	case "account":
		kind, friendly = "Account", s("Name")
		props["accountName"] = s("Name")
		if u := s("UPNSuffix"); u != "" {
			props["upnSuffix"] = u
			friendly = s("Name") + "@" + u
		}
		if d := s("NTDomain"); d != "" {
			props["ntDomain"] = d
		}
	case "host":
		kind, friendly = "Host", s("HostName")
		props["hostName"] = s("HostName")
		if d := s("DnsDomain"); d != "" {
			props["dnsDomain"] = d
		}
	case "ip":
		kind, friendly = "Ip", s("Address")
		props["address"] = s("Address")
	case "process":
		kind, friendly = "Process", s("CommandLine")
		props["commandLine"] = s("CommandLine")
	case "file":
		kind, friendly = "File", s("Name")
		props["fileName"] = s("Name")
	default:
		return nil
	}
	if friendly == "" {
		return nil
	}
	props["friendlyName"] = friendly
	id := fmt.Sprintf("%x", hashString(kind+"|"+friendly))
	return map[string]any{"id": base + "entities/" + id, "name": id, "kind": kind, "properties": props}
}

func hashString(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (st *sentinelState) loadIncidents(f *frame.Frame) {
	for i := 0; i < f.Len(); i++ {
		name := seedCell(f, "IncidentName", i)
		if name == "" {
			continue
		}
		var ids []string
		_ = json.Unmarshal([]byte(unquoteJSON(seedCell(f, "AlertIds", i))), &ids)
		num := int64(0)
		if c := f.Col("IncidentNumber"); c != nil && !c.IsNull(i) {
			fmt.Sscan(fmt.Sprint(c.Value(i)), &num)
		}
		var tactics []string
		for _, id := range ids {
			if a, ok := st.alerts[id]; ok {
				tactics = append(tactics, a["properties"].(map[string]any)["tactics"].([]string)...)
			}
		}
		owner := map[string]any{}
		var o map[string]any
		if json.Unmarshal([]byte(seedCell(f, "Owner", i)), &o) == nil {
			for k, v := range o {
				if v != nil {
					owner[k] = v
				}
			}
		}
		inc := map[string]any{"id": st.base + "incidents/" + name, "name": name, "type": "Microsoft.SecurityInsights/Incidents",
			"etag": newETag(), "alertIds": ids,
			"properties": map[string]any{"title": seedCell(f, "Title", i), "description": seedCell(f, "Description", i),
				"severity": seedCell(f, "Severity", i), "status": seedCell(f, "Status", i), "classification": seedCell(f, "Classification", i),
				"classificationReason": seedCell(f, "ClassificationReason", i), "classificationComment": seedCell(f, "ClassificationComment", i),
				"owner": owner, "incidentNumber": num, "incidentUrl": seedCell(f, "IncidentUrl", i), "providerName": seedCell(f, "ProviderName", i),
				"createdTimeUtc": seedCell(f, "CreatedTime", i), "lastModifiedTimeUtc": seedCell(f, "LastModifiedTime", i),
				"firstActivityTimeUtc": seedCell(f, "FirstActivityTime", i), "lastActivityTimeUtc": seedCell(f, "LastActivityTime", i),
				"labels": []any{}, "additionalData": map[string]any{"alertsCount": len(ids), "commentsCount": 0, "bookmarksCount": 0, "tactics": tactics}}}
		st.incidents.set(name, inc) // later rows of the same incident replace earlier ones
	}
}

func (st *sentinelState) loadIndicators(f *frame.Frame) {
	for i := 0; i < f.Len(); i++ {
		var pattern, ptype, value string
		switch {
		case seedCell(f, "NetworkIP", i) != "":
			value = seedCell(f, "NetworkIP", i)
			ptype, pattern = "ipv4-addr", fmt.Sprintf("[ipv4-addr:value = '%s']", value)
		case seedCell(f, "Url", i) != "":
			value = seedCell(f, "Url", i)
			ptype, pattern = "url", fmt.Sprintf("[url:value = '%s']", value)
		case seedCell(f, "DomainName", i) != "":
			value = seedCell(f, "DomainName", i)
			ptype, pattern = "domain-name", fmt.Sprintf("[domain-name:value = '%s']", value)
		case seedCell(f, "FileHashValue", i) != "":
			value = seedCell(f, "FileHashValue", i)
			ptype, pattern = "file", fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", value)
		default:
			continue
		}
		id := strings.TrimPrefix(seedCell(f, "IndicatorId", i), "indicator--")
		if id == "" {
			id = fmt.Sprintf("%x", hashString(pattern))
		}
		var conf int
		fmt.Sscan(seedCell(f, "ConfidenceScore", i), &conf)
		var tags []any
		_ = json.Unmarshal([]byte(unquoteJSON(seedCell(f, "Tags", i))), &tags)
		st.indicators.set(id, map[string]any{"id": st.base + "threatintelligence/main/indicators/" + id, "name": id, "kind": "indicator",
			"etag": newETag(), "properties": map[string]any{"displayName": value, "pattern": pattern, "patternType": ptype,
				"source": seedCell(f, "SourceSystem", i), "confidence": conf, "threatTypes": []string{seedCell(f, "ThreatType", i)},
				"threatIntelligenceTags": tags, "description": seedCell(f, "Description", i), "validFrom": seedCell(f, "TimeGenerated", i),
				"validUntil": seedCell(f, "ExpirationDateTime", i), "created": seedCell(f, "TimeGenerated", i)}})
	}
}

// seedContent adds the fixed analytic rules, templates, a watchlist and hunting queries.
func (st *sentinelState) seedContent() {
	rule := func(s *store, typ, id, name, sev, q string, tactics []string, enabled bool) {
		p := map[string]any{"displayName": name, "description": name + " (huntkit emulator)", "severity": sev, "query": q,
			"queryFrequency": "PT1H", "queryPeriod": "P1D", "tactics": tactics, "triggerOperator": "GreaterThan", "triggerThreshold": 0}
		if typ == "Microsoft.SecurityInsights/AlertRules" {
			p["enabled"] = enabled
		} else {
			p["status"] = "Available"
		}
		s.set(id, map[string]any{"id": st.base + typeSegment(typ) + "/" + id, "name": id, "type": typ, "kind": "Scheduled", "etag": newETag(), "properties": p})
	}
	const rt = "Microsoft.SecurityInsights/AlertRules"
	rule(st.rules, rt, "password-spray", "Password spray: many failed sign-ins from one address", "Medium",
		"SigninLogs\n| where ResultType != \"0\"\n| summarize Failures = count(), Users = dcount(UserPrincipalName) by IPAddress\n| where Users >= 5\n| sort by Failures desc", []string{"CredentialAccess"}, true)
	rule(st.rules, rt, "encoded-powershell", "Encoded PowerShell command lines", "High",
		"DeviceProcessEvents\n| where FileName =~ \"powershell.exe\" and ProcessCommandLine has \"-EncodedCommand\"\n| project TimeGenerated, DeviceName, AccountName, ProcessCommandLine", []string{"Execution"}, true)
	rule(st.rules, rt, "ti-ip-match", "Threat-intelligence IP match in network events", "High",
		"ThreatIntelligenceIndicator\n| where isnotempty(NetworkIP)\n| join kind=inner (DeviceNetworkEvents) on $left.NetworkIP == $right.RemoteIP\n| project TimeGenerated, DeviceName, RemoteIP, ThreatType, Description", []string{"CommandAndControl"}, false)
	const tt = "Microsoft.SecurityInsights/AlertRuleTemplates"
	rule(st.templates, tt, "tmpl-rare-process", "Rare processes on servers", "Low",
		"DeviceProcessEvents\n| summarize Count = count() by FileName\n| where Count < 3\n| sort by Count asc", []string{"Execution"}, false)
	rule(st.templates, tt, "tmpl-new-service", "New service installed (4697/7045)", "Medium",
		"SecurityEvent\n| where EventID == 4697\n| project TimeGenerated, Computer, Account, EventData", []string{"Persistence"}, false)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	st.watchlists.set("HighValueAssets", map[string]any{"id": st.base + "watchlists/HighValueAssets", "name": "HighValueAssets",
		"type": "Microsoft.SecurityInsights/Watchlists", "etag": newETag(), "properties": map[string]any{"displayName": "High value assets",
			"provider": "huntkit emulator", "source": "huntkit emulator", "itemsSearchKey": "Hostname", "watchlistAlias": "HighValueAssets",
			"description": "Servers whose compromise matters most", "created": now, "updated": now}})
	items := newStore()
	for _, h := range []string{"DC01", "FS01", "SQL01"} {
		id := fmt.Sprintf("%x", hashString("hva|"+h))
		items.set(id, map[string]any{"id": st.base + "watchlists/HighValueAssets/watchlistitems/" + id, "name": id, "etag": newETag(),
			"properties": map[string]any{"itemsKeyValue": map[string]any{"Hostname": h, "Owner": "IT operations"}}})
	}
	st.items["highvalueassets"] = items
	search := func(id, name, cat, q, tactics string) {
		st.searches.set(id, map[string]any{"id": strings.TrimSuffix(strings.TrimSuffix(st.base, "providers/Microsoft.SecurityInsights/"), "/") + "/savedSearches/" + id,
			"name": id, "etag": newETag(), "properties": map[string]any{"category": cat, "displayName": name, "query": q, "version": 2,
				"tags": []any{map[string]any{"name": "tactics", "value": tactics}, map[string]any{"name": "description", "value": name}}}})
	}
	search("hunt-alerts-by-entity", "Alerts naming a compromised entity", "Hunting Queries",
		"SecurityAlert\n| where isnotempty(CompromisedEntity)\n| project TimeGenerated, AlertName, AlertSeverity, CompromisedEntity, SystemAlertId\n| sort by TimeGenerated desc", "Execution")
	search("hunt-failed-signins", "Failed sign-ins by address", "Hunting Queries",
		"SigninLogs\n| where ResultType != \"0\"\n| summarize Failures = count() by IPAddress, UserPrincipalName\n| sort by Failures desc", "CredentialAccess")
	search("saved-heartbeat", "Agents reporting (not a hunting query)", "Log Management", "Heartbeat | summarize count() by Computer", "")
}
