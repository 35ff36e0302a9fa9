package splunk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// ErrSearch marks a search Splunk refused or failed (a FATAL or ERROR message).
var ErrSearch = errors.New("splunk search failed")

// Query runs an SPL search through search/jobs/export and returns every row. The query
// window (req.Start, req.End) is sent as earliest_time/latest_time. A stream that stops
// early (connection cut, timeout, a malformed line, a FATAL message after rows) returns the
// rows so far with the Frame flagged partial (frame.Partial matches remote.ErrPartial).
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	switch strings.ToLower(req.Language) {
	case "", "spl", "splunk":
	default:
		return nil, fmt.Errorf("splunk: unsupported query language %q (want spl)", req.Language)
	}
	text := SearchText(req.Text)
	if text == "" {
		return nil, fmt.Errorf("splunk: empty query")
	}
	if d.set.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.set.Timeout)
		defer cancel()
	}
	form := url.Values{"search": {text}, "output_mode": {"json"}, "count": {"0"}}
	if !req.Start.IsZero() {
		form.Set("earliest_time", epoch(req.Start))
	}
	if !req.End.IsZero() {
		form.Set("latest_time", epoch(req.End))
	}
	resp, err := d.do(ctx, http.MethodPost, d.path("search/jobs/export"), form)
	if err != nil {
		return nil, err
	}
	defer resp.Close()
	return decodeExport(ctx, resp)
}

// SearchText makes SPL runnable by the export endpoint: a query that starts with neither
// "search" nor "|" (a generating command) gets "search " in front, as Splunk's UI does.
func SearchText(q string) string {
	q = strings.TrimSpace(q)
	if q == "" || strings.HasPrefix(q, "|") {
		return q
	}
	first := strings.ToLower(strings.Fields(q)[0])
	if first == "search" {
		return q
	}
	return "search " + q
}

func epoch(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// decodeExport reads the export stream: one JSON object per line, each either a result
// ({"preview":false,"offset":N,"result":{...}}, "lastrow" on the last) or messages
// ({"messages":[{"type":"FATAL","text":...}]}). Preview results are skipped: the final
// results follow them.
func decodeExport(ctx context.Context, body io.Reader) (*frame.Frame, error) {
	c := &rows.Collector{InferText: true}
	dec := jsontext.NewDecoder(body, rows.DecoderOptions...)
	for {
		if ctx.Err() != nil {
			return remote.Finish("splunk", c, ctx.Err())
		}
		if dec.PeekKind() == 0 {
			if _, err := dec.ReadToken(); err == io.EOF {
				break
			} else if err != nil {
				return remote.Finish("splunk", c, streamErr(ctx, err))
			}
		}
		if err := exportLine(dec, c); err != nil {
			return remote.Finish("splunk", c, streamErr(ctx, err))
		}
	}
	return remote.Finish("splunk", c, nil)
}

// streamErr describes why the stream stopped.
func streamErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, ErrSearch):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the stream ended in the middle of a result: %w", err)
	case errors.As(err, &se) || errors.Is(err, rows.ErrShape):
		return fmt.Errorf("%w: %v", remote.ErrMalformed, err)
	}
	return err
}

// exportLine reads one object of the stream into c.
func exportLine(dec *jsontext.Decoder, c *rows.Collector) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("%w: a line of the export is not an object", rows.ErrShape)
	}
	preview, hasResult := false, false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch name.String() {
		case "preview":
			v, err := dec.ReadToken()
			if err != nil {
				return err
			}
			preview = v.Kind() == 't'
		case "result":
			if preview || dec.PeekKind() != '{' {
				if err := dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			if err := c.Object(dec, false); err != nil {
				return err
			}
			hasResult = true
		case "messages":
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			var m messages
			if err := json.Unmarshal(v, &m.Messages); err == nil {
				if txt := m.text("FATAL", "ERROR"); txt != "" {
					return fmt.Errorf("%w: %s", ErrSearch, txt)
				}
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if hasResult {
		c.EndRow()
	}
	return nil
}
