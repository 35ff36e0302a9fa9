package kql_test

import (
	"context"
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
