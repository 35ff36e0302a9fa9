package workbench

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

const (
	tokenCookie = "hk_workbench"
	csrfHeader  = "X-Huntkit-CSRF"
)

// pageCSP is the Content-Security-Policy of the workbench's own pages: scripts and styles
// only from the server itself, no inline script, fetches only to the server, frames only
// from the server, and the page itself never framed by another site.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// viewCSP is the policy of result views (vis pages with inline scripts and styles): they
// run in a sandbox with an opaque origin, so they cannot call the workbench's API or read
// its cookies, and they may fetch nothing at all.
const viewCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; " +
	"font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-scripts allow-downloads"

// secure wraps next with the access-token check (when a token is set), the Host check
// (loopback servers answer only to loopback host names, against DNS rebinding), the CSRF
// check of every state-changing request and the security headers. No CORS header is ever
// set, so other origins cannot read any answer.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Content-Security-Policy", pageCSP)
		if s.opts.Token == "" && !loopbackHost(r.Host) {
			s.logf("refused %s %s: Host %q is not a loopback name", r.Method, r.URL.Path, r.Host)
			http.Error(w, "workbench: this server answers only to 127.0.0.1, localhost and [::1]", http.StatusForbidden)
			return
		}
		if s.opts.Token != "" && !s.authorised(w, r) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if why := s.csrfFault(r); why != "" {
				s.logf("refused %s %s: %s", r.Method, r.URL.Path, why)
				http.Error(w, "workbench: "+why, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authorised checks the access token: the cookie, or ?token= on a page visit, which sets
// the cookie and redirects to the same address without the token (so it leaves the address
// bar and history).
func (s *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	if c, err := r.Cookie(tokenCookie); err == nil && equal(c.Value, s.opts.Token) {
		return true
	}
	if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && equal(q, s.opts.Token) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.opts.Token, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		u := *r.URL
		v := u.Query()
		v.Del("token")
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	s.logf("refused %s %s from %s: no valid access token", r.Method, r.URL.Path, r.RemoteAddr)
	http.Error(w, "workbench: access token required (open the address printed when the workbench started)", http.StatusUnauthorized)
	return false
}

// csrfFault returns why a state-changing request is refused, or "".
func (s *Server) csrfFault(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return "cross-origin request refused (Origin " + o + ")"
		}
	} else if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "cross-site request refused"
	}
	if !equal(r.Header.Get(csrfHeader), s.csrf) {
		return "missing or wrong CSRF token (reload the page)"
	}
	return ""
}

// equal compares secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// loopbackHost reports whether a Host header names this machine by a loopback name.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return IsLoopback(strings.ToLower(host))
}
