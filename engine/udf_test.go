package engine

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// The hk_series_* functions are there on every connection of a locked workspace, and again
// when a file workspace is reopened; NULL in gives NULL out and a gap is an error.
func TestSeriesUDFs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	for range 2 {
		w, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		// hold several connections at once so the pool opens new ones
		var conns []string
		var held []*sql.Conn
		for range 3 {
			c, err := w.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var s string
			if err := c.QueryRowContext(ctx, "SELECT CAST(hk_series_outliers([1,2,3,4,5,6,7,8,9,10,100]::DOUBLE[], 10, 90) AS VARCHAR)").Scan(&s); err != nil {
				t.Fatal(err)
			}
			conns = append(conns, s)
			held = append(held, c)
		}
		for _, c := range held {
			c.Close()
		}
		for _, s := range conns {
			if !strings.HasPrefix(s, "[-0.346") || !strings.Contains(s, "31.19") {
				t.Errorf("hk_series_outliers = %s", s)
			}
		}
		f, err := w.Query(ctx, "SELECT hk_series_decompose(NULL, 1.5, -1, 'linefit', 'baseline') IS NULL AS n, hk_series_periods([1,2,3]::DOUBLE[], 0, 0, 1, 'periods') AS p")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Columns()[0].Text(0) + " " + f.Columns()[1].Text(0); got != "true []" {
			t.Errorf("NULL and short series: %s", got)
		}
		if _, err := w.Query(ctx, "SELECT hk_series_decompose([1, NULL, 3]::DOUBLE[], 1.5, 0, 'linefit', 'ad_flag')"); err == nil || !strings.Contains(err.Error(), "series_decompose_anomalies: point 1 is <nil>") {
			t.Errorf("gap: %v", err)
		}
		w.Close()
	}
}

// The fill, filter and forecast functions give Kusto's documented answers through SQL.
func TestSeriesFillFilterUDFs(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tc := range []struct{ sql, want string }{
		{"hk_series_fill([NULL, NULL, 36, 41, NULL, 16]::DOUBLE[], 'forward', 0, true)", "[NULL, NULL, 36.0, 41.0, 41.0, 16.0]"},
		{"hk_series_fill([NULL, 36, NULL, 16, NULL]::DOUBLE[], 'backward', 0, true)", "[36.0, 36.0, 16.0, 16.0, NULL]"},
		{"hk_series_fill([NULL, 1, NULL, 3, NULL]::DOUBLE[], 'linear', 0, true)", "[1.0, 1.0, 2.0, 3.0, 3.0]"},
		{"hk_series_fill([NULL, 1]::DOUBLE[], 'const', -1, true)", "[-1.0, 1.0]"},
		{"hk_series_fir([0, 10, 20, 30]::DOUBLE[], [1, 1]::DOUBLE[], true, false)", "[0.0, 5.0, 15.0, 25.0]"},
		{"hk_series_iir([1, 2, 3, 4]::DOUBLE[], [1]::DOUBLE[], [1, -1]::DOUBLE[])", "[1.0, 3.0, 6.0, 10.0]"},
		{"hk_series_forecast([1, 2, 3, 4, 0, 0]::DOUBLE[], 2, 0, 'linefit')", "[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]"},
	} {
		f, err := w.Query(ctx, "SELECT CAST("+tc.sql+" AS VARCHAR) AS v")
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		if got := f.Columns()[0].Text(0); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.sql, got, tc.want)
		}
	}
	if _, err := w.Query(ctx, "SELECT hk_series_iir([1]::DOUBLE[], [1]::DOUBLE[], [0, 1]::DOUBLE[])"); err == nil || !strings.Contains(err.Error(), "series_iir") {
		t.Errorf("a[0] = 0: %v", err)
	}
}
