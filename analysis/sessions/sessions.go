// Package sessions splits events into sessions: rows of the same user (or host, or any key
// columns) close together in time, with a limit on the gap between two events and on the
// length of a session, as msticpy's sessionize_data does. The events of a session are
// collected in order into a list, ready for the Markov sequence model (analysis/markov).
package sessions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// ErrColumn says that a named column is missing or has the wrong type.
var ErrColumn = errors.New("column")

// Options say how events are grouped.
type Options struct {
	// Keys are the identity columns (user, host, ...); a change of any of them starts a new
	// session. Nulls are one value of their own.
	Keys []string
	// Time is the event time column (a time column, or text in a format frame.ParseTime reads).
	Time string
	// Event is the column collected into each session's list (a command name, a JSON object
	// with name and params, ...).
	Event string
	// MaxGap starts a new session when two events are further apart; 0 means no limit.
	MaxGap time.Duration
	// MaxLength starts a new session when a session would last longer; 0 means no limit.
	MaxLength time.Duration
}

// Assign returns the session number of every row of f (-1 for a row without a time) and
// the row order (sorted by keys, then time) the sessions were built in. The count of rows
// skipped for want of a time is returned too.
func Assign(ctx context.Context, f *frame.Frame, o Options) (session []int, order []int, skipped int, err error) {
	times, err := timeColumn(f, o.Time)
	if err != nil {
		return nil, nil, 0, err
	}
	keys := make([]*frame.Column, len(o.Keys))
	for i, k := range o.Keys {
		if keys[i] = f.Col(k); keys[i] == nil {
			return nil, nil, 0, fmt.Errorf("%w %q: not in the table (columns: %s)", ErrColumn, k, strings.Join(f.Names(), ", "))
		}
	}
	order = make([]int, 0, f.Len())
	for i := range f.Len() {
		if !times[i].IsZero() {
			order = append(order, i)
		}
	}
	skipped = f.Len() - len(order)
	slices.SortStableFunc(order, func(a, b int) int {
		for _, c := range keys {
			if r := compareCell(c, a, b); r != 0 {
				return r
			}
		}
		return times[a].Compare(times[b])
	})
	session = make([]int, f.Len())
	for i := range session {
		session[i] = -1
	}
	cur := -1
	var start time.Time
	for n, r := range order {
		if n%65536 == 0 && ctx.Err() != nil {
			return nil, nil, 0, ctx.Err()
		}
		newSession := n == 0
		if !newSession {
			p := order[n-1]
			for _, c := range keys {
				if compareCell(c, p, r) != 0 {
					newSession = true
					break
				}
			}
			if gap := times[r].Sub(times[p]); o.MaxGap > 0 && gap > o.MaxGap {
				newSession = true
			}
			if o.MaxLength > 0 && times[r].Sub(start) > o.MaxLength {
				newSession = true
			}
		}
		if newSession {
			cur++
			start = times[r]
		}
		session[r] = cur
	}
	return session, order, skipped, nil
}

// Sessionize groups the rows of f into sessions and returns one row per session: the key
// columns, <time>_min, <time>_max, <event>_list (the events in time order), duration
// (a Kusto timespan) and number_events, in the order of the keys and then of time. Rows
// without a time are left out and the result is marked partial.
func Sessionize(ctx context.Context, f *frame.Frame, o Options) (*frame.Frame, error) {
	if o.Event == "" || f.Col(o.Event) == nil {
		return nil, fmt.Errorf("%w %q: event column not in the table (columns: %s)", ErrColumn, o.Event, strings.Join(f.Names(), ", "))
	}
	session, order, skipped, err := Assign(ctx, f, o)
	if err != nil {
		return nil, err
	}
	times, _ := timeColumn(f, o.Time)
	ev := f.Col(o.Event)
	// order is grouped by session already: sessions are consecutive runs of it
	var first []int // index into order where each session starts
	for n, r := range order {
		if n == 0 || session[order[n-1]] != session[r] {
			first = append(first, n)
		}
	}
	ns := len(first)
	heads := make([]int, ns)
	tmin, tmax := make([]time.Time, ns), make([]time.Time, ns)
	lists, durs, counts := make([]any, ns), make([]string, ns), make([]int64, ns)
	for s, a := range first {
		b := len(order)
		if s+1 < ns {
			b = first[s+1]
		}
		heads[s] = order[a]
		tmin[s], tmax[s] = times[order[a]], times[order[b-1]]
		list := make([]any, 0, b-a)
		for _, r := range order[a:b] {
			list = append(list, ev.Value(r))
		}
		lists[s], counts[s] = list, int64(b-a)
		durs[s] = frame.FormatTimespan(tmax[s].Sub(tmin[s]))
	}
	keys, err := f.Take(heads).Select(o.Keys...)
	if err != nil {
		return nil, err
	}
	cols := append([]*frame.Column{}, keys.Columns()...)
	cols = append(cols, frame.NewTimes(o.Time+"_min", tmin), frame.NewTimes(o.Time+"_max", tmax),
		frame.NewDynamics(o.Event+"_list", lists), frame.NewStrings("duration", durs), frame.NewInts("number_events", counts))
	out, err := frame.New(cols...)
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		out.SetPartial(fmt.Errorf("%d rows without a %s were left out", skipped, o.Time))
	}
	return out, nil
}

// timeColumn returns the times of column name (zero for nulls and unreadable text).
func timeColumn(f *frame.Frame, name string) ([]time.Time, error) {
	c := f.Col(name)
	if c == nil {
		return nil, fmt.Errorf("%w %q: time column not in the table (columns: %s)", ErrColumn, name, strings.Join(f.Names(), ", "))
	}
	out := make([]time.Time, f.Len())
	switch c.Type() {
	case frame.Time:
		for i := range out {
			if !c.IsNull(i) {
				out[i] = c.Time(i)
			}
		}
	case frame.String:
		for i := range out {
			if c.IsNull(i) {
				continue
			}
			t, ok := frame.ParseTime(c.Str(i))
			if !ok {
				return nil, fmt.Errorf("%w %q: row %d: %q is not a time", ErrColumn, name, i+1, c.Str(i))
			}
			out[i] = t
		}
	default:
		return nil, fmt.Errorf("%w %q: want a time column, have %s", ErrColumn, name, c.Type())
	}
	return out, nil
}

// compareCell orders two rows of one column: typed values, nulls last.
func compareCell(c *frame.Column, a, b int) int {
	na, nb := c.IsNull(a), c.IsNull(b)
	switch {
	case na && nb:
		return 0
	case na:
		return 1
	case nb:
		return -1
	}
	switch c.Type() {
	case frame.Int:
		return cmp.Compare(c.Int(a), c.Int(b))
	case frame.Float:
		return cmp.Compare(c.Float(a), c.Float(b))
	case frame.Time:
		return c.Time(a).Compare(c.Time(b))
	case frame.Bool:
		x, y := c.Bool(a), c.Bool(b)
		if x == y {
			return 0
		} else if !x {
			return -1
		}
		return 1
	}
	return strings.Compare(c.Text(a), c.Text(b))
}
