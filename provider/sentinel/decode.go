package sentinel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// FrameType maps a Log Analytics column type to a frame type (guid and timespan as strings).
func FrameType(t string) frame.Type {
	switch strings.ToLower(t) {
	case "bool", "boolean":
		return frame.Bool
	case "datetime", "date":
		return frame.Time
	case "int", "long":
		return frame.Int
	case "real", "double", "decimal":
		return frame.Float
	case "dynamic":
		return frame.Dynamic
	}
	return frame.String
}

// FromTable converts a response table to a Frame. A value that does not fit its column's
// type is an error naming the row and column.
func FromTable(t *azquery.Table) (*frame.Frame, error) {
	if len(t.Columns) == 0 && len(t.Rows) > 0 {
		return nil, fmt.Errorf("%d rows without columns", len(t.Rows))
	}
	bs := make([]*frame.Builder, len(t.Columns))
	for i, c := range t.Columns {
		name, typ := fmt.Sprintf("Column%d", i+1), ""
		if c != nil && c.Name != nil {
			name = *c.Name
		}
		if c != nil && c.Type != nil {
			typ = string(*c.Type)
		}
		bs[i] = frame.NewBuilder(name, FrameType(typ), len(t.Rows))
	}
	for r, row := range t.Rows {
		if len(row) != len(bs) {
			return nil, fmt.Errorf("row %d has %d values for %d columns", r+1, len(row), len(bs))
		}
		for i, v := range row {
			if err := appendValue(bs[i], v); err != nil {
				return nil, fmt.Errorf("row %d column %s: %w", r+1, bs[i].Column().Name(), err)
			}
		}
	}
	cols := make([]*frame.Column, len(bs))
	for i, b := range bs {
		cols[i] = b.Column()
	}
	return frame.New(cols...)
}

func appendValue(b *frame.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b.Type() {
	case frame.Time:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("datetime %v is not a string", v)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("datetime %q: %w", s, err)
		}
		b.AppendTime(t)
	case frame.Int:
		switch n := v.(type) {
		case float64:
			b.AppendInt(int64(n))
		case string:
			i, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				return fmt.Errorf("long %q: %w", n, err)
			}
			b.AppendInt(i)
		default:
			return fmt.Errorf("long %v (%T)", v, v)
		}
	case frame.Float:
		switch n := v.(type) {
		case float64:
			b.AppendFloat(n)
		case string: // NaN, Infinity, decimals
			f, err := strconv.ParseFloat(strings.TrimPrefix(n, "+"), 64)
			if err != nil {
				return fmt.Errorf("real %q: %w", n, err)
			}
			b.AppendFloat(f)
		default:
			return fmt.Errorf("real %v (%T)", v, v)
		}
	case frame.Dynamic:
		if s, ok := v.(string); ok {
			var x any
			if json.Unmarshal([]byte(s), &x) == nil {
				v = x
			}
		}
		b.AppendDynamic(v)
	case frame.Bool:
		bv, ok := v.(bool)
		if !ok {
			return fmt.Errorf("bool %v (%T)", v, v)
		}
		b.AppendBool(bv)
	default:
		if s, ok := v.(string); ok {
			b.AppendString(s)
		} else {
			b.AppendString(fmt.Sprint(v))
		}
	}
	return nil
}

// errorInfo makes one line of a Log Analytics error object: code, message and the first
// detail or inner error.
func errorInfo(e *azquery.ErrorInfo) string {
	return errorBody([]byte(e.Error()))
}

type laError struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Details []laError `json:"details"`
	Inner   *laError  `json:"innererror"`
	Line    int       `json:"line"`
	Pos     int       `json:"pos"`
}

func errorBody(data []byte) string {
	var e laError
	if err := json.Unmarshal(data, &e); err != nil || (e.Code == "" && e.Message == "") {
		var wrap struct {
			Error *laError `json:"error"`
		}
		if json.Unmarshal(data, &wrap) != nil || wrap.Error == nil {
			return strings.TrimSpace(firstLine(string(data), 200))
		}
		e = *wrap.Error
	}
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	for _, d := range append(e.Details, derefs(e.Inner)...) {
		if d.Message != "" {
			msg += " (" + d.Code + ": " + d.Message
			if d.Line > 0 {
				msg += fmt.Sprintf(" at line %d:%d", d.Line, d.Pos)
			}
			msg += ")"
			break
		}
		if d.Inner != nil && d.Inner.Message != "" {
			msg += " (" + d.Inner.Code + ": " + d.Inner.Message + ")"
			break
		}
	}
	return msg
}

func derefs(e *laError) []laError {
	if e == nil {
		return nil
	}
	return []laError{*e}
}

func firstLine(s string, max int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// describe turns a client error into one line: the HTTP status with the service's error
// code and message, throttling with its Retry-After, or the sign-in failure.
func describe(err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		msg := fmt.Sprintf("HTTP %d", re.StatusCode)
		if re.RawResponse != nil {
			if body, berr := runtime.Payload(re.RawResponse); berr == nil && len(body) > 0 {
				msg += " " + errorBody(body)
			} else if re.ErrorCode != "" {
				msg += " " + re.ErrorCode
			}
			if re.StatusCode == http.StatusTooManyRequests {
				if ra := re.RawResponse.Header.Get("Retry-After"); ra != "" {
					msg += " (throttled; Retry-After " + ra + " s)"
				}
			}
		}
		return fmt.Errorf("%w: %s", ErrQuery, msg)
	}
	if errors.Is(err, azauth.ErrNoCredential) || errors.Is(err, context.Canceled) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: timed out: %s", ErrQuery, azauth.OneLine(err))
	}
	var ke *kql.Error
	if errors.As(err, &ke) {
		return err
	}
	return fmt.Errorf("%w: %s", ErrQuery, azauth.OneLine(err))
}
