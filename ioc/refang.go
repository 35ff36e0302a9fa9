package ioc

import (
	"strings"
)

// defang markers recognised inside brackets, parentheses or braces (case-insensitive).
// Each maps to its refanged text.
var bracketMarkers = []struct{ in, out string }{
	{"://", "://"}, {":/", ":/"}, {".", "."}, {"dot", "."}, {":", ":"}, {"at", "@"}, {"@", "@"},
	{"/", "/"},
}

func closing(b byte) byte {
	switch b {
	case '[':
		return ']'
	case '(':
		return ')'
	case '{':
		return '}'
	}
	return 0
}

// markerAt reports whether s[i] opens a defang marker; it returns the marker's length in s
// (including absorbed single spaces around word markers such as " [dot] ") and the
// replacement text, and how many bytes before i were absorbed.
func markerAt(s string, i int) (n int, out string, back int) {
	cl := closing(s[i])
	if cl == 0 {
		return 0, "", 0
	}
	for _, m := range bracketMarkers {
		e := i + 1 + len(m.in)
		if e < len(s) && s[e] == cl && strings.EqualFold(s[i+1:e], m.in) {
			n = e + 1 - i
			// " [dot] " and " (at) " are written with spaces around.
			if (m.in == "dot" || m.in == "at") && i > 0 && s[i-1] == ' ' && e+1 < len(s) && s[e+1] == ' ' {
				return n + 1, m.out, 1
			}
			return n, m.out, 0
		}
	}
	return 0, "", 0
}

// schemeDefang reports whether a defanged scheme (hxxp, hxxps, hXXp, fxp, fxps) starts at
// s[i] and is followed by ':' or a bracketed colon; it returns its length and the refanged
// scheme.
func schemeDefang(s string, i int) (int, string) {
	if i > 0 && cls[s[i-1]]&(cLower|cUpper|cDigit) != 0 {
		return 0, ""
	}
	rest := s[i:]
	var n int
	var out string
	switch {
	case len(rest) >= 5 && (rest[0] == 'h' || rest[0] == 'H') && eqX(rest[1]) && eqX(rest[2]) && (rest[3] == 'p' || rest[3] == 'P') && (rest[4] == 's' || rest[4] == 'S'):
		n, out = 5, "https"
	case len(rest) >= 4 && (rest[0] == 'h' || rest[0] == 'H') && eqX(rest[1]) && eqX(rest[2]) && (rest[3] == 'p' || rest[3] == 'P'):
		n, out = 4, "http"
	case len(rest) >= 4 && (rest[0] == 'f' || rest[0] == 'F') && eqX(rest[1]) && (rest[2] == 'p' || rest[2] == 'P') && (rest[3] == 's' || rest[3] == 'S'):
		n, out = 4, "ftps"
	case len(rest) >= 3 && (rest[0] == 'f' || rest[0] == 'F') && eqX(rest[1]) && (rest[2] == 'p' || rest[2] == 'P'):
		n, out = 3, "ftp"
	default:
		return 0, ""
	}
	if i+n < len(s) && (s[i+n] == ':' || (closing(s[i+n]) != 0 && i+n+1 < len(s) && s[i+n+1] == ':')) {
		return n, out
	}
	// percent-encoded, as in a redirect parameter: hxxp%3A%2F%2F
	if i+n+3 <= len(s) && s[i+n] == '%' && s[i+n+1] == '3' && (s[i+n+2] == 'A' || s[i+n+2] == 'a') {
		return n, out
	}
	return 0, ""
}

func eqX(b byte) bool { return b == 'x' || b == 'X' }

// Refang turns defanged text back into its usable form: hxxp/hXXps/fxp schemes become
// http/https/ftp, and [.], (.), {.}, [dot], (dot), [:], [://], [at], [@] become '.', ':',
// "://" and '@'. Text without defang markers is returned unchanged.
func Refang(s string) string {
	out, _ := refangMap(s, false)
	return out
}

// refangMap refangs s; with withMap it also returns, for every byte of the output plus one
// past the end, the offset in s it comes from.
func refangMap(s string, withMap bool) (string, []int32) {
	var b strings.Builder
	var m []int32
	changed := false
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '[' || c == '(' || c == '{' {
			if n, out, back := markerAt(s, i); n > 0 {
				if !changed {
					b.Grow(len(s))
					changed = true
				}
				if i-back < last {
					back = 0 // the space before was taken by the previous marker
				}
				start := i - back
				b.WriteString(s[last:start])
				if withMap {
					for k := last; k < start; k++ {
						m = append(m, int32(k))
					}
					for range out {
						m = append(m, int32(start))
					}
				}
				b.WriteString(out)
				i += n
				last = i
				continue
			}
		}
		if c == 'h' || c == 'H' || c == 'f' || c == 'F' {
			if n, out := schemeDefang(s, i); n > 0 {
				if !changed {
					b.Grow(len(s))
					changed = true
				}
				b.WriteString(s[last:i])
				if withMap {
					for k := last; k < i; k++ {
						m = append(m, int32(k))
					}
					for k := range out {
						// map the scheme byte by byte; the refanged scheme may be shorter
						if k < n {
							m = append(m, int32(i+k))
						} else {
							m = append(m, int32(i+n-1))
						}
					}
				}
				b.WriteString(out)
				i += n
				last = i
				continue
			}
		}
		i++
	}
	if !changed {
		return s, nil
	}
	b.WriteString(s[last:])
	if withMap {
		for k := last; k < len(s); k++ {
			m = append(m, int32(k))
		}
		m = append(m, int32(len(s)))
	}
	return b.String(), m
}

// Defang returns the SafeIoc form of an indicator, safe to paste into reports and chats:
// URL schemes become hxxp/hxxps/fxp, dots in domains, hosts and IPv4 addresses become
// "[.]", '@' in e-mail addresses becomes "[@]". Hashes and paths are returned unchanged.
// The value is refanged first, so Defang is idempotent.
func Defang(value string, t Type) string {
	v := Refang(value)
	switch t {
	case DNS, IPv4:
		return strings.ReplaceAll(v, ".", "[.]")
	case IPv6:
		return strings.ReplaceAll(v, ":", "[:]")
	case Email:
		at := strings.LastIndexByte(v, '@')
		if at < 0 {
			return strings.ReplaceAll(v, ".", "[.]")
		}
		return v[:at] + "[@]" + strings.ReplaceAll(v[at+1:], ".", "[.]")
	case URL:
		sep := strings.Index(v, "://")
		if sep < 0 {
			return strings.ReplaceAll(v, ".", "[.]")
		}
		scheme := strings.ToLower(v[:sep])
		switch scheme {
		case "http":
			scheme = "hxxp"
		case "https":
			scheme = "hxxps"
		case "ftp":
			scheme = "fxp"
		case "ftps":
			scheme = "fxps"
		}
		rest := v[sep+3:]
		hostEnd := strings.IndexAny(rest, "/?#")
		if hostEnd < 0 {
			hostEnd = len(rest)
		}
		return scheme + "[://]" + strings.ReplaceAll(rest[:hostEnd], ".", "[.]") + rest[hostEnd:]
	}
	return v
}

// DefangText returns text with every URL, domain, IP address and e-mail address replaced by
// its SafeIoc form (see Defang); hashes and paths are left as they are. Already defanged
// indicators are defanged consistently.
func DefangText(text string, opts ...Option) string {
	opts = append(opts, WithURLHosts(false), WithTypes(URL, DNS, IPv4, IPv6, Email))
	ms := Extract(text, opts...)
	if len(ms) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(ms)*8)
	last := 0
	for _, m := range ms {
		if m.Start < last {
			continue
		}
		b.WriteString(text[last:m.Start])
		b.WriteString(Defang(m.Value, m.Type))
		last = m.End
	}
	b.WriteString(text[last:])
	return b.String()
}
