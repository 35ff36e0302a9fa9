package frame

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func logons() *Frame {
	t0 := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	return MustNew(
		NewTimes("TimeGenerated", []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}),
		NewStrings("Computer", []string{"WKS-01.contoso.com", "DC-01.contoso.com", "WKS-01.contoso.com", "SRV-DB"}),
		NewInts("EventID", []int64{4624, 4625, 4624, 4688}),
		NewStrings("CommandLine", []string{"", "", "", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"}).WithValid([]bool{false, false, false, true}),
		NewFloats("Score", []float64{0.25, 3, 1e-9, 12.5}),
		NewBools("Success", []bool{true, false, true, true}),
	)
}

func TestNewValidates(t *testing.T) {
	if _, err := New(NewInts("a", []int64{1}), NewInts("b", []int64{1, 2})); err == nil {
		t.Error("unequal lengths accepted")
	}
	if _, err := New(NewInts("a", []int64{1}), NewInts("a", []int64{2})); err == nil {
		t.Error("duplicate names accepted")
	}
}

func TestFromRowsAndRecords(t *testing.T) {
	f, err := FromRows([]Field{{Name: "n", Type: Int}, {Name: "s", Type: String}}, [][]any{{1, "a"}, {nil, "b"}, {int32(3), nil}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 3 || !f.Col("n").IsNull(1) || f.Col("n").Int(2) != 3 || !f.Col("s").IsNull(2) {
		t.Errorf("FromRows gave %v %v %v", f.Row(0), f.Row(1), f.Row(2))
	}
	if _, err := FromRows([]Field{{Name: "n", Type: Int}}, [][]any{{"x"}}); err == nil {
		t.Error("string into int column accepted")
	}
	g, err := FromRecords([]map[string]any{{"ip": "1.2.3.4", "hits": 3}, {"ip": "5.6.7.8", "hits": 2.5, "tags": []any{"x"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{Name: "hits", Type: Float}, {Name: "ip", Type: String}, {Name: "tags", Type: Dynamic}}
	for i, fl := range g.Fields() {
		if fl != want[i] {
			t.Errorf("field %d = %v, want %v", i, fl, want[i])
		}
	}
	if !g.Col("tags").IsNull(0) || g.Col("tags").Text(1) != `["x"]` {
		t.Errorf("tags = %q %q", g.Col("tags").Text(0), g.Col("tags").Text(1))
	}
}

func TestSelectFilterSortHead(t *testing.T) {
	f := logons()
	s, err := f.Select("EventID", "Computer")
	if err != nil || strings.Join(s.Names(), ",") != "EventID,Computer" {
		t.Fatalf("select: %v %v", s, err)
	}
	if _, err := f.Select("Nope"); !errors.Is(err, ErrNoColumn) {
		t.Errorf("select unknown: %v", err)
	}
	ok := f.Filter(func(i int) bool { return f.Col("EventID").Int(i) == 4624 })
	if ok.Len() != 2 || ok.Col("Computer").Str(1) != "WKS-01.contoso.com" {
		t.Errorf("filter gave %d rows", ok.Len())
	}
	sorted := f.Sort(SortKey{Name: "Computer"}, SortKey{Name: "TimeGenerated", Desc: true})
	var got []string
	for i := 0; i < sorted.Len(); i++ {
		got = append(got, sorted.Col("Computer").Str(i)+"@"+sorted.Col("TimeGenerated").Time(i).Format("04"))
	}
	if strings.Join(got, " ") != "DC-01.contoso.com@01 SRV-DB@03 WKS-01.contoso.com@02 WKS-01.contoso.com@00" {
		t.Errorf("sort order %v", got)
	}
	nulls := f.Sort(SortKey{Name: "CommandLine", Desc: true})
	if nulls.Col("CommandLine").IsNull(0) {
		t.Error("nulls should sort last even descending")
	}
	if f.Head(2).Len() != 2 || f.Head(10).Len() != 4 || f.Head(-1).Len() != 4 {
		t.Error("head lengths")
	}
	if f.Drop("Score", "nope").NumCols() != 5 {
		t.Error("drop")
	}
}

func TestAddColumnAndConcat(t *testing.T) {
	f := logons()
	if err := f.AddColumn(NewInts("x", []int64{1})); err == nil {
		t.Error("short column accepted")
	}
	if err := f.AddColumn(NewInts("EventID", []int64{1, 2, 3, 4})); err != nil || f.Col("EventID").Int(3) != 4 || f.NumCols() != 6 {
		t.Errorf("replace column: %v", err)
	}
	a := MustNew(NewStrings("host", []string{"a"}), NewInts("n", []int64{1}))
	b := MustNew(NewFloats("n", []float64{2.5}), NewStrings("ip", []string{"10.0.0.1"}))
	c, err := Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 || c.Col("n").Type() != Float || c.Col("n").Float(1) != 2.5 || !c.Col("host").IsNull(1) || !c.Col("ip").IsNull(0) {
		t.Errorf("concat: %v %v %v", c.Fields(), c.Row(0), c.Row(1))
	}
	d, _ := Concat(a, MustNew(NewBools("n", []bool{true})))
	if d.Col("n").Type() != String || d.Col("n").Str(1) != "true" {
		t.Errorf("conflicting types should become string: %v", d.Fields())
	}
}

func TestTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, logons(), TableOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	golden(t, "table_80.txt", b.Bytes())
	b.Reset()
	if err := WriteTable(&b, logons(), TableOptions{Width: 40, MaxRows: 2}); err != nil {
		t.Fatal(err)
	}
	golden(t, "table_40_head2.txt", b.Bytes())
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if displayWidth(line) > 40 && !strings.HasPrefix(line, "(") {
			t.Errorf("line wider than 40: %q", line)
		}
	}
	if !strings.Contains(b.String(), "2 more rows not shown") {
		t.Error("footer must say how many rows were not shown")
	}
}

func TestCSVJSONRoundTrip(t *testing.T) {
	f := logons()
	var b bytes.Buffer
	if err := WriteCSV(&b, f); err != nil {
		t.Fatal(err)
	}
	golden(t, "logons.csv", b.Bytes())
	back, err := ReadCSV(bytes.NewReader(b.Bytes()), "logons.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, fl := range back.Fields() {
		if fl != f.Fields()[i] {
			t.Errorf("csv field %d: %v, want %v", i, fl, f.Fields()[i])
		}
	}
	if !back.Col("TimeGenerated").Time(1).Equal(f.Col("TimeGenerated").Time(1)) || !back.Col("CommandLine").IsNull(0) {
		t.Error("csv values changed")
	}
	b.Reset()
	if err := WriteNDJSON(&b, f); err != nil {
		t.Fatal(err)
	}
	back, err = ReadNDJSON(bytes.NewReader(b.Bytes()), "x.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != 4 || back.Col("TimeGenerated").Type() != Time || back.Col("EventID").Int(3) != 4688 {
		t.Errorf("ndjson round trip: %v", back.Fields())
	}
	b.Reset()
	if err := WriteJSON(&b, f); err != nil {
		t.Fatal(err)
	}
	var arr []map[string]any
	if err := json.Unmarshal(b.Bytes(), &arr); err != nil || len(arr) != 4 || arr[0]["CommandLine"] != nil {
		t.Errorf("json array: %v %v", err, arr)
	}
}

func TestReadErrorsNameTheLine(t *testing.T) {
	_, err := ReadCSV(strings.NewReader("a,b\n1,2\n3,4,5\n"), "events.csv")
	if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "events.csv:3:") {
		t.Errorf("csv error = %v", err)
	}
	_, err = ReadNDJSON(strings.NewReader("{\"a\":1}\n{\"a\":\n"), "events.jsonl")
	if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "events.jsonl:2:") {
		t.Errorf("ndjson error = %v", err)
	}
}

func TestHTMLEscapes(t *testing.T) {
	f := MustNew(NewStrings("cmd", []string{`<script>alert("x")</script>`}))
	var b bytes.Buffer
	if err := WriteHTML(&b, f); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Errorf("unescaped HTML: %s", b.String())
	}
}

func TestAtomicWriteKeepsOldFileOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, logons(), "nope")
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "old" {
		t.Errorf("file changed on failure: %q", b)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("temporary file left behind: %v", ents)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("a,b\n1,2\n")
	f.Add("t,x\n2024-01-01T00:00:00Z,\"q\"\"\"\n")
	f.Add("\ufeffa\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := ReadCSV(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteTable(&b, fr, TableOptions{Width: 60}); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&b, fr); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFormatTimespan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                       "00:00:00",
		90 * time.Minute:                        "01:30:00",
		-(26*time.Hour + 1500*time.Millisecond): "-1.02:00:01.5000000",
		100 * time.Nanosecond:                   "00:00:00.0000001",
	} {
		if got := FormatTimespan(d); got != want {
			t.Errorf("FormatTimespan(%v) = %q, want %q", d, got, want)
		}
	}
}
