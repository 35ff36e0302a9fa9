// Package analyzecmd holds the analyze command group: sessions, Markov sequence scoring and
// the other hunting analyses of package analysis, over a table file, standard input or a
// workspace table.
package analyzecmd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// New returns the analyze command and its subcommands.
func New(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Hunting analyses: sessions, sequences, time series, beaconing, clusters, outliers",
		Long: `analyze runs the hunting analyses over a table: a file (CSV, TSV, JSON lines, Parquet),
"-" for CSV or JSON lines on stdin, or table:NAME for a table of the --workspace.

  sessions    group events into sessions per user/host (max gap, max length)
  sequences   train a Markov model of command sessions (or load one) and score sessions
              by their rarest window
  timeseries  decompose a series and flag anomalies (Kusto's method or STL)
  beacon      find polling connections per source/destination pair
  cluster     cluster events on process features (DBSCAN, k-means)
  outliers    score unusual rows with a seeded isolation forest
  cmdline     flag risky command lines with a rules file
  sudo        find risky sudo sessions in syslog`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSessions(app), newSequences(app), newTimeseries(app), newBeacon(app), newCluster(app), newOutliers(app), newCmdline(app), newSudo(app))
	return cmd
}

// readInput reads a table file, stdin ("-") or a workspace table ("table:NAME").
func readInput(ctx context.Context, app *cliapp.App, in string) (*frame.Frame, error) {
	if name, ok := strings.CutPrefix(in, "table:"); ok {
		hk, err := app.Huntkit(ctx)
		if err != nil {
			return nil, err
		}
		return hk.Table(ctx, name)
	}
	return app.ReadTable(ctx, in)
}

// usage marks errors caused by the input's shape (missing columns, bad values) as usage errors.
// fail names the input in a front-door error; a bad request is a usage error (exit 2).
func fail(in string, err error) error {
	if errors.Is(err, huntkit.ErrBadRequest) {
		return cliapp.UsageError(fmt.Errorf("%s: %w", in, err))
	}
	return fmt.Errorf("%s: %w", in, err)
}

func usage(in string, err error, sentinels ...error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return cliapp.UsageError(fmt.Errorf("%s: %w", in, err))
		}
	}
	return fmt.Errorf("%s: %w", in, err)
}

func nan() float64 { return math.NaN() }
