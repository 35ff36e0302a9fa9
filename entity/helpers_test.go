package entity

import (
	"encoding/json"
	"testing"
)

// sampleBody returns the 200 response body of a REST API example file.
func sampleBody(t *testing.T, b []byte) []byte {
	t.Helper()
	var doc struct {
		Responses map[string]struct {
			Body json.RawMessage `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Responses["200"].Body
}
