package kql

import (
	"sort"
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// funcKind says where a function may be called and how it compiles.
type funcKind int

const (
	kindScalar       funcKind = iota // a scalar expression anywhere
	kindAggregate                    // inside summarize, make-series or top-nested
	kindTopAggregate                 // a top-level summarize item only (several columns)
	kindColumns                      // an extend item producing several columns
)

func (k funcKind) String() string {
	switch k {
	case kindAggregate:
		return "aggregate"
	case kindTopAggregate:
		return "aggregate (top-level summarize item)"
	case kindColumns:
		return "several columns (extend item)"
	}
	return "scalar"
}

// funcDef is one row of the function table: everything the compiler, the checker, the
// completion list and docs/kql.md know about a KQL function.
type funcDef struct {
	name     string
	alias    string // the canonical name when this row is an alias; the rest is copied from it
	min, max int    // number of arguments (max -1: no limit)
	args     string // the argument list as documented
	result   string // the result type
	category string
	kind     funcKind
	prefix   string // aggregates: the default result column prefix
	compile  func(c *fcall, v *syntax.Call) sqlExpr
	doc      string
	sample   string // a call that compiles and runs (columns i: long and s: string exist)
}

// fcall is one call being compiled: the compiler, the call's scope and, for aggregates,
// the scope of the arguments.
type fcall struct {
	*compiler
	sc          *scope
	inner       *scope // aggregates: the arguments' scope; nil for scalars
	v           *syntax.Call
	name, lname string
}

// arg compiles argument i; an aggregate's arguments may not hold aggregates.
func (c *fcall) arg(i int) sqlExpr {
	if i >= len(c.v.Args) {
		c.failAt(c.v, nil, "%s() is missing argument %d", c.v.Fn.Name, i+1)
	}
	if c.inner == nil {
		return c.scalar(c.v.Args[i], c.sc)
	}
	x := c.scalar(c.v.Args[i], c.inner)
	if x.agg {
		c.failAt(c.v.Args[i], nil, "aggregate functions cannot be nested")
	}
	return x
}

// str compiles argument i as a string.
func (c *fcall) str(i int) sqlExpr { return c.strOf(c.arg(i)) }

// cond compiles argument i as a condition.
func (c *fcall) cond(i int) string { return c.toBool(c.arg(i)).sql }

// res is a result of type t; aggregates' results are marked as such.
func (c *fcall) res(s string, t ktype) sqlExpr { return sqlExpr{sql: s, t: t, agg: c.inner != nil} }

// funcIndex maps each lower-case name of funcTable to its (alias-resolved) row. It is
// built in init because the table's compile functions reach it.
var funcIndex map[string]*funcDef

func init() { funcIndex = buildFuncIndex() }

func buildFuncIndex() map[string]*funcDef {
	m := make(map[string]*funcDef, len(funcTable))
	for i := range funcTable {
		m[funcTable[i].name] = &funcTable[i]
	}
	for i := range funcTable {
		d := &funcTable[i]
		if d.alias == "" {
			continue
		}
		canon, ok := m[d.alias]
		if !ok {
			panic("kql: function table: " + d.name + " is an alias of unknown " + d.alias)
		}
		prefix := d.prefix
		*d = funcDef{name: d.name, alias: d.alias, min: canon.min, max: canon.max, args: canon.args, result: canon.result,
			category: canon.category, kind: canon.kind, prefix: canon.prefix, compile: canon.compile,
			doc: "Alias of " + canon.name + ". " + canon.doc, sample: strings.Replace(canon.sample, canon.name+"(", d.name+"(", 1)}
		if prefix != "" {
			d.prefix = prefix
		}
	}
	return m
}

// lookupFunc returns the row of a (case-insensitive) function name.
func lookupFunc(name string) *funcDef { return funcIndex[strings.ToLower(name)] }

// isAggregate reports whether n (as written) names an aggregate function.
func isAggregate(n string) bool {
	d, ok := funcIndex[n]
	return ok && (d.kind == kindAggregate || d.kind == kindTopAggregate)
}

// functionNames returns every name in the table, sorted (for suggestions).
func functionNames() []string {
	out := make([]string, 0, len(funcIndex))
	for n := range funcIndex {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Function describes one KQL function huntkit translates, for completion, checks and docs.
type Function struct {
	Name      string // as called, lower case
	AliasOf   string // the canonical name when Name is an alias
	Signature string // name(arguments)
	Result    string // the result type
	Kind      string // scalar, aggregate, ...
	Category  string // datetime, conversion, string, logic, math, dynamic, network, window, series, aggregate
	Doc       string // one sentence
	MinArgs   int
	MaxArgs   int // -1: no limit
}

// Functions lists every function the compiler translates, sorted by name.
func Functions() []Function {
	out := make([]Function, 0, len(funcIndex))
	for _, n := range functionNames() {
		d := funcIndex[n]
		out = append(out, Function{Name: d.name, AliasOf: d.alias, Signature: d.name + "(" + d.args + ")", Result: d.result,
			Kind: d.kind.String(), Category: d.category, Doc: d.doc, MinArgs: d.min, MaxArgs: d.max})
	}
	return out
}

// funcTable is the one list of KQL functions (see funcDef).
var funcTable = []funcDef{
	{name: "ago", min: 1, max: 1, args: "span: timespan", result: "datetime", category: "datetime", kind: kindScalar, compile: fnAgo, doc: "The current UTC time minus span.", sample: "ago(1h)"},
	{name: "ingestion_time", min: 0, max: 0, args: "", result: "datetime", category: "datetime", kind: kindScalar, compile: fnIngestionTime, doc: "Always null locally: local tables have no IngestionTime policy.", sample: "ingestion_time()"},
	{name: "now", min: 0, max: 1, args: "[offset: timespan]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnNow, doc: "The current UTC time, plus offset.", sample: "now(-1d)"},
	{name: "bin", min: 2, max: 2, args: "value, size", result: "same as value", category: "datetime", kind: kindScalar, compile: fnBin, doc: "Rounds value down to a multiple of size (datetimes from the Unix epoch).", sample: "bin(datetime(2021-06-01 12:30:00), 1h)"},
	{name: "bin_at", min: 3, max: 3, args: "value, size, at", result: "same as value", category: "datetime", kind: kindScalar, compile: fnBinAt, doc: "Rounds value down to a multiple of size, aligned on at.", sample: "bin_at(datetime(2021-06-01 12:30:00), 1d, datetime(2021-01-01 06:00))"},
	{name: "startofday", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnStartofday, doc: "The start of the day holding date, moved by offset days (weeks start on Sunday).", sample: "startofday(datetime(2021-06-01 12:30:00), 1)"},
	{name: "endofday", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnEndofday, doc: "The last instant of the day holding date, moved by offset days.", sample: "endofday(datetime(2021-06-01 12:30:00))"},
	{name: "startofweek", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnStartofday, doc: "The start of the week holding date, moved by offset weeks (weeks start on Sunday).", sample: "startofweek(datetime(2021-06-01 12:30:00), 1)"},
	{name: "endofweek", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnEndofday, doc: "The last instant of the week holding date, moved by offset weeks.", sample: "endofweek(datetime(2021-06-01 12:30:00))"},
	{name: "startofmonth", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnStartofday, doc: "The start of the month holding date, moved by offset months (weeks start on Sunday).", sample: "startofmonth(datetime(2021-06-01 12:30:00), 1)"},
	{name: "endofmonth", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnEndofday, doc: "The last instant of the month holding date, moved by offset months.", sample: "endofmonth(datetime(2021-06-01 12:30:00))"},
	{name: "startofyear", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnStartofday, doc: "The start of the year holding date, moved by offset years (weeks start on Sunday).", sample: "startofyear(datetime(2021-06-01 12:30:00), 1)"},
	{name: "endofyear", min: 1, max: 2, args: "date: datetime [, offset: long]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnEndofday, doc: "The last instant of the year holding date, moved by offset years.", sample: "endofyear(datetime(2021-06-01 12:30:00))"},
	{name: "datetime_add", min: 3, max: 3, args: "period, amount: long, date: datetime", result: "datetime", category: "datetime", kind: kindScalar, compile: fnDatetimeAdd, doc: "date moved by amount periods (year, quarter, month, week, day, hour, ...).", sample: "datetime_add('month', 2, datetime(2021-06-01 12:30:00))"},
	{name: "datetime_diff", min: 3, max: 3, args: "period, date1: datetime, date2: datetime", result: "long", category: "datetime", kind: kindScalar, compile: fnDatetimeDiff, doc: "The number of period boundaries between date2 and date1.", sample: "datetime_diff('day', datetime(2021-06-01 12:30:00), datetime(2021-01-01))"},
	{name: "datetime_part", min: 2, max: 2, args: "part, date: datetime", result: "long", category: "datetime", kind: kindScalar, compile: fnDatetimePart, doc: "One part of date: year, quarter, month, week_of_year (ISO 8601), day, dayofyear, hour, minute, second, millisecond, microsecond, nanosecond (any case).", sample: "datetime_part('quarter', datetime(2021-06-01 12:30:00))"},
	{name: "dayofweek", min: 1, max: 1, args: "date: datetime", result: "timespan", category: "datetime", kind: kindScalar, compile: fnDayofweek, doc: "Days since the preceding Sunday, as a timespan.", sample: "dayofweek(datetime(2021-06-01 12:30:00))"},
	{name: "dayofmonth", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The day of the month (1-31).", sample: "dayofmonth(datetime(2021-06-01 12:30:00))"},
	{name: "dayofyear", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The day of the year (1-366).", sample: "dayofyear(datetime(2021-06-01 12:30:00))"},
	{name: "hourofday", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The hour (0-23).", sample: "hourofday(datetime(2021-06-01 12:30:00))"},
	{name: "getmonth", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The month (1-12).", sample: "getmonth(datetime(2021-06-01 12:30:00))"},
	{name: "getyear", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The year.", sample: "getyear(datetime(2021-06-01 12:30:00))"},
	{name: "week_of_year", min: 1, max: 1, args: "date: datetime", result: "int", category: "datetime", kind: kindScalar, compile: fnDayofmonth, doc: "The ISO 8601 week number.", sample: "week_of_year(datetime(2021-06-01 12:30:00))"},
	{name: "make_datetime", min: 1, max: 7, args: "year, month, day [, hour, minute, second]", result: "datetime", category: "datetime", kind: kindScalar, compile: fnMakeDatetime, doc: "A datetime from its parts.", sample: "make_datetime(2021, 6, 1, 12, 30, 15.5)"},
	{name: "make_timespan", min: 2, max: 4, args: "[days,] hours, minutes [, seconds]", result: "timespan", category: "datetime", kind: kindScalar, compile: fnMakeTimespan, doc: "A timespan from its parts.", sample: "make_timespan(1, 2, 3, 4)"},
	{name: "unixtime_seconds_todatetime", min: 1, max: 1, args: "seconds: long", result: "datetime", category: "datetime", kind: kindScalar, compile: fnUnixtimeSecondsTodatetime, doc: "The UTC datetime of a Unix time in seconds.", sample: "unixtime_seconds_todatetime(1622548800)"},
	{name: "unixtime_milliseconds_todatetime", min: 1, max: 1, args: "ms: long", result: "datetime", category: "datetime", kind: kindScalar, compile: fnUnixtimeMillisecondsTodatetime, doc: "The UTC datetime of a Unix time in milliseconds.", sample: "unixtime_milliseconds_todatetime(1622548800000)"},
	{name: "format_datetime", min: 2, max: 2, args: "date: datetime, format: string (constant)", result: "string", category: "datetime", kind: kindScalar, compile: fnFormatDatetime, doc: "date as text in a Kusto format (yyyy, MM, dd, HH, mm, ss, fff, ...).", sample: "format_datetime(datetime(2021-06-01 12:30:00), 'yyyy-MM-dd HH:mm:ss')"},
	{name: "format_timespan", min: 2, max: 2, args: "span: timespan, format: string", result: "string", category: "datetime", kind: kindScalar, compile: fnFormatTimespan, doc: "span as text (DuckDB's interval form; the format is not applied).", sample: "format_timespan(90m, 'hh:mm')"},
	{name: "todatetime", min: 1, max: 1, args: "value", result: "datetime", category: "conversion", kind: kindScalar, compile: fnTodatetime, doc: "value as a datetime, null when it does not convert.", sample: "todatetime('2021-06-01T12:00:00Z')"},
	{name: "totimespan", min: 1, max: 1, args: "value", result: "timespan", category: "conversion", kind: kindScalar, compile: fnTotimespan, doc: "value as a timespan, null when it does not convert.", sample: "totimespan('01:30:00')"},
	{name: "tostring", min: 1, max: 1, args: "value", result: "string", category: "conversion", kind: kindScalar, compile: fnTostring, doc: "value as text (empty for a null dynamic).", sample: "tostring(42)"},
	{name: "toint", min: 1, max: 1, args: "value", result: "int", category: "conversion", kind: kindScalar, compile: fnToint, doc: "value as a 32-bit integer, null when it does not convert.", sample: "toint('42')"},
	{name: "tolong", min: 1, max: 1, args: "value", result: "long", category: "conversion", kind: kindScalar, compile: fnTolong, doc: "value as a 64-bit integer, null when it does not convert.", sample: "tolong('42')"},
	{name: "toreal", min: 1, max: 1, args: "value", result: "real", category: "conversion", kind: kindScalar, compile: fnToreal, doc: "value as a real number, null when it does not convert.", sample: "toreal('4.5')"},
	{name: "tobool", min: 1, max: 1, args: "value", result: "bool", category: "conversion", kind: kindScalar, compile: fnTobool, doc: "value as a bool, null when it does not convert.", sample: "tobool('true')"},
	{name: "toguid", min: 1, max: 1, args: "value", result: "guid", category: "conversion", kind: kindScalar, compile: fnToguid, doc: "value as a guid.", sample: "toguid('74be27de-1e4e-49d9-b579-fe0b331d3642')"},
	{name: "todynamic", min: 1, max: 1, args: "json: string", result: "dynamic", category: "conversion", kind: kindScalar, compile: fnParseJson, doc: "Parses JSON text into a dynamic value (a plain string when it is not JSON).", sample: "todynamic('{\"a\": [1, 2]}')"},
	{name: "tohex", min: 1, max: 2, args: "value: long [, minlength]", result: "string", category: "conversion", kind: kindScalar, compile: fnTohex, doc: "value in lower-case hexadecimal.", sample: "tohex(255)"},
	{name: "typeof", min: 1, max: 1, args: "value", result: "string", category: "conversion", kind: kindScalar, compile: fnTypeof, doc: "The Kusto type name of value.", sample: "typeof(dynamic([1]))"},
	{name: "tolower", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnTolower, doc: "s in lower case.", sample: "tolower('AbC')"},
	{name: "toupper", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnTolower, doc: "s in upper case.", sample: "toupper('AbC')"},
	{name: "strcat", min: 1, max: 64, args: "s1, s2, ...", result: "string", category: "string", kind: kindScalar, compile: fnStrcat, doc: "The arguments as text, joined (nulls as empty).", sample: "strcat('a', 1, 'b')"},
	{name: "strcat_delim", min: 3, max: 64, args: "delimiter, s1, s2, ...", result: "string", category: "string", kind: kindScalar, compile: fnStrcatDelim, doc: "The arguments after the first, joined by it.", sample: "strcat_delim('-', 'a', 'b')"},
	{name: "strcat_array", min: 2, max: 2, args: "array: dynamic, delimiter: string", result: "string", category: "string", kind: kindScalar, compile: fnStrcatArray, doc: "The array's elements as text, joined by delimiter.", sample: "strcat_array(dynamic(['a', 'b']), ',')"},
	{name: "strlen", min: 1, max: 1, args: "s: string", result: "long", category: "string", kind: kindScalar, compile: fnStrlen, doc: "The number of characters in s.", sample: "strlen('héllo')"},
	{name: "string_size", min: 1, max: 1, args: "s: string", result: "long", category: "string", kind: kindScalar, compile: fnStrlen, doc: "The number of bytes in s.", sample: "string_size('héllo')"},
	{name: "substring", min: 2, max: 3, args: "s: string, start: long [, length: long]", result: "string", category: "string", kind: kindScalar, compile: fnSubstring, doc: "length characters of s from the zero-based start.", sample: "substring('abcdef', 1, 3)"},
	{name: "split", min: 2, max: 3, args: "s: string, delimiter: string [, index: long]", result: "dynamic", category: "string", kind: kindScalar, compile: fnSplit, doc: "s split at delimiter, as an array (or the one element at index).", sample: "split('a,b,c', ',')"},
	{name: "trim", min: 2, max: 2, args: "regex: string, s: string", result: "string", category: "string", kind: kindScalar, compile: fnTrim, doc: "s without leading and trailing matches of regex.", sample: "trim('-', '--a--')"},
	{name: "trim_start", min: 2, max: 2, args: "regex: string, s: string", result: "string", category: "string", kind: kindScalar, compile: fnTrim, doc: "s without leading matches of regex.", sample: "trim_start('-', '--a--')"},
	{name: "trim_end", min: 2, max: 2, args: "regex: string, s: string", result: "string", category: "string", kind: kindScalar, compile: fnTrim, doc: "s without trailing matches of regex.", sample: "trim_end('-', '--a--')"},
	{name: "replace_string", min: 3, max: 3, args: "s: string, lookup: string, replacement: string", result: "string", category: "string", kind: kindScalar, compile: fnReplaceString, doc: "s with every lookup replaced.", sample: "replace_string('a.b.c', '.', '/')"},
	{name: "strrep", min: 2, max: 3, args: "s: string, n: long [, delimiter: string]", result: "string", category: "string", kind: kindScalar, compile: fnStrrep, doc: "s repeated n times, separated by delimiter.", sample: "strrep('ab', 3, '-')"},
	{name: "replace_regex", min: 3, max: 3, args: "s: string, regex: string, rewrite: string", result: "string", category: "string", kind: kindScalar, compile: fnReplaceRegex, doc: "s with every match of regex replaced by rewrite (\\1 names a group).", sample: "replace_regex('a1b22', '[0-9]+', '#')"},
	{name: "replace", min: 3, max: 3, args: "regex: string, rewrite: string, s: string", result: "string", category: "string", kind: kindScalar, compile: fnReplaceRegex, doc: "The deprecated argument order of replace_regex.", sample: "replace('[0-9]+', '#', 'a1b22')"},
	{name: "extract", min: 3, max: 4, args: "regex: string, group: long, s: string [, typeof(T)]", result: "string", category: "string", kind: kindScalar, compile: fnExtract, doc: "Capture group of the first match of regex in s (null when none), optionally converted to T.", sample: "extract('([0-9]+)', 1, 'port 443', typeof(long))"},
	{name: "extract_all", min: 2, max: 3, args: "regex: string, [groups,] s: string", result: "dynamic", category: "string", kind: kindScalar, compile: fnExtractAll, doc: "Every match of regex in s (the first group when there is one), as an array; null when none.", sample: "extract_all('([0-9]+)', 'a1b22')"},
	{name: "extract_json", min: 2, max: 3, args: "path: string, json: string [, typeof(T)]", result: "dynamic", category: "string", kind: kindScalar, compile: fnExtractJson, doc: "The element at a JSONPath in json.", sample: "extract_json('$.a', '{\"a\": 1}')"},
	{name: "indexof", min: 2, max: 5, args: "s: string, match: string [, start [, length [, occurrence]]]", result: "long", category: "string", kind: kindScalar, compile: fnIndexof, doc: "The zero-based position of match in s (-1 when absent); occurrence must be 1.", sample: "indexof('abcabc', 'c', 3, -1)"},
	{name: "countof", min: 2, max: 3, args: "s: string, search: string [, kind: 'normal'|'regex']", result: "long", category: "string", kind: kindScalar, compile: fnCountof, doc: "How many times search occurs in s.", sample: "countof('aaa', 'a')"},
	{name: "reverse", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnReverse, doc: "s reversed.", sample: "reverse('abc')"},
	{name: "translate", min: 3, max: 3, args: "from: string, to: string, s: string", result: "string", category: "string", kind: kindScalar, compile: fnTranslate, doc: "s with each character of from replaced by the one at the same place in to.", sample: "translate('ab', 'xy', 'abc')"},
	{name: "parse_url", min: 1, max: 1, args: "url: string", result: "dynamic", category: "string", kind: kindScalar, compile: fnParseUrl, doc: "url's parts: Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment.", sample: "parse_url('https://u:p@example.com:8080/a?b=1#f')"},
	{name: "parse_xml", min: 1, max: 1, args: "xml: string", result: "dynamic", category: "string", kind: kindScalar, compile: fnParseXML, doc: "The XML document as a dynamic value: attributes as @name, text beside them as #text, repeated elements as arrays; null when invalid or over 1 MB.", sample: "parse_xml('<e a=\"1\"><b>x</b><b>y</b></e>')"},
	{name: "parse_path", min: 1, max: 1, args: "path: string", result: "dynamic", category: "string", kind: kindScalar, compile: fnParsePath, doc: "path's parts: RootPath, DirectoryPath, DirectoryName, Filename, Extension.", sample: "parse_path('C:\\\\Windows\\\\cmd.exe')"},
	{name: "url_decode", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnUrlDecode, doc: "s with %XX escapes decoded.", sample: "url_decode('a%20b')"},
	{name: "url_encode", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnUrlEncode, doc: "s with reserved characters %XX-escaped.", sample: "url_encode('a b')"},
	{name: "base64_decode_tostring", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnBase64DecodeTostring, doc: "The UTF-8 text encoded in base64 s.", sample: "base64_decode_tostring('aGk=')"},
	{name: "base64_encode_tostring", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnBase64EncodeTostring, doc: "s's UTF-8 bytes in base64.", sample: "base64_encode_tostring('hi')"},
	{name: "hash_sha256", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnHashSha256, doc: "The SHA-256 of s, in hexadecimal.", sample: "hash_sha256('a')"},
	{name: "hash_md5", min: 1, max: 1, args: "s: string", result: "string", category: "string", kind: kindScalar, compile: fnHashMd5, doc: "The MD5 of s, in hexadecimal.", sample: "hash_md5('a')"},
	{name: "hash", min: 1, max: 2, args: "value [, mod: long]", result: "long", category: "string", kind: kindScalar, compile: fnHash, doc: "A non-negative hash of value, modulo mod (not Kusto's xxhash values).", sample: "hash('a', 10)"},
	{name: "isascii", min: 1, max: 1, args: "s: string", result: "bool", category: "string", kind: kindScalar, compile: fnIsascii, doc: "Whether every character of s is ASCII.", sample: "isascii('abc')"},
	{name: "new_guid", min: 0, max: 0, args: "", result: "guid", category: "string", kind: kindScalar, compile: fnNewGuid, doc: "A random guid.", sample: "new_guid()"},
	{name: "iff", min: 3, max: 3, args: "condition: bool, then, else", result: "type of then", category: "logic", kind: kindScalar, compile: fnIff, doc: "then when condition holds, else otherwise.", sample: "iff(1 > 0, 'y', 'n')"},
	{name: "case", min: 3, max: -1, args: "condition1, value1, ..., else", result: "type of the values", category: "logic", kind: kindScalar, compile: fnCase, doc: "The value of the first condition that holds, else the last argument.", sample: "case(1 > 2, 'a', 2 > 1, 'b', 'c')"},
	{name: "coalesce", min: 1, max: 64, args: "value1, value2, ...", result: "type of value1", category: "logic", kind: kindScalar, compile: fnCoalesce, doc: "The first argument that is neither null nor empty.", sample: "coalesce('', 'b')"},
	{name: "isempty", min: 1, max: 1, args: "value", result: "bool", category: "logic", kind: kindScalar, compile: fnIsempty, doc: "Whether value is null or empty.", sample: "isempty('')"},
	{name: "isnotempty", min: 1, max: 1, args: "value", result: "bool", category: "logic", kind: kindScalar, compile: fnIsempty, doc: "Whether value is neither null nor empty.", sample: "isnotempty('a')"},
	{name: "isnull", min: 1, max: 1, args: "value", result: "bool", category: "logic", kind: kindScalar, compile: fnIsnull, doc: "Whether value is null (never for a string).", sample: "isnull(int(null))"},
	{name: "isnotnull", min: 1, max: 1, args: "value", result: "bool", category: "logic", kind: kindScalar, compile: fnIsnull, doc: "Whether value is not null.", sample: "isnotnull(1)"},
	{name: "not", min: 1, max: 1, args: "condition: bool", result: "bool", category: "logic", kind: kindScalar, compile: fnNot, doc: "The negation of condition.", sample: "not(1 > 2)"},
	{name: "max_of", min: 1, max: 64, args: "value1, value2, ...", result: "type of the values", category: "math", kind: kindScalar, compile: fnMaxOf, doc: "The largest argument.", sample: "max_of(1, 5, 3)"},
	{name: "min_of", min: 1, max: 64, args: "value1, value2, ...", result: "type of the values", category: "math", kind: kindScalar, compile: fnMaxOf, doc: "The smallest argument.", sample: "min_of(1, 5, 3)"},
	{name: "abs", min: 1, max: 1, args: "x", result: "same as x", category: "math", kind: kindScalar, compile: fnAbs, doc: "The absolute value of x.", sample: "abs(-2)"},
	{name: "sqrt", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "The square root of x.", sample: "sqrt(4)"},
	{name: "exp", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "e raised to x.", sample: "exp(4)"},
	{name: "log", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "The natural logarithm of x (null for 0).", sample: "log(4)"},
	{name: "log10", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "The base-10 logarithm of x (null for 0).", sample: "log10(4)"},
	{name: "log2", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "The base-2 logarithm of x (null for 0).", sample: "log2(4)"},
	{name: "exp2", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "2 raised to x.", sample: "exp2(4)"},
	{name: "exp10", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "10 raised to x.", sample: "exp10(4)"},
	{name: "sign", min: 1, max: 1, args: "x: real", result: "real", category: "math", kind: kindScalar, compile: fnAbs, doc: "-1, 0 or 1 as x is negative, zero or positive.", sample: "sign(-4)"},
	{name: "isnan", min: 1, max: 1, args: "x: real", result: "bool", category: "math", kind: kindScalar, compile: fnAbs, doc: "Whether x is NaN.", sample: "isnan(1.0)"},
	{name: "isfinite", min: 1, max: 1, args: "x: real", result: "bool", category: "math", kind: kindScalar, compile: fnAbs, doc: "Whether x is neither infinite nor NaN.", sample: "isfinite(1.0)"},
	{name: "pow", min: 2, max: 2, args: "base: real, exponent: real", result: "real", category: "math", kind: kindScalar, compile: fnPow, doc: "base raised to exponent.", sample: "pow(2, 10)"},
	{name: "round", min: 1, max: 2, args: "x [, digits: long]", result: "real", category: "math", kind: kindScalar, compile: fnRound, doc: "x rounded to digits decimal places.", sample: "round(2.567, 2)"},
	{name: "rand", min: 0, max: 1, args: "[n: long]", result: "real or long", category: "math", kind: kindScalar, compile: fnRand, doc: "A random real in [0, 1), or a random long in [0, n).", sample: "rand(10)"},
	{name: "pack", min: 0, max: -1, args: "key1, value1, ... | *", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnPack, doc: "A property bag of the key/value pairs (pack(*): every column).", sample: "pack('a', 1, 'b', 'x')"},
	{name: "pack_all", min: 0, max: 1, args: "[ignore_null_empty: bool]", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnPackAll, doc: "A property bag of every column of the row.", sample: "pack_all()"},
	{name: "pack_array", min: 0, max: -1, args: "value1, value2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnPackArray, doc: "An array of the arguments.", sample: "pack_array(1, 'a')"},
	{name: "range", min: 2, max: 3, args: "start, stop [, step]", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnRange, doc: "An array of the values from start to stop by step.", sample: "range(1, 5, 2)"},
	{name: "column_ifexists", min: 2, max: 2, args: "name: string (constant), default", result: "type of the column or default", category: "dynamic", kind: kindScalar, compile: fnColumnIfexists, doc: "The column called name when the input has it, else default.", sample: "column_ifexists('i', 0)"},
	{name: "array_length", min: 1, max: 1, args: "array: dynamic", result: "long", category: "dynamic", kind: kindScalar, compile: fnArrayLength, doc: "The number of elements of array (null when not an array).", sample: "array_length(dynamic([1, 2]))"},
	{name: "array_concat", min: 1, max: -1, args: "array1, array2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnArrayConcat, doc: "The arrays joined into one.", sample: "array_concat(dynamic([1]), dynamic([2]))"},
	{name: "set_union", min: 2, max: 64, args: "array1, array2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnSetUnion, doc: "The distinct elements of all the arrays.", sample: "set_union(dynamic([1, 2]), dynamic([2, 3]))"},
	{name: "set_intersect", min: 2, max: 64, args: "array1, array2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnSetUnion, doc: "The distinct elements every array holds.", sample: "set_intersect(dynamic([1, 2]), dynamic([2, 3]))"},
	{name: "set_difference", min: 2, max: 64, args: "array1, array2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnSetUnion, doc: "The distinct elements of array1 that no other array holds.", sample: "set_difference(dynamic([1, 2]), dynamic([2, 3]))"},
	{name: "set_has_element", min: 2, max: 2, args: "array: dynamic, value", result: "bool", category: "dynamic", kind: kindScalar, compile: fnSetHasElement, doc: "Whether array holds value.", sample: "set_has_element(dynamic([1, 2]), 2)"},
	{name: "array_index_of", min: 2, max: 2, args: "array: dynamic, value", result: "long", category: "dynamic", kind: kindScalar, compile: fnArrayIndexOf, doc: "The zero-based position of value in array, -1 when absent.", sample: "array_index_of(dynamic(['a', 'b']), 'b')"},
	{name: "array_slice", min: 3, max: 3, args: "array: dynamic, start: long, end: long", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnArraySlice, doc: "The elements from start to end (inclusive, zero-based).", sample: "array_slice(dynamic([1, 2, 3, 4]), 1, 2)"},
	{name: "array_sort_asc", min: 1, max: 1, args: "array: dynamic", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnArraySortAsc, doc: "array sorted in ascending order.", sample: "array_sort_asc(dynamic([3, 1, 2]))"},
	{name: "array_sort_desc", min: 1, max: 1, args: "array: dynamic", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnArraySortAsc, doc: "array sorted in descending order.", sample: "array_sort_desc(dynamic([3, 1, 2]))"},
	{name: "array_sum", min: 1, max: 1, args: "array: dynamic", result: "real", category: "dynamic", kind: kindScalar, compile: fnArraySum, doc: "The sum of a numeric array, null when array is not one.", sample: "array_sum(dynamic([1, 2.5]))"},
	{name: "bag_keys", min: 1, max: 1, args: "bag: dynamic", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnBagKeys, doc: "The keys of a property bag.", sample: "bag_keys(dynamic({'a': 1, 'b': 2}))"},
	{name: "bag_has_key", min: 2, max: 2, args: "bag: dynamic, key: string (plain literal)", result: "bool", category: "dynamic", kind: kindScalar, compile: fnBagHasKey, doc: "Whether bag has the top-level key.", sample: "bag_has_key(dynamic({'a': 1}), 'a')"},
	{name: "bag_merge", min: 2, max: 64, args: "bag1, bag2, ...", result: "dynamic", category: "dynamic", kind: kindScalar, compile: fnBagMerge, doc: "The bags merged; the first bag wins a conflict.", sample: "bag_merge(dynamic({'a': 1}), dynamic({'a': 2, 'b': 3}))"},
	{name: "parse_ipv4", min: 1, max: 1, args: "ip: string", result: "long", category: "network", kind: kindScalar, compile: fnParseIpv4, doc: "The number of a dotted IPv4 address, null when invalid.", sample: "parse_ipv4('10.0.0.1')"},
	{name: "ipv4_is_private", min: 1, max: 1, args: "ip: string", result: "bool", category: "network", kind: kindScalar, compile: fnIpv4IsPrivate, doc: "Whether ip is in 10/8, 172.16/12 or 192.168/16.", sample: "ipv4_is_private('192.168.1.1')"},
	{name: "ipv4_is_in_range", min: 2, max: 3, args: "ip: string, range: string", result: "bool", category: "network", kind: kindScalar, compile: fnIpv4IsInRange, doc: "Whether ip is inside range (an address or a CIDR block).", sample: "ipv4_is_in_range('10.1.2.3', '10.0.0.0/8')"},
	{name: "ipv4_is_match", min: 2, max: 3, args: "ip1: string, ip2: string [, prefix: long]", result: "bool", category: "network", kind: kindScalar, compile: fnIpv4IsInRange, doc: "Whether the two addresses match (CIDR suffixes honoured).", sample: "ipv4_is_match('10.1.2.3', '10.1.2.0/24')"},
	{name: "format_ipv4", min: 1, max: 2, args: "ip: string or long [, prefix: long]", result: "string", category: "network", kind: kindScalar, compile: fnFormatIpv4, doc: "ip in dotted form.", sample: "format_ipv4(167772161)"},
	{name: "row_number", min: 0, max: 2, args: "[start: long [, restart: bool]]", result: "long", category: "window", kind: kindScalar, compile: fnRowNumber, doc: "The row's position in a serialized input, from start (1 by default).", sample: "row_number()"},
	{name: "prev", min: 1, max: 3, args: "column [, offset: long [, default]]", result: "type of column", category: "window", kind: kindScalar, compile: fnPrev, doc: "column's value offset rows before, in a serialized input.", sample: "prev(i)"},
	{name: "next", min: 1, max: 3, args: "column [, offset: long [, default]]", result: "type of column", category: "window", kind: kindScalar, compile: fnPrev, doc: "column's value offset rows after, in a serialized input.", sample: "next(i, 1, 0)"},
	{name: "row_cumsum", min: 1, max: 2, args: "term", result: "type of term", category: "window", kind: kindScalar, compile: fnRowCumsum, doc: "The running sum of term over a serialized input.", sample: "row_cumsum(i)"},
	{name: "toscalar", min: 1, max: 1, args: "tabular expression", result: "type of its first column", category: "logic", kind: kindScalar, compile: fnToscalar, doc: "The first column of the first row of a tabular expression.", sample: "toscalar(print 1)"},
	{name: "series_outliers", min: 1, max: 5, args: "series: dynamic [, kind, ignore, min_percentile, max_percentile]", result: "dynamic", category: "series", kind: kindScalar, compile: fnSeriesOutliers, doc: "Tukey-fence outlier scores for each point of series.", sample: "series_outliers(dynamic([1, 2, 3, 2, 100]))"},
	{name: "series_fill_forward", min: 1, max: 2, args: "series: dynamic [, missing_value_placeholder]", result: "dynamic", category: "series", kind: kindScalar, compile: seriesFill("forward"), doc: "series with each missing point replaced by the last point before it.", sample: "series_fill_forward(dynamic([1, null, 3]))"},
	{name: "series_fill_backward", min: 1, max: 2, args: "series: dynamic [, missing_value_placeholder]", result: "dynamic", category: "series", kind: kindScalar, compile: seriesFill("backward"), doc: "series with each missing point replaced by the next point after it.", sample: "series_fill_backward(dynamic([1, null, 3]))"},
	{name: "series_fill_const", min: 1, max: 3, args: "series: dynamic [, constant_value, missing_value_placeholder]", result: "dynamic", category: "series", kind: kindScalar, compile: seriesFill("const"), doc: "series with each missing point replaced by a constant (default 0).", sample: "series_fill_const(dynamic([1, null, 3]), 0)"},
	{name: "series_fill_linear", min: 1, max: 4, args: "series: dynamic [, missing_value_placeholder, fill_edges, constant_value]", result: "dynamic", category: "series", kind: kindScalar, compile: seriesFill("linear"), doc: "series with missing points interpolated linearly (edges take the nearest value unless fill_edges is false).", sample: "series_fill_linear(dynamic([1, null, 3]))"},
	{name: "series_fir", min: 2, max: 4, args: "series: dynamic, filter: dynamic [, normalize, center]", result: "dynamic", category: "series", kind: kindScalar, compile: fnSeriesFir, doc: "series through a finite impulse response filter (moving averages, differences).", sample: "series_fir(dynamic([0, 10, 20, 30]), dynamic([1, 1]))"},
	{name: "series_iir", min: 3, max: 3, args: "series: dynamic, numerators: dynamic, denominators: dynamic", result: "dynamic", category: "series", kind: kindScalar, compile: fnSeriesIir, doc: "series through an infinite impulse response filter (e.g. a cumulative sum with [1], [1, -1]).", sample: "series_iir(dynamic([1, 2, 3]), dynamic([1]), dynamic([1, -1]))"},
	{name: "series_decompose_forecast", min: 2, max: 5, args: "series: dynamic, points [, seasonality, trend, seasonality_threshold]", result: "dynamic", category: "series", kind: kindScalar, compile: fnSeriesForecast, doc: "the baseline of series with its last points left out of the learning: a forecast of them.", sample: "series_decompose_forecast(dynamic([1, 2, 3, 4, 0, 0]), 2)"},
	{name: "series_fit_line", min: 1, max: 2, args: "series: dynamic", result: "several columns", category: "series", kind: kindColumns, doc: "Linear regression of series: rsquare, slope, variance, rvariance, interception, line_fit (only as an extend item).", sample: "series_fit_line(dynamic([1, 2, 3, 5]))"},
	{name: "series_stats", min: 1, max: 2, args: "series: dynamic [, ignore_nonfinite]", result: "several columns", category: "series", kind: kindColumns, doc: "min, min_idx, max, max_idx, avg, stdev, variance of series (only as an extend item).", sample: "series_stats(dynamic([1, 2, 3, 5]))"},
	{name: "series_decompose", min: 1, max: 4, args: "series: dynamic [, seasonality, trend]", result: "several columns", category: "series", kind: kindColumns, doc: "baseline, seasonal, trend and residual of series (only as an extend item).", sample: "series_decompose(dynamic([1, 2, 3, 5, 1, 2, 3, 5]))"},
	{name: "series_decompose_anomalies", min: 1, max: 5, args: "series: dynamic [, threshold, seasonality, trend]", result: "several columns", category: "series", kind: kindColumns, doc: "anomaly flags, scores and baseline of series (only as an extend item).", sample: "series_decompose_anomalies(dynamic([1, 2, 3, 5, 1, 2, 3, 50]))"},
	{name: "series_periods_detect", min: 4, max: 6, args: "series: dynamic, min_period, max_period, num_periods", result: "several columns", category: "series", kind: kindColumns, doc: "periods and scores of the strongest periods of series (only as an extend item).", sample: "series_periods_detect(dynamic([1, 2, 1, 2, 1, 2, 1, 2]), 1, 4, 1)"},
	{name: "count", min: 0, max: 1, args: "[value]", result: "long", category: "aggregate", kind: kindAggregate, prefix: "count_", compile: aggCount, doc: "The number of rows (or of non-null value).", sample: "count()"},
	{name: "countif", min: 1, max: 1, args: "condition: bool", result: "long", category: "aggregate", kind: kindAggregate, prefix: "countif_", compile: aggCountif, doc: "The number of rows where condition holds.", sample: "countif(i > 1)"},
	{name: "dcount", min: 1, max: 2, args: "value [, accuracy]", result: "long", category: "aggregate", kind: kindAggregate, prefix: "dcount_", compile: aggDcount, doc: "The exact number of distinct values.", sample: "dcount(s)"},
	{name: "dcountif", min: 2, max: 3, args: "value, condition [, accuracy]", result: "long", category: "aggregate", kind: kindAggregate, prefix: "dcountif_", compile: aggDcountif, doc: "The number of distinct values where condition holds.", sample: "dcountif(s, i > 1)"},
	{name: "sum", min: 1, max: 1, args: "value", result: "long, real or timespan", category: "aggregate", kind: kindAggregate, prefix: "sum_", compile: aggSum, doc: "The sum of value.", sample: "sum(i)"},
	{name: "sumif", min: 2, max: 2, args: "value, condition", result: "long, real or timespan", category: "aggregate", kind: kindAggregate, prefix: "sumif_", compile: aggSum, doc: "The sum of value where condition holds.", sample: "sumif(i, i > 1)"},
	{name: "avg", min: 1, max: 1, args: "value", result: "real (datetime/timespan kept)", category: "aggregate", kind: kindAggregate, prefix: "avg_", compile: aggAvg, doc: "The mean of value.", sample: "avg(i)"},
	{name: "avgif", min: 2, max: 2, args: "value, condition", result: "real", category: "aggregate", kind: kindAggregate, prefix: "avgif_", compile: aggAvg, doc: "The mean of value where condition holds.", sample: "avgif(i, i > 1)"},
	{name: "min", min: 1, max: 1, args: "value", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "min_", compile: aggMin, doc: "The smallest value.", sample: "min(i)"},
	{name: "max", min: 1, max: 1, args: "value", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "max_", compile: aggMin, doc: "The largest value.", sample: "max(i)"},
	{name: "minif", min: 2, max: 2, args: "value, condition", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "minif_", compile: aggMin, doc: "The smallest value where condition holds.", sample: "minif(i, i > 1)"},
	{name: "maxif", min: 2, max: 2, args: "value, condition", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "maxif_", compile: aggMin, doc: "The largest value where condition holds.", sample: "maxif(i, i > 1)"},
	{name: "make_set", min: 1, max: 2, args: "value [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "set_", compile: aggMakeSet, doc: "The distinct non-null values, as an array.", sample: "make_set(s)"},
	{name: "make_set_if", min: 2, max: 3, args: "value, condition [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "set_", compile: aggMakeSet, doc: "The distinct values where condition holds.", sample: "make_set_if(s, i > 1)"},
	{name: "make_list", min: 1, max: 2, args: "value [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "list_", compile: aggMakeSet, doc: "The non-null values, as an array (in row order when serialized).", sample: "make_list(s)"},
	{name: "make_list_if", min: 2, max: 3, args: "value, condition [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "list_", compile: aggMakeSet, doc: "The values where condition holds, as an array.", sample: "make_list_if(s, i > 1)"},
	{name: "make_list_with_nulls", min: 1, max: 2, args: "value [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "list_", compile: aggMakeSet, doc: "Every value, nulls included, as an array.", sample: "make_list_with_nulls(s)"},
	{name: "make_bag", min: 1, max: 2, args: "bag: dynamic [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "bag_", compile: aggMakeBag, doc: "The property bags merged into one.", sample: "make_bag(pack('k', s))"},
	{name: "make_bag_if", min: 2, max: 3, args: "bag: dynamic, condition [, max_size]", result: "dynamic", category: "aggregate", kind: kindAggregate, prefix: "bag_", compile: aggMakeBag, doc: "The bags where condition holds, merged.", sample: "make_bag_if(pack('k', s), i > 1)"},
	{name: "take_any", min: 1, max: 1, args: "value", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "any_", compile: aggAny, doc: "Any one value.", sample: "take_any(s)"},
	{name: "take_anyif", min: 2, max: 2, args: "value, condition", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "anyif_", compile: aggAnyif, doc: "Any one value where condition holds.", sample: "take_anyif(s, i > 1)"},
	{name: "stdev", min: 1, max: 1, args: "value", result: "real", category: "aggregate", kind: kindAggregate, prefix: "stdev_", compile: aggStdev, doc: "The sample standard deviation of value.", sample: "stdev(i)"},
	{name: "stdevp", min: 1, max: 1, args: "value", result: "real", category: "aggregate", kind: kindAggregate, prefix: "stdevp_", compile: aggStdev, doc: "The population standard deviation of value.", sample: "stdevp(i)"},
	{name: "variance", min: 1, max: 1, args: "value", result: "real", category: "aggregate", kind: kindAggregate, prefix: "variance_", compile: aggStdev, doc: "The sample variance of value.", sample: "variance(i)"},
	{name: "variancep", min: 1, max: 1, args: "value", result: "real", category: "aggregate", kind: kindAggregate, prefix: "variancep_", compile: aggStdev, doc: "The population variance of value.", sample: "variancep(i)"},
	{name: "stdevif", min: 2, max: 2, args: "value, condition", result: "real", category: "aggregate", kind: kindAggregate, prefix: "stdevif_", compile: aggStdev, doc: "The sample standard deviation where condition holds.", sample: "stdevif(i, i > 1)"},
	{name: "varianceif", min: 2, max: 2, args: "value, condition", result: "real", category: "aggregate", kind: kindAggregate, prefix: "varianceif_", compile: aggStdev, doc: "The sample variance where condition holds.", sample: "varianceif(i, i > 1)"},
	{name: "percentile", min: 2, max: 2, args: "value, p: real", result: "same as value", category: "aggregate", kind: kindAggregate, prefix: "percentile_", compile: aggPercentile, doc: "The nearest-rank p-th percentile of value.", sample: "percentile(i, 50)"},
	{name: "percentiles", min: 2, max: -1, args: "value, p1, p2, ...", result: "several columns", category: "aggregate", kind: kindTopAggregate, prefix: "percentile_", doc: "The nearest-rank percentiles, one column each (a top-level summarize aggregate).", sample: "percentiles(i, 25, 75)"},
	{name: "binary_all_or", min: 1, max: 1, args: "value: long", result: "long", category: "aggregate", kind: kindAggregate, prefix: "binary_all_or_", compile: aggBinaryAllOr, doc: "The bitwise OR of every value.", sample: "binary_all_or(i)"},
	{name: "binary_all_and", min: 1, max: 1, args: "value: long", result: "long", category: "aggregate", kind: kindAggregate, prefix: "binary_all_and_", compile: aggBinaryAllOr, doc: "The bitwise AND of every value.", sample: "binary_all_and(i)"},
	{name: "arg_max", min: 1, max: -1, args: "maximize, column1, ... | *", result: "several columns", category: "aggregate", kind: kindTopAggregate, prefix: "max_", doc: "The row where maximize is largest: maximize and the named columns (a top-level summarize aggregate).", sample: "arg_max(i, s)"},
	{name: "arg_min", min: 1, max: -1, args: "minimize, column1, ... | *", result: "several columns", category: "aggregate", kind: kindTopAggregate, prefix: "min_", doc: "The row where minimize is smallest (a top-level summarize aggregate).", sample: "arg_min(i, *)"},
	{name: "floor", alias: "bin"},
	{name: "datepart", alias: "datetime_part"},
	{name: "monthofyear", alias: "getmonth"},
	{name: "time", alias: "totimespan"},
	{name: "todouble", alias: "toreal"},
	{name: "todecimal", alias: "toreal"},
	{name: "toboolean", alias: "tobool"},
	{name: "parse_json", alias: "todynamic"},
	{name: "parsejson", alias: "todynamic"},
	{name: "gettype", alias: "typeof"},
	{name: "extractall", alias: "extract_all"},
	{name: "extractjson", alias: "extract_json"},
	{name: "url_encode_component", alias: "url_encode"},
	{name: "base64_decodestring", alias: "base64_decode_tostring"},
	{name: "base64_encodestring", alias: "base64_encode_tostring"},
	{name: "iif", alias: "iff"},
	{name: "bag_pack", alias: "pack"},
	{name: "pack_dictionary", alias: "pack"},
	{name: "columnifexists", alias: "column_ifexists"},
	{name: "arraylength", alias: "array_length"},
	{name: "count_distinct", alias: "dcount", prefix: "count_distinct_"},
	{name: "makeset", alias: "make_set"},
	{name: "makelist", alias: "make_list"},
	{name: "any", alias: "take_any"},
	{name: "anyif", alias: "take_anyif"},
	{name: "argmax", alias: "arg_max"},
	{name: "argmin", alias: "arg_min"},
}

// functionCategories orders the categories of the generated function reference.
var functionCategories = []string{"datetime", "conversion", "string", "logic", "math", "dynamic", "network", "window", "series", "aggregate"}

// functionsMarkdown renders the function table as the reference section of docs/kql.md.
func functionsMarkdown() string {
	var b strings.Builder
	fns := Functions()
	for _, cat := range functionCategories {
		b.WriteString("\n### " + strings.ToUpper(cat[:1]) + cat[1:] + "\n\n| function | returns | description |\n|---|---|---|\n")
		for _, f := range fns {
			if f.Category != cat {
				continue
			}
			doc := f.Doc
			if f.Kind != "scalar" && f.Kind != "aggregate" {
				doc += " (" + f.Kind + ")"
			}
			b.WriteString("| `" + mdEscape(f.Signature) + "` | " + mdEscape(f.Result) + " | " + mdEscape(doc) + " |\n")
		}
	}
	return b.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
