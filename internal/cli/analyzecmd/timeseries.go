package analyzecmd

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/analysis/beacon"
	"github.com/huntkit/huntkit/internal/cli/viscmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/vis"
)

// displayName names the input in a title: the file's base name, or "stdin".
func displayName(in string) string {
	if in == "-" {
		return "stdin"
	}
	return filepath.Base(in)
}

func newTimeseries(app *cliapp.App) *cobra.Command {
	var (
		out       cliapp.Output
		timeCol   string
		value     string
		step      time.Duration
		method    string
		period    int
		trend     string
		threshold float64
		only      bool
		h         viscmd.HTMLFlags
	)
	cmd := &cobra.Command{
		Use:   "timeseries FILE",
		Short: "Decompose a time series and flag anomalies (Kusto's series_decompose_anomalies or STL)",
		Long: `timeseries makes a regular series from FILE (the sum of --value per --step of --time, or
the count of rows per step without --value), decomposes it and scores the residuals.

  --method kusto  Kusto's series_decompose_anomalies: seasonal medians per phase of the
                  period (--period -1 detects it from the periodogram), a linefit/avg
                  trend, custom-Tukey scores; |score| > --threshold (default 1.5) is flagged
  --method stl    msticpy's ts_anomalies_stl: STL (LOESS) with --period (-1 detects it;
                  msticpy uses 24 for hourly data) and a z-scored residual above
                  --threshold (default 3), signed by the seasonal component

Output: time, value, baseline, seasonal, trend, residual, score, anomaly (+1 rise, -1 fall);
--anomalies keeps only the flagged points. --html writes an offline chart of the value and its
components with a marker at each anomaly (and no table on stdout unless -o or --out).`,
		Example: `  huntkit analyze timeseries bytes.csv --time TimeGenerated --value TotalBytesSent --threshold 3 --anomalies
  huntkit analyze timeseries signins.csv --time TimeGenerated --step 1h --method stl --period 24 -o csv
  huntkit analyze timeseries bytes.csv --value TotalBytesSent --threshold 3 --html bytes.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			r, err := hk.SeriesAnomalies(cmd.Context(), f, huntkit.SeriesOptions{Time: timeCol, Value: value, Step: step,
				Method: method, Period: period, Trend: trend, Threshold: threshold})
			if err != nil {
				return fail(args[0], err)
			}
			s, a, n := r.Series, r.Anomalies, r.Count
			app.Infof("%s: %d points of %v, period %d, %d anomalies", args[0], len(s.Values), step, a.Period, n)
			if h.Out == "" && !h.Open || out.Format != "" || out.File != "" {
				if err := app.WriteFrame(&out, s.Frame(a, only)); err != nil {
					return err
				}
			}
			if h.Out == "" && !h.Open {
				return nil
			}
			var marks []vis.Marker
			ts, flags := s.Flagged(a)
			for i, t := range ts {
				label := "anomaly: rise"
				if flags[i] < 0 {
					label = "anomaly: fall"
				}
				marks = append(marks, vis.Marker{Time: t, Label: label})
			}
			vopts := append(h.Options(), vis.TimeColumn("time"), vis.GroupColumn("series"), vis.ValueColumn("y"), vis.Markers(marks...))
			if h.Title == "" {
				vopts = append(vopts, vis.Title(fmt.Sprintf("Time series %s (%s, period %d): %d anomalies", displayName(args[0]), method, a.Period, n)))
			}
			return viscmd.Write(app, &h, "time series", func(w io.Writer) error { return vis.Timeline(w, s.Long(a), vopts...) })
		},
	}
	h.MaxRows = 2_000_000
	fl0 := cmd.Flags()
	fl0.StringVar(&h.Out, "html", "", "write an offline HTML chart of the series, its components and anomalies")
	fl0.BoolVar(&h.Open, "open", false, "open the chart in a browser (a temporary file when --html is not given)")
	fl0.StringVar(&h.Title, "title", "", "chart title")
	fl := cmd.Flags()
	fl.StringVar(&timeCol, "time", "TimeGenerated", "time column")
	fl.StringVar(&value, "value", "", "numeric column summed per step (default: count rows)")
	fl.DurationVar(&step, "step", time.Hour, "series step")
	fl.StringVar(&method, "method", "kusto", "kusto or stl")
	fl.IntVar(&period, "period", -1, "season length in steps (-1: detect); 0: no seasonality (kusto only)")
	fl.StringVar(&trend, "trend", "linefit", "kusto trend: linefit, avg or none")
	fl.Float64Var(&threshold, "threshold", 0, "anomaly threshold (0: 1.5 for kusto, 3 for stl)")
	fl.BoolVar(&only, "anomalies", false, "keep only the flagged points")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

func newBeacon(app *cliapp.App) *cobra.Command {
	var (
		out    cliapp.Output
		o      beacon.FrameOptions
		alpha  float64
		onlyFl bool
	)
	cmd := &cobra.Command{
		Use:   "beacon FILE",
		Short: "Find polling (beaconing) connections per source/destination pair",
		Long: `beacon groups the connections of FILE by the --key columns (source, destination, port...)
and tests each pair's event times for periodicity as msticpy's PeriodogramPollingDetector
does: a counting process per --step, its periodogram, and Fisher's g test. Output, most
periodic first: the keys, events, first, last, p_value, strength (the share of power in the
highest peak), period_s (the detected interval in seconds) and frequency_hz. --beacons keeps
the pairs with p_value below --alpha.`,
		Example: `  huntkit analyze beacon flows.csv --time TimeGenerated --key SrcIP --key DestIP --beacons
  huntkit analyze beacon proxy.parquet --time ts --key src --key host --step 10s -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if alpha <= 0 || alpha >= 1 {
				return cliapp.UsageError(errors.New("--alpha: want a value between 0 and 1"))
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			r, err := hk.Beacons(cmd.Context(), f, huntkit.BeaconOptions{FrameOptions: o, Alpha: alpha, BeaconsOnly: onlyFl})
			if err != nil {
				return fail(args[0], err)
			}
			app.Infof("%s: %d connections, %d pairs tested", args[0], f.Len(), r.Len())
			return app.WriteFrame(&out, r)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Time, "time", "TimeGenerated", "connection time column")
	fl.StringArrayVar(&o.Keys, "key", nil, "column a pair is made of (repeatable); none tests all rows as one series")
	fl.DurationVar(&o.Step, "step", time.Second, "counting-process step")
	fl.IntVar(&o.MinEvents, "min-events", 8, "skip pairs with fewer connections")
	fl.Float64Var(&alpha, "alpha", 0.01, "p-value below which a pair is a beacon")
	fl.BoolVar(&onlyFl, "beacons", false, "keep only the pairs with p_value < --alpha")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}
