package entity

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrJSON is wrapped when an Entities value is not the JSON Sentinel writes.
var ErrJSON = errors.New("malformed entities JSON")

// maxDepth bounds nested entities, so hostile input cannot recurse without end.
const maxDepth = 32

// ParseJSON reads the Entities column of a SecurityAlert or SecurityIncident row: a JSON
// array of entity objects with a "Type", where the first occurrence of an entity carries a
// "$id" and later ones (at the top level or inside another entity, such as a process's
// Account or Host) are {"$ref": "id"}. It also reads the REST API's form ({"kind":
// "Account", "properties": {...}}, a single object or a {"value"/"entities": [...]} list).
//
// It returns every distinct entity, nested ones included, in order of first appearance;
// references are resolved to the same *Entity (a reference to an id defined later is
// resolved too). An empty value gives no entities and no error. Unknown entity types are
// kept with their type as written.
func ParseJSON(data []byte) ([]*Entity, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	var raw any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJSON, jsonPos(data, err))
	}
	p := &jparser{byID: map[string]*Entity{}}
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case map[string]any:
		switch {
		case v["value"] != nil:
			items, _ = v["value"].([]any)
		case v["entities"] != nil:
			items, _ = v["entities"].([]any)
		default:
			items = []any{v}
		}
	case nil:
		return nil, nil
	default:
		return nil, fmt.Errorf("%w: want an array of entity objects, got %s", ErrJSON, kindOf(raw))
	}
	for i, it := range items {
		if _, err := p.entity(it, 0); err != nil {
			return p.out, fmt.Errorf("%w: entity %d: %v", ErrJSON, i+1, err)
		}
	}
	for _, fix := range p.pending {
		if e := p.byID[fix.ref]; e != nil {
			fix.set(e)
		}
	}
	return p.out, nil
}

type jparser struct {
	byID    map[string]*Entity
	out     []*Entity
	pending []pendingRef
}

type pendingRef struct {
	ref string
	set func(*Entity)
}

// entity reads one entity object (or reference) and returns it; nil for a reference to
// an id not seen yet (resolved at the end through pending).
func (p *jparser) entity(v any, depth int) (*Entity, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("entities nested deeper than %d", maxDepth)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an entity object, got %s", kindOf(v))
	}
	if ref, ok := m["$ref"]; ok {
		id := fmt.Sprint(ref)
		return p.byID[id], nil
	}
	typ, props := entityType(m)
	if typ == "" {
		return nil, errors.New(`no "Type" (or "kind")`)
	}
	e := &Entity{Type: typ, Props: map[string]any{}}
	if id, ok := m["$id"]; ok {
		p.byID[fmt.Sprint(id)] = e
	}
	p.out = append(p.out, e)
	for k, val := range props {
		if k == "$id" || k == "Type" || k == "$type" {
			continue
		}
		if err := p.prop(e, restName(typ, k), val, depth); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// prop sets one property: a scalar as is, an entity object or reference as an *Entity,
// an array of entities as []*Entity; other arrays and objects are kept as JSON text.
func (p *jparser) prop(e *Entity, k string, val any, depth int) error {
	switch x := val.(type) {
	case nil:
		return nil
	case json.Number:
		if f, err := x.Float64(); err == nil {
			e.Props[k] = f
		}
		return nil
	case string, bool:
		e.Props[k] = x
		return nil
	case map[string]any:
		if isEntityObject(x) {
			r, err := p.entity(x, depth+1)
			if err != nil {
				return fmt.Errorf("%s: %v", k, err)
			}
			if r == nil {
				p.later(fmt.Sprint(x["$ref"]), func(t *Entity) { e.Props[k] = t })
				return nil
			}
			e.Props[k] = r
			return nil
		}
	case []any:
		var ents []*Entity
		all := len(x) > 0
		for _, it := range x {
			if m, ok := it.(map[string]any); !ok || !isEntityObject(m) {
				all = false
				break
			}
		}
		if all {
			for _, it := range x {
				r, err := p.entity(it, depth+1)
				if err != nil {
					return fmt.Errorf("%s: %v", k, err)
				}
				if r == nil {
					idx := len(ents)
					ents = append(ents, nil)
					p.later(fmt.Sprint(it.(map[string]any)["$ref"]), func(t *Entity) {
						if s, ok := e.Props[k].([]*Entity); ok && idx < len(s) {
							s[idx] = t
						}
					})
					continue
				}
				ents = append(ents, r)
			}
			e.Props[k] = ents
			return nil
		}
	}
	b, _ := json.Marshal(val)
	e.Props[k] = string(b)
	return nil
}

func (p *jparser) later(ref string, set func(*Entity)) {
	p.pending = append(p.pending, pendingRef{ref, set})
}

func isEntityObject(m map[string]any) bool {
	if _, ok := m["$ref"]; ok && len(m) == 1 {
		return true
	}
	_, t := m["Type"]
	_, k := m["kind"]
	_, pr := m["properties"]
	return t || (k && pr)
}

// entityType returns the entity's type and its property object (the REST form keeps them
// under "properties").
func entityType(m map[string]any) (Type, map[string]any) {
	if s, ok := m["Type"].(string); ok && s != "" {
		return normType(s), m
	}
	if k, ok := m["kind"].(string); ok && k != "" {
		props, _ := m["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
		}
		return normType(k), props
	}
	return "", nil
}

// normType maps a type as written to its Type; unknown names are kept as written.
func normType(s string) Type {
	if t, err := ParseType(s); err == nil {
		return t
	}
	switch strings.ToLower(s) {
	case "ip", "ipaddress":
		return IP
	}
	return Type(s)
}

// restName maps the REST API's camelCase property names to the names of the Entities
// column (accountName -> Name, ntDomain -> NTDomain, ...); other names get an upper-case
// first letter.
func restName(t Type, k string) string {
	if k == "" || (k[0] >= 'A' && k[0] <= 'Z') || k[0] == '$' {
		return k
	}
	switch k {
	case "accountName":
		return "Name"
	case "ntDomain":
		return "NTDomain"
	case "upnSuffix":
		return "UPNSuffix"
	case "dnsDomain":
		return "DnsDomain"
	case "netBiosName":
		return "NetBiosName"
	case "fileHashValue", "hashValue":
		return "Value"
	case "processId":
		return "ProcessId"
	case "alertDisplayName":
		return "AlertName"
	case "friendlyName":
		return "FriendlyName"
	case "url":
		return "Url"
	case "sid":
		return "Sid"
	case "aadUserId":
		return "AadUserId"
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonPos turns a decoder error into "line L:C: message".
func jsonPos(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err.Error()
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d:%d: %v", line, col, err)
}
