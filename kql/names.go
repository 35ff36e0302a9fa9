package kql

import "sort"

// Functions lists the scalar and aggregate functions Compile translates, sorted (for
// completion in editors and notebooks).
func Functions() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string{}, scalarFunctions...), aggregateNames()...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
