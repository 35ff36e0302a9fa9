package kql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/internal/testdata"
	"github.com/huntkit/huntkit/kql"
)

// runSeries imports msticpy's time_series.csv (Kusto's own series_decompose_anomalies
// output) as table Traffic and runs src on it.
func runSeries(t *testing.T, src string) string {
	t.Helper()
	ctx := context.Background()
	path := testdata.Shared(t, "msticpy/timeseries/time_series.csv")
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Import(ctx, "Traffic", path); err != nil {
		t.Fatal(err)
	}
	cols, err := w.Columns(ctx, "Traffic")
	if err != nil {
		t.Fatal(err)
	}
	sql, err := kql.Compile(src, kql.MapCatalog{"Traffic": cols})
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%v\nSQL: %s", err, sql)
	}
	return frameText(f, false) + "\n"
}

// TestSeriesDecomposeAnomaliesKusto: series_decompose_anomalies with the parameters of
// msticpy's get_timeseries_anomalies template flags Kusto's 6 anomalies at the same hours
// (../shared/data/msticpy/EXPECTED_VALUES.md).
func TestSeriesDecomposeAnomaliesKusto(t *testing.T) {
	got := runSeries(t, `Traffic
| make-series Total = sum(TotalBytesSent) default = 0 on TimeGenerated from datetime(2019-05-01T06:00:00Z) to datetime(2019-06-05T06:00:00Z) step 1h
| extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 3, -1, 'linefit')
| mv-expand TimeGenerated to typeof(datetime), anomalies to typeof(long), score to typeof(real)
| where anomalies != 0
| project TimeGenerated, anomalies`)
	want := `TimeGenerated|anomalies
2019-05-07T11:00:00Z|-1
2019-05-09T13:00:00Z|-1
2019-05-13T17:00:00Z|1
2019-05-17T21:00:00Z|1
2019-05-26T05:00:00Z|1
2019-06-02T17:00:00Z|-1
`
	if got != want {
		t.Errorf("anomalies:\n%s\nwant Kusto's:\n%s", got, want)
	}
	// every hour's score is Kusto's and the baseline tracks Kusto's (rounded to integers)
	got = runSeries(t, `Traffic
| make-series Total = sum(TotalBytesSent) default = 0 on TimeGenerated from datetime(2019-05-01T06:00:00Z) to datetime(2019-06-05T06:00:00Z) step 1h
| extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 3)
| mv-expand TimeGenerated to typeof(datetime), score to typeof(real), baseline to typeof(real)
| join kind=inner (Traffic | project TimeGenerated, kscore = todouble(score), kbase = todouble(baseline)) on TimeGenerated
| summarize n = count(), scoreOff = countif(abs(score - kscore) > 1e-6), baseOff = avg(abs(baseline - kbase))
| project n, scoreOff, baseOk = baseOff < 1`)
	if want := "n|scoreOff|baseOk\n840|0|true\n"; got != want {
		t.Errorf("comparison with Kusto's scores and baseline:\n%s\nwant\n%s", got, want)
	}
}

// runKQL compiles src (no tables) and runs it in a fresh workspace.
func runKQL(t *testing.T, src string) (string, error) {
	t.Helper()
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sql, err := kql.Compile(src, kql.MapCatalog{})
	if err != nil {
		return "", err
	}
	f, err := w.Query(ctx, sql)
	if err != nil {
		return "", err
	}
	return frameText(f, false) + "\n", nil
}

// hours is a week of hourly points whose value is the hour of the day: a sawtooth of
// period 24 with no trend.
const hours = `range t from datetime(2021-01-01) to datetime(2021-01-07T23:00:00Z) step 1h
| extend v = todouble(hourofday(t))
| make-series x = sum(v) default = 0 on t from datetime(2021-01-01) to datetime(2021-01-08) step 1h
`

func TestSeriesFunctions(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"decompose period given", hours + `| extend (b, s, tr, r) = series_decompose(x, 24, 'avg')
| project b0 = b[0], b5 = b[5], s5 = s[5], tr5 = tr[5], r = array_sum(r), n = array_length(b)`,
			"b0|b5|s5|tr5|r|n\n0|5|5|0|0|168\n"},
		{"decompose period detected", hours + `| extend series_decompose(x)
| project b = series_decompose_x_baseline[30], r = series_decompose_x_residual[30]`,
			"b|r\n6|0\n"},
		{"decompose no season linefit", `print x = dynamic([1, 3, 5, 7, 9])
| extend (b, s, tr, r) = series_decompose(x, 0)
| project b, s, r`,
			"b|s|r\n[1,3,5,7,9]|[0,0,0,0,0]|[0,0,0,0,0]\n"},
		{"anomalies default names", strings.Replace(hours, "hourofday(t))", "hourofday(t) + (hourofday(t) * 7 + dayofmonth(t) * 3) % 5)", 1) + `| extend x = array_concat(array_slice(x, 0, 99), dynamic([500]), array_slice(x, 101, 167))
| extend series_decompose_anomalies(x, 3, 24, 'avg')
| mv-expand with_itemindex = i f = series_decompose_anomalies_x_ad_flag to typeof(long)
| where f != 0
| project i, f`,
			"i|f\n100|1\n"},
		{"project several columns", `print x = dynamic([1, 3, 5, 7, 9])
| project (b, s) = series_decompose(x, 0), series_fit_line(x)`,
			"b|s|series_fit_line_x_rsquare|series_fit_line_x_slope|series_fit_line_x_variance|series_fit_line_x_rvariance|series_fit_line_x_interception|series_fit_line_x_line_fit\n[1,3,5,7,9]|[0,0,0,0,0]|1|2|10|0|-1|[1,3,5,7,9]\n"},
		{"outliers", `print x = dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])
| mv-expand o = series_outliers(x) to typeof(real)
| project o = round(o, 4)`,
			"o\n-0.3466\n0\n0\n0\n0\n0\n0\n0\n0\n0\n31.1918\n"},
		{"outliers percentiles", `print x = dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])
| project o = series_outliers(x, 'ctukey', double(null), 0, 100)`,
			"o\n[0,0,0,0,0,0,0,0,0,0,0]\n"},
		{"periods", hours + `| extend (p, sc) = series_periods_detect(x, 4, 48, 2)
| project p0 = p[0], good = todouble(sc[0]) > 0.9`,
			"p0|good\n24|true\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runKQL(t, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestSeriesErrors: the parts of the series functions huntkit does not implement are
// compile errors naming the argument, and a gap in a series is a run-time error naming the
// point.
func TestSeriesErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`print x = dynamic([1, 2]) | extend series_decompose_anomalies(x, 1.5, -1, 'linefit', 0, 'tukey')`, "argument 6 other than its default is not supported"},
		{`print x = dynamic([1, 2]) | extend series_decompose(x, -1, 'linefit', 5)`, "argument 4 other than its default is not supported"},
		{`print x = dynamic([1, 2]) | extend o = series_outliers(x, 'tukey')`, "argument 2 other than its default is not supported"},
		{`print x = dynamic([1, 2]) | extend o = series_outliers(x, 'ctukey', 0)`, "ignore value"},
		{`print x = dynamic([1, 2]) | extend series_periods_detect(x, 4)`, "expects 4 argument(s)"},
		{`print x = dynamic([1, null, 3]) | extend series_decompose(x, 0)`, "point 1 is <nil> (fill gaps first"},
		{`print x = dynamic([1, 2, 3]) | extend series_decompose(x, 0, 'cubic')`, `trend "cubic"`},
	}
	for _, tc := range cases {
		_, err := runKQL(t, tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to mention %q", tc.src, err, tc.want)
		}
	}
}
