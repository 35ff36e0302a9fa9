package kql

import "testing"

// TestCorpusRoundTrip checks that printing a parsed query and parsing the output gives the
// same printed text (the printer is a fixed point).
func TestCorpusRoundTrip(t *testing.T) {
	for _, q := range loadCorpus(t) {
		ast, err := Parse(q.Query)
		if err != nil {
			continue
		}
		out := Format(ast)
		ast2, err := Parse(out)
		if err != nil {
			t.Errorf("%s: reparse: %v\n%s", q.File, err, out)
			continue
		}
		if out2 := Format(ast2); out2 != out {
			t.Errorf("%s: not a fixed point:\n%s\n----\n%s", q.File, out, out2)
		}
	}
}
