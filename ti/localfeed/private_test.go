package localfeed_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/huntkit/huntkit/ti"
)

// A private address in one's own feed is looked up: the feed never leaves the machine.
func TestPrivateAddressInOwnFeed(t *testing.T) {
	feed := filepath.Join(t.TempDir(), "internal.csv")
	body := "indicator,type,severity,description\n10.20.30.40,ip,high,compromised jump host\nfd00::7,ipv6,warning,lab box\n"
	if err := os.WriteFile(feed, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c := client(t, feed)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "10.20.30.40"}, {Value: "fd00::7"}, {Value: "192.168.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ioc   string
		found bool
		sev   ti.Severity
	}{{"10.20.30.40", true, ti.SevHigh}, {"fd00::7", true, ti.SevWarning}, {"192.168.9.9", false, ti.SevInformation}}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Ioc != w.ioc || r.Provider != "LocalFeed" || r.Status != ti.StatusOK || r.Result != w.found || r.Severity != w.sev {
			t.Errorf("row %d = %+v; want %s found=%v %v from LocalFeed", i, r, w.ioc, w.found, w.sev)
		}
	}
}
