package urlhaus_test

import (
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestURLhaus(t *testing.T) {
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ParseForm() != nil {
			w.WriteHeader(405)
			return
		}
		if r.Header.Get("Auth-Key") != titest.Key {
			titest.JSON(w, 200, []byte(`{"query_status":"unknown_auth_key"}`))
			return
		}
		f := r.PostForm
		switch {
		case r.URL.Path == "/v1/url/" && f.Get("url") == "http://malware.example.com/bins/x86":
			titest.JSON(w, 200, []byte(`{"query_status":"ok","id":"105821","urlhaus_reference":"https://urlhaus.abuse.ch/url/105821/","url":"http://malware.example.com/bins/x86","url_status":"online","host":"malware.example.com","date_added":"2019-01-19 01:33:26 UTC","threat":"malware_download","blacklists":{"spamhaus_dbl":"not listed","surbl":"not listed"},"reporter":"abuse_ch","larted":"true","takedown_time_seconds":null,"tags":["elf","mirai"],"payloads":[]}`))
		case r.URL.Path == "/v1/host/" && f.Get("host") == "old.example.com":
			titest.JSON(w, 200, []byte(`{"query_status":"ok","urlhaus_reference":"https://urlhaus.abuse.ch/host/old.example.com/","host":"old.example.com","firstseen":"2019-01-01 00:00:00 UTC","url_count":"2","blacklists":{"spamhaus_dbl":"not listed","surbl":"not listed"},"urls":[{"id":"1","url":"http://old.example.com/a","url_status":"offline","date_added":"2019-01-01","threat":"malware_download","tags":[]}]}`))
		case r.URL.Path == "/v1/payload/" && f.Get("sha256_hash") == "01fa56184fcaa42b6ee1882787a34098c79898c182814774fd81dc18a6af0b00":
			titest.JSON(w, 200, []byte(`{"query_status":"ok","md5_hash":"12c8aec5766ac3e6f26f2505e2f4a8f2","sha256_hash":"01fa56184fcaa42b6ee1882787a34098c79898c182814774fd81dc18a6af0b00","file_type":"exe","file_size":"94208","signature":"Heodo","firstseen":"2019-01-19 01:59:03","lastseen":"2019-01-19 02:44:06","url_count":"4","urlhaus_download":"https://urlhaus-api.abuse.ch/v1/download/01fa/","virustotal":null,"urls":[]}`))
		case r.URL.Path == "/v1/host/" && f.Get("host") == "1.2.3.4":
			titest.JSON(w, 200, []byte(`{"query_status":"invalid_host"}`))
		default:
			titest.JSON(w, 200, []byte(`{"query_status":"no_results"}`))
		}
	})
	c := titest.Client(t, "URLhaus", srv.URL)
	rows, _ := c.LookupRows(t.Context(), []ti.Item{{Value: "http://malware.example.com/bins/x86"}, {Value: "old.example.com"},
		{Value: "01fa56184fcaa42b6ee1882787a34098c79898c182814774fd81dc18a6af0b00"}, {Value: "clean.example.com"}, {Value: "1.2.3.4"}})
	want := []struct {
		sub   string
		sev   ti.Severity
		found bool
		st    ti.Status
	}{{"url", ti.SevHigh, true, 0}, {"host", ti.SevWarning, true, 0}, {"payload", ti.SevHigh, true, 0},
		{"host", ti.SevInformation, false, 0}, {"", ti.SevUnknown, false, ti.StatusQueryFailed}}
	for i, w := range want {
		if r := rows[i]; r.QuerySubtype != w.sub || r.Severity != w.sev || r.Result != w.found || r.Status != w.st {
			t.Errorf("%s: %+v", r.Ioc, r)
		}
	}
	if rows[0].Reference != "https://urlhaus.abuse.ch/url/105821/" {
		t.Errorf("reference %q", rows[0].Reference)
	}
	c = titest.Client(t, "URLhaus", srv.URL, ti.WithAuthKey("URLhaus", "wrong"))
	rows, _ = c.LookupRows(t.Context(), []ti.Item{{Value: "old.example.com"}})
	if rows[0].Status != ti.StatusAuthFailed {
		t.Errorf("unknown_auth_key: %+v", rows[0])
	}
}
