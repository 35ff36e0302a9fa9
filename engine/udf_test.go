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
