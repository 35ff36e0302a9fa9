package otx_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

const general = `{"whois":"http://whois.domaintools.com/45.77.65.211","reputation":0,"indicator":"45.77.65.211","type":"IPv4",
"type_title":"IPv4","base_indicator":{"id":2,"indicator":"45.77.65.211","type":"IPv4"},
"pulse_info":{"count":6,"pulses":[
 {"id":"5a","name":"Cobalt Strike C2","tags":["cobaltstrike","c2"],"references":["https://example.org/r1"],"created":"2023-01-01T00:00:00"},
 {"id":"5b","name":"Scanner list","tags":["scan","c2"],"references":[],"created":"2023-02-01T00:00:00"}],
 "references":["https://example.org/r2"],"related":{}},
"false_positive":[],"validation":[],"asn":"AS20473 AS-CHOOPA","country_name":"Japan","sections":["general","geo"]}`

const empty = `{"indicator":"example.com","type":"domain","pulse_info":{"count":0,"pulses":[],"references":[]},"sections":["general"]}`

func TestOTX(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/otx.json")
	var paths []string
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-OTX-API-KEY") != titest.Key {
			w.WriteHeader(403)
			return
		}
		paths = append(paths, r.URL.EscapedPath())
		switch r.URL.EscapedPath() {
		case "/api/v1/indicators/IPv4/45.77.65.211/general":
			titest.JSON(w, 200, []byte(general))
		case "/api/v1/indicators/domain/example.com/general":
			titest.JSON(w, 200, []byte(empty))
		case "/api/v1/indicators/file/44d88612fea8a8f36de82e1278abb02f/general":
			titest.JSON(w, 200, mock)
		case "/api/v1/indicators/url/http://evil.example.net/a%3Fb=1/general":
			titest.JSON(w, 200, []byte(empty))
		case "/api/v1/indicators/IPv6/2606:4700::1/general":
			titest.JSON(w, 404, []byte(`{"detail":"endpoint not found"}`))
		default:
			t.Errorf("unexpected path %s", r.URL.EscapedPath())
			w.WriteHeader(400)
		}
	})
	c := titest.Client(t, "OTX", srv.URL, ti.WithConcurrency(1))
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "45.77.65.211"}, {Value: "example.com"},
		{Value: "44d88612fea8a8f36de82e1278abb02f"}, {Value: "hxxp://evil[.]example[.]net/a?b=1"}, {Value: "2606:4700::1"}})
	if err != nil {
		t.Fatalf("%v (paths %v)", err, paths)
	}
	checks := []struct {
		sev   ti.Severity
		found bool
		ref   string
	}{
		{ti.SevHigh, true, "https://otx.alienvault.com/indicator/ip/45.77.65.211"},
		{ti.SevInformation, false, "https://otx.alienvault.com/indicator/domain/example.com"},
		{ti.SevWarning, true, "https://otx.alienvault.com/indicator/file/44d88612fea8a8f36de82e1278abb02f"},
		{ti.SevInformation, false, ""},
		{ti.SevInformation, false, ""},
	}
	for i, w := range checks {
		r := rows[i]
		if r.Status != ti.StatusOK || r.Severity != w.sev || r.Result != w.found || (w.ref != "" && r.Reference != w.ref) {
			t.Errorf("%s: %+v", r.Ioc, r)
		}
	}
	d := rows[0].Details.(map[string]any)
	if d["pulse_count"] != 6 || strings.Join(d["tags"].([]string), ",") != "cobaltstrike,c2,scan" || len(d["references"].([]string)) != 2 {
		t.Errorf("details %v", d)
	}
}

func TestOTXNeedsKey(t *testing.T) {
	_, err := ti.New(t.Context(), ti.WithProviders("OTX"))
	if err == nil || !strings.Contains(err.Error(), "TIProviders.OTX.Args.AuthKey") {
		t.Errorf("err = %v", err)
	}
}
