package huntkit

import (
	"context"
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/sentinelapi"
)

// SentinelWorkspace is one Microsoft Sentinel workspace's management APIs (incidents,
// bookmarks, watchlists, analytic rules, hunting queries, threat-intelligence indicators)
// through Azure Resource Manager. Lists come back as Frames; single objects as typed values.
// Queries (of a rule, of a hunting query) run through a Session of any environment.
type SentinelWorkspace struct {
	*sentinelapi.Client
	h    *Huntkit
	name string
}

// Re-exported types of the Sentinel workspace APIs, so callers need only this package.
type (
	IncidentFilter   = sentinelapi.IncidentFilter
	IncidentChange   = sentinelapi.IncidentChange
	Incident         = sentinelapi.Incident
	SentinelBookmark = sentinelapi.Bookmark
	IndicatorQuery   = sentinelapi.IndicatorQuery
	Indicator        = sentinelapi.Indicator
	ConflictError    = sentinelapi.ConflictError
)

// Sentinel opens the management APIs of workspace name from AzureSentinel.Workspaces
// ("" = Default), which needs SubscriptionId, ResourceGroup and WorkspaceName; the sign-in
// and endpoints come from the Azure section (Azure.resource_manager_url points it at
// another Resource Manager, such as `huntkit emulate`). Nothing is contacted yet.
func (h *Huntkit) Sentinel(_ context.Context, name string) (*SentinelWorkspace, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "Default"
	}
	w, err := cfg.Workspace(name)
	if err != nil {
		return nil, &configError{err}
	}
	ws := sentinelapi.Workspace{Name: w.Name, SubscriptionID: w.SubscriptionID, ResourceGroup: w.ResourceGroup,
		WorkspaceName: w.WorkspaceName, WorkspaceID: w.WorkspaceID, TenantID: w.TenantID}
	if err := ws.Check(); err != nil {
		return nil, &configError{err}
	}
	as, err := azauth.FromConfig(cfg, w.Name, nil)
	if err != nil {
		return nil, &configError{err}
	}
	if as.TenantID == "" {
		as.TenantID = w.TenantID
	}
	cred, err := azauth.New(as)
	if err != nil {
		return nil, &configError{err}
	}
	co, err := azauth.ClientOptions(as.Cloud, as.CAFile)
	if err != nil {
		return nil, &configError{err}
	}
	c, err := sentinelapi.New(cred, as.Cloud.ResourceManager, ws, co)
	if err != nil {
		return nil, &configError{err}
	}
	return &SentinelWorkspace{Client: c, h: h, name: w.Name}, nil
}

// Session opens a Session on this workspace's logs (the MSSentinel environment with this
// workspace), for running the queries of rules and hunting queries.
func (s *SentinelWorkspace) Session() (*Session, error) {
	return s.h.Provider("MSSentinel", WithOptions(map[string]string{"workspace-name": s.name}))
}

// RunQuery runs KQL on sess, or on this workspace's logs when sess is nil.
func (s *SentinelWorkspace) RunQuery(ctx context.Context, sess *Session, kql string, w Window) (*frame.Frame, error) {
	if sess == nil {
		var err error
		if sess, err = s.Session(); err != nil {
			return nil, err
		}
		defer sess.Close()
	}
	return sess.Query(ctx, kql, w)
}

// RunRule runs the query of analytic rule id (a rule template when template is set) on sess
// (nil: this workspace), over w (zero: the rule's own period ending now).
func (s *SentinelWorkspace) RunRule(ctx context.Context, sess *Session, id string, template bool, w Window) (*frame.Frame, error) {
	r, err := s.AlertRule(ctx, id, template)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.Query) == "" {
		return nil, badRequest(fmt.Errorf("rule %s (%s) has no query to run", id, r.Kind))
	}
	if w.IsZero() && r.QueryPeriod != "" {
		w = Window{Start: "-" + isoPeriod(r.QueryPeriod)}
	}
	return s.RunQuery(ctx, sess, r.Query, w)
}

// RunHunting runs hunting query idOrName (id or display name) on sess (nil: this workspace).
func (s *SentinelWorkspace) RunHunting(ctx context.Context, sess *Session, idOrName string, w Window) (*frame.Frame, error) {
	_, q, err := s.HuntingQuery(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	return s.RunQuery(ctx, sess, q, w)
}

// isoPeriod turns an ISO-8601 period of one unit (P1D, PT5H, PT30M) into huntkit's relative
// form (1d, 5h, 30m); anything else becomes 1d.
func isoPeriod(p string) string {
	p = strings.ToUpper(strings.TrimSpace(p))
	unit := p[len(p)-1:]
	num := strings.TrimLeft(strings.TrimSuffix(p, unit), "PT")
	if num == "" || strings.Trim(num, "0123456789") != "" {
		return "1d"
	}
	switch unit {
	case "D":
		return num + "d"
	case "H":
		return num + "h"
	case "M":
		if strings.HasPrefix(p, "PT") {
			return num + "m"
		}
	}
	return "1d"
}

// IncidentFrame lays incidents out as rows (the columns of SentinelWorkspace.Incidents).
func IncidentFrame(items []Incident) *frame.Frame { return sentinelapi.IncidentFrame(items) }
