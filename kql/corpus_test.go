package kql

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

// Floors for the corpus rates; raise them as the compiler grows.
const (
	parseFloor   = 0.95
	compileFloor = 0.85
)

func TestSentinelCorpus(t *testing.T) {
	qs := loadCorpus(t)
	if len(qs) == 0 {
		t.Fatal("empty corpus")
	}
	parsed, compiled := 0, 0
	reasons := map[string][]string{}
	cat := CorpusTables()
	for _, q := range qs {
		if _, err := Parse(q.Query); err != nil {
			reasons["parse: "+reasonOf(err)] = append(reasons["parse: "+reasonOf(err)], q.File+": "+err.Error())
			continue
		}
		parsed++
		if _, err := Compile(q.Query, cat); err != nil {
			reasons["compile: "+reasonOf(err)] = append(reasons["compile: "+reasonOf(err)], q.File+": "+err.Error())
			continue
		}
		compiled++
	}
	n := float64(len(qs))
	t.Logf("corpus: %d queries, parsed %d (%.1f%%), compiled %d (%.1f%%)", len(qs), parsed, 100*float64(parsed)/n, compiled, 100*float64(compiled)/n)
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(reasons[keys[i]]) > len(reasons[keys[j]]) })
	for _, k := range keys {
		t.Logf("%4d  %s", len(reasons[k]), k)
		if testing.Verbose() {
			for _, e := range reasons[k] {
				t.Logf("        %s", e)
			}
		}
	}
	if float64(parsed)/n < parseFloor {
		t.Errorf("parse rate %.3f below floor %.2f", float64(parsed)/n, parseFloor)
	}
	if float64(compiled)/n < compileFloor {
		t.Errorf("compile rate %.3f below floor %.2f", float64(compiled)/n, compileFloor)
	}
}

// reasonOf reduces an error to a grouping key: the message without positions and quoted
// specifics beyond the first.
func reasonOf(err error) string {
	var ke *Error
	msg := err.Error()
	if errors.As(err, &ke) {
		msg = ke.Msg
	}
	if i := strings.Index(msg, " (did you mean"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
