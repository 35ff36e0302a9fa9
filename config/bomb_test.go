package config

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestMergeKeyBombIsBounded: merge keys that repeat the same anchors many times must not
// make Validate or WriteMasked do unbounded work.
func TestMergeKeyBombIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("x:\n  a: &a {")
	for i := range 50 {
		fmt.Fprintf(&b, "k%d: 1, ", i)
	}
	b.WriteString("z: 1}\n")
	refs := strings.TrimSuffix(strings.Repeat("*a, ", 200), ", ")
	fmt.Fprintf(&b, "  w: &w {<<: [%s], WorkspaceId: x}\n", refs)
	b.WriteString("AzureSentinel:\n  Workspaces: &ws\n")
	for i := range 200 {
		fmt.Fprintf(&b, "    W%d: *w\n", i)
	}
	b.WriteString("UserDefaults:\n  LoadComponents: [")
	b.WriteString(strings.TrimSuffix(strings.Repeat("*ws, ", 300), ", "))
	b.WriteString("]\n")
	c := mustParse(t, b.String())
	ps := c.Validate()
	if len(ps) == 0 {
		t.Error("expected problems (bad WorkspaceId, unknown keys)")
	}
	err := c.WriteMasked(io.Discard)
	if err != nil && err != errTooBig {
		t.Errorf("WriteMasked = %v", err)
	}
}
