package risk

import (
	"fmt"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

func timeOf(f *frame.Frame, name string) (*frame.Column, error) {
	c := f.Col(name)
	if c == nil || c.Type() != frame.Time {
		return nil, fmt.Errorf("%w: time column %q: not a time column of the table (columns: %s)", ErrInput, name, strings.Join(f.Names(), ", "))
	}
	return c, nil
}

// EventsFromFrame reads commands (column cmd) and their times (column timeCol).
func EventsFromFrame(f *frame.Frame, timeCol, cmd string) ([]Event, error) {
	tc, err := timeOf(f, timeCol)
	if err != nil {
		return nil, err
	}
	cc := f.Col(cmd)
	if cc == nil {
		return nil, fmt.Errorf("%w: command column %q not in the table (columns: %s)", ErrInput, cmd, strings.Join(f.Names(), ", "))
	}
	var out []Event
	for i := range f.Len() {
		if tc.IsNull(i) || cc.IsNull(i) {
			continue
		}
		out = append(out, Event{Time: tc.Time(i), Command: cc.Str(i)})
	}
	return out, nil
}

// LogonsFromFrame reads syslog messages (SyslogMessage) with their times and users (the
// User column, else Sudoer).
func LogonsFromFrame(f *frame.Frame, timeCol string) ([]LogonMessage, error) {
	tc, err := timeOf(f, timeCol)
	if err != nil {
		return nil, err
	}
	mc := f.Col("SyslogMessage")
	if mc == nil {
		return nil, fmt.Errorf("%w: no SyslogMessage column (columns: %s)", ErrInput, strings.Join(f.Names(), ", "))
	}
	uc := f.Col("User")
	if uc == nil {
		uc = f.Col("Sudoer")
	}
	var out []LogonMessage
	for i := range f.Len() {
		if tc.IsNull(i) || mc.IsNull(i) {
			continue
		}
		m := LogonMessage{Time: tc.Time(i), Message: mc.Str(i)}
		if uc != nil && !uc.IsNull(i) {
			m.User = uc.Str(i)
		}
		out = append(out, m)
	}
	return out, nil
}

// SessionsFrame returns sessions as a frame: User, Start, End, Reason.
func SessionsFrame(ss []Session) *frame.Frame {
	users, reasons := make([]string, len(ss)), make([]string, len(ss))
	starts, ends := make([]time.Time, len(ss)), make([]time.Time, len(ss))
	for i, s := range ss {
		users[i], starts[i], ends[i], reasons[i] = s.User, s.Start, s.End, s.Reason
	}
	return frame.MustNew(frame.NewStrings("User", users), frame.NewTimes("Start", starts), frame.NewTimes("End", ends), frame.NewStrings("Reason", reasons))
}

// HitsFrame returns risky commands as a frame: TimeGenerated, Command, Rule.
func HitsFrame(hs []Hit) *frame.Frame {
	ts, cmds, rules := make([]time.Time, len(hs)), make([]string, len(hs)), make([]string, len(hs))
	for i, h := range hs {
		ts[i], cmds[i], rules[i] = h.Time, h.Command, h.Rule
	}
	return frame.MustNew(frame.NewTimes("TimeGenerated", ts), frame.NewStrings("Command", cmds), frame.NewStrings("Rule", rules))
}
