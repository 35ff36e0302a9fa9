package emulate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// DefaultKustoDatabase is the database the emulated Azure Data Explorer cluster serves when
// Options.KustoDatabases names none.
const DefaultKustoDatabase = "SecurityLogs"

// The Azure Data Explorer REST API (https://learn.microsoft.com/kusto/api/rest/): queries on
// /v2/rest/query (v2 frames) and /v1/rest/query (v1 tables), management commands on
// /v1/rest/mgmt, and the unauthenticated /v1/rest/auth/metadata clients read to learn the
// authority and the token audience (both the emulator's base URL).
func init() {
	routeSets = append(routeSets, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /v1/rest/auth/metadata", s.kustoMetadata)
		mux.HandleFunc("POST /v2/rest/query", s.authed(s.kustoHandler(kustoV2)))
		mux.HandleFunc("POST /v1/rest/query", s.authed(s.kustoHandler(kustoV1)))
		mux.HandleFunc("POST /v1/rest/mgmt", s.authed(s.kustoHandler(kustoMgmt)))
	})
}

// KustoDatabases returns the databases the emulated cluster serves.
func (s *Server) KustoDatabases() []string {
	if len(s.opt.KustoDatabases) == 0 {
		return []string{DefaultKustoDatabase}
	}
	return append([]string(nil), s.opt.KustoDatabases...)
}

func (s *Server) kustoDatabase(name string) (string, bool) {
	for _, d := range s.KustoDatabases() {
		if strings.EqualFold(d, name) {
			return d, true
		}
	}
	return "", false
}

// kustoMetadata answers GET /v1/rest/auth/metadata: the emulator is its own authority and
// the audience of the cluster's tokens.
func (s *Server) kustoMetadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"AzureAD": map[string]any{
		"LoginEndpoint":          s.URL,
		"LoginMfaRequired":       false,
		"KustoClientAppId":       s.opt.ClientID,
		"KustoClientRedirectUri": "https://microsoft/kustoclient",
		"KustoServiceResourceId": s.URL,
		"FirstPartyAuthorityUrl": s.URL + "/" + s.opt.TenantID,
	}})
}

type kustoCall int

const (
	kustoV2 kustoCall = iota
	kustoV1
	kustoMgmt
)

// kustoBody is a query or command request: {"db", "csl", "properties"}; properties is an
// object (the Go and .NET clients) or a JSON string holding one (the Python client).
type kustoBody struct {
	DB         string          `json:"db"`
	CSL        string          `json:"csl"`
	Properties json.RawMessage `json:"properties"`
}

// kustoProps are the request properties the emulator honours.
type kustoProps struct {
	Options map[string]any `json:"Options"`
}

func (p kustoProps) flag(name string) bool {
	switch v := p.Options[name].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

func (p kustoProps) number(name string) int {
	switch v := p.Options[name].(type) {
	case float64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

// scope reads query_datetimescope_from / _to (the window the client limits every table's
// TimeGenerated to); zero times when not given.
func (p kustoProps) scope() (time.Time, time.Time) {
	get := func(name string) time.Time {
		s, _ := p.Options[name].(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}
		}
		return t.UTC()
	}
	from, to := get("query_datetimescope_from"), get("query_datetimescope_to")
	if from.IsZero() && to.IsZero() {
		return from, to
	}
	if to.IsZero() {
		to = time.Now().UTC()
	}
	return from, to
}

func parseKustoBody(r *http.Request) (kustoBody, kustoProps, error) {
	var body kustoBody
	var props kustoProps
	data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return body, props, err
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return body, props, fmt.Errorf("request body is not JSON: %v", err)
	}
	raw := body.Properties
	var text string
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return body, props, fmt.Errorf("properties: %v", err)
		}
		raw = json.RawMessage(text)
	}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &props); err != nil {
			return body, props, fmt.Errorf("properties: %v", err)
		}
	}
	return body, props, nil
}

// kustoHandler answers one of the REST endpoints.
func (s *Server) kustoHandler(call kustoCall) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, props, err := parseKustoBody(r)
		if err != nil {
			writeKustoError(w, http.StatusBadRequest, "BadRequest_InvalidArgument", "Kusto.Data.Exceptions.KustoBadRequestException", err.Error(), true)
			return
		}
		db, ok := s.kustoDatabase(body.DB)
		if !ok && !(call == kustoMgmt && body.DB == "") {
			writeKustoError(w, http.StatusBadRequest, "BadRequest_EntityNotFound", "Kusto.Data.Exceptions.EntityNotFoundException",
				fmt.Sprintf("Entity ID '%s' of kind 'Database' was not found.", body.DB), true)
			return
		}
		csl := strings.TrimSpace(body.CSL)
		if csl == "" {
			writeKustoError(w, http.StatusBadRequest, "BadRequest_EmptyQuery", "Kusto.Data.Exceptions.KustoBadRequestException", "The query is empty.", true)
			return
		}
		isCommand := strings.HasPrefix(csl, ".")
		switch {
		case call == kustoMgmt && !isCommand:
			writeKustoError(w, http.StatusBadRequest, "BadRequest_InvalidArgument", "Kusto.Data.Exceptions.KustoBadRequestException",
				"Management commands start with a dot ('.'); send queries to /v2/rest/query.", true)
			return
		case call != kustoMgmt && isCommand:
			writeKustoError(w, http.StatusBadRequest, "BadRequest_InvalidArgument", "Kusto.Data.Exceptions.KustoBadRequestException",
				"Control commands (starting with a dot '.') are sent to /v1/rest/mgmt, not to the query endpoint.", true)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), serverTimeout(props))
		defer cancel()
		if call == kustoMgmt {
			s.kustoCommand(ctx, w, db, csl)
			return
		}
		start, end := props.scope()
		f, err := s.opt.Backend.Query(ctx, csl, start, end)
		if err != nil {
			kustoQueryError(w, err)
			return
		}
		limit := s.opt.RowLimit
		if n := props.number("truncationmaxrecords"); n > 0 && (limit == 0 || n < limit) {
			limit = n
		}
		if props.flag("notruncation") {
			limit = 0
		}
		var partial *kustoErr
		if limit > 0 && f.Len() > limit {
			f = f.Head(limit)
			partial = &kustoErr{Code: "LimitsExceeded", Message: "Request is invalid and cannot be executed.",
				Type:      "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
				Detail:    fmt.Sprintf("Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of %d records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003).", limit),
				Permanent: false}
		}
		if call == kustoV1 {
			writeV1(w, []v1Table{v1FromFrame("Table_0", f, partial)})
			return
		}
		writeV2(w, f, partial, props.flag("results_v2_fragment_primary_tables"), r.Header.Get("x-ms-client-request-id"))
	}
}

var timespanRE = regexp.MustCompile(`^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$`)

// serverTimeout reads the servertimeout property ([d.]hh:mm:ss[.fffffff]); default four
// minutes, at most an hour.
func serverTimeout(p kustoProps) time.Duration {
	s, _ := p.Options["servertimeout"].(string)
	m := timespanRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 4 * time.Minute
	}
	n := func(i int) time.Duration { v, _ := strconv.Atoi(m[i]); return time.Duration(v) }
	d := n(1)*24*time.Hour + n(2)*time.Hour + n(3)*time.Minute + n(4)*time.Second
	if m[5] != "" {
		frac, _ := strconv.ParseFloat("0."+m[5], 64)
		d += time.Duration(frac * float64(time.Second))
	}
	if d <= 0 {
		return 4 * time.Minute
	}
	return min(d, time.Hour)
}

// kustoErr is Kusto's OneApi error: {"error": {code, message, @type, @message, @context,
// @permanent}}.
type kustoErr struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Type      string         `json:"@type"`
	Detail    string         `json:"@message"`
	Context   map[string]any `json:"@context"`
	Permanent bool           `json:"@permanent"`
}

func newKustoErr(code, typ, detail string, permanent bool) kustoErr {
	msg := "Request is invalid and cannot be executed."
	if !permanent {
		msg = "Query execution failed."
	}
	return kustoErr{Code: code, Message: msg, Type: typ, Detail: detail, Permanent: permanent,
		Context: map[string]any{"timestamp": time.Now().UTC().Format(time.RFC3339Nano), "serviceAlias": "HUNTKIT-EMULATOR",
			"machineName": "huntkit", "processName": "huntkit", "activityId": uuid.NewString(), "clientRequestId": ""}}
}

func writeKustoError(w http.ResponseWriter, status int, code, typ, detail string, permanent bool) {
	writeJSON(w, status, map[string]any{"error": newKustoErr(code, typ, detail, permanent)})
}

// kustoQueryError answers a query the backend refused: KQL huntkit cannot run with the
// compiler's message (400, permanent), a server timeout with 504, the rest 500.
func kustoQueryError(w http.ResponseWriter, err error) {
	var ke *kql.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		writeKustoError(w, http.StatusGatewayTimeout, "RequestTimeout", "Kusto.Data.Exceptions.KustoRequestTimeoutException",
			"Query execution has exceeded the allowed limits (80DA0001): the query ran past the server timeout (servertimeout).", false)
	case errors.As(err, &ke):
		code, typ := "BadRequest_SyntaxError", "Kusto.Data.Exceptions.SyntaxException"
		if errors.Is(err, kql.ErrUnknownName) || errors.Is(err, kql.ErrUnsupported) {
			code, typ = "General_BadRequest", "Kusto.Data.Exceptions.SemanticException"
		}
		writeKustoError(w, http.StatusBadRequest, code, typ, fmt.Sprintf("%s (line %d, col %d)", ke.Msg, ke.Line, ke.Col), true)
	case errors.Is(err, kql.ErrUnsupported) || errors.Is(err, kql.ErrUnknownName):
		writeKustoError(w, http.StatusBadRequest, "General_BadRequest", "Kusto.Data.Exceptions.SemanticException", oneLine(err.Error()), true)
	default:
		writeKustoError(w, http.StatusInternalServerError, "Internal_Error", "Kusto.Data.Exceptions.KustoServiceException",
			"The query could not be run: "+oneLine(err.Error()), false)
	}
}

// kustoValues converts a Frame to rows of JSON values: datetimes as ISO-8601 text, dynamic
// values as JSON, non-finite reals as text (as ToTable writes them).
func kustoValues(f *frame.Frame) [][]any {
	t := ToTable("", f)
	for j, c := range f.Columns() {
		if c.Type() != frame.Dynamic {
			continue
		}
		for _, row := range t.Rows {
			if s, ok := row[j].(string); ok {
				row[j] = json.RawMessage(s)
			}
		}
	}
	return t.Rows
}

// v2Column is a column of a v2 frame.
type v2Column struct {
	ColumnName string `json:"ColumnName"`
	ColumnType string `json:"ColumnType"`
}

func v2Columns(f *frame.Frame) []v2Column {
	cols := make([]v2Column, 0, len(f.Columns()))
	for _, c := range f.Columns() {
		cols = append(cols, v2Column{ColumnName: c.Name(), ColumnType: KustoType(c.Type())})
	}
	return cols
}

// writeV2 writes a v2 response: DataSetHeader, the QueryProperties table, the primary
// result (TableHeader, TableFragment, TableCompletion when the client asked for fragmented
// tables, otherwise one DataTable), QueryCompletionInformation and DataSetCompletion, one
// frame per line. A partial error goes in the table's completion and the data set's.
func writeV2(w http.ResponseWriter, f *frame.Frame, partial *kustoErr, fragmented bool, requestID string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	first := true
	frameOut := func(v obj) {
		b := v.marshal()
		if first {
			bw.WriteByte('[')
			first = false
		} else {
			bw.WriteByte(',')
		}
		bw.Write(b)
		bw.WriteString("\r\n")
	}
	frameOut(obj{{"FrameType", "DataSetHeader"}, {"IsProgressive", false}, {"Version", "v2.0"}, {"IsFragmented", fragmented}, {"ErrorReportingPlacement", "EndOfTable"}})
	frameOut(obj{{"FrameType", "DataTable"}, {"TableId", 0}, {"TableKind", "QueryProperties"}, {"TableName", "@ExtendedProperties"}, {"Columns", []v2Column{{"TableId", "int"}, {"Key", "string"}, {"Value", "dynamic"}}}, {"Rows", [][]any{{1, "Visualization", `{"Visualization":null}`}}}})
	rows := kustoValues(f)
	var errs []map[string]any
	if partial != nil {
		errs = []map[string]any{{"error": partial}}
	}
	if fragmented {
		frameOut(obj{{"FrameType", "TableHeader"}, {"TableId", 1}, {"TableKind", "PrimaryResult"}, {"TableName", "PrimaryResult"}, {"Columns", v2Columns(f)}})
		for i := 0; i < len(rows); i += 1000 {
			frameOut(obj{{"FrameType", "TableFragment"}, {"TableFragmentType", "DataAppend"}, {"TableId", 1}, {"Rows", rows[i:min(i+1000, len(rows))]}})
		}
		tc := obj{{"FrameType", "TableCompletion"}, {"TableId", 1}, {"RowCount", len(rows)}}
		if errs != nil {
			tc = append(tc, kv{"OneApiErrors", errs})
		}
		frameOut(tc)
	} else {
		frameOut(obj{{"FrameType", "DataTable"}, {"TableId", 1}, {"TableKind", "PrimaryResult"}, {"TableName", "PrimaryResult"}, {"Columns", v2Columns(f)}, {"Rows", rows}})
	}
	status, code := 0, "S_OK (0)"
	if partial != nil {
		status, code = -2133196797, "E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003)"
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.0000000Z")
	frameOut(obj{{"FrameType", "DataTable"}, {"TableId", 2}, {"TableKind", "QueryCompletionInformation"}, {"TableName", "QueryCompletionInformation"}, {"Columns", []v2Column{{"Timestamp", "datetime"}, {"ClientRequestId", "string"}, {"ActivityId", "guid"}, {"SubActivityId", "guid"},
		{"ParentActivityId", "guid"}, {"Level", "int"}, {"LevelName", "string"}, {"StatusCode", "int"}, {"StatusCodeName", "string"},
		{"EventType", "int"}, {"EventTypeName", "string"}, {"Payload", "string"}}}, {"Rows", [][]any{{now, requestID, uuid.NewString(), uuid.NewString(), uuid.NewString(), 4, "Info", status, code, 14, "QueryInfo",
		fmt.Sprintf(`{"Count":1,"Text":"Query completed with %d rows"}`, len(rows))}}}})
	dc := obj{{"FrameType", "DataSetCompletion"}, {"HasErrors", partial != nil}, {"Cancelled", false}}
	if errs != nil {
		dc = append(dc, kv{"OneApiErrors", errs})
	}
	frameOut(dc)
	bw.WriteString("]\r\n")
	_ = bw.Flush()
}

// kv is one property of a v2 frame.
type kv struct {
	k string
	v any
}

// obj is one v2 frame with its properties in order: clients read the frame type and the
// table header's properties in Kusto's order (FrameType first, Rows last).
type obj []kv

func (o obj) marshal() []byte {
	var b []byte
	b = append(b, '{')
	for i, p := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(p.k)
		v, err := json.Marshal(p.v)
		if err != nil {
			v = []byte("null")
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}')
}

// v1Table is a table of a v1 response.
type v1Table struct {
	TableName string     `json:"TableName"`
	Columns   []v1Column `json:"Columns"`
	Rows      []any      `json:"Rows"`
}

type v1Column struct {
	ColumnName string `json:"ColumnName"`
	DataType   string `json:"DataType"`
	ColumnType string `json:"ColumnType"`
}

var v1DataTypes = map[string]string{"string": "String", "long": "Int64", "int": "Int32", "real": "Double", "bool": "Boolean",
	"datetime": "DateTime", "dynamic": "Object", "timespan": "TimeSpan", "guid": "Guid"}

func v1FromFrame(name string, f *frame.Frame, partial *kustoErr) v1Table {
	t := v1Table{TableName: name, Rows: []any{}}
	for _, c := range v2Columns(f) {
		t.Columns = append(t.Columns, v1Column{ColumnName: c.ColumnName, DataType: v1DataTypes[c.ColumnType], ColumnType: c.ColumnType})
	}
	for _, r := range kustoValues(f) {
		t.Rows = append(t.Rows, r)
	}
	if partial != nil {
		t.Rows = append(t.Rows, map[string]any{"Exceptions": []string{partial.Detail}})
	}
	return t
}

func writeV1(w http.ResponseWriter, tables []v1Table) {
	writeJSON(w, http.StatusOK, map[string]any{"Tables": tables})
}

// kustoCommand runs the management commands the emulator knows: .show databases,
// .show tables, .show database schema [as json], .show version.
func (s *Server) kustoCommand(ctx context.Context, w http.ResponseWriter, db, csl string) {
	cmd := strings.ToLower(strings.Join(strings.Fields(strings.TrimSuffix(csl, ";")), " "))
	str := func(name string) v1Column {
		return v1Column{ColumnName: name, DataType: "String", ColumnType: "string"}
	}
	switch cmd {
	case ".show databases":
		t := v1Table{TableName: "Table_0", Columns: []v1Column{str("DatabaseName"), str("PersistentStorage"), str("Version"),
			{ColumnName: "IsCurrent", DataType: "Boolean", ColumnType: "bool"}, str("DatabaseAccessMode"), str("PrettyName")}, Rows: []any{}}
		for _, d := range s.KustoDatabases() {
			t.Rows = append(t.Rows, []any{d, "", "v1.0", strings.EqualFold(d, db), "ReadWrite", d})
		}
		writeV1(w, []v1Table{t})
		return
	case ".show version":
		writeV1(w, []v1Table{{TableName: "Table_0", Columns: []v1Column{str("BuildVersion"), str("ServiceType")}, Rows: []any{[]any{"huntkit-emulator", "Engine"}}}})
		return
	}
	if db == "" {
		writeKustoError(w, http.StatusBadRequest, "BadRequest_DatabaseNotSpecified", "Kusto.Data.Exceptions.KustoBadRequestException",
			"The command needs a database: give db in the request.", true)
		return
	}
	switch cmd {
	case ".show tables", ".show database schema", ".show database schema as json", ".show database " + strings.ToLower(db) + " schema as json":
	default:
		writeKustoError(w, http.StatusBadRequest, "BadRequest_SyntaxError", "Kusto.Data.Exceptions.SyntaxException",
			fmt.Sprintf("Syntax error: the emulator runs .show databases, .show tables, .show database schema [as json] and .show version, not %q", csl), true)
		return
	}
	sch, err := s.opt.Backend.Schema(ctx)
	if err != nil {
		kustoQueryError(w, err)
		return
	}
	names := sortedKeys(sch)
	switch {
	case cmd == ".show tables":
		t := v1Table{TableName: "Table_0", Columns: []v1Column{str("TableName"), str("DatabaseName"), str("Folder"), str("DocString")}, Rows: []any{}}
		for _, n := range names {
			t.Rows = append(t.Rows, []any{n, db, "", ""})
		}
		writeV1(w, []v1Table{t})
	case cmd == ".show database schema":
		t := v1Table{TableName: "Table_0", Columns: []v1Column{str("DatabaseName"), str("TableName"), str("ColumnName"), str("ColumnType"),
			{ColumnName: "IsDefaultTable", DataType: "Boolean", ColumnType: "bool"}, {ColumnName: "IsDefaultColumn", DataType: "Boolean", ColumnType: "bool"},
			str("PrettyName"), str("Version"), str("Folder"), str("DocString")}, Rows: []any{}}
		t.Rows = append(t.Rows, []any{db, "", "", "", false, false, db, "v1.0", "", ""})
		for _, n := range names {
			t.Rows = append(t.Rows, []any{db, n, "", "", false, false, "", "", "", ""})
			for _, c := range sch[n] {
				t.Rows = append(t.Rows, []any{db, n, c.Name, "System." + v1DataTypes[KustoType(c.Type)], false, false, "", "", "", ""})
			}
		}
		writeV1(w, []v1Table{t})
	default: // as json
		type col struct {
			Name    string `json:"Name"`
			Type    string `json:"Type"`
			CslType string `json:"CslType"`
		}
		type table struct {
			Name           string `json:"Name"`
			OrderedColumns []col  `json:"OrderedColumns"`
			Folder         string `json:"Folder"`
			DocString      string `json:"DocString"`
		}
		tables := map[string]table{}
		for _, n := range names {
			t := table{Name: n, OrderedColumns: []col{}}
			for _, c := range sch[n] {
				k := KustoType(c.Type)
				t.OrderedColumns = append(t.OrderedColumns, col{Name: c.Name, Type: "System." + v1DataTypes[k], CslType: k})
			}
			tables[n] = t
		}
		doc, _ := json.Marshal(map[string]any{"Databases": map[string]any{db: map[string]any{
			"Name": db, "Tables": tables, "MajorVersion": 1, "MinorVersion": 0, "Functions": map[string]any{}}}})
		writeV1(w, []v1Table{{TableName: "Table_0", Columns: []v1Column{str("DatabaseSchema")}, Rows: []any{[]any{string(doc)}}}})
	}
}
