package kql

import (
	"errors"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

func TestErrors(t *testing.T) {
	cat := MapCatalog{"SecurityEvent": {{Name: "TimeGenerated", Type: frame.Time}, {Name: "Computer", Type: frame.String}, {Name: "EventID", Type: frame.Int}}}
	tests := []struct {
		query     string
		line, col int
		msg       string
		is        error
	}{
		{query: "SecurityEvent\n| where EventID == ", line: 2, col: 20, msg: "unexpected end of query"},
		{query: "SecurityEvent | where Computer == 'x", line: 1, col: 35, msg: "unterminated string literal"},
		{query: "SecurityEvent | frobnicate x", line: 1, col: 17, msg: `unknown tabular operator "frobnicate"`},
		{query: "SecurityEvnt | take 1", line: 1, col: 1, msg: `unknown table or name "SecurityEvnt" (did you mean "SecurityEvent"?)`, is: ErrUnknownName},
		{query: "SecurityEvent\n| project Computr", line: 2, col: 11, msg: `unknown column "Computr" (did you mean "Computer"?)`, is: ErrUnknownName},
		{query: "SecurityEvent | extend x = tolowr(Computer)", line: 1, col: 28, msg: `unknown function tolowr() (did you mean "tolower"?)`, is: ErrUnknownName},
		{query: "SecurityEvent | extend s = series_fft(Computer)", line: 1, col: 28, msg: "function series_fft() is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | extend p = parse_csv(Computer)", line: 1, col: 28, msg: "function parse_csv() is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | extend p = ipv6_compare(Computer, Computer)", line: 1, col: 28, msg: "function ipv6_compare() is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | extend p = bag_has_key(dynamic({}), '$.a')", line: 1, col: 28, msg: "bag_has_key() with a key that is not a plain string literal is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | evaluate autocluster()", line: 1, col: 26, msg: "evaluate autocluster() is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | facet by Computer", line: 1, col: 17, msg: "the facet operator is not supported", is: ErrUnsupported},
		{query: "SecurityEvent | where datetime(2021-13-45) < TimeGenerated", line: 1, col: 32, msg: `invalid datetime literal "2021-13-45"`},
		{query: "SecurityEvent | extend x = count()", line: 1, col: 28, msg: "aggregate function count() is only valid in summarize, make-series or top-nested"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.query, cat)
		if err == nil {
			t.Errorf("%q: no error", tc.query)
			continue
		}
		var ke *Error
		if !errors.As(err, &ke) {
			t.Errorf("%q: error %T %v is not *Error", tc.query, err, err)
			continue
		}
		if ke.Line != tc.line || ke.Col != tc.col || ke.Msg != tc.msg {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tc.query, ke.Line, ke.Col, ke.Msg, tc.line, tc.col, tc.msg)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%q: errors.Is(%v) is false", tc.query, tc.is)
		}
		ctx := ke.Context()
		lines := strings.Split(ctx, "\n")
		if len(lines) != 2 || !strings.HasSuffix(lines[1], "^") || len([]rune(lines[1])) != tc.col {
			t.Errorf("%q: bad context %q", tc.query, ctx)
		}
	}
}

func TestParsePrintRoundTrip(t *testing.T) {
	tests := []string{
		`T | where a has "x" and b !contains_cs 'y' or c in~ ("a", "b") and d !between (1 .. 5)`,
		`let f = (a:string, b:long = 5) { T | where x == a | take b }; f("q")`,
		`T | summarize hint.strategy=shuffle c = count(), dcount(x) by bin(t, 1h), k`,
		`T | join kind=leftouter hint.remote=auto (U | project a) on $left.a == $right.b, c`,
		`T | mv-expand with_itemindex=i x = d.arr to typeof(string) limit 10`,
		`T | parse kind=regex flags=i msg with "id=" id:long " user=" user`,
		`T | make-series n = count() default=0 on t in range(datetime(2021-01-01), datetime(2021-01-02), 1h) by k`,
		`print a = dynamic({"k": [1, 2.5, "s", null, true]}), b = datetime(2021-01-01T10:00:00Z), c = -1d, d = 1tick, e = int(null)`,
		`union withsource=S isfuzzy=true T*, (U | take 1)`,
		`T | evaluate bag_unpack(d, "p_") : (p_a:string, b:long)`,
		`T | extend ['a b'] = x.['c d'], y = x[0], z = x["k"]`,
		"print s = ```multi\nline```, h = h'hidden', v = @'c:\\path'",
		`T | top-nested 3 of k by c = count() desc, top-nested of j with others = "x" by max(t)`,
		`T | sort by a asc nulls last, b desc | top 3 by c | project-reorder b asc | render timechart with (title="x")`,
	}
	for _, src := range tests {
		q, err := Parse(src)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		out := Format(q)
		q2, err := Parse(out)
		if err != nil {
			t.Errorf("%q: printed %q does not parse: %v", src, out, err)
			continue
		}
		if out2 := Format(q2); out2 != out {
			t.Errorf("not a fixed point:\n%s\n%s", out, out2)
		}
	}
}

func TestPickQuery(t *testing.T) {
	src := "SecurityEvent | take 1\n\n// two\nHeartbeat | take"
	if _, err := PickQuery(src, 0); !errors.Is(err, ErrSeveralQueries) || !strings.Contains(err.Error(), "holds 2 queries") {
		t.Errorf("n=0: %v", err)
	}
	q, err := PickQuery(src, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(q)
	var ke *Error
	if !errors.As(err, &ke) || ke.Line != 4 {
		t.Errorf("query 2 keeps its line numbers: %v", err)
	}
	if q, err := PickQuery(src, 1); err != nil || strings.TrimSpace(q) != "SecurityEvent | take 1" {
		t.Errorf("query 1: %q %v", q, err)
	}
	if _, err := PickQuery(src, 3); err == nil || !strings.Contains(err.Error(), "holds 2 queries") {
		t.Errorf("n=3: %v", err)
	}
	if q, err := PickQuery("T", 0); err != nil || q != "T" {
		t.Errorf("one query: %q %v", q, err)
	}
}
