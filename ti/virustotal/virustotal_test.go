package virustotal_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
	"github.com/huntkit/huntkit/ti/virustotal"
)

const (
	sampleURL  = "http://218.54.47.77/"
	sampleFile = "03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b"
)

// wrap puts a bare v3 object under "data", as the object endpoints answer.
func wrap(t *testing.T, b []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["data"]; ok {
		return b
	}
	out, _ := json.Marshal(map[string]any{"data": m})
	return out
}

const ipObject = `{"data":{"type":"ip_address","id":"185.220.101.4","links":{"self":"https://www.virustotal.com/api/v3/ip_addresses/185.220.101.4"},
 "attributes":{"as_owner":"Example Hosting","asn":64500,"country":"DE","network":"185.220.101.0/24","reputation":-12,
  "last_analysis_date":1700000000,"tags":["tor"],"total_votes":{"harmless":1,"malicious":7},
  "last_analysis_stats":{"harmless":60,"malicious":2,"suspicious":1,"undetected":20,"timeout":0}}}}`

func server(t *testing.T) *titest.Server {
	domain := wrap(t, titest.Sample(t, "virustotal/v3/demisto_vt3_domain.json"))
	urlObj := wrap(t, titest.Sample(t, "virustotal/v3/vt3_url_0.json"))
	file := wrap(t, titest.Sample(t, "virustotal/v3/vt3_file_1.json"))
	notFound := []byte(`{"error":{"code":"NotFoundError","message":"Resource not found."}}`)
	return titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-apikey") != titest.Key {
			titest.JSON(w, 401, []byte(`{"error":{"code":"WrongCredentialsError","message":"Wrong API key"}}`))
			return
		}
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/v3/") {
			titest.JSON(w, 400, []byte(`{"error":{"code":"BadRequestError"}}`))
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/api/v3")
		switch p {
		case "/ip_addresses/185.220.101.4":
			titest.JSON(w, 200, []byte(ipObject))
		case "/domains/down.mykings.pw":
			titest.JSON(w, 200, domain)
		case "/urls/" + base64.RawURLEncoding.EncodeToString([]byte(sampleURL)):
			titest.JSON(w, 200, urlObj)
		case "/files/" + sampleFile:
			titest.JSON(w, 200, file)
		default:
			titest.JSON(w, 404, notFound)
		}
	})
}

func TestVirusTotal(t *testing.T) {
	srv := server(t)
	c := titest.Client(t, "VirusTotal", srv.URL+"/api/v3")
	rows, err := c.LookupRows(t.Context(), []ti.Item{
		{Value: "185.220.101.4"}, {Value: "down.mykings.pw"}, {Value: sampleURL}, {Value: sampleFile},
		{Value: "nothing-here.example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sub   string
		sev   ti.Severity
		found bool
		key   string
		val   any
		ref   string
	}{
		{"ip_addresses", ti.SevWarning, true, "as_owner", "Example Hosting", "https://www.virustotal.com/gui/ip-address/185.220.101.4"},
		{"domains", ti.SevHigh, true, "malicious", 8.0, "https://www.virustotal.com/gui/domain/down.mykings.pw"},
		{"urls", ti.SevInformation, true, "harmless", 57.0, "https://www.virustotal.com/gui/url/380269259e1f607fb07769fee779f0dc3144924f865e76a3c05c8898295d02f8"},
		{"files", ti.SevHigh, true, "threat_label", "trojan.msil/tasker", "https://www.virustotal.com/gui/file/" + sampleFile},
		{"domains", ti.SevInformation, false, "found", false, "https://www.virustotal.com/gui/domain/nothing-here.example.com"},
	}
	for i, w := range want {
		r := rows[i]
		if r.Status != ti.StatusOK || r.QuerySubtype != w.sub || r.Severity != w.sev || r.Result != w.found || r.Reference != w.ref {
			t.Errorf("%s: %+v", r.Ioc, r)
			continue
		}
		d := roundTrip(r.Details)
		if d[w.key] != w.val {
			t.Errorf("%s: details[%s] = %v, want %v (%v)", r.Ioc, w.key, d[w.key], w.val, d)
		}
	}
	if virustotal.URLID("http://a.b/?x=1") != "aHR0cDovL2EuYi8_eD0x" {
		t.Errorf("URLID = %s", virustotal.URLID("http://a.b/?x=1"))
	}
}

func roundTrip(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

func TestVirusTotalWrongKey(t *testing.T) {
	srv := server(t)
	c := titest.Client(t, "VirusTotal", srv.URL+"/api/v3", ti.WithAuthKey("VirusTotal", "wrong"))
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "185.220.101.4"}, {Value: "down.mykings.pw"}})
	if !strings.Contains(err.Error(), "VirusTotal: authentication failed (HTTP 401): check TIProviders.VirusTotal.Args.AuthKey") {
		t.Errorf("err = %v", err)
	}
	if rows[0].Status != ti.StatusAuthFailed || srv.Hits.Load() > 2 {
		t.Errorf("rows %+v hits %d", rows, srv.Hits.Load())
	}
}

func FuzzVirusTotalAnswer(f *testing.F) {
	f.Add([]byte(ipObject), 200)
	f.Add([]byte(`{"data":{"id":"x","attributes":{"last_analysis_stats":"oops"}}}`), 200)
	f.Add([]byte(`{"error":{}}`), 404)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 200 || status > 599 {
			status = 200
		}
		srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { titest.JSON(w, status, body) })
		c := titest.Client(t, "VirusTotal", srv.URL, ti.WithRetries(0, 0, 0))
		rows, _ := c.LookupRows(t.Context(), []ti.Item{{Value: "185.220.101.4"}})
		if len(rows) != 1 || (rows[0].Status != ti.StatusOK && rows[0].Message == "") {
			t.Fatalf("rows %+v", rows)
		}
	})
}
