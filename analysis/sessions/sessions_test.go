package sessions

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
)

func ts(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// df2 of msticpy's tests/analysis/test_anom_sessionize.py.
func df2() *frame.Frame {
	return frame.MustNew(
		frame.NewInts("UserId", []int64{1, 1, 2, 3, 1, 2, 2}),
		frame.NewTimes("time", []time.Time{ts("2020-01-03 00:00:00"), ts("2020-01-03 00:01:00"), ts("2020-01-05 00:00:00"),
			ts("2020-01-06 11:06:00"), ts("2020-01-03 01:00:00"), ts("2020-01-05 00:21:00"), ts("2020-01-05 00:25:00")}),
		frame.NewStrings("operation", []string{"A", "B", "C", "A", "A", "B", "C"}))
}

// TestSessionizeMSTICPy reproduces the expected frames of msticpy's sessionize tests.
func TestSessionizeMSTICPy(t *testing.T) {
	tests := []struct {
		name     string
		gap      time.Duration
		users    []int64
		lists    [][]string
		durs     []string
		counts   []int64
		sessions []int // create_session_col's session_ind in sorted order
	}{
		{"gap 2m", 2 * time.Minute, []int64{1, 1, 2, 2, 2, 3},
			[][]string{{"A", "B"}, {"A"}, {"C"}, {"B"}, {"C"}, {"A"}},
			[]string{"00:01:00", "00:00:00", "00:00:00", "00:00:00", "00:00:00", "00:00:00"},
			[]int64{2, 1, 1, 1, 1, 1}, []int{0, 0, 1, 2, 3, 4, 5}},
		{"gap 5m", 5 * time.Minute, []int64{1, 1, 2, 2, 3},
			[][]string{{"A", "B"}, {"A"}, {"C"}, {"B", "C"}, {"A"}},
			[]string{"00:01:00", "00:00:00", "00:00:00", "00:04:00", "00:00:00"},
			[]int64{2, 1, 1, 2, 1}, []int{0, 0, 1, 2, 3, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Keys: []string{"UserId"}, Time: "time", Event: "operation", MaxGap: tc.gap, MaxLength: 20 * time.Minute}
			sess, order, _, err := Assign(context.Background(), df2(), o)
			if err != nil {
				t.Fatal(err)
			}
			var inOrder []int
			for _, r := range order {
				inOrder = append(inOrder, sess[r])
			}
			if !reflect.DeepEqual(inOrder, tc.sessions) {
				t.Errorf("session_ind %v, want %v", inOrder, tc.sessions)
			}
			f, err := Sessionize(context.Background(), df2(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Names(); !reflect.DeepEqual(got, []string{"UserId", "time_min", "time_max", "operation_list", "duration", "number_events"}) {
				t.Fatalf("columns %v", got)
			}
			if got := f.Col("UserId").Ints(); !reflect.DeepEqual(got, tc.users) {
				t.Errorf("UserId %v, want %v", got, tc.users)
			}
			var lists [][]string
			for i := range f.Len() {
				var l []string
				for _, v := range f.Col("operation_list").Value(i).([]any) {
					l = append(l, v.(string))
				}
				lists = append(lists, l)
			}
			if !reflect.DeepEqual(lists, tc.lists) {
				t.Errorf("lists %v, want %v", lists, tc.lists)
			}
			if got := f.Col("duration").Strings(); !reflect.DeepEqual(got, tc.durs) {
				t.Errorf("duration %v, want %v", got, tc.durs)
			}
			if got := f.Col("number_events").Ints(); !reflect.DeepEqual(got, tc.counts) {
				t.Errorf("number_events %v, want %v", got, tc.counts)
			}
		})
	}
}

// TestNullKeysAndTimes: null users are one group (msticpy's df3); rows without a time are
// left out and flagged; empty input gives no sessions.
func TestNullKeysAndTimes(t *testing.T) {
	f := frame.MustNew(
		frame.NewNulls("UserId", frame.String, 3),
		frame.NewStrings("time", []string{"2020-01-03 00:00:00", "2020-01-03 00:01:00", ""}).WithValid([]bool{true, true, false}),
		frame.NewStrings("operation", []string{"A", "B", "C"}))
	out, err := Sessionize(context.Background(), f, Options{Keys: []string{"UserId"}, Time: "time", Event: "operation", MaxGap: 2 * time.Minute, MaxLength: 20 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 1 || !out.Col("UserId").IsNull(0) || out.Col("number_events").Int(0) != 2 || out.Col("duration").Str(0) != "00:01:00" {
		t.Errorf("df3: %v", out.Record(0))
	}
	if out.Partial() == nil {
		t.Error("a row without a time was not flagged")
	}
	empty, err := Sessionize(context.Background(), f.Head(0), Options{Keys: []string{"UserId"}, Time: "time", Event: "operation"})
	if err != nil || empty.Len() != 0 || empty.NumCols() != 6 {
		t.Errorf("empty: %v %v", empty, err)
	}
}

// TestMaxLengthAndErrors: a session longer than MaxLength is cut even with small gaps; bad
// columns are named.
func TestMaxLengthAndErrors(t *testing.T) {
	var tt []time.Time
	for i := range 10 {
		tt = append(tt, ts("2020-01-01 00:00:00").Add(time.Duration(i)*time.Minute))
	}
	f := frame.MustNew(frame.NewTimes("t", tt), frame.NewStrings("e", make([]string, 10)))
	out, err := Sessionize(context.Background(), f, Options{Time: "t", Event: "e", MaxGap: time.Minute, MaxLength: 4 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Col("number_events").Ints(); !reflect.DeepEqual(got, []int64{5, 5}) {
		t.Errorf("max length 4m over 10 events a minute apart: %v", got)
	}
	for _, o := range []Options{{Keys: []string{"nope"}, Time: "t", Event: "e"}, {Time: "nope", Event: "e"}, {Time: "e", Event: "e"}, {Time: "t", Event: "nope"}} {
		if _, err := Sessionize(context.Background(), f, o); !errors.Is(err, ErrColumn) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	bad := frame.MustNew(frame.NewStrings("t", []string{"2020-01-01", "soon"}), frame.NewStrings("e", []string{"a", "b"}))
	if _, err := Sessionize(context.Background(), bad, Options{Time: "t", Event: "e"}); err == nil || !errors.Is(err, ErrColumn) {
		t.Errorf("unreadable time: %v", err)
	}
}
