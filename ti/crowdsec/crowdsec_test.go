package crowdsec_test

import (
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestCrowdSec(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/crowdsec.json")
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != titest.Key {
			titest.JSON(w, 403, []byte(`{"message":"Forbidden"}`))
			return
		}
		switch r.URL.Path {
		case "/v2/smoke/167.248.133.133":
			titest.JSON(w, 200, mock)
		case "/v2/smoke/45.155.205.233":
			titest.JSON(w, 200, []byte(`{"ip":"45.155.205.233","as_name":"Example","as_num":1,"behaviors":[{"name":"ssh:bruteforce","label":"SSH Bruteforce","description":"x"}],
"classifications":{"false_positives":[],"classifications":[]},"attack_details":[{"name":"crowdsecurity/ssh-bf","label":"SSH Bruteforce","description":"y","references":[]}],
"scores":{"overall":{"aggressiveness":5,"threat":4,"trust":5,"anomaly":1,"total":5}},"location":{"country":"NL","city":null,"latitude":1,"longitude":2},"reverse_dns":null}`))
		default:
			titest.JSON(w, 404, []byte(`{"message":"IP address information not found"}`))
		}
	})
	c := titest.Client(t, "CrowdSec", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "167.248.133.133"}, {Value: "45.155.205.233"}, {Value: "9.9.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; r.Severity != ti.SevWarning || !r.Result || r.Details.(map[string]any)["as_name"] != "CENSYS-ARIN-03" {
		t.Errorf("censys: %+v", r)
	}
	if r := rows[1]; r.Severity != ti.SevHigh || r.Details.(map[string]any)["country"] != "NL" {
		t.Errorf("bruteforcer: %+v", r)
	}
	if r := rows[2]; r.Result || r.Status != ti.StatusOK {
		t.Errorf("unknown: %+v", r)
	}
}
