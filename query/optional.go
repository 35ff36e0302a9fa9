package query

import (
	"regexp"
	"strings"
)

// Optional filters. msticpy templates give a str parameter the default "" to make its
// filter optional: left out, the filter should not narrow anything. Rendering the line
// anyway leaves a no-op predicate such as `| where TargetUserName contains ""` in the
// query (and `== ""` is not even a no-op). The renderer therefore leaves out a pipe
// filter line whose every term compares a column with an optional parameter that was
// left out, the same way msticpy's own empty clause parameters ({add_query_items})
// leave their line empty.

// filterLine matches a KQL pipe filter line: "| where <predicate>".
var filterLine = regexp.MustCompile(`^\s*\|\s*where\s+(.+?)\s*$`)

// filterTerm matches one term "Column op "{param}"" (either quote).
var filterTerm = regexp.MustCompile(`^\(?\s*[A-Za-z_][\w.]*\s+(?:!?contains|!?has|!?startswith|!?endswith|!?in~?|==|=~|!=|!~|!?contains_cs|!?has_cs|!?startswith_cs|!?endswith_cs)\s+(?:"\{(\w+)\}"|'\{(\w+)\}')\s*\)?$`)

var termSep = regexp.MustCompile(`\s+(?:or|and)\s+`)

// dropUnsetFilters returns q without the filter lines whose every term tests a parameter
// in unset (optional str parameters left out, whose default is ""), and whether it
// dropped any.
func dropUnsetFilters(q string, unset map[string]bool) (string, bool) {
	if len(unset) == 0 {
		return q, false
	}
	lines := strings.SplitAfter(q, "\n")
	kept := lines[:0]
	dropped := false
	for _, l := range lines {
		if unsetFilter(strings.TrimRight(l, "\r\n"), unset) {
			dropped = true
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, ""), dropped
}

func unsetFilter(line string, unset map[string]bool) bool {
	m := filterLine.FindStringSubmatch(line)
	if m == nil {
		return false
	}
	for _, term := range termSep.Split(m[1], -1) {
		t := filterTerm.FindStringSubmatch(term)
		if t == nil {
			return false
		}
		name := t[1] + t[2]
		if !unset[name] {
			return false
		}
	}
	return true
}
