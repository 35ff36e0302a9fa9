package threatfox_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestThreatFox(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		var q map[string]any
		if json.NewDecoder(r.Body).Decode(&q) != nil || r.Header.Get("Auth-Key") != titest.Key {
			titest.JSON(w, 200, []byte(`{"query_status":"unknown_auth_key"}`))
			return
		}
		switch {
		case q["query"] == "search_ioc" && q["search_term"] == "139.180.203.104":
			titest.JSON(w, 200, []byte(`{"query_status":"ok","data":[{"id":"12","ioc":"139.180.203.104:443","threat_type":"botnet_cc","threat_type_desc":"x","ioc_type":"ip:port","ioc_type_desc":"y","malware":"win.cobalt_strike","malware_printable":"Cobalt Strike","malware_alias":null,"malware_malpedia":"https://malpedia","confidence_level":100,"first_seen":"2021-03-16 18:29:34 UTC","last_seen":null,"reference":null,"reporter":"abuse_ch","tags":["CobaltStrike"]},
			{"id":"13","ioc":"139.180.203.1040:80","threat_type":"botnet_cc","malware_printable":"Other","confidence_level":10,"first_seen":"x","tags":null}]}`))
		case q["query"] == "search_hash" && q["hash"] == "2151c4b970eff0071948dbbc19066aa4":
			titest.JSON(w, 200, []byte(`{"query_status":"ok","data":[{"id":"99","ioc":"http://x.example/a","threat_type":"payload_delivery","malware_printable":"Loader","confidence_level":50,"first_seen":"2021","tags":[]}]}`))
		default:
			titest.JSON(w, 200, []byte(`{"query_status":"no_result","data":"Your search did not yield any results"}`))
		}
	})
	c := titest.Client(t, "ThreatFox", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "139.180.203.104"}, {Value: "2151c4b970eff0071948dbbc19066aa4"}, {Value: "nothing.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; !r.Result || r.Severity != ti.SevHigh || r.Details.(map[string]any)["matches"] != 1 || r.Reference != "https://threatfox.abuse.ch/ioc/12/" {
		t.Errorf("ip: %+v", r)
	}
	if r := rows[1]; !r.Result || r.Severity != ti.SevWarning || r.QuerySubtype != "search_hash" {
		t.Errorf("hash: %+v", r)
	}
	if r := rows[2]; r.Result || r.Status != ti.StatusOK {
		t.Errorf("none: %+v", r)
	}
}
