package emulate

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Microsoft Graph's security alerts (alerts_v2) and incidents, built from the backend's
// SecurityAlert and SecurityIncident rows: list with $filter, $select, $orderby, $top,
// $skip and $count, @odata.nextLink paging, get by id, and $expand=alerts on incidents.
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		for _, v := range []string{"v1.0", "beta"} {
			mux.HandleFunc("GET /"+v+"/security/alerts_v2", s.graphAuthed(s.graphList(graphAlerts)))
			mux.HandleFunc("GET /"+v+"/security/alerts_v2/{id}", s.graphAuthed(s.graphGet(graphAlerts)))
			mux.HandleFunc("GET /"+v+"/security/incidents", s.graphAuthed(s.graphList(graphIncidents)))
			mux.HandleFunc("GET /"+v+"/security/incidents/{id}", s.graphAuthed(s.graphGet(graphIncidents)))
		}
	})
}

type graphKind int

const (
	graphAlerts graphKind = iota
	graphIncidents
)

// Page sizes: the default and largest $top of each list (alerts_v2 2000, incidents 50).
var graphPage = map[graphKind][2]int{graphAlerts: {2000, 2000}, graphIncidents: {50, 50}}

func (k graphKind) entity() string {
	if k == graphAlerts {
		return "alerts_v2"
	}
	return "incidents"
}

// graphObjects reads the tenant's alerts or incidents from the backend.
func (s *Server) graphObjects(r *http.Request, k graphKind) ([]map[string]any, error) {
	alerts, err := s.opt.Backend.Query(r.Context(), "SecurityAlert | order by TimeGenerated asc", time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	incs, err := s.opt.Backend.Query(r.Context(), "SecurityIncident | order by CreatedTime asc", time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	incOf := map[string]string{}
	incidents := make([]map[string]any, incs.Len())
	for i := range incidents {
		incidents[i] = graphIncident(incs, i)
		if ids, ok := cell(incs, "AlertIds", i).([]any); ok {
			for _, id := range ids {
				if s, ok := id.(string); ok {
					incOf[s] = incidents[i]["id"].(string)
				}
			}
		}
	}
	al := make([]map[string]any, alerts.Len())
	for i := range al {
		al[i] = graphAlert(alerts, i, incOf)
	}
	if k == graphAlerts {
		return al, nil
	}
	byID := map[string]map[string]any{}
	for _, a := range al {
		byID[a["id"].(string)] = a
	}
	for i, inc := range incidents {
		var list []any
		if ids, ok := cell(incs, "AlertIds", i).([]any); ok {
			for _, id := range ids {
				if a, ok := byID[str(id)]; ok {
					list = append(list, a)
				}
			}
		}
		inc["\x00alerts"] = list
	}
	return incidents, nil
}

// cell is one value of column name (nil when the column is missing or the value null),
// times as ISO 8601 text, JSON text of dynamic-looking strings parsed.
func cell(f *frame.Frame, name string, i int) any {
	c := f.Col(name)
	if c == nil || c.IsNull(i) {
		return nil
	}
	switch c.Type() {
	case frame.Time:
		return c.Time(i).UTC().Format("2006-01-02T15:04:05.0000000Z")
	case frame.String:
		v := c.Str(i)
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
			var x any
			if json.Unmarshal([]byte(t), &x) == nil {
				return x
			}
		}
		return v
	}
	return c.Value(i)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// lowerFirst turns Sentinel's PascalCase values into Graph's camelCase enums.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func graphAlert(f *frame.Frame, i int, incOf map[string]string) map[string]any {
	id := str(cell(f, "SystemAlertId", i))
	service := "microsoftSentinel"
	switch str(cell(f, "ProviderName", i)) {
	case "MDATP":
		service = "microsoftDefenderForEndpoint"
	case "IPC":
		service = "microsoftDefenderForIdentity"
	case "OATP":
		service = "microsoftDefenderForOffice365"
	}
	var evidence []any
	if ents, ok := cell(f, "Entities", i).([]any); ok {
		for _, e := range ents {
			if m, ok := e.(map[string]any); ok {
				ev := map[string]any{"@odata.type": "#microsoft.graph.security." + lowerFirst(str(m["Type"])) + "Evidence"}
				for k, v := range m {
					if k != "$id" && k != "Type" {
						ev[lowerFirst(k)] = v
					}
				}
				evidence = append(evidence, ev)
			}
		}
	}
	var techniques []any
	for _, t := range strings.Split(str(cell(f, "Techniques", i)), ",") {
		if t = strings.TrimSpace(strings.Trim(t, `[]"`)); t != "" {
			techniques = append(techniques, t)
		}
	}
	var incident any
	if n, ok := incOf[id]; ok {
		incident = n
	}
	return map[string]any{
		"@odata.type": "#microsoft.graph.security.alert", "id": id, "providerAlertId": cell(f, "VendorOriginalId", i),
		"incidentId": incident, "status": lowerFirst(str(cell(f, "Status", i))), "severity": strings.ToLower(str(cell(f, "AlertSeverity", i))),
		"classification": nil, "determination": nil, "serviceSource": service, "detectionSource": service,
		"title": cell(f, "AlertName", i), "description": cell(f, "Description", i), "category": cell(f, "Tactics", i),
		"recommendedActions": cell(f, "RemediationSteps", i), "createdDateTime": cell(f, "TimeGenerated", i),
		"lastUpdateDateTime": cell(f, "ProcessingEndTime", i), "firstActivityDateTime": cell(f, "StartTime", i),
		"lastActivityDateTime": cell(f, "EndTime", i), "alertWebUrl": cell(f, "AlertLink", i), "tenantId": cell(f, "TenantId", i),
		"mitreTechniques": techniques, "evidence": evidence, "comments": []any{},
	}
}

var incidentStatus = map[string]string{"New": "active", "Active": "active", "Closed": "resolved"}

var incidentClass = map[string]string{"TruePositive": "truePositive", "FalsePositive": "falsePositive",
	"BenignPositive": "informationalExpectedActivity", "Undetermined": "unknown", "": "unknown"}

func graphIncident(f *frame.Frame, i int) map[string]any {
	owner, _ := cell(f, "Owner", i).(map[string]any)
	var assigned any
	if owner != nil {
		if v := str(owner["userPrincipalName"]); v != "" {
			assigned = v
		} else if v := str(owner["email"]); v != "" {
			assigned = v
		}
	}
	status := incidentStatus[str(cell(f, "Status", i))]
	if status == "" {
		status = lowerFirst(str(cell(f, "Status", i)))
	}
	class, ok := incidentClass[str(cell(f, "Classification", i))]
	if !ok {
		class = lowerFirst(str(cell(f, "Classification", i)))
	}
	var tags []any
	if labels, ok := cell(f, "Labels", i).([]any); ok {
		for _, l := range labels {
			if m, ok := l.(map[string]any); ok {
				tags = append(tags, m["labelName"])
			} else {
				tags = append(tags, l)
			}
		}
	}
	id := str(cell(f, "ProviderIncidentId", i))
	if n := cell(f, "IncidentNumber", i); n != nil {
		id = strconv.FormatInt(n.(int64), 10)
	}
	return map[string]any{
		"@odata.type": "#microsoft.graph.security.incident", "id": id, "tenantId": cell(f, "TenantId", i),
		"displayName": cell(f, "Title", i), "description": cell(f, "Description", i), "status": status,
		"severity": strings.ToLower(str(cell(f, "Severity", i))), "classification": class, "determination": "unknown",
		"assignedTo": assigned, "createdDateTime": cell(f, "CreatedTime", i), "lastUpdateDateTime": cell(f, "LastModifiedTime", i),
		"incidentWebUrl": cell(f, "IncidentUrl", i), "redirectIncidentId": nil, "customTags": tags, "systemTags": []any{},
		"comments": []any{},
	}
}

// graphOrder is the property order Graph writes alerts and incidents in.
var graphOrder = strings.Fields(`@odata.type id providerAlertId incidentId tenantId displayName title description status severity
	classification determination assignedTo serviceSource detectionSource category recommendedActions createdDateTime
	lastUpdateDateTime firstActivityDateTime lastActivityDateTime alertWebUrl incidentWebUrl redirectIncidentId
	mitreTechniques evidence customTags systemTags comments alerts`)

// orderedObject writes its keys in graphOrder (others after, sorted), as Graph does.
type orderedObject map[string]any

// MarshalJSON implements json.Marshaler.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	done := map[string]bool{}
	write := func(k string) error {
		v, ok := o[k]
		if !ok || done[k] {
			return nil
		}
		done[k] = true
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		return nil
	}
	for _, k := range append(append([]string{}, graphOrder...), sortedKeys(o)...) {
		if err := write(k); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// graphShape applies $select and $expand=alerts to one object.
func graphShape(o map[string]any, sel []string, expand bool) orderedObject {
	out := map[string]any{}
	if len(sel) == 0 {
		for k, v := range o {
			if !strings.HasPrefix(k, "\x00") {
				out[k] = v
			}
		}
	} else {
		out["id"] = o["id"]
		for _, k := range sel {
			if v, ok := o[k]; ok && !strings.HasPrefix(k, "\x00") {
				out[k] = v
			}
		}
	}
	if expand {
		var list []any
		if al, ok := o["\x00alerts"].([]any); ok {
			for _, a := range al {
				list = append(list, orderedObject(a.(map[string]any)))
			}
		}
		out["alerts"] = list
	}
	return out
}

func graphSelect(q url.Values) []string {
	var sel []string
	for _, s := range strings.Split(q.Get("$select"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			sel = append(sel, s)
		}
	}
	return sel
}

func (s *Server) graphList(k graphKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		filter, err := parseODataFilter(q.Get("$filter"))
		if err != nil {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
			return
		}
		expand := strings.EqualFold(strings.TrimSpace(q.Get("$expand")), "alerts")
		if q.Get("$expand") != "" && (!expand || k != graphIncidents) {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "Parsing OData Select and Expand failed: could not find a property named '"+q.Get("$expand")+"'")
			return
		}
		size, skip := graphPage[k][0], 0
		if v := q.Get("$top"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > graphPage[k][1] {
				writeGraphError(w, http.StatusBadRequest, "BadRequest", "Invalid $top: want 1 to "+strconv.Itoa(graphPage[k][1]))
				return
			}
			size = n
		}
		if v := q.Get("$skip"); v != "" {
			if skip, err = strconv.Atoi(v); err != nil || skip < 0 {
				writeGraphError(w, http.StatusBadRequest, "BadRequest", "Invalid $skip")
				return
			}
		}
		all, err := s.graphObjects(r, k)
		if err != nil {
			writeGraphError(w, http.StatusInternalServerError, "InternalServerError", oneLine(err.Error()))
			return
		}
		var hits []map[string]any
		for _, o := range all {
			if filter(o) {
				hits = append(hits, o)
			}
		}
		if err := odataOrder(hits, q.Get("$orderby")); err != nil {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		sel := graphSelect(q)
		value := []orderedObject{}
		for i := skip; i < len(hits) && i < skip+size; i++ {
			value = append(value, graphShape(hits[i], sel, expand))
		}
		resp := map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#security/" + k.entity(), "value": value}
		if strings.EqualFold(q.Get("$count"), "true") {
			resp["@odata.count"] = len(hits)
		}
		if skip+size < len(hits) {
			q.Set("$skip", strconv.Itoa(skip+size))
			q.Set("$top", strconv.Itoa(size))
			resp["@odata.nextLink"] = s.URL + r.URL.Path + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
		}
		writeJSON(w, http.StatusOK, resp)
	}
}

func (s *Server) graphGet(k graphKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		all, err := s.graphObjects(r, k)
		if err != nil {
			writeGraphError(w, http.StatusInternalServerError, "InternalServerError", oneLine(err.Error()))
			return
		}
		id := r.PathValue("id")
		for _, o := range all {
			if o["id"] == id {
				out := graphShape(o, graphSelect(r.URL.Query()), k == graphIncidents && strings.EqualFold(r.URL.Query().Get("$expand"), "alerts"))
				out["@odata.context"] = s.URL + "/v1.0/$metadata#security/" + k.entity() + "/$entity"
				writeJSON(w, http.StatusOK, out)
				return
			}
		}
		writeGraphError(w, http.StatusNotFound, "NotFound", "No "+strings.TrimSuffix(k.entity(), "s")+" with id "+id+" was found.")
	}
}
