package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/analysis/timeseries"
)

// The scalar functions the workspace adds to DuckDB for KQL's series_* functions, which
// DuckDB has no equivalent of. They compute with package analysis/timeseries:
//
//	hk_series_decompose(x DOUBLE[], threshold DOUBLE, seasonality BIGINT, trend VARCHAR, part VARCHAR) DOUBLE[]
//	    part: baseline, seasonal, trend, residual (series_decompose), ad_flag, ad_score
//	    (series_decompose_anomalies, custom Tukey test); seasonality -1 detects the period.
//	hk_series_outliers(x DOUBLE[], lo DOUBLE, hi DOUBLE) DOUBLE[]
//	    custom Tukey scores with percentiles lo and hi (series_outliers).
//	hk_series_periods(x DOUBLE[], min BIGINT, max BIGINT, n BIGINT, part VARCHAR) DOUBLE[]
//	    part: periods or scores, at most n, best first (series_periods_detect).
//	hk_series_forecast(x DOUBLE[], points BIGINT, seasonality BIGINT, trend VARCHAR) DOUBLE[]
//	    the baseline with the last points left out of the learning (series_decompose_forecast).
//	hk_series_fill(x DOUBLE[], kind VARCHAR, c DOUBLE, edges BOOLEAN) DOUBLE[]
//	    kind: forward, backward, linear or const; NULL points are the missing ones
//	    (series_fill_forward, _backward, _linear with fill_edges, _const with c).
//	hk_series_fir(x DOUBLE[], filter DOUBLE[], normalize BOOLEAN, center BOOLEAN) DOUBLE[]
//	hk_series_iir(x DOUBLE[], b DOUBLE[], a DOUBLE[]) DOUBLE[]
//	    series_fir and series_iir.
//
// A NULL argument gives NULL; a NULL or non-finite point is an error naming it.
type seriesUDF struct {
	in  []duckdb.Type
	run func(args []driver.Value) (any, error)
}

func (u *seriesUDF) Config() duckdb.ScalarFuncConfig {
	dbl, _ := duckdb.NewTypeInfo(duckdb.TYPE_DOUBLE)
	list, _ := duckdb.NewListInfo(dbl)
	ins := []duckdb.TypeInfo{list}
	for _, t := range u.in {
		if t == duckdb.TYPE_LIST { // stands for DOUBLE[]
			ins = append(ins, list)
			continue
		}
		ti, _ := duckdb.NewTypeInfo(t)
		ins = append(ins, ti)
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: ins, ResultTypeInfo: list}
}

func (u *seriesUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: u.run}
}

var seriesUDFs = map[string]*seriesUDF{
	"hk_series_decompose": {
		in:  []duckdb.Type{duckdb.TYPE_DOUBLE, duckdb.TYPE_BIGINT, duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR},
		run: udfDecompose,
	},
	"hk_series_outliers": {
		in: []duckdb.Type{duckdb.TYPE_DOUBLE, duckdb.TYPE_DOUBLE},
		run: func(a []driver.Value) (any, error) {
			x, err := udfPoints("series_outliers", a[0])
			if err != nil {
				return nil, err
			}
			return timeseries.Outliers(x, a[1].(float64), a[2].(float64)), nil
		},
	},
	"hk_series_periods": {
		in:  []duckdb.Type{duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT, duckdb.TYPE_VARCHAR},
		run: udfPeriods,
	},
	"hk_series_forecast": {
		in: []duckdb.Type{duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT, duckdb.TYPE_VARCHAR},
		run: func(a []driver.Value) (any, error) {
			x, err := udfPoints("series_decompose_forecast", a[0])
			if err != nil {
				return nil, err
			}
			out, err := timeseries.Forecast(x, int(a[1].(int64)), timeseries.Options{Period: int(a[2].(int64)), Trend: timeseries.Trend(a[3].(string))})
			if err != nil {
				return nil, fmt.Errorf("series_decompose_forecast: %w", err)
			}
			return out, nil
		},
	},
	"hk_series_fill": {
		in:  []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_DOUBLE, duckdb.TYPE_BOOLEAN},
		run: udfFill,
	},
	"hk_series_fir": {
		in: []duckdb.Type{duckdb.TYPE_LIST, duckdb.TYPE_BOOLEAN, duckdb.TYPE_BOOLEAN},
		run: func(a []driver.Value) (any, error) {
			x, err := udfPoints("series_fir", a[0])
			if err != nil {
				return nil, err
			}
			f, err := udfPoints("series_fir filter", a[1])
			if err != nil {
				return nil, err
			}
			out, err := timeseries.FIR(x, f, a[2].(bool), a[3].(bool))
			if err != nil {
				return nil, fmt.Errorf("series_fir: %w", err)
			}
			return out, nil
		},
	},
	"hk_series_iir": {
		in: []duckdb.Type{duckdb.TYPE_LIST, duckdb.TYPE_LIST},
		run: func(a []driver.Value) (any, error) {
			var in [3][]float64
			for i, what := range []string{"series_iir", "series_iir numerators", "series_iir denominators"} {
				var err error
				if in[i], err = udfPoints(what, a[i]); err != nil {
					return nil, err
				}
			}
			out, err := timeseries.IIR(in[0], in[1], in[2])
			if err != nil {
				return nil, fmt.Errorf("series_iir: %w", err)
			}
			return out, nil
		},
	},
}

// udfFill fills the NULL points of a series; points still missing come back NULL.
func udfFill(a []driver.Value) (any, error) {
	l, _ := a[0].([]any)
	x := make([]float64, len(l))
	for i, p := range l {
		f, ok := p.(float64)
		if !ok {
			f = math.NaN()
		}
		x[i] = f
	}
	var y []float64
	switch kind := a[1].(string); kind {
	case "forward":
		y = timeseries.FillForward(x)
	case "backward":
		y = timeseries.FillBackward(x)
	case "linear":
		y = timeseries.FillLinear(x, a[3].(bool), a[2].(float64))
	case "const":
		y = timeseries.FillConst(x, a[2].(float64))
	default:
		return nil, fmt.Errorf("series_fill: unknown kind %q", kind)
	}
	out := make([]any, len(y))
	for i, v := range y {
		if !math.IsNaN(v) {
			out[i] = v
		}
	}
	return out, nil
}

// registerUDFs adds the series functions to the database (they are visible on every
// connection).
func (w *Workspace) registerUDFs(ctx context.Context) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for name, u := range seriesUDFs {
		if err := duckdb.RegisterScalarUDF(conn, name, u); err != nil {
			return fmt.Errorf("register function %s: %w", name, err)
		}
	}
	return nil
}

func udfPoints(fn string, v driver.Value) ([]float64, error) {
	l, _ := v.([]any)
	x := make([]float64, len(l))
	for i, p := range l {
		f, ok := p.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: point %d is %v (fill gaps first, e.g. make-series default=0)", fn, i, p)
		}
		x[i] = f
	}
	return x, nil
}

func udfDecompose(a []driver.Value) (any, error) {
	part := a[4].(string)
	fn := "series_decompose"
	if part == "ad_flag" || part == "ad_score" {
		fn = "series_decompose_anomalies"
	}
	x, err := udfPoints(fn, a[0])
	if err != nil {
		return nil, err
	}
	if len(x) == 0 {
		return []float64{}, nil
	}
	o := timeseries.Options{Period: int(a[2].(int64)), Trend: timeseries.Trend(a[3].(string))}
	an, err := timeseries.DecomposeAnomalies(x, a[1].(float64), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	switch part {
	case "baseline":
		return an.Baseline, nil
	case "seasonal":
		return an.Seasonal, nil
	case "trend":
		return an.Trend, nil
	case "residual":
		return an.Residual, nil
	case "ad_score":
		return an.Score, nil
	case "ad_flag":
		out := make([]float64, len(an.Flag))
		for i, f := range an.Flag {
			out[i] = float64(f)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: unknown component %q", fn, part)
}

func udfPeriods(a []driver.Value) (any, error) {
	x, err := udfPoints("series_periods_detect", a[0])
	if err != nil {
		return nil, err
	}
	ps := timeseries.Periods(x, timeseries.PeriodOptions{Min: int(a[1].(int64)), Max: int(a[2].(int64))})
	n := int(a[3].(int64))
	out := []float64{}
	for i, p := range ps {
		if i >= n {
			break
		}
		if a[4].(string) == "scores" {
			out = append(out, p.Score)
		} else {
			out = append(out, float64(p.Length))
		}
	}
	return out, nil
}
