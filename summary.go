package huntkit

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/pivot"
)

// summaryPlan lists the pivots a summary of each entity type runs (name globs, without
// the environment prefix) besides enrichment.
var summaryPlan = map[entity.Type][]string{
	entity.Host: {"SecurityAlert.list_alerts_for_host", "WindowsSecurity.list_host_logons", "MDE.host_logons",
		"LinuxSyslog.list_logons_for_host", "MDE.list_host_processes", "Heartbeat.get_heartbeat_for_host"},
	entity.Account: {"SecurityAlert.list_alerts_for_account", "Azure.list_aad_signins_for_account",
		"Office365.list_activity_for_account", "MDE.account_logons", "WindowsSecurity.list_logons_for_account",
		"LinuxSyslog.list_logons_for_account"},
	entity.IP: {"SecurityAlert.list_alerts_for_ip", "Azure.list_aad_signins_for_ip", "Office365.list_activity_for_ip",
		"MDE.ip_logons", "Network.list_firewall_for_ip", "Network.list_dns_for_ip", "LinuxSyslog.list_logons_for_source_ip"},
}

// SummaryTypes are the entity types Summarize covers.
var SummaryTypes = []entity.Type{entity.Host, entity.Account, entity.IP}

// Summarize builds a one-page summary of a host, an account or an IP address from the
// data environment and the enrichment services: what it is, its alerts and the incidents
// that hold them, the entities those alerts name, a timeline of its activity, GeoIP and TI
// verdicts (of the address, or of the public addresses related to a host or account), and
// what looks unusual. Each section keeps the query behind it; every pivot run is listed
// in Status. Pivots that fail or are not configured leave their section empty with the
// reason.
func (p *Pivots) Summarize(ctx context.Context, e *entity.Entity, w pivot.Window) (*pivot.Summary, error) {
	plan, ok := summaryPlan[e.Type]
	if !ok {
		return nil, badRequest(fmt.Errorf("summaries cover host, account and ip, not %s", e.Type))
	}
	if p.s == nil {
		return nil, badRequest(fmt.Errorf("a summary needs a data environment (--env, or --data for local files)"))
	}
	var ps []*pivot.Pivot
	for _, pv := range p.reg.For(e.Type) {
		short := strings.TrimPrefix(pv.Name, p.s.Name()+".")
		for _, want := range plan {
			if strings.EqualFold(short, want) {
				ps = append(ps, pv)
			}
		}
		if e.Type == entity.IP && (pv.Kind == pivot.KindGeoIP || pv.Kind == pivot.KindTI) {
			ps = append(ps, pv)
		}
	}
	rs, err := pivot.Run(ctx, e, ps, pivot.Options{Window: w})
	if err != nil {
		return nil, err
	}
	s := &pivot.Summary{Entity: e, Window: w, Generated: p.hk.Now(), Status: rs}
	s.Facts = facts(e)
	alerts := findResult(rs, "SecurityAlert.list_alerts_for_")
	p.alertSections(ctx, s, alerts, w)
	related := s.Sections[len(s.Sections)-1].Frame
	var verdicts []pivot.Result
	for _, r := range rs {
		if r.Pivot.Kind == pivot.KindGeoIP || r.Pivot.Kind == pivot.KindTI {
			verdicts = append(verdicts, r)
		}
	}
	if e.Type != entity.IP {
		verdicts = append(verdicts, p.relatedVerdicts(ctx, rs, related)...)
		s.Status = append(s.Status, verdicts...)
	}
	s.Sections = append(s.Sections, timelineSection(rs))
	s.Sections = append(s.Sections, verdictSections(verdicts)...)
	for _, r := range rs {
		if r.Pivot.Kind == pivot.KindQuery && !strings.Contains(r.Pivot.Name, "SecurityAlert.list_alerts_for_") {
			s.Sections = append(s.Sections, resultSection(r.Pivot.Description, r))
		}
	}
	s.Unusual = unusual(s, rs, verdicts)
	return s, nil
}

func facts(e *entity.Entity) []pivot.Fact {
	out := []pivot.Fact{{Name: "Type", Value: e.Type.ClassName()}, {Name: "Value", Value: e.Value()}, {Name: "Identity", Value: e.Key()}}
	names := make([]string, 0, len(e.Props))
	for k := range e.Props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v := e.Str(k); v != "" {
			out = append(out, pivot.Fact{Name: k, Value: v})
		}
	}
	return out
}

func findResult(rs []pivot.Result, nameHas string) *pivot.Result {
	for i := range rs {
		if strings.Contains(rs[i].Pivot.Name, nameHas) {
			return &rs[i]
		}
	}
	return nil
}

func resultSection(title string, r pivot.Result) pivot.Section {
	sec := pivot.Section{Title: title, Frame: r.Frame, Query: r.Query}
	if sec.Query == "" {
		sec.Query = "pivot " + r.Pivot.Name
	}
	switch {
	case r.Skipped != "":
		sec.Err = "skipped: " + r.Skipped
	case r.Err != nil:
		sec.Err = "failed: " + r.Err.Error()
	}
	return sec
}

// alertSections adds the alerts, their incidents and the entities they name.
func (p *Pivots) alertSections(ctx context.Context, s *pivot.Summary, alerts *pivot.Result, w pivot.Window) {
	sec := pivot.Section{Title: "Alerts", Err: "no alert template in " + p.s.Name()}
	var ids []string
	if alerts != nil {
		sec = resultSection("Alerts", *alerts)
		if f := alerts.Frame; f != nil && f.Len() > 0 {
			bySev := map[string]int{}
			for i := 0; i < f.Len(); i++ {
				bySev[colText(f, "AlertSeverity", i)]++
				if id := colText(f, "SystemAlertId", i); id != "" {
					ids = append(ids, id)
				}
			}
			sec.Notes = append(sec.Notes, fmt.Sprintf("%d alerts: %s", f.Len(), countText(bySev)))
		}
	}
	s.Sections = append(s.Sections, sec)
	inc := pivot.Section{Title: "Incidents"}
	if len(ids) > 0 {
		quoted := make([]string, len(ids))
		for i, id := range ids {
			quoted[i] = kqlString(id)
		}
		q := "SecurityIncident | where AlertIds has_any (" + strings.Join(quoted, ", ") + ")" +
			" | summarize arg_max(TimeGenerated, *) by IncidentNumber" +
			" | project IncidentNumber, Title, Severity, Status, Classification, FirstActivityTime, LastActivityTime, AlertIds"
		out, err := p.query(ctx, q, pivot.Window{})
		inc.Frame, inc.Query = out.Frame, q
		if err != nil {
			inc.Err = "failed: " + err.Error()
		} else if out.Frame != nil {
			inc.Notes = append(inc.Notes, fmt.Sprintf("its alerts belong to %d incidents", out.Frame.Len()))
		}
	} else {
		inc.Err = "no alerts, so no incidents"
	}
	s.Sections = append(s.Sections, inc)
	rel := pivot.Section{Title: "Related entities", Query: "the Entities of the alerts above (package entity)"}
	if alerts != nil && alerts.Frame != nil && alerts.Frame.Col("Entities") != nil {
		set, bad := entity.FromFrame(mustSelect(alerts.Frame, "Entities"))
		var keep []*entity.Entity
		counts := map[string]int{}
		for _, x := range set.Entities() {
			if x.Key() != s.Entity.Key() && set.Get(s.Entity) != x {
				keep = append(keep, x)
				counts[x.Key()] = set.Count(x)
			}
		}
		rel.Frame = entity.ToFrame(keep, counts)
		rel.Notes = append(rel.Notes, fmt.Sprintf("%d distinct entities named with it", len(keep)))
		if bad > 0 {
			rel.Notes = append(rel.Notes, fmt.Sprintf("%d alerts had unreadable Entities", bad))
		}
	} else {
		rel.Frame = entity.ToFrame(nil, map[string]int{})
	}
	s.Sections = append(s.Sections, rel)
}

// relatedVerdicts runs GeoIP and TI on up to five addresses related to a host or account:
// those its alerts name and those its activity shows.
func (p *Pivots) relatedVerdicts(ctx context.Context, rs []pivot.Result, related *frame.Frame) []pivot.Result {
	set := entity.NewSet()
	if related != nil {
		for i := 0; i < related.Len(); i++ {
			if related.Col("Type").Str(i) == string(entity.IP) {
				if e, err := entity.Parse(entity.IP, related.Col("Value").Str(i)); err == nil {
					set.Add(e)
				}
			}
		}
	}
	for _, r := range rs {
		if r.Frame == nil || r.Pivot.Kind != pivot.KindQuery {
			continue
		}
		for name, t := range entity.ColumnTypes(r.Frame) {
			if t != entity.IP {
				continue
			}
			c := r.Frame.Col(name)
			for i := 0; i < c.Len() && set.Len() < 20; i++ {
				if e, err := entity.Parse(entity.IP, c.Str(i)); err == nil {
					set.Add(e)
				}
			}
		}
	}
	var out []pivot.Result
	n := 0
	for _, ip := range set.Entities() {
		if it, v, _ := ip.IoCType(); it == "" || !isPublic(v) || n >= 5 {
			continue
		}
		n++
		ps, err := p.reg.Select(entity.IP, []string{"geoip", "ti"})
		if err != nil {
			continue
		}
		rr, _ := pivot.Run(ctx, ip, ps, pivot.Options{})
		for i := range rr {
			if rr[i].Frame != nil && rr[i].Frame.Col("IpAddress") == nil && rr[i].Frame.Col("Ioc") == nil {
				_ = rr[i].Frame.AddColumn(frame.NewStrings("Address", repeat(ip.Value(), rr[i].Frame.Len())))
			}
		}
		out = append(out, rr...)
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// timelineSection merges the timed rows of every activity result into one timeline.
func timelineSection(rs []pivot.Result) pivot.Section {
	var ts []time.Time
	var src, what []string
	for _, r := range rs {
		if r.Frame == nil || r.Pivot.Kind != pivot.KindQuery {
			continue
		}
		tc := firstCol(r.Frame, "TimeGenerated", "Timestamp", "LastSeen", "FirstSeen")
		if tc == nil || tc.Type() != frame.Time {
			continue
		}
		for i := 0; i < r.Frame.Len(); i++ {
			if tc.IsNull(i) {
				continue
			}
			ts = append(ts, tc.Time(i))
			src = append(src, shortName(r.Pivot.Name))
			what = append(what, describe(r.Frame, i))
		}
	}
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ts[idx[a]].Before(ts[idx[b]]) })
	st, ss, sw := make([]time.Time, len(idx)), make([]string, len(idx)), make([]string, len(idx))
	for j, i := range idx {
		st[j], ss[j], sw[j] = ts[i], src[i], what[i]
	}
	f := frame.MustNew(frame.NewTimes("Time", st), frame.NewStrings("Source", ss), frame.NewStrings("What", sw))
	sec := pivot.Section{Title: "Timeline", Frame: f, Query: "the timed rows of the activity sections below, merged"}
	if len(st) > 0 {
		sec.Notes = append(sec.Notes, fmt.Sprintf("%d events from %s to %s", len(st),
			st[0].Format("2006-01-02 15:04"), st[len(st)-1].Format("2006-01-02 15:04")))
	}
	return sec
}

func shortName(name string) string {
	parts := strings.SplitN(name, ".", 2)
	if len(parts) == 2 {
		return parts[1]
	}
	return name
}

var describeCols = []string{"AlertName", "Operation", "ActionType", "ResultType", "ResultDescription", "AppDisplayName",
	"UserPrincipalName", "UserId", "IPAddress", "ClientIP", "LogonType", "LogonTypeName", "TargetUserName", "AccountName",
	"ProcessCommandLine", "CommandLine", "RemoteIP", "RemoteUrl", "Activity", "SyslogMessage"}

// describe joins up to four telling columns of a row.
func describe(f *frame.Frame, i int) string {
	var parts []string
	for _, n := range describeCols {
		if c := f.Col(n); c != nil && c.Text(i) != "" && len(parts) < 4 {
			parts = append(parts, n+"="+oneLineText(c.Text(i), 80))
		}
	}
	return strings.Join(parts, " ")
}

func oneLineText(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		return s[:max-1] + "…"
	}
	return s
}

func firstCol(f *frame.Frame, names ...string) *frame.Column {
	for _, n := range names {
		if c := f.Col(n); c != nil {
			return c
		}
	}
	return nil
}

func colText(f *frame.Frame, name string, i int) string {
	if c := f.Col(name); c != nil {
		return c.Text(i)
	}
	return ""
}

func countText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return m[keys[a]] > m[keys[b]] || m[keys[a]] == m[keys[b]] && keys[a] < keys[b] })
	var parts []string
	for _, k := range keys {
		if k == "" {
			k = "(none)"
		}
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

// verdictSections gathers GeoIP and TI results into two sections.
func verdictSections(rs []pivot.Result) []pivot.Section {
	geo := pivot.Section{Title: "GeoIP", Query: "pivot geoip"}
	tis := pivot.Section{Title: "Threat intelligence", Query: "pivots ti.*"}
	var geoFrames, tiFrames []*frame.Frame
	for _, r := range rs {
		target := &tis
		if r.Pivot.Kind == pivot.KindGeoIP {
			target = &geo
		}
		switch {
		case r.Skipped != "":
			target.Notes = append(target.Notes, r.Status())
		case r.Err != nil:
			target.Notes = append(target.Notes, r.Status())
		case r.Frame != nil && r.Frame.Len() > 0:
			if r.Pivot.Kind == pivot.KindGeoIP {
				geoFrames = append(geoFrames, r.Frame)
			} else {
				tiFrames = append(tiFrames, r.Frame)
			}
		}
	}
	if f, err := frame.Concat(geoFrames...); err == nil && len(geoFrames) > 0 {
		geo.Frame = f
	}
	if f, err := frame.Concat(tiFrames...); err == nil && len(tiFrames) > 0 {
		tis.Frame = f
	}
	if len(rs) == 0 {
		geo.Err, tis.Err = "no address to look up", "no indicator to look up"
	}
	return []pivot.Section{geo, tis}
}

// unusual applies simple rules to the results: severe alerts, open incidents, TI hits,
// sign-ins from several countries or a success after failures, inbox rules.
func unusual(s *pivot.Summary, rs, verdicts []pivot.Result) []string {
	var out []string
	for _, sec := range s.Sections {
		f := sec.Frame
		if f == nil {
			continue
		}
		switch sec.Title {
		case "Alerts":
			var high []string
			for i := 0; i < f.Len(); i++ {
				if colText(f, "AlertSeverity", i) == "High" {
					high = append(high, colText(f, "AlertName", i))
				}
			}
			if len(high) > 0 {
				out = append(out, fmt.Sprintf("%d high-severity alerts: %s", len(high), strings.Join(uniq(high), "; ")))
			}
		case "Incidents":
			for i := 0; i < f.Len(); i++ {
				if st := colText(f, "Status", i); st != "Closed" {
					out = append(out, fmt.Sprintf("in %s incident %s: %s", strings.ToLower(st), colText(f, "IncidentNumber", i), colText(f, "Title", i)))
				}
			}
		}
	}
	for _, r := range verdicts {
		f := r.Frame
		for i := 0; f != nil && i < f.Len(); i++ {
			if sev := strings.ToLower(colText(f, "Severity", i)); sev == "high" || sev == "warning" {
				out = append(out, fmt.Sprintf("TI: %s rates %s %s", colText(f, "Provider", i), colText(f, "Ioc", i), sev))
			}
		}
	}
	for _, r := range rs {
		f := r.Frame
		if f == nil {
			continue
		}
		if strings.Contains(r.Pivot.Name, "list_aad_signins") {
			out = append(out, signinFindings(f)...)
		}
		if c := f.Col("Operation"); c != nil {
			for i := 0; i < c.Len(); i++ {
				if op := c.Str(i); op == "New-InboxRule" || op == "Set-InboxRule" {
					out = append(out, fmt.Sprintf("an inbox rule was created (%s by %s from %s)", op, colText(f, "UserId", i), colText(f, "ClientIP", i)))
				}
			}
		}
	}
	return uniq(out)
}

// signinFindings: several countries, and a success after failures.
func signinFindings(f *frame.Frame) []string {
	var out []string
	countries := map[string]bool{}
	failed := 0
	for i := 0; i < f.Len(); i++ {
		if loc := colText(f, "Location", i); loc != "" {
			countries[loc] = true
		}
		if colText(f, "ResultType", i) == "0" {
			if failed >= 3 {
				out = append(out, fmt.Sprintf("a successful sign-in of %s from %s after %d failures (%s)", colText(f, "UserPrincipalName", i),
					colText(f, "IPAddress", i), failed, colText(f, "TimeGenerated", i)))
			}
			failed = 0
		} else {
			failed++
		}
	}
	if len(countries) > 1 {
		var cs []string
		for c := range countries {
			cs = append(cs, c)
		}
		sort.Strings(cs)
		out = append(out, fmt.Sprintf("sign-ins from %d countries: %s", len(cs), strings.Join(cs, ", ")))
	}
	return out
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func isPublic(ip string) bool {
	e, err := entity.Parse(entity.IP, ip)
	if err != nil {
		return false
	}
	return ipGlobal(e.Value())
}
