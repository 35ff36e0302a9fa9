package query

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// fixedNow is a Wednesday, 2024-03-13 10:37:42.5 UTC.
var fixedNow = time.Date(2024, 3, 13, 10, 37, 42, 500_000_000, time.UTC)

var timeCases = []struct {
	expr string
	want time.Time
}{
	{"now", fixedNow},
	{"NOW", fixedNow},
	{"  now ", fixedNow},
	{"2024-01-01", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{"2024-01-01T10:30:00", time.Date(2024, 1, 1, 10, 30, 0, 0, time.UTC)},
	{"2024-01-01 10:30:00.25", time.Date(2024, 1, 1, 10, 30, 0, 250_000_000, time.UTC)},
	{"2024-01-01T10:30:00Z", time.Date(2024, 1, 1, 10, 30, 0, 0, time.UTC)},
	{"2024-01-01T10:30:00+02:00", time.Date(2024, 1, 1, 8, 30, 0, 0, time.UTC)},
	{"2024-01-01T10:30", time.Date(2024, 1, 1, 10, 30, 0, 0, time.UTC)},
	{"-2h", fixedNow.Add(-2 * time.Hour)},
	{"-30m", fixedNow.Add(-30 * time.Minute)},
	{"-45s", fixedNow.Add(-45 * time.Second)},
	{"+1d", fixedNow.AddDate(0, 0, 1)},
	{"-1w", fixedNow.AddDate(0, 0, -7)},
	{"-3", fixedNow.AddDate(0, 0, -3)},
	{"0", fixedNow},
	{"-1.5", fixedNow.Add(-36 * time.Hour)},
	{"-1mon", fixedNow.AddDate(0, -1, 0)},
	{"-1y", fixedNow.AddDate(-1, 0, 0)},
	{"- 2 h", fixedNow.Add(-2 * time.Hour)},
	{"-3d@d", time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)},
	{"-30m@h", time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)},
	{"-2h@h", time.Date(2024, 3, 13, 8, 0, 0, 0, time.UTC)},
	{"+1d@d", time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)}, // positive offsets round up (msticpy)
	{"-1d@w", time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)}, // Monday
	{"-0d@mon", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
	{"-1d@y", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	{"now-1d@d", time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)},
	{"now@h", time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)},
	{"@d", time.Date(2024, 3, 13, 0, 0, 0, 0, time.UTC)},
	{"-5m@s", time.Date(2024, 3, 13, 10, 32, 42, 0, time.UTC)},
}

func TestParseTime(t *testing.T) {
	for _, tc := range timeCases {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := ParseTime(tc.expr, fixedNow)
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tc.expr, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseTime(%q) = %s, want %s", tc.expr, got, tc.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) location %v, want UTC", tc.expr, got.Location())
			}
		})
	}
}

var badTimeCases = []struct {
	expr string
	col  int
}{
	{"", 1},
	{"yesterday", 1},
	{"-3x", 1},
	{"-3d@q", 5},
	{"-3d@d@h", 6},
	{"-", 2},
	{"2024-13-45", 5},
	{"-1.5mon", 2},
	{"now+", 5},
	{"-99999999999999d", 2},
	{"1.2.3", 1},
}

func TestParseTimeErrors(t *testing.T) {
	for _, tc := range badTimeCases {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseTime(tc.expr, fixedNow)
			var te *TimeExprError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTime(%q) error = %v, want *TimeExprError", tc.expr, err)
			}
			if te.Expr != tc.expr || te.Pos+1 < 1 || te.Pos > len(tc.expr) {
				t.Errorf("error %+v: bad position for %q", te, tc.expr)
			}
		})
	}
}

func TestWindow(t *testing.T) {
	s, e, err := Window("", "", fixedNow)
	if err != nil || !e.Equal(fixedNow) || !s.Equal(fixedNow.Add(-24*time.Hour)) {
		t.Fatalf("default window = %s..%s, %v", s, e, err)
	}
	s, e, err = Window("", "2024-01-02", fixedNow)
	if err != nil || !s.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || !e.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("start from end = %s..%s, %v", s, e, err)
	}
	s, _, err = Window("-3d@d", "", fixedNow)
	if err != nil || !s.Equal(time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("explicit start = %s, %v", s, err)
	}
	if _, _, err := Window("now", "-1d", fixedNow); !errors.Is(err, ErrBadWindow) {
		t.Fatalf("start after end: %v, want ErrBadWindow", err)
	}
	var te *TimeExprError
	if _, _, err := Window("bogus", "", fixedNow); !errors.As(err, &te) {
		t.Fatalf("bad start: %v, want *TimeExprError", err)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, tc := range timeCases {
		f.Add(tc.expr)
	}
	for _, tc := range badTimeCases {
		f.Add(tc.expr)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		got, err := ParseTime(expr, fixedNow)
		if err != nil {
			var te *TimeExprError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTime(%q): error %T is not *TimeExprError", expr, err)
			}
			if te.Pos < 0 || te.Pos > len(expr) {
				t.Fatalf("ParseTime(%q): position %d outside the input", expr, te.Pos)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) = %v, not UTC", expr, got)
		}
		// Deterministic: the same input and clock give the same time.
		again, err := ParseTime(expr, fixedNow)
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseTime(%q) not deterministic: %v / %v (%v)", expr, got, again, err)
		}
	})
}

// A value shaped like a date but not a valid one says what is wrong with the date, rather
// than reading "2024" as a day count followed by junk.
func TestParseTimeBadDates(t *testing.T) {
	for expr, want := range map[string]string{
		"2024-13-01":       "month out of range",
		"2024-02-30":       "day out of range",
		"2024-01-01T25:00": "hour out of range",
		"2024-01-01Tnoon":  "not an ISO-8601 date-time",
	} {
		_, err := ParseTime(expr, fixedNow)
		var te *TimeExprError
		if !errors.As(err, &te) || !strings.Contains(te.Msg, want) || te.Pos != 0 {
			t.Errorf("ParseTime(%q) = %v, want a *TimeExprError at column 1 saying %q", expr, err, want)
		}
	}
}
