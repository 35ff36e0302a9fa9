package all_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all"
	"github.com/huntkit/huntkit/ti/internal/titest"
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

// FuzzProviderAnswers serves arbitrary bodies to every HTTP provider: decoding must never
// panic, and a row that is not ok must say why.
func FuzzProviderAnswers(f *testing.F) {
	f.Add([]byte(`{"data":{"id":"x","attributes":{}}}`), 200)
	f.Add([]byte(`{"query_status":"ok","data":[{}]}`), 200)
	f.Add([]byte(`{"success":true,"fraud_score":"high"}`), 200)
	f.Add([]byte(`{"status_code":200,"response":[{"domain":"a.example.com","page_rank_decimal":null}]}`), 200)
	f.Add([]byte("185.220.101.4\n"), 200)
	f.Add([]byte(`{"error":"Indicator not found."}`), 404)
	f.Add([]byte(`not json`), 200)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 200 || status > 599 || status == 401 || status == 403 {
			status = 200
		}
		srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { titest.JSON(w, status, body) })
		for _, reg := range ti.Registered() {
			if reg.Name == "LocalFeed" {
				continue
			}
			c := titest.Client(t, reg.Name, srv.URL, ti.WithRetries(0, time.Millisecond, time.Millisecond),
				ti.WithConfig(titest.Config{"TIProviders." + reg.Name + ".Args.ApiID": "id", "TIProviders." + reg.Name + ".Args.AuthKey": titest.Key}))
			items := []ti.Item{{Value: "185.220.101.4"}, {Value: "a.example.com"}, {Value: "http://a.example.com/x"},
				{Value: "44d88612fea8a8f36de82e1278abb02f"}, {Value: "someone@example.com"}}
			rows, _ := c.LookupRows(t.Context(), items)
			for _, r := range rows {
				if r.Status != ti.StatusOK && r.Status != ti.StatusNotSupported && r.Message == "" {
					t.Fatalf("%s %s: status %v without a message", reg.Name, r.Ioc, r.Status)
				}
			}
		}
	})
}
