package ipscope

import (
	"net/netip"
	"testing"
)

// FuzzClassify checks the classifier's invariants on any address: Global exactly when
// public, a note for every other scope, and an entry that holds the address.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "::1", "2001:db8::1", "64:ff9b::1", "::ffff:1.2.3.4", "ff02::1"} {
		a := netip.MustParseAddr(s).As16()
		f.Add(a[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a netip.Addr
		switch len(b) {
		case 4:
			a = netip.AddrFrom4([4]byte(b))
		case 16:
			a = netip.AddrFrom16([16]byte(b))
		default:
			return
		}
		i := Classify(a)
		if i.Global != (i.Scope == Public) {
			t.Fatalf("%s: global %v, scope %s", a, i.Global, i.Scope)
		}
		if !i.Global && i.Note == "" {
			t.Fatalf("%s: scope %s without a note", a, i.Scope)
		}
		if i.Entry != nil && !i.Entry.Prefix.Contains(a.Unmap()) {
			t.Fatalf("%s: entry %s does not hold it", a, i.Entry.Prefix)
		}
	})
}
