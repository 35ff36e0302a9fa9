package ipqs_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestIPQS(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/ipqs.json")
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		parts := strings.SplitN(strings.TrimPrefix(r.URL.EscapedPath(), "/api/json/"), "/", 3)
		if len(parts) != 3 {
			w.WriteHeader(400)
			return
		}
		if k, _ := url.PathUnescape(parts[1]); k != titest.Key {
			titest.JSON(w, 200, []byte(`{"success":false,"message":"Invalid or unauthorized key. Please check the API key and try again.","request_id":"x"}`))
			return
		}
		v, _ := url.PathUnescape(parts[2])
		switch parts[0] + " " + v {
		case "ip 162.244.80.235":
			titest.JSON(w, 200, mock)
		case "ip 8.8.8.8":
			titest.JSON(w, 200, []byte(`{"success":true,"message":"Success","fraud_score":0,"proxy":false,"vpn":false,"tor":false,"recent_abuse":false,"country_code":"US","ISP":"Google","ASN":15169}`))
		case "url http://phish.example.com/login":
			titest.JSON(w, 200, []byte(`{"success":true,"message":"Success","unsafe":true,"domain":"phish.example.com","risk_score":100,"phishing":true,"malware":false,"suspicious":true,"spamming":false}`))
		case "email someone@example.com":
			titest.JSON(w, 200, []byte(`{"success":true,"message":"Success","valid":true,"disposable":true,"fraud_score":50,"leaked":false}`))
		default:
			titest.JSON(w, 200, []byte(`{"success":false,"message":"Invalid IPv4 address, IPv6 address or hostname."}`))
		}
	})
	c := titest.Client(t, "IPQS", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "162.244.80.235"}, {Value: "8.8.8.8"},
		{Value: "hxxp://phish[.]example[.]com/login"}, {Value: "someone@example.com"}, {Value: "1.1.1.1"}})
	want := []struct {
		sev   ti.Severity
		found bool
		st    ti.Status
	}{{ti.SevHigh, true, ti.StatusOK}, {ti.SevInformation, false, ti.StatusOK}, {ti.SevHigh, true, ti.StatusOK},
		{ti.SevWarning, true, ti.StatusOK}, {ti.SevUnknown, false, ti.StatusQueryFailed}}
	for i, w := range want {
		if r := rows[i]; r.Severity != w.sev || r.Result != w.found || r.Status != w.st {
			t.Errorf("%s: %+v", r.Ioc, r)
		}
	}
	if err == nil || !strings.Contains(rows[4].Message, "Invalid IPv4") {
		t.Errorf("failure row: %v %q", err, rows[4].Message)
	}
	// A bad key answers 200 + success=false: one auth error, key never echoed.
	c = titest.Client(t, "IPQS", srv.URL, ti.WithAuthKey("IPQS", "not-the-key-zzz"), ti.WithConcurrency(1))
	rows, err = c.LookupRows(t.Context(), []ti.Item{{Value: "162.244.80.235"}, {Value: "8.8.8.8"}})
	var ae *ti.AuthError
	if !errors.As(err, &ae) || rows[1].Status != ti.StatusAuthFailed || strings.Contains(err.Error(), "not-the-key-zzz") {
		t.Errorf("bad key: %v %+v", err, rows)
	}
}
