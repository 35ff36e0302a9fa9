package all_test

import (
	"testing"

	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all"
)

func TestEveryProviderRegistered(t *testing.T) {
	want := []string{"AbuseIPDB", "BinaryEdge", "CrowdSec", "GreyNoise", "IPQualityScore", "LocalFeed", "MalwareBazaar",
		"OTX", "OpenPageRank", "Pulsedive", "ThreatFox", "Tor", "URLhaus", "VirusTotal", "XForce"}
	for _, n := range want {
		r, err := ti.LookupProvider(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if len(r.Types) == 0 || r.Limits == "" || r.Description == "" {
			t.Errorf("%s: incomplete registration %+v", n, r)
		}
	}
	for alias, name := range map[string]string{"vt": "VirusTotal", "OPR": "OpenPageRank", "ipqs": "IPQualityScore", "alienvault": "OTX"} {
		if r, err := ti.LookupProvider(alias); err != nil || r.Name != name {
			t.Errorf("alias %s => %v %v", alias, r.Name, err)
		}
	}
	if got := len(ti.Registered()); got != len(want) {
		t.Errorf("%d providers registered, want %d", got, len(want))
	}
}
