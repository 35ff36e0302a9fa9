package kql

import (
	"strconv"
	"strings"

	"github.com/huntkit/huntkit/kql/syntax"
)

// multiField is one output column of a function that returns several columns.
type multiField struct {
	suffix string
	sql    string
	t      ktype
}

// multiOutput compiles the functions that produce several columns (series_fit_line,
// series_stats). ok is false for any other expression.
func (c *compiler) multiOutput(x syntax.Expr, sc *scope) (fields []multiField, prefix string, ok bool) {
	call, isCall := unparen(x).(*syntax.Call)
	if !isCall {
		return nil, "", false
	}
	name := strings.ToLower(call.Fn.Name)
	switch name {
	case "series_decompose", "series_decompose_anomalies", "series_periods_detect":
		return c.seriesUDF(call, name, sc)
	case "series_fit_line", "series_stats":
	default:
		return nil, "", false
	}
	c.nargs(call, 1, 2)
	arg := c.dyn(c.scalar(call.Args[0], sc))
	l := "TRY_CAST(" + arg.sql + " AS DOUBLE[])"
	prefix = name + "_"
	if n := derivedName(call.Args[0]); n != "" {
		prefix += n + "_"
	}
	if name == "series_stats" {
		return []multiField{
			{"min", "list_min(" + l + ")", kReal},
			{"min_idx", "(list_position(" + l + ", list_min(" + l + ")) - 1)", kLong},
			{"max", "list_max(" + l + ")", kReal},
			{"max_idx", "(list_position(" + l + ", list_max(" + l + ")) - 1)", kLong},
			{"avg", "list_avg(" + l + ")", kReal},
			{"stdev", "list_stddev_samp(" + l + ")", kReal},
			{"variance", "list_var_samp(" + l + ")", kReal},
		}, prefix, true
	}
	// least squares over the points (i, y_i), i = 1..n, in closed form
	n := "CAST(len(" + l + ") AS DOUBLE)"
	sx := "(" + n + " * (" + n + " + 1) / 2)"
	sxx := "(" + n + " * (" + n + " + 1) * (2 * " + n + " + 1) / 6)"
	sy := "list_sum(" + l + ")"
	sxy := "list_sum(list_transform(" + l + ", lambda v, i: v * i))"
	syy := "list_sum(list_transform(" + l + ", lambda v: v * v))"
	num := "(" + n + " * " + sxy + " - " + sx + " * " + sy + ")"
	den := "nullif(" + n + " * " + sxx + " - " + sx + " * " + sx + ", 0)"
	slope := "(" + num + " / " + den + ")"
	icpt := "((" + sy + " - " + slope + " * " + sx + ") / " + n + ")"
	variance := "((" + syy + " - " + sy + " * " + sy + " / " + n + ") / nullif(" + n + " - 1, 0))"
	r2 := "(" + num + " * " + num + " / nullif(" + den + " * (" + n + " * " + syy + " - " + sy + " * " + sy + "), 0))"
	return []multiField{
		{"rsquare", r2, kReal},
		{"slope", slope, kReal},
		{"variance", variance, kReal},
		{"rvariance", "((1 - " + r2 + ") * " + variance + ")", kReal},
		{"interception", icpt, kReal},
		{"line_fit", "to_json(list_transform(range(1, len(" + l + ") + 1), lambda i: " + slope + " * i + " + icpt + "))", kDynamic},
	}, prefix, true
}

// seriesArgs compiles the optional arguments of a series function from index 1 on: each
// is converted to its type, or is def when omitted.
func (c *compiler) seriesArgs(call *syntax.Call, sc *scope, types []ktype, defs []string) []string {
	out := make([]string, len(types))
	for i, t := range types {
		if i < len(defs) {
			out[i] = defs[i]
		}
		if i+1 < len(call.Args) {
			out[i] = c.convert(c.scalar(call.Args[i+1], sc), t).sql
		}
	}
	return out
}

// seriesDefaultOnly fails unless the arguments from index from on are the literal
// defaults (the parts of a series function huntkit does not implement).
func (c *compiler) seriesDefaultOnly(call *syntax.Call, from int, defs ...any) {
	for i := from; i < len(call.Args) && i < from+len(defs); i++ {
		lit, ok := unparen(call.Args[i]).(*syntax.Literal)
		if !ok || !sameLit(lit.Value, defs[i-from]) {
			c.unsupported(call.Args[i], call.Fn.Name+"() argument "+strconv.Itoa(i+1)+" other than its default")
		}
	}
}

func sameLit(v, def any) bool {
	switch d := def.(type) {
	case float64:
		switch x := v.(type) {
		case float64:
			return x == d
		case int64:
			return float64(x) == d
		}
	case string:
		x, ok := v.(string)
		return ok && strings.EqualFold(x, d)
	}
	return false
}

// seriesUDF compiles series_decompose, series_decompose_anomalies and
// series_periods_detect to the workspace's hk_series_* functions (engine/udf.go).
func (c *compiler) seriesUDF(call *syntax.Call, name string, sc *scope) ([]multiField, string, bool) {
	prefix := name + "_"
	if len(call.Args) > 0 {
		if n := derivedName(call.Args[0]); n != "" {
			prefix += n + "_"
		}
	}
	dbl := func() string {
		return "TRY_CAST(" + c.dyn(c.scalar(call.Args[0], sc)).sql + " AS DOUBLE[])"
	}
	list := func(sql string) multiField { return multiField{sql: "to_json(" + sql + ")", t: kDynamic} }
	var fields []multiField
	switch name {
	case "series_decompose_anomalies":
		// (Series, Threshold=1.5, Seasonality=-1, Trend='linefit', Test_points=0, AD_method='ctukey', Seasonality_threshold=0.6)
		c.nargs(call, 1, 7)
		c.seriesDefaultOnly(call, 4, 0.0, "ctukey", 0.6)
		a := c.seriesArgs(call, sc, []ktype{kReal, kLong, kString}, []string{"1.5", "-1", "'linefit'"})
		l := dbl()
		f := func(part string) string {
			return "hk_series_decompose(" + l + ", " + a[0] + ", " + a[1] + ", " + a[2] + ", '" + part + "')"
		}
		fields = []multiField{list("CAST(" + f("ad_flag") + " AS BIGINT[])"), list(f("ad_score")), list(f("baseline"))}
		fields[0].suffix, fields[1].suffix, fields[2].suffix = "ad_flag", "ad_score", "baseline"
	case "series_decompose":
		// (Series, Seasonality=-1, Trend='linefit', Test_points=0, Seasonality_threshold=0.6)
		c.nargs(call, 1, 5)
		c.seriesDefaultOnly(call, 3, 0.0, 0.6)
		a := c.seriesArgs(call, sc, []ktype{kLong, kString}, []string{"-1", "'linefit'"})
		l := dbl()
		for _, part := range []string{"baseline", "seasonal", "trend", "residual"} {
			fd := list("hk_series_decompose(" + l + ", 0, " + a[0] + ", " + a[1] + ", '" + part + "')")
			fd.suffix = part
			fields = append(fields, fd)
		}
	case "series_periods_detect":
		// (Series, min_period, max_period, num_periods)
		c.nargs(call, 4, 4)
		a := c.seriesArgs(call, sc, []ktype{kLong, kLong, kLong}, nil)
		l := dbl()
		for _, part := range []string{"periods", "scores"} {
			fd := list("hk_series_periods(" + l + ", " + a[0] + ", " + a[1] + ", " + a[2] + ", '" + part + "')")
			fd.suffix = part
			fields = append(fields, fd)
		}
	}
	return fields, prefix, true
}

// seriesOutliers compiles series_outliers(Series, Kind='ctukey', Ignore_val, Min_percentile=10,
// Max_percentile=90) to the workspace's hk_series_outliers.
func (c *compiler) seriesOutliers(call *syntax.Call, sc *scope) sqlExpr {
	c.nargs(call, 1, 5)
	if len(call.Args) > 1 {
		c.seriesDefaultOnly(call, 1, "ctukey")
	}
	if len(call.Args) > 2 {
		if lit, ok := unparen(call.Args[2]).(*syntax.Literal); !ok || !lit.Null && lit.Value != nil {
			c.unsupported(call.Args[2], "series_outliers() with an ignore value")
		}
	}
	lo, hi := "10", "90"
	if len(call.Args) > 3 {
		lo = c.convert(c.scalar(call.Args[3], sc), kReal).sql
	}
	if len(call.Args) > 4 {
		hi = c.convert(c.scalar(call.Args[4], sc), kReal).sql
	}
	l := "TRY_CAST(" + c.dyn(c.scalar(call.Args[0], sc)).sql + " AS DOUBLE[])"
	return sqlExpr{sql: "to_json(hk_series_outliers(" + l + ", " + lo + ", " + hi + "))", t: kDynamic}
}
