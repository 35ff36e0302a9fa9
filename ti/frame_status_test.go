package ti_test

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all" // the real registrations, for Statuses
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestLookupFrame(t *testing.T) {
	srv := titest.NewServer(t, scoreHandler)
	f := frame.MustNew(
		frame.NewStrings("Observable", []string{"bad.example.com", "", "8.8.8.8", "bad.example.com", "10.0.0.1"}),
		frame.NewStrings("Kind", []string{"domain", "", "ip", "dns", "ip"}))
	out, err := ti.LookupFrame(t.Context(), f, "Observable", ti.WithProviders("Fake"), ti.WithAuthKey("Fake", titest.Key),
		ti.WithBaseURL("Fake", srv.URL), ti.WithTypeColumn("Kind"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 3 || out.Col("Ioc").Str(0) != "bad.example.com" || out.Col("Ioc").Str(1) != "8.8.8.8" ||
		out.Col("Provider").Str(2) != ti.PrecheckProvider || out.Col("Status").Int(2) != int64(ti.StatusNotPublic) {
		t.Errorf("result frame:\n%v", out)
	}
	if got := srv.Hits.Load(); got != 2 {
		t.Errorf("%d requests, want 2 (blank, duplicate and private values not sent)", got)
	}
	for _, name := range out.Names()[:len(ti.ResultColumns)] {
		if out.Col(name) == nil {
			t.Errorf("missing column %s", name)
		}
	}
	_, err = ti.LookupFrame(t.Context(), f, "Observabel", ti.WithProviders("Fake"), ti.WithAuthKey("Fake", titest.Key))
	if !errors.Is(err, ti.ErrNoColumn) || !strings.Contains(err.Error(), "Observabel") || !strings.Contains(err.Error(), "Observable") {
		t.Errorf("missing column: %v; want ErrNoColumn suggesting Observable", err)
	}
	if _, err = ti.LookupFrame(t.Context(), f, "Observable", ti.WithProviders("Fake"), ti.WithAuthKey("Fake", titest.Key), ti.WithTypeColumn("Nope")); !errors.Is(err, ti.ErrNoColumn) {
		t.Errorf("missing type column: %v", err)
	}
}

func TestStatusesAndProbe(t *testing.T) {
	up := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	cfg := titest.Config{
		"TIProviders.VirusTotal.Provider":      "VirusTotal",
		"TIProviders.VirusTotal.Args.AuthKey":  "vt-secret",
		"TIProviders.VirusTotal.Args.BaseURL":  up.URL,
		"TIProviders.OTX.Provider":             "OTX",
		"TIProviders.OTX.Primary":              "false",
		"TIProviders.OTX.Args.AuthKey":         "otx-secret",
		"TIProviders.OTX.Args.BaseURL":         down,
		"TIProviders.OTX.Args.RateLimit":       "5/min",
		"TIProviders.AbuseIPDB.Provider":       "AbuseIPDB",
		"TIProviders.AbuseIPDB.Args.RateLimit": "lots",
	}
	sts := ti.Statuses(t.Context(), cfg)
	by := map[string]ti.ProviderStatus{}
	for _, s := range sts {
		by[s.Name] = s
	}
	if s := by["VirusTotal"]; s.State != ti.StateConfigured || !s.Usable() || len(s.Entries) != 1 || s.BaseURL != up.URL {
		t.Errorf("VirusTotal %+v", s)
	}
	if s := by["OTX"]; s.State != ti.StateSecondary || !s.RateConfigured || s.Rate != ti.PerMinute(5) {
		t.Errorf("OTX %+v", s)
	}
	if s := by["AbuseIPDB"]; s.State != ti.StateMissingKey || s.Detail != "TIProviders.AbuseIPDB.Args.AuthKey" || s.RateError == "" || s.Usable() {
		t.Errorf("AbuseIPDB %+v", s)
	}
	if s := by["XForce"]; s.State != ti.StateNotConfigured {
		t.Errorf("XForce %+v", s)
	}
	if s := by["Tor"]; s.State != ti.StateNoKeyNeeded || !s.Usable() {
		t.Errorf("Tor %+v", s)
	}
	// Probe only the three of interest (the others would reach for the internet).
	probe := []ti.ProviderStatus{by["VirusTotal"], by["OTX"], by["LocalFeed"]}
	ti.Probe(t.Context(), probe, nil, 0)
	if probe[0].Reach != "reachable" || !strings.HasPrefix(probe[1].Reach, "unreachable") || probe[2].Reach != "local" {
		t.Errorf("reach: %q %q %q", probe[0].Reach, probe[1].Reach, probe[2].Reach)
	}
	if up.Hits.Load() != 1 {
		t.Errorf("reachable service got %d requests, want 1", up.Hits.Load())
	}
}
