package emulate

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
	"github.com/huntkit/huntkit/query"
)

// Subscriptions of the emulated tenant's Azure inventory.
const (
	DemoSubscriptionProd = "6b1f2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	DemoSubscriptionDev  = "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
)

// Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources runs the KQL on
// a small fixed inventory of the demo tenant (virtual machines, storage accounts, network
// security groups, a public IP; tables Resources and ResourceContainers), scoped to the
// requested subscriptions, paged with $top / $skip / $skipToken, in the table or
// objectArray format.
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST /providers/Microsoft.ResourceGraph/resources", s.authedAs(writeARMError, s.resourceGraph))
	})
}

// writeARMError writes Azure Resource Manager's error body.
func writeARMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func armBadRequest(w http.ResponseWriter, code, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": "BadRequest",
		"message": "Please provide below info when asking for support: timestamp, correlationId.",
		"details": []map[string]any{{"code": code, "message": msg}}}})
}

type argRequest struct {
	Subscriptions []string `json:"subscriptions"`
	Query         string   `json:"query"`
	Options       struct {
		Top          *int   `json:"$top"`
		Skip         *int   `json:"$skip"`
		SkipToken    string `json:"$skipToken"`
		ResultFormat string `json:"resultFormat"`
	} `json:"options"`
}

var argTableRE = regexp.MustCompile(`(?i)\b(resources|resourcecontainers)\b`)

func (s *Server) resourceGraph(w http.ResponseWriter, r *http.Request) {
	var req argRequest
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(data, &req)
	}
	if err != nil {
		armBadRequest(w, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		armBadRequest(w, "InvalidQuery", "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.")
		return
	}
	subs := map[string]bool{}
	for _, sub := range req.Subscriptions {
		if sub = strings.ToLower(sub); sub == DemoSubscriptionProd || sub == DemoSubscriptionDev {
			subs[sub] = true
		}
	}
	if len(req.Subscriptions) > 0 && len(subs) == 0 {
		armBadRequest(w, "NoValidSubscriptionsInQueryRequest", "There are no valid subscriptions in the query request.")
		return
	}
	top := 1000
	if req.Options.Top != nil {
		if *req.Options.Top < 1 || *req.Options.Top > 1000 {
			armBadRequest(w, "InvalidTop", "$top must be between 1 and 1000.")
			return
		}
		top = *req.Options.Top
	}
	skip := 0
	if req.Options.Skip != nil {
		skip = *req.Options.Skip
	}
	if req.Options.SkipToken != "" {
		raw, err := base64.StdEncoding.DecodeString(req.Options.SkipToken)
		n, aerr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || aerr != nil || n < 0 {
			armBadRequest(w, "InvalidSkipToken", "The skip token is not valid.")
			return
		}
		skip = n
	}
	f, err := runInventory(r.Context(), s.opt.TenantID, req.Query, subs)
	if err != nil {
		status, _, msg := huntingError(err)
		if status == http.StatusBadRequest {
			armBadRequest(w, "InvalidQuery", msg)
		} else {
			writeARMError(w, status, "InternalServerError", msg)
		}
		return
	}
	total := f.Len()
	end := min(skip+top, total)
	page := f.Take(rangeIdx(min(skip, total), end))
	resp := map[string]any{"totalRecords": total, "count": page.Len(), "resultTruncated": "false", "facets": []any{}}
	if end < total {
		if f.Col("id") != nil {
			resp["$skipToken"] = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
		} else {
			resp["resultTruncated"] = "true"
		}
	}
	if strings.EqualFold(req.Options.ResultFormat, "table") {
		resp["data"] = argTable(page)
	} else {
		_, objs := huntingRows(page, true)
		resp["data"] = objs
	}
	writeJSON(w, http.StatusOK, resp)
}

func rangeIdx(a, b int) []int {
	out := make([]int, 0, max(b-a, 0))
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

// argTable writes a Frame in Resource Graph's table format.
func argTable(f *frame.Frame) map[string]any {
	cols := f.Columns()
	columns := make([]map[string]string, len(cols))
	for i, c := range cols {
		t := map[frame.Type]string{frame.Int: "integer", frame.Float: "real", frame.Bool: "boolean",
			frame.Time: "datetime", frame.Dynamic: "object"}[c.Type()]
		if t == "" {
			t = "string"
		}
		columns[i] = map[string]string{"name": c.Name(), "type": t}
	}
	rows := make([][]any, f.Len())
	for i := range rows {
		row := make([]any, len(cols))
		for j, c := range cols {
			row[j] = jsonValue(c, i)
		}
		rows[i] = row
	}
	return map[string]any{"columns": columns, "rows": rows}
}

// runInventory runs the KQL on the inventory of the subscriptions (all when none) in a
// private in-memory workspace, the table names spelt as the query spells them.
func runInventory(ctx context.Context, tenant, kql string, subs map[string]bool) (*frame.Frame, error) {
	ws, err := engine.Open(ctx, "")
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	res, cont := DemoInventory(tenant)
	names := map[string]string{}
	for _, m := range argTableRE.FindAllString(kql, -1) {
		if names[strings.ToLower(m)] == "" {
			names[strings.ToLower(m)] = m // KQL in Resource Graph ignores the case of table names
		}
	}
	if names["resources"] == "" {
		names["resources"] = "Resources"
	}
	if names["resourcecontainers"] == "" {
		names["resourcecontainers"] = "ResourceContainers"
	}
	for key, f := range map[string]*frame.Frame{"resources": res, "resourcecontainers": cont} {
		if len(subs) > 0 {
			var keep []int
			for i := 0; i < f.Len(); i++ {
				if subs[f.Col("subscriptionId").Str(i)] {
					keep = append(keep, i)
				}
			}
			f = f.Take(keep)
		}
		if err := ws.Register(ctx, names[key], f); err != nil {
			return nil, err
		}
	}
	drv, err := localdata.New(ctx, query.Settings{Workspace: ws})
	if err != nil {
		return nil, err
	}
	return drv.Query(ctx, query.Request{Text: kql, Language: "kql"})
}

// DemoInventory is the demo tenant's fixed Azure inventory: the Resources and
// ResourceContainers tables (columns as Resource Graph's).
func DemoInventory(tenant string) (resources, containers *frame.Frame) {
	type res struct {
		sub, rg, typ, name, kind, location string
		sku, props, tags                   any
	}
	vm := func(size, os, power, nic string) map[string]any {
		return map[string]any{"hardwareProfile": map[string]any{"vmSize": size},
			"storageProfile": map[string]any{"osDisk": map[string]any{"osType": os}},
			"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nic}}},
			"extended":       map[string]any{"instanceView": map[string]any{"powerState": map[string]any{"code": power}}}}
	}
	rule := func(name, dir, access, src, port string, prio int) map[string]any {
		return map[string]any{"name": name, "properties": map[string]any{"direction": dir, "access": access, "protocol": "Tcp",
			"sourceAddressPrefix": src, "destinationPortRange": port, "priority": prio}}
	}
	list := []res{
		{DemoSubscriptionProd, "rg-prod-web", "microsoft.compute/virtualmachines", "vm-web-01", "", "westeurope", nil,
			vm("Standard_D2s_v5", "Linux", "PowerState/running", "nic-web-01"), map[string]any{"env": "prod", "owner": "web-team"}},
		{DemoSubscriptionProd, "rg-prod-web", "microsoft.compute/virtualmachines", "vm-web-02", "", "westeurope", nil,
			vm("Standard_D2s_v5", "Linux", "PowerState/running", "nic-web-02"), map[string]any{"env": "prod", "owner": "web-team"}},
		{DemoSubscriptionProd, "rg-prod-dc", "microsoft.compute/virtualmachines", "DC-01", "", "westeurope", nil,
			vm("Standard_D4s_v5", "Windows", "PowerState/running", "nic-dc-01"), map[string]any{"env": "prod", "role": "domain-controller"}},
		{DemoSubscriptionDev, "rg-dev", "microsoft.compute/virtualmachines", "vm-dev-jump", "", "northeurope", nil,
			vm("Standard_B2s", "Windows", "PowerState/deallocated", "nic-dev-jump"), map[string]any{"env": "dev"}},
		{DemoSubscriptionProd, "rg-prod-data", "microsoft.storage/storageaccounts", "stprodlogs01", "StorageV2", "westeurope",
			map[string]any{"name": "Standard_GRS", "tier": "Standard"},
			map[string]any{"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "networkAcls": map[string]any{"defaultAction": "Deny"}},
			map[string]any{"env": "prod"}},
		{DemoSubscriptionDev, "rg-dev", "microsoft.storage/storageaccounts", "stdevshare01", "StorageV2", "northeurope",
			map[string]any{"name": "Standard_LRS", "tier": "Standard"},
			map[string]any{"allowBlobPublicAccess": true, "minimumTlsVersion": "TLS1_0", "networkAcls": map[string]any{"defaultAction": "Allow"}},
			map[string]any{"env": "dev"}},
		{DemoSubscriptionProd, "rg-prod-web", "microsoft.network/networksecuritygroups", "nsg-web", "", "westeurope", nil,
			map[string]any{"securityRules": []any{rule("allow-https", "Inbound", "Allow", "*", "443", 100), rule("deny-all", "Inbound", "Deny", "*", "*", 4096)}},
			map[string]any{"env": "prod"}},
		{DemoSubscriptionDev, "rg-dev", "microsoft.network/networksecuritygroups", "nsg-dev-jump", "", "northeurope", nil,
			map[string]any{"securityRules": []any{rule("allow-rdp-any", "Inbound", "Allow", "Internet", "3389", 100), rule("allow-ssh-office", "Inbound", "Allow", "203.0.113.0/24", "22", 110)}},
			map[string]any{"env": "dev"}},
		{DemoSubscriptionDev, "rg-dev", "microsoft.network/publicipaddresses", "pip-dev-jump", "", "northeurope",
			map[string]any{"name": "Standard"}, map[string]any{"ipAddress": "198.51.100.24", "publicIPAllocationMethod": "Static"},
			map[string]any{"env": "dev"}},
	}
	cols := map[string][]any{}
	names := []string{"id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones"}
	for _, r := range list {
		id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", r.sub, r.rg, r.typ, r.name)
		vals := []any{id, r.name, r.typ, tenant, r.kind, r.location, r.rg, r.sub, "", r.sku, nil, r.props, r.tags, nil, nil}
		for i, n := range names {
			cols[n] = append(cols[n], vals[i])
		}
	}
	resources = buildFrame(names, cols, map[string]bool{"sku": true, "plan": true, "properties": true, "tags": true, "identity": true, "zones": true})

	ccols := map[string][]any{}
	cnames := []string{"id", "name", "type", "tenantId", "location", "resourceGroup", "subscriptionId", "properties", "tags"}
	add := func(vals ...any) {
		for i, n := range cnames {
			ccols[n] = append(ccols[n], vals[i])
		}
	}
	for _, sub := range []struct{ id, name string }{{DemoSubscriptionProd, "Contoso Production"}, {DemoSubscriptionDev, "Contoso Development"}} {
		add("/subscriptions/"+sub.id, sub.name, "microsoft.resources/subscriptions", tenant, "", "", sub.id,
			map[string]any{"state": "Enabled"}, map[string]any{})
	}
	for _, rg := range []struct{ sub, name, loc string }{{DemoSubscriptionProd, "rg-prod-web", "westeurope"}, {DemoSubscriptionProd, "rg-prod-dc", "westeurope"},
		{DemoSubscriptionProd, "rg-prod-data", "westeurope"}, {DemoSubscriptionDev, "rg-dev", "northeurope"}} {
		add("/subscriptions/"+rg.sub+"/resourceGroups/"+rg.name, rg.name, "microsoft.resources/subscriptions/resourcegroups", tenant, rg.loc, rg.name, rg.sub,
			map[string]any{"provisioningState": "Succeeded"}, map[string]any{})
	}
	containers = buildFrame(cnames, ccols, map[string]bool{"properties": true, "tags": true})
	return resources, containers
}

func buildFrame(names []string, cols map[string][]any, dynamic map[string]bool) *frame.Frame {
	out := make([]*frame.Column, len(names))
	for i, n := range names {
		typ := frame.String
		if dynamic[n] {
			typ = frame.Dynamic
		}
		b := frame.NewBuilder(n, typ, len(cols[n]))
		for _, v := range cols[n] {
			switch {
			case v == nil:
				b.AppendNull()
			case typ == frame.Dynamic:
				b.AppendDynamic(v)
			default:
				b.AppendString(v.(string))
			}
		}
		out[i] = b.Column()
	}
	f, err := frame.New(out...)
	if err != nil {
		panic(err) // the inventory is fixed: a failure is a programming error
	}
	return f
}
