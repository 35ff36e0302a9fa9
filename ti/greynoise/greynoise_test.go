package greynoise_test

import (
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

const contextAnswer = `{"ip":"71.6.135.131","seen":true,"classification":"malicious","first_seen":"2019-01-01","last_seen":"2024-05-01",
"actor":"unknown","tags":["Mirai","SSH Bruteforcer"],"cve":["CVE-2021-44228"],"bot":false,"vpn":false,"spoofable":false,
"metadata":{"country":"United States","country_code":"US","city":"San Diego","organization":"CariNet, Inc.","asn":"AS10439","tor":false,"os":"Linux 2.2-3.x","category":"hosting"},
"raw_data":{"scan":[{"port":22,"protocol":"TCP"}],"web":{},"ja3":[]}}`

func TestGreyNoiseCommunity(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/greynoise.json")
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3/community/51.91.185.74":
			titest.JSON(w, 200, mock)
		case "/v3/community/8.8.8.8":
			titest.JSON(w, 200, []byte(`{"ip":"8.8.8.8","noise":false,"riot":true,"classification":"benign","name":"Google Public DNS","link":"https://viz.greynoise.io/riot/8.8.8.8","last_seen":"2024-05-01","message":"Success"}`))
		case "/v3/community/1.2.3.4":
			titest.JSON(w, 404, []byte(`{"ip":"1.2.3.4","noise":false,"riot":false,"message":"IP not observed scanning the internet or contained in RIOT data set."}`))
		default:
			w.WriteHeader(400)
		}
	})
	c := titest.Client(t, "GreyNoise", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "51.91.185.74"}, {Value: "8.8.8.8"}, {Value: "1.2.3.4"}, {Value: "evil.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; r.Severity != ti.SevHigh || !r.Result || r.Reference != "https://viz.greynoise.io/ip/51.91.185.74" || r.QuerySubtype != "community" {
		t.Errorf("malicious: %+v", r)
	}
	if r := rows[1]; r.Severity != ti.SevInformation || !r.Result || r.Details.(map[string]any)["riot"] != true {
		t.Errorf("riot: %+v", r)
	}
	if r := rows[2]; r.Status != ti.StatusOK || r.Result || r.Severity != ti.SevInformation {
		t.Errorf("not observed: %+v", r)
	}
	if r := rows[3]; r.Status != ti.StatusNotSupported {
		t.Errorf("domain: %+v", r)
	}
}

func TestGreyNoiseCommunityWithoutKey(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("key") != "" {
			t.Error("key header sent without a key")
		}
		titest.JSON(w, 200, []byte(`{"ip":"51.91.185.74","noise":true,"riot":false,"classification":"unknown"}`))
	})
	c, err := ti.New(t.Context(), ti.WithProviders("GreyNoise"), ti.WithBaseURL("GreyNoise", srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "51.91.185.74"}})
	if err != nil || rows[0].Severity != ti.SevWarning {
		t.Errorf("%+v %v", rows, err)
	}
}

func TestGreyNoiseEnterprise(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("key") != titest.Key {
			w.WriteHeader(401)
			return
		}
		switch r.URL.Path {
		case "/v2/noise/context/71.6.135.131":
			titest.JSON(w, 200, []byte(contextAnswer))
		case "/v2/noise/context/9.9.9.9":
			titest.JSON(w, 200, []byte(`{"ip":"9.9.9.9","seen":false}`))
		default:
			w.WriteHeader(400)
		}
	})
	c := titest.Client(t, "GreyNoise", srv.URL, ti.WithArgs("GreyNoise", map[string]any{"Edition": "enterprise"}))
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "71.6.135.131"}, {Value: "9.9.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	d := rows[0].Details.(map[string]any)
	if rows[0].Severity != ti.SevHigh || rows[0].QuerySubtype != "context" || d["organization"] != "CariNet, Inc." {
		t.Errorf("context: %+v", rows[0])
	}
	if rows[1].Result || rows[1].Status != ti.StatusOK {
		t.Errorf("unseen: %+v", rows[1])
	}
	if _, err := ti.New(t.Context(), ti.WithProviders("GreyNoise"), ti.WithArgs("GreyNoise", map[string]any{"Edition": "platinum"})); err == nil {
		t.Error("bad edition accepted")
	}
}
