package rows

import (
	"strconv"

	"github.com/huntkit/huntkit/frame"
)

// inferText gives a text column the narrowest type every non-null, non-empty value parses
// as: int, float, bool (true/false) or time; otherwise it stays text. Empty text is null
// in a typed column.
func inferText(name string, vals []string, valid []bool) *frame.Column {
	isInt, isFloat, isBool, isTime := true, true, true, true
	seen := 0
	for i, v := range vals {
		if v == "" || valid != nil && !valid[i] {
			continue
		}
		seen++
		if isInt {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				isInt = false
			}
		}
		if !isInt && isFloat && !numeric(v) {
			isFloat = false
		}
		if isBool && v != "true" && v != "false" {
			isBool = false
		}
		if isTime && !timeLike(v) {
			isTime = false
		}
		if !isInt && !isFloat && !isBool && !isTime {
			return frame.NewStrings(name, vals).WithValid(valid)
		}
	}
	if seen == 0 {
		return frame.NewStrings(name, vals).WithValid(valid)
	}
	var t frame.Type
	switch {
	case isInt:
		t = frame.Int
	case isFloat:
		t = frame.Float
	case isBool:
		t = frame.Bool
	default:
		t = frame.Time
	}
	b := frame.NewBuilder(name, t, len(vals))
	for i, v := range vals {
		if v == "" || valid != nil && !valid[i] {
			b.AppendNull()
			continue
		}
		switch t {
		case frame.Int:
			n, _ := strconv.ParseInt(v, 10, 64)
			b.AppendInt(n)
		case frame.Float:
			f, _ := strconv.ParseFloat(v, 64)
			b.AppendFloat(f)
		case frame.Bool:
			b.AppendBool(v == "true")
		default:
			tm, _ := frame.ParseTime(v)
			b.AppendTime(tm)
		}
	}
	return b.Column()
}

// numeric reports whether v is a plain decimal number (no inf, nan or hex forms).
func numeric(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// timeLike reports whether v is a date-time (a date followed by a time); bare dates and
// numbers are not taken as times.
func timeLike(v string) bool {
	if len(v) < 16 || v[4] != '-' || v[7] != '-' {
		return false
	}
	_, ok := frame.ParseTime(v)
	return ok
}
