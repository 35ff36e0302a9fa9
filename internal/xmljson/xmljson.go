// Package xmljson converts an XML document to JSON the way Kusto's parse_xml does:
// an element with only text becomes its text, an empty element null, attributes become
// "@name" members, text beside attributes or child elements "#text", and repeated child
// elements an array. Only elements, attributes and text are translated; comments,
// processing instructions and directives are skipped.
package xmljson

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxInput is the longest input Convert accepts (Kusto's limit: 1 MB).
const MaxInput = 1 << 20

// MaxDepth is the deepest element nesting Convert accepts.
const MaxDepth = 512

// ErrInvalid is returned (wrapped) for input that is not one well-formed XML element
// within the limits.
var ErrInvalid = errors.New("invalid XML")

// node is one element: its attributes, text and children in document order.
type node struct {
	name  string
	attrs []xml.Attr
	text  strings.Builder
	kids  []*node
}

// Convert returns the JSON text of the XML document src.
func Convert(src string) (string, error) {
	if len(src) > MaxInput {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalid, MaxInput)
	}
	root, err := parse(src)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	writeKey(&b, root.name)
	writeNode(&b, root)
	b.WriteByte('}')
	return b.String(), nil
}

func parse(src string) (*node, error) {
	d := xml.NewDecoder(strings.NewReader(src))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%w: more than one root element", ErrInvalid)
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("%w: nested deeper than %d elements", ErrInvalid, MaxDepth)
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("%w: text outside the root element", ErrInvalid)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no element", ErrInvalid)
	}
	return root, nil
}

// writeNode writes the JSON value of n.
func writeNode(b *bytes.Buffer, n *node) {
	text := strings.TrimSpace(n.text.String())
	if len(n.attrs) == 0 && len(n.kids) == 0 {
		if text == "" {
			b.WriteString("null")
		} else {
			writeString(b, text)
		}
		return
	}
	b.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			b.WriteByte(',')
		}
		first = false
	}
	for _, a := range n.attrs {
		sep()
		name := a.Name.Local
		if a.Name.Space == "xmlns" { // a namespace declaration keeps its prefix
			name = "xmlns:" + name
		}
		writeKey(b, "@"+name)
		writeString(b, a.Value)
	}
	if text != "" {
		sep()
		writeKey(b, "#text")
		writeString(b, text)
	}
	// children grouped by name, in order of first appearance
	var order []string
	groups := map[string][]*node{}
	for _, k := range n.kids {
		if _, ok := groups[k.name]; !ok {
			order = append(order, k.name)
		}
		groups[k.name] = append(groups[k.name], k)
	}
	for _, name := range order {
		sep()
		writeKey(b, name)
		g := groups[name]
		if len(g) == 1 {
			writeNode(b, g[0])
			continue
		}
		b.WriteByte('[')
		for i, k := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writeNode(b, k)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
}

func writeKey(b *bytes.Buffer, k string) {
	writeString(b, k)
	b.WriteByte(':')
}

func writeString(b *bytes.Buffer, s string) {
	e := json.NewEncoder(b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)         // a string always encodes
	b.Truncate(b.Len() - 1) // Encode ends with a newline
}
