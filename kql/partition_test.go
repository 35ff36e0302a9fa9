package kql

import (
	"errors"
	"strings"
	"testing"
)

func TestPartitionErrors(t *testing.T) {
	cat := SentinelCatalog()
	src := "SecurityEvent\n| partition by Computer (where NoSuch == 1)"
	_, err := Compile(src, cat)
	var ke *Error
	if !errors.As(err, &ke) || ke.Line != 2 || ke.Col != 32 || !strings.Contains(ke.Msg, "NoSuch") {
		t.Errorf("error in the subquery: %v, want 2:32 naming NoSuch", err)
	}
	if _, err := Compile("SecurityEvent | partition by NoColumn (take 1)", cat); !errors.Is(err, ErrUnknownName) {
		t.Errorf("unknown key column: %v", err)
	}
	if _, err := Compile("SecurityEvent | partition (take 1)", cat); err == nil {
		t.Error("partition without by accepted")
	}
}
