package suggest

import (
	"fmt"
	"strings"
	"testing"
)

func TestColumnsIsShort(t *testing.T) {
	var have []string
	for i := range 150 {
		have = append(have, fmt.Sprintf("DeviceCustomString%dLabel", i))
	}
	have = append(have, "CommandLine")
	got := Columns("Commandline", have)
	if !strings.Contains(got, `did you mean "CommandLine"?`) || !strings.Contains(got, "151 columns") || !strings.Contains(got, "(141 more)") || len(got) > 400 {
		t.Errorf("hint %q", got)
	}
	if got := Columns("zzz", []string{"a", "b"}); got != "2 columns: a, b" {
		t.Errorf("small table: %q", got)
	}
}
