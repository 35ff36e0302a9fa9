package emulate

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// huntingRowLimit is the advanced hunting APIs' documented result limit; longer results
// are cut there without an error, as the service does.
const huntingRowLimit = 100000

// The advanced hunting APIs: Defender for Endpoint (POST /api/advancedqueries/run),
// Defender XDR (POST /api/advancedhunting/run) and Microsoft Graph (POST
// /{v1.0|beta}/security/runHuntingQuery), answered by running the KQL on the backend.
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST /api/advancedqueries/run", s.authedAs(writeDefenderError, s.hunting(huntMDE)))
		mux.HandleFunc("POST /api/advancedhunting/run", s.authedAs(writeDefenderError, s.hunting(huntM365D)))
		mux.HandleFunc("POST /v1.0/security/runHuntingQuery", s.graphAuthed(s.hunting(huntGraph)))
		mux.HandleFunc("POST /beta/security/runHuntingQuery", s.graphAuthed(s.hunting(huntGraph)))
	})
}

type huntAPI int

const (
	huntMDE huntAPI = iota
	huntM365D
	huntGraph
)

// graphAuthed wraps a Microsoft Graph handler: 401 with Graph's error body
// (InvalidAuthenticationToken) unless the request carries a valid token.
func (s *Server) graphAuthed(h http.HandlerFunc) http.HandlerFunc {
	return s.authedAs(writeGraphError, h)
}

// authedAs wraps a handler: 401 with the API's own error body (written by fail) unless the
// request carries a valid token the emulator issued for its address.
func (s *Server) authedAs(fail func(w http.ResponseWriter, status int, code, msg string), h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.verify(r); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+s.URL+"/"+s.opt.TenantID+`", error="invalid_token"`)
			fail(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure: "+err.Error())
			return
		}
		h(w, r)
	}
}

// writeGraphError writes Microsoft Graph's error body.
func writeGraphError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"date": time.Now().UTC().Format(time.RFC3339), "request-id": uuid.NewString(), "client-request-id": uuid.NewString()}}})
}

// writeDefenderError writes the Defender APIs' error body ({"error":{code, message, target}}).
func writeDefenderError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg, "target": uuid.NewString()}})
}

func (s *Server) hunting(api huntAPI) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fail := func(status int, code, msg string) {
			if api == huntGraph {
				writeGraphError(w, status, code, msg)
			} else {
				writeDefenderError(w, status, code, msg)
			}
		}
		var body struct {
			Query    string `json:"Query"`
			Timespan string `json:"Timespan"`
		}
		data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err == nil {
			err = json.Unmarshal(data, &body)
		}
		if err != nil {
			fail(http.StatusBadRequest, "BadRequest", "The request body is not valid JSON: "+err.Error())
			return
		}
		if strings.TrimSpace(body.Query) == "" {
			fail(http.StatusBadRequest, "BadRequest", "Query is empty")
			return
		}
		var start, end time.Time
		if api == huntGraph && body.Timespan != "" {
			if start, end, err = parseTimespan(body.Timespan, time.Now().UTC()); err != nil {
				fail(http.StatusBadRequest, "BadRequest", err.Error())
				return
			}
		}
		limit := 10 * time.Minute
		if api == huntMDE {
			limit = 200 * time.Second
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		began := time.Now()
		f, err := s.opt.Backend.Query(ctx, body.Query, start, end)
		if err != nil {
			status, code, msg := huntingError(err)
			fail(status, code, msg)
			return
		}
		if f.Len() > huntingRowLimit {
			f = f.Head(huntingRowLimit)
		}
		schema, results := huntingRows(f, api == huntGraph)
		switch api {
		case huntGraph:
			writeJSON(w, http.StatusOK, map[string]any{
				"@odata.context": s.URL + "/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
				"schema":         schema, "results": results})
		case huntM365D:
			writeJSON(w, http.StatusOK, map[string]any{
				"Stats": map[string]any{"ExecutionTime": time.Since(began).Seconds(),
					"resource_usage":     map[string]any{"cache": map[string]any{}, "cpu": map[string]any{}, "memory": map[string]any{}},
					"dataset_statistics": []map[string]any{{"table_row_count": f.Len()}}},
				"Schema": schema, "Results": results})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"Schema": schema, "Results": results})
		}
	}
}

// huntingError maps a backend failure to the advanced hunting APIs' answers.
func huntingError(err error) (int, string, string) {
	var ke *kql.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusRequestTimeout, "Timeout", "Query execution has exceeded the allowed limits. The query execution was preempted."
	case errors.As(err, &ke):
		return http.StatusBadRequest, "BadRequest", ke.Error()
	case errors.Is(err, kql.ErrUnsupported) || errors.Is(err, kql.ErrUnknownName):
		return http.StatusBadRequest, "BadRequest", oneLine(err.Error())
	}
	return http.StatusInternalServerError, "InternalServerError", "The query could not be run: " + oneLine(err.Error())
}

// DefenderType names a frame type as the advanced hunting schema does.
func DefenderType(t frame.Type) string {
	switch t {
	case frame.Int:
		return "Int64"
	case frame.Float:
		return "Double"
	case frame.Bool:
		return "Boolean"
	case frame.Time:
		return "DateTime"
	case frame.Dynamic:
		return "Object"
	}
	return "String"
}

// huntingRows writes a Frame as the APIs' schema and row objects (Graph spells the schema
// keys in lower case).
func huntingRows(f *frame.Frame, graph bool) ([]map[string]string, []map[string]any) {
	nameKey, typeKey := "Name", "Type"
	if graph {
		nameKey, typeKey = "name", "type"
	}
	cols := f.Columns()
	schema := make([]map[string]string, len(cols))
	for i, c := range cols {
		schema[i] = map[string]string{nameKey: c.Name(), typeKey: DefenderType(c.Type())}
	}
	results := make([]map[string]any, f.Len())
	for i := range results {
		row := make(map[string]any, len(cols))
		for _, c := range cols {
			row[c.Name()] = jsonValue(c, i)
		}
		results[i] = row
	}
	return schema, results
}

// jsonValue is one cell as JSON writes it: datetimes in ISO 8601 with seven fractional
// digits, non-finite floats as text, nulls as null.
func jsonValue(c *frame.Column, i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.Type() {
	case frame.Time:
		return c.Time(i).UTC().Format("2006-01-02T15:04:05.0000000Z")
	case frame.Float:
		switch v := c.Float(i); {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		default:
			return v
		}
	}
	return c.Value(i)
}
