package frame

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// A record whose only field is empty is written as "" (issue 20): a blank line would be
// skipped, or read as a record with no field, by CSV readers.
func TestWriteCSVOneEmptyField(t *testing.T) {
	f := MustNew(NewStrings("x", []string{"a", "", "b", ""}))
	var buf bytes.Buffer
	if err := WriteCSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "x\na\n\"\"\nb\n\"\"\n"; got != want {
		t.Fatalf("WriteCSV = %q, want %q", got, want)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("encoding/csv read %d records, want 5: %q", len(recs), recs)
	}
	for i, want := range []string{"x", "a", "", "b", ""} {
		if len(recs[i]) != 1 || recs[i][0] != want {
			t.Errorf("record %d = %q, want [%q]", i, recs[i], want)
		}
	}
	back, err := ReadCSV(bytes.NewReader(buf.Bytes()), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != 4 {
		t.Fatalf("ReadCSV kept %d rows, want 4", back.Len())
	}

	// A null in a one-column frame, and an empty header name, are quoted too.
	buf.Reset()
	g := MustNew(NewStrings("", []string{"", "z"}).WithValid([]bool{false, true}))
	if err := WriteCSV(&buf, g); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "\"\"\n\"\"\nz\n"; got != want {
		t.Fatalf("WriteCSV = %q, want %q", got, want)
	}
	// Two columns: empty fields need no quotes.
	buf.Reset()
	h := MustNew(NewStrings("a", []string{""}), NewStrings("b", []string{""}))
	if err := WriteCSV(&buf, h); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "a,b\n,\n"; got != want {
		t.Fatalf("WriteCSV = %q, want %q", got, want)
	}
}
