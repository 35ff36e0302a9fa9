package proctree

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// idText returns a normalised process id: integers in decimal, hexadecimal ids ("0x1A2B")
// lower-cased, floats with an integral value without ".0" (auditd exports ppid as 22536.0).
// Null or blank gives "".
func idText(c *frame.Column, i int) string {
	if c == nil || c.IsNull(i) {
		return ""
	}
	switch c.Type() {
	case frame.Int:
		return strconv.FormatInt(c.Int(i), 10)
	case frame.Float:
		v := c.Float(i)
		if v == math.Trunc(v) && !math.IsInf(v, 0) {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strings.TrimSpace(c.Str(i))
	if strings.HasSuffix(s, ".0") && isDigits(s[:len(s)-2]) {
		s = s[:len(s)-2]
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = strings.ToLower(s)
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// textAt returns the display text of a cell ("" for null or an absent column).
func textAt(c *frame.Column, i int) string {
	if c == nil || i < 0 || c.IsNull(i) {
		return ""
	}
	if c.Type() == frame.String {
		return c.Str(i)
	}
	return c.Text(i)
}

// joinFile returns the image path of a process from a path column and a file-name column:
// the path when it already ends with the file name (or either is empty), else folder + name.
func joinFile(path, file string) string {
	if file == "" {
		return path
	}
	if path == "" {
		return file
	}
	base := path[strings.LastIndexAny(path, `\/`)+1:]
	if strings.EqualFold(base, file) {
		return path
	}
	sep := `\`
	if !strings.Contains(path, `\`) && strings.Contains(path, "/") {
		sep = "/"
	}
	return strings.TrimRight(path, `\/`) + sep + file
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999 Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 UTC",
	"01/02/2006 15:04:05.999999999",
	"1/2/2006 3:04:05 PM",
	"2006-01-02",
}

// ParseTime reads a timestamp in the forms process logs use: RFC 3339, "2006-01-02 15:04:05.fff"
// with or without a zone, US "1/2/2006 3:04:05 PM", or Unix seconds / milliseconds /
// nanoseconds. Times without a zone are UTC.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-/: ") {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return unixTime(v), true
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// unixTime interprets a number as Unix seconds, milliseconds or nanoseconds by magnitude.
func unixTime(v float64) time.Time {
	switch a := math.Abs(v); {
	case a < 1e11:
		sec, frac := math.Modf(v)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	case a < 1e14:
		return time.UnixMilli(int64(v)).UTC()
	case a < 1e17:
		return time.UnixMicro(int64(v)).UTC()
	}
	return time.Unix(0, int64(v)).UTC()
}

// timeNS returns the cell as Unix nanoseconds; ok is false for null or unparsable values.
func timeNS(c *frame.Column, i int) (int64, bool) {
	if c == nil || c.IsNull(i) {
		return 0, false
	}
	switch c.Type() {
	case frame.Time:
		return c.Time(i).UnixNano(), true
	case frame.Int:
		return unixTime(float64(c.Int(i))).UnixNano(), true
	case frame.Float:
		return unixTime(c.Float(i)).UnixNano(), true
	}
	t, ok := ParseTime(c.Str(i))
	if !ok {
		return 0, false
	}
	return t.UnixNano(), true
}

// interner maps strings to dense ids.
type interner struct {
	m    map[string]int32
	vals []string
}

func newInterner(capacity int) *interner {
	return &interner{m: make(map[string]int32, capacity)}
}

func (in *interner) id(s string) int32 {
	if v, ok := in.m[s]; ok {
		return v
	}
	v := int32(len(in.vals))
	in.m[s] = v
	in.vals = append(in.vals, s)
	return v
}

// foldInterner interns strings case-insensitively, remembering the folded id of every
// original spelling so each distinct spelling is lower-cased once.
type foldInterner struct {
	orig   *interner
	folded *interner
	fold   []int32
}

func newFoldInterner() *foldInterner {
	return &foldInterner{orig: newInterner(1024), folded: newInterner(1024)}
}

func (fi *foldInterner) id(s string) int32 {
	o := fi.orig.id(s)
	if int(o) == len(fi.fold) {
		fi.fold = append(fi.fold, fi.folded.id(strings.ToLower(s)))
	}
	return fi.fold[o]
}

// pidNone is the key of a missing process id.
const pidNone = ^uint64(0)

// pidKeyer turns process ids into integer keys without allocating: decimal and "0x" hex ids
// become their value; anything else is interned and tagged with the top bit.
type pidKeyer struct{ other *interner }

func (p *pidKeyer) key(c *frame.Column, i int) uint64 {
	if c == nil || c.IsNull(i) {
		return pidNone
	}
	switch c.Type() {
	case frame.Int:
		return uint64(c.Int(i)) &^ (1 << 63)
	case frame.Float:
		v := c.Float(i)
		if v == math.Trunc(v) && v >= 0 && v < 1<<62 {
			return uint64(v)
		}
	case frame.String:
		s := strings.TrimSpace(c.Str(i))
		if s == "" {
			return pidNone
		}
		if v, ok := parsePid(s); ok {
			return v
		}
	}
	return 1<<63 | uint64(p.other.id(idText(c, i)))
}

// parsePid reads "123", "123.0" or "0x7b".
func parsePid(s string) (uint64, bool) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if len(s) > 17 {
			return 0, false
		}
		var v uint64
		for i := 2; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | uint64(c-'0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | uint64(c-'a'+10)
			case c >= 'A' && c <= 'F':
				v = v<<4 | uint64(c-'A'+10)
			default:
				return 0, false
			}
		}
		return v, true
	}
	if strings.HasSuffix(s, ".0") {
		s = s[:len(s)-2]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}
