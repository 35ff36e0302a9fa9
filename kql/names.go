package kql

import "sort"

// FunctionNames lists the scalar and aggregate functions the compiler knows, sorted, for
// completion in editors (the workbench, the kernel).
func FunctionNames() []string {
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
