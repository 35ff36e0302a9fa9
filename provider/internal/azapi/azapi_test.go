package azapi

import (
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

func TestFrameType(t *testing.T) {
	for in, want := range map[string]frame.Type{"DateTime": frame.Time, "Int64": frame.Int, "Int32": frame.Int, "integer": frame.Int,
		"Double": frame.Float, "real": frame.Float, "Boolean": frame.Bool, "SByte": frame.Bool, "Object": frame.Dynamic,
		"object": frame.Dynamic, "String": frame.String, "Guid": frame.String, "TimeSpan": frame.String, "": frame.String} {
		if got := FrameType(in); got != want {
			t.Errorf("FrameType(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestRows(t *testing.T) {
	var resp struct {
		Schema  []Field          `json:"schema"`
		Results []map[string]any `json:"results"`
	}
	body := `{"Schema":[{"Name":"t","Type":"DateTime"},{"Name":"n","Type":"Int64"},{"Name":"b","Type":"SByte"},{"Name":"o","Type":"Object"},{"Name":"s","Type":"String"}],
	"Results":[{"t":"2026-11-01T08:00:00.1234567Z","n":9007199254740993,"b":1,"o":"{\"k\":[1,2]}","s":"x"},{"t":null,"n":"7","b":false,"o":{"a":1},"s":5}]}`
	if err := Decode([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	f, err := Rows(resp.Schema, resp.Results)
	if err != nil {
		t.Fatal(err)
	}
	if f.Col("n").Int(0) != 9007199254740993 || !f.Col("b").Bool(0) || !f.Col("t").IsNull(1) || f.Col("n").Int(1) != 7 || f.Col("s").Str(1) != "5" {
		t.Fatalf("values: %v %v", f.Row(0), f.Row(1))
	}
	if m, ok := f.Col("o").Value(0).(map[string]any); !ok || len(m["k"].([]any)) != 2 {
		t.Errorf("object: %v", f.Col("o").Value(0))
	}
	if _, err := Rows([]Field{{"n", "Int64"}}, []map[string]any{{"n": "x"}}); err == nil || !strings.Contains(err.Error(), "row 1 column n") {
		t.Errorf("bad int: %v", err)
	}
}

func TestErrorBody(t *testing.T) {
	for in, want := range map[string]string{
		`{"error":{"code":"BadRequest","message":"m","details":[{"code":"InvalidQuery","message":"d"}]}}`: "BadRequest: m (InvalidQuery: d)",
		`{"error":{"code":"Forbidden","message":"no","innererror":{"code":"X","message":"y"}}}`:           "Forbidden: no (X: y)",
		`{"error":"plain"}`: "plain",
		"<html>\nbad":       "<html>",
	} {
		if got := ErrorBody([]byte(in)); got != want {
			t.Errorf("ErrorBody(%s) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRows(f *testing.F) {
	f.Add(`{"Schema":[{"Name":"a","Type":"Int64"}],"Results":[{"a":1}]}`)
	f.Add(`{"schema":[{"name":"t","type":"DateTime"}],"results":[{"t":"2026-01-01T00:00:00Z"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var resp struct {
			Schema  []Field          `json:"schema"`
			Results []map[string]any `json:"results"`
		}
		if Decode([]byte(s), &resp) == nil {
			_, _ = Rows(resp.Schema, resp.Results)
		}
		_ = ErrorBody([]byte(s))
	})
}
