package huntkit_test

import "strings"

// containsLine reports whether text holds line, ignoring surrounding spaces.
func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
