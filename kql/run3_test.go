package kql_test

// Run cases for the traps the KQL documentation warns about (has versus contains, case
// rules, innerunique joins, nulls, bin on datetimes, arg_max(*), mv-expand, make-series
// zero fill) and for operators and functions not covered by runCases and runCases2. Each
// expected value is worked out from the documented definition, not from huntkit's output.
var runCases3 = []runCase{
	// has versus contains: has matches whole terms (runs of letters and digits)
	{name: "has partial term is false", query: `print a = "powershell -enc" has "power", b = "powershell -enc" contains "power"`, want: "a|b\nfalse|true"},
	{name: "has term inside path", query: `Events | where CommandLine has "System32" | count`, want: "Count\n1"},
	{name: "has term after dot", query: `Events | where CommandLine has "exe" | count`, want: "Count\n4"},
	{name: "has prefix of column value", query: `print a = "HostA" has "host", b = "HostA" contains "host"`, want: "a|b\nfalse|true"},
	{name: "has_cs case", query: `print a = "Hello World" has_cs "World", b = "Hello World" has_cs "world"`, want: "a|b\ntrue|false"},
	{name: "!has", query: `print a = "abc def" !has "b", b = "abc def" !has "def"`, want: "a|b\ntrue|false"},
	{name: "!contains", query: `Events | where CommandLine !contains "EXE" | project CommandLine`, want: "CommandLine\npowershell -enc AAAA"},
	{name: "!contains_cs", query: `Events | where CommandLine !contains_cs "EXE" | count`, want: "Count\n5"},
	{name: "startswith_cs", query: `Events | where CommandLine startswith_cs "C:" | count`, want: "Count\n1"},
	{name: "endswith case-insensitive", query: `Events | where CommandLine endswith "RUN" | count`, want: "Count\n1"},
	// case rules
	{name: "=~ matches either case", query: `Events | where Computer =~ "HOSTB" | count`, want: "Count\n2"},
	{name: "!in~", query: `Events | where Computer !in~ ("hosta", "HOSTB") | project Computer`, want: "Computer\nHostC"},
	{name: "in numbers", query: `Events | where EventID in (4624, 4625) | count`, want: "Count\n2"},
	{name: "summarize by is case-sensitive", query: `Events | summarize by Computer | count`, want: "Count\n4"},
	{name: "distinct is case-sensitive", query: `Events | distinct Computer | where Computer =~ "hostb" | sort by Computer asc`, want: "Computer\nHostB\nhostb"},
	// nulls
	{name: "count and sum with a null", query: `datatable(x:long)[1, long(null), 3] | summarize c = count(), s = sum(x), nn = countif(isnotnull(x))`, want: "c|s|nn\n3|4|2"},
	{name: "avg ignores null", query: `datatable(x:real)[1.0, real(null), 3.0] | summarize a = avg(x)`, want: "a\n2"},
	{name: "null arithmetic", query: `print a = isnull(int(null) + 1), b = iff(isnull(long(null)), "null", "value")`, want: "a|b\ntrue|null"},
	{name: "isempty null number", query: `print a = isempty(int(null)), b = isnull(toint(""))`, want: "a|b\ntrue|true"},
	{name: "coalesce many", query: `print a = coalesce(long(null), long(null), 3)`, want: "a\n3"},
	{name: "empty string is not null", query: `Events | summarize e = countif(Account == ""), ne = countif(isnotempty(Account)), nn = countif(isnull(Account))`, want: "e|ne|nn\n1|4|0"},
	{name: "array_length of non-array is null", query: `Events | extend n = array_length(Props.tags) | summarize z = countif(n == 0), u = countif(isnull(n))`, want: "z|u\n1|3"},
	// bin on datetimes
	{name: "bin 1d", query: `print b = bin(datetime(2021-03-04 17:20), 1d)`, want: "b\n2021-03-04T00:00:00Z"},
	{name: "bin 15m", query: `print b = bin(datetime(2021-03-04 17:29:59), 15m)`, want: "b\n2021-03-04T17:15:00Z"},
	{name: "summarize by bin 1d", query: `Events | summarize c = count() by bin(TimeGenerated, 1d) | sort by TimeGenerated asc`, want: "TimeGenerated|c\n2021-05-30T00:00:00Z|1\n2021-06-01T00:00:00Z|4"},
	{name: "bin then add", query: `print a = bin(datetime(2021-03-04 17:20), 1h) + 30m`, want: "a\n2021-03-04T17:30:00Z"},
	// arg_max / arg_min
	{name: "arg_max star column order", query: `Nums | summarize arg_max(f, *)`, want: "f|n\n2.5|-7"},
	{name: "arg_max by", query: `Events | summarize arg_max(TimeGenerated, Computer) by Account | sort by Account asc`, want: "Account|TimeGenerated|Computer\n|2021-05-30T08:00:00Z|HostC\nalice|2021-06-01T11:10:00Z|HostA\nbob|2021-06-01T10:40:00Z|hostb\ncarol|2021-06-01T11:59:00Z|HostB"},
	{name: "arg_min star by", query: `Events | where Computer == "HostA" | summarize arg_min(TimeGenerated, *) by Computer | project Computer, CommandLine`, want: "Computer|CommandLine\nHostA|cmd.exe /c whoami"},
	// mv-expand
	{name: "mv-expand bag rows", query: `datatable(d:dynamic)[dynamic({"a": 1, "b": 2})] | mv-expand d | extend k = tostring(bag_keys(d)[0]) | project k | sort by k asc`, want: "k\na\nb"},
	{name: "mv-expand parallel arrays", query: `print a = dynamic([1, 2, 3]), b = dynamic(["x", "y"]) | mv-expand a, b | project a = toint(a), b = tostring(b)`, want: "a|b\n1|x\n2|y\n3|"},
	{name: "mv-expand typed long", query: `print a = dynamic([5, 6]) | mv-expand a to typeof(long) | summarize s = sum(a)`, want: "s\n11"},
	// make-series
	{name: "make-series zero fill by", query: `datatable(t:datetime, k:string)[datetime(2021-01-01 00:10), "a", datetime(2021-01-01 02:10), "a", datetime(2021-01-01 01:30), "b"] | make-series c = count() default = 0 on t from datetime(2021-01-01) to datetime(2021-01-01 03:00) step 1h by k | project k, c | sort by k asc`, want: "k|c\na|[1,0,1]\nb|[0,1,0]"},
	{name: "make-series default value", query: `datatable(t:datetime, v:long)[datetime(2021-01-01 00:10), 4, datetime(2021-01-01 02:10), 6] | make-series s = sum(v) default = -1 on t from datetime(2021-01-01) to datetime(2021-01-01 03:00) step 1h | project s`, want: "s\n[4,-1,6]"},
	// joins
	{name: "innerunique dedups left keys", query: `datatable(k:long, l:string)[1, "a", 1, "b", 2, "c"] | join (datatable(k:long, r:string)[1, "x", 1, "y"]) on k | summarize n = count(), dl = dcount(l), dr = dcount(r)`, want: "n|dl|dr\n2|1|2"},
	{name: "inner keeps duplicate left keys", query: `datatable(k:long, l:string)[1, "a", 1, "b", 2, "c"] | join kind=inner (datatable(k:long, r:string)[1, "x", 1, "y"]) on k | count`, want: "Count\n4"},
	{name: "join column suffixes", query: `datatable(k:long, v:long)[1, 10] | join kind=inner (datatable(k:long, v:long)[1, 20]) on k | project k, v, k1, v1`, want: "k|v|k1|v1\n1|10|1|20"},
	{name: "kind=anti", query: `Logons | join kind=anti (Events) on Account | project Account`, want: "Account\ndave"},
	{name: "rightsemi keeps right columns", query: `Logons | join kind=rightsemi (Events | project Account, EventID) on Account | project Account, EventID | sort by Account asc, EventID asc`, want: "Account|EventID\nalice|4688\nalice|4688\nbob|4624"},
	{name: "join on two keys", query: `datatable(a:long, b:string, x:long)[1, "p", 10, 1, "q", 20] | join kind=inner (datatable(a:long, b:string, y:long)[1, "q", 5]) on a, b | project x, y`, want: "x|y\n20|5"},
	// operators
	{name: "and binds tighter than or", query: `Nums | where n > 0 or n < -5 and f > 0 | count`, want: "Count\n3"},
	{name: "prev with default", query: `Nums | sort by n asc | extend p = prev(n, 1, 0) | project p`, want: "p\n0\n-7\n3"},
	{name: "count on empty input", query: `Nums | where n > 100 | count`, want: "Count\n0"},
	{name: "summarize on empty input", query: `Nums | where n > 100 | summarize c = count(), s = sum(n)`, want: "c|s\n0|"},
	{name: "summarize by on empty input", query: `Nums | where n > 100 | summarize count() by n`, want: "n|count_"},
	{name: "top asc", query: `datatable(x:long)[3, 1, 2] | top 1 by x asc`, want: "x\n1"},
	{name: "top by count", query: `Events | summarize c = count() by Computer | top 1 by c`, want: "Computer|c\nHostA|2"},
	{name: "union count", query: `union Nums, Nums | count`, want: "Count\n6"},
	{name: "range datetimes", query: `range t from datetime(2021-01-01) to datetime(2021-01-03) step 1d | summarize n = count(), m = max(t)`, want: "n|m\n3|2021-01-03T00:00:00Z"},
	{name: "extend default column name", query: `print x = 1 | extend x + 1`, want: "x|Column1\n1|2"},
	{name: "project-rename two", query: `Nums | project-rename a = n, b = f | take 1`, want: "a|b\n7|1.5"},
	// scalar functions
	{name: "toint truncates", query: `print a = toint(2.9), b = toint(-2.9), c = tolong("-12")`, want: "a|b|c\n2|-2|-12"},
	{name: "tobool", query: `print a = tobool("true"), b = tobool("false"), c = tobool(1)`, want: "a|b|c\ntrue|false|true"},
	{name: "real division", query: `print a = toreal(1) / 4, b = 7.0 / 2, c = -7 / 2, d = 1 == 1.0`, want: "a|b|c|d\n0.25|3.5|-3|true"},
	{name: "extract no match is empty", query: `print a = extract("x([0-9])", 1, "abc"), b = extract("([0-9]+)-([0-9]+)", 2, "10-20")`, want: "a|b\n|20"},
	{name: "countof non-overlapping", query: `print a = countof("aaaa", "aa"), b = countof("abab", "b")`, want: "a|b\n2|2"},
	{name: "replace_regex all", query: `print a = replace_regex("aaa", "a", "b")`, want: "a\nbbb"},
	{name: "substring past end", query: `print a = substring("abc", 5), b = toupper(substring("abc", 1))`, want: "a|b\n|BC"},
	{name: "split empty parts", query: `print a = split("a,,b", ","), b = split("a.b.c", ".", 2)`, want: "a|b\n[\"a\",\"\",\"b\"]|[\"c\"]"},
	{name: "nested dynamic access", query: `print d = dynamic({"a": {"b": [10, 20]}, "c d": 5}) | project v = toint(d.a.b[1]), w = toint(d["c d"])`, want: "v|w\n20|5"},
	{name: "todynamic index", query: `print a = toint(todynamic("[1, 2]")[1]), b = tostring(dynamic({"a": [1, 2]}))`, want: "a|b\n2|{\"a\":[1,2]}"},
	{name: "ago and now", query: `print a = ago(1d), b = now() == datetime(2021-06-01 12:00)`, want: "a|b\n2021-05-31T12:00:00Z|true"},
	{name: "datetime_diff day", query: `print a = datetime_diff('day', datetime(2021-03-01), datetime(2021-02-27))`, want: "a\n2"},
	{name: "startofweek on sunday", query: `print a = startofweek(datetime(2021-03-07 10:00))`, want: "a\n2021-03-07T00:00:00Z"},
	{name: "percentile nearest rank", query: `datatable(a:long)[1, 2, 3, 4] | summarize percentile(a, 50)`, want: "percentile_a_50\n2"},
	{name: "min max real", query: `Nums | summarize min(f), max(f)`, want: "min_f|max_f\n-0.5|2.5"},
	{name: "make_list by", query: `Events | summarize l = make_list(Computer) by EventID | where EventID == 4624 | project l`, want: "l\n[\"hostb\"]"},
	{name: "dynamic has on tags", query: `Events | where tostring(Props.tags) has "t1" | count`, want: "Count\n1"},
	{name: "ingestion_time is null locally", query: `Nums | extend it = ingestion_time() | summarize nulls = countif(isnull(it))`, want: "nulls\n3"},
	{name: "let tabular called with parens", query: `let P = Nums | where n > 0; P() | count`, want: "Count\n2"},
}

func init() {
	runCases3 = append(runCases3,
		runCase{name: "bag_has_key", query: `print a = bag_has_key(dynamic({"k": 1, "n": null}), "k"), b = bag_has_key(dynamic({"k": 1}), "x"), c = bag_has_key(dynamic({"n": null}), "n")`, want: "a|b|c\ntrue|false|true"},
		runCase{name: "array_sum", query: `print a = array_sum(dynamic([1, 2.5, 3])), b = isnull(array_sum(dynamic([1, "x"]))), c = isnull(array_sum(dynamic({"a": 1})))`, want: "a|b|c\n6.5|true|true"},
		runCase{name: "isascii", query: `print a = isascii("abc ~"), b = isascii("héllo")`, want: "a|b\ntrue|false"},
	)
}
