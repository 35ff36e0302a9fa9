package ioc

import (
	"strings"
	"testing"
)

func FuzzExtract(f *testing.F) {
	for _, c := range extractCases {
		f.Add(c.text)
	}
	f.Add("hxxp[:]//a[.]b[.]com[.]")
	f.Add("[.][.](dot)[at]")
	f.Add("\\\\\\\\a\\b C:\\\\ C:\\ ::: ::1%")
	f.Fuzz(func(t *testing.T, text string) {
		ms := Extract(text)
		for _, m := range ms {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
				t.Fatalf("bad span %d:%d in %d bytes", m.Start, m.End, len(text))
			}
			if text[m.Start:m.End] != m.Raw {
				t.Fatalf("Raw %q != text span %q", m.Raw, text[m.Start:m.End])
			}
			if m.Value == "" || typeIndex(m.Type) < 0 {
				t.Fatalf("bad match %+v", m)
			}
			// Refanging never makes a value longer (http vs hxxp are equal); only the A-label of
			// an internationalised host may be, within the 253 bytes of a DNS name.
			idn := m.Type == DNS && strings.Contains(m.Value, "xn--") && len(m.Value) <= 253
			// An IPv4-mapped IPv6 address is written ::ffff:a.b.c.d (RFC 5952 section 5):
			// "::ffff:0:0" is "::ffff:0.0.0.0", up to 12 bytes longer.
			mapped := m.Type == IPv6 && strings.HasPrefix(m.Value, "::ffff:") && strings.Count(m.Value, ".") == 3 && len(m.Value) <= len(m.Raw)+12
			if len(m.Value) > len(m.Raw)+2 && !idn && !mapped {
				t.Fatalf("value %q longer than raw %q", m.Value, m.Raw)
			}
		}
		u := ExtractUnique(text)
		if len(u) != len(Unique(ms)) {
			t.Fatalf("ExtractUnique %d != Unique(Extract) %d", len(u), len(Unique(ms)))
		}
	})
}

func FuzzRefang(f *testing.F) {
	for _, s := range []string{"hxxp://evil[.]com", "a[dot]b (at) c", "fxp[:]//x{.}y", "[", "(", "{.", "hXXps[://]", "evil [dot] com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Refang(s)
		if len(r) > len(s) {
			t.Fatalf("Refang grew %q to %q", s, r)
		}
		if !strings.ContainsAny(s, "[({hHfF") && r != s {
			t.Fatalf("Refang changed text without markers: %q -> %q", s, r)
		}
		for _, typ := range AllTypes {
			_ = Defang(s, typ)
		}
		_ = DefangText(s)
		ref, m := refangMap(s, true)
		if m != nil {
			if len(m) != len(ref)+1 {
				t.Fatalf("offset map has %d entries for %d bytes", len(m), len(ref))
			}
			for i := 1; i < len(m); i++ {
				if m[i] < m[i-1] || int(m[i]) > len(s) {
					t.Fatalf("offset map not monotonic at %d: %v", i, m)
				}
			}
		}
	})
}
