package stage

import (
	"bytes"
	"encoding/json"
)

// Record is a JSON object that keeps its fields in the order they were set (so the staged
// table's columns keep the log's order).
type Record struct {
	keys []string
	vals map[string]any
}

// Set sets a field; a new field goes last.
func (r *Record) Set(k string, v any) {
	if r.vals == nil {
		r.vals = map[string]any{}
	}
	if _, ok := r.vals[k]; !ok {
		r.keys = append(r.keys, k)
	}
	r.vals[k] = v
}

// Has reports whether the field is set.
func (r *Record) Has(k string) bool { _, ok := r.vals[k]; return ok }

// Get returns a field's value.
func (r *Record) Get(k string) any { return r.vals[k] }

// Keys returns the field names in order.
func (r *Record) Keys() []string { return r.keys }

// Len returns the number of fields.
func (r *Record) Len() int { return len(r.keys) }

// MarshalJSON writes the fields in order.
func (r *Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range r.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(r.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
