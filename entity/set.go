package entity

import (
	"sort"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// Set holds distinct entities: adding an entity with the same Key as one already held merges
// its properties into the first (missing properties are filled in, none is overwritten).
// A bare account name (no domain) is the same account as the one qualified account of that
// name in the set, when there is exactly one.
type Set struct {
	byKey map[string]*Entity
	order []*Entity
	seen  map[string]int // times each key was added
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{byKey: map[string]*Entity{}, seen: map[string]int{}} }

// Add adds entities and returns, for each, the entity the set now holds for it.
func (s *Set) Add(es ...*Entity) []*Entity {
	out := make([]*Entity, 0, len(es))
	for _, e := range es {
		if e == nil {
			continue
		}
		k := s.resolve(e)
		s.seen[k]++
		if have, ok := s.byKey[k]; ok {
			merge(have, e)
			out = append(out, have)
			continue
		}
		s.byKey[k] = e
		s.order = append(s.order, e)
		out = append(out, e)
	}
	return out
}

// resolve returns the key e is held under, applying the bare-account rule both ways.
func (s *Set) resolve(e *Entity) string {
	k := e.Key()
	if e.Type != Account {
		return k
	}
	if _, ok := s.byKey[k]; ok {
		return k
	}
	if !strings.Contains(k, "@") {
		var match string
		for hk := range s.byKey {
			if strings.HasPrefix(hk, k+"@") {
				if match != "" {
					return k
				}
				match = hk
			}
		}
		if match != "" {
			return match
		}
		return k
	}
	// a qualified account absorbs a bare one of the same name already held
	bare, _, _ := strings.Cut(k, "@")
	if have, ok := s.byKey[bare]; ok {
		delete(s.byKey, bare)
		s.byKey[k] = have
		s.seen[k] += s.seen[bare]
		delete(s.seen, bare)
		merge(have, e)
		return k
	}
	return k
}

func merge(into, from *Entity) {
	if into == from {
		return
	}
	for k, v := range from.Props {
		if _, ok := into.Props[k]; !ok {
			into.Props[k] = v
		}
	}
}

// Entities returns the entities in the order first added.
func (s *Set) Entities() []*Entity { return append([]*Entity(nil), s.order...) }

// Len returns the number of distinct entities.
func (s *Set) Len() int { return len(s.order) }

// Get returns the entity held for e's identity, or nil.
func (s *Set) Get(e *Entity) *Entity {
	k := e.Key()
	if have, ok := s.byKey[k]; ok {
		return have
	}
	if e.Type == Account {
		bare, _, _ := strings.Cut(k, "@")
		if have, ok := s.byKey[bare]; ok {
			return have
		}
	}
	return nil
}

// Count returns how many times an entity with e's identity was added.
func (s *Set) Count(e *Entity) int {
	for k, have := range s.byKey {
		if have == s.Get(e) {
			return s.seen[k]
		}
	}
	return 0
}

// Of returns the entities of type t.
func (s *Set) Of(t Type) []*Entity {
	var out []*Entity
	for _, e := range s.order {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

// Frame returns one row per entity: Type, Value, Key and its scalar properties as JSON.
func (s *Set) Frame() *frame.Frame { return ToFrame(s.order, s.seen) }

// ToFrame returns one row per entity (Type, Value, Key, Count when counts is not nil,
// Properties as text "Name=value; ...").
func ToFrame(es []*Entity, counts map[string]int) *frame.Frame {
	n := len(es)
	typ, val, key, props := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	cnt := make([]int64, n)
	for i, e := range es {
		typ[i], val[i], key[i] = string(e.Type), e.Value(), e.Key()
		cnt[i] = int64(counts[e.Key()])
		var parts []string
		names := e.propNames()
		sort.Strings(names)
		for _, k := range names {
			if v := e.Str(k); v != "" {
				parts = append(parts, k+"="+v)
			} else if r := e.Ref(k); r != nil {
				parts = append(parts, k+"="+string(r.Type)+":"+r.Value())
			}
		}
		props[i] = strings.Join(parts, "; ")
	}
	cols := []*frame.Column{frame.NewStrings("Type", typ), frame.NewStrings("Value", val)}
	if counts != nil {
		cols = append(cols, frame.NewInts("Count", cnt))
	}
	cols = append(cols, frame.NewStrings("Key", key), frame.NewStrings("Properties", props))
	f, _ := frame.New(cols...)
	return f
}
