package huntkit

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/pivot"
	"github.com/huntkit/huntkit/vis"
)

// GraphOptions choose the incidents and alerts of an entity graph.
type GraphOptions struct {
	Window pivot.Window
	// Incident keeps one incident (its number) and its alerts; "" = every incident and alert
	// in the window.
	Incident string
	// MaxAlerts caps the alerts read (default 500).
	MaxAlerts int
}

// EntityGraph reads the incidents and alerts of the data environment in the window and
// returns them with their entities as a graph (incident → alerts → entities; an entity
// several alerts name is one node). The queries it ran are returned too.
func (p *Pivots) EntityGraph(ctx context.Context, o GraphOptions) (*entity.Graph, []string, error) {
	if p.s == nil {
		return nil, nil, badRequest(fmt.Errorf("an entity graph needs a data environment (--env, or --data for local files)"))
	}
	max := o.MaxAlerts
	if max <= 0 {
		max = 500
	}
	iq := "SecurityIncident | summarize arg_max(TimeGenerated, *) by IncidentNumber | project IncidentNumber, Title, Severity, Status, AlertIds"
	if o.Incident != "" {
		if strings.Trim(o.Incident, "0123456789") != "" {
			return nil, nil, badRequest(fmt.Errorf("incident %q: want an incident number", o.Incident))
		}
		iq = "SecurityIncident | where IncidentNumber == " + o.Incident + " | summarize arg_max(TimeGenerated, *) by IncidentNumber | project IncidentNumber, Title, Severity, Status, AlertIds"
	}
	inc, err := p.query(ctx, iq, o.Window)
	if err != nil {
		return nil, []string{iq}, err
	}
	aq := fmt.Sprintf("SecurityAlert | summarize arg_max(TimeGenerated, *) by SystemAlertId | project TimeGenerated, SystemAlertId, AlertName, AlertSeverity, Entities | order by TimeGenerated asc | take %d", max)
	if o.Incident != "" {
		var ids []string
		for i := 0; inc.Frame != nil && i < inc.Frame.Len(); i++ {
			for _, id := range alertIDs(inc.Frame.Col("AlertIds").Text(i)) {
				ids = append(ids, kqlString(id))
			}
		}
		if len(ids) == 0 {
			return nil, []string{iq}, badRequest(fmt.Errorf("incident %s: not found in the window, or it has no alerts", o.Incident))
		}
		aq = "SecurityAlert | where SystemAlertId in (" + strings.Join(ids, ", ") + ") | summarize arg_max(TimeGenerated, *) by SystemAlertId | project TimeGenerated, SystemAlertId, AlertName, AlertSeverity, Entities"
	}
	al, err := p.query(ctx, aq, o.Window)
	if err != nil {
		return nil, []string{iq, aq}, err
	}
	g, bad := entity.BuildGraph(al.Frame, inc.Frame)
	if bad > 0 {
		p.hk.warnf("entity graph: %d alerts have Entities that cannot be read; their entities are missing", bad)
	}
	return g, []string{iq, aq}, nil
}

// WriteEntityGraph draws g as an offline HTML view (vis.EntityGraph).
func WriteEntityGraph(w io.Writer, g *entity.Graph, title string) error {
	nodes := make([]vis.GraphNode, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = vis.GraphNode{ID: n.ID, Kind: string(n.Type), Label: n.Label, Detail: n.Detail}
	}
	edges := make([]vis.GraphEdge, len(g.Edges))
	for i, e := range g.Edges {
		edges[i] = vis.GraphEdge{From: e.From, To: e.To}
	}
	var opts []vis.Option
	if title != "" {
		opts = append(opts, vis.Title(title))
	}
	return vis.EntityGraph(w, nodes, edges, opts...)
}
