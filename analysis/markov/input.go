package markov

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/huntkit/huntkit/frame"
)

// FromValue reads one session from a decoded JSON value: a list of command names
// (Commands), or a list of {"name": ..., "params": [...]} (Params) or {"name": ...,
// "params": {"p": "v", ...}} (Values) objects. A JSON string holding such a list is read
// too. Parameters with a null value are absent (a table reader fills the keys other
// rows use with nulls); object parameters are taken in name order. The level is what the
// value shows (0 for an empty list).
func FromValue(v any) (Session, Level, error) {
	if s, ok := v.(string); ok {
		var dec any
		if err := json.Unmarshal([]byte(s), &dec); err != nil {
			return nil, 0, fmt.Errorf("%w: not a JSON list of commands: %v", ErrInput, err)
		}
		v = dec
	}
	list, ok := v.([]any)
	if !ok {
		return nil, 0, fmt.Errorf("%w: want a list of commands, have %s", ErrInput, kind(v))
	}
	s := make(Session, 0, len(list))
	var level Level
	for i, e := range list {
		c, l, err := cmdOf(e)
		if err != nil {
			return nil, 0, fmt.Errorf("command %d: %w", i+1, err)
		}
		level = max(level, l)
		s = append(s, c)
	}
	return s, level, nil
}

func cmdOf(e any) (Cmd, Level, error) {
	switch e := e.(type) {
	case string:
		return Cmd{Name: e}, Commands, nil
	case map[string]any:
		name, ok := e["name"].(string)
		if !ok || name == "" {
			return Cmd{}, 0, fmt.Errorf("%w: want a \"name\" string in %s", ErrInput, kind(e))
		}
		c := Cmd{Name: name}
		switch ps := e["params"].(type) {
		case nil:
			return c, Params, nil
		case []any:
			for _, p := range ps {
				if p == nil {
					continue
				}
				s, ok := p.(string)
				if !ok {
					return Cmd{}, 0, fmt.Errorf("%w: %s: parameter names must be strings, have %s", ErrInput, name, kind(p))
				}
				c.Params = append(c.Params, Param{Name: s})
			}
			return c, Params, nil
		case map[string]any:
			keys := make([]string, 0, len(ps))
			for k, v := range ps {
				if v != nil {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				c.Params = append(c.Params, Param{Name: k, Value: text(ps[k])})
			}
			return c, Values, nil
		default:
			return Cmd{}, 0, fmt.Errorf("%w: %s: \"params\" must be a list or an object, have %s", ErrInput, name, kind(ps))
		}
	}
	return Cmd{}, 0, fmt.Errorf("%w: want a command name or an object with name and params, have %s", ErrInput, kind(e))
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// FromColumn reads the sessions of a table column (a list per row, as FromValue reads, or
// JSON text of one). The level is the highest one the rows show (Commands when none do).
// Errors name the row.
func FromColumn(c *frame.Column) ([]Session, Level, error) {
	out := make([]Session, c.Len())
	level := Level(0)
	for i := range c.Len() {
		if c.IsNull(i) {
			continue
		}
		s, l, err := FromValue(c.Value(i))
		if err != nil {
			return nil, 0, fmt.Errorf("column %s, row %d: %w", c.Name(), i+1, err)
		}
		out[i], level = s, max(level, l)
	}
	if level == 0 {
		level = Commands
	}
	return out, level, nil
}

// WindowValue renders commands as a JSON-ready list in the shape FromValue reads.
func WindowValue(s Session, level Level) []any {
	out := make([]any, len(s))
	for i, c := range s {
		switch level {
		case Commands:
			out[i] = c.Name
		case Params:
			ps := make([]any, len(c.Params))
			for j, p := range c.Params {
				ps[j] = p.Name
			}
			out[i] = map[string]any{"name": c.Name, "params": ps}
		default:
			ps := map[string]any{}
			for _, p := range c.Params {
				ps[p.Name] = p.Value
			}
			out[i] = map[string]any{"name": c.Name, "params": ps}
		}
	}
	return out
}
