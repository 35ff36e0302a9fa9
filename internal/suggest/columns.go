package suggest

import (
	"fmt"
	"strings"
)

// Columns tells what a table has instead of a missing column, in one short line for an
// error message: the closest name when one looks like a typo, then the column count and at
// most 10 of the names ("did you mean \"SourceIP\"? 152 columns: TenantId, ... (142 more)").
func Columns(want string, have []string) string {
	var b strings.Builder
	if c := Closest(want, have); c != "" {
		fmt.Fprintf(&b, "did you mean %q? ", c)
	}
	shown := have[:min(len(have), 10)]
	fmt.Fprintf(&b, "%d columns: %s", len(have), strings.Join(shown, ", "))
	if len(have) > len(shown) {
		fmt.Fprintf(&b, ", ... (%d more)", len(have)-len(shown))
	}
	return b.String()
}
