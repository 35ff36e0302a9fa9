package suggest

import (
	"reflect"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"Account", "Acount", 1},
		{"héllo", "hello", 1}, // runes, not bytes
		{"abc", "ABC", 3},     // case-sensitive
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"VirusTotal", "OTX", "GreyNoise", "AbuseIPDB", "XForce"}
	for _, tc := range []struct {
		name, want string
	}{
		{"VirusTotl", "VirusTotal"},
		{"virustotal", "VirusTotal"}, // exact but for case
		{"Virus", "VirusTotal"},      // prefix
		{"OTx", "OTX"},
		{"GreyNoize", "GreyNoise"},
		{"Shodan", ""}, // nothing close
		{"", ""},
	} {
		if got := Closest(tc.name, cands); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no candidates = %q", got)
	}
}

func TestRanked(t *testing.T) {
	cands := []string{"list_host_logons", "list_host_logon_failures", "get_host_logon",
		"list_inbox_rules", "list_remote_execution", "list_host_logons"}
	for _, tc := range []struct {
		name string
		n    int
		want []string
	}{
		{"list_host_logon", 3, []string{"list_host_logons", "get_host_logon", "list_host_logon_failures"}},
		{"list_host_logon", 1, []string{"list_host_logons"}},
		{"logon", 5, []string{"get_host_logon", "list_host_logons", "list_host_logon_failures"}},
		// a one-letter name is a substring of almost everything: no noise
		{"x", 3, []string{}},
		{"zzzzzzzz", 3, []string{}},
	} {
		got := Ranked(tc.name, cands, tc.n)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Ranked(%q, %d) = %q, want %q", tc.name, tc.n, got, tc.want)
		}
	}
}

func TestRankedDeduplicates(t *testing.T) {
	got := Ranked("Office365.list_inbox_rule", []string{"Office365.list_inbox_rules", "Office365.list_inbox_rules"}, 3)
	if want := []string{"Office365.list_inbox_rules"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Ranked = %q, want %q", got, want)
	}
}
