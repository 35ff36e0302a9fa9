package vis

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
)

// graphFixture: three alerts in two incidents. The host (written WS01 and
// ws01.contoso.com), the account (CONTOSO\jdoe and jdoe@contoso.com) and the address are each
// named by two alerts, so they join the alerts (and the incidents) in the graph.
func graphFixture(t *testing.T) ([]GraphNode, []GraphEdge) {
	t.Helper()
	alerts := frame.MustNew(
		frame.NewStrings("SystemAlertId", []string{"a1", "a2", "a3"}),
		frame.NewStrings("AlertName", []string{"Credential dump", "Unfamiliar sign-in", "Beacon"}),
		frame.NewStrings("AlertSeverity", []string{"High", "Medium", "Low"}),
		frame.NewStrings("Entities", []string{
			`[{"$id":"2","HostName":"WS01","Type":"host"},{"$id":"3","Name":"jdoe","NTDomain":"CONTOSO","Type":"account"},{"$id":"4","CommandLine":"rundll32 comsvcs.dll","Host":{"$ref":"2"},"Type":"process"}]`,
			`[{"$id":"2","Name":"jdoe","UPNSuffix":"contoso.com","Type":"account"},{"$id":"3","Address":"203.0.113.7","Type":"ip"}]`,
			`[{"$id":"2","Address":"203.0.113.7","Type":"ip"},{"$id":"3","HostName":"ws01","DnsDomain":"contoso.com","Type":"host"}]`,
		}),
	)
	incidents := frame.MustNew(
		frame.NewInts("IncidentNumber", []int64{7, 8}),
		frame.NewStrings("Title", []string{"Multi-stage attack", "Beacon"}),
		frame.NewStrings("Severity", []string{"High", "Low"}),
		frame.NewStrings("AlertIds", []string{`["a1","a2"]`, `["a3"]`}),
	)
	g, bad := entity.BuildGraph(alerts, incidents)
	if bad != 0 {
		t.Fatalf("%d unreadable alerts", bad)
	}
	var nodes []GraphNode
	for _, n := range g.Nodes {
		nodes = append(nodes, GraphNode{ID: n.ID, Kind: string(n.Type), Label: n.Label, Detail: n.Detail})
	}
	var edges []GraphEdge
	for _, e := range g.Edges {
		edges = append(edges, GraphEdge{From: e.From, To: e.To})
	}
	if len(nodes) != 9 || len(edges) != 10 || len(g.Shared()) != 3 {
		t.Fatalf("graph: %d nodes, %d edges, %d shared: %+v", len(nodes), len(edges), len(g.Shared()), g)
	}
	return nodes, edges
}

func TestEntityGraphErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := EntityGraph(&buf, nil, nil); err == nil || !strings.Contains(err.Error(), "no nodes") {
		t.Errorf("empty graph: %v", err)
	}
	err := EntityGraph(&buf, []GraphNode{{ID: "a", Kind: "alert"}}, []GraphEdge{{From: "a", To: "b"}})
	if err == nil || !strings.Contains(err.Error(), "unknown node") {
		t.Errorf("dangling edge: %v", err)
	}
}

func TestBrowserEntityGraph(t *testing.T) {
	nodes, edges := graphFixture(t)
	b := newBrowser(t)
	b.open("entitygraph", render(t, func(w *bytes.Buffer) error { return EntityGraph(w, nodes, edges, Title("Demo incidents")) }),
		`window.hkRendered !== undefined`)
	got := eval[map[string]any](b, `window.hkRendered`)
	if got["nodes"] != float64(9) || got["links"] != float64(10) || got["shared"] != float64(3) {
		t.Errorf("rendered %v", got)
	}
	kinds := eval[[]any](b, `window.hkRendered.kinds`)
	if len(kinds) != 6 || kinds[0] != "incident" || kinds[1] != "alert" {
		t.Errorf("legend kinds %v", kinds)
	}
	b.run(chromedp.SendKeys(`#hk-search`, "203.0.113"))
	b.poll(`window.hkFound === 1`)
	if txt := eval[string](b, `document.getElementById('hk-found').textContent`); txt != "1 found" {
		t.Errorf("search says %q", txt)
	}
	n := eval[float64](b, `window.hkChart.getOption().series[0].data.length`)
	if n != 9 {
		t.Errorf("chart has %v nodes", n)
	}
	b.screenshot("entitygraph")
}
