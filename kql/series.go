package kql

import "github.com/huntkit/huntkit/kql/syntax"
import "strings"

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
	if name != "series_fit_line" && name != "series_stats" {
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
