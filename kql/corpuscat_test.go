package kql

import (
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// TestCorpusCatalog checks that the corpus catalogue stays apart from the documented
// Sentinel tables and that custom-log columns carry the type their suffix names.
func TestCorpusCatalog(t *testing.T) {
	sent := SentinelCatalog()
	corpus := CorpusCatalog()
	if len(corpus) == 0 {
		t.Fatal("empty corpus catalogue")
	}
	suffix := map[string]frame.Type{"_s": frame.String, "_d": frame.Float, "_b": frame.Bool, "_t": frame.Time, "_g": frame.String}
	for name, cols := range corpus {
		if _, dup := sent[name]; dup {
			t.Errorf("%s is in both SentinelCatalog and CorpusCatalog", name)
		}
		hasTime := false
		for _, c := range cols {
			if c.Name == "TimeGenerated" {
				hasTime = c.Type == frame.Time
			}
			if len(c.Name) > 2 {
				if want, ok := suffix[c.Name[len(c.Name)-2:]]; ok && c.Type != want {
					t.Errorf("%s.%s is %s, its suffix says %s", name, c.Name, c.Type, want)
				}
			}
		}
		if !hasTime {
			t.Errorf("%s has no datetime TimeGenerated", name)
		}
	}
	all := CorpusTables()
	if len(all) != len(sent)+len(corpus) {
		t.Errorf("CorpusTables has %d tables, want %d", len(all), len(sent)+len(corpus))
	}
	// the combined catalogue resolves a custom log, a parser function and a documented table
	cat := Catalogs{SentinelCatalog(), CorpusCatalog()}
	for _, q := range []string{
		`Okta_CL | where outcome_result_s == "FAILURE" | summarize count() by client_ipAddress_s`,
		`SQLEvent | where Statement has "CREATE LOGIN" | project TimeGenerated, CurrentUser`,
		`SecurityEvent | where EventID == 4625 | count`,
		`CarbonBlackEvents_CL | extend t = datetime(1970-01-01) + tolong(eventTime_d / 1000) * 1s`,
	} {
		if _, err := Compile(q, cat); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	if _, err := Compile(`Okta_CL | project nosuch_s`, cat); err == nil || !strings.Contains(err.Error(), "nosuch_s") {
		t.Errorf("unknown column not reported: %v", err)
	}
}
