package kusto

import (
	"strings"
	"testing"
)

// FuzzParseSchemaJSON: any DatabaseSchema text gives a schema or an error, never a panic.
func FuzzParseSchemaJSON(f *testing.F) {
	f.Add(`{"Databases":{"DB":{"Name":"DB","Tables":{"T":{"Name":"T","OrderedColumns":[{"Name":"A","Type":"System.Int64","CslType":"long"}]}}}}}`)
	f.Add(`{"Databases":{}}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, doc string) {
		sch, err := parseSchemaJSON("DB", doc)
		if err != nil && !strings.Contains(err.Error(), "malformed JSON") {
			t.Fatalf("unexpected error %v", err)
		}
		for name, cols := range sch {
			if cols == nil {
				t.Fatalf("table %q without a column list", name)
			}
		}
	})
}
