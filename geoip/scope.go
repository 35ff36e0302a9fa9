package geoip

import (
	"net/netip"

	"github.com/huntkit/huntkit/ipscope"
)

// Scope says what kind of address an IP is (see package ipscope, huntkit's one classifier
// after IANA's special-purpose address registries). Only ScopePublic addresses are
// geolocated; the others are reported with their scope and a note instead of being dropped.
type Scope = ipscope.Scope

// Address scopes (aliases of ipscope's).
const (
	ScopePublic        = ipscope.Public
	ScopePrivate       = ipscope.Private
	ScopeLoopback      = ipscope.Loopback
	ScopeLinkLocal     = ipscope.LinkLocal
	ScopeCGNAT         = ipscope.CGNAT
	ScopeMulticast     = ipscope.Multicast
	ScopeDocumentation = ipscope.Documentation
	ScopeBenchmarking  = ipscope.Benchmarking
	ScopeUnspecified   = ipscope.Unspecified
	ScopeBroadcast     = ipscope.Broadcast
	ScopeTranslation   = ipscope.Translation
	ScopeReserved      = ipscope.Reserved
	ScopeInvalid       = ipscope.Invalid
)

// Classify returns the scope of ip and a short note explaining a non-public scope
// (ipscope.Classify). IPv4-mapped IPv6 addresses are classified as their IPv4 address.
func Classify(ip netip.Addr) (Scope, string) {
	i := ipscope.Classify(ip)
	return i.Scope, i.Note
}
