package query

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeExprError reports a time expression that could not be understood. Pos is the byte offset
// (0-based) in Expr where the problem was found.
type TimeExprError struct {
	Expr string
	Pos  int
	Msg  string
}

// Error implements the error interface.
func (e *TimeExprError) Error() string {
	return fmt.Sprintf("time expression %q: %s (at column %d)", e.Expr, e.Msg, e.Pos+1)
}

// ParseTime reads a time expression relative to now and returns a UTC time.
//
// Accepted forms:
//   - "now", optionally followed by an offset: "now-2h", "now-1d@d"
//   - ISO-8601 dates and date-times: "2024-01-01", "2024-01-01T10:30:00", "2024-01-01 10:30:00.5",
//     "2024-01-01T10:30:00Z", "2024-01-01T10:30:00+02:00"; a value without a zone is UTC
//   - a relative offset: sign, a number and a unit: s (seconds), m (minutes), h (hours), d (days),
//     w (weeks), mon (months), y (years); no unit means days ("-3" is three days ago)
//   - a plain number, including a fraction: that many days from now ("-1.5")
//   - rounding after "@": "-3d@d" is three days ago rounded to the day. As in msticpy, a negative
//     offset rounds down to the start of the unit and a positive one rounds up to the start of the
//     next unit; "now@h" and "@h" round down.
func ParseTime(expr string, now time.Time) (time.Time, error) {
	now = now.UTC()
	s := strings.TrimSpace(expr)
	lead := len(expr) - len(strings.TrimLeft(expr, " \t\r\n"))
	if s == "" {
		return time.Time{}, &TimeExprError{Expr: expr, Pos: 0, Msg: "empty time expression"}
	}
	if t, ok := parseISO(s); ok {
		return t, nil
	}
	if looksISO(s) {
		return time.Time{}, &TimeExprError{Expr: expr, Pos: lead, Msg: isoProblem(s)}
	}
	rest := s
	pos := lead
	if len(rest) >= 3 && strings.EqualFold(rest[:3], "now") {
		rest = rest[3:]
		pos += 3
		if strings.TrimSpace(rest) == "" {
			return now, nil
		}
	}
	return parseRelative(expr, rest, pos, now)
}

// parseRelative handles "[+-]N[unit][@unit]" and plain numbers (days).
func parseRelative(expr, s string, pos int, now time.Time) (time.Time, error) {
	fail := func(p int, format string, args ...any) (time.Time, error) {
		return time.Time{}, &TimeExprError{Expr: expr, Pos: p, Msg: fmt.Sprintf(format, args...)}
	}
	offset, rounding := s, ""
	if at := strings.IndexByte(s, '@'); at >= 0 {
		offset, rounding = s[:at], s[at+1:]
		if strings.IndexByte(rounding, '@') >= 0 {
			return fail(pos+at+1+strings.IndexByte(rounding, '@'), "more than one '@'")
		}
	}
	i := 0
	skipSpace := func() {
		for i < len(offset) && (offset[i] == ' ' || offset[i] == '\t') {
			i++
		}
	}
	skipSpace()
	negative := false
	hasSign := false
	if i < len(offset) && (offset[i] == '+' || offset[i] == '-') {
		negative = offset[i] == '-'
		hasSign = true
		i++
		skipSpace()
	}
	numStart := i
	for i < len(offset) && (offset[i] >= '0' && offset[i] <= '9' || offset[i] == '.') {
		i++
	}
	numText := offset[numStart:i]
	skipSpace()
	unitStart := i
	for i < len(offset) && (offset[i] >= 'a' && offset[i] <= 'z' || offset[i] >= 'A' && offset[i] <= 'Z') {
		i++
	}
	unitText := strings.ToLower(offset[unitStart:i])
	skipSpace()
	if numText == "" && unitText != "" {
		return fail(pos+lead(offset), "not a time: want an ISO-8601 time, now, or an offset such as -3d@d")
	}
	if i < len(offset) {
		return fail(pos+i, "unexpected %q; want an ISO-8601 time, now, or an offset such as -3d@d", offset[i:])
	}
	t := now
	if numText == "" {
		if hasSign || unitText != "" {
			return fail(pos+numStart, "missing number in offset")
		}
		// Only "@unit" (or "now@unit"): round down.
		if rounding == "" {
			return fail(pos, "nothing to parse")
		}
		negative = true
	} else {
		if unitText == "" {
			unitText = "d"
		}
		var err error
		t, err = addOffset(now, numText, unitText, negative)
		if err != nil {
			return fail(pos+numStart, "%v", err)
		}
	}
	if rounding != "" {
		u := strings.ToLower(strings.TrimSpace(rounding))
		r, ok := roundTime(t, u, !negative)
		if !ok {
			return fail(pos+len(offset)+1, "unknown rounding unit %q; want s, m, h, d, w, mon or y", rounding)
		}
		t = r
	}
	return t, nil
}

// lead counts the leading blanks of s.
func lead(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

func addOffset(now time.Time, numText, unit string, negative bool) (time.Time, error) {
	if strings.Count(numText, ".") > 1 || numText == "." {
		return time.Time{}, fmt.Errorf("bad number %q", numText)
	}
	sign := 1.0
	if negative {
		sign = -1
	}
	if strings.Contains(numText, ".") {
		f, err := strconv.ParseFloat(numText, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad number %q", numText)
		}
		var unitDur time.Duration
		switch unit {
		case "s":
			unitDur = time.Second
		case "m":
			unitDur = time.Minute
		case "h":
			unitDur = time.Hour
		case "d":
			unitDur = 24 * time.Hour
		case "w":
			unitDur = 7 * 24 * time.Hour
		default:
			return time.Time{}, fmt.Errorf("unit %q needs a whole number", unit)
		}
		d := sign * f * float64(unitDur)
		if d > float64(maxOffset) || d < -float64(maxOffset) {
			return time.Time{}, fmt.Errorf("offset %s%s out of range", numText, unit)
		}
		return now.Add(time.Duration(d)), nil
	}
	n, err := strconv.ParseInt(numText, 10, 64)
	if err != nil || n > 1_000_000 {
		return time.Time{}, fmt.Errorf("offset %s%s out of range", numText, unit)
	}
	if negative {
		n = -n
	}
	k := int(n)
	switch unit {
	case "s", "sec", "secs", "second", "seconds":
		return now.Add(time.Duration(n) * time.Second), nil
	case "m", "min", "mins", "minute", "minutes":
		return now.Add(time.Duration(n) * time.Minute), nil
	case "h", "hr", "hrs", "hour", "hours":
		return now.Add(time.Duration(n) * time.Hour), nil
	case "d", "day", "days":
		return now.AddDate(0, 0, k), nil
	case "w", "week", "weeks":
		return now.AddDate(0, 0, 7*k), nil
	case "mon", "month", "months":
		return now.AddDate(0, k, 0), nil
	case "y", "year", "years":
		return now.AddDate(k, 0, 0), nil
	}
	return time.Time{}, fmt.Errorf("unknown unit %q; want s, m, h, d, w, mon or y", unit)
}

// maxOffset bounds fractional offsets so that they cannot overflow time.Duration.
const maxOffset = 100 * 365 * 24 * time.Hour

// roundTime truncates t to the start of unit; when up is true it then moves to the next unit.
func roundTime(t time.Time, unit string, up bool) (time.Time, bool) {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	var r time.Time
	var next func(time.Time) time.Time
	switch unit {
	case "s", "sec", "second":
		r = time.Date(y, mo, d, h, mi, s, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.Add(time.Second) }
	case "m", "min", "minute":
		r = time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.Add(time.Minute) }
	case "h", "hr", "hour":
		r = time.Date(y, mo, d, h, 0, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.Add(time.Hour) }
	case "d", "day":
		r = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.AddDate(0, 0, 1) }
	case "w", "week":
		// Weeks start on Monday (ISO-8601).
		back := (int(t.Weekday()) + 6) % 7
		r = time.Date(y, mo, d-back, 0, 0, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.AddDate(0, 0, 7) }
	case "mon", "month":
		r = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.AddDate(0, 1, 0) }
	case "y", "year":
		r = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		next = func(x time.Time) time.Time { return x.AddDate(1, 0, 0) }
	default:
		return time.Time{}, false
	}
	if up {
		r = next(r)
	}
	return r, true
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// looksISO reports whether s starts like an ISO-8601 date (YYYY-MM-DD).
func looksISO(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isoProblem explains why a date-shaped value is not a valid ISO-8601 date or date-time:
// the calendar error of its date ("month out of range") or of its time of day.
func isoProblem(s string) string {
	const want = "want YYYY-MM-DD, optionally with Thh:mm[:ss[.fff]] and a zone"
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return fmt.Sprintf("not a valid date: %s", rangeMsg(err))
	}
	if len(s) >= 16 && (s[10] == 'T' || s[10] == ' ') {
		if _, err := time.Parse("2006-01-02T15:04", s[:10]+"T"+s[11:16]); err != nil && strings.Contains(err.Error(), "out of range") {
			return fmt.Sprintf("not a valid time of day: %s", rangeMsg(err))
		}
	}
	return "not an ISO-8601 date-time; " + want
}

// rangeMsg keeps the reason of a time.Parse error ("month out of range").
func rangeMsg(err error) string {
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message != "" {
		return strings.TrimPrefix(pe.Message, ": ")
	}
	return err.Error()
}

// parseISO reads ISO-8601 dates and date-times; values without a zone are taken as UTC.
func parseISO(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Window resolves a query window from start and end expressions. An empty end means now; an
// empty start means one day before end. Both are parsed with ParseTime relative to now.
func Window(start, end string, now time.Time) (time.Time, time.Time, error) {
	e := now.UTC()
	if strings.TrimSpace(end) != "" {
		var err error
		if e, err = ParseTime(end, now); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("--end: %w", err)
		}
	}
	s := e.Add(-DefaultWindow)
	if strings.TrimSpace(start) != "" {
		var err error
		if s, err = ParseTime(start, now); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("--start: %w", err)
		}
	}
	if s.After(e) {
		return time.Time{}, time.Time{}, fmt.Errorf("query window: start %s is after end %s: %w",
			s.Format(time.RFC3339), e.Format(time.RFC3339), ErrBadWindow)
	}
	return s, e, nil
}

// DefaultWindow is the length of the query window when no start is given.
const DefaultWindow = 24 * time.Hour
