package kql

import (
	"fmt"
	"github.com/huntkit/huntkit/kql/syntax"
	"slices"
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

// scalarFunctions lists the scalar functions Compile translates (for suggestions).
var scalarFunctions = []string{"ago", "now", "bin", "floor", "bin_at", "startofday", "startofweek", "startofmonth", "startofyear", "endofday", "endofweek", "endofmonth", "endofyear",
	"datetime_add", "datetime_diff", "datetime_part", "format_datetime", "format_timespan", "todatetime", "totimespan", "tostring", "toint", "tolong", "toreal", "todouble", "tobool", "toboolean", "toguid", "todecimal",
	"tolower", "toupper", "strcat", "strcat_delim", "strcat_array", "strlen", "substring", "split", "trim", "trim_start", "trim_end", "replace_string", "replace_regex", "replace", "extract", "extract_all",
	"indexof", "countof", "reverse", "iff", "iif", "case", "coalesce", "isempty", "isnotempty", "isnull", "isnotnull", "parse_json", "todynamic", "parse_url", "parse_path", "pack", "bag_pack", "pack_array",
	"array_length", "array_concat", "set_union", "set_intersect", "set_difference", "set_has_element", "array_index_of", "array_slice", "array_sort_asc", "array_sort_desc", "bag_keys", "base64_decode_tostring", "base64_encode_tostring",
	"hash_sha256", "hash_md5", "hash", "ipv4_is_private", "ipv4_is_in_range", "parse_ipv4", "url_decode", "url_encode", "not", "abs", "round", "sqrt", "log", "log10", "log2", "exp", "pow", "strrep", "toscalar",
	"dayofweek", "dayofmonth", "dayofyear", "hourofday", "getmonth", "getyear", "monthofyear", "week_of_year", "make_datetime", "make_timespan", "bag_has_key", "array_sum", "unixtime_seconds_todatetime", "unixtime_milliseconds_todatetime",
	"typeof", "gettype", "tohex", "isnan", "isfinite", "max_of", "min_of", "row_number", "prev", "next", "row_cumsum", "new_guid", "rand", "string_size", "has_any_index", "parse_command_line", "zip", "bag_merge", "bag_remove_keys",
	"ipv4_compare", "ipv6_is_match", "ipv4_is_match", "parse_csv", "sign", "exp10", "exp2", "extract_json", "extractjson", "parse_xml", "url_decode", "totimespan", "trim", "format_ipv4", "isascii", "isutf8"}

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
	arg := func(i int) sqlExpr {
		if i >= len(v.Args) {
			c.failAt(v, nil, "%s() is missing argument %d", v.Fn.Name, i+1)
		}
		return c.scalar(v.Args[i], sc)
	}
	str := func(i int) sqlExpr { return c.strOf(arg(i)) }
	res := func(s string, t ktype) sqlExpr { return sqlExpr{sql: s, t: t} }
	lname := strings.ToLower(name)
	switch lname {
	case "ago":
		c.nargs(v, 1, 1)
		d := arg(0)
		if d.t != kTimespan {
			d = c.convert(d, kTimespan)
		}
		return res("("+c.nowSQL()+" - "+d.sql+")", kDatetime)
	case "ingestion_time":
		// Kusto returns null when the table has no IngestionTime policy, which is the
		// case for every local table (they are loaded, not ingested by Kusto).
		c.nargs(v, 0, 0)
		return res("CAST(NULL AS TIMESTAMP)", kDatetime)
	case "now":
		c.nargs(v, 0, 1)
		if len(v.Args) == 1 {
			return res("("+c.nowSQL()+" + "+arg(0).sql+")", kDatetime)
		}
		return res(c.nowSQL(), kDatetime)
	case "bin", "floor":
		c.nargs(v, 2, 2)
		return c.bin(arg(0), arg(1), nil, v)
	case "bin_at":
		c.nargs(v, 3, 3)
		at := arg(2)
		return c.bin(arg(0), arg(1), &at, v)
	case "startofday", "startofweek", "startofmonth", "startofyear":
		c.nargs(v, 1, 2)
		d := c.convert(arg(0), kDatetime)
		unit := strings.TrimPrefix(lname, "startof")
		s := "date_trunc('" + unit + "', " + d.sql + ")"
		if unit == "week" { // Kusto weeks start on Sunday
			s = "(CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER))"
			s = "CAST(" + s + " AS TIMESTAMP)"
		}
		if len(v.Args) == 2 {
			s = "(" + s + " + to_" + unit + "s(CAST(" + arg(1).sql + " AS INTEGER)))"
			if unit == "week" {
				s = "(" + "CAST((CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER)) AS TIMESTAMP) + to_weeks(CAST(" + arg(1).sql + " AS INTEGER)))"
			}
		}
		return res("CAST("+s+" AS TIMESTAMP)", kDatetime)
	case "endofday", "endofweek", "endofmonth", "endofyear":
		c.nargs(v, 1, 2)
		d := c.convert(arg(0), kDatetime)
		unit := strings.TrimPrefix(lname, "endof")
		off := "1"
		if len(v.Args) == 2 {
			off = "(" + arg(1).sql + " + 1)"
		}
		start := "date_trunc('" + unit + "', " + d.sql + ")"
		if unit == "week" {
			start = "CAST((CAST(" + d.sql + " AS DATE) - CAST(dayofweek(" + d.sql + ") AS INTEGER)) AS TIMESTAMP)"
		}
		return res("CAST("+start+" + to_"+unit+"s(CAST("+off+" AS INTEGER)) - INTERVAL '1 microseconds' AS TIMESTAMP)", kDatetime)
	case "datetime_add":
		c.nargs(v, 3, 3)
		part := c.partName(v.Args[0])
		return res("CAST("+c.convert(arg(2), kDatetime).sql+" + to_"+part+"s(CAST("+arg(1).sql+" AS "+intervalArgType(part)+")) AS TIMESTAMP)", kDatetime)
	case "datetime_diff":
		c.nargs(v, 3, 3)
		part := c.partName(v.Args[0])
		return res("date_diff('"+part+"', "+c.convert(arg(2), kDatetime).sql+", "+c.convert(arg(1), kDatetime).sql+")", kLong)
	case "datetime_part", "datepart":
		c.nargs(v, 2, 2)
		return res(c.datePart(v.Args[0], c.convert(arg(1), kDatetime).sql), kLong)
	case "dayofweek":
		c.nargs(v, 1, 1)
		d := c.convert(arg(0), kDatetime)
		return res("to_days(CAST(dayofweek("+d.sql+") AS INTEGER))", kTimespan)
	case "dayofmonth", "dayofyear", "hourofday", "getmonth", "monthofyear", "getyear", "week_of_year":
		c.nargs(v, 1, 1)
		d := c.convert(arg(0), kDatetime)
		fn := map[string]string{"dayofmonth": "dayofmonth", "dayofyear": "dayofyear", "hourofday": "hour", "getmonth": "month", "monthofyear": "month", "getyear": "year", "week_of_year": "weekofyear"}[lname]
		return res("CAST("+fn+"("+d.sql+") AS INTEGER)", kInt)
	case "make_datetime":
		c.nargs(v, 1, 7)
		parts := []string{"1", "1", "1", "0", "0", "0"}
		for i := range v.Args {
			if i < 5 {
				parts[i] = c.convert(arg(i), kLong).sql
			} else {
				parts[i] = c.convert(arg(i), kReal).sql
			}
		}
		return res("make_timestamp("+strings.Join(parts, ", ")+")", kDatetime)
	case "make_timespan":
		c.nargs(v, 2, 4)
		var days, h, m, s string = "0", "0", "0", "0"
		switch len(v.Args) {
		case 2:
			h, m = arg(0).sql, arg(1).sql
		case 3:
			h, m, s = arg(0).sql, arg(1).sql, arg(2).sql
		case 4:
			days, h, m, s = arg(0).sql, arg(1).sql, arg(2).sql, arg(3).sql
		}
		return res("to_microseconds(CAST(round((("+days+") * 86400 + ("+h+") * 3600 + ("+m+") * 60 + ("+s+")) * 1000000) AS BIGINT))", kTimespan)
	case "unixtime_seconds_todatetime":
		c.nargs(v, 1, 1)
		return res("CAST(to_timestamp("+arg(0).sql+") AS TIMESTAMP)", kDatetime)
	case "unixtime_milliseconds_todatetime":
		c.nargs(v, 1, 1)
		return res("CAST(epoch_ms(CAST("+arg(0).sql+" AS BIGINT)) AS TIMESTAMP)", kDatetime)
	case "format_datetime":
		c.nargs(v, 2, 2)
		f := arg(1)
		if f.str == nil {
			c.failAt(v.Args[1], nil, "format_datetime expects a constant format")
		}
		return res("strftime("+c.convert(arg(0), kDatetime).sql+", "+qs(kustoDateFormat(*f.str))+")", kString)
	case "format_timespan":
		c.nargs(v, 2, 2)
		return res("CAST("+arg(0).sql+" AS VARCHAR)", kString)
	case "todatetime":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kDatetime)
	case "totimespan", "time":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kTimespan)
	case "tostring":
		c.nargs(v, 1, 1)
		a := arg(0)
		s := c.convert(a, kString)
		if a.t == kDynamic {
			s.sql = "coalesce(" + s.sql + ", '')"
		}
		return s
	case "toint":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kInt)
	case "tolong":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kLong)
	case "toreal", "todouble", "todecimal":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kReal)
	case "tobool", "toboolean":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kBool)
	case "toguid":
		c.nargs(v, 1, 1)
		return c.convert(arg(0), kGuid)
	case "tolower", "toupper":
		c.nargs(v, 1, 1)
		return res(strings.TrimPrefix(lname, "to")+"("+str(0).sql+")", kString)
	case "strcat":
		c.nargs(v, 1, 64)
		parts := make([]string, len(v.Args))
		for i := range v.Args {
			parts[i] = "coalesce(" + str(i).sql + ", '')"
		}
		return res("("+strings.Join(parts, " || ")+")", kString)
	case "strcat_delim":
		c.nargs(v, 3, 64)
		parts := make([]string, len(v.Args)-1)
		for i := 1; i < len(v.Args); i++ {
			parts[i-1] = "coalesce(" + str(i).sql + ", '')"
		}
		return res("concat_ws("+str(0).sql+", "+strings.Join(parts, ", ")+")", kString)
	case "strcat_array":
		c.nargs(v, 2, 2)
		return res("array_to_string(list_transform(CAST("+c.dyn(arg(0)).sql+" AS JSON[]), lambda x: coalesce(json_extract_string(x, '$'), '')), "+str(1).sql+")", kString)
	case "strlen", "string_size":
		c.nargs(v, 1, 1)
		fn := "length"
		if lname == "string_size" {
			fn = "strlen"
		}
		return res("CAST("+fn+"(coalesce("+str(0).sql+", '')) AS BIGINT)", kLong)
	case "substring":
		c.nargs(v, 2, 3)
		s := str(0)
		if len(v.Args) == 3 {
			return res("substr(coalesce("+s.sql+", ''), greatest("+arg(1).sql+", 0) + 1, greatest("+arg(2).sql+", 0))", kString)
		}
		return res("substr(coalesce("+s.sql+", ''), greatest("+arg(1).sql+", 0) + 1)", kString)
	case "split":
		c.nargs(v, 2, 3)
		s := "string_split(coalesce(" + str(0).sql + ", ''), " + str(1).sql + ")"
		if len(v.Args) == 3 {
			return res("to_json(list_slice("+s+", "+arg(2).sql+" + 1, "+arg(2).sql+" + 1))", kDynamic)
		}
		return res("to_json("+s+")", kDynamic)
	case "trim", "trim_start", "trim_end":
		c.nargs(v, 2, 2)
		re := str(0)
		pat := "(" + re.sql + ")"
		if re.str != nil {
			pat = qs("(" + *re.str + ")")
		}
		s := str(1).sql
		switch lname {
		case "trim":
			return res("regexp_replace(regexp_replace("+s+", '^(' || "+pat+" || ')+', ''), '(' || "+pat+" || ')+$', '')", kString)
		case "trim_start":
			return res("regexp_replace("+s+", '^(' || "+pat+" || ')+', '')", kString)
		default:
			return res("regexp_replace("+s+", '(' || "+pat+" || ')+$', '')", kString)
		}
	case "replace_string", "strrep":
		if lname == "strrep" {
			c.nargs(v, 2, 3)
			if len(v.Args) == 3 {
				return res("array_to_string(list_transform(range("+arg(1).sql+"), lambda i: "+str(0).sql+"), "+str(2).sql+")", kString)
			}
			return res("repeat("+str(0).sql+", CAST("+arg(1).sql+" AS INTEGER))", kString)
		}
		c.nargs(v, 3, 3)
		return res("replace("+str(0).sql+", "+str(1).sql+", "+str(2).sql+")", kString)
	case "replace_regex", "replace":
		c.nargs(v, 3, 3)
		if lname == "replace_regex" {
			return res("regexp_replace("+str(0).sql+", "+str(1).sql+", "+c.rewriteRef(str(2))+", 'g')", kString)
		}
		return res("regexp_replace("+str(2).sql+", "+str(0).sql+", "+c.rewriteRef(str(1))+", 'g')", kString)
	case "extract":
		c.nargs(v, 3, 4)
		g := arg(1)
		s := "regexp_extract(" + str(2).sql + ", " + str(0).sql + ", CAST(" + g.sql + " AS INTEGER))"
		if g.num != nil {
			s = regexGroup(str(2).sql, str(0).sql, int(*g.num))
		}
		out := res("nullif("+s+", '')", kString)
		out.sql = s
		if len(v.Args) == 4 {
			lit, ok := v.Args[3].(*syntax.Call)
			if ok && lit.Fn.Name == "typeof" && len(lit.Args) == 1 {
				if id, ok := lit.Args[0].(*syntax.Ident); ok {
					if t, ok := parseKType(id.Name); ok {
						return c.convert(res("nullif("+s+", '')", kString), t)
					}
				}
			}
			c.failAt(v.Args[3], nil, "extract() type argument must be typeof(T)")
		}
		return out
	case "extract_all":
		c.nargs(v, 2, 3)
		var re, text sqlExpr
		if len(v.Args) == 2 {
			re, text = str(0), str(1)
		} else {
			re, text = str(0), str(2)
		}
		s := "regexp_extract_all(" + text.sql + ", " + re.sql + ", 1)"
		if re.str != nil && !strings.Contains(*re.str, "(") {
			s = "regexp_extract_all(" + text.sql + ", " + re.sql + ")"
		}
		return res("to_json(CASE WHEN len("+s+") = 0 THEN NULL ELSE "+s+" END)", kDynamic)
	case "extract_json", "extractjson":
		c.nargs(v, 2, 3)
		p := str(0)
		return res("json_extract("+c.dyn(arg(1)).sql+", "+p.sql+")", kDynamic)
	case "indexof":
		c.nargs(v, 2, 5)
		if len(v.Args) == 5 {
			if l, ok := unparen(v.Args[4]).(*syntax.Literal); !ok || l.Text != "1" {
				c.unsupported(v.Args[4], "indexof() with an occurrence other than 1")
			}
		}
		if len(v.Args) == 2 {
			return res("(CAST(strpos("+str(0).sql+", "+str(1).sql+") AS BIGINT) - 1)", kLong)
		}
		length := "-1"
		if len(v.Args) >= 4 {
			length = c.convert(arg(3), kLong).sql
		}
		return res(indexOfRange(str(0).sql, str(1).sql, c.convert(arg(2), kLong).sql, length), kLong)
	case "countof":
		c.nargs(v, 2, 3)
		kind := "normal"
		if len(v.Args) == 3 {
			k := str(2)
			if k.str != nil {
				kind = *k.str
			}
		}
		if kind == "regex" {
			return res("CAST(len(regexp_extract_all("+str(0).sql+", "+str(1).sql+")) AS BIGINT)", kLong)
		}
		return res("CAST((length("+str(0).sql+") - length(replace("+str(0).sql+", "+str(1).sql+", ''))) // nullif(length("+str(1).sql+"), 0) AS BIGINT)", kLong)
	case "reverse":
		c.nargs(v, 1, 1)
		return res("reverse("+str(0).sql+")", kString)
	case "iff", "iif":
		c.nargs(v, 3, 3)
		cond := c.toBool(arg(0))
		a, b := arg(1), arg(2)
		a, b = c.unifyBranches(a, b)
		return sqlExpr{sql: "CASE WHEN " + cond.sql + " THEN " + a.sql + " ELSE " + b.sql + " END", t: a.t, agg: cond.agg || a.agg || b.agg}
	case "case":
		c.nargs(v, 3, -1)
		if len(v.Args)%2 != 1 {
			c.failAt(v, nil, "case() expects predicate/value pairs and an else value")
		}
		var vals []sqlExpr
		var conds []string
		for i := 0; i+1 < len(v.Args); i += 2 {
			conds = append(conds, c.toBool(arg(i)).sql)
			vals = append(vals, arg(i+1))
		}
		els := arg(len(v.Args) - 1)
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
		return res(b.String(), t)
	case "coalesce":
		c.nargs(v, 1, 64)
		first := arg(0)
		parts := []string{}
		for i := range v.Args {
			x := c.convert(arg(i), first.t)
			if x.t == kString {
				parts = append(parts, "nullif("+x.sql+", '')")
			} else {
				parts = append(parts, x.sql)
			}
		}
		return res("coalesce("+strings.Join(parts, ", ")+")", first.t)
	case "isempty", "isnotempty":
		c.nargs(v, 1, 1)
		a := arg(0)
		var s string
		switch a.t {
		case kString, kGuid:
			s = "(" + a.sql + " IS NULL OR " + a.sql + " = '')"
		case kDynamic:
			s = "(" + a.sql + " IS NULL OR json_type(" + a.sql + ") = 'NULL' OR (json_type(" + a.sql + ") = 'VARCHAR' AND json_extract_string(" + a.sql + ", '$') = ''))"
		default:
			s = "(" + a.sql + " IS NULL)"
		}
		if lname == "isnotempty" {
			s = "(NOT " + s + ")"
		}
		return sqlExpr{sql: s, t: kBool, agg: a.agg}
	case "isnull", "isnotnull":
		c.nargs(v, 1, 1)
		a := arg(0)
		s := "(" + a.sql + " IS NULL)"
		if a.t == kDynamic {
			s = "(" + a.sql + " IS NULL OR json_type(" + a.sql + ") = 'NULL')"
		}
		if a.t == kString {
			s = "false"
		}
		if lname == "isnotnull" {
			s = "(NOT " + s + ")"
		}
		return sqlExpr{sql: s, t: kBool, agg: a.agg}
	case "not":
		c.nargs(v, 1, 1)
		a := c.toBool(arg(0))
		return sqlExpr{sql: "(NOT " + a.sql + ")", t: kBool, agg: a.agg}
	case "parse_json", "todynamic", "parsejson", "todynamic_":
		c.nargs(v, 1, 1)
		a := arg(0)
		if a.t == kDynamic {
			return a
		}
		if a.t != kString {
			return c.convert(a, kDynamic)
		}
		return res("CASE WHEN json_valid("+a.sql+") THEN CAST("+a.sql+" AS JSON) ELSE to_json("+a.sql+") END", kDynamic)
	case "pack", "bag_pack", "pack_dictionary":
		if len(v.Args) == 1 {
			if _, ok := v.Args[0].(*syntax.Star); ok {
				return c.packAll(sc)
			}
		}
		if len(v.Args)%2 != 0 {
			c.failAt(v, nil, "%s() expects key/value pairs", name)
		}
		var parts []string
		for i := 0; i < len(v.Args); i += 2 {
			parts = append(parts, str(i).sql, c.dyn(arg(i+1)).sql)
		}
		return res("json_object("+strings.Join(parts, ", ")+")", kDynamic)
	case "pack_all":
		return c.packAll(sc)
	case "pack_array":
		var parts []string
		for i := range v.Args {
			parts = append(parts, c.dyn(arg(i)).sql)
		}
		return res("json_array("+strings.Join(parts, ", ")+")", kDynamic)
	case "range":
		c.nargs(v, 2, 3)
		a, b := arg(0), arg(1)
		step := "1"
		if len(v.Args) == 3 {
			step = arg(2).sql
		} else if a.t == kDatetime {
			step = "INTERVAL '1 hour'"
		}
		seq := "generate_series(" + a.sql + ", " + b.sql + ", " + step + ")"
		if a.t == kDatetime {
			seq = "list_transform(" + seq + ", lambda x: strftime(x, '%Y-%m-%dT%H:%M:%S.%fZ'))"
		}
		return res("to_json("+seq+")", kDynamic)
	case "column_ifexists", "columnifexists":
		c.nargs(v, 2, 2)
		n := str(0)
		if n.str == nil {
			c.failAt(v.Args[0], nil, "%s() expects a constant column name", name)
		}
		if sc.rel != nil {
			if col, ok := sc.rel.col(*n.str); ok {
				return sqlExpr{sql: col.ident(), t: col.t}
			}
		}
		return arg(1)
	case "array_length", "arraylength":
		c.nargs(v, 1, 1)
		a := c.dyn(arg(0))
		return res("CASE WHEN json_type("+a.sql+") = 'ARRAY' THEN CAST(json_array_length("+a.sql+") AS BIGINT) END", kLong)
	case "array_concat":
		var parts []string
		for i := range v.Args {
			parts = append(parts, "CAST("+c.dyn(arg(i)).sql+" AS JSON[])")
		}
		return res("to_json(list_concat("+strings.Join(parts, ", ")+"))", kDynamic)
	case "set_union", "set_intersect", "set_difference":
		c.nargs(v, 2, 64)
		lists := make([]string, len(v.Args))
		for i := range v.Args {
			lists[i] = "CAST(" + c.dyn(arg(i)).sql + " AS JSON[])"
		}
		acc := "list_distinct(" + lists[0] + ")"
		for _, l := range lists[1:] {
			switch lname {
			case "set_union":
				acc = "list_distinct(list_concat(" + acc + ", " + l + "))"
			case "set_intersect":
				acc = "list_intersect(" + acc + ", " + l + ")"
			case "set_difference":
				acc = "list_filter(" + acc + ", lambda x: NOT list_contains(" + l + ", x))"
			}
		}
		return res("to_json("+acc+")", kDynamic)
	case "set_has_element":
		c.nargs(v, 2, 2)
		return res("list_contains(CAST("+c.dyn(arg(0)).sql+" AS JSON[]), "+c.dyn(arg(1)).sql+")", kBool)
	case "array_index_of":
		c.nargs(v, 2, 2)
		return res("coalesce(list_position(CAST("+c.dyn(arg(0)).sql+" AS JSON[]), "+c.dyn(arg(1)).sql+") - 1, -1)", kLong)
	case "array_slice":
		c.nargs(v, 3, 3)
		return res("to_json(list_slice(CAST("+c.dyn(arg(0)).sql+" AS JSON[]), "+arg(1).sql+" + 1, "+arg(2).sql+" + 1))", kDynamic)
	case "array_sort_asc", "array_sort_desc":
		c.nargs(v, 1, 1)
		fn := "list_sort"
		if lname == "array_sort_desc" {
			fn = "list_reverse_sort"
		}
		return res("to_json("+fn+"(CAST("+c.dyn(arg(0)).sql+" AS JSON[])))", kDynamic)
	case "bag_keys":
		c.nargs(v, 1, 1)
		return res("to_json(json_keys("+c.dyn(arg(0)).sql+"))", kDynamic)
	case "bag_has_key":
		c.nargs(v, 2, 2)
		l, ok := v.Args[1].(*syntax.Literal)
		if !ok || l.Kind != syntax.LitString || strings.HasPrefix(l.Value.(string), "$") {
			c.unsupported(v, "bag_has_key() with a key that is not a plain string literal")
		}
		b := c.dyn(arg(0)).sql
		return res("(json_type("+b+") = 'OBJECT' AND list_contains(json_keys("+b+"), "+qs(l.Value.(string))+"))", kBool)
	case "array_sum":
		// the sum as a real; null when the argument is not an array or holds a
		// non-numeric element (Kusto's definition)
		c.nargs(v, 1, 1)
		a := c.dyn(arg(0)).sql
		l := "CAST(" + a + " AS JSON[])"
		return res("CASE WHEN json_type("+a+") = 'ARRAY' AND NOT list_bool_or(list_transform("+l+", x -> json_type(x) NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE'))) "+
			"THEN coalesce(list_sum(list_transform("+l+", x -> CAST(x AS DOUBLE))), 0) END", kReal)
	case "isascii":
		c.nargs(v, 1, 1)
		return res("regexp_full_match("+str(0).sql+", '[\\x00-\\x7F]*')", kBool)
	case "bag_merge":
		c.nargs(v, 2, 64)
		acc := c.dyn(arg(len(v.Args) - 1)).sql
		for i := len(v.Args) - 2; i >= 0; i-- { // the first bag wins on conflicts
			acc = "json_merge_patch(" + acc + ", " + c.dyn(arg(i)).sql + ")"
		}
		return res(acc, kDynamic)
	case "base64_decode_tostring", "base64_decodestring":
		c.nargs(v, 1, 1)
		return res("decode(from_base64("+str(0).sql+"))", kString)
	case "base64_encode_tostring", "base64_encodestring":
		c.nargs(v, 1, 1)
		return res("to_base64(encode("+str(0).sql+"))", kString)
	case "hash_sha256":
		c.nargs(v, 1, 1)
		return res("sha256("+str(0).sql+")", kString)
	case "hash_md5":
		c.nargs(v, 1, 1)
		return res("md5("+str(0).sql+")", kString)
	case "hash":
		c.nargs(v, 1, 2)
		h := "CAST(hash(" + arg(0).sql + ") % 9223372036854775807 AS BIGINT)"
		if len(v.Args) == 2 {
			h = "(" + h + " % " + arg(1).sql + ")"
		}
		return res(h, kLong)
	case "parse_ipv4":
		c.nargs(v, 1, 1)
		return res(ipv4Long(str(0).sql), kLong)
	case "ipv4_is_private":
		c.nargs(v, 1, 1)
		ip := ipv4Long(str(0).sql)
		return res("(("+ip+" BETWEEN 167772160 AND 184549375) OR ("+ip+" BETWEEN 2886729728 AND 2887778303) OR ("+ip+" BETWEEN 3232235520 AND 3232301055))", kBool)
	case "ipv4_is_in_range", "ipv4_is_match":
		c.nargs(v, 2, 3)
		ip := ipv4Long("split_part(" + str(0).sql + ", '/', 1)")
		rng := str(1).sql
		net := ipv4Long("split_part(" + rng + ", '/', 1)")
		bits := "coalesce(TRY_CAST(nullif(split_part(" + rng + ", '/', 2), '') AS INTEGER), 32)"
		mask := "(4294967295 - (CAST(pow(2, 32 - " + bits + ") AS BIGINT) - 1))"
		return res("(("+ip+" & "+mask+") = ("+net+" & "+mask+"))", kBool)
	case "format_ipv4":
		c.nargs(v, 1, 2)
		ip := arg(0)
		n := ip.sql
		if ip.t == kString {
			n = ipv4Long(ip.sql)
		}
		return res("CASE WHEN "+n+" IS NOT NULL THEN concat_ws('.', ("+n+" >> 24) & 255, ("+n+" >> 16) & 255, ("+n+" >> 8) & 255, "+n+" & 255) END", kString)
	case "url_decode":
		c.nargs(v, 1, 1)
		return res("url_decode("+str(0).sql+")", kString)
	case "url_encode", "url_encode_component":
		c.nargs(v, 1, 1)
		return res("url_encode("+str(0).sql+")", kString)
	case "parse_url":
		c.nargs(v, 1, 1)
		return res(parseURLSQL(str(0).sql), kDynamic)
	case "parse_path":
		c.nargs(v, 1, 1)
		return res(parsePathSQL(str(0).sql), kDynamic)
	case "abs", "sqrt", "exp", "log", "log10", "log2", "sign", "exp2", "exp10", "isnan", "isfinite":
		c.nargs(v, 1, 1)
		a := c.convert(arg(0), kReal)
		switch lname {
		case "abs":
			a0 := arg(0)
			if a0.t.numeric() {
				return res("abs("+a0.sql+")", a0.t)
			}
			if a0.t == kTimespan {
				return res("to_microseconds(abs(epoch_us("+a0.sql+")))", kTimespan)
			}
			return res("abs("+a.sql+")", kReal)
		case "log":
			return res("ln(nullif("+a.sql+", 0))", kReal)
		case "log10", "log2":
			return res(lname+"(nullif("+a.sql+", 0))", kReal)
		case "exp2":
			return res("pow(2, "+a.sql+")", kReal)
		case "exp10":
			return res("pow(10, "+a.sql+")", kReal)
		case "sign":
			return res("CAST(sign("+a.sql+") AS DOUBLE)", kReal)
		case "isnan", "isfinite":
			return res(lname+"("+a.sql+")", kBool)
		}
		return res(lname+"("+a.sql+")", kReal)
	case "pow":
		c.nargs(v, 2, 2)
		return res("pow("+c.convert(arg(0), kReal).sql+", "+c.convert(arg(1), kReal).sql+")", kReal)
	case "round":
		c.nargs(v, 1, 2)
		a := arg(0)
		if len(v.Args) == 2 {
			return res("round("+c.convert(a, kReal).sql+", CAST("+arg(1).sql+" AS INTEGER))", kReal)
		}
		if a.t.numeric() && a.t != kReal {
			return a
		}
		return res("round("+c.convert(a, kReal).sql+")", kReal)
	case "max_of", "min_of":
		c.nargs(v, 1, 64)
		fn := "greatest"
		if lname == "min_of" {
			fn = "least"
		}
		first := arg(0)
		parts := []string{}
		t := first.t
		for i := range v.Args {
			x := arg(i)
			if x.t == kReal {
				t = kReal
			}
			parts = append(parts, x.sql)
		}
		return res(fn+"("+strings.Join(parts, ", ")+")", t)
	case "typeof", "gettype":
		c.nargs(v, 1, 1)
		a := arg(0)
		if a.t == kDynamic {
			return res("CASE json_type("+a.sql+") WHEN 'VARCHAR' THEN 'string' WHEN 'BIGINT' THEN 'long' WHEN 'UBIGINT' THEN 'long' WHEN 'DOUBLE' THEN 'real' WHEN 'BOOLEAN' THEN 'bool' WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'NULL' THEN 'null' END", kString)
		}
		n := a.t.String()
		return strConst(n)
	case "tohex":
		c.nargs(v, 1, 2)
		return res("lower(hex("+arg(0).sql+"))", kString)
	case "toscalar":
		c.nargs(v, 1, 1)
		return c.scalarSubquery(v.Args[0], sc)
	case "new_guid":
		return res("CAST(uuid() AS VARCHAR)", kGuid)
	case "rand":
		if len(v.Args) == 1 {
			return res("CAST(floor(random() * "+arg(0).sql+") AS BIGINT)", kLong)
		}
		return res("random()", kReal)
	case "row_number":
		c.nargs(v, 0, 2)
		if sc.rel == nil || !sc.rel.ord {
			c.failAt(v, nil, "row_number() needs a serialized input (use serialize or sort first)")
		}
		start := ""
		if len(v.Args) >= 1 {
			start = " + (" + arg(0).sql + ") - 1"
		}
		return res("(row_number() OVER (ORDER BY "+ordCol+")"+start+")", kLong)
	case "prev", "next":
		c.nargs(v, 1, 3)
		if sc.rel == nil || !sc.rel.ord {
			c.failAt(v, nil, "%s() needs a serialized input (use serialize or sort first)", lname)
		}
		a := arg(0)
		off := "1"
		if len(v.Args) >= 2 {
			off = arg(1).sql
		}
		fn := "lag"
		if lname == "next" {
			fn = "lead"
		}
		def := ""
		if len(v.Args) == 3 {
			def = ", " + c.convert(arg(2), a.t).sql
		}
		return res(fn+"("+a.sql+", "+off+def+") OVER (ORDER BY "+ordCol+")", a.t)
	case "series_outliers":
		return c.seriesOutliers(v, sc)
	case "row_cumsum":
		c.nargs(v, 1, 2)
		if sc.rel == nil || !sc.rel.ord {
			c.failAt(v, nil, "row_cumsum() needs a serialized input (use serialize or sort first)")
		}
		if len(v.Args) == 2 {
			c.unsupported(v, "row_cumsum() with a restart argument")
		}
		a := arg(0)
		return res("sum("+a.sql+") OVER (ORDER BY "+ordCol+" ROWS UNBOUNDED PRECEDING)", a.t)
	case "translate":
		c.nargs(v, 3, 3)
		return res("translate("+str(2).sql+", "+str(0).sql+", "+str(1).sql+")", kString)
	case "datetime_utc_to_local", "datetime_local_to_utc", "parse_xml", "row_window_session", "percentilesw",
		"percentilew", "cursor_after", "current_principal", "current_cluster_endpoint", "estimate_data_size", "ipv4_lookup", "geo_info_from_ip_address":
		c.unsupported(v, "function "+name+"()")
	}
	if strings.HasPrefix(lname, "series_") || strings.HasPrefix(lname, "geo_") || slices.Contains(scalarFunctions, lname) || knownUnimplemented[lname] {
		c.unsupported(v, "function "+name+"()")
	}
	c.failAt(v.Fn, ErrUnknownName, "unknown function %s()%s", name, didYouMean(name, append(append([]string{}, scalarFunctions...), aggregateNames()...)))
	return sqlExpr{}
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
