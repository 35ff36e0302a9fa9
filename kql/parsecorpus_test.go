package kql

import "testing"

func TestCorpusParseOnly(t *testing.T) {
	qs := loadCorpus(t)
	ok := 0
	for _, q := range qs {
		if _, err := Parse(q.Query); err != nil {
			t.Logf("%s: %v", q.File, err)
		} else {
			ok++
		}
	}
	t.Logf("parsed %d/%d", ok, len(qs))
}
