package pulsedive_test

import (
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestPulsedive(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/api/info.php" || q.Get("key") != titest.Key {
			titest.JSON(w, 403, []byte(`{"error":"Invalid API key."}`))
			return
		}
		switch q.Get("indicator") {
		case "pulsedive.com":
			titest.JSON(w, 200, []byte(`{"iid":53929,"type":"domain","indicator":"pulsedive.com","risk":"none","risk_recommended":"none","manualrisk":0,"retired":null,"stamp_added":"2017-09-05 00:00:00","stamp_seen":"2024-05-01 00:00:00","riskfactors":[],"threats":[],"feeds":[]}`))
		case "185.220.101.4":
			titest.JSON(w, 200, []byte(`{"iid":2,"type":"ip","indicator":"185.220.101.4","risk":"critical","stamp_seen":"2024-05-01 00:00:00","riskfactors":[{"rfid":1,"description":"found in threat feeds","risk":"high"}],"threats":[{"tid":1,"name":"Tor","category":"general","risk":"medium"}],"feeds":[{"fid":1,"name":"Tor Exit Nodes","category":"general"}]}`))
		case "low.example.com":
			titest.JSON(w, 200, []byte(`{"iid":3,"type":"domain","indicator":"low.example.com","risk":"low","riskfactors":[],"threats":[],"feeds":[]}`))
		default:
			titest.JSON(w, 404, []byte(`{"error":"Indicator not found."}`))
		}
	})
	c := titest.Client(t, "Pulsedive", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "pulsedive.com"}, {Value: "185.220.101.4"}, {Value: "low.example.com"}, {Value: "new.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sev   ti.Severity
		found bool
	}{{ti.SevInformation, true}, {ti.SevHigh, true}, {ti.SevWarning, true}, {ti.SevInformation, false}}
	for i, w := range want {
		if r := rows[i]; r.Severity != w.sev || r.Result != w.found || r.Status != ti.StatusOK {
			t.Errorf("%s: %+v", r.Ioc, r)
		}
	}
	if rows[1].Reference != "https://pulsedive.com/indicator/?iid=2" {
		t.Errorf("reference %s", rows[1].Reference)
	}
}
