package queries

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/query"
)

// sampleValues gives a value for every required parameter name used in the library.
// A template with a required parameter missing here fails TestRenderAll.
var sampleValues = map[string]any{
	"host_name":          "WKS-FIN-01",
	"account_name":       "olivia.smith",
	"ip_address":         "81.2.69.142",
	"host_ip":            "10.10.10.20",
	"logon_session_id":   "0x3e7",
	"process_name":       "rundll32.exe",
	"commandline":        "comsvcs.dll",
	"cmd_line":           "MiniDump",
	"system_alert_id":    "00000000-0000-4000-8000-000000000000",
	"incident_number":    101,
	"tactic":             "CredentialAccess",
	"app_name":           "Azure Portal",
	"domain":             "contoso.com",
	"ip_address_list":    []string{"67.43.156.14", "81.2.69.142"},
	"domain_list":        []string{"contoso.com"},
	"url_list":           []string{"http://contoso.com/"},
	"file_hash_list":     []string{"44d88612fea8a8f36de82e1278abb02f"},
	"observables":        []string{"someone@contoso.com"},
	"process_identifier": "powershell.exe",
	"file_hash":          "44d88612fea8a8f36de82e1278abb02f",
	"file_path":          `C:\ProgramData`,
	"file_name":          "lsass.dmp",
	"url":                "sharepoint",
	"parent_name":        "winword.exe",
	"pivot_time":         "2026-11-10T10:00:00Z",
}

func loadAll(t *testing.T) []*query.Template {
	t.Helper()
	ts, err := query.LoadFS(FS, ".")
	if err != nil {
		t.Fatalf("load built-in templates: %v", err)
	}
	return ts
}

func TestLibrary(t *testing.T) {
	ts := loadAll(t)
	names := map[string]bool{}
	for _, tm := range ts {
		for _, n := range tm.QualifiedNames() {
			names[n] = true
		}
	}
	if len(ts) < 80 {
		t.Errorf("library has %d templates, want at least 80", len(ts))
	}
	t.Logf("%d templates, %d Family.name entries", len(ts), len(names))
	wantFamilies := []string{"SecurityAlert", "SecurityIncident", "WindowsSecurity", "LinuxSyslog", "Azure",
		"Network", "ThreatIntelligence", "Heartbeat", "MDE", "Office365"}
	for _, f := range wantFamilies {
		found := false
		for n := range names {
			if strings.HasPrefix(n, f+".") {
				found = true
			}
		}
		if !found {
			t.Errorf("no template in family %s", f)
		}
	}
	for _, tm := range ts {
		id := tm.File + ":" + tm.Name
		if strings.TrimSpace(tm.Description) == "" {
			t.Errorf("%s: no description", id)
		}
		envs := strings.Join(tm.Environments, ",")
		if !strings.Contains(envs, "LocalData") {
			t.Errorf("%s: environments %s lack LocalData", id, envs)
		}
		if !strings.Contains(envs, "MSSentinel") && !strings.Contains(envs, "MDE") {
			t.Errorf("%s: environments %s lack MSSentinel/MDE", id, envs)
		}
		for _, p := range tm.Params {
			if p.Description == "" || p.Type == "" {
				t.Errorf("%s: parameter %s lacks a description or type", id, p.Name)
			}
		}
		if len(tm.Tables()) == 0 {
			t.Errorf("%s: reads no table", id)
		}
	}
}

// renderAll renders every template with the sample values and window.
func renderAll(t *testing.T, start, end time.Time, override map[string]any) map[string]query.Request {
	t.Helper()
	out := map[string]query.Request{}
	for _, tm := range loadAll(t) {
		vals := map[string]any{"start": start, "end": end}
		for _, p := range tm.Params {
			if v, ok := override[p.Name]; ok {
				vals[p.Name] = v
				continue
			}
			if !p.Required() || p.Name == "start" || p.Name == "end" {
				continue
			}
			v, ok := sampleValues[p.Name]
			if !ok {
				t.Errorf("%s: no sample value for required parameter %s", tm.QualifiedName(), p.Name)
				continue
			}
			vals[p.Name] = v
		}
		req, err := tm.Render(query.KQL, vals, query.WithNow(end))
		if err != nil {
			t.Errorf("render %s: %v", tm.QualifiedName(), err)
			continue
		}
		out[tm.File+":"+tm.Name] = req
	}
	return out
}

func TestRenderAll(t *testing.T) {
	end := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	reqs := renderAll(t, end.AddDate(0, 0, -14), end, nil)
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q := reqs[k].Text
		if strings.Contains(q, "{") && !strings.Contains(q, "{1,3}") {
			t.Errorf("%s: unfilled placeholder in\n%s", k, q)
		}
		if strings.Contains(q, "$<") {
			t.Errorf("%s: unexpanded macro in\n%s", k, q)
		}
		if !strings.Contains(q, "2026-11-02") {
			t.Errorf("%s: window start not bound:\n%s", k, q)
		}
	}
}
