// Package schema is the one home of the documented table schemas huntkit knows: the Log
// Analytics / Microsoft Sentinel tables of the Azure Monitor table reference and the
// Microsoft Defender XDR advanced-hunting tables. The KQL compiler builds its catalogue
// from it and the demo generator takes its column types from it.
//
// Columns are written in a compact notation, "Name:type Name:type ...", read by Parse.
package schema

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/huntkit/huntkit/frame"
)

// Parse reads the column notation "Name:type Name:type ...": type s=string, l=long,
// i=int, r=real, b=bool, t=datetime, d=dynamic, g=guid (a string); a bare name is a
// string. A name repeated in another case is kept once, first spelling first, because
// DuckDB names are case-insensitive.
func Parse(spec string) []frame.Field {
	var out []frame.Field
	seen := map[string]bool{}
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		if seen[strings.ToLower(name)] {
			continue
		}
		seen[strings.ToLower(name)] = true
		t := frame.String
		switch typ {
		case "l", "i":
			t = frame.Int
		case "r":
			t = frame.Float
		case "b":
			t = frame.Bool
		case "t":
			t = frame.Time
		case "d":
			t = frame.Dynamic
		}
		out = append(out, frame.Field{Name: name, Type: t})
	}
	return out
}

var (
	once   sync.Once
	tables map[string][]frame.Field
)

func load() {
	once.Do(func() {
		tables = make(map[string][]frame.Field, len(logAnalytics)+len(defender))
		for name, spec := range logAnalytics {
			tables[name] = Parse(spec)
		}
		// a table both products document (the Sentinel copy of a Defender table) keeps
		// its Log Analytics columns, with TimeGenerated and TenantId, followed by the
		// advanced-hunting columns it lacks
		for name, spec := range defender {
			tables[name] = merge(tables[name], Parse(spec))
		}
	})
}

// merge appends to a the columns of b that a lacks (names compared case-insensitively).
func merge(a, b []frame.Field) []frame.Field {
	have := make(map[string]bool, len(a))
	for _, c := range a {
		have[strings.ToLower(c.Name)] = true
	}
	for _, c := range b {
		if !have[strings.ToLower(c.Name)] {
			have[strings.ToLower(c.Name)] = true
			a = append(a, c)
		}
	}
	return a
}

// Lookup returns the documented columns of table (a fresh slice).
func Lookup(table string) ([]frame.Field, bool) {
	load()
	cols, ok := tables[table]
	if !ok {
		return nil, false
	}
	return append([]frame.Field(nil), cols...), true
}

// Tables returns the names of every documented table, sorted.
func Tables() []string {
	load()
	out := make([]string, 0, len(tables))
	for name := range tables {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// All returns every documented table with its columns (a fresh map).
func All() map[string][]frame.Field {
	load()
	out := make(map[string][]frame.Field, len(tables))
	for name, cols := range tables {
		out[name] = append([]frame.Field(nil), cols...)
	}
	return out
}

// Select returns the named columns of table, in the order given, with their documented
// types; a name the table does not document is an error.
func Select(table string, names ...string) ([]frame.Field, error) {
	cols, ok := Lookup(table)
	if !ok {
		return nil, fmt.Errorf("schema: unknown table %q", table)
	}
	byName := make(map[string]frame.Field, len(cols))
	for _, c := range cols {
		byName[c.Name] = c
	}
	out := make([]frame.Field, 0, len(names))
	for _, n := range names {
		c, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("schema: table %s has no documented column %q", table, n)
		}
		out = append(out, c)
	}
	return out, nil
}
