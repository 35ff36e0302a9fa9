package kql

import (
	"fmt"
	"github.com/huntkit/huntkit/kql/syntax"

	"strconv"
	"strings"
	"time"
)

func (c *compiler) nargs(v *syntax.Call, min, max int) {
	n := len(v.Args)
	if n < min || (max >= 0 && n > max) {
		switch {
		case min == max:
			c.failAt(v, nil, "%s() expects %d argument(s), got %d", v.Fn.Name, min, n)
		case max < 0:
			c.failAt(v, nil, "%s() expects at least %d argument(s), got %d", v.Fn.Name, min, n)
		default:
			c.failAt(v, nil, "%s() expects %d to %d arguments, got %d", v.Fn.Name, min, max, n)
		}
	}
}

func (c *compiler) nowSQL() string {
	if c.opt.now != nil {
		return tsLit(*c.opt.now)
	}
	return "(now() AT TIME ZONE 'UTC')"
}

// knownUnimplemented are documented Kusto functions that the compiler does not translate
// yet; calls to them are reported as not supported rather than as unknown names.
var knownUnimplemented = map[string]bool{
	"ipv6_compare": true, "ipv4_netmask_suffix": true, "parse_ipv6": true, "parse_ipv6_mask": true, "parse_version": true,
	"parse_user_agent": true, "array_iff": true, "array_shift_left": true, "array_shift_right": true, "array_rotate_left": true,
	"array_rotate_right": true, "array_split": true, "jaccard_index": true, "bag_set_key": true, "bag_zip": true,
	"format_bytes": true, "punycode_to_string": true, "unicode_codepoints_from_string": true, "to_utf8": true, "hash_combine": true,
	"hash_many": true, "hash_xxhash64": true, "hash_sha1": true, "hash_crc32": true, "make_string": true, "gzip_compress_to_base64_string": true,
	"gzip_decompress_from_base64_string": true, "zlib_compress_to_base64_string": true, "base64_encode_fromguid": true,
	"base64_decode_toguid": true, "base64_decode_toarray": true, "base64_encode_fromarray": true, "dayofweek_iso": true,
	"unixtime_microseconds_todatetime": true, "unixtime_nanoseconds_todatetime": true, "datetime_list_timezones": true,
	"parse_command_line": true, "has_any_index": true, "zip": true, "bag_remove_keys": true, "ipv4_compare": true,
	"ipv6_is_match": true, "parse_csv": true, "isutf8": true, "datetime_utc_to_local": true,
	"datetime_local_to_utc": true, "row_window_session": true, "percentilesw": true, "percentilew": true, "cursor_after": true,
	"current_principal": true, "current_cluster_endpoint": true, "estimate_data_size": true, "ipv4_lookup": true,
	"geo_info_from_ip_address": true, "hll": true, "tdigest": true, "hll_merge": true, "tdigest_merge": true,
}

func (c *compiler) call(v *syntax.Call, sc *scope) sqlExpr {
	x := c.callImpl(v, sc)
	if !x.agg && sc.agg != nil {
		for _, a := range v.Args {
			if hasAggregate(a) {
				x.agg = true
			}
		}
	}
	return x
}

// hasAggregate reports whether an expression calls an aggregate function.
func hasAggregate(x syntax.Node) bool {
	found := false
	syntax.Inspect(x, func(n syntax.Node) bool {
		if cl, ok := n.(*syntax.Call); ok && isAggregate(cl.Fn.Name) {
			found = true
		}
		return !found
	})
	return found
}

func (c *compiler) callImpl(v *syntax.Call, sc *scope) sqlExpr {
	name := v.Fn.Name
	if b := sc.env.lookup(name); b != nil && b.fn != nil {
		return c.scalarFn(v, b, sc)
	}
	if isAggregate(name) {
		if sc.agg == nil {
			c.failAt(v, nil, "aggregate function %s() is only valid in summarize, make-series or top-nested", name)
		}
		return sc.agg.aggregate(c, v, sc)
	}
	lname := strings.ToLower(name)
	d := lookupFunc(lname)
	if d != nil && d.kind == kindScalar && d.compile != nil {
		c.nargs(v, d.min, d.max)
		return d.compile(&fcall{compiler: c, sc: sc, v: v, name: name, lname: lname}, v)
	}
	if d != nil || strings.HasPrefix(lname, "series_") || strings.HasPrefix(lname, "geo_") || knownUnimplemented[lname] {
		c.unsupported(v, "function "+name+"()")
	}
	c.failAt(v.Fn, ErrUnknownName, "unknown function %s()%s", name, didYouMean(name, functionNames()))
	return sqlExpr{}
}

func fnAgo(c *fcall, v *syntax.Call) sqlExpr {
	d := c.arg(0)
	if d.t != kTimespan {
		d = c.convert(d, kTimespan)
	}
	return c.res("("+c.nowSQL()+" - "+d.sql+")", kDatetime)
}

func fnIngestionTime(c *fcall, v *syntax.Call) sqlExpr {
	// Kusto returns null when the table has no IngestionTime policy, which is the
	// case for every local table (they are loaded, not ingested by Kusto).
	return c.res("CAST(NULL AS TIMESTAMP)", kDatetime)
}

func fnNow(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 1 {
		return c.res("("+c.nowSQL()+" + "+c.arg(0).sql+")", kDatetime)
	}
	return c.res(c.nowSQL(), kDatetime)
}

func fnBin(c *fcall, v *syntax.Call) sqlExpr {
	return c.bin(c.arg(0), c.arg(1), nil, v)
}

func fnBinAt(c *fcall, v *syntax.Call) sqlExpr {
	at := c.arg(2)
	return c.bin(c.arg(0), c.arg(1), &at, v)
}

func fnStartofday(c *fcall, v *syntax.Call) sqlExpr {
	d := c.convert(c.arg(0), kDatetime)
	unit := strings.TrimPrefix(c.lname, "startof")
	s := "date_trunc('" + unit + "', " + d.sql + ")"
	if unit == "week" { // Kusto weeks start on Sunday
		s = "(CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER))"
		s = "CAST(" + s + " AS TIMESTAMP)"
	}
	if len(v.Args) == 2 {
		s = "(" + s + " + to_" + unit + "s(CAST(" + c.arg(1).sql + " AS INTEGER)))"
		if unit == "week" {
			s = "(" + "CAST((CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER)) AS TIMESTAMP) + to_weeks(CAST(" + c.arg(1).sql + " AS INTEGER)))"
		}
	}
	return c.res("CAST("+s+" AS TIMESTAMP)", kDatetime)
}

func fnEndofday(c *fcall, v *syntax.Call) sqlExpr {
	d := c.convert(c.arg(0), kDatetime)
	unit := strings.TrimPrefix(c.lname, "endof")
	off := "1"
	if len(v.Args) == 2 {
		off = "(" + c.arg(1).sql + " + 1)"
	}
	start := "date_trunc('" + unit + "', " + d.sql + ")"
	if unit == "week" {
		start = "CAST((CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER)) AS TIMESTAMP)"
	}
	return c.res("CAST("+start+" + to_"+unit+"s(CAST("+off+" AS INTEGER)) - INTERVAL '1 microseconds' AS TIMESTAMP)", kDatetime)
}

func fnDatetimeAdd(c *fcall, v *syntax.Call) sqlExpr {
	part := c.partName(v.Args[0])
	return c.res("CAST("+c.convert(c.arg(2), kDatetime).sql+" + to_"+part+"s(CAST("+c.arg(1).sql+" AS "+intervalArgType(part)+")) AS TIMESTAMP)", kDatetime)
}

func fnDatetimeDiff(c *fcall, v *syntax.Call) sqlExpr {
	part := c.partName(v.Args[0])
	return c.res("date_diff('"+part+"', "+c.convert(c.arg(2), kDatetime).sql+", "+c.convert(c.arg(1), kDatetime).sql+")", kLong)
}

func fnDatetimePart(c *fcall, v *syntax.Call) sqlExpr {
	return c.res(c.datePart(v.Args[0], c.convert(c.arg(1), kDatetime).sql), kLong)
}

func fnDayofweek(c *fcall, v *syntax.Call) sqlExpr {
	d := c.convert(c.arg(0), kDatetime)
	return c.res("to_days(CAST(dayofweek("+d.sql+") AS INTEGER))", kTimespan)
}

func fnDayofmonth(c *fcall, v *syntax.Call) sqlExpr {
	d := c.convert(c.arg(0), kDatetime)
	fn := map[string]string{"dayofmonth": "dayofmonth", "dayofyear": "dayofyear", "hourofday": "hour", "getmonth": "month", "monthofyear": "month", "getyear": "year", "week_of_year": "weekofyear"}[c.lname]
	return c.res("CAST("+fn+"("+d.sql+") AS INTEGER)", kInt)
}

func fnMakeDatetime(c *fcall, v *syntax.Call) sqlExpr {
	parts := []string{"1", "1", "1", "0", "0", "0"}
	for i := range v.Args {
		if i < 5 {
			parts[i] = c.convert(c.arg(i), kLong).sql
		} else {
			parts[i] = c.convert(c.arg(i), kReal).sql
		}
	}
	return c.res("make_timestamp("+strings.Join(parts, ", ")+")", kDatetime)
}

func fnMakeTimespan(c *fcall, v *syntax.Call) sqlExpr {
	var days, h, m, s string = "0", "0", "0", "0"
	switch len(v.Args) {
	case 2:
		h, m = c.arg(0).sql, c.arg(1).sql
	case 3:
		h, m, s = c.arg(0).sql, c.arg(1).sql, c.arg(2).sql
	case 4:
		days, h, m, s = c.arg(0).sql, c.arg(1).sql, c.arg(2).sql, c.arg(3).sql
	}
	return c.res("to_microseconds(CAST(round((("+days+") * 86400 + ("+h+") * 3600 + ("+m+") * 60 + ("+s+")) * 1000000) AS BIGINT))", kTimespan)
}

func fnUnixtimeSecondsTodatetime(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("CAST(to_timestamp("+c.arg(0).sql+") AS TIMESTAMP)", kDatetime)
}

func fnUnixtimeMillisecondsTodatetime(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("CAST(epoch_ms(CAST("+c.arg(0).sql+" AS BIGINT)) AS TIMESTAMP)", kDatetime)
}

func fnFormatDatetime(c *fcall, v *syntax.Call) sqlExpr {
	f := c.arg(1)
	if f.str == nil {
		c.failAt(v.Args[1], nil, "format_datetime expects a constant format")
	}
	return c.res("strftime("+c.convert(c.arg(0), kDatetime).sql+", "+qs(kustoDateFormat(*f.str))+")", kString)
}

func fnFormatTimespan(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("CAST("+c.arg(0).sql+" AS VARCHAR)", kString)
}

func fnTodatetime(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kDatetime)
}

func fnTotimespan(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kTimespan)
}

func fnTostring(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	s := c.convert(a, kString)
	if a.t == kDynamic {
		s.sql = "coalesce(" + s.sql + ", '')"
	}
	return s
}

func fnToint(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kInt)
}

func fnTolong(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kLong)
}

func fnToreal(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kReal)
}

func fnTobool(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kBool)
}

func fnToguid(c *fcall, v *syntax.Call) sqlExpr {
	return c.convert(c.arg(0), kGuid)
}

func fnTolower(c *fcall, v *syntax.Call) sqlExpr {
	return c.res(strings.TrimPrefix(c.lname, "to")+"("+c.str(0).sql+")", kString)
}

func fnStrcat(c *fcall, v *syntax.Call) sqlExpr {
	parts := make([]string, len(v.Args))
	for i := range v.Args {
		parts[i] = "coalesce(" + c.str(i).sql + ", '')"
	}
	return c.res("("+strings.Join(parts, " || ")+")", kString)
}

func fnStrcatDelim(c *fcall, v *syntax.Call) sqlExpr {
	parts := make([]string, len(v.Args)-1)
	for i := 1; i < len(v.Args); i++ {
		parts[i-1] = "coalesce(" + c.str(i).sql + ", '')"
	}
	return c.res("concat_ws("+c.str(0).sql+", "+strings.Join(parts, ", ")+")", kString)
}

func fnStrcatArray(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("array_to_string(list_transform(CAST("+c.dyn(c.arg(0)).sql+" AS JSON[]), lambda x: coalesce(json_extract_string(x, '$'), '')), "+c.str(1).sql+")", kString)
}

func fnStrlen(c *fcall, v *syntax.Call) sqlExpr {
	fn := "length"
	if c.lname == "string_size" {
		fn = "strlen"
	}
	return c.res("CAST("+fn+"(coalesce("+c.str(0).sql+", '')) AS BIGINT)", kLong)
}

func fnSubstring(c *fcall, v *syntax.Call) sqlExpr {
	s := c.str(0)
	if len(v.Args) == 3 {
		return c.res("substr(coalesce("+s.sql+", ''), greatest("+c.arg(1).sql+", 0) + 1, greatest("+c.arg(2).sql+", 0))", kString)
	}
	return c.res("substr(coalesce("+s.sql+", ''), greatest("+c.arg(1).sql+", 0) + 1)", kString)
}

func fnSplit(c *fcall, v *syntax.Call) sqlExpr {
	s := "string_split(coalesce(" + c.str(0).sql + ", ''), " + c.str(1).sql + ")"
	if len(v.Args) == 3 {
		return c.res("to_json(list_slice("+s+", "+c.arg(2).sql+" + 1, "+c.arg(2).sql+" + 1))", kDynamic)
	}
	return c.res("to_json("+s+")", kDynamic)
}

func fnTrim(c *fcall, v *syntax.Call) sqlExpr {
	re := c.str(0)
	pat := "(" + re.sql + ")"
	if re.str != nil {
		pat = qs("(" + *re.str + ")")
	}
	s := c.str(1).sql
	switch c.lname {
	case "trim":
		return c.res("regexp_replace(regexp_replace("+s+", '^(' || "+pat+" || ')+', ''), '(' || "+pat+" || ')+$', '')", kString)
	case "trim_start":
		return c.res("regexp_replace("+s+", '^(' || "+pat+" || ')+', '')", kString)
	default:
		return c.res("regexp_replace("+s+", '(' || "+pat+" || ')+$', '')", kString)
	}
}

func fnStrrep(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 3 {
		return c.res("array_to_string(list_transform(range("+c.arg(1).sql+"), lambda i: "+c.str(0).sql+"), "+c.str(2).sql+")", kString)
	}
	return c.res("repeat("+c.str(0).sql+", CAST("+c.arg(1).sql+" AS INTEGER))", kString)
}

func fnReplaceString(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("replace("+c.str(0).sql+", "+c.str(1).sql+", "+c.str(2).sql+")", kString)
}

func fnReplaceRegex(c *fcall, v *syntax.Call) sqlExpr {
	if c.lname == "replace_regex" {
		return c.res("regexp_replace("+c.str(0).sql+", "+c.str(1).sql+", "+c.rewriteRef(c.str(2))+", 'g')", kString)
	}
	return c.res("regexp_replace("+c.str(2).sql+", "+c.str(0).sql+", "+c.rewriteRef(c.str(1))+", 'g')", kString)
}

func fnExtract(c *fcall, v *syntax.Call) sqlExpr {
	g := c.arg(1)
	s := "regexp_extract(" + c.str(2).sql + ", " + c.str(0).sql + ", CAST(" + g.sql + " AS INTEGER))"
	if g.num != nil {
		s = regexGroup(c.str(2).sql, c.str(0).sql, int(*g.num))
	}
	out := c.res("nullif("+s+", '')", kString)
	out.sql = s
	if len(v.Args) == 4 {
		lit, ok := v.Args[3].(*syntax.Call)
		if ok && lit.Fn.Name == "typeof" && len(lit.Args) == 1 {
			if id, ok := lit.Args[0].(*syntax.Ident); ok {
				if t, ok := parseKType(id.Name); ok {
					return c.convert(c.res("nullif("+s+", '')", kString), t)
				}
			}
		}
		c.failAt(v.Args[3], nil, "extract() type argument must be typeof(T)")
	}
	return out
}

func fnExtractAll(c *fcall, v *syntax.Call) sqlExpr {
	var re, text sqlExpr
	if len(v.Args) == 2 {
		re, text = c.str(0), c.str(1)
	} else {
		re, text = c.str(0), c.str(2)
	}
	s := "regexp_extract_all(" + text.sql + ", " + re.sql + ", 1)"
	if re.str != nil && !strings.Contains(*re.str, "(") {
		s = "regexp_extract_all(" + text.sql + ", " + re.sql + ")"
	}
	return c.res("to_json(CASE WHEN len("+s+") = 0 THEN NULL ELSE "+s+" END)", kDynamic)
}

func fnExtractJson(c *fcall, v *syntax.Call) sqlExpr {
	p := c.str(0)
	return c.res("json_extract("+c.dyn(c.arg(1)).sql+", "+p.sql+")", kDynamic)
}

func fnIndexof(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 5 {
		if l, ok := unparen(v.Args[4]).(*syntax.Literal); !ok || l.Text != "1" {
			c.unsupported(v.Args[4], "indexof() with an occurrence other than 1")
		}
	}
	if len(v.Args) == 2 {
		return c.res("(CAST(strpos("+c.str(0).sql+", "+c.str(1).sql+") AS BIGINT) - 1)", kLong)
	}
	length := "-1"
	if len(v.Args) >= 4 {
		length = c.convert(c.arg(3), kLong).sql
	}
	return c.res(indexOfRange(c.str(0).sql, c.str(1).sql, c.convert(c.arg(2), kLong).sql, length), kLong)
}

func fnCountof(c *fcall, v *syntax.Call) sqlExpr {
	kind := "normal"
	if len(v.Args) == 3 {
		k := c.str(2)
		if k.str != nil {
			kind = *k.str
		}
	}
	if kind == "regex" {
		return c.res("CAST(len(regexp_extract_all("+c.str(0).sql+", "+c.str(1).sql+")) AS BIGINT)", kLong)
	}
	return c.res("CAST((length("+c.str(0).sql+") - length(replace("+c.str(0).sql+", "+c.str(1).sql+", ''))) // nullif(length("+c.str(1).sql+"), 0) AS BIGINT)", kLong)
}

func fnReverse(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("reverse("+c.str(0).sql+")", kString)
}

func fnIff(c *fcall, v *syntax.Call) sqlExpr {
	cond := c.toBool(c.arg(0))
	a, b := c.arg(1), c.arg(2)
	a, b = c.unifyBranches(a, b)
	return sqlExpr{sql: "CASE WHEN " + cond.sql + " THEN " + a.sql + " ELSE " + b.sql + " END", t: a.t, agg: cond.agg || a.agg || b.agg}
}

func fnCase(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args)%2 != 1 {
		c.failAt(v, nil, "case() expects predicate/value pairs and an else value")
	}
	var vals []sqlExpr
	var conds []string
	for i := 0; i+1 < len(v.Args); i += 2 {
		conds = append(conds, c.toBool(c.arg(i)).sql)
		vals = append(vals, c.arg(i+1))
	}
	els := c.arg(len(v.Args) - 1)
	t := els.t
	for _, x := range vals {
		if t == kNull || t == kUnknown {
			t = x.t
		}
	}
	var b strings.Builder
	b.WriteString("CASE")
	for i := range conds {
		b.WriteString(" WHEN " + conds[i] + " THEN " + c.convert(vals[i], t).sql)
	}
	b.WriteString(" ELSE " + c.convert(els, t).sql + " END")
	return c.res(b.String(), t)
}

func fnCoalesce(c *fcall, v *syntax.Call) sqlExpr {
	first := c.arg(0)
	parts := []string{}
	for i := range v.Args {
		x := c.convert(c.arg(i), first.t)
		if x.t == kString {
			parts = append(parts, "nullif("+x.sql+", '')")
		} else {
			parts = append(parts, x.sql)
		}
	}
	return c.res("coalesce("+strings.Join(parts, ", ")+")", first.t)
}

func fnIsempty(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	var s string
	switch a.t {
	case kString, kGuid:
		s = "(" + a.sql + " IS NULL OR " + a.sql + " = '')"
	case kDynamic:
		s = "(" + a.sql + " IS NULL OR json_type(" + a.sql + ") = 'NULL' OR (json_type(" + a.sql + ") = 'VARCHAR' AND json_extract_string(" + a.sql + ", '$') = ''))"
	default:
		s = "(" + a.sql + " IS NULL)"
	}
	if c.lname == "isnotempty" {
		s = "(NOT " + s + ")"
	}
	return sqlExpr{sql: s, t: kBool, agg: a.agg}
}

func fnIsnull(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	s := "(" + a.sql + " IS NULL)"
	if a.t == kDynamic {
		s = "(" + a.sql + " IS NULL OR json_type(" + a.sql + ") = 'NULL')"
	}
	if a.t == kString {
		s = "false"
	}
	if c.lname == "isnotnull" {
		s = "(NOT " + s + ")"
	}
	return sqlExpr{sql: s, t: kBool, agg: a.agg}
}

func fnNot(c *fcall, v *syntax.Call) sqlExpr {
	a := c.toBool(c.arg(0))
	return sqlExpr{sql: "(NOT " + a.sql + ")", t: kBool, agg: a.agg}
}

func fnParseJson(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	if a.t == kDynamic {
		return a
	}
	if a.t != kString {
		return c.convert(a, kDynamic)
	}
	return c.res("CASE WHEN json_valid("+a.sql+") THEN CAST("+a.sql+" AS JSON) ELSE to_json("+a.sql+") END", kDynamic)
}

func fnPack(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 1 {
		if _, ok := v.Args[0].(*syntax.Star); ok {
			return c.packAll(c.sc)
		}
	}
	if len(v.Args)%2 != 0 {
		c.failAt(v, nil, "%s() expects key/value pairs", c.name)
	}
	var parts []string
	for i := 0; i < len(v.Args); i += 2 {
		parts = append(parts, c.str(i).sql, c.dyn(c.arg(i+1)).sql)
	}
	return c.res("json_object("+strings.Join(parts, ", ")+")", kDynamic)
}

func fnPackAll(c *fcall, v *syntax.Call) sqlExpr {
	return c.packAll(c.sc)
}

func fnPackArray(c *fcall, v *syntax.Call) sqlExpr {
	var parts []string
	for i := range v.Args {
		parts = append(parts, c.dyn(c.arg(i)).sql)
	}
	return c.res("json_array("+strings.Join(parts, ", ")+")", kDynamic)
}

func fnRange(c *fcall, v *syntax.Call) sqlExpr {
	a, b := c.arg(0), c.arg(1)
	step := "1"
	if len(v.Args) == 3 {
		step = c.arg(2).sql
	} else if a.t == kDatetime {
		step = "INTERVAL '1 hour'"
	}
	seq := "generate_series(" + a.sql + ", " + b.sql + ", " + step + ")"
	if a.t == kDatetime {
		seq = "list_transform(" + seq + ", lambda x: strftime(x, '%Y-%m-%dT%H:%M:%S.%fZ'))"
	}
	return c.res("to_json("+seq+")", kDynamic)
}

func fnColumnIfexists(c *fcall, v *syntax.Call) sqlExpr {
	n := c.str(0)
	if n.str == nil {
		c.failAt(v.Args[0], nil, "%s() expects a constant column c.name", c.name)
	}
	if c.sc.rel != nil {
		if col, ok := c.sc.rel.col(*n.str); ok {
			return sqlExpr{sql: col.ident(), t: col.t}
		}
	}
	return c.arg(1)
}

func fnArrayLength(c *fcall, v *syntax.Call) sqlExpr {
	a := c.dyn(c.arg(0))
	return c.res("CASE WHEN json_type("+a.sql+") = 'ARRAY' THEN CAST(json_array_length("+a.sql+") AS BIGINT) END", kLong)
}

func fnArrayConcat(c *fcall, v *syntax.Call) sqlExpr {
	var parts []string
	for i := range v.Args {
		parts = append(parts, "CAST("+c.dyn(c.arg(i)).sql+" AS JSON[])")
	}
	return c.res("to_json(list_concat("+strings.Join(parts, ", ")+"))", kDynamic)
}

func fnSetUnion(c *fcall, v *syntax.Call) sqlExpr {
	lists := make([]string, len(v.Args))
	for i := range v.Args {
		lists[i] = "CAST(" + c.dyn(c.arg(i)).sql + " AS JSON[])"
	}
	acc := "list_distinct(" + lists[0] + ")"
	for _, l := range lists[1:] {
		switch c.lname {
		case "set_union":
			acc = "list_distinct(list_concat(" + acc + ", " + l + "))"
		case "set_intersect":
			acc = "list_intersect(" + acc + ", " + l + ")"
		case "set_difference":
			acc = "list_filter(" + acc + ", lambda x: NOT list_contains(" + l + ", x))"
		}
	}
	return c.res("to_json("+acc+")", kDynamic)
}

func fnSetHasElement(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("list_contains(CAST("+c.dyn(c.arg(0)).sql+" AS JSON[]), "+c.dyn(c.arg(1)).sql+")", kBool)
}

func fnArrayIndexOf(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("coalesce(list_position(CAST("+c.dyn(c.arg(0)).sql+" AS JSON[]), "+c.dyn(c.arg(1)).sql+") - 1, -1)", kLong)
}

func fnArraySlice(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("to_json(list_slice(CAST("+c.dyn(c.arg(0)).sql+" AS JSON[]), "+c.arg(1).sql+" + 1, "+c.arg(2).sql+" + 1))", kDynamic)
}

func fnArraySortAsc(c *fcall, v *syntax.Call) sqlExpr {
	fn := "list_sort"
	if c.lname == "array_sort_desc" {
		fn = "list_reverse_sort"
	}
	return c.res("to_json("+fn+"(CAST("+c.dyn(c.arg(0)).sql+" AS JSON[])))", kDynamic)
}

func fnBagKeys(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("to_json(json_keys("+c.dyn(c.arg(0)).sql+"))", kDynamic)
}

func fnBagHasKey(c *fcall, v *syntax.Call) sqlExpr {
	l, ok := v.Args[1].(*syntax.Literal)
	if !ok || l.Kind != syntax.LitString || strings.HasPrefix(l.Value.(string), "$") {
		c.unsupported(v, "bag_has_key() with a key that is not a plain string literal")
	}
	b := c.dyn(c.arg(0)).sql
	return c.res("(json_type("+b+") = 'OBJECT' AND list_contains(json_keys("+b+"), "+qs(l.Value.(string))+"))", kBool)
}

func fnArraySum(c *fcall, v *syntax.Call) sqlExpr {
	// the sum as a real; null when the argument is not an array or holds a
	// non-numeric element (Kusto's definition)
	a := c.dyn(c.arg(0)).sql
	l := "CAST(" + a + " AS JSON[])"
	return c.res("CASE WHEN json_type("+a+") = 'ARRAY' AND NOT list_bool_or(list_transform("+l+", x -> json_type(x) NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE'))) "+
		"THEN coalesce(list_sum(list_transform("+l+", x -> CAST(x AS DOUBLE))), 0) END", kReal)
}

func fnIsascii(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("regexp_full_match("+c.str(0).sql+", '[\\x00-\\x7F]*')", kBool)
}

func fnBagMerge(c *fcall, v *syntax.Call) sqlExpr {
	acc := c.dyn(c.arg(len(v.Args) - 1)).sql
	for i := len(v.Args) - 2; i >= 0; i-- { // the first bag wins on conflicts
		acc = "json_merge_patch(" + acc + ", " + c.dyn(c.arg(i)).sql + ")"
	}
	return c.res(acc, kDynamic)
}

func fnBase64DecodeTostring(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("decode(from_base64("+c.str(0).sql+"))", kString)
}

func fnBase64EncodeTostring(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("to_base64(encode("+c.str(0).sql+"))", kString)
}

func fnHashSha256(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("sha256("+c.str(0).sql+")", kString)
}

func fnHashMd5(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("md5("+c.str(0).sql+")", kString)
}

func fnHash(c *fcall, v *syntax.Call) sqlExpr {
	h := "CAST(hash(" + c.arg(0).sql + ") % 9223372036854775807 AS BIGINT)"
	if len(v.Args) == 2 {
		h = "(" + h + " % " + c.arg(1).sql + ")"
	}
	return c.res(h, kLong)
}

func fnParseIpv4(c *fcall, v *syntax.Call) sqlExpr {
	return c.res(ipv4Long(c.str(0).sql), kLong)
}

func fnIpv4IsPrivate(c *fcall, v *syntax.Call) sqlExpr {
	ip := ipv4Long(c.str(0).sql)
	return c.res("(("+ip+" BETWEEN 167772160 AND 184549375) OR ("+ip+" BETWEEN 2886729728 AND 2887778303) OR ("+ip+" BETWEEN 3232235520 AND 3232301055))", kBool)
}

func fnIpv4IsInRange(c *fcall, v *syntax.Call) sqlExpr {
	ip := ipv4Long("split_part(" + c.str(0).sql + ", '/', 1)")
	rng := c.str(1).sql
	net := ipv4Long("split_part(" + rng + ", '/', 1)")
	bits := "coalesce(TRY_CAST(nullif(split_part(" + rng + ", '/', 2), '') AS INTEGER), 32)"
	mask := "(4294967295 - (CAST(pow(2, 32 - " + bits + ") AS BIGINT) - 1))"
	return c.res("(("+ip+" & "+mask+") = ("+net+" & "+mask+"))", kBool)
}

func fnFormatIpv4(c *fcall, v *syntax.Call) sqlExpr {
	ip := c.arg(0)
	n := ip.sql
	if ip.t == kString {
		n = ipv4Long(ip.sql)
	}
	return c.res("CASE WHEN "+n+" IS NOT NULL THEN concat_ws('.', ("+n+" >> 24) & 255, ("+n+" >> 16) & 255, ("+n+" >> 8) & 255, "+n+" & 255) END", kString)
}

func fnUrlDecode(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("url_decode("+c.str(0).sql+")", kString)
}

func fnUrlEncode(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("url_encode("+c.str(0).sql+")", kString)
}

func fnParseXML(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("CAST(hk_parse_xml("+c.str(0).sql+") AS JSON)", kDynamic)
}

func fnParseUrl(c *fcall, v *syntax.Call) sqlExpr {
	return c.res(parseURLSQL(c.str(0).sql), kDynamic)
}

func fnParsePath(c *fcall, v *syntax.Call) sqlExpr {
	return c.res(parsePathSQL(c.str(0).sql), kDynamic)
}

func fnAbs(c *fcall, v *syntax.Call) sqlExpr {
	a := c.convert(c.arg(0), kReal)
	switch c.lname {
	case "abs":
		a0 := c.arg(0)
		if a0.t.numeric() {
			return c.res("abs("+a0.sql+")", a0.t)
		}
		if a0.t == kTimespan {
			return c.res("to_microseconds(abs(epoch_us("+a0.sql+")))", kTimespan)
		}
		return c.res("abs("+a.sql+")", kReal)
	case "log":
		return c.res("ln(nullif("+a.sql+", 0))", kReal)
	case "log10", "log2":
		return c.res(c.lname+"(nullif("+a.sql+", 0))", kReal)
	case "exp2":
		return c.res("pow(2, "+a.sql+")", kReal)
	case "exp10":
		return c.res("pow(10, "+a.sql+")", kReal)
	case "sign":
		return c.res("CAST(sign("+a.sql+") AS DOUBLE)", kReal)
	case "isnan", "isfinite":
		return c.res(c.lname+"("+a.sql+")", kBool)
	}
	return c.res(c.lname+"("+a.sql+")", kReal)
}

func fnPow(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("pow("+c.convert(c.arg(0), kReal).sql+", "+c.convert(c.arg(1), kReal).sql+")", kReal)
}

func fnRound(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	if len(v.Args) == 2 {
		return c.res("round("+c.convert(a, kReal).sql+", CAST("+c.arg(1).sql+" AS INTEGER))", kReal)
	}
	if a.t.numeric() && a.t != kReal {
		return a
	}
	return c.res("round("+c.convert(a, kReal).sql+")", kReal)
}

func fnMaxOf(c *fcall, v *syntax.Call) sqlExpr {
	fn := "greatest"
	if c.lname == "min_of" {
		fn = "least"
	}
	first := c.arg(0)
	parts := []string{}
	t := first.t
	for i := range v.Args {
		x := c.arg(i)
		if x.t == kReal {
			t = kReal
		}
		parts = append(parts, x.sql)
	}
	return c.res(fn+"("+strings.Join(parts, ", ")+")", t)
}

func fnTypeof(c *fcall, v *syntax.Call) sqlExpr {
	a := c.arg(0)
	if a.t == kDynamic {
		return c.res("CASE json_type("+a.sql+") WHEN 'VARCHAR' THEN 'string' WHEN 'BIGINT' THEN 'long' WHEN 'UBIGINT' THEN 'long' WHEN 'DOUBLE' THEN 'real' WHEN 'BOOLEAN' THEN 'bool' WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'NULL' THEN 'null' END", kString)
	}
	n := a.t.String()
	return strConst(n)
}

func fnTohex(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("lower(hex("+c.arg(0).sql+"))", kString)
}

func fnToscalar(c *fcall, v *syntax.Call) sqlExpr {
	return c.scalarSubquery(v.Args[0], c.sc)
}

func fnNewGuid(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("CAST(uuid() AS VARCHAR)", kGuid)
}

func fnRand(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) == 1 {
		return c.res("CAST(floor(random() * "+c.arg(0).sql+") AS BIGINT)", kLong)
	}
	return c.res("random()", kReal)
}

func fnRowNumber(c *fcall, v *syntax.Call) sqlExpr {
	if c.sc.rel == nil || !c.sc.rel.ord {
		c.failAt(v, nil, "row_number() needs a serialized input (use serialize or sort first)")
	}
	start := ""
	if len(v.Args) >= 1 {
		start = " + (" + c.arg(0).sql + ") - 1"
	}
	return c.res("(row_number() OVER (ORDER BY "+ordCol+")"+start+")", kLong)
}

func fnPrev(c *fcall, v *syntax.Call) sqlExpr {
	if c.sc.rel == nil || !c.sc.rel.ord {
		c.failAt(v, nil, "%s() needs a serialized input (use serialize or sort first)", c.lname)
	}
	a := c.arg(0)
	off := "1"
	if len(v.Args) >= 2 {
		off = c.arg(1).sql
	}
	fn := "lag"
	if c.lname == "next" {
		fn = "lead"
	}
	def := ""
	if len(v.Args) == 3 {
		def = ", " + c.convert(c.arg(2), a.t).sql
	}
	return c.res(fn+"("+a.sql+", "+off+def+") OVER (ORDER BY "+ordCol+")", a.t)
}

func fnSeriesOutliers(c *fcall, v *syntax.Call) sqlExpr {
	return c.seriesOutliers(v, c.sc)
}

func fnRowCumsum(c *fcall, v *syntax.Call) sqlExpr {
	if c.sc.rel == nil || !c.sc.rel.ord {
		c.failAt(v, nil, "row_cumsum() needs a serialized input (use serialize or sort first)")
	}
	if len(v.Args) == 2 {
		c.unsupported(v, "row_cumsum() with a restart argument")
	}
	a := c.arg(0)
	return c.res("sum("+a.sql+") OVER (ORDER BY "+ordCol+" ROWS UNBOUNDED PRECEDING)", a.t)
}

func fnTranslate(c *fcall, v *syntax.Call) sqlExpr {
	return c.res("translate("+c.str(2).sql+", "+c.str(0).sql+", "+c.str(1).sql+")", kString)
}

// dyn converts x to dynamic (JSON).
func (c *compiler) dyn(x sqlExpr) sqlExpr {
	if x.t == kDynamic {
		return x
	}
	return c.convert(x, kDynamic)
}

func (c *compiler) packAll(sc *scope) sqlExpr {
	if sc.rel == nil {
		return sqlExpr{sql: "json_object()", t: kDynamic}
	}
	var parts []string
	for _, col := range sc.rel.cols {
		parts = append(parts, qs(col.name), c.dyn(sqlExpr{sql: col.ident(), t: col.t}).sql)
	}
	return sqlExpr{sql: "json_object(" + strings.Join(parts, ", ") + ")", t: kDynamic}
}

func (c *compiler) unifyBranches(a, b sqlExpr) (sqlExpr, sqlExpr) {
	if a.t == b.t {
		return a, b
	}
	if a.t == kNull || a.t == kUnknown {
		return c.convert(a, b.t), b
	}
	if b.t == kNull || b.t == kUnknown {
		return a, c.convert(b, a.t)
	}
	if a.t.numeric() && b.t.numeric() {
		if a.t == kReal || b.t == kReal {
			return c.convert(a, kReal), c.convert(b, kReal)
		}
		return c.convert(a, kLong), c.convert(b, kLong)
	}
	return a, c.convert(b, a.t)
}

// rewriteRef converts Kusto's \1 group references in a replacement to RE2's \1 (the same);
// DuckDB also uses \1, so the text passes through.
func (c *compiler) rewriteRef(x sqlExpr) string { return x.sql }

// partName returns the DuckDB date part for a Kusto period name.
func (c *compiler) partName(x syntax.Expr) string {
	l, ok := x.(*syntax.Literal)
	var s string
	if ok {
		s, _ = l.Value.(string)
	}
	if id, ok := x.(*syntax.Ident); ok {
		s = id.Name
	}
	switch strings.ToLower(s) {
	case "year":
		return "year"
	case "quarter":
		return "quarter"
	case "month":
		return "month"
	case "week", "weekofyear", "week_of_year":
		return "week"
	case "day", "dayofyear":
		return "day"
	case "hour":
		return "hour"
	case "minute":
		return "minute"
	case "second":
		return "second"
	case "millisecond":
		return "millisecond"
	case "microsecond":
		return "microsecond"
	}
	c.failAt(x, nil, "unknown datetime period %q", s)
	return ""
}

// indexOfRange is indexof(s, m, start, length): the zero-based position of m within the
// length characters of s from start (-1: to the end; a negative start counts from the
// end), -1 when m is not there, null for a length below -1.
func indexOfRange(s, m, start, length string) string {
	st := "(CASE WHEN " + start + " < 0 THEN greatest(length(" + s + ") + " + start + ", 0) ELSE " + start + " END)"
	sub := "(CASE WHEN " + length + " = -1 THEN substr(" + s + ", " + st + " + 1) ELSE substr(" + s + ", " + st + " + 1, " + length + ") END)"
	pos := "strpos(" + sub + ", " + m + ")"
	return "(CASE WHEN " + length + " < -1 THEN NULL WHEN " + st + " > length(" + s + ") THEN -1 WHEN " + pos + " = 0 THEN -1 ELSE CAST(" + pos + " - 1 + " + st + " AS BIGINT) END)"
}

// datePartSQL maps the parts datetime_part accepts (lower-cased) to DuckDB expressions
// over a timestamp %[1]s. DuckDB's millisecond and microsecond parts count from the start
// of the minute, Kusto's from the start of the second; timestamps hold microseconds, so
// nanosecond is a multiple of 1000.
var datePartSQL = map[string]string{
	"year":         "year(%[1]s)",
	"quarter":      "quarter(%[1]s)",
	"month":        "month(%[1]s)",
	"week_of_year": "weekofyear(%[1]s)", // ISO 8601: week 1 holds the first Thursday
	"weekofyear":   "weekofyear(%[1]s)", // obsolete spelling, taken as week_of_year
	"week":         "weekofyear(%[1]s)",
	"day":          "dayofmonth(%[1]s)",
	"dayofyear":    "dayofyear(%[1]s)",
	"hour":         "hour(%[1]s)",
	"minute":       "minute(%[1]s)",
	"second":       "second(%[1]s)",
	"millisecond":  "(date_part('microseconds', %[1]s) %% 1000000) // 1000",
	"microsecond":  "date_part('microseconds', %[1]s) %% 1000000",
	"nanosecond":   "(date_part('microseconds', %[1]s) %% 1000000) * 1000",
}

// datePart compiles datetime_part(part, ts) for a constant part name (any case).
func (c *compiler) datePart(part syntax.Expr, ts string) string {
	var s string
	switch p := unparen(part).(type) {
	case *syntax.Literal:
		s, _ = p.Value.(string)
	case *syntax.Ident:
		s = p.Name
	}
	tmpl, ok := datePartSQL[strings.ToLower(s)]
	if !ok {
		c.failAt(part, nil, "unknown datetime_part part %q (one of year, quarter, month, week_of_year, day, dayofyear, hour, minute, second, millisecond, microsecond, nanosecond)", s)
	}
	return "CAST(" + fmt.Sprintf(tmpl, ts) + " AS BIGINT)"
}

func intervalArgType(part string) string {
	switch part {
	case "year", "quarter", "month", "week", "day":
		return "INTEGER"
	}
	return "BIGINT"
}

// bin rounds x down to a multiple of size (datetimes relative to the Unix epoch, or to at).
func (c *compiler) bin(x, size sqlExpr, at *sqlExpr, n syntax.Node) sqlExpr {
	switch x.t {
	case kDatetime:
		if size.t != kTimespan {
			size = c.convert(size, kTimespan)
		}
		origin := "TIMESTAMP '1970-01-01 00:00:00'"
		if at != nil {
			origin = c.convert(*at, kDatetime).sql
		}
		return sqlExpr{sql: "time_bucket(" + size.sql + ", " + x.sql + ", " + origin + ")", t: kDatetime, agg: x.agg}
	case kTimespan:
		return sqlExpr{sql: "to_microseconds(CAST(floor(epoch_us(" + x.sql + ") / epoch_us(" + size.sql + ")) * epoch_us(" + size.sql + ") AS BIGINT))", t: kTimespan, agg: x.agg}
	case kDynamic:
		x = c.convert(x, kReal)
	}
	if at != nil {
		a := *at
		return sqlExpr{sql: "(floor((" + x.sql + " - " + a.sql + ") / " + size.sql + ") * " + size.sql + " + " + a.sql + ")", t: x.t, agg: x.agg}
	}
	if (x.t == kLong || x.t == kInt) && (size.t == kLong || size.t == kInt) {
		return sqlExpr{sql: "CAST(floor(" + x.sql + " / " + size.sql + ") * " + size.sql + " AS BIGINT)", t: kLong, agg: x.agg}
	}
	return sqlExpr{sql: "(floor(" + x.sql + " / " + size.sql + ") * " + size.sql + ")", t: kReal, agg: x.agg}
}

// ipv4Long converts dotted IPv4 text to its number, null when invalid.
func ipv4Long(s string) string {
	p := func(i int) string {
		return "TRY_CAST(nullif(split_part(" + s + ", '.', " + strconv.Itoa(i) + "), '') AS BIGINT)"
	}
	return "CASE WHEN regexp_full_match(" + s + ", '(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})') AND " + p(1) + " < 256 AND " + p(2) + " < 256 AND " + p(3) + " < 256 AND " + p(4) + " < 256 THEN (" + p(1) + " * 16777216 + " + p(2) + " * 65536 + " + p(3) + " * 256 + " + p(4) + ") END"
}

func parseURLSQL(s string) string {
	re := `'^([A-Za-z][A-Za-z0-9+.-]*)://(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?#]*)(?::([0-9]+))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$'`
	g := func(i int) string { return "regexp_extract(" + s + ", " + re + ", " + strconv.Itoa(i) + ")" }
	return "json_object('Scheme', " + g(1) + ", 'Host', " + g(4) + ", 'Port', " + g(5) + ", 'Path', " + g(6) + ", 'Username', " + g(2) + ", 'Password', " + g(3) + ", 'Query Parameters', " +
		"coalesce(CAST(map_from_entries(list_transform(list_filter(string_split(" + g(7) + ", '&'), lambda p: p <> ''), lambda p: {'k': split_part(p, '=', 1), 'v': url_decode(substr(p, length(split_part(p, '=', 1)) + 2))})) AS JSON), json_object()), 'Fragment', " + g(8) + ")"
}

func parsePathSQL(s string) string {
	dir := "regexp_extract(" + s + ", '^(.*)[\\\\/][^\\\\/]*$', 1)"
	file := "regexp_extract(" + s + ", '([^\\\\/]*)$', 1)"
	ext := "regexp_extract(" + file + ", '\\.([^.]*)$', 1)"
	root := "regexp_extract(" + s + ", '^([A-Za-z]:|\\\\\\\\[^\\\\]+|/)', 1)"
	return "json_object('Scheme', '', 'RootPath', " + root + ", 'DirectoryPath', " + dir + ", 'DirectoryName', regexp_extract(" + dir + ", '([^\\\\/]*)$', 1), 'Filename', " + file + ", 'Extension', " + ext + ", 'AlternateDataStreamName', '')"
}

// kustoDateFormat converts a Kusto format_datetime pattern to strftime.
func kustoDateFormat(f string) string {
	repl := []struct{ k, v string }{
		{"yyyy", "%Y"}, {"yy", "%y"}, {"MM", "%m"}, {"dd", "%d"}, {"HH", "%H"}, {"hh", "%I"}, {"mm", "%M"}, {"ss", "%S"},
		{"fffffff", "%f0"}, {"ffffff", "%f"}, {"fff", "%g"}, {"tt", "%p"}, {"M", "%-m"}, {"d", "%-d"}, {"H", "%-H"}, {"h", "%-I"}, {"m", "%-M"}, {"s", "%-S"},
	}
	var b strings.Builder
	for i := 0; i < len(f); {
		matched := false
		for _, r := range repl {
			if strings.HasPrefix(f[i:], r.k) {
				b.WriteString(r.v)
				i += len(r.k)
				matched = true
				break
			}
		}
		if !matched {
			if f[i] == '%' {
				b.WriteString("%%")
			} else {
				b.WriteByte(f[i])
			}
			i++
		}
	}
	return b.String()
}

// scalarFn expands a user function used as a scalar.
func (c *compiler) scalarFn(v *syntax.Call, b *binding, sc *scope) sqlExpr {
	if c.fnIsTabular(b.fn, b.env) {
		r := c.invokeFn(v, b, nil, sc.env)
		return sqlExpr{sql: "(SELECT " + r.cols[0].ident() + " FROM " + r.sql + " AS " + c.newAlias() + " LIMIT 1)", t: r.cols[0].t}
	}
	f := b.fn
	inner := b.env.child()
	if len(v.Args) > len(f.Params) {
		c.failAt(v, nil, "function %s takes %d arguments, got %d", v.Fn.Name, len(f.Params), len(v.Args))
	}
	for i, p := range f.Params {
		var x sqlExpr
		switch {
		case i < len(v.Args):
			x = c.scalar(v.Args[i], sc)
		case p.Default != nil:
			x = c.scalar(p.Default, &scope{env: b.env})
		default:
			c.failAt(v, nil, "function %s: missing argument %s", v.Fn.Name, p.Name)
		}
		if t, ok := parseKType(p.Type); ok && x.t != t && x.t != kNull {
			x = c.convert(x, t)
		}
		inner.vars[p.Name] = &binding{scalar: &x}
	}
	var result syntax.Expr
	for _, s := range f.Body.Stmts {
		switch st := s.(type) {
		case *syntax.LetStmt:
			c.let(st, inner)
		case *syntax.ExprStmt:
			result = st.X
		}
	}
	if result == nil {
		c.failAt(v, nil, "function %s has no result", v.Fn.Name)
	}
	return c.scalar(result, &scope{rel: sc.rel, env: inner, agg: sc.agg, refs: sc.refs})
}

var _ = time.Second

// regexGroup extracts capture group g; DuckDB's numbered form stops at 9, so larger groups go
// through the struct form with one named field per group.
func regexGroup(src, pat string, g int) string {
	if g <= 9 {
		return "regexp_extract(" + src + ", " + pat + ", " + strconv.Itoa(g) + ")"
	}
	names := make([]string, g)
	for i := range names {
		names[i] = "'g" + strconv.Itoa(i+1) + "'"
	}
	return "regexp_extract(" + src + ", " + pat + ", [" + strings.Join(names, ", ") + "]).g" + strconv.Itoa(g)
}
