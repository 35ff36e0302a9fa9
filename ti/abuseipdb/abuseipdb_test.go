package abuseipdb_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

const reported = `{"data":{"ipAddress":"118.25.6.39","isPublic":true,"ipVersion":4,"isWhitelisted":false,"abuseConfidenceScore":100,
"countryCode":"CN","usageType":"Data Center/Web Hosting/Transit","isp":"Tencent Cloud Computing (Beijing) Co. Ltd","domain":"tencent.com",
"hostnames":[],"isTor":false,"totalReports":1523,"numDistinctUsers":342,"lastReportedAt":"2024-05-01T12:00:00+00:00"}}`

func TestAbuseIPDB(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/abuseipdb.json")
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Key") != titest.Key {
			titest.JSON(w, 401, []byte(`{"errors":[{"detail":"Authentication failed.","status":401}]}`))
			return
		}
		if r.URL.Path != "/api/v2/check" || r.URL.Query().Get("maxAgeInDays") != "30" || r.Header.Get("Accept") != "application/json" {
			titest.JSON(w, 422, []byte(`{"errors":[{"detail":"bad request","status":422}]}`))
			return
		}
		switch r.URL.Query().Get("ipAddress") {
		case "118.25.6.39":
			titest.JSON(w, 200, []byte(reported))
		case "38.75.137.9":
			titest.JSON(w, 200, mock)
		default:
			titest.JSON(w, 422, []byte(`{"errors":[{"detail":"The ip address must be a valid IPv4 or IPv6 address.","status":422}]}`))
		}
	})
	c := titest.Client(t, "AbuseIPDB", srv.URL, ti.WithArgs("AbuseIPDB", map[string]any{"MaxAgeInDays": 30}))
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "118.25.6.39"}, {Value: "38.75.137.9"}, {Value: "2606:4700::6810:1"}})
	if r := rows[0]; r.Status != ti.StatusOK || r.Severity != ti.SevHigh || !r.Result || r.Reference != "https://www.abuseipdb.com/check/118.25.6.39" {
		t.Errorf("reported: %+v", r)
	}
	if r := rows[1]; r.Status != ti.StatusOK || r.Severity != ti.SevInformation || r.Result || r.Details.(map[string]any)["isp"] != "GlobalTeleHost Corp." {
		t.Errorf("clean: %+v", r)
	}
	if r := rows[2]; r.Status != ti.StatusQueryFailed || !strings.Contains(r.Message, "HTTP 422") {
		t.Errorf("422: %+v", r)
	}
	if err == nil {
		t.Error("want an error for the failed row")
	}
	if _, err := ti.New(t.Context(), ti.WithProviders("AbuseIPDB"), ti.WithAuthKey("AbuseIPDB", "k"), ti.WithArgs("AbuseIPDB", map[string]any{"MaxAgeInDays": 900})); err == nil {
		t.Error("MaxAgeInDays 900 accepted")
	}
}
