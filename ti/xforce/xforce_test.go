package xforce_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestXForce(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/xforce.json") // msticpy's mock: score 1, cats, malware risk high
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "api-id" || pass != titest.Key {
			titest.JSON(w, 401, []byte(`{"error":"Not authorized."}`))
			return
		}
		switch r.URL.EscapedPath() {
		case "/ipr/1.2.3.4":
			titest.JSON(w, 200, mock)
		case "/ipr/5.6.7.8":
			titest.JSON(w, 200, []byte(`{"ip":"5.6.7.8","score":8.6,"cats":{"Botnet Command and Control Server":86},"reason":"Regional Internet Registry","geo":{"country":"Russia","countrycode":"RU"},"tags":[]}`))
		case "/url/evil.example.com":
			titest.JSON(w, 200, []byte(`{"result":{"url":"evil.example.com","cats":{"Malware":true},"score":10,"categoryDescriptions":{"Malware":"This category lists malware sites"}},"associated":[],"tags":[]}`))
		case "/url/https:%2F%2Fok.example.com%2Fa":
			titest.JSON(w, 200, []byte(`{"result":{"url":"https://ok.example.com/a","cats":{},"score":1},"tags":[]}`))
		case "/malware/44d88612fea8a8f36de82e1278abb02f":
			titest.JSON(w, 200, mock)
		default:
			titest.JSON(w, 404, []byte(`{"error":"Not found."}`))
		}
	})
	c, err := ti.New(t.Context(), ti.WithProviders("XForce"), ti.WithBaseURL("XForce", srv.URL), ti.WithRate("XForce", ti.Rate{}),
		ti.WithConfig(titest.Config{"TIProviders.XForce.Args.ApiID": "api-id", "TIProviders.XForce.Args.AuthKey": titest.Key}))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "1.2.3.4"}, {Value: "5.6.7.8"}, {Value: "evil.example.com"},
		{Value: "https://ok.example.com/a"}, {Value: "44d88612fea8a8f36de82e1278abb02f"}, {Value: "9.9.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sub   string
		sev   ti.Severity
		found bool
	}{{"ipr", ti.SevInformation, true}, {"ipr", ti.SevHigh, true}, {"url", ti.SevHigh, true},
		{"url", ti.SevInformation, true}, {"malware", ti.SevHigh, true}, {"ipr", ti.SevInformation, false}}
	for i, w := range want {
		if r := rows[i]; r.QuerySubtype != w.sub || r.Severity != w.sev || r.Result != w.found || r.Status != ti.StatusOK {
			t.Errorf("%s: %+v", r.Ioc, r)
		}
	}
	if !strings.HasPrefix(rows[1].Reference, "https://exchange.xforce.ibmcloud.com/ip/5.6.7.8") {
		t.Errorf("reference %s", rows[1].Reference)
	}
	// Both credentials are required and named.
	_, err = ti.New(t.Context(), ti.WithProviders("XForce"), ti.WithAuthKey("XForce", "k"))
	if err == nil || !strings.Contains(err.Error(), "TIProviders.XForce.Args.ApiID") {
		t.Errorf("missing ApiID: %v", err)
	}
}
