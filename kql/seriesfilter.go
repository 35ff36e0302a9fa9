package kql

import (
	"github.com/huntkit/huntkit/kql/syntax"
)

// The series fill, filter and forecast functions compile to the workspace's hk_series_fill,
// hk_series_fir, hk_series_iir and hk_series_forecast (engine/udf.go), which compute with
// package analysis/timeseries.

// seriesList is argument i as a DOUBLE[] (a dynamic array of numbers).
func (c *fcall) seriesList(i int) string {
	return "TRY_CAST(" + c.dyn(c.arg(i)).sql + " AS DOUBLE[])"
}

// isNullArg reports whether argument i is missing or a null literal.
func (c *fcall) isNullArg(i int) bool {
	if i >= len(c.v.Args) {
		return true
	}
	lit, ok := unparen(c.v.Args[i]).(*syntax.Literal)
	return ok && (lit.Kind == syntax.LitNull || lit.Null)
}

// missingAs maps the points equal to the placeholder argument i to NULL (KQL's missing
// value); a null or absent placeholder leaves the series as it is.
func (c *fcall) missingAs(series string, i int) string {
	if c.isNullArg(i) {
		return series
	}
	ph := c.convert(c.arg(i), kReal).sql
	return "list_transform(" + series + ", hk_v -> CASE WHEN hk_v = " + ph + " THEN NULL ELSE hk_v END)"
}

// optArg is argument i converted to t, or def when it is absent.
func (c *fcall) optArg(i int, t ktype, def string) string {
	if i >= len(c.v.Args) {
		return def
	}
	return c.convert(c.arg(i), t).sql
}

func seriesFill(kind string) func(c *fcall, v *syntax.Call) sqlExpr {
	return func(c *fcall, v *syntax.Call) sqlExpr {
		x := c.seriesList(0)
		var sql string
		switch kind {
		case "forward", "backward": // (series, missing_value_placeholder)
			sql = "hk_series_fill(" + c.missingAs(x, 1) + ", '" + kind + "', 0, true)"
		case "const": // (series, constant_value=0, missing_value_placeholder)
			sql = "hk_series_fill(" + c.missingAs(x, 2) + ", 'const', " + c.optArg(1, kReal, "0") + ", true)"
		case "linear": // (series, missing_value_placeholder, fill_edges=true, constant_value=0)
			sql = "hk_series_fill(" + c.missingAs(x, 1) + ", 'linear', " + c.optArg(3, kReal, "0") + ", " + c.optArg(2, kBool, "true") + ")"
		}
		return c.res("to_json("+sql+")", kDynamic)
	}
}

// fnSeriesFir: series_fir(series, filter, normalize, center). Without normalize, a filter
// with a negative coefficient is not normalized (Kusto's default).
func fnSeriesFir(c *fcall, v *syntax.Call) sqlExpr {
	f := c.seriesList(1)
	norm := "COALESCE(list_min(" + f + ") >= 0, true)"
	if len(v.Args) > 2 {
		norm = c.convert(c.arg(2), kBool).sql
	}
	sql := "hk_series_fir(" + c.seriesList(0) + ", " + f + ", " + norm + ", " + c.optArg(3, kBool, "false") + ")"
	return c.res("to_json("+sql+")", kDynamic)
}

// fnSeriesIir: series_iir(series, numerators, denominators).
func fnSeriesIir(c *fcall, v *syntax.Call) sqlExpr {
	sql := "hk_series_iir(" + c.seriesList(0) + ", " + c.seriesList(1) + ", " + c.seriesList(2) + ")"
	return c.res("to_json("+sql+")", kDynamic)
}

// fnSeriesForecast: series_decompose_forecast(series, points, seasonality=-1,
// trend='linefit'[, seasonality_threshold]).
func fnSeriesForecast(c *fcall, v *syntax.Call) sqlExpr {
	if len(v.Args) > 4 {
		c.seriesDefaultOnly(v, 4, 0.6)
	}
	sql := "hk_series_forecast(" + c.seriesList(0) + ", " + c.convert(c.arg(1), kLong).sql + ", " +
		c.optArg(2, kLong, "-1") + ", " + c.optArg(3, kString, "'linefit'") + ")"
	return c.res("to_json("+sql+")", kDynamic)
}
