package emulate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The Log Analytics search API (POST /v1/workspaces/{id}/search), msticpy's MSSentinelSearch:
// KQL over Basic and Auxiliary tables with a required window ({"query", "start", "end"}),
// answered in the query API's shape.
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST /v1/workspaces/{workspace}/search", s.authed(s.logsSearch))
	})
}

type searchBody struct {
	Query string `json:"query"`
	Start string `json:"start"`
	End   string `json:"end"`
}

func (s *Server) logsSearch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("workspace")
	if !s.knownWorkspace(id) {
		writeAPIError(w, http.StatusNotFound, "WorkspaceNotFoundError", fmt.Sprintf("Workspace %s not found", id), nil)
		return
	}
	var body searchBody
	data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err == nil {
		err = json.Unmarshal(data, &body)
	}
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", &innerErr{Code: "InvalidJsonBody", Message: err.Error()})
		return
	}
	if strings.TrimSpace(body.Query) == "" {
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", &innerErr{Code: "QueryValidationError", Message: "Query is empty"})
		return
	}
	start, errS := time.Parse(time.RFC3339Nano, body.Start)
	end, errE := time.Parse(time.RFC3339Nano, body.End)
	if errS != nil || errE != nil || end.Before(start) {
		writeAPIError(w, http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties",
			&innerErr{Code: "InvalidTimespan", Message: "a search needs start and end (ISO-8601), start before end"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), preferWait(r.Header.Get("Prefer")))
	defer cancel()
	f, err := s.queryWorkspaces(ctx, []string{id}, body.Query, start.UTC(), end.UTC())
	if err != nil {
		s.queryError(w, err)
		return
	}
	resp := map[string]any{}
	if s.opt.RowLimit > 0 && f.Len() > s.opt.RowLimit {
		n := f.Len()
		f = f.Head(s.opt.RowLimit)
		resp["error"] = &apiError{Code: "PartialError", Message: "There were some errors when processing your query.",
			Details: []apiError{{Code: "EngineError", Message: fmt.Sprintf("Query result set has exceeded the internal record count limit %d records (%d rows).", s.opt.RowLimit, n)}}}
	}
	resp["tables"] = []Table{ToTable("PrimaryResult", f)}
	writeJSON(w, http.StatusOK, resp)
}
