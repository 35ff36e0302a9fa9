package entity

import (
	"encoding/json"
	"sort"

	"github.com/huntkit/huntkit/frame"
)

// Graph is incidents, alerts and entities as nodes, with an edge from each incident to its
// alerts and from each alert to the entities it names. An entity named by several alerts
// is one node (Set's identity rules), so shared entities join alerts and incidents.
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// Node is one incident, alert or entity.
type Node struct {
	ID     string // the entity's Key
	Type   Type
	Label  string
	Detail string // a tooltip line: severity, title, properties
	Degree int    // number of edges
}

// Edge joins two nodes by ID.
type Edge struct{ From, To string }

// BuildGraph makes the graph of alerts (a SecurityAlert frame: SystemAlertId, AlertName,
// AlertSeverity, Entities) and incidents (a SecurityIncident frame: IncidentNumber, Title,
// Severity, Status, AlertIds; may be nil). Alerts not in the alerts frame but listed by an
// incident are added as bare alert nodes. It returns the number of alert rows whose
// Entities could not be read.
func BuildGraph(alerts, incidents *frame.Frame) (*Graph, int) {
	g := &Graph{}
	idx := map[string]int{}
	edges := map[Edge]bool{}
	add := func(n Node) string {
		if _, ok := idx[n.ID]; !ok {
			idx[n.ID] = len(g.Nodes)
			g.Nodes = append(g.Nodes, n)
		}
		return n.ID
	}
	link := func(a, b string) {
		e := Edge{a, b}
		if a == b || edges[e] {
			return
		}
		edges[e] = true
		g.Edges = append(g.Edges, e)
		g.Nodes[idx[a]].Degree++
		g.Nodes[idx[b]].Degree++
	}
	set := NewSet()
	bad := 0
	alertNode := func(id, name, sev string) string {
		a := New(Alert, "SystemAlertId", id)
		label := name
		if label == "" {
			label = id
		}
		return add(Node{ID: a.Key(), Type: Alert, Label: label, Detail: joinNonEmpty(" · ", sev, id)})
	}
	for i := 0; alerts != nil && i < alerts.Len(); i++ {
		id := text(alerts, "SystemAlertId", i)
		if id == "" {
			continue
		}
		an := alertNode(id, text(alerts, "AlertName", i), text(alerts, "AlertSeverity", i))
		es, err := ParseJSON([]byte(text(alerts, "Entities", i)))
		if err != nil {
			bad++
		}
		for _, e := range set.Add(es...) {
			if e.Type == Alert || e.Type == Incident {
				continue
			}
			en := add(Node{ID: e.Key(), Type: e.Type, Label: e.Value(), Detail: e.Type.ClassName()})
			link(an, en)
		}
	}
	for i := 0; incidents != nil && i < incidents.Len(); i++ {
		num := text(incidents, "IncidentNumber", i)
		if num == "" {
			continue
		}
		inc := New(Incident, "IncidentNumber", num)
		in := add(Node{ID: inc.Key(), Type: Incident, Label: "#" + num + " " + text(incidents, "Title", i),
			Detail: joinNonEmpty(" · ", text(incidents, "Severity", i), text(incidents, "Status", i))})
		var ids []string
		_ = json.Unmarshal([]byte(text(incidents, "AlertIds", i)), &ids)
		for _, id := range ids {
			a := New(Alert, "SystemAlertId", id)
			an := a.Key()
			if _, ok := idx[an]; !ok {
				an = alertNode(id, "", "")
			}
			link(in, an)
		}
	}
	// entities keep the label of their fullest form
	for _, e := range set.Entities() {
		if i, ok := idx[e.Key()]; ok {
			g.Nodes[i].Label = e.Value()
		}
	}
	sort.SliceStable(g.Nodes, func(a, b int) bool { return typeRank(g.Nodes[a].Type) < typeRank(g.Nodes[b].Type) })
	return g, bad
}

func typeRank(t Type) int {
	switch t {
	case Incident:
		return 0
	case Alert:
		return 1
	}
	return 2
}

func text(f *frame.Frame, col string, i int) string {
	if c := f.Col(col); c != nil {
		return c.Text(i)
	}
	return ""
}

// Shared returns the entity nodes linked to more than one alert.
func (g *Graph) Shared() []Node {
	var out []Node
	for _, n := range g.Nodes {
		if n.Type != Alert && n.Type != Incident && n.Degree > 1 {
			out = append(out, n)
		}
	}
	return out
}
