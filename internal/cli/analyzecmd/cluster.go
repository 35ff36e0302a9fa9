package analyzecmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/analysis/cluster"
	"github.com/huntkit/huntkit/analysis/outliers"
	"github.com/huntkit/huntkit/internal/cli/viscmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/vis"
)

// defaultFeatures are msticpy's usual process clustering features.

func newCluster(app *cliapp.App) *cobra.Command {
	var (
		out    cliapp.Output
		fo     cluster.FeatureOptions
		o      cluster.ClusterOptions
		method string
		k      int
		seed   uint64
		noNorm bool
		h      viscmd.HTMLFlags
		yCol   string
	)
	cmd := &cobra.Command{
		Use:   "cluster FILE",
		Short: "Cluster events (process features, DBSCAN or k-means)",
		Long: `cluster adds msticpy's process features to FILE when it has a process path or a command
line (processName, pathScore, pathLogScore, pathHash, commandlineLen, commandlineLogLen,
commandlineTokensFull, commandlineScore, commandlineTokensHash, commandlineEntropy,
isSystemSession) and clusters the rows on --cols (default: ` + fmt.Sprint(huntkit.DefaultFeatures) + `).

  --method dbscan  msticpy's dbcluster_events: rows scaled to unit length, DBSCAN with
                   --eps and --min-samples; output: every unclustered row, then one row
                   per cluster with Clustered, ClusterId, ClusterSize, FirstEventTime,
                   LastEventTime
  --method kmeans  k-means (--k, --seed): every row with its ClusterId

--html writes an offline matrix of clusters (ClusterId, -1 for noise) against --y
(default processName): how many events of each fall in each cluster.`,
		Example: `  huntkit analyze cluster SecurityEvent_4688.csv --eps 0.01 --min-samples 2
  huntkit analyze cluster procs.csv --cols pathHash,commandlineTokensHash,isSystemSession --eps 0.001 -o json
  huntkit analyze cluster procs.csv --method kmeans --k 3 --seed 7 -o csv
  huntkit analyze cluster procs.csv --eps 0.001 --html clusters.html`,
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
			cr, err := hk.Cluster(cmd.Context(), f, huntkit.ClusterOptions{Features: fo, Cluster: o, Method: method, K: k, Seed: seed, NoNormalize: noNorm})
			if err != nil {
				return fail(args[0], err)
			}
			res, labelled := cr.Result, cr.Labelled
			o.Columns = cr.Columns
			app.Infof("%s: %d events clustered on %v: %d output rows", args[0], f.Len(), o.Columns, res.Len())
			if h.Out == "" && !h.Open || out.Format != "" || out.File != "" {
				if err := app.WriteFrame(&out, res); err != nil {
					return err
				}
			}
			if h.Out == "" && !h.Open {
				return nil
			}
			vopts := append(h.Options(), vis.XY("ClusterId", yCol))
			if h.Title == "" {
				vopts = append(vopts, vis.Title(fmt.Sprintf("Clusters of %s (%s on %v)", displayName(args[0]), method, o.Columns)))
			}
			return viscmd.Write(app, &h, "clusters", func(w io.Writer) error { return vis.Matrix(w, labelled, vopts...) })
		},
	}
	h.MaxRows = 2_000_000
	cmd.Flags().StringVar(&h.Out, "html", "", "write an offline HTML matrix of clusters against --y")
	cmd.Flags().BoolVar(&h.Open, "open", false, "open the matrix in a browser (a temporary file when --html is not given)")
	cmd.Flags().StringVar(&h.Title, "title", "", "page title")
	cmd.Flags().StringVar(&yCol, "y", "processName", "HTML: column set against the clusters")
	fl := cmd.Flags()
	fl.StringSliceVar(&o.Columns, "cols", nil, "feature columns to cluster on (comma-separated)")
	fl.StringVar(&method, "method", "dbscan", "dbscan or kmeans")
	fl.Float64Var(&o.Eps, "eps", 0.01, "DBSCAN neighbourhood radius (msticpy's max_cluster_distance)")
	fl.IntVar(&o.MinSamples, "min-samples", 2, "DBSCAN points that make a core point (msticpy's min_cluster_samples)")
	fl.IntVar(&k, "k", 3, "k-means clusters")
	fl.Uint64Var(&seed, "seed", 1, "k-means seed")
	fl.BoolVar(&noNorm, "no-normalize", false, "do not scale rows to unit length")
	fl.StringVar(&o.Time, "time", "TimeGenerated", "time column for FirstEventTime/LastEventTime")
	fl.StringVar(&fo.Path, "path-col", "NewProcessName", "process path column")
	fl.StringVar(&fo.CommandLine, "cmd-col", "CommandLine", "command-line column")
	fl.StringVar(&fo.LogonID, "logon-col", "SubjectLogonId", "logon id column (isSystemSession)")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

func newOutliers(app *cliapp.App) *cobra.Command {
	var (
		out       cliapp.Output
		fo        cluster.FeatureOptions
		cols      []string
		o         outliers.Options
		threshold float64
		top       int
	)
	cmd := &cobra.Command{
		Use:   "outliers FILE",
		Short: "Score unusual rows with a seeded isolation forest",
		Long: `outliers trains an isolation forest (--trees trees of --sample rows, --seed for reproducible
runs) on the numeric columns --cols of FILE (process features are added first when FILE has
a process path or command line; default columns: ` + fmt.Sprint(huntkit.DefaultFeatures) + `) and adds
outlier_score (near 1: isolated in few splits) and is_outlier (score above --threshold),
highest score first; --top N keeps the N highest.`,
		Example: `  huntkit analyze outliers SecurityEvent_4688.csv --top 20
  huntkit analyze outliers procs.csv --cols commandlineLen,commandlineEntropy,pathScore --seed 7 -o json`,
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
			res, err := hk.Outliers(cmd.Context(), f, huntkit.OutlierOptions{Features: fo, Columns: cols, Forest: o, Threshold: threshold, Top: top})
			if err != nil {
				return fail(args[0], err)
			}
			return app.WriteFrame(&out, res)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&cols, "cols", nil, "numeric columns to score on (comma-separated)")
	fl.IntVar(&o.Trees, "trees", 100, "number of trees")
	fl.IntVar(&o.Sample, "sample", 256, "rows per tree")
	fl.Uint64Var(&o.Seed, "seed", 1, "random seed")
	fl.Float64Var(&threshold, "threshold", 0.6, "score above which a row is an outlier")
	fl.IntVar(&top, "top", 0, "keep the N highest scores (0: all)")
	fl.StringVar(&fo.Path, "path-col", "NewProcessName", "process path column")
	fl.StringVar(&fo.CommandLine, "cmd-col", "CommandLine", "command-line column")
	fl.StringVar(&fo.LogonID, "logon-col", "SubjectLogonId", "logon id column")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}
