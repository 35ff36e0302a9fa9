package workbench

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	huntkit "github.com/huntkit/huntkit"
)

// The entity pivots of `huntkit pivot` are offered on cells whose value fits their type,
// and run from the workbench.
func TestEntityPivots(t *testing.T) {
	ts, srv, _ := newTestServer(t, Options{}, "")
	pv, err := srv.hk.Pivots(context.Background(), huntkit.PivotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pv.Close()
	srv.AddEntityPivots(pv)

	list := func(value string) []string {
		res, err := ts.Client().Get(ts.URL + "/api/pivots?column=c&value=" + url.QueryEscape(value))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var got []map[string]string
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range got {
			names = append(names, p["name"])
		}
		return names
	}
	ip := strings.Join(list("81.2.69.142"), " ")
	if !strings.Contains(ip, "IpAddress.geoip") || !strings.Contains(ip, "IpAddress.whois") || strings.Contains(ip, "Url.") {
		t.Errorf("pivots for an IP: %s", ip)
	}
	u := strings.Join(list("http://evil.example.com/a.ps1"), " ")
	if strings.Contains(u, "IpAddress.") || !strings.Contains(u, "Url.") {
		t.Errorf("pivots for a URL: %s", u)
	}

	// run one: IoC extraction of a URL gives its domain, offline
	var run Pivot
	for _, p := range srv.pivots {
		if strings.HasPrefix(p.Name, "Url.") && strings.Contains(p.Name, "ioc") {
			run = p
		}
	}
	if run.Run == nil {
		t.Fatalf("no IoC pivot for URLs among %s", u)
	}
	f, err := run.Run(context.Background(), "c", "http://evil.example.com/a.ps1")
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() == 0 {
		t.Errorf("%s found nothing", run.Name)
	}
	if _, err := run.Run(context.Background(), "c", "not a url at all"); err == nil {
		t.Error("a value of the wrong type ran")
	}
}
