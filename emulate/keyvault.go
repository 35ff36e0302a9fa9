package emulate

import (
	"fmt"
	"net/http"
	"time"
)

// kvAuthed wraps a Key Vault handler: without a valid token it answers 401 with Key
// Vault's challenge (authorization and resource), which the Key Vault clients follow.
func (s *Server) kvAuthed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.verify(r); err != nil {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization="%s/%s", resource="%s"`, s.URL, s.opt.TenantID, s.URL))
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
				"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}})
			return
		}
		h(w, r)
	}
}

// getSecret answers GET /secrets/{name}[/{version}] with the Key Vault secret bundle.
func (s *Server) getSecret(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, ok := s.opt.Secrets[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": "SecretNotFound",
			"message": fmt.Sprintf("A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.", name)}})
		return
	}
	now := time.Now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{
		"value": v,
		"id":    s.URL + "/secrets/" + name + "/00000000000000000000000000000001",
		"attributes": map[string]any{"enabled": true, "created": now, "updated": now,
			"recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
		"tags": map[string]any{},
	})
}
