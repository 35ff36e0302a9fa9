package emulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// queryBody is the Log Analytics query request (POST /v1/workspaces/{id}/query).
type queryBody struct {
	Query      string   `json:"query"`
	Timespan   string   `json:"timespan,omitempty"`
	Workspaces []string `json:"workspaces,omitempty"`
}

// Table and Column are the Log Analytics response shapes ({"tables":[{name, columns, rows}]}).
type Table struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// Column is one column of a response table; Type is a Kusto type name.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// apiError is the documented error body: {"error": {code, message, innererror}}.
type apiError struct {
	Code        string     `json:"code"`
	Message     string     `json:"message"`
	Correlation string     `json:"correlationId,omitempty"`
	Details     []apiError `json:"details,omitempty"`
	Inner       *innerErr  `json:"innererror,omitempty"`
}

type innerErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Pos     int    `json:"pos,omitempty"`
	Token   string `json:"token,omitempty"`
}

func writeAPIError(w http.ResponseWriter, status int, code, msg string, inner *innerErr) {
	writeJSON(w, status, map[string]any{"error": apiError{Code: code, Message: msg, Correlation: uuid.NewString(), Inner: inner}})
}

// logsQuery answers POST (and GET) /v1/workspaces/{id}/query.
func (s *Server) logsQuery(w http.ResponseWriter, r *http.Request) {
	var body queryBody
	switch r.Method {
	case http.MethodPost:
		data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err == nil {
			err = json.Unmarshal(data, &body)
		}
		if err != nil {
			writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", &innerErr{Code: "InvalidJsonBody", Message: err.Error()})
			return
		}
	case http.MethodGet:
		q := r.URL.Query()
		body.Query, body.Timespan = q.Get("query"), q.Get("timespan")
		if ws := q.Get("workspaces"); ws != "" {
			body.Workspaces = strings.Split(ws, ",")
		}
	}
	for _, id := range append([]string{r.PathValue("workspace")}, body.Workspaces...) {
		if !s.knownWorkspace(id) {
			writeAPIError(w, http.StatusNotFound, "WorkspaceNotFoundError", fmt.Sprintf("Workspace %s not found", id), nil)
			return
		}
	}
	if strings.TrimSpace(body.Query) == "" {
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", &innerErr{Code: "QueryValidationError", Message: "Query is empty"})
		return
	}
	start, end, err := parseTimespan(body.Timespan, time.Now().UTC())
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", &innerErr{Code: "InvalidTimespan", Message: err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), preferWait(r.Header.Get("Prefer")))
	defer cancel()
	f, err := s.queryWorkspaces(ctx, append([]string{r.PathValue("workspace")}, body.Workspaces...), body.Query, start, end)
	if err != nil {
		s.queryError(w, err)
		return
	}
	resp := map[string]any{}
	var partial *apiError
	if s.opt.RowLimit > 0 && f.Len() > s.opt.RowLimit {
		n := f.Len()
		f = f.Head(s.opt.RowLimit)
		partial = &apiError{Code: "PartialError", Message: "There were some errors when processing your query.",
			Details: []apiError{{Code: "EngineError", Message: fmt.Sprintf("Query result set has exceeded the internal record count limit %d records (%d rows).", s.opt.RowLimit, n),
				Inner: &innerErr{Code: "-2133196797", Message: "Query result set has exceeded the internal record count limit"}}}}
	}
	resp["tables"] = []Table{ToTable("PrimaryResult", f)}
	if partial != nil {
		resp["error"] = partial
	}
	writeJSON(w, http.StatusOK, resp)
}

// queryWorkspaces runs the query once per distinct workspace and stacks the results, as
// Log Analytics unions the workspaces of a cross-workspace query. Every workspace is served
// from the one backend; with several, a TenantId column (which in Log Analytics holds the
// workspace id) is set to each row's workspace id so the rows tell where they came from.
func (s *Server) queryWorkspaces(ctx context.Context, ids []string, q string, start, end time.Time) (*frame.Frame, error) {
	var distinct []string
	seen := map[string]bool{}
	for _, id := range ids {
		if k := strings.ToLower(id); !seen[k] {
			seen[k] = true
			distinct = append(distinct, id)
		}
	}
	parts := make([]*frame.Frame, 0, len(distinct))
	for _, id := range distinct {
		f, err := s.opt.Backend.Query(ctx, q, start, end)
		if err != nil {
			return nil, err
		}
		if len(distinct) > 1 {
			if c := f.Col("TenantId"); c != nil && c.Type() == frame.String {
				vals := make([]string, f.Len())
				for k := range vals {
					vals[k] = id
				}
				if err := f.AddColumn(frame.NewStrings("TenantId", vals)); err != nil {
					return nil, err
				}
			}
		}
		parts = append(parts, f)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return frame.Concat(parts...)
}

// queryError answers a query the backend refused: KQL errors with the Kusto error shape and
// the compiler's message (400), time-outs with 504, the rest 500.
func (s *Server) queryError(w http.ResponseWriter, err error) {
	var ke *kql.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		writeAPIError(w, http.StatusGatewayTimeout, "GatewayTimeout", "The query exceeded the server timeout", nil)
	case errors.As(err, &ke):
		code := "SyntaxError"
		if errors.Is(err, kql.ErrUnknownName) {
			code = "SemanticError"
		} else if errors.Is(err, kql.ErrUnsupported) {
			code = "UnsupportedError"
		}
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties",
			&innerErr{Code: code, Message: ke.Msg, Line: ke.Line, Pos: ke.Col})
	case errors.Is(err, kql.ErrUnsupported) || errors.Is(err, kql.ErrUnknownName):
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties",
			&innerErr{Code: "SemanticError", Message: err.Error()})
	default:
		writeAPIError(w, http.StatusInternalServerError, "InternalServerError", "The query could not be run: "+oneLine(err.Error()), nil)
	}
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

var waitRE = regexp.MustCompile(`wait=(\d+)`)

// preferWait reads the server timeout from "Prefer: wait=N" (default 180 s, at most 600).
func preferWait(h string) time.Duration {
	if m := waitRE.FindStringSubmatch(h); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return time.Duration(min(n, 600)) * time.Second
		}
	}
	return 180 * time.Second
}

// parseTimespan reads an ISO-8601 interval: "start/end", "start/duration", "duration/end" or
// a bare duration ending now. Empty means unbounded (zero times).
func parseTimespan(s string, now time.Time) (time.Time, time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, time.Time{}, nil
	}
	a, b, two := strings.Cut(s, "/")
	if !two {
		d, err := isoDuration(a)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return now.Add(-d), now, nil
	}
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	switch {
	case errA == nil && errB == nil:
		return ta.UTC(), tb.UTC(), nil
	case errA == nil:
		d, err := isoDuration(b)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return ta.UTC(), ta.Add(d).UTC(), nil
	case errB == nil:
		d, err := isoDuration(a)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return tb.Add(-d).UTC(), tb.UTC(), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("timespan %q: want start/end in ISO-8601", s)
}

var isoDurRE = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// isoDuration reads an ISO-8601 duration of weeks, days, hours, minutes and seconds.
func isoDuration(s string) (time.Duration, error) {
	m := isoDurRE.FindStringSubmatch(strings.ToUpper(s))
	if m == nil || s == "P" || strings.HasSuffix(strings.ToUpper(s), "T") {
		return 0, fmt.Errorf("timespan %q: not an ISO-8601 duration", s)
	}
	var d time.Duration
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
	for i, u := range units {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * u
		}
	}
	if m[5] != "" {
		f, _ := strconv.ParseFloat(m[5], 64)
		d += time.Duration(f * float64(time.Second))
	}
	return d, nil
}

// KustoType names a frame type as Log Analytics does.
func KustoType(t frame.Type) string {
	switch t {
	case frame.Int:
		return "long"
	case frame.Float:
		return "real"
	case frame.Bool:
		return "bool"
	case frame.Time:
		return "datetime"
	case frame.Dynamic:
		return "dynamic"
	}
	return "string"
}

// ToTable writes a Frame as a Log Analytics table: datetimes as RFC 3339 strings, dynamic
// values as JSON text, nulls as null.
func ToTable(name string, f *frame.Frame) Table {
	t := Table{Name: name, Rows: make([][]any, f.Len())}
	cols := f.Columns()
	for _, c := range cols {
		t.Columns = append(t.Columns, Column{Name: c.Name(), Type: KustoType(c.Type())})
	}
	for i := 0; i < f.Len(); i++ {
		row := make([]any, len(cols))
		for j, c := range cols {
			if c.IsNull(i) {
				continue
			}
			switch c.Type() {
			case frame.Time:
				row[j] = c.Time(i).UTC().Format("2006-01-02T15:04:05.0000000Z")
			case frame.Dynamic:
				b, err := json.Marshal(c.Value(i))
				if err == nil {
					row[j] = string(b)
				}
			case frame.Float:
				// JSON has no NaN or infinities; Kusto writes them as strings.
				switch f := c.Float(i); {
				case math.IsNaN(f):
					row[j] = "NaN"
				case math.IsInf(f, 1):
					row[j] = "Infinity"
				case math.IsInf(f, -1):
					row[j] = "-Infinity"
				default:
					row[j] = f
				}
			default:
				row[j] = c.Value(i)
			}
		}
		t.Rows[i] = row
	}
	return t
}
