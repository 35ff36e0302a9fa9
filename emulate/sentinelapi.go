package emulate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
)

// The emulated Resource Manager coordinates of the demo workspace.
const (
	DefaultSubscriptionID = "5e7b9c1d-3a2f-4b6e-8d0c-9f1a2b3c4d5e"
	DefaultResourceGroup  = "huntkit-emulator-rg"
	DefaultWorkspaceName  = "huntkit-emulator"
)

// Sentinel's ARM APIs (Microsoft.SecurityInsights and the workspace's saved searches) over
// the demo tenant: incidents from SecurityIncident, their alerts and entities from
// SecurityAlert, indicators from ThreatIntelligenceIndicator, and a few fixed rules,
// templates, watchlists and hunting queries. Writes stay in s.state for the life of the
// process; every write changes the ETag; a stale ETag is refused (If-Match 412, body 409).
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		ws := "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{ws}"
		si := ws + "/providers/Microsoft.SecurityInsights/"
		h := func(pattern string, fn func(*sentinelState, http.ResponseWriter, *http.Request)) {
			mux.HandleFunc(pattern, s.authed(func(w http.ResponseWriter, r *http.Request) {
				st, err := s.sentinel(r.Context())
				if err != nil {
					writeAPIError(w, http.StatusInternalServerError, "InternalServerError", oneLine(err.Error()), nil)
					return
				}
				if r.PathValue("ws") != "" && !strings.EqualFold(r.PathValue("ws"), DefaultWorkspaceName) {
					writeAPIError(w, http.StatusNotFound, "ResourceNotFound", "Workspace "+r.PathValue("ws")+" not found", nil)
					return
				}
				st.mu.Lock()
				defer st.mu.Unlock()
				fn(st, w, r)
			}))
		}
		h("GET /subscriptions/{sub}/providers/Microsoft.OperationalInsights/workspaces", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.OperationalInsights/workspaces/%s", r.PathValue("sub"), DefaultResourceGroup, DefaultWorkspaceName)
			writeJSON(w, http.StatusOK, map[string]any{"value": []any{map[string]any{"id": id, "name": DefaultWorkspaceName, "location": "westeurope",
				"properties": map[string]any{"customerId": s.WorkspaceID(), "provisioningState": "Succeeded", "retentionInDays": 90, "sku": map[string]any{"name": "PerGB2018"}}}}})
		})
		h("GET "+si+"incidents", (*sentinelState).listIncidents)
		h("GET "+si+"incidents/{id}", (*sentinelState).getIncident)
		h("PUT "+si+"incidents/{id}", (*sentinelState).putIncident)
		h("GET "+si+"incidents/{id}/comments", (*sentinelState).listComments)
		h("PUT "+si+"incidents/{id}/comments/{cid}", (*sentinelState).putComment)
		h("POST "+si+"incidents/{id}/alerts", (*sentinelState).incidentAlerts)
		h("POST "+si+"incidents/{id}/entities", (*sentinelState).incidentEntities)
		h("GET "+si+"bookmarks", func(st *sentinelState, w http.ResponseWriter, r *http.Request) { writeList(w, st.bookmarks) })
		h("PUT "+si+"bookmarks/{bid}", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			st.put(w, r, st.bookmarks, r.PathValue("bid"), "Microsoft.SecurityInsights/Bookmarks")
		})
		h("GET "+si+"watchlists", func(st *sentinelState, w http.ResponseWriter, r *http.Request) { writeList(w, st.watchlists) })
		h("PUT "+si+"watchlists/{alias}", (*sentinelState).putWatchlist)
		h("GET "+si+"watchlists/{alias}/watchlistItems", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			items, ok := st.items[strings.ToLower(r.PathValue("alias"))]
			if !ok {
				writeAPIError(w, http.StatusNotFound, "NotFound", "Watchlist "+r.PathValue("alias")+" not found", nil)
				return
			}
			writeList(w, items)
		})
		h("PUT "+si+"watchlists/{alias}/watchlistItems/{iid}", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			items, ok := st.items[strings.ToLower(r.PathValue("alias"))]
			if !ok {
				writeAPIError(w, http.StatusNotFound, "NotFound", "Watchlist "+r.PathValue("alias")+" not found", nil)
				return
			}
			st.put(w, r, items, r.PathValue("iid"), "Microsoft.SecurityInsights/Watchlists/WatchlistItems")
		})
		h("DELETE "+si+"watchlists/{alias}/watchlistItems/{iid}", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			if items, ok := st.items[strings.ToLower(r.PathValue("alias"))]; ok {
				items.del(r.PathValue("iid"))
			}
			w.WriteHeader(http.StatusOK)
		})
		h("GET "+si+"alertRules", func(st *sentinelState, w http.ResponseWriter, r *http.Request) { writeList(w, st.rules) })
		h("GET "+si+"alertRules/{rid}", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			st.get(w, st.rules, r.PathValue("rid"))
		})
		h("GET "+si+"alertRuleTemplates", func(st *sentinelState, w http.ResponseWriter, r *http.Request) { writeList(w, st.templates) })
		h("GET "+si+"alertRuleTemplates/{rid}", func(st *sentinelState, w http.ResponseWriter, r *http.Request) {
			st.get(w, st.templates, r.PathValue("rid"))
		})
		h("GET "+ws+"/savedSearches", func(st *sentinelState, w http.ResponseWriter, r *http.Request) { writeList(w, st.searches) })
		h("POST "+si+"threatIntelligence/main/queryIndicators", (*sentinelState).queryIndicators)
		h("POST "+si+"threatIntelligence/main/createIndicator", (*sentinelState).createIndicator)
		h("POST "+si+"threatIntelligence/main/indicators/{iid}/appendTags", (*sentinelState).appendTags)
	})
}

// store is an ordered set of ARM resources by name.
type store struct {
	order []string
	byKey map[string]map[string]any
}

func newStore() *store { return &store{byKey: map[string]map[string]any{}} }

func (s *store) set(name string, res map[string]any) {
	k := strings.ToLower(name)
	if _, ok := s.byKey[k]; !ok {
		s.order = append(s.order, k)
	}
	s.byKey[k] = res
}

func (s *store) get(name string) (map[string]any, bool) {
	r, ok := s.byKey[strings.ToLower(name)]
	return r, ok
}

func (s *store) del(name string) {
	k := strings.ToLower(name)
	if _, ok := s.byKey[k]; !ok {
		return
	}
	delete(s.byKey, k)
	for i, o := range s.order {
		if o == k {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

func (s *store) all() []map[string]any {
	out := make([]map[string]any, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.byKey[k])
	}
	return out
}

type sentinelState struct {
	mu         sync.Mutex
	base       string // ARM id prefix of the workspace's SecurityInsights resources
	incidents  *store
	alerts     map[string]map[string]any   // SystemAlertId -> alert resource
	entities   map[string][]map[string]any // SystemAlertId -> entity resources
	comments   map[string]*store           // incident name (lower) -> comments
	bookmarks  *store
	watchlists *store
	items      map[string]*store // watchlist alias (lower) -> items
	rules      *store
	templates  *store
	searches   *store
	indicators *store
}

// sentinel returns the state, loading it from the backend on first use.
func (s *Server) sentinel(ctx context.Context) (*sentinelState, error) {
	if v, ok := s.state.Load("sentinel"); ok {
		return v.(*sentinelState), nil
	}
	st, err := loadSentinel(ctx, s.opt.Backend)
	if err != nil {
		return nil, fmt.Errorf("emulate: Sentinel state from the demo tenant: %w", err)
	}
	v, _ := s.state.LoadOrStore("sentinel", st)
	return v.(*sentinelState), nil
}

func newETag() string { return `"` + uuid.NewString() + `"` }

func writeList(w http.ResponseWriter, s *store) {
	writeJSON(w, http.StatusOK, map[string]any{"value": s.all()})
}

func (st *sentinelState) get(w http.ResponseWriter, s *store, name string) {
	r, ok := s.get(name)
	if !ok {
		writeAPIError(w, http.StatusNotFound, "NotFound", "Resource "+name+" not found", nil)
		return
	}
	writeJSON(w, http.StatusOK, r)
}

// readBody decodes a JSON request body, answering 400 when it is not JSON.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	var body map[string]any
	if err == nil {
		err = json.Unmarshal(data, &body)
	}
	if err != nil || body == nil {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "The request body is not a JSON object", nil)
		return nil, false
	}
	return body, true
}

// put creates or replaces a resource with the body's properties and a new ETag.
func (st *sentinelState) put(w http.ResponseWriter, r *http.Request, s *store, name, typ string) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	props, _ := body["properties"].(map[string]any)
	if props == nil {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "properties are required", nil)
		return
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	status := http.StatusOK
	if old, exists := s.get(name); exists {
		if op, _ := old["properties"].(map[string]any); op != nil && op["created"] != nil {
			props["created"] = op["created"]
		}
	} else {
		status = http.StatusCreated
		props["created"] = now
	}
	props["updated"] = now
	res := map[string]any{"id": st.base + typeSegment(typ) + "/" + name, "name": name, "type": typ, "etag": newETag(), "properties": props}
	s.set(name, res)
	writeJSON(w, status, res)
}

func typeSegment(typ string) string {
	parts := strings.Split(typ, "/")
	return strings.ToLower(parts[len(parts)-1])
}

func (st *sentinelState) putWatchlist(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	props, _ := body["properties"].(map[string]any)
	alias := r.PathValue("alias")
	key, _ := props["itemsSearchKey"].(string)
	if props == nil || key == "" {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "properties.itemsSearchKey is required", nil)
		return
	}
	items := newStore()
	if raw, _ := props["rawContent"].(string); raw != "" {
		f, err := frame.ReadCSV(strings.NewReader(raw), "rawContent")
		if err != nil {
			writeAPIError(w, http.StatusBadRequest, "BadRequest", "rawContent: "+oneLine(err.Error()), nil)
			return
		}
		if f.Col(key) == nil {
			writeAPIError(w, http.StatusBadRequest, "BadRequest", "itemsSearchKey "+key+" is not a column of rawContent", nil)
			return
		}
		for i := 0; i < f.Len(); i++ {
			kv := map[string]any{}
			for _, c := range f.Columns() {
				kv[c.Name()] = fmt.Sprint(c.Value(i))
			}
			id := uuid.NewString()
			items.set(id, map[string]any{"id": st.base + "watchlists/" + alias + "/watchlistitems/" + id, "name": id, "etag": newETag(),
				"properties": map[string]any{"itemsKeyValue": kv}})
		}
		delete(props, "rawContent")
	}
	st.items[strings.ToLower(alias)] = items
	props["watchlistAlias"] = alias
	r.Body = io.NopCloser(strings.NewReader(mustJSON(map[string]any{"properties": props})))
	st.put(w, r, st.watchlists, alias, "Microsoft.SecurityInsights/Watchlists")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var filterRE = regexp.MustCompile(`properties/(\w+) eq '((?:[^']|'')*)'`)

// listIncidents answers GET incidents with $filter (eq on properties, or-ed per field),
// $orderby (createdTimeUtc / lastModifiedTimeUtc, asc or desc), $top and $skipToken paging.
func (st *sentinelState) listIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	want := map[string][]string{}
	for _, m := range filterRE.FindAllStringSubmatch(q.Get("$filter"), -1) {
		want[m[1]] = append(want[m[1]], strings.ReplaceAll(m[2], "''", "'"))
	}
	var out []map[string]any
	for _, inc := range st.incidents.all() {
		p := inc["properties"].(map[string]any)
		ok := true
		for field, vals := range want {
			match := false
			for _, v := range vals {
				if strings.EqualFold(fmt.Sprint(p[field]), v) {
					match = true
				}
			}
			ok = ok && match
		}
		if ok {
			out = append(out, inc)
		}
	}
	field, dir, _ := strings.Cut(strings.TrimSpace(q.Get("$orderby")), " ")
	field = strings.TrimPrefix(field, "properties/")
	if field == "" {
		field = "createdTimeUtc"
	}
	sort.SliceStable(out, func(i, j int) bool {
		a := fmt.Sprint(out[i]["properties"].(map[string]any)[field])
		b := fmt.Sprint(out[j]["properties"].(map[string]any)[field])
		if strings.EqualFold(dir, "desc") {
			return a > b
		}
		return a < b
	})
	size := 50
	if n, err := strconv.Atoi(q.Get("$top")); err == nil && n > 0 && n < size {
		size = n
	}
	skip, _ := strconv.Atoi(q.Get("$skipToken"))
	if skip > len(out) {
		skip = len(out)
	}
	end := min(skip+size, len(out))
	resp := map[string]any{"value": out[skip:end]}
	if end < len(out) {
		nq := r.URL.Query()
		nq.Set("$skipToken", strconv.Itoa(end))
		resp["nextLink"] = "https://" + r.Host + r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

func (st *sentinelState) incident(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	inc, ok := st.incidents.get(r.PathValue("id"))
	if !ok {
		writeAPIError(w, http.StatusNotFound, "NotFound", "Incident "+r.PathValue("id")+" not found", nil)
	}
	return inc, ok
}

func (st *sentinelState) getIncident(w http.ResponseWriter, r *http.Request) {
	if inc, ok := st.incident(w, r); ok {
		writeJSON(w, http.StatusOK, inc)
	}
}

// putIncident updates an incident: a stale If-Match is 412, a stale body etag 409; a
// missing incident is 404 (huntkit only updates incidents it read).
func (st *sentinelState) putIncident(w http.ResponseWriter, r *http.Request) {
	inc, ok := st.incident(w, r)
	if !ok {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	cur := inc["etag"].(string)
	if im := r.Header.Get("If-Match"); im != "" && im != "*" && im != cur {
		writeAPIError(w, http.StatusPreconditionFailed, "PreconditionFailed", "The incident was modified: the If-Match ETag is stale", nil)
		return
	}
	if et, _ := body["etag"].(string); et != "" && et != cur {
		writeAPIError(w, http.StatusConflict, "Conflict", "Newer version of the incident exists: the etag is stale", nil)
		return
	}
	np, _ := body["properties"].(map[string]any)
	if np == nil {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "properties are required", nil)
		return
	}
	p := inc["properties"].(map[string]any)
	for _, k := range []string{"title", "description", "severity", "status", "classification", "classificationReason", "classificationComment", "owner", "labels"} {
		if v, ok := np[k]; ok {
			p[k] = v
		}
	}
	if _, ok := np["owner"]; !ok {
		p["owner"] = map[string]any{}
	}
	if p["status"] == "Closed" && fmt.Sprint(p["classification"]) == "" {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "Closing an incident requires a classification", nil)
		return
	}
	p["lastModifiedTimeUtc"] = time.Now().UTC().Format(time.RFC3339Nano)
	inc["etag"] = newETag()
	writeJSON(w, http.StatusOK, inc)
}

func (st *sentinelState) listComments(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.incident(w, r); !ok {
		return
	}
	c := st.comments[strings.ToLower(r.PathValue("id"))]
	if c == nil {
		c = newStore()
	}
	writeList(w, c)
}

func (st *sentinelState) putComment(w http.ResponseWriter, r *http.Request) {
	inc, ok := st.incident(w, r)
	if !ok {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	props, _ := body["properties"].(map[string]any)
	msg, _ := props["message"].(string)
	if strings.TrimSpace(msg) == "" {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "properties.message is required", nil)
		return
	}
	key := strings.ToLower(r.PathValue("id"))
	if st.comments[key] == nil {
		st.comments[key] = newStore()
	}
	cid := r.PathValue("cid")
	now := time.Now().UTC().Format(time.RFC3339Nano)
	res := map[string]any{"id": inc["id"].(string) + "/comments/" + cid, "name": cid, "etag": newETag(),
		"properties": map[string]any{"message": msg, "createdTimeUtc": now, "lastModifiedTimeUtc": now,
			"author": map[string]any{"name": "huntkit emulator client", "userPrincipalName": "analyst@huntkit-emulator.example"}}}
	if old, ok := st.comments[key].get(cid); ok {
		res["properties"].(map[string]any)["createdTimeUtc"] = old["properties"].(map[string]any)["createdTimeUtc"]
	} else {
		add := inc["properties"].(map[string]any)["additionalData"].(map[string]any)
		add["commentsCount"] = add["commentsCount"].(int) + 1
	}
	st.comments[key].set(cid, res)
	writeJSON(w, http.StatusOK, res)
}

func (st *sentinelState) alertIDs(inc map[string]any) []string {
	ids, _ := inc["alertIds"].([]string)
	return ids
}

func (st *sentinelState) incidentAlerts(w http.ResponseWriter, r *http.Request) {
	inc, ok := st.incident(w, r)
	if !ok {
		return
	}
	out := []any{}
	for _, id := range st.alertIDs(inc) {
		if a, ok := st.alerts[id]; ok {
			out = append(out, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": out})
}

func (st *sentinelState) incidentEntities(w http.ResponseWriter, r *http.Request) {
	inc, ok := st.incident(w, r)
	if !ok {
		return
	}
	out := []any{}
	seen := map[string]bool{}
	counts := map[string]int{}
	for _, id := range st.alertIDs(inc) {
		for _, e := range st.entities[id] {
			k := e["kind"].(string) + "|" + e["properties"].(map[string]any)["friendlyName"].(string)
			if !seen[k] {
				seen[k] = true
				out = append(out, e)
				counts[e["kind"].(string)]++
			}
		}
	}
	var meta []any
	for _, k := range sortedKeys(counts) {
		meta = append(meta, map[string]any{"entityKind": k, "count": counts[k]})
	}
	writeJSON(w, http.StatusOK, map[string]any{"entities": out, "metaData": meta})
}

// queryIndicators answers queryIndicators: keywords match pattern, display name or
// description; patternTypes, sources and minConfidence filter; pageSize + skipToken page.
func (st *sentinelState) queryIndicators(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	kw := strings.ToLower(fmt.Sprint(body["keywords"]))
	if body["keywords"] == nil {
		kw = ""
	}
	in := func(key string, v any) bool {
		list, _ := body[key].([]any)
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if strings.EqualFold(fmt.Sprint(x), fmt.Sprint(v)) {
				return true
			}
		}
		return false
	}
	minConf, _ := body["minConfidence"].(float64)
	var out []map[string]any
	for _, ind := range st.indicators.all() {
		p := ind["properties"].(map[string]any)
		text := strings.ToLower(fmt.Sprint(p["pattern"], " ", p["displayName"], " ", p["description"]))
		conf, _ := p["confidence"].(int)
		if (kw == "" || strings.Contains(text, kw)) && in("patternTypes", p["patternType"]) && in("sources", p["source"]) && float64(conf) >= minConf {
			out = append(out, ind)
		}
	}
	size := 100
	if n, ok := body["pageSize"].(float64); ok && n > 0 {
		size = int(n)
	}
	skip := 0
	if t, ok := body["skipToken"].(string); ok {
		skip, _ = strconv.Atoi(t)
	}
	skip = min(skip, len(out))
	end := min(skip+size, len(out))
	resp := map[string]any{"value": out[skip:end]}
	if end < len(out) {
		// queryIndicators pages by repeating the POST with the skipToken in the body; huntkit
		// also accepts a nextLink, which the emulator gives as the same URL with the token.
		q := r.URL.Query()
		q.Set("$skipToken", strconv.Itoa(end))
		resp["nextLink"] = "https://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	if t := r.URL.Query().Get("$skipToken"); t != "" && body["skipToken"] == nil {
		body["skipToken"] = t
		r.Body = io.NopCloser(strings.NewReader(mustJSON(body)))
		r.URL.RawQuery = url.Values{"api-version": {r.URL.Query().Get("api-version")}}.Encode()
		st.queryIndicators(w, r)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (st *sentinelState) createIndicator(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	p, _ := body["properties"].(map[string]any)
	if p == nil || p["pattern"] == nil || p["patternType"] == nil {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "properties.pattern and properties.patternType are required", nil)
		return
	}
	if c, ok := p["confidence"].(float64); ok {
		p["confidence"] = int(c)
	}
	id := uuid.NewString()
	p["created"] = time.Now().UTC().Format(time.RFC3339Nano)
	res := map[string]any{"id": st.base + "threatintelligence/main/indicators/" + id, "name": id, "kind": "indicator", "etag": newETag(), "properties": p}
	st.indicators.set(id, res)
	writeJSON(w, http.StatusOK, res)
}

func (st *sentinelState) appendTags(w http.ResponseWriter, r *http.Request) {
	ind, ok := st.indicators.get(r.PathValue("iid"))
	if !ok {
		writeAPIError(w, http.StatusNotFound, "NotFound", "Indicator "+r.PathValue("iid")+" not found", nil)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	p := ind["properties"].(map[string]any)
	tags, _ := p["threatIntelligenceTags"].([]any)
	add, _ := body["threatIntelligenceTags"].([]any)
	if len(add) == 0 {
		writeAPIError(w, http.StatusBadRequest, "BadRequest", "threatIntelligenceTags is required", nil)
		return
	}
	for _, t := range add {
		dup := false
		for _, have := range tags {
			dup = dup || have == t
		}
		if !dup {
			tags = append(tags, t)
		}
	}
	p["threatIntelligenceTags"] = tags
	ind["etag"] = newETag()
	w.WriteHeader(http.StatusOK)
}
