package queries

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
	"github.com/huntkit/huntkit/query"
)

// demoEnv is the small demo tenant imported into an in-memory workspace, shared by the
// tests of this file.
type demoEnv struct {
	ws    *engine.Workspace
	cat   kql.MapCatalog
	truth *demo.GroundTruth
}

var (
	demoOnce sync.Once
	demoData *demoEnv
	demoErr  error
)

func loadDemo(t *testing.T) *demoEnv {
	t.Helper()
	demoOnce.Do(func() {
		ctx := context.Background()
		dir, err := tempDir()
		if err != nil {
			demoErr = err
			return
		}
		truth, _, err := demo.Ensure(ctx, dir, demo.Options{Seed: 20261102})
		if err != nil {
			demoErr = err
			return
		}
		ws, err := engine.Open(ctx, "")
		if err != nil {
			demoErr = err
			return
		}
		cat := kql.MapCatalog{}
		for _, name := range demo.TableNames {
			if err := ws.Import(ctx, name, demo.TablePath(dir, name)); err != nil {
				demoErr = err
				return
			}
			cols, err := ws.Columns(ctx, name)
			if err != nil {
				demoErr = err
				return
			}
			cat[name] = cols
		}
		demoData = &demoEnv{ws: ws, cat: cat, truth: truth}
	})
	if demoErr != nil {
		t.Fatalf("demo workspace: %v", demoErr)
	}
	return demoData
}

func (d *demoEnv) run(t *testing.T, name string, req query.Request) (*frame.Frame, error) {
	t.Helper()
	sql, err := kql.Compile(req.Text, d.cat, kql.WithNow(d.truth.End))
	if err != nil {
		return nil, err
	}
	return d.ws.Query(t.Context(), sql)
}

// TestRunAllOnDemo runs every built-in template on the demo tenant.
func TestRunAllOnDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole library on the demo tenant")
	}
	d := loadDemo(t)
	reqs := renderAll(t, d.truth.Start, d.truth.End, nil)
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t0 := time.Now()
		f, err := d.run(t, k, reqs[k])
		switch {
		case err == nil:
			t.Logf("%-70s %6d rows %8.1f ms", k, f.Len(), float64(time.Since(t0).Microseconds())/1000)
		case errors.Is(err, kql.ErrUnsupported):
			t.Logf("%s: compiler gap: %v", k, err)
		default:
			t.Errorf("%s: %v\n%s", k, err, reqs[k].Text)
		}
	}
}

// stageCheck says which template should find a planted stage, with which parameters
// (derived from the ground truth), and which marker its result must contain.
type stageCheck struct {
	stage    string
	template string // Family.name
	env      string
	params   func(g *demo.GroundTruth) map[string]any
	marker   func(g *demo.GroundTruth) string
}

func ioc(g *demo.GroundTruth, stage, typ string) string {
	for _, i := range g.IoCs {
		if i.Stage == stage && i.Type == typ {
			return i.Value
		}
	}
	return ""
}

func stageHost(g *demo.GroundTruth, stage string) string {
	s := g.Stage(stage)
	for _, ev := range s.Events {
		if ev.Host != "" {
			h, _, _ := strings.Cut(ev.Host, ".")
			return strings.ToUpper(h)
		}
	}
	return ""
}

func constant(s string) func(*demo.GroundTruth) string {
	return func(*demo.GroundTruth) string { return s }
}

func none(*demo.GroundTruth) map[string]any { return nil }

var stageChecks = []stageCheck{
	{demo.StagePasswordSpray, "Azure.list_aad_password_spray", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StagePasswordSpray, "ipv4") }},
	{demo.StageCloudTakeover, "Azure.list_aad_mfa_fatigue", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageCloudTakeover, "ipv4") }},
	{demo.StageCloudTakeover, "Azure.list_aad_signins_new_location", "LocalData",
		func(g *demo.GroundTruth) map[string]any {
			return map[string]any{"baseline_end": g.Start.AddDate(0, 0, 3)}
		},
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageCloudTakeover, "email") }},
	{demo.StageCloudTakeover, "Office365.list_inbox_rules", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageCloudTakeover, "ipv4") }},
	{demo.StagePhishing, "WindowsSecurity.list_office_child_processes", "LocalData", none, constant("EncodedCommand")},
	{demo.StagePhishing, "MDE.list_encoded_powershell", "LocalData", none, constant("-EncodedCommand")},
	{demo.StagePhishing, "MDE.list_downloaded_executables", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StagePhishing, "sha256") }},
	{demo.StageC2Beacon, "Network.list_beaconing", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageC2Beacon, "ipv4") }},
	{demo.StageC2Beacon, "MDE.list_beaconing_processes", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageC2Beacon, "ipv4") }},
	{demo.StageC2Beacon, "ThreatIntelligence.list_indicators_by_ip", "LocalData",
		func(g *demo.GroundTruth) map[string]any {
			return map[string]any{"ip_address_list": []string{ioc(g, demo.StageC2Beacon, "ipv4")}, "start": g.Start.AddDate(0, 0, -30)}
		},
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageC2Beacon, "ipv4") }},
	{demo.StageDiscovery, "WindowsSecurity.list_discovery_commands", "LocalData",
		func(*demo.GroundTruth) map[string]any { return map[string]any{"min_distinct": 5} }, constant("nltest /dclist")},
	{demo.StageCredentialDump, "WindowsSecurity.list_lsass_dump_attempts", "LocalData", none, constant("comsvcs.dll")},
	{demo.StageCredentialDump, "MDE.list_lolbin_executions", "LocalData", none, constant("MiniDump")},
	{demo.StageLateralMovement, "WindowsSecurity.list_remote_execution", "LocalData", none, constant("/node:SQL01")},
	{demo.StageLateralMovement, "WindowsSecurity.list_services_installed", "LocalData", none, constant("WinUpdSvc")},
	{demo.StageLateralMovement, "WindowsSecurity.list_explicit_credential_logons", "LocalData", none, constant("FS01")},
	{demo.StageLateralMovement, "MDE.list_remote_file_writes", "LocalData", none, constant("winupd.exe")},
	{demo.StagePersistence, "WindowsSecurity.list_admin_group_changes", "LocalData", none, constant("Support Service")},
	{demo.StagePersistence, "WindowsSecurity.list_accounts_created", "LocalData", none, constant("support_svc")},
	{demo.StageStaging, "MDE.list_large_files_created", "LocalData", none, constant("fin.zip")},
	{demo.StageExfiltration, "Network.list_large_outbound_transfers", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageExfiltration, "ipv4") }},
	{demo.StageLogClearing, "WindowsSecurity.list_event_log_cleared", "LocalData", none, constant("FS01")},
	{demo.StageSSHBruteForce, "LinuxSyslog.list_ssh_brute_force", "LocalData", none,
		func(g *demo.GroundTruth) string { return ioc(g, demo.StageSSHBruteForce, "ipv4") }},
	{demo.StageSSHBruteForce, "LinuxSyslog.list_cron_jobs_summary", "LocalData", none, constant("k.sh")},
}

func frameContains(f *frame.Frame, s string) bool {
	for _, c := range f.Columns() {
		for i := 0; i < c.Len(); i++ {
			if strings.Contains(c.Text(i), s) {
				return true
			}
		}
	}
	return false
}

// TestTemplatesFindPlantedStages: each planted stage is found by the templates meant to
// find it, checked against the ground truth.
func TestTemplatesFindPlantedStages(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the demo workspace")
	}
	d := loadDemo(t)
	store := query.NewStore()
	store.Add(loadAll(t)...)
	covered := map[string]bool{}
	for _, c := range stageChecks {
		t.Run(c.stage+"/"+c.template, func(t *testing.T) {
			tm, err := store.Lookup(c.env, c.template)
			if err != nil {
				t.Fatal(err)
			}
			vals := map[string]any{"start": d.truth.Start, "end": d.truth.End}
			for k, v := range c.params(d.truth) {
				vals[k] = v
			}
			req, err := tm.Render(query.KQL, vals, query.WithNow(d.truth.End))
			if err != nil {
				t.Fatal(err)
			}
			f, err := d.run(t, c.template, req)
			if err != nil {
				t.Fatalf("%v\n%s", err, req.Text)
			}
			m := c.marker(d.truth)
			if m == "" {
				t.Fatal("no marker in the ground truth")
			}
			if !frameContains(f, m) {
				var sb strings.Builder
				_ = frame.WriteTable(&sb, f.Head(10), frame.TableOptions{Width: 160})
				t.Fatalf("%d rows, none contains %q\n%s\n%s", f.Len(), m, req.Text, sb.String())
			}
			covered[c.stage] = true
		})
	}
	for _, s := range d.truth.Stages {
		if !covered[s.ID] {
			t.Errorf("planted stage %s not found by any template", s.ID)
		}
	}
}

// TestBeaconingIgnoresNoise: the beacon query returns the planted C2 channel, not the
// organisation's ordinary traffic.
func TestBeaconingIgnoresNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the demo workspace")
	}
	d := loadDemo(t)
	store := query.NewStore()
	store.Add(loadAll(t)...)
	tm, err := store.Lookup("LocalData", "Network.list_beaconing")
	if err != nil {
		t.Fatal(err)
	}
	req, err := tm.Render(query.KQL, map[string]any{"start": d.truth.Start, "end": d.truth.End}, query.WithNow(d.truth.End))
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.run(t, "beacon", req)
	if err != nil {
		t.Fatal(err)
	}
	c2 := ioc(d.truth, demo.StageC2Beacon, "ipv4")
	for i := 0; i < f.Len(); i++ {
		if got := f.Col("DestinationIP").Str(i); got != c2 {
			t.Errorf("unexpected beacon candidate %s (interval %s)", got, f.Col("IntervalSeconds").Text(i))
		}
	}
	if f.Len() == 0 {
		t.Fatal("no beacon found")
	}
	if iv := f.Col("IntervalSeconds").Float(0); iv < 290 || iv > 310 {
		t.Errorf("beacon interval %v, want about 300 s", iv)
	}
}
