package ioc

import (
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// scanner finds indicators in one text. It walks the text once, line by line; a line with
// defang markers is refanged first (with an offset map back to the original).
type scanner struct {
	cfg  *config
	out  []Match
	line string               // text being scanned (refanged when omap != nil)
	off  int                  // offset of the original line in the whole text
	orig string               // original line when refanged
	omap []int32              // refanged offset -> original offset (len(line)+1 entries)
	uniq map[uniqKey]struct{} // when set, only the first match of each (type, value) is kept
	done [][]Match            // full blocks of earlier matches (see rotate)
}

const blockSize = 4096

// rotate moves a nearly full output block aside so that appends never copy the matches found
// so far (a 50 MB text holds close to a million matches).
func (sc *scanner) rotate() {
	if cap(sc.out)-len(sc.out) < 64 && len(sc.out) >= blockSize/2 {
		sc.done = append(sc.done, sc.out)
		sc.out = make([]Match, 0, blockSize)
	}
}

// result returns all matches in order.
func (sc *scanner) result() []Match {
	if len(sc.done) == 0 {
		return sc.out
	}
	n := len(sc.out)
	for _, b := range sc.done {
		n += len(b)
	}
	all := make([]Match, 0, n)
	for _, b := range sc.done {
		all = append(all, b...)
	}
	return append(all, sc.out...)
}

type uniqKey struct {
	t int8 // typeIndex: cheaper to hash and compare than the Type string
	v string
}

// dropFrom removes matches from index mark on (and forgets them in the dedup set).
func (sc *scanner) dropFrom(mark int) {
	if sc.uniq != nil {
		for _, m := range sc.out[mark:] {
			delete(sc.uniq, uniqKey{int8(typeIndex(m.Type)), m.Value})
		}
	}
	sc.out = sc.out[:mark]
}

// parallelMin is the text size from which Extract splits the work over the CPUs.
const parallelMin = 4 << 20

// Extract returns every indicator in text, in order of position, refanged, with the larger
// match winning where matches overlap (a URL's host is reported in addition to the URL
// unless WithURLHosts(false)). Use Unique to keep one match per (type, value).
func Extract(text string, opts ...Option) []Match {
	cfg := newConfig(opts)
	if len(text) >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		return extractParallel(text, cfg, false)
	}
	sc := scanner{cfg: cfg}
	sc.scanText(text, 0)
	return sc.result()
}

// ExtractUnique returns the first match of each distinct (type, value) in text, in order of
// position. It gives the same result as Unique(Extract(text)) with far less memory on large
// texts, deduplicating while it scans.
func ExtractUnique(text string, opts ...Option) []Match {
	cfg := newConfig(opts)
	if len(text) >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		return Unique(extractParallel(text, cfg, true))
	}
	sc := scanner{cfg: cfg, uniq: map[uniqKey]struct{}{}}
	sc.scanText(text, 0)
	return sc.result()
}

// Unique keeps the first match of each (type, value) pair, preserving order.
func Unique(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	type key struct {
		t Type
		v string
	}
	seen := make(map[key]struct{}, len(ms))
	out := ms[:0:0]
	for _, m := range ms {
		k := key{m.Type, m.Value}
		if _, ok := seen[k]; ok {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, m)
	}
	return out
}

func extractParallel(text string, cfg *config, unique bool) []Match {
	workers := runtime.GOMAXPROCS(0)
	parts := workers * 4 // more parts than workers: a worker slowed down by others does not hold the rest
	chunk := len(text) / parts
	var bounds []int
	bounds = append(bounds, 0)
	for p := 1; p < parts; p++ {
		at := p * chunk
		if at <= bounds[len(bounds)-1] {
			continue
		}
		nl := strings.IndexByte(text[at:], '\n')
		if nl < 0 {
			break
		}
		bounds = append(bounds, at+nl+1)
	}
	bounds = append(bounds, len(text))
	results := make([][]Match, len(bounds)-1)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sc := scanner{cfg: cfg}
				if unique {
					sc.uniq = map[uniqKey]struct{}{}
				}
				sc.scanText(text[bounds[i]:bounds[i+1]], bounds[i])
				results[i] = sc.result()
			}
		}()
	}
	for i := range results {
		next <- i
	}
	close(next)
	wg.Wait()
	n := 0
	for _, r := range results {
		n += len(r)
	}
	out := make([]Match, 0, n)
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// scanText scans text line by line; base is the offset of text in the caller's text.
func (sc *scanner) scanText(text string, base int) {
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if sc.done != nil || len(sc.out) >= blockSize/2 {
			sc.rotate()
		}
		sc.line, sc.orig, sc.omap = line, "", nil
		sc.off = base + start
		mark := len(sc.out)
		if !sc.scanLine() {
			// The line holds defang markers: drop what was found and scan it refanged.
			sc.dropFrom(mark)
			ref, m := refangMap(line, true)
			sc.line, sc.orig, sc.omap = ref, line, m
			sc.scanLine()
		}
		start = end + 1
	}
}

// emit records a match for line[a:b].
func (sc *scanner) emit(t Type, a, b int, value, scope string) {
	ti := typeIndex(t)
	if !sc.cfg.types[ti] {
		return
	}
	if scope != "" && !sc.cfg.private && scope != ScopePublic {
		return
	}
	if sc.cfg.deny != nil && sc.denied(t, value) {
		return
	}
	if sc.uniq != nil {
		k := uniqKey{int8(ti), value}
		if _, dup := sc.uniq[k]; dup {
			return
		}
		sc.uniq[k] = struct{}{}
	}
	m := Match{Type: t, Value: value, Scope: scope}
	if sc.omap == nil {
		m.Raw = sc.line[a:b]
		m.Start, m.End = sc.off+a, sc.off+b
	} else {
		oa, ob := int(sc.omap[a]), int(sc.omap[b])
		m.Raw = sc.orig[oa:ob]
		m.Start, m.End = sc.off+oa, sc.off+ob
	}
	sc.out = append(sc.out, m)
}

// denied applies the deny list to a value (hosts of URLs and e-mails included).
func (sc *scanner) denied(t Type, value string) bool {
	v := strings.ToLower(value)
	if sc.cfg.deny[v] {
		return true
	}
	host := ""
	switch t {
	case DNS:
		host = v
	case Email:
		host = v[strings.LastIndexByte(v, '@')+1:]
	case URL:
		if i := strings.Index(v, "://"); i >= 0 {
			h := v[i+3:]
			if j := strings.IndexAny(h, "/?#"); j >= 0 {
				h = h[:j]
			}
			if j := strings.LastIndexByte(h, '@'); j >= 0 {
				h = h[j+1:]
			}
			if strings.HasPrefix(h, "[") {
				if j := strings.IndexByte(h, ']'); j > 0 {
					h = h[1:j]
				}
			} else if j := strings.LastIndexByte(h, ':'); j >= 0 {
				h = h[:j]
			}
			host = h
		}
	}
	if host == "" {
		return false
	}
	if sc.cfg.deny[host] {
		return true
	}
	for _, d := range sc.cfg.denyDomains {
		if strings.HasSuffix(host, d) && len(host) > len(d) && host[len(host)-len(d)-1] == '.' {
			return true
		}
	}
	return false
}

// boundaryBefore reports whether position i starts a token for path purposes.
func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	if cls[c]&(cWord|cHigh) != 0 {
		return false
	}
	switch c {
	case '/', '\\', ':', '%', '~', '+', '$', '@', '#':
		return false
	}
	return true
}

// letterScript reports whether the rune adjacent to an ASCII token is a letter of a script
// written with spaces between words (so the token is part of a longer word).
func glued(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai)
}

// gluedAround reports whether the token line[a:b] touches a letter of a spaced script.
func (sc *scanner) gluedAround(a, b int) bool {
	s := sc.line
	if a > 0 && s[a-1] >= 0x80 {
		r, _ := utf8.DecodeLastRuneInString(s[:a])
		if glued(r) {
			return true
		}
	}
	if b < len(s) && s[b] >= 0x80 {
		r, _ := utf8.DecodeRuneInString(s[b:])
		if glued(r) {
			return true
		}
	}
	return false
}

// scanLine scans sc.line. It returns false, having stopped early, when the line is not yet
// refanged and holds a defang marker.
func (sc *scanner) scanLine() bool {
	s := sc.line
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		k := cls[c]
		if k&cWord == 0 {
			switch c {
			case '[', '(', '{':
				if sc.omap == nil {
					if m, _, _ := markerAt(s, i); m > 0 {
						return false
					}
				}
			case '/':
				if i+1 < n && cls[s[i+1]]&cLx != 0 && boundaryBefore(s, i) {
					if e := sc.linuxPath(i); e > i {
						i = e
						continue
					}
				}
			case '\\':
				if i+2 < n && s[i+1] == '\\' && cls[s[i+2]]&cHost != 0 && boundaryBefore(s, i) {
					if e := sc.uncPath(i); e > i {
						i = e
						continue
					}
				}
			case ':':
				if i+2 < n && s[i+1] == ':' && isHexByte(s[i+2]) && (i == 0 || cls[s[i-1]]&cWord == 0 && s[i-1] != ':') {
					if e := sc.ipv6(i); e > i {
						i = e
						continue
					}
				}
			}
			i++
			continue
		}
		// A word-like token: letters, digits, '.', '-', '_'.
		j := i + 1
		agg := k
		for j < n {
			kj := cls[s[j]]
			if kj&cWord == 0 {
				break
			}
			agg |= kj
			j++
		}
		e := sc.token(i, j, agg)
		if e > j {
			i = e
		} else {
			i = j
		}
	}
	return true
}

// token evaluates the word-like token line[i:j]; it returns the end of a match that extends
// past j (a URL, e-mail address, path or IPv6 address), else j or less.
func (sc *scanner) token(i, j int, agg uint16) int {
	s := sc.line
	n := len(s)
	if j < n {
		switch s[j] {
		case '@':
			if e := sc.email(i, j); e > 0 {
				return e
			}
		case ':':
			if j+2 < n && s[j+1] == '/' && s[j+2] == '/' {
				if e := sc.url(i, j); e > 0 {
					return e
				}
			}
			if j-i == 1 && agg&(cLower|cUpper) != 0 && j+1 < n && s[j+1] == '\\' {
				if e := sc.winPath(i); e > 0 {
					return e
				}
			}
			if agg&(cDot|cDash) == 0 && j-i <= 4 && isHexRun(s[i:j]) {
				if e := sc.ipv6(i); e > 0 {
					return e
				}
			}
		}
	}
	if agg&cDot != 0 {
		if sc.dotted(i, j, agg) {
			return j
		}
	}
	if j-i >= 32 {
		sc.hashes(i, j)
	}
	return j
}

func isHexRun(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

// dotted handles a token containing '.': an IPv4 address or a domain name.
func (sc *scanner) dotted(i, j int, agg uint16) bool {
	s := sc.line
	a, b := i, j
	for a < b && (s[a] == '.' || s[a] == '-' || s[a] == '_') {
		a++
	}
	for b > a && (s[b-1] == '.' || s[b-1] == '-' || s[b-1] == '_') {
		b--
	}
	if b-a < 4 {
		return false
	}
	tok := s[a:b]
	if agg&(cLower|cUpper|cDash) == 0 {
		// digits and dots only
		addr, ok := parseIPv4(tok)
		if !ok || sc.versionContext(i) {
			return false
		}
		if (a > 0 && s[a-1] >= 0x80 || b < len(s) && s[b] >= 0x80) && sc.gluedAround(a, b) {
			return false
		}
		sc.emit(IPv4, a, b, tok, IPScope(addr))
		return true
	}
	if agg&(cLower|cUpper) == 0 {
		// digits, dots and dashes: an IP range "10.0.0.1-10.0.0.9"
		return sc.splitDashes(a, b)
	}
	if b < len(s) && s[b] == '(' {
		return false // a method call: obj.method.name(
	}
	if (a > 0 && s[a-1] >= 0x80 || b < len(s) && s[b] >= 0x80) && sc.gluedAround(a, b) {
		return false
	}
	if d, ok := sc.cfg.checkDomain(tok); ok {
		sc.emit(DNS, a, b, d, "")
		return true
	}
	if agg&cDash != 0 && strings.IndexByte(tok, '-') >= 0 {
		return sc.splitDashes(a, b)
	}
	return false
}

// splitDashes evaluates the dash-separated parts of a token on their own.
func (sc *scanner) splitDashes(a, b int) bool {
	s := sc.line
	found := false
	for p := a; p < b; {
		q := strings.IndexByte(s[p:b], '-')
		if q < 0 {
			q = b
		} else {
			q += p
		}
		if q-p >= 7 && strings.IndexByte(s[p:q], '.') >= 0 {
			part := s[p:q]
			if addr, ok := parseIPv4(part); ok {
				sc.emit(IPv4, p, q, part, IPScope(addr))
				found = true
			}
		}
		p = q + 1
	}
	return found
}

// versionContext reports whether the token at i follows a word such as "version" or "build"
// (so "version 1.2.3.4" is not an address).
func (sc *scanner) versionContext(i int) bool {
	s := sc.line
	p := i
	for p > 0 && (s[p-1] == ' ' || s[p-1] == ':' || s[p-1] == '=' || s[p-1] == '\t') {
		p--
	}
	if p == i && i > 0 {
		return false
	}
	q := p
	for q > 0 && cls[s[q-1]]&(cLower|cUpper) != 0 {
		q--
	}
	w := s[q:p]
	if len(w) == 0 || len(w) > 12 {
		return false
	}
	switch strings.ToLower(w) {
	case "version", "ver", "v", "build", "release", "firmware", "fw", "rev", "revision", "versions", "patch", "kb":
		return true
	}
	return false
}

// hashes reports hex runs of exactly 32, 40 or 64 digits inside line[i:j], bounded by the
// token's ends or by '.', '-', '_' (a hash in "name-<sha256>.bin").
func (sc *scanner) hashes(i, j int) {
	s := sc.line
	for p := i; p < j; {
		q := p
		letters, upper := false, false
		for q < j {
			k := cls[s[q]]
			if k&(cDigit|cHexL) == 0 {
				break
			}
			if k&cHexL != 0 {
				letters = true
				upper = upper || k&cUpper != 0
			}
			q++
		}
		if q == j || cls[s[q]]&(cDot|cDash) != 0 {
			if (p == i || cls[s[p-1]]&(cDot|cDash) != 0) && letters {
				var t Type
				switch q - p {
				case 32:
					t = MD5
				case 40:
					t = SHA1
				case 64:
					t = SHA256
				}
				if t != "" && !hexEncodedText(s[p:q]) {
					v := s[p:q]
					if upper {
						v = strings.ToLower(v)
					}
					sc.emit(t, p, q, v, "")
				}
			}
		}
		// skip to the next piece
		for q < j && cls[s[q]]&(cDot|cDash) == 0 {
			q++
		}
		p = q + 1
	}
}

// hexEncodedText reports whether a hex run decodes to printable ASCII (or NUL-separated
// strings, as auditd's proctitle): such a run is encoded text, not a hash. A random digest
// passes this test with a probability under 1e-6.
func hexEncodedText(h string) bool {
	odd := 0
	for i := 0; i+1 < len(h); i += 2 {
		b := unhex(h[i])<<4 | unhex(h[i+1])
		if b != 0 && (b < 0x20 || b > 0x7e) {
			odd++
			if odd > 1 {
				return false
			}
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// email handles line[i:at] followed by '@'.
func (sc *scanner) email(i, at int) int {
	s := sc.line
	n := len(s)
	a := i
	for a > 0 && (cls[s[a-1]]&cWord != 0 || s[a-1] == '+' || s[a-1] == '%') {
		a--
	}
	local := s[a:at]
	if len(local) == 0 || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return 0
	}
	d0 := at + 1
	d1 := d0
	for d1 < n && cls[s[d1]]&cHost != 0 {
		d1++
	}
	for d1 > d0 && (s[d1-1] == '.' || s[d1-1] == '-') {
		d1--
	}
	if d1 == d0 {
		return 0
	}
	if d1 < n && s[d1] >= 0x80 && sc.gluedAround(a, d1) {
		return 0
	}
	dom, ok := sc.cfg.checkDomain(s[d0:d1])
	if !ok {
		return 0
	}
	v := s[a:d1]
	if dom != s[d0:d1] {
		v = s[a:d0] + dom
	}
	sc.emit(Email, a, d1, v, "")
	return d1
}

var schemes = map[string]string{
	"http": "http", "https": "https", "ftp": "ftp", "ftps": "ftps", "sftp": "sftp",
	"file": "file", "ldap": "ldap", "ldaps": "ldaps", "smb": "smb", "ssh": "ssh",
	"telnet": "telnet", "rdp": "rdp", "ws": "ws", "wss": "wss", "tftp": "tftp",
	"irc": "irc", "git": "git", "svn": "svn", "s3": "s3", "nfs": "nfs", "rtsp": "rtsp",
	"tcp": "tcp", "udp": "udp",
	"hxxp": "http", "hxxps": "https", "fxp": "ftp", "fxps": "ftps", "hxxxp": "http",
	"hxxxps": "https", "sxxp": "sftp",
}

// url handles a scheme line[i:colon] followed by "://".
func (sc *scanner) url(i, colon int) int {
	s := sc.line
	n := len(s)
	if colon-i > 7 {
		// the scheme may be the tail of a longer token ("url=http" is split by '=', but
		// "xhttp" is not a scheme); only exact tokens are accepted.
		return 0
	}
	var buf [8]byte
	sch := buf[:0]
	for p := i; p < colon; p++ {
		c := s[p]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		sch = append(sch, c)
	}
	scheme, ok := schemes[string(sch)]
	if !ok {
		return 0
	}
	p := colon + 3
	// authority: [userinfo@]host[:port]
	h0 := p
	authEnd := p
	for authEnd < n {
		c := s[authEnd]
		if c == '/' || c == '?' || c == '#' || cls[c]&cURL == 0 {
			break
		}
		authEnd++
	}
	if at := strings.LastIndexByte(s[p:authEnd], '@'); at >= 0 {
		h0 = p + at + 1
	}
	var h1, hA, hB int
	hostType := Type("")
	hostVal := ""
	scope := ""
	if h0 < n && s[h0] == '[' {
		cl := strings.IndexByte(s[h0:authEnd], ']')
		if cl < 0 {
			return 0
		}
		lit := s[h0+1 : h0+cl]
		addr, err := netip.ParseAddr(strings.Replace(lit, "%25", "%", 1))
		if err != nil || !addr.Is6() {
			return 0
		}
		hostType, hostVal, scope = IPv6, canonical6(lit, addr), IPScope(addr)
		h1 = h0 + cl + 1
		hA, hB = h0+1, h0+cl
	} else if end, d, ok := sc.idnHost(h0); ok {
		// An internationalised host ("münchen.de") is reported as its A-label
		// ("xn--mnchen-3ya.de").
		hA, hB, h1 = h0, end, end
		hostType, hostVal = DNS, d
	} else {
		h1 = h0
		for h1 < authEnd && cls[s[h1]]&cHost != 0 {
			h1++
		}
		if h1 < n && s[h1] >= utf8.RuneSelf {
			if r, _ := utf8.DecodeRuneInString(s[h1:]); unicode.IsLetter(r) || unicode.IsMark(r) {
				return 0 // a host cut short by a letter idnHost did not take
			}
		}
		for h1 > h0 && (s[h1-1] == '.' || s[h1-1] == '-') {
			h1--
		}
		host := s[h0:h1]
		hA, hB = h0, h1
		switch {
		case host == "":
			if scheme != "file" {
				return 0
			}
		case isDigitsDots(host):
			addr, ok := parseIPv4(host)
			if !ok {
				return 0
			}
			hostType, hostVal, scope = IPv4, host, IPScope(addr)
		default:
			if d, ok := sc.cfg.checkDomain(host); ok {
				hostType, hostVal = DNS, d
			} else if !plainHost(host) {
				return 0
			}
		}
	}
	// port
	e := h1
	if e < n && s[e] == ':' {
		q := e + 1
		for q < n && s[q] >= '0' && s[q] <= '9' {
			q++
		}
		if q > e+1 {
			e = q
		}
	}
	// path, query, fragment
	if e < n && (s[e] == '/' || s[e] == '?' || s[e] == '#') {
		for e < n && cls[s[e]]&cURL != 0 {
			e++
		}
	}
	e = trimURLEnd(s, colon, e)
	if e <= h0 && scheme != "file" {
		return 0
	}
	v := s[i:e]
	if scheme != string(sch) || colon-i != len(scheme) || sch[0] != s[i] {
		v = scheme + s[colon:e]
	}
	if strings.Contains(v[len(scheme):], "p%3") || strings.Contains(v[len(scheme):], "P%3") {
		v = Refang(v) // a defanged URL inside a redirect parameter
	}
	sc.emitURL(i, e, v, scope)
	if sc.cfg.hostsFromURL && hostType != "" {
		sc.emit(hostType, hA, hB, hostVal, scope)
	}
	if strings.IndexByte(s[h1:e], '%') >= 0 {
		sc.innerURLs(h1, e)
	}
	return e
}

// innerURLs reports the percent-encoded URLs inside a URL (redirect parameters such as
// "?u=http%3A%2F%2Fevil.com%2Fx"), decoded, with the encoded text as Raw.
func (sc *scanner) innerURLs(from, to int) {
	s := sc.line
	for p := from; p < to; {
		k := indexFold(s[p:to], "%3a%2f%2f")
		if k < 0 {
			return
		}
		k += p
		a := k
		for a > from && cls[s[a-1]]&(cLower|cUpper) != 0 {
			a--
		}
		b := k + 9
		for b < to && s[b] != '&' && s[b] != '#' && s[b] != ';' {
			b++
		}
		if a < k {
			if dec, err := url.QueryUnescape(s[a:b]); err == nil {
				inner := scanner{cfg: sc.cfg}
				inner.line = dec
				inner.scanLine()
				for _, m := range inner.out {
					if m.Type == URL && m.Start == 0 {
						sc.emit(URL, a, b, m.Value, "")
					} else if m.Type != URL && sc.cfg.hostsFromURL {
						sc.emit(m.Type, a, b, m.Value, m.Scope)
					}
				}
			}
		}
		p = b
	}
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring case.
func indexFold(s, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if strings.EqualFold(s[i:i+n], needle) {
			return i
		}
	}
	return -1
}

func (sc *scanner) emitURL(a, b int, v, scope string) {
	// The URL carries the scope of an IP host so that private-IP filtering applies to it too.
	if scope != "" && !sc.cfg.private && scope != ScopePublic {
		return
	}
	sc.emit(URL, a, b, v, "")
}

func isDigitsDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// plainHost accepts a single-label or intranet host name in a URL ("http://intranet/").
func plainHost(h string) bool {
	if len(h) == 0 || len(h) > 253 || h[0] == '-' || h[0] == '.' {
		return false
	}
	letters := false
	for i := 0; i < len(h); i++ {
		if cls[h[i]]&(cLower|cUpper) != 0 {
			letters = true
		}
	}
	return letters
}

// trimURLEnd drops trailing punctuation that usually ends a sentence rather than a URL, and
// closing brackets without a matching opening one inside the URL.
func trimURLEnd(s string, start, e int) int {
	for e > start {
		c := s[e-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '*', '\'':
			e--
			continue
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			seg := s[start:e]
			if strings.Count(seg, string(open)) < strings.Count(seg, string(c)) {
				e--
				continue
			}
		}
		break
	}
	return e
}

// ipv6 tries an IPv6 address starting at i (hex digits or "::").
func (sc *scanner) ipv6(i int) int {
	s := sc.line
	n := len(s)
	e := i
	colons, hexd := 0, 0
	for e < n {
		c := s[e]
		if c == ':' {
			colons++
		} else if isHexByte(c) {
			hexd++
		} else if c != '.' {
			break
		}
		e++
	}
	if colons < 2 {
		return 0
	}
	for e > i && (s[e-1] == '.' || s[e-1] == ':' && !(e-2 >= i && s[e-2] == ':')) {
		if s[e-1] == ':' {
			colons--
		}
		e--
	}
	if colons < 2 || hexd < 1 {
		return 0
	}
	// zone id
	z := e
	if z+1 < n && s[z] == '%' && cls[s[z+1]]&(cLower|cUpper|cDigit) != 0 {
		z++
		for z < n && cls[s[z]]&(cLower|cUpper|cDigit|cDash) != 0 {
			z++
		}
	}
	if z < n && (cls[s[z]]&(cLower|cUpper|cDigit) != 0) {
		return 0 // glued to a word: not an address
	}
	cand := s[i:z]
	addr, err := netip.ParseAddr(cand)
	if err != nil || !addr.Is6() {
		if z != e {
			cand = s[i:e]
			addr, err = netip.ParseAddr(cand)
			z = e
		}
		if err != nil || !addr.Is6() {
			return 0
		}
	}
	if hexd < 3 && cand != "::1" && addr.Unmap() == addr {
		return 0 // "a::b" style words
	}
	sc.emit(IPv6, i, z, canonical6(cand, addr), IPScope(addr))
	return z
}

// canonical6 returns the text of an IPv6 address written as s: its RFC 5952 form
// (lower case, zeros compressed, zone kept) so that one address written two ways is one
// indicator; a form with an embedded IPv4 address ("64:ff9b::192.0.2.33") stays as written,
// in lower case, for the IPv4 part to remain readable. An IPv4-mapped address is always
// written ::ffff:a.b.c.d (RFC 5952 section 5).
func canonical6(s string, addr netip.Addr) string {
	if strings.IndexByte(s, '.') < 0 || addr.Is4In6() {
		// RFC 5952 section 5: an IPv4-mapped address is written ::ffff:a.b.c.d, however it
		// was written ("::ffff:0:0" is "::ffff:0.0.0.0").
		return addr.String()
	}
	return strings.ToLower(s)
}

// linuxPath handles '/' at a token boundary: at least two non-empty segments.
func (sc *scanner) linuxPath(i int) int {
	s := sc.line
	n := len(s)
	p := i
	segs := 0
	end := i
	for p < n && s[p] == '/' {
		q := p + 1
		for q < n && cls[s[q]]&cLx != 0 {
			q++
		}
		if q == p+1 {
			if segs > 0 && (q >= n || cls[s[q]]&cLx == 0) {
				end = q // trailing slash of a directory
			}
			break
		}
		segs++
		end = q
		p = q
	}
	for end > i && (s[end-1] == '.' || s[end-1] == '%' || s[end-1] == '#') {
		end--
	}
	if segs < 2 || base64Run(s, i, end) {
		return 0
	}
	sc.emit(LinuxPath, i, end, s[i:end], "")
	return end
}

// base64Run reports whether the path s[i:end] is a piece of base64 text rather than a path
// (a line of wrapped base64 that starts with '/'): the run of base64 characters around it is
// long, and most of its bytes are in segments that look random (upper and lower case letters
// and digits mixed, no '.', '-' or '_' as names have), or one segment does and the run holds
// '+' or '='.
func base64Run(s string, i, end int) bool {
	e := end
	for e < len(s) && isBase64Byte(s[e]) {
		e++
	}
	if e-i < 24 {
		return false
	}
	run := s[i:e]
	for k := 0; k < len(run); k++ {
		if !isBase64Byte(run[k]) {
			return false
		}
	}
	random := 0 // bytes in random-looking segments
	for _, seg := range strings.Split(run, "/") {
		if randomSegment(seg) {
			random += len(seg)
		}
	}
	return random > 0 && (random*2 >= len(run) || strings.ContainsAny(run, "+="))
}

func isBase64Byte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// randomSegment reports whether a path segment looks like random base64: at least 8 bytes
// mixing at least two upper-case letters, two lower-case letters and a digit.
func randomSegment(seg string) bool {
	if len(seg) < 8 {
		return false
	}
	up, low, dig := 0, 0, 0
	for k := 0; k < len(seg); k++ {
		switch c := seg[k]; {
		case c >= 'A' && c <= 'Z':
			up++
		case c >= 'a' && c <= 'z':
			low++
		case c >= '0' && c <= '9':
			dig++
		}
	}
	return up >= 2 && low >= 2 && dig >= 1
}

// winPath handles a drive path "X:\...".
func (sc *scanner) winPath(i int) int {
	s := sc.line
	end := sc.winSegments(i+3, sc.closingQuote(i))
	if end <= i+3 {
		return 0
	}
	sc.emit(WindowsPath, i, end, s[i:end], "")
	return end
}

// uncPath handles "\\host\share\...".
func (sc *scanner) uncPath(i int) int {
	s := sc.line
	n := len(s)
	h0 := i + 2
	h1 := h0
	for h1 < n && cls[s[h1]]&cHost != 0 {
		h1++
	}
	if h1 == h0 || h1 >= n || s[h1] != '\\' {
		return 0
	}
	end := sc.winSegments(h1+1, sc.closingQuote(i))
	if end <= h1+1 {
		return 0
	}
	sc.emit(WindowsPath, i, end, s[i:end], "")
	if sc.cfg.hostsFromURL {
		host := s[h0:h1]
		if isDigitsDots(host) {
			if addr, ok := parseIPv4(host); ok {
				sc.emit(IPv4, h0, h1, host, IPScope(addr))
			}
		} else if d, ok := sc.cfg.checkDomain(host); ok {
			sc.emit(DNS, h0, h1, d, "")
		}
	}
	return end
}

// closingQuote returns the index of the '"' closing a path that starts at i right after an
// opening '"', or -1.
func (sc *scanner) closingQuote(i int) int {
	s := sc.line
	if i == 0 || s[i-1] != '"' {
		return -1
	}
	q := strings.IndexByte(s[i:], '"')
	if q < 0 {
		return -1
	}
	return i + q
}

// winSegments parses Windows path segments from p (just after a backslash) and returns the
// end of the path. Inner segments (followed by '\') may hold single spaces and parentheses,
// but not a file name followed by more words ("x.ps1 and %APPDATA%\..." is a file name and
// the start of another path). The last segment ends at a space or a character not allowed
// in file names, unless the path is quoted (quote >= 0 is the closing '"') and the quoted
// last segment is a file name with an extension ("Invoice 2023 (final).docm").
func (sc *scanner) winSegments(p, quote int) int {
	s := sc.line
	n := len(s)
	end := p
	for p < n {
		for p < n && s[p] == '\\' { // escaped "\\" separators in JSON-ish logs
			p++
		}
		r := p
		ok := true
		for r < n && s[r] != '\\' {
			c := s[r]
			if cls[c]&cWinIn == 0 || (c == ' ' && r+1 < n && s[r+1] == ' ') || (c == ' ' && fileNameEnd(s[p:r])) {
				ok = false
				break
			}
			r++
		}
		if ok && r < n && r > p && s[p] != ' ' && s[r-1] != ' ' {
			p = r + 1
			end = p
			continue
		}
		if quote > p && quotedFileName(s[p:quote]) {
			return quote
		}
		q := p
		for q < n && cls[s[q]]&cWinLast != 0 {
			q++
		}
		for q > p && s[q-1] == '.' {
			q--
		}
		if q > p {
			end = q
		}
		break
	}
	return end
}

// fileNameEnd reports whether seg ends with a file name with an extension: "name.ext" with
// an extension of 1-4 letters or digits holding a letter ("x.ps1", not "14.0").
func fileNameEnd(seg string) bool {
	dot := strings.LastIndexByte(seg, '.')
	if dot <= 0 || seg[dot-1] == ' ' || len(seg)-dot-1 < 1 || len(seg)-dot-1 > 4 {
		return false
	}
	letter := false
	for i := dot + 1; i < len(seg); i++ {
		k := cls[seg[i]]
		if k&(cLower|cUpper|cDigit) == 0 {
			return false
		}
		letter = letter || k&(cLower|cUpper) != 0
	}
	return letter
}

// quotedFileName reports whether seg, the last segment of a quoted path up to its closing
// quote, is one file name (allowed bytes, no separator) ending in an extension.
func quotedFileName(seg string) bool {
	if seg == "" || seg[0] == ' ' {
		return false
	}
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; c == '\\' || cls[c]&cWinIn == 0 {
			return false
		}
	}
	return fileNameEnd(seg)
}

// idnHost reads an internationalised host name at h0 (ASCII host bytes and Unicode letters,
// digits and marks, at least one of them non-ASCII) and returns its end and its validated
// A-label form ("xn--..."). A plain ASCII host returns false at once.
func (sc *scanner) idnHost(h0 int) (int, string, bool) {
	s := sc.line
	e := h0
	for e < len(s) && s[e] < utf8.RuneSelf && cls[s[e]]&cHost != 0 {
		e++
	}
	if e == len(s) || s[e] < utf8.RuneSelf {
		return 0, "", false
	}
	for e < len(s) {
		if c := s[e]; c < utf8.RuneSelf {
			if cls[c]&cHost == 0 {
				break
			}
			e++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[e:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			break
		}
		e += size
	}
	for e > h0 && (s[e-1] == '.' || s[e-1] == '-') {
		e--
	}
	a, err := idna.Lookup.ToASCII(s[h0:e])
	if err != nil || a == s[h0:e] {
		return 0, "", false
	}
	d, ok := sc.cfg.checkDomain(a)
	return e, d, ok
}
