package ipscope_test

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/huntkit/huntkit/ipscope"
)

func ExampleClassify() {
	for _, s := range []string{"8.8.8.8", "100.64.1.1", "3fff::1", "64:ff9b::808:808", "::ffff:10.0.0.1"} {
		i := ipscope.Classify(netip.MustParseAddr(s))
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s %s global=%v %s", s, i.Scope, i.Global, i.Note)))
	}
	// Output:
	// 8.8.8.8 public global=true
	// 100.64.1.1 cgnat global=false Shared Address Space [RFC 6598]
	// 3fff::1 documentation global=false Documentation [RFC 9637]
	// 64:ff9b::808:808 translation global=false IPv4-IPv6 Translat. [RFC 6052]: look up the embedded IPv4 address 8.8.8.8
	// ::ffff:10.0.0.1 private global=false Private-Use [RFC 1918]
}
