package sentinel

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"

	"github.com/huntkit/huntkit/frame"
)

func table(t *testing.T, js string) *azquery.Table {
	t.Helper()
	var tb azquery.Table
	if err := json.Unmarshal([]byte(js), &tb); err != nil {
		t.Fatal(err)
	}
	return &tb
}

func TestFromTableTypes(t *testing.T) {
	tb := table(t, `{"name":"PrimaryResult","columns":[{"name":"r","type":"real"},{"name":"l","type":"long"},{"name":"g","type":"guid"},
		{"name":"ts","type":"timespan"},{"name":"d","type":"dynamic"},{"name":"b","type":"bool"},{"name":"t","type":"datetime"}],
		"rows":[["NaN", 5, "52b1ab41-869e-4138-9e40-2a4457f09bf0", "01:00:00", "{\"a\":[1,2]}", true, "2026-11-01T08:00:00.1234567Z"],
		        ["-Infinity", null, null, null, null, null, null]]}`)
	f, err := FromTable(tb)
	if err != nil {
		t.Fatal(err)
	}
	want := []frame.Type{frame.Float, frame.Int, frame.String, frame.String, frame.Dynamic, frame.Bool, frame.Time}
	for i, c := range f.Columns() {
		if c.Type() != want[i] {
			t.Errorf("%s type %v, want %v", c.Name(), c.Type(), want[i])
		}
	}
	if !math.IsNaN(f.Col("r").Float(0)) || !math.IsInf(f.Col("r").Float(1), -1) || f.Col("l").Int(0) != 5 || !f.Col("l").IsNull(1) {
		t.Errorf("numbers: %v", f.Row(0))
	}
	if m, ok := f.Col("d").Value(0).(map[string]any); !ok || len(m["a"].([]any)) != 2 {
		t.Errorf("dynamic = %#v", f.Col("d").Value(0))
	}
	if f.Col("t").Time(0).Nanosecond() != 123456700 {
		t.Errorf("time = %v", f.Col("t").Time(0))
	}
}

func TestFromTableBad(t *testing.T) {
	for _, c := range []struct{ js, want string }{
		{`{"name":"P","columns":[{"name":"t","type":"datetime"}],"rows":[["yesterday"]]}`, `row 1 column t: datetime "yesterday"`},
		{`{"name":"P","columns":[{"name":"b","type":"bool"}],"rows":[["yes"]]}`, "row 1 column b: bool yes"},
		{`{"name":"P","columns":[{"name":"a","type":"string"}],"rows":[["x","y"]]}`, "row 1 has 2 values for 1 columns"},
	} {
		_, err := FromTable(table(t, c.js))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.js, err, c.want)
		}
	}
}

func TestErrorBody(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"error":{"code":"BadArgumentError","message":"bad","innererror":{"code":"SyntaxError","message":"token","line":2,"pos":5}}}`,
			"BadArgumentError: bad (SyntaxError: token at line 2:5)"},
		{`{"code":"PartialError","message":"some","details":[{"code":"EngineError","message":"limit"}]}`, "PartialError: some (EngineError: limit)"},
		{"<html>\nproxy error</html>", "<html>"},
	} {
		if got := errorBody([]byte(c.in)); got != c.want {
			t.Errorf("errorBody(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzFromTable(f *testing.F) {
	f.Add(`{"name":"P","columns":[{"name":"a","type":"long"},{"name":"t","type":"datetime"}],"rows":[[1,"2026-11-01T00:00:00Z"]]}`)
	f.Add(`{"name":"P","columns":[{"name":"d","type":"dynamic"}],"rows":[["{"]]}`)
	f.Fuzz(func(t *testing.T, js string) {
		var tb azquery.Table
		if json.Unmarshal([]byte(js), &tb) != nil {
			return
		}
		if fr, err := FromTable(&tb); err == nil && fr.Len() != len(tb.Rows) {
			t.Fatalf("%d rows from %d", fr.Len(), len(tb.Rows))
		}
	})
}
