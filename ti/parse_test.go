package ti

import (
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		err  bool
	}{
		{"4/min", PerMinute(4), false},
		{"1000/day", PerDay(1000), false},
		{"10/s", PerSecond(10), false},
		{"500/hour", PerHour(500), false},
		{"5/10s", Rate{5, 10 * time.Second}, false},
		{"25", PerSecond(25), false},
		{"0.5", PerHour(1800), false},
		{"unlimited", Rate{}, false},
		{"", Rate{}, false},
		{"fast", Rate{}, true},
		{"x/min", Rate{}, true},
		{"3/fortnight", Rate{}, true},
		{"-1/min", Rate{}, true},
	}
	for _, tc := range tests {
		got, err := ParseRate(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v, err %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if l := PerMinute(4).Limiter(0); l.Burst() != 1 || float64(l.Limit()) != 4.0/60 {
		t.Errorf("per-minute limiter %v %v", l.Limit(), l.Burst())
	}
	if l := PerDay(1000).Limiter(0); l.Burst() != 1000 {
		t.Errorf("daily quota burst %v", l.Burst())
	}
	if l := PerSecond(10).Limiter(5); l.Burst() != 5 {
		t.Errorf("explicit burst %v", l.Burst())
	}
	if (Rate{}).Limiter(0) != nil {
		t.Error("unlimited rate built a limiter")
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"4/min", "1000/day", "5/10s", "25", "0.5", "unlimited", "x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err == nil && !r.Unlimited() {
			if r.N < 0 || r.Per <= 0 {
				t.Fatalf("%q => %+v", s, r)
			}
			back, err := ParseRate(r.String())
			if err != nil || back != r {
				t.Fatalf("%q => %v => %v %v", s, r, back, err)
			}
		}
	})
}

// Backoff bounds are tested with the shared client (internal/httpretry).

func TestCheck(t *testing.T) {
	tests := []struct {
		in, typ, wantVal string
		want             Status
	}{
		{"8.8.8.8", "", "8.8.8.8", StatusOK},
		{"8[.]8[.]8[.]8", "", "8.8.8.8", StatusOK},
		{"hxxp://evil[.]example[.]com/a", "", "http://evil.example.com/a", StatusOK},
		{"EVIL.Example.COM", "", "evil.example.com", StatusOK},
		{"900150983CD24FB0D6963F7D28E17F72", "", "900150983cd24fb0d6963f7d28e17f72", StatusOK},
		// hashes of empty input: every service "knows" them, no verdict is meaningful
		{"D41D8CD98F00B204E9800998ECF8427E", "", "d41d8cd98f00b204e9800998ecf8427e", StatusBadFormat},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709", StatusBadFormat},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", StatusBadFormat},
		// an IP written with a port or in brackets is that IP
		{"8.8.8.8:53", "", "8.8.8.8", StatusOK},
		{"8[.]8[.]8[.]8:53", "ipv4", "8.8.8.8", StatusOK},
		{"[2606:4700:4700::1111]", "", "2606:4700:4700::1111", StatusOK},
		{"[2606:4700:4700::1111]:443", "ipv6", "2606:4700:4700::1111", StatusOK},
		{"[2001:db8::1]", "", "2001:db8::1", StatusNotPublic},
		{"[2001:db8::1]:443", "", "2001:db8::1", StatusNotPublic},
		{"10.0.0.1:8080", "", "10.0.0.1", StatusNotPublic},
		{"8.8.8.8:99999", "", "8.8.8.8:99999", StatusBadFormat},
		{"[8.8.8.8]", "", "[8.8.8.8]", StatusBadFormat},
		{"0000000000000000000000000000000000000000", "", "0000000000000000000000000000000000000000", StatusBadFormat},
		{"abababababababababababababababab", "", "abababababababababababababababab", StatusBadFormat},
		{"10.0.0.1", "", "10.0.0.1", StatusNotPublic},
		{"172.16.5.4", "ipv4", "172.16.5.4", StatusNotPublic},
		{"100.64.1.1", "", "100.64.1.1", StatusNotPublic},
		{"169.254.1.1", "", "169.254.1.1", StatusNotPublic},
		{"224.0.0.1", "", "224.0.0.1", StatusNotPublic},
		{"255.255.255.255", "", "255.255.255.255", StatusNotPublic},
		{"fe80::1", "", "fe80::1", StatusNotPublic},
		{"fd00::1", "", "fd00::1", StatusNotPublic},
		{"::1", "", "::1", StatusNotPublic},
		{"2606:4700:4700::1111", "", "2606:4700:4700::1111", StatusOK},
		{"8.8.8.8", "dns", "8.8.8.8", StatusBadFormat},
		{"", "", "", StatusBadFormat},
		{"what is this", "", "what is this", StatusBadFormat},
	}
	for _, tc := range tests {
		c := Check(Item{Value: tc.in, Type: IocType(tc.typ)})
		if c.Status != tc.want || c.Item.Value != tc.wantVal {
			t.Errorf("Check(%q, %q) = %q %v (%s); want %q %v", tc.in, tc.typ, c.Item.Value, c.Status, c.Reason, tc.wantVal, tc.want)
		}
		if c.Status != StatusOK && c.Reason == "" {
			t.Errorf("Check(%q): no reason", tc.in)
		}
		if strings.HasPrefix(tc.in, "0000") && !strings.Contains(c.Reason, "entropy") {
			t.Errorf("Check(%q): reason %q, want the entropy explained", tc.in, c.Reason)
		}
		if c.Item.Value == "d41d8cd98f00b204e9800998ecf8427e" && !strings.Contains(c.Reason, "empty input") {
			t.Errorf("Check(%q): reason %q, want the empty input named", tc.in, c.Reason)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "hxxp://a[.]b/c", "10.0.0.1", "d41d8cd98f00b204e9800998ecf8427e", "fe80::1%eth0", "x@y.z", "8.8.8.8:53", "[2001:db8::1]:443", "[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Check(Item{Value: s})
		if c.Status == StatusOK {
			if c.Item.Type == "" {
				t.Fatalf("%q: ok without a type", s)
			}
			if again := Check(c.Item); again.Status != StatusOK || again.Item != c.Item {
				t.Fatalf("%q: not idempotent: %+v then %+v", s, c, again)
			}
		} else if c.Reason == "" {
			t.Fatalf("%q: status %v without a reason", s, c.Status)
		}
	})
}
