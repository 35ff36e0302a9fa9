package entity

import (
	"errors"
	"testing"
)

// FuzzParseJSON: any input gives entities or an ErrJSON error, never a panic, and every
// entity has a type, a key and a value that can be computed.
func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(alertJSON))
	f.Add([]byte(`[{"$id":"1","Type":"process","ParentProcess":{"$ref":"1"}}]`))
	f.Add([]byte(`{"value":[{"kind":"Account","properties":{"accountName":"a","ntDomain":"d"}}]}`))
	f.Add([]byte(`[{"$ref":"9"},{"$id":"9","Type":"ip","Address":"::1"}]`))
	f.Add([]byte(`[{"Type":"host","HostName":1e400}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseJSON(b)
		if err != nil && !errors.Is(err, ErrJSON) {
			t.Fatalf("error not ErrJSON: %v", err)
		}
		set := NewSet()
		for _, e := range es {
			if e == nil || e.Type == "" {
				t.Fatalf("entity without type: %v", e)
			}
			_ = e.Key()
			_ = e.Value()
			_ = e.Related()
			set.Add(e)
		}
		_ = set.Frame()
	})
}
