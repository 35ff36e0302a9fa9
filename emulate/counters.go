package emulate

import "sync/atomic"

// tokensIssued counts the tokens the token endpoint and the managed-identity endpoint
// issued, in s.state (tests check that a cached token spares a sign-in).
func (s *Server) tokensIssued() *atomic.Int64 {
	v, _ := s.state.LoadOrStore("tokens-issued", new(atomic.Int64))
	return v.(*atomic.Int64)
}

// TokensIssued returns how many tokens the emulator's token and managed-identity endpoints
// have issued.
func (s *Server) TokensIssued() int64 { return s.tokensIssued().Load() }
