package config

import (
	"regexp"
	"strings"
)

// Masking by content: the one function every printer of configuration values, errors and
// log lines uses (config show, one-line errors, warnings, --print), so that a secret is
// hidden wherever it appears, whatever the key that holds it is called.
var (
	// connection-string secrets: "Application Key=...;", "Password=...", "AccountKey=...",
	// "SharedAccessSignature=...", "Client Secret=..." (value up to ';' or the end)
	connSecretRE = regexp.MustCompile(`(?i)\b((?:application\s*key|app\s*key|appkey|password|passwd|pwd|account\s*key|accountkey|shared\s*access\s*key|sharedaccesskey|shared\s*access\s*signature|sharedaccesssignature|client\s*secret|clientsecret|application\s*client\s*secret|user\s*token|usertoken|application\s*token|applicationtoken|api\s*key|apikey|access\s*key|accesskey|secret|token)\s*=\s*)([^;\s"']+)`)
	// URL query credentials: ?code=..., &sig=..., &key=..., &token=...
	queryRE = regexp.MustCompile(`(?i)([?&;](?:code|sig|signature|key|apikey|api_key|api-key|x-api-key|token|access_token|id_token|refresh_token|auth|authkey|secret|client_secret|password|pass|pwd|sas|se?cret)=)([^&#;\s"'<>]+)`)
	// user:password@ in URLs
	userinfoRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^/\s:@"']+:)([^@\s/"']+)(@)`)
	// "pass: x", "password=x", "token x" in free text (log lines, errors)
	keyValueRE = regexp.MustCompile(`(?i)\b((?:pass|password|passwd|pwd|secret|client_secret|apikey|api_key|api-key|authkey|auth_key|access_key|token|access_token|bearer)(?:\s*[:=]\s*|\s+))("?)([^\s"';,&]+)`)
)

// MaskText hides secrets found by their content in s: connection-string secrets (Kusto
// "Application Key=", "Password=", "AccountKey=", "SharedAccessSignature=", ...), URL query
// credentials (?code=, sig=, key=, token=, ...), user:password@ in URLs, and values after
// common secret names (pass, password, secret, apikey, token, ...). Each secret becomes
// "********"; everything else is kept.
func MaskText(s string) string {
	if s == "" {
		return s
	}
	out := userinfoRE.ReplaceAllString(s, "${1}"+Mask+"${3}")
	out = queryRE.ReplaceAllString(out, "${1}"+Mask)
	out = connSecretRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := connSecretRE.FindStringSubmatch(m)
		if strings.TrimSpace(sub[2]) == Mask {
			return m
		}
		return sub[1] + Mask
	})
	out = keyValueRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := keyValueRE.FindStringSubmatch(m)
		v := sub[3]
		if v == Mask || strings.HasPrefix(v, Mask) || strings.HasPrefix(v, "*") {
			return m
		}
		if !strings.ContainsAny(sub[1], ":=") && !strings.EqualFold(strings.TrimSpace(sub[1]), "bearer") {
			return m // "token expired": a word, not a value, unless after "Bearer"
		}
		return sub[1] + sub[2] + Mask
	})
	return out
}
