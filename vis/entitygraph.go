package vis

import (
	"fmt"
	"io"
)

// GraphNode is one node of an entity graph: an incident, an alert or an entity.
type GraphNode struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"` // incident, alert, or the entity type (host, account, ip, ...)
	Label  string `json:"label"`
	Detail string `json:"detail,omitempty"`
}

// GraphEdge joins two nodes by ID.
type GraphEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// EntityGraph writes incidents, alerts and entities as a force-directed graph (Apache
// ECharts): incident → alerts → entities, with an entity that several alerts name drawn
// once, so it joins them. Nodes are coloured by kind with a legend to hide kinds; hovering
// shows the details, a search box highlights matching nodes, and clicking a node lists its
// neighbours. Edges naming unknown nodes are an error.
func EntityGraph(w io.Writer, nodes []GraphNode, edges []GraphEdge, opts ...Option) error {
	c := newConfig(opts)
	if len(nodes) == 0 {
		return fmt.Errorf("vis: entity graph: %w: no nodes", ErrNoData)
	}
	ids := make(map[string]bool, len(nodes))
	kinds := []string{}
	seenKind := map[string]bool{}
	for _, n := range nodes {
		ids[n.ID] = true
		if !seenKind[n.Kind] {
			seenKind[n.Kind] = true
			kinds = append(kinds, n.Kind)
		}
	}
	for _, e := range edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("vis: entity graph: edge %s → %s names an unknown node", e.From, e.To)
		}
	}
	title := c.title
	if title == "" {
		title = "Incidents, alerts and entities"
	}
	data, err := marshalJSON(map[string]any{"nodes": nodes, "edges": edges})
	if err != nil {
		return fmt.Errorf("vis: entity graph: %w", err)
	}
	p := &page{
		title: title, sub: fmt.Sprintf("%d nodes, %d links", len(nodes), len(edges)),
		libs: []string{"echarts.min.js"},
		body: `<div class="hk-bar"><input id="hk-search" type="search" placeholder="highlight nodes (name, address, title)" size="40">
<span id="hk-found"></span></div>
<div id="hk-chart" class="hk-chart"></div>
<aside id="hk-details" hidden><button type="button" id="hk-details-close">×</button><h2 id="hk-details-title"></h2><ul id="hk-details-list"></ul></aside>`,
		config: map[string]any{"view": "graph", "kinds": kinds},
		data:   data,
		script: "graph.js",
	}
	return p.write(w)
}
