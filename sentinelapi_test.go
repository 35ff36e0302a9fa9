package huntkit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/engine"
	_ "github.com/huntkit/huntkit/provider/all"
	"github.com/huntkit/huntkit/provider/sentinelapi"
)

// sentinelEmulator serves the demo tenant and returns a Huntkit configured for it.
func sentinelEmulator(t *testing.T) *huntkit.Huntkit {
	t.Helper()
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "HUNTKIT_CA_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	ctx := context.Background()
	ws, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	opt := emulate.DemoOptions(0, time.Now())
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := emulate.LoadDemo(ctx, ws, dir, opt); err != nil {
		t.Fatal(err)
	}
	be, err := emulate.NewWorkspaceBackend(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulate.Start(ctx, emulate.Options{Backend: be})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	if _, err := srv.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	hk, err := huntkit.Open(ctx, huntkit.WithConfigFile(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	return hk
}

// TestSentinelTriageWalk lists open high-severity incidents, shows the alerts and entities
// of one, comments, sets it Active with an owner, bookmarks a row of a hunting query and
// reads everything back, all through the emulator.
func TestSentinelTriageWalk(t *testing.T) {
	hk := sentinelEmulator(t)
	ctx := context.Background()
	sw, err := hk.Sentinel(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	open, err := sw.Incidents(ctx, huntkit.IncidentFilter{Status: "New,Active", Severity: "High"})
	if err != nil {
		t.Fatal(err)
	}
	if open.Len() != 1 || open.Col("Severity").Str(0) != "High" || open.Col("Status").Str(0) != "New" {
		t.Fatalf("open high incidents: %d rows\n%v", open.Len(), open.Row(0))
	}
	id := open.Col("IncidentId").Str(0)
	alerts, err := sw.Alerts(ctx, id)
	if err != nil || alerts.Len() < 2 {
		t.Fatalf("alerts: %v, %v", alerts, err)
	}
	ents, err := sw.Entities(ctx, id)
	if err != nil || ents.Len() == 0 {
		t.Fatalf("entities: %v, %v", ents, err)
	}
	kinds := map[string]bool{}
	for i := 0; i < ents.Len(); i++ {
		kinds[ents.Col("Kind").Str(i)] = true
	}
	if !kinds["Account"] {
		t.Errorf("entity kinds %v: want an Account", kinds)
	}
	if _, err := sw.AddComment(ctx, id, "triage: looking at the lateral movement"); err != nil {
		t.Fatal(err)
	}
	before, _ := sw.Incident(ctx, id)
	upd, err := sw.UpdateIncident(ctx, id, huntkit.IncidentChange{Status: "active", Owner: "analyst@contoso.example"})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Properties.Status != "Active" || upd.ETag == before.ETag {
		t.Errorf("after update: status %s etag %s (before %s)", upd.Properties.Status, upd.ETag, before.ETag)
	}
	hunts, err := sw.HuntingQueries(ctx)
	if err != nil || hunts.Len() != 2 {
		t.Fatalf("hunting queries (only the Hunting Queries category): %v %v", hunts, err)
	}
	rows, err := sw.RunHunting(ctx, nil, "hunt-alerts-by-entity", huntkit.Window{Start: "-30d"})
	if err != nil || rows.Len() == 0 {
		t.Fatalf("run hunting query: %v rows, %v", rows, err)
	}
	_, q, _ := sw.HuntingQuery(ctx, "hunt-alerts-by-entity")
	bid, err := sw.CreateBookmark(ctx, huntkit.SentinelBookmark{DisplayName: "entity of incident " + id, Query: q,
		Row: sentinelapi.RowOf(rows, 0), Notes: "from the triage walk"})
	if err != nil {
		t.Fatal(err)
	}
	// read it all back
	got, err := sw.Incident(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Properties.Status != "Active" || got.Properties.Owner == nil || got.Properties.Owner.UserPrincipalName != "analyst@contoso.example" {
		t.Errorf("incident read back: %+v", got.Properties)
	}
	comments, err := sw.Comments(ctx, id)
	if err != nil || comments.Len() != 1 || !strings.Contains(comments.Col("Message").Str(0), "lateral movement") {
		t.Errorf("comments read back: %v %v", comments, err)
	}
	bms, err := sw.Bookmarks(ctx)
	if err != nil || bms.Len() != 1 || bms.Col("BookmarkId").Str(0) != bid ||
		!strings.Contains(bms.Col("QueryResult").Str(0), rows.Col("SystemAlertId").Str(0)) {
		t.Errorf("bookmarks read back: %v %v", bms, err)
	}
	active, err := sw.Incidents(ctx, huntkit.IncidentFilter{Status: "Active"})
	if err != nil || active.Len() != 1 || active.Col("Owner").Str(0) != "analyst@contoso.example" {
		t.Errorf("active incidents: %v %v", active, err)
	}
}

// TestSentinelConflictAndMissing: a stale ETag is refused, re-read and reported; a missing
// incident is ErrNotFound.
func TestSentinelConflictAndMissing(t *testing.T) {
	hk := sentinelEmulator(t)
	ctx := context.Background()
	sw, err := hk.Sentinel(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	all, err := sw.Incidents(ctx, huntkit.IncidentFilter{Top: 3})
	if err != nil || all.Len() != 3 {
		t.Fatalf("top 3: %v %v", all, err)
	}
	id, stale := all.Col("IncidentId").Str(0), all.Col("ETag").Str(0)
	if _, err := sw.UpdateIncident(ctx, id, huntkit.IncidentChange{Severity: "Low"}); err != nil {
		t.Fatal(err)
	}
	_, err = sw.UpdateIncident(ctx, id, huntkit.IncidentChange{Severity: "High", ETag: stale})
	var ce *huntkit.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, sentinelapi.ErrConflict) || ce.Current == nil || ce.Current.Properties.Severity != "Low" {
		t.Fatalf("stale update: %v", err)
	}
	cur, _ := sw.Incident(ctx, id)
	if cur.Properties.Severity != "Low" {
		t.Errorf("a stale update overwrote the incident: %s", cur.Properties.Severity)
	}
	if _, err := sw.Incident(ctx, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, sentinelapi.ErrNotFound) {
		t.Errorf("missing incident: %v", err)
	}
	newInc, _ := sw.Incidents(ctx, huntkit.IncidentFilter{Status: "New"})
	if _, err := sw.UpdateIncident(ctx, newInc.Col("IncidentId").Str(0), huntkit.IncidentChange{Status: "Closed"}); err == nil || !strings.Contains(err.Error(), "classification") {
		t.Errorf("closing without a classification: %v", err)
	}
}

// TestSentinelContent covers watchlists, rules, templates and indicators on the emulator.
func TestSentinelContent(t *testing.T) {
	hk := sentinelEmulator(t)
	ctx := context.Background()
	sw, err := hk.Sentinel(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	wss, err := sw.Workspaces(ctx)
	if err != nil || wss.Len() != 1 || wss.Col("WorkspaceName").Str(0) != emulate.DefaultWorkspaceName {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	rules, err := sw.AlertRules(ctx)
	if err != nil || rules.Len() != 3 {
		t.Fatalf("rules: %v %v", rules, err)
	}
	if tm, err := sw.AlertRuleTemplates(ctx); err != nil || tm.Len() != 2 {
		t.Fatalf("templates: %v %v", tm, err)
	}
	if f, err := sw.RunRule(ctx, nil, "encoded-powershell", false, huntkit.Window{Start: "-30d"}); err != nil || f.Len() == 0 {
		t.Errorf("run rule: %v %v", f, err)
	}
	hits, _ := sw.RunQuery(ctx, nil, "SigninLogs | where ResultType != \"0\" | summarize n = count() by IPAddress | top 2 by n", huntkit.Window{Start: "-30d"})
	if err := sw.CreateWatchlist(ctx, "SprayIPs", "Spray sources", "IPAddress", hits); err != nil {
		t.Fatal(err)
	}
	items, err := sw.WatchlistItems(ctx, "SprayIPs")
	if err != nil || items.Len() != hits.Len() {
		t.Fatalf("watchlist items: %v %v", items, err)
	}
	iid, err := sw.AddWatchlistItem(ctx, "SprayIPs", map[string]any{"IPAddress": "203.0.113.9", "n": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.DeleteWatchlistItem(ctx, "SprayIPs", items.Col("ItemId").Str(0)); err != nil {
		t.Fatal(err)
	}
	items, _ = sw.WatchlistItems(ctx, "SprayIPs")
	if items.Len() != hits.Len() || items.Col("ItemId").Str(items.Len()-1) != iid {
		t.Errorf("after add and delete: %v", items)
	}
	ind, err := sw.Indicators(ctx, huntkit.IndicatorQuery{PatternTypes: []string{"ipv4-addr"}, Top: 120})
	if err != nil || ind.Len() != 120 {
		t.Fatalf("indicators over two pages: %v %v", ind.Len(), err)
	}
	nid, err := sw.CreateIndicator(ctx, huntkit.Indicator{Pattern: "[ipv4-addr:value = '203.0.113.77']", PatternType: "ipv4-addr", Confidence: 70})
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.AppendTags(ctx, nid, []string{"case-42"}); err != nil {
		t.Fatal(err)
	}
	got, err := sw.Indicators(ctx, huntkit.IndicatorQuery{Keywords: "203.0.113.77"})
	if err != nil || got.Len() != 1 || !strings.Contains(fmt.Sprint(got.Col("Tags").Value(0)), "case-42") {
		t.Errorf("created indicator read back: %v %v", got, err)
	}
}
