package resourcegraph_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/aztest"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/resourcegraph"
	"github.com/huntkit/huntkit/query"
)

func driver(t *testing.T, srv *emulate.Server, ep aztest.Endpoints, extra string, opts map[string]string) *resourcegraph.Driver {
	t.Helper()
	d, err := resourcegraph.New(context.Background(), query.Settings{Config: aztest.Config(t, srv, ep, extra), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t *testing.T, d *resourcegraph.Driver, kql string) *frame.Frame {
	t.Helper()
	f, err := d.Query(context.Background(), query.Request{Text: kql, Language: "kql"})
	if err != nil {
		t.Fatalf("%s: %v", kql, err)
	}
	return f
}

func template(t *testing.T, d *resourcegraph.Driver, name string, values map[string]any) *frame.Frame {
	t.Helper()
	st, err := query.LoadStore()
	if st == nil {
		t.Fatal(err)
	}
	tmpl, err := st.Lookup("ResourceGraph", "ResourceGraph."+name)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := query.LookupEnv("ResourceGraph")
	req, err := tmpl.Render(e.Dialect, values)
	if err != nil {
		t.Fatal(err)
	}
	return run(t, d, req.Text)
}

// TestInventoryOnEmulator queries the emulator's inventory over both subscriptions, one,
// in pages of two, and through the built-in templates.
func TestInventoryOnEmulator(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	both := emulate.DemoSubscriptionProd + "," + emulate.DemoSubscriptionDev
	d := driver(t, srv, aztest.Endpoints{}, "", map[string]string{"subscriptions": both})
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := template(t, d, "list_resources", nil)
	if all.Len() != 9 || all.Partial() != nil {
		t.Fatalf("resources: %d rows (partial %v), want 9", all.Len(), all.Partial())
	}
	if all.Col("tags").Type() != frame.Dynamic || all.Col("id").Type() != frame.String {
		t.Errorf("types: %v", all.Fields())
	}
	paged := run(t, driver(t, srv, aztest.Endpoints{}, "", map[string]string{"subscriptions": both, "page-size": "2"}),
		"resources | project id, name, type, location, resourceGroup, subscriptionId, tags | order by id asc")
	if paged.Len() != 9 || strings.Join(paged.Col("id").Strings(), ",") != strings.Join(all.Col("id").Strings(), ",") {
		t.Fatalf("paged by two: %d rows %v", paged.Len(), paged.Col("id").Strings())
	}
	prod := run(t, driver(t, srv, aztest.Endpoints{}, "", map[string]string{"subscriptions": emulate.DemoSubscriptionProd}), "Resources | count")
	if prod.Col(prod.Names()[0]).Int(0) != 5 {
		t.Errorf("prod resources: %v", prod.Row(0))
	}
	vms := template(t, d, "list_virtual_machines", nil)
	if vms.Len() != 4 || vms.Col("vmSize").Str(0) == "" || vms.Col("osType") == nil {
		t.Errorf("virtual machines: %d %v", vms.Len(), vms.Fields())
	}
	pub := template(t, d, "list_public_storage_accounts", nil)
	if pub.Len() != 1 || pub.Col("name").Str(0) != "stdevshare01" || pub.Col("allowBlobPublicAccess").Type() != frame.Bool {
		t.Errorf("public storage: %d rows %v", pub.Len(), pub.Fields())
	}
	open := template(t, d, "list_nsg_open_inbound", nil)
	if got := strings.Join(open.Col("ruleName").Strings(), ","); got != "allow-rdp-any,allow-https" {
		t.Errorf("open inbound rules: %s", got)
	}
	byType := template(t, d, "list_resources_by_type", map[string]any{"resource_type": "Microsoft.Network/networkSecurityGroups"})
	if byType.Len() != 2 {
		t.Errorf("NSGs by type: %d", byType.Len())
	}
}

// TestSubscriptionsFromConfig: Args.Subscriptions scopes the queries; none means the tenant.
func TestSubscriptionsFromConfig(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, srv, aztest.Endpoints{}, "DataProviders:\n  ResourceGraph:\n    Args:\n      Subscriptions: ["+emulate.DemoSubscriptionDev+"]\n", nil)
	if got := d.SubscriptionIDs(); len(got) != 1 || got[0] != emulate.DemoSubscriptionDev {
		t.Fatalf("subscriptions %v", got)
	}
	if f := run(t, d, "Resources | project id"); f.Len() != 4 {
		t.Errorf("dev resources: %d", f.Len())
	}
	if f := run(t, driver(t, srv, aztest.Endpoints{}, "", nil), "ResourceContainers | where type == 'microsoft.resources/subscriptions' | project id"); f.Len() != 2 {
		t.Errorf("tenant scope subscriptions: %d", f.Len())
	}
}

// TestPartial: a result the service cannot page (no id column) and the max-rows cap are
// kept and flagged partial.
func TestPartial(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, srv, aztest.Endpoints{}, "", map[string]string{"page-size": "2"})
	f := run(t, d, "Resources | project name")
	if f.Len() != 2 || !errors.Is(f.Partial(), resourcegraph.ErrPartial) || !strings.Contains(f.Partial().Error(), "truncated") {
		t.Fatalf("truncated: %d rows, partial %v", f.Len(), f.Partial())
	}
	d = driver(t, srv, aztest.Endpoints{}, "", map[string]string{"page-size": "2", "max-rows": "3"})
	f = run(t, d, "Resources | project id")
	if f.Len() != 3 || !errors.Is(f.Partial(), resourcegraph.ErrPartial) || len(d.Warnings()) != 1 {
		t.Fatalf("max-rows: %d rows, partial %v", f.Len(), f.Partial())
	}
	d = driver(t, srv, aztest.Endpoints{}, "", map[string]string{"page-size": "2", "max-rows": "3", "fail-on-partial": "true"})
	if _, err := d.Query(context.Background(), query.Request{Text: "Resources | project id"}); !errors.Is(err, resourcegraph.ErrPartial) {
		t.Fatalf("fail-on-partial: %v", err)
	}
}

// TestBadRequests: the emulator's 400s are one line with the detail.
func TestBadRequests(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	d := driver(t, srv, aztest.Endpoints{}, "", map[string]string{"subscriptions": "11111111-2222-3333-4444-555555555555"})
	_, err := d.Query(context.Background(), query.Request{Text: "Resources"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "NoValidSubscriptionsInQueryRequest") {
		t.Fatalf("unknown subscription: %v", err)
	}
	d = driver(t, srv, aztest.Endpoints{}, "", nil)
	_, err = d.Query(context.Background(), query.Request{Text: "Resources | where nosuch == 1"})
	if err == nil || !strings.Contains(err.Error(), "InvalidQuery") || !strings.Contains(err.Error(), "nosuch") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("bad KQL: %v", err)
	}
}

const page = `{"totalRecords":3,"count":2,"resultTruncated":"false","$skipToken":"TOKEN","data":{"columns":[{"name":"id","type":"string"},{"name":"n","type":"integer"}],"rows":[["a",1],["b",2]]},"facets":[]}`

// TestFailureModes: the documented failures through the SDK client, one line each.
func TestFailureModes(t *testing.T) {
	aztest.Isolate(t)
	srv := aztest.Start(t, emulate.Options{})
	cases := []struct {
		name    string
		h       http.HandlerFunc
		want    []string
		is      error
		minHits int32
	}{
		{"401", aztest.Reply(401, `{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}`),
			[]string{"ResourceGraph: HTTP 401", "InvalidAuthenticationToken"}, remote.ErrAuth, 1},
		{"403", aztest.Reply(403, `{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'"}}`),
			[]string{"HTTP 403", "AuthorizationFailed"}, nil, 1},
		{"429", aztest.Reply(429, `{"error":{"code":"RateLimiting","message":"Please provide below info when asking for support"}}`, "Retry-After", "1"),
			[]string{"HTTP 429", "RateLimiting", "Retry-After 1 s"}, remote.ErrRateLimited, 2},
		{"500", aztest.Reply(500, `{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}`),
			[]string{"HTTP 500", "InternalServerError"}, remote.ErrServer, 2},
		{"malformed", aztest.Reply(200, `{"totalRecords":1,"data":{"columns":[`), []string{"Resource Graph query failed"}, nil, 1},
		{"not a table", aztest.Reply(200, `{"totalRecords":1,"count":1,"resultTruncated":"false","data":[{"id":"a"}]}`),
			[]string{"malformed response", "not a table"}, remote.ErrMalformed, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := aztest.Serve(t, srv, c.h)
			d := driver(t, srv, aztest.Endpoints{ARM: api.URL, CAFile: api.CAFile}, "", nil)
			_, err := d.Query(context.Background(), query.Request{Text: "Resources"})
			if err == nil || strings.Contains(err.Error(), "\n") || !errors.Is(err, resourcegraph.ErrQuery) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q lacks %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err %q is not %v", err, c.is)
			}
			if n := api.Calls.Load(); n < c.minHits {
				t.Errorf("calls %d, want at least %d", n, c.minHits)
			}
		})
	}
	t.Run("second page fails", func(t *testing.T) {
		var n atomic.Int32
		api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Options struct {
					SkipToken string `json:"$skipToken"`
				} `json:"options"`
			}
			data, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(data, &body)
			if n.Add(1) == 1 && body.Options.SkipToken == "" {
				aztest.Reply(200, page)(w, r)
				return
			}
			aztest.Reply(400, `{"error":{"code":"BadRequest","message":"x","details":[{"code":"InvalidSkipToken","message":"The skip token has expired."}]}}`)(w, r)
		})
		d := driver(t, srv, aztest.Endpoints{ARM: api.URL, CAFile: api.CAFile}, "", nil)
		f := run(t, d, "Resources")
		if f.Len() != 2 || f.Col("n").Type() != frame.Int || !errors.Is(f.Partial(), resourcegraph.ErrPartial) ||
			!strings.Contains(f.Partial().Error(), "InvalidSkipToken") {
			t.Fatalf("rows %d partial %v", f.Len(), f.Partial())
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		api := aztest.Serve(t, srv, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		d := driver(t, srv, aztest.Endpoints{ARM: api.URL, CAFile: api.CAFile}, "", map[string]string{"timeout": "1s"})
		if err := d.Connect(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, err := d.Query(context.Background(), query.Request{Text: "Resources"})
		if err == nil || !strings.Contains(err.Error(), "timed out") {
			t.Fatalf("err = %v", err)
		}
	})
}
