package kql_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/kql"
)

var testNow = time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture tables shared by the run cases.
func fixtures() map[string]*frame.Frame {
	return map[string]*frame.Frame{
		"Events": frame.MustNew(
			frame.NewTimes("TimeGenerated", []time.Time{ts("2021-06-01T10:05:00Z"), ts("2021-06-01T10:40:00Z"), ts("2021-06-01T11:10:00Z"), ts("2021-05-30T08:00:00Z"), ts("2021-06-01T11:59:00Z")}),
			frame.NewStrings("Computer", []string{"HostA", "hostb", "HostA", "HostC", "HostB"}),
			frame.NewStrings("CommandLine", []string{"cmd.exe /c whoami", "powershell -enc AAAA", "C:\\Windows\\System32\\cmd.exe", "notepad.exe report.txt", "xcmd.exe run"}),
			frame.NewInts("EventID", []int64{4688, 4624, 4688, 4625, 4688}),
			frame.NewStrings("Account", []string{"alice", "bob", "alice", "", "carol"}),
			frame.NewDynamics("Props", []any{map[string]any{"a": int64(1), "b": map[string]any{"c": "x"}}, map[string]any{"a": int64(2), "tags": []any{"t1", "t2"}}, nil, map[string]any{"a": int64(3)}, map[string]any{"tags": []any{}}}),
		),
		"Logons": frame.MustNew(
			frame.NewStrings("Account", []string{"alice", "alice", "bob", "dave"}),
			frame.NewStrings("Ip", []string{"10.0.0.1", "10.0.0.2", "8.8.8.8", "1.1.1.1"}),
		),
		"Nums": frame.MustNew(
			frame.NewInts("n", []int64{7, -7, 3}),
			frame.NewFloats("f", []float64{1.5, 2.5, -0.5}),
		),
	}
}

type runCase struct {
	name  string
	query string
	want  string // rows joined by "\n", cells by "|"; header first
	sort  bool   // sort rows before comparing
}

var runCases = []runCase{
	{name: "where ==", query: `Events | where Computer == "HostA" | project EventID`, want: "EventID\n4688\n4688"},
	{name: "where =~", query: `Events | where Computer =~ "hostb" | project CommandLine`, want: "CommandLine\npowershell -enc AAAA\nxcmd.exe run"},
	{name: "has whole term", query: `Events | where CommandLine has "cmd.exe" | project Computer`, want: "Computer\nHostA\nHostA"},
	{name: "contains substring", query: `Events | where CommandLine contains "cmd.exe" | count`, want: "Count\n3"},
	{name: "has is case-insensitive", query: `Events | where CommandLine has "WHOAMI" | count`, want: "Count\n1"},
	{name: "has_cs", query: `Events | where CommandLine has_cs "WHOAMI" | count`, want: "Count\n0"},
	{name: "!has", query: `Events | where CommandLine !has "cmd.exe" | count`, want: "Count\n3"},
	{name: "has_any", query: `Events | where CommandLine has_any ("whoami", "notepad.exe") | project EventID`, want: "EventID\n4688\n4625"},
	{name: "startswith", query: `Events | where CommandLine startswith "CMD" | count`, want: "Count\n1"},
	{name: "endswith_cs", query: `Events | where CommandLine endswith_cs "RUN" | count`, want: "Count\n0"},
	{name: "in~", query: `Events | where Computer in~ ("hosta") | count`, want: "Count\n2"},
	{name: "!in", query: `Events | where Computer !in ("HostA", "hostb") | project Computer`, want: "Computer\nHostC\nHostB"},
	{name: "isempty", query: `Events | where isempty(Account) | project Computer`, want: "Computer\nHostC"},
	{name: "summarize count by", query: `Events | summarize count() by Computer | sort by Computer asc`, want: "Computer|count_\nHostA|2\nHostB|1\nHostC|1\nhostb|1"},
	{name: "dcount name", query: `Events | summarize dcount(Account)`, want: "dcount_Account\n4"},
	{name: "countif", query: `Events | summarize countif(EventID == 4688), max(TimeGenerated)`, want: "countif_|max_TimeGenerated\n3|2021-06-01T11:59:00Z"},
	{name: "bin hours", query: `Events | summarize n=count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc`, want: "TimeGenerated|n\n2021-05-30T08:00:00Z|1\n2021-06-01T10:00:00Z|2\n2021-06-01T11:00:00Z|2"},
	{name: "bin 7d epoch aligned", query: `print b = bin(datetime(2021-01-05 10:00), 7d)`, want: "b\n2020-12-31T00:00:00Z"},
	{name: "ago with WithNow", query: `Events | where TimeGenerated > ago(1h) | count`, want: "Count\n2"},
	{name: "between datetimes", query: `Events | where TimeGenerated between (datetime(2021-06-01 10:00) .. datetime(2021-06-01 11:00)) | count`, want: "Count\n2"},
	{name: "integer division truncates", query: `Nums | extend q = n / 2, r = n % 2, fq = f / 2 | project q, r, fq`, want: "q|r|fq\n3|1|0.75\n-3|-1|1.25\n1|1|-0.25"},
	{name: "top", query: `Events | top 2 by TimeGenerated desc | project Computer`, want: "Computer\nHostB\nHostA"},
	{name: "sort asc nulls", query: `Events | sort by Account asc | project Account`, want: "Account\n\nalice\nalice\nbob\ncarol"},
	{name: "take after sort", query: `Events | sort by EventID asc | take 1 | project EventID`, want: "EventID\n4624"},
	{name: "extend chained", query: `Nums | extend a = n * 2, b = a + 1 | project b`, want: "b\n15\n-13\n7"},
	{name: "project-away", query: `Nums | project-away f`, want: "n\n7\n-7\n3"},
	{name: "project-rename", query: `Nums | project-rename m = n | project m`, want: "m\n7\n-7\n3"},
	{name: "project-reorder", query: `Nums | project-reorder f`, want: "f|n\n1.5|7\n2.5|-7\n-0.5|3"},
	{name: "distinct", query: `Events | distinct Account | sort by Account asc`, want: "Account\n\nalice\nbob\ncarol"},
	{name: "dynamic member", query: `Events | extend c = tostring(Props.b.c), a = toint(Props.a) | where isnotempty(c) | project c, a`, want: "c|a\nx|1"},
	{name: "dynamic index", query: `Events | where Props["a"] == 2 | project t = tostring(Props.tags[1])`, want: "t\nt2"},
	{name: "mv-expand array", query: `Events | mv-expand tag = Props.tags to typeof(string) | project Computer, tag`, want: "Computer|tag\nhostb|t1\nhostb|t2"},
	{name: "mv-expand bag", query: `print d = dynamic({"x": 1, "y": "z"}) | mv-expand d | project s = tostring(d)`, want: "s\n{\"x\":1}\n{\"y\":\"z\"}", sort: true},
	{name: "join innerunique dedups left", query: `Logons | join (Events | project Account, EventID) on Account | project Account, Ip, EventID | sort by Ip asc, EventID asc`, want: "Account|Ip|EventID\nalice|10.0.0.1|4688\nalice|10.0.0.1|4688\nbob|8.8.8.8|4624"},
	{name: "join inner keeps all", query: `Logons | join kind=inner (Events | project Account, EventID) on Account | count`, want: "Count\n5"},
	{name: "join leftouter", query: `Logons | join kind=leftouter (Events | summarize n = count() by Account) on Account | project Account, Account1, n | sort by Account asc`, want: "Account|Account1|n\nalice|alice|2\nalice|alice|2\nbob|bob|1\ndave||"},
	{name: "leftanti", query: `Logons | join kind=leftanti (Events) on Account | project Account`, want: "Account\ndave"},
	{name: "leftsemi $left/$right", query: `Logons | join kind=leftsemi (Events | project User = Account) on $left.Account == $right.User | distinct Account | sort by Account asc`, want: "Account\nalice\nbob"},
	{name: "lookup", query: `Logons | lookup (Events | summarize n = count() by Account) on Account | project Account, n | sort by Account asc`, want: "Account|n\nalice|2\nalice|2\nbob|1\ndave|"},
	{name: "union withsource", query: `union withsource=Src Nums, (Logons | take 1) | summarize count() by Src | sort by Src asc`, want: "Src|count_\nNums|3\nunion_arg1|1"},
	{name: "arg_max star", query: `Events | summarize arg_max(TimeGenerated, *) by Computer | where Computer == "HostA" | project Computer, TimeGenerated, EventID`, want: "Computer|TimeGenerated|EventID\nHostA|2021-06-01T11:10:00Z|4688"},
	{name: "arg_min columns", query: `Events | summarize arg_min(TimeGenerated, Account)`, want: "TimeGenerated|Account\n2021-05-30T08:00:00Z|"},
	{name: "make_set", query: `Events | where Computer =~ "hosta" | summarize s = make_set(Account)`, want: "s\n[\"alice\"]"},
	{name: "parse simple", query: `print s = "user=bob id=42 rest" | parse s with "user=" User " id=" Id:long " " Rest | project User, Id, Rest`, want: "User|Id|Rest\nbob|42|rest"},
	{name: "parse regex", query: `print s = "a1b22" | parse kind=regex s with "a" X:long "b" Y:long | project X, Y`, want: "X|Y\n1|22"},
	{name: "extract", query: `print x = extract("id=([0-9]+)", 1, "a id=77 b")`, want: "x\n77"},
	{name: "let scalar and tabular", query: `let min = 4688; let T = Events | where EventID >= min; T | count`, want: "Count\n3"},
	{name: "user function", query: `let f = (x:long, y:long = 10) { x + y }; print a = f(1), b = f(1, 2)`, want: "a|b\n11|3"},
	{name: "tabular function", query: `let Hosts = (name:string) { Events | where Computer =~ name }; Hosts("hosta") | count`, want: "Count\n2"},
	{name: "datatable", query: `datatable(a:string, b:long)["x", 1, "y", 2] | where b > 1`, want: "a|b\ny|2"},
	{name: "range", query: `range x from 1 to 3 step 1`, want: "x\n1\n2\n3"},
	{name: "iff case", query: `Nums | project s = iff(n > 0, "pos", "neg"), c = case(n > 5, "big", n > 0, "small", "neg")`, want: "s|c\npos|big\nneg|neg\npos|small"},
	{name: "strcat split strlen", query: `print a = strcat("x", 1, "y"), b = tostring(split("a,b,c", ",")[1]), n = strlen("héllo")`, want: "a|b|n\nx1y|b|5"},
	{name: "datetime_diff", query: `print d = datetime_diff('hour', datetime(2021-01-01 10:00), datetime(2021-01-01 07:30))`, want: "d\n3"},
	{name: "timespan arithmetic", query: `print r = (datetime(2021-01-02) - datetime(2021-01-01)) / 1h`, want: "r\n24"},
	{name: "startofday", query: `print d = startofday(datetime(2021-03-04 17:20))`, want: "d\n2021-03-04T00:00:00Z"},
	{name: "ipv4", query: `print p = ipv4_is_private("10.1.2.3"), q = ipv4_is_private("8.8.8.8"), r = ipv4_is_in_range("192.168.1.7", "192.168.1.0/24")`, want: "p|q|r\ntrue|false|true"},
	{name: "base64", query: `print e = base64_encode_tostring("hi"), d = base64_decode_tostring("aGk=")`, want: "e|d\naGk=|hi"},
	{name: "make-series zero fill", query: `Events | where TimeGenerated >= datetime(2021-06-01) | make-series n = count() default = 0 on TimeGenerated from datetime(2021-06-01 10:00) to datetime(2021-06-01 13:00) step 1h | project n, t0 = todatetime(TimeGenerated[0]), t2 = todatetime(TimeGenerated[2]), k = array_length(TimeGenerated)`, want: "n|t0|t2|k\n[2,2,0]|2021-06-01T10:00:00Z|2021-06-01T12:00:00Z|3"},
	{name: "serialize prev", query: `Nums | sort by n asc | extend p = prev(n) | project n, p`, want: "n|p\n-7|\n3|-7\n7|3"},
	{name: "row_number", query: `Nums | sort by n desc | extend r = row_number() | project r, n`, want: "r|n\n1|7\n2|3\n3|-7"},
	{name: "count as", query: `Nums | count as N`, want: "N\n3"},
	{name: "percentile", query: `range x from 1 to 100 step 1 | summarize percentile(x, 50)`, want: "percentile_x_50\n50"},
	{name: "toscalar", query: `let m = toscalar(Nums | summarize max(n)); Nums | where n == m | project f`, want: "f\n1.5"},
	{name: "in tabular", query: `Events | where Account in ((Logons | project Account)) | distinct Account | sort by Account asc`, want: "Account\nalice\nbob"},
	{name: "not", query: `Nums | where not(n > 0) | project n`, want: "n\n-7"},
	{name: "bag_unpack with schema", query: `Events | where isnotnull(Props.a) | evaluate bag_unpack(Props) : (a:long) | project Computer, a | sort by a asc`, want: "Computer|a\nHostA|1\nhostb|2\nHostC|3"},
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cat := kql.MapCatalog{}
	for name, f := range fixtures() {
		if err := w.Register(ctx, name, f); err != nil {
			t.Fatal(err)
		}
		cat[name] = f.Fields()
	}
	// engine.Register currently stores dynamic values as JSON strings holding the JSON
	// text; unwrap them so the JSON columns hold objects and arrays.
	if err := w.Exec(ctx, `CREATE OR REPLACE TABLE Events AS SELECT * REPLACE (CASE WHEN json_type(Props) = 'VARCHAR' THEN CAST(Props ->> '$' AS JSON) ELSE Props END AS Props) FROM Events`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range append(append(append([]runCase{}, runCases...), runCases2...), runCases3...) {
		t.Run(tc.name, func(t *testing.T) {
			sql, err := kql.Compile(tc.query, cat, kql.WithNow(testNow))
			if err != nil {
				var ke *kql.Error
				if errors.As(err, &ke) {
					t.Fatalf("compile: %s", ke.Detailed())
				}
				t.Fatalf("compile: %v", err)
			}
			f, err := w.Query(ctx, sql)
			if err != nil {
				t.Fatalf("run: %v\nSQL: %s", err, sql)
			}
			got := frameText(f, tc.sort)
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s\nSQL: %s", got, tc.want, sql)
			}
		})
	}
}

func frameText(f *frame.Frame, sorted bool) string {
	var rows []string
	for i := 0; i < f.Len(); i++ {
		var cells []string
		for _, c := range f.Columns() {
			cells = append(cells, c.Text(i))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	if sorted {
		sort.Strings(rows)
	}
	return strings.Join(append([]string{strings.Join(f.Names(), "|")}, rows...), "\n")
}

var _ = testdata.Dir

func TestBagUnpackProbe(t *testing.T) {
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	q := `datatable(id:long, d:dynamic)[1, dynamic({"a": 1, "s": "x"}), 2, dynamic({"a": 2.5, "b": true})] | evaluate bag_unpack(d) | sort by id asc`
	if _, err := kql.Compile(q, kql.MapCatalog{}); !errors.Is(err, kql.ErrUnsupported) {
		t.Fatalf("without a probe: %v", err)
	}
	probe := func(sql string) (*frame.Frame, error) { return w.Query(ctx, sql) }
	sql, err := kql.Compile(q, kql.MapCatalog{}, kql.WithProbe(probe))
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	if got, want := frameText(f, false), "id|a|b|s\n1|1||x\n2|2.5|true|"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if f.Col("a").Type() != frame.Float || f.Col("b").Type() != frame.Bool {
		t.Errorf("types %v %v", f.Col("a").Type(), f.Col("b").Type())
	}
}
