package emulate

import (
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7515 4.1.7)
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// tokenLifetime is how long issued tokens live.
const tokenLifetime = time.Hour

// Issue signs an access token for audience (a resource URL, e.g. the emulator's base URL)
// naming subject as the application or identity. Tests use it to stand in for tools (a fake
// `az`) that would fetch a token from the emulator.
func (s *Server) Issue(audience, subject string) (string, time.Time, error) {
	now := time.Now().UTC()
	exp := now.Add(tokenLifetime)
	claims := jwt.MapClaims{
		"iss":   s.issuer(),
		"aud":   strings.TrimSuffix(audience, "/"),
		"tid":   s.opt.TenantID,
		"appid": subject,
		"oid":   uuid.NewSHA1(uuid.NameSpaceOID, []byte(subject)).String(),
		"sub":   subject,
		"iat":   now.Unix(),
		"nbf":   now.Add(-time.Minute).Unix(),
		"exp":   exp.Unix(),
		"ver":   "1.0",
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	signed, err := tok.SignedString(s.signKey)
	return signed, exp, err
}

func (s *Server) issuer() string { return s.URL + "/" + s.opt.TenantID + "/v2.0" }

// errInvalidToken is the reason of a rejected bearer token.
var errInvalidToken = errors.New("invalid token")

// verify checks a bearer token the emulator issued: signature, lifetime and audience.
func (s *Server) verify(r *http.Request) error {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || raw == "" {
		return fmt.Errorf("%w: no bearer token", errInvalidToken)
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &s.signKey.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(s.issuer()), jwt.WithExpirationRequired())
	if err != nil {
		return fmt.Errorf("%w: %v", errInvalidToken, err)
	}
	aud, _ := claims.GetAudience()
	for _, a := range aud {
		if strings.TrimSuffix(a, "/") == s.URL {
			return nil
		}
	}
	return fmt.Errorf("%w: audience %v is not %s", errInvalidToken, aud, s.URL)
}

// authed wraps an API handler: 401 with a Log Analytics error body unless the request
// carries a valid token.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.verify(r); err != nil {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%s/%s", error="invalid_token"`, s.URL, s.opt.TenantID))
			writeAPIError(w, http.StatusUnauthorized, "InvalidTokenError", "The provided authentication is not valid for this resource: "+err.Error(), nil)
			return
		}
		h(w, r)
	}
}

// openIDConfig answers GET /{tenant}/v2.0/.well-known/openid-configuration.
func (s *Server) openIDConfig(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	base := s.URL + "/" + tenant
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.URL + "/" + s.opt.TenantID + "/v2.0",
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"jwks_uri":                              s.URL + "/common/discovery/v2.0/keys",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
		"tenant_region_scope":                   "EMU",
	})
}

// instanceDiscovery answers GET /common/discovery/instance (MSAL's authority validation).
func (s *Server) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimPrefix(s.URL, "https://")
	tenant := "common"
	if ae := r.URL.Query().Get("authorization_endpoint"); ae != "" {
		if parts := strings.Split(strings.TrimPrefix(ae, s.URL+"/"), "/"); len(parts) > 0 && parts[0] != "" {
			tenant = parts[0]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": s.URL + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata":                  []map[string]any{{"preferred_network": host, "preferred_cache": host, "aliases": []string{host}}},
	})
}

// tokenEndpoint answers POST /{tenant}/oauth2/v2.0/token for the client-credentials grant
// with a client secret or a certificate assertion.
func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: malformed form body")
		return
	}
	if tenant := r.PathValue("tenant"); tenant != s.opt.TenantID && tenant != "organizations" && tenant != "common" {
		oauthError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("AADSTS90002: Tenant '%s' not found.", tenant))
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: the emulator supports the client_credentials grant only, not "+gt)
		return
	}
	client := r.PostForm.Get("client_id")
	if client != s.opt.ClientID {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", fmt.Sprintf("AADSTS700016: Application with identifier '%s' was not found in the directory.", client))
		return
	}
	switch {
	case r.PostForm.Get("client_secret") != "":
		if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("client_secret")), []byte(s.opt.ClientSecret)) != 1 {
			oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
			return
		}
	case r.PostForm.Get("client_assertion") != "":
		if err := s.checkAssertion(r.PostForm.Get("client_assertion"), client); err != nil {
			oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion failed signature validation: "+err.Error())
			return
		}
	default:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000218: The request body must contain client_assertion or client_secret.")
		return
	}
	scope := r.PostForm.Get("scope")
	audience := strings.TrimSuffix(strings.Fields(scope + " x")[0], "/.default")
	tok, exp, err := s.Issue(audience, client)
	s.tokensIssued().Add(1)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	secs := int(time.Until(exp).Seconds())
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": tok})
}

// checkAssertion verifies a certificate client assertion (RFC 7523): signed by one of the
// accepted certificates, found by its x5t or x5t#S256 thumbprint, for this client.
func (s *Server) checkAssertion(raw, client string) error {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		for _, c := range s.opt.ClientCerts {
			if thumbMatch(t.Header, c) {
				return c.PublicKey, nil
			}
		}
		return nil, errors.New("the certificate is not registered for the application")
	}, jwt.WithValidMethods([]string{"RS256", "PS256", "ES256"}), jwt.WithExpirationRequired())
	if err != nil {
		return err
	}
	if sub, _ := claims.GetSubject(); sub != client {
		return fmt.Errorf("subject %q is not the client id", sub)
	}
	return nil
}

func thumbMatch(h map[string]any, c *x509.Certificate) bool {
	s1 := sha1.Sum(c.Raw) //nolint:gosec // thumbprint, not a security hash here
	s256 := sha256.Sum256(c.Raw)
	for _, k := range []string{"x5t", "x5t#S256"} {
		v, _ := h[k].(string)
		if v == "" {
			continue
		}
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
		if err != nil {
			b, _ = base64.StdEncoding.DecodeString(v)
		}
		if string(b) == string(s1[:]) || string(b) == string(s256[:]) {
			return true
		}
	}
	return false
}

// managedIdentity answers the App Service managed-identity endpoint
// (GET /msi/token?api-version=2019-08-01&resource=...) that IDENTITY_ENDPOINT points at; the
// X-IDENTITY-HEADER must carry IDENTITY_HEADER's value.
func (s *Server) managedIdentity(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-IDENTITY-HEADER")), []byte(s.opt.IdentityHeader)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "missing or wrong X-IDENTITY-HEADER"})
		return
	}
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "resource is required"})
		return
	}
	tok, exp, err := s.Issue(resource, "managed-identity-"+s.opt.TenantID[:min(8, len(s.opt.TenantID))])
	s.tokensIssued().Add(1)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"statusCode": 500, "message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_on": exp.Unix(),
		"expires_in": int(time.Until(exp).Seconds()), "resource": resource, "token_type": "Bearer"})
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": uuid.NewString(), "correlation_id": uuid.NewString(),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
