package rows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// DecoderOptions are the jsontext options drivers should decode answers with: duplicate
// names are not tracked (the first value of a field is kept) and invalid UTF-8 is replaced
// rather than fatal, so a large answer decodes quickly and a stray byte does not lose it.
var DecoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// slot remembers which column the k-th field of the previous row went to, so rows with the
// same fields in the same order find their columns without allocating.
type slot struct {
	raw    []byte // the field name as written (quoted)
	prefix string
	col    *column
}

// Object reads one JSON object from dec into the current row (the caller ends the row).
// With flatten, nested objects become dotted column names (ECS's {"host":{"name":x}} is
// host.name); otherwise they are dynamic values. Arrays are dynamic values.
func (c *Collector) Object(dec *jsontext.Decoder, flatten bool) error {
	k := 0
	return c.object(dec, "", flatten, &k)
}

func (c *Collector) object(dec *jsontext.Decoder, prefix string, flatten bool, k *int) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("%w: want an object, found %s", ErrShape, tok.Kind())
	}
	for dec.PeekKind() != '}' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		// the decoder's buffer moves on the next read: keep a copy of the name
		c.key = append(c.key[:0], v...)
		raw := c.key
		if flatten && dec.PeekKind() == '{' {
			name, err := unquote(raw)
			if err != nil {
				return err
			}
			if prefix != "" {
				name = prefix + "." + name
			}
			if err := c.object(dec, name, flatten, k); err != nil {
				return err
			}
			continue
		}
		col, name, err := c.field(raw, prefix, *k)
		if err != nil {
			return err
		}
		*k++
		switch dec.PeekKind() {
		case '{', '[':
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			var x any
			d := json.NewDecoder(bytes.NewReader(v))
			d.UseNumber()
			if err := d.Decode(&x); err != nil {
				return fmt.Errorf("%w: %v", ErrShape, err)
			}
			c.Value(name, numbers(x))
			continue
		}
		v, err = dec.ReadValue()
		if err != nil {
			return err
		}
		c.scalar(col, v)
	}
	_, err = dec.ReadToken()
	return err
}

// ErrShape is wrapped when a JSON answer does not have the shape a driver expects.
var ErrShape = fmt.Errorf("unexpected JSON shape")

// field finds the column of a field name at position k of the row.
func (c *Collector) field(raw []byte, prefix string, k int) (*column, string, error) {
	if k < len(c.slots) {
		s := c.slots[k]
		if s.prefix == prefix && bytes.Equal(s.raw, raw) {
			return s.col, s.col.name, nil
		}
	}
	name, err := unquote(raw)
	if err != nil {
		return nil, "", err
	}
	if prefix != "" {
		name = prefix + "." + name
	}
	col := c.col(name)
	s := slot{raw: append([]byte(nil), raw...), prefix: prefix, col: col}
	if k < len(c.slots) {
		c.slots[k] = s
	} else if k == len(c.slots) {
		c.slots = append(c.slots, s)
	}
	return col, name, nil
}

// scalar stores a raw JSON scalar.
func (c *Collector) scalar(col *column, v jsontext.Value) {
	switch v.Kind() {
	case '"':
		s, err := unquote(v)
		if err != nil {
			s = string(v)
		}
		c.setString(col, s)
	case '0':
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			c.setInt(col, i)
		} else if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			c.setFloat(col, f)
		} else {
			c.setString(col, string(v))
		}
	case 't':
		c.setBool(col, true)
	case 'f':
		c.setBool(col, false)
	}
	// null: the column exists; the row's value stays null
}

// unquote returns the text of a JSON string; strings without escapes are copied directly.
func unquote(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: %v", ErrShape, err)
	}
	return s, nil
}

// numbers turns json.Number inside decoded values into int64 or float64.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = numbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbers(x[k])
		}
	}
	return v
}

// Expect reads the next token and checks it is of kind k ('{', '[', ...); another kind is
// ErrShape.
func Expect(dec *jsontext.Decoder, k jsontext.Kind) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != k {
		return fmt.Errorf("%w: want %v, found %v", ErrShape, k, tok.Kind())
	}
	return nil
}
