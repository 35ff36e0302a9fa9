// Package risk flags risky command lines and sudo sessions on Linux hosts: a command-line
// scorer driven by a rules file of regular expressions per log type (users extend it with
// their own file), bursts of commands run faster than a person types, sudo/pam logon
// sessions rebuilt from syslog messages, and the sessions in which risky or fast commands
// ran (msticpy's cmd_line and syslog_utils).
package risk

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// ErrInput says that events, rules or options cannot be used.
var ErrInput = errors.New("risk")

//go:embed rules.json
var defaultRules []byte

// Rules are regular expressions per log type; a command matches a rule when the
// expression matches at its start (add a leading .* to match anywhere).
type Rules map[string][]*regexp.Regexp

// DefaultRules returns huntkit's built-in rules (log type "Syslog").
func DefaultRules() Rules {
	r, err := ParseRules(defaultRules, "built-in rules")
	if err != nil {
		panic(err) // embedded at build time and tested
	}
	return r
}

// ParseRules reads a rules file: a JSON object of log type to a list of regular
// expressions, the format of msticpy's cmd_line_rules.json.
func ParseRules(data []byte, name string) (Rules, error) {
	var raw map[string][]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: rules %s: %v (want {\"LogType\": [\"regex\", ...]})", ErrInput, name, err)
	}
	out := Rules{}
	for typ, list := range raw {
		for i, s := range list {
			re, err := regexp.Compile(`^(?:` + s + `)`)
			if err != nil {
				return nil, fmt.Errorf("%w: rules %s: %s[%d]: %v", ErrInput, name, typ, i, err)
			}
			out[typ] = append(out[typ], re)
		}
	}
	return out, nil
}

// LoadRules reads a rules file and adds its rules to the built-in ones.
func LoadRules(path string) (Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	extra, err := ParseRules(data, path)
	if err != nil {
		return nil, err
	}
	r := DefaultRules()
	for k, v := range extra {
		r[k] = append(r[k], v...)
	}
	return r, nil
}

// Event is one command with its time.
type Event struct {
	Time    time.Time
	Command string
}

// Hit is a command that matched a rule.
type Hit struct {
	Event
	Rule string
}

// RiskyCommands returns the events whose command matches a rule of logType, in input
// order, each with the first rule it matched. Empty commands are skipped.
func RiskyCommands(events []Event, rules Rules, logType string) ([]Hit, error) {
	rs, ok := rules[logType]
	if !ok {
		var types []string
		for k := range rules {
			types = append(types, k)
		}
		sort.Strings(types)
		return nil, fmt.Errorf("%w: no rules for log type %q (have %s)", ErrInput, logType, strings.Join(types, ", "))
	}
	var out []Hit
	for _, e := range events {
		if e.Command == "" {
			continue
		}
		for _, re := range rs {
			if re.MatchString(e.Command) {
				out = append(out, Hit{e, strings.TrimSuffix(strings.TrimPrefix(re.String(), "^(?:"), ")")})
				break
			}
		}
	}
	return out, nil
}

// Burst is n commands run within less than the window: Events[0] to Events[n-1], and the
// time from the first to the (n+1)th command.
type Burst struct {
	Events []Event
	Span   time.Duration
}

// FastCommands finds bursts as msticpy's cmd_speed does: for each run of n+1 commands in
// input order (empty ones dropped), a burst when the (n+1)th comes less than window after
// the first; bursts are listed from the last run back to the first.
func FastCommands(events []Event, window time.Duration, n int) []Burst {
	var acts []Event
	for _, e := range events {
		if e.Command != "" {
			acts = append(acts, e)
		}
	}
	var out []Burst
	for i := len(acts) - (n + 1); i >= 0; i-- {
		if d := acts[i+n].Time.Sub(acts[i].Time); d < window {
			out = append(out, Burst{Events: slices.Clone(acts[i : i+n]), Span: d})
		}
	}
	return out
}

// Session is a logon session rebuilt from pam_unix messages.
type Session struct {
	User       string
	Start, End time.Time
	// Reason says why a session is risky: the risky command, or "Suspicious event pattern".
	Reason string
}

// LogonMessage is a syslog message with its time and user (the User or Sudoer column).
type LogonMessage struct {
	Time          time.Time
	Message, User string
}

var (
	opened = regexp.MustCompile(`pam_unix.+session opened`)
	closed = regexp.MustCompile(`pam_unix.+session closed`)
)

// LogonSessions pairs pam_unix "session opened" and "session closed" messages into
// sessions as msticpy's cluster_syslog_logons_df does: both lists in time order, an open
// pairs with the next close not before it, and opens before the end of the previous
// session are skipped.
func LogonSessions(msgs []LogonMessage) ([]Session, error) {
	var ops, cls []LogonMessage
	var last time.Time
	for _, m := range msgs {
		if m.Time.After(last) {
			last = m.Time
		}
		switch {
		case opened.MatchString(m.Message):
			ops = append(ops, m)
		case closed.MatchString(m.Message):
			cls = append(cls, m)
		}
	}
	if len(ops) == 0 || len(cls) == 0 {
		return nil, fmt.Errorf("%w: no logon sessions (pam_unix session opened/closed messages) in the data", ErrInput)
	}
	byTime := func(a, b LogonMessage) int { return a.Time.Compare(b.Time) }
	slices.SortStableFunc(ops, byTime)
	slices.SortStableFunc(cls, byTime)
	var out []Session
	closeTime := last
	i, j := 0, 0
	for i < len(ops) && j < len(cls) {
		start, end := ops[i].Time, cls[j].Time
		if !start.After(closeTime) && i != 0 {
			i++
			continue
		}
		if end.Before(start) {
			j++
			continue
		}
		user := ops[i].User
		if user == "" {
			user = "Unknown"
		}
		out = append(out, Session{User: user, Start: start, End: end})
		closeTime = end
		i++
		j++
	}
	return out, nil
}

// RiskySessions marks the sessions in which a risky command ran (Reason: the command) or
// in which the second command of a burst ran ("Suspicious event pattern", as msticpy
// dates a burst), and returns them in session order.
func RiskySessions(sessions []Session, risky []Hit, bursts []Burst) []Session {
	reason := map[int]string{}
	in := func(t time.Time, s Session) bool { return !t.Before(s.Start) && !t.After(s.End) }
	for _, h := range risky {
		for k, s := range sessions {
			if in(h.Time, s) {
				reason[k] = h.Command
			}
		}
	}
	for _, b := range bursts {
		if len(b.Events) < 2 {
			continue
		}
		for k, s := range sessions {
			if in(b.Events[1].Time, s) {
				reason[k] = "Suspicious event pattern"
			}
		}
	}
	var out []Session
	for k, s := range sessions {
		if r, ok := reason[k]; ok {
			s.Reason = r
			out = append(out, s)
		}
	}
	return out
}
