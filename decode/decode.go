// Package decode finds encoded payloads in text and unpacks them recursively: base64
// (UTF-16LE PowerShell -EncodedCommand payloads detected by content), hex, gzip,
// zlib/deflate, zip and tar. Every decoded item carries its file type (by magic bytes), its
// text encoding and its MD5, SHA1 and SHA256 hashes; the input comes back with each decoded
// part replaced by a marker holding what it decoded to, in msticpy's style:
//
//	<decoded type='string' name='[base64]' index='1' depth='1'>IEX (New-Object ...)</decoded>
//
// Decoding is bounded: by depth, by total and per-item size, by item count and by
// compression ratio, so a zip bomb is refused with ErrRatio rather than filling memory.
//
// Items are the payloads themselves: a compressed stream or an archive is unwrapped and its
// content (or each member) is the item, with the chain of decodings in Item.Encoding
// ("base64>gzip", "base64>zip"). A content already unpacked earlier in the same input
// (same SHA256) is listed again where it occurs but not unpacked twice.
package decode

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors; limit errors are *LimitError values that match them with errors.Is.
var (
	ErrDepth   = errors.New("decode depth limit reached")
	ErrSize    = errors.New("decoded size limit reached")
	ErrRatio   = errors.New("compression ratio limit exceeded (possible decompression bomb)")
	ErrItems   = errors.New("decoded item limit reached")
	ErrCorrupt = errors.New("corrupt compressed data or archive")
)

// LimitError reports a payload refused or cut short by a limit or by corrupt data.
type LimitError struct {
	Ref    string // reference of the item concerned
	Name   string // archive member or stream name, when known
	Err    error  // one of the sentinel errors
	Detail string // e.g. "ratio 1031:1 over limit 100:1"
}

// Error names the item and what was exceeded.
func (e *LimitError) Error() string {
	where := "item " + e.Ref
	if e.Name != "" {
		where += " (" + e.Name + ")"
	}
	if e.Detail != "" {
		return fmt.Sprintf("decode %s: %s", where, e.Detail)
	}
	return fmt.Sprintf("decode %s: %v", where, e.Err)
}

// Unwrap returns the sentinel error.
func (e *LimitError) Unwrap() error { return e.Err }

// Item is one decoded payload.
type Item struct {
	Reference string // position in the decoding tree: "1", "1.2", "1.2.1"
	Depth     int    // number of components of Reference
	Encoding  string // chain of decodings from the encoded text: "base64", "hex>gzip", "base64>zip"
	Original  string // the encoded text the chain started from
	Start     int    // byte offset of Original in the text it was found in (its parent's text)
	End       int    // byte offset just past Original
	FileName  string // archive member or gzip stream name, when there is one
	FileType  string // by magic bytes: "text", "pe", "elf", "pdf", "zip", ... or "binary"
	Charset   string // "utf-8", "utf-16le", "utf-16be" or "binary"
	Size      int    // decoded size in bytes
	Data      []byte // decoded bytes
	Text      string // decoded text (with nested decodings marked) when Charset is not binary
	MD5       string
	SHA1      string
	SHA256    string
	SameAs    string // reference of an earlier item of this input with the same content (not unpacked again)
	Err       string // why this item was cut short or refused, if it was
}

// Result is what Decode returns.
type Result struct {
	Text   string  // the input with decoded parts replaced by <decoded ...> markers
	Items  []Item  // every decoded item, in depth-first order
	Errors []error // limits hit and corrupt data met (also on the items concerned)
}

// Options bound the work done on one input.
type options struct {
	maxDepth   int
	maxTotal   int
	maxItem    int
	maxRatio   int
	maxItems   int
	minB64     int
	minHex     int
	hexOn      bool
	showBinary int
}

// Option configures Decode.
type Option func(*options)

func defaults() options {
	return options{maxDepth: 10, maxTotal: 64 << 20, maxItem: 16 << 20, maxRatio: 200, maxItems: 1000,
		minB64: 16, minHex: 16, hexOn: true, showBinary: 256}
}

// WithMaxDepth sets the deepest nesting unpacked (default 10).
func WithMaxDepth(n int) Option { return func(o *options) { o.maxDepth = n } }

// WithMaxSize sets the limits on the total decoded bytes of one input (default 64 MiB) and
// on one item (default 16 MiB).
func WithMaxSize(total, item int) Option {
	return func(o *options) { o.maxTotal, o.maxItem = total, item }
}

// WithMaxRatio sets the largest accepted decompressed/compressed size ratio (default 200);
// outputs under 1 MiB are never refused for their ratio.
func WithMaxRatio(r int) Option { return func(o *options) { o.maxRatio = r } }

// WithMaxItems sets the most items decoded from one input (default 1000).
func WithMaxItems(n int) Option { return func(o *options) { o.maxItems = n } }

// WithMinLength sets the shortest base64 and hex runs considered (default 16 characters).
func WithMinLength(b64, hexLen int) Option {
	return func(o *options) { o.minB64, o.minHex = b64, hexLen }
}

// WithHex turns the decoding of hex runs on or off (default on).
func WithHex(on bool) Option { return func(o *options) { o.hexOn = on } }

// decoder holds the state for one input.
type decoder struct {
	o     options
	items []Item
	errs  []error
	total int
	seen  map[[32]byte]string
	stop  bool
	st    *state
}

// Decode finds encoded payloads in input and unpacks them recursively. The error is nil, or
// joins the limit and corruption errors met (each a *LimitError); the result is complete up
// to those points.
func Decode(input string, opts ...Option) (*Result, error) {
	o := defaults()
	for _, f := range opts {
		f(&o)
	}
	st, _ := statePool.Get().(*state)
	if st == nil {
		st = &state{}
	}
	defer statePool.Put(st)
	return decodeWith(input, o, st)
}

func decodeWith(input string, o options, st *state) (*Result, error) {
	d := &decoder{o: o, st: st}
	text := d.decodeText(input, "", 0)
	res := &Result{Text: text, Items: d.items, Errors: d.errs}
	return res, errors.Join(d.errs...)
}

// sentinelOf returns the sentinel error err wraps.
func sentinelOf(err error) error {
	for _, s := range []error{ErrRatio, ErrSize, ErrDepth, ErrItems, ErrCorrupt} {
		if errors.Is(err, s) {
			return s
		}
	}
	return ErrCorrupt
}

func (d *decoder) fail(ref, name string, err error, detail string) string {
	e := &LimitError{Ref: ref, Name: name, Err: err, Detail: detail}
	d.errs = append(d.errs, e)
	return e.Error()
}

func childRef(prefix string, n int) string {
	if prefix == "" {
		return strconv.Itoa(n)
	}
	return prefix + "." + strconv.Itoa(n)
}

// b64 alphabet and hex classes.
const (
	kB64 = 1 << iota
	kHex
	kUpper
	kLower
	kDigit
	kSym // + /
	kWS  // \r \n
)

var kcls [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		var k uint8
		switch {
		case b >= 'A' && b <= 'Z':
			k = kB64 | kUpper
			if b <= 'F' {
				k |= kHex
			}
		case b >= 'a' && b <= 'z':
			k = kB64 | kLower
			if b <= 'f' {
				k |= kHex
			}
		case b >= '0' && b <= '9':
			k = kB64 | kDigit | kHex
		case b == '+' || b == '/':
			k = kB64 | kSym
		case b == '\r' || b == '\n':
			k = kWS
		}
		kcls[c] = k
	}
}

// decodeText finds and decodes the candidates in s (found at depth depth, under prefix) and
// returns s with markers.
func (d *decoder) decodeText(s, prefix string, depth int) string {
	var out strings.Builder
	last := 0
	idx := 0
	n := len(s)
	for i := 0; i < n && !d.stop; {
		if kcls[s[i]]&kB64 == 0 {
			i++
			continue
		}
		// a run of the base64 alphabet, possibly wrapped over lines
		j := i
		var agg uint8
		chars := 0
		seg := i // start of the run's part on the current line
		for j < n {
			k := kcls[s[j]]
			if k&kB64 != 0 {
				agg |= k
				chars++
				j++
				continue
			}
			if k&kWS != 0 {
				if w := wrapContinues(s, seg, j); w > 0 {
					agg |= kWS
					j, seg = w, w
					continue
				}
			}
			break
		}
		pad := j
		for pad < n && pad-j < 2 && s[pad] == '=' {
			pad++
		}
		// a run glued to other word characters (e.g. a path segment) is not a payload
		if (i > 0 && isWordish(s[i-1])) || (pad < n && isWordish(s[pad]) && pad == j) {
			i = pad
			continue
		}
		if chars < d.o.minB64 && chars < d.o.minHex {
			i = pad
			continue
		}
		cand := s[i:pad]
		data, enc, ok := d.tryCandidate(cand, agg, chars)
		if !ok {
			i = pad
			continue
		}
		if depth >= d.o.maxDepth {
			// a payload nested deeper than allowed: say so once, leave the text as it is
			d.fail(childRef(prefix, idx+1), "", ErrDepth, fmt.Sprintf("payload nested deeper than %d levels left encoded", d.o.maxDepth))
			break
		}
		if len(d.items) >= d.o.maxItems {
			d.fail(childRef(prefix, idx+1), "", ErrItems, fmt.Sprintf("more than %d items", d.o.maxItems))
			d.stop = true
			break
		}
		idx++
		ref := childRef(prefix, idx)
		marker := d.unpack(data, enc, cand, i, pad, ref, depth+1, "")
		out.WriteString(s[last:i])
		out.WriteString(marker)
		last = pad
		i = pad
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

// wrapContinues decides whether a base64 run that reaches a line break at j (its part on this
// line starting at seg) continues on the next line, as in PEM or MIME blocks: the line part is
// at least 40 characters and a multiple of 4, and the next line's run is as long, or shorter
// and ends the block (with padding, or a multiple of 4 long at the end of its line or text).
// It returns where the next line's run starts, or 0.
func wrapContinues(s string, seg, j int) int {
	l := j - seg
	if l < 40 || l%4 != 0 {
		return 0
	}
	w := j
	for w < len(s) && w-j < 2 && kcls[s[w]]&kWS != 0 {
		w++
	}
	r := w
	for r < len(s) && kcls[s[r]]&kB64 != 0 {
		r++
	}
	m := r - w
	switch {
	case m == 0:
		return 0
	case m == l:
		return w
	case m < l && r < len(s) && s[r] == '=':
		return w
	case m < l && m%4 == 0 && (r == len(s) || strings.IndexByte("\r\n-<'\"", s[r]) >= 0):
		return w
	}
	return 0
}

func isWordish(c byte) bool {
	return c == '\\' || c == '.' || c == '-' || c == '_' || c == '%' || c == '$' || c == '&' || c == '@' || c >= 0x80
}

// tryCandidate decodes a run as hex or base64 and decides whether the result is a payload.
func (d *decoder) tryCandidate(cand string, agg uint8, chars int) ([]byte, string, bool) {
	clean := cand
	if agg&kWS != 0 || strings.ContainsAny(cand, "\r\n") {
		clean = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, cand)
	}
	// hex first: an even run of hex digits
	if d.o.hexOn && agg&(kB64|kHex|kDigit|kUpper|kLower|kWS) == agg && chars >= d.o.minHex && isAllHex(clean) && len(clean)%2 == 0 {
		if b, err := hex.DecodeString(clean); err == nil {
			if Magic(b) != TypeUnknown {
				return b, "hex", true
			}
			if isText(b) && len(b) >= 8 {
				return b, "hex", true
			}
		}
	}
	if chars < d.o.minB64 {
		return nil, "", false
	}
	body := strings.TrimRight(clean, "=")
	if len(body)%4 == 1 {
		return nil, "", false
	}
	b, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(b) == 0 {
		return nil, "", false
	}
	if Magic(b) != TypeUnknown {
		return b, "base64", true
	}
	mixed := 0
	if agg&kUpper != 0 {
		mixed++
	}
	if agg&kLower != 0 {
		mixed++
	}
	if agg&(kDigit|kSym) != 0 {
		mixed++
	}
	if isText(b) {
		if mixed >= 2 && len(b) >= 6 {
			return b, "base64", true
		}
		return nil, "", false
	}
	// an unknown binary: only from a run that really looks like base64, or that holds a raw
	// DEFLATE stream inflating to text
	if mixed == 3 && chars >= 32 && agg&kDigit != 0 {
		return b, "base64", true
	}
	if mixed >= 2 && chars >= 24 && b[0]&6 != 6 { // block type 3 is invalid DEFLATE
		if out, err := Inflate(b, 1<<20); err == nil {
			if isText(out) && len(out) > 0 {
				return b, "base64", true
			}
		}
	}
	return nil, "", false
}

func isAllHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if kcls[s[i]]&kHex == 0 {
			return false
		}
	}
	return true
}

// unpack records the item(s) for decoded data and returns the marker text that replaces the
// encoded text. Containers (gzip, zlib, zip, tar) are unwrapped: their content or members are
// the items.
func (d *decoder) unpack(data []byte, enc, orig string, start, end int, ref string, depth int, name string) string {
	if d.total+len(data) > d.o.maxTotal {
		msg := d.fail(ref, name, ErrSize, fmt.Sprintf("more than %d bytes decoded from one input", d.o.maxTotal))
		d.stop = true
		return fmt.Sprintf("<decoded type='error' name='[%s]' index='%s' depth='%d'>%s</decoded>", enc, ref, depth, escapeMarker(msg))
	}
	d.total += len(data)
	typ := Magic(data)
	switch typ {
	case TypeGzip, TypeZlib:
		if depth > d.o.maxDepth {
			break
		}
		out, fname, err := d.inflate(data, typ)
		if err != nil {
			msg := d.fail(ref, name, sentinelOf(err), err.Error())
			return d.leaf(data, enc+">"+typ, orig, start, end, ref, depth, name, msg)
		}
		if name == "" {
			name = fname
		}
		return d.unpack(out, enc+">"+typ, orig, start, end, ref, depth, name)
	case TypeZip, TypeTar:
		members, err := d.members(data, typ, ref)
		if len(members) == 0 {
			// an empty archive (or one with no readable member) is an item itself
			msg := ""
			if err != nil {
				msg = d.fail(ref, name, sentinelOf(err), err.Error())
			}
			return d.leaf(data, enc, orig, start, end, ref, depth, name, msg)
		}
		if err != nil {
			d.fail(ref, name, sentinelOf(err), err.Error())
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<decoded value='multiple binary' type='multiple' index='%s' depth='%d'>", ref, depth)
		for k, m := range members {
			if len(d.items) >= d.o.maxItems {
				d.fail(ref, name, ErrItems, fmt.Sprintf("more than %d items", d.o.maxItems))
				d.stop = true
				break
			}
			mref := childRef(ref, k+1)
			b.WriteString(d.unpack(m.data, enc+">"+typ, orig, start, end, mref, depth+1, m.name))
		}
		b.WriteString("</decoded>")
		return b.String()
	}
	if typ == TypeUnknown && len(data) >= 8 && depth <= d.o.maxDepth {
		// a raw DEFLATE stream (PowerShell's IO.Compression.DeflateStream) has no header:
		// it is taken when it inflates cleanly to text or to a known file type
		if !isText(data) {
			limit, _ := d.outLimit(len(data))
			if out, err := Inflate(data, limit); err == nil && len(out) > 0 {
				if isText(out) || Magic(out) != TypeUnknown {
					return d.unpack(out, enc+">deflate", orig, start, end, ref, depth, name)
				}
			}
		}
	}
	return d.leaf(data, enc, orig, start, end, ref, depth, name, "")
}

// leaf records one item and recurses into its text.
func (d *decoder) leaf(data []byte, enc, orig string, start, end int, ref string, depth int, name, errMsg string) string {
	it := Item{Reference: ref, Depth: depth, Encoding: enc, Original: orig, Start: start, End: end,
		FileName: name, Size: len(data), Data: data, Err: errMsg}
	md := md5.Sum(data)
	s1 := sha1.Sum(data)
	s256 := sha256.Sum256(data)
	it.MD5, it.SHA1, it.SHA256 = hex.EncodeToString(md[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s256[:])
	typ := Magic(data)
	text, cs, isText := asText(data)
	it.Charset = cs
	switch {
	case typ != TypeUnknown:
		it.FileType = typ
	case isText:
		it.FileType = TypeText
	default:
		it.FileType = TypeBinary
	}
	if d.seen == nil {
		d.seen = map[[32]byte]string{}
	}
	first, repeat := d.seen[s256]
	if repeat {
		it.SameAs = first
	} else {
		d.seen[s256] = ref
	}
	pos := len(d.items)
	d.items = append(d.items, it)
	label := "[" + enc + "]"
	if name != "" {
		label += " Filename: " + name
	}
	same := ""
	if repeat {
		same = " same_as='" + it.SameAs + "'"
	}
	if isText && typ == TypeUnknown {
		if !repeat && errMsg == "" {
			text = d.decodeText(text, ref, depth)
		}
		d.items[pos].Text = text
		return "<decoded type='string' name='" + escapeMarker(label) + "' index='" + ref + "' depth='" + strconv.Itoa(depth) + "'" + same + ">" + text + "</decoded>"
	}
	return "<decoded value='binary' name='" + escapeMarker(label) + "' type='" + it.FileType + "' index='" + ref +
		"' depth='" + strconv.Itoa(depth) + "'" + same + ">" + printableBytes(data, d.o.showBinary) + "</decoded>"
}

func escapeMarker(s string) string {
	if strings.IndexByte(s, '\'') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "'", "&#39;")
}

// printableBytes shows up to max bytes as space-separated hex.
func printableBytes(b []byte, max int) string {
	n := len(b)
	if n > max {
		n = max
	}
	var sb strings.Builder
	sb.Grow(n * 3)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(hexByte[b[i]])
	}
	if len(b) > max {
		fmt.Fprintf(&sb, " ... (%d bytes)", len(b))
	}
	return sb.String()
}

var hexByte [256]string

func init() {
	for i := range hexByte {
		hexByte[i] = fmt.Sprintf("%02x", i)
	}
}

// Summary says in one phrase why decoding problems happened, telling corrupt data apart
// from limits, for example "2 payloads corrupt and 1 refused or cut short by the decoding
// limits". noun names what was decoded ("payloads", "items").
func Summary(errs []error, noun string) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		if errors.Is(e, ErrCorrupt) {
			msgs[i] = ErrCorrupt.Error()
		} else {
			msgs[i] = e.Error()
		}
	}
	return SummaryOf(msgs, noun)
}

// SummaryOf is Summary for error messages (as in DecodeFrame's error column); empty
// messages are not problems.
func SummaryOf(msgs []string, noun string) string {
	corrupt, limited := 0, 0
	for _, m := range msgs {
		switch {
		case m == "":
		case strings.Contains(m, ErrCorrupt.Error()):
			corrupt++
		default:
			limited++
		}
	}
	var parts []string
	if corrupt > 0 {
		parts = append(parts, fmt.Sprintf("%d %s corrupt (not valid compressed data or archive)", corrupt, noun))
	}
	if limited > 0 {
		n := noun
		if corrupt > 0 {
			n = ""
		} else {
			n = " " + n
		}
		parts = append(parts, fmt.Sprintf("%d%s refused or cut short by the decoding limits", limited, n))
	}
	if len(parts) == 0 {
		return "no " + noun + " failed"
	}
	return strings.Join(parts, " and ")
}
