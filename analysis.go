package huntkit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/huntkit/huntkit/analysis/beacon"
	"github.com/huntkit/huntkit/analysis/cluster"
	"github.com/huntkit/huntkit/analysis/markov"
	"github.com/huntkit/huntkit/analysis/outliers"
	"github.com/huntkit/huntkit/analysis/risk"
	"github.com/huntkit/huntkit/analysis/sessions"
	"github.com/huntkit/huntkit/analysis/timeseries"
	"github.com/huntkit/huntkit/frame"
)

// The analyses on the front door take a table (a query result, a workspace table, a file
// read with ReadStream) and return tables, as `huntkit analyze ...` prints them. Errors
// caused by the input (a missing column, too few points, a malformed model file) match
// ErrBadRequest.

// DefaultFeatures are the process features clustered and scored when no columns are named.
var DefaultFeatures = []string{"commandlineTokensFull", "pathScore", "isSystemSession"}

// inputError makes an error the input caused (one of the analysis' sentinels) a bad request.
func inputError(err error, sentinels ...error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return badRequest(err)
		}
	}
	return err
}

// Sessionize groups events into sessions (msticpy's sessionize_data).
func (h *Huntkit) Sessionize(ctx context.Context, events *frame.Frame, o sessions.Options) (*frame.Frame, error) {
	s, err := sessions.Sessionize(ctx, events, o)
	return s, inputError(err, sessions.ErrColumn)
}

// SequenceOptions tune ScoreSequences.
type SequenceOptions struct {
	Column     string       // the column holding each session's commands ("" detected)
	Level      markov.Level // 0: detected from the sessions
	Model      string       // a model file: loaded when it exists (unless Retrain), else written after training
	Retrain    bool         // train even when Model exists, and overwrite it
	Train      *frame.Frame // the baseline sessions to train on; nil trains on the sessions scored
	Modellable []string     // parameters whose values are modelled (values level)
	Score      markov.ScoreOptions
	Top        int // keep the N rarest sessions (0: all)
}

// SequenceResult is what ScoreSequences found.
type SequenceResult struct {
	Scores  *frame.Frame  // the sessions with their likelihoods and rarest windows
	Model   *markov.Model // the model used
	Trained int           // sessions trained on (0 when the model was loaded)
	Loaded  bool          // the model came from SequenceOptions.Model
}

// ScoreSequences scores sessions of commands with a Markov model (msticpy's
// anomalous_sequence): loaded from o.Model, or trained on o.Train (or the sessions
// themselves) and saved to o.Model when one is named.
func (h *Huntkit) ScoreSequences(ctx context.Context, sess *frame.Frame, o SequenceOptions) (*SequenceResult, error) {
	if o.Score.Window < 1 {
		return nil, badRequest(fmt.Errorf("window %d: want at least 1", o.Score.Window))
	}
	res := &SequenceResult{}
	if o.Model != "" && !o.Retrain {
		if _, err := os.Stat(o.Model); err == nil {
			if res.Model, err = markov.LoadFile(o.Model); err != nil {
				return nil, badRequest(err)
			}
			res.Loaded = true
		}
	}
	if res.Model == nil {
		if err := h.trainSequences(ctx, sess, o, res); err != nil {
			return nil, err
		}
	}
	scored, err := markov.ScoreFrame(ctx, sess, o.Column, res.Model, o.Score)
	if err != nil {
		return nil, inputError(err, markov.ErrInput)
	}
	if o.Top > 0 {
		col := scored.Col(fmt.Sprintf("rarest_window%d_likelihood", o.Score.Window))
		scores := make([]markov.Score, scored.Len())
		for i := range scores {
			scores[i].Rarest = col.Float(i)
			if col.IsNull(i) {
				scores[i].Rarest = math.NaN()
			}
		}
		scored = scored.Take(markov.Rarest(scores, o.Top))
	}
	res.Scores = scored
	return res, nil
}

// trainSequences trains the model of ScoreSequences and saves it when o.Model names a file.
func (h *Huntkit) trainSequences(ctx context.Context, sess *frame.Frame, o SequenceOptions, res *SequenceResult) error {
	tf := sess
	if o.Train != nil {
		tf = o.Train
	}
	c, err := markov.SessionColumn(tf, o.Column)
	if err != nil {
		return inputError(err, markov.ErrInput)
	}
	ss, detected, err := markov.FromColumn(c)
	if err != nil {
		return inputError(err, markov.ErrInput)
	}
	var train []markov.Session
	for _, s := range ss {
		if len(s) > 0 {
			train = append(train, s)
		}
	}
	level := o.Level
	if level == 0 {
		level = detected
	}
	var opts []markov.Option
	if len(o.Modellable) > 0 {
		opts = append(opts, markov.Modellable(o.Modellable...))
	}
	if res.Model, err = markov.Train(ctx, train, level, opts...); err != nil {
		return inputError(err, markov.ErrInput)
	}
	res.Trained = len(train)
	if o.Model != "" {
		return res.Model.SaveFile(o.Model)
	}
	return nil
}

// SeriesOptions tune SeriesAnomalies.
type SeriesOptions struct {
	Time      string        // time column (default TimeGenerated)
	Value     string        // numeric column summed per step; "" counts rows
	Step      time.Duration // default 1h
	Method    string        // "kusto" (series_decompose_anomalies, default) or "stl" (msticpy's ts_anomalies_stl)
	Period    int           // season length in steps; -1 detects it; 0 none (kusto only)
	Trend     string        // kusto trend: linefit (default), avg or none
	Threshold float64       // 0: 1.5 for kusto, 3 for stl
}

// SeriesResult is a regular series with its decomposition and anomalies.
type SeriesResult struct {
	Series    *timeseries.Series
	Anomalies *timeseries.Anomalies
	Count     int // anomalies flagged
}

// Frame is the result as a table (time, value, baseline, seasonal, trend, residual, score,
// anomaly); only keeps the flagged points.
func (r *SeriesResult) Frame(only bool) *frame.Frame { return r.Series.Frame(r.Anomalies, only) }

// SeriesAnomalies makes a regular series of f and flags its anomalies.
func (h *Huntkit) SeriesAnomalies(ctx context.Context, f *frame.Frame, o SeriesOptions) (*SeriesResult, error) {
	if o.Time == "" {
		o.Time = "TimeGenerated"
	}
	if o.Step == 0 {
		o.Step = time.Hour
	}
	if o.Trend == "" {
		o.Trend = "linefit"
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := timeseries.FromFrame(f, o.Time, o.Value, o.Step)
	if err != nil {
		return nil, inputError(err, timeseries.ErrSeries)
	}
	var a *timeseries.Anomalies
	switch o.Method {
	case "", "kusto":
		a, err = timeseries.DecomposeAnomalies(s.Values, o.Threshold, timeseries.Options{Period: o.Period, Trend: timeseries.Trend(o.Trend)})
	case "stl":
		a, err = timeseries.STLAnomalies(s.Values, o.Threshold, timeseries.STLOptions{Period: o.Period})
	default:
		return nil, badRequest(fmt.Errorf("method %q: want kusto or stl", o.Method))
	}
	if err != nil {
		return nil, inputError(err, timeseries.ErrSeries)
	}
	r := &SeriesResult{Series: s, Anomalies: a}
	for _, fl := range a.Flag {
		if fl != 0 {
			r.Count++
		}
	}
	return r, nil
}

// BeaconOptions tune Beacons.
type BeaconOptions struct {
	beacon.FrameOptions
	Alpha       float64 // p-value below which a pair is a beacon (default 0.01)
	BeaconsOnly bool    // keep only the pairs with p_value < Alpha
}

// Beacons tests each pair's connection times (pairs made of o.Keys, e.g. SrcIP and
// DestIP; the time column defaults to TimeGenerated) for polling, as msticpy's
// PeriodogramPollingDetector does, most periodic first.
func (h *Huntkit) Beacons(ctx context.Context, f *frame.Frame, o BeaconOptions) (*frame.Frame, error) {
	if o.Alpha == 0 {
		o.Alpha = 0.01
	}
	if o.Time == "" {
		o.Time = "TimeGenerated"
	}
	if o.Alpha <= 0 || o.Alpha >= 1 {
		return nil, badRequest(errors.New("alpha: want a value between 0 and 1"))
	}
	r, err := beacon.DetectFrame(ctx, f, o.FrameOptions)
	if err != nil {
		return nil, inputError(err, beacon.ErrInput)
	}
	if o.BeaconsOnly {
		p := r.Col("p_value")
		r = r.Filter(func(i int) bool { return p.Float(i) < o.Alpha })
	}
	return r, nil
}

// ClusterOptions tune Cluster.
type ClusterOptions struct {
	Features    cluster.FeatureOptions // process columns the features are built from
	Cluster     cluster.ClusterOptions // columns (default DefaultFeatures), DBSCAN eps and min samples, time column
	Method      string                 // "dbscan" (default) or "kmeans"
	K           int                    // k-means clusters (default 3)
	Seed        uint64                 // k-means seed
	NoNormalize bool                   // do not scale rows to unit length
}

// ClusterResult is what Cluster returns.
type ClusterResult struct {
	Result   *frame.Frame // DBSCAN: noise rows then one row per cluster; k-means: every row with ClusterId
	Labelled *frame.Frame // every row with its ClusterId (-1 noise), for a matrix view
	Columns  []string     // the columns clustered on
}

// Cluster adds msticpy's process features when f has a process path or command line and
// clusters the rows (msticpy's dbcluster_events, or k-means).
func (h *Huntkit) Cluster(ctx context.Context, f *frame.Frame, o ClusterOptions) (*ClusterResult, error) {
	f = withProcessFeatures(f, o.Features)
	co := o.Cluster
	if len(co.Columns) == 0 {
		co.Columns = DefaultFeatures
	}
	co.Normalize = !o.NoNormalize
	res := &ClusterResult{Columns: co.Columns}
	var err error
	switch o.Method {
	case "", "dbscan":
		if f.Col(co.Time) == nil {
			co.Time = ""
		}
		var labels []int
		if labels, err = cluster.Labels(ctx, f, co); err == nil {
			if res.Labelled, err = cluster.WithLabels(f, labels); err == nil {
				res.Result, err = cluster.ClusterEvents(ctx, f, co)
			}
		}
	case "kmeans":
		k := o.K
		if k == 0 {
			k = 3
		}
		var pts [][]float64
		if pts, err = cluster.Matrix(f, co.Columns); err == nil {
			if co.Normalize {
				pts = cluster.Normalize(pts)
			}
			var km *cluster.KMeansResult
			if km, err = cluster.KMeans(ctx, pts, cluster.KMeansOptions{K: k, Seed: o.Seed}); err == nil {
				res.Result, err = cluster.WithLabels(f, km.Labels)
				res.Labelled = res.Result
			}
		}
	default:
		return nil, badRequest(fmt.Errorf("method %q: want dbscan or kmeans", o.Method))
	}
	if err != nil {
		return nil, inputError(err, cluster.ErrInput)
	}
	return res, nil
}

// OutlierOptions tune Outliers.
type OutlierOptions struct {
	Features  cluster.FeatureOptions
	Columns   []string         // numeric columns scored (default DefaultFeatures)
	Forest    outliers.Options // trees, sample size, seed
	Threshold float64          // score above which a row is an outlier (default 0.6)
	Top       int              // keep the N highest scores (0: all)
}

// Outliers scores rows with a seeded isolation forest, highest score first.
func (h *Huntkit) Outliers(ctx context.Context, f *frame.Frame, o OutlierOptions) (*frame.Frame, error) {
	f = withProcessFeatures(f, o.Features)
	if len(o.Columns) == 0 {
		o.Columns = DefaultFeatures
	}
	if o.Threshold == 0 {
		o.Threshold = 0.6
	}
	res, err := outliers.ScoreFrame(ctx, f, o.Columns, o.Forest, o.Threshold, true)
	if err != nil {
		return nil, inputError(err, cluster.ErrInput, outliers.ErrInput)
	}
	if o.Top > 0 {
		res = res.Head(o.Top)
	}
	return res, nil
}

// withProcessFeatures adds the process features when f has a process path or command
// line; without them the rows are analysed on f's own numeric columns.
func withProcessFeatures(f *frame.Frame, fo cluster.FeatureOptions) *frame.Frame {
	if ff, err := cluster.AddProcessFeatures(f, fo); err == nil {
		return ff
	}
	return f
}

// RiskOptions tune RiskyCommands and RiskySudo.
type RiskOptions struct {
	Time    string     // time column (default TimeGenerated)
	Command string     // command column (default Command)
	LogType string     // rule set (default Syslog)
	Rules   risk.Rules // nil: the built-in rules
	Window  time.Duration
	Burst   int // RiskySudo: Burst commands within Window make a suspicious session (default 10 in 5 s)
}

func (o *RiskOptions) defaults() {
	if o.Time == "" {
		o.Time = "TimeGenerated"
	}
	if o.Command == "" {
		o.Command = "Command"
	}
	if o.LogType == "" {
		o.LogType = "Syslog"
	}
	if o.Rules == nil {
		o.Rules = risk.DefaultRules()
	}
	if o.Window == 0 {
		o.Window = 5 * time.Second
	}
	if o.Burst == 0 {
		o.Burst = 10
	}
}

// RiskyCommands flags the commands that match the rules (msticpy's risky_cmd_line).
// It returns the hits and how many commands were read.
func (h *Huntkit) RiskyCommands(ctx context.Context, f *frame.Frame, o RiskOptions) (*frame.Frame, int, error) {
	o.defaults()
	ev, hits, err := riskyEvents(f, o)
	if err != nil {
		return nil, 0, err
	}
	return risk.HitsFrame(hits), len(ev), ctx.Err()
}

// RiskySudo lists the sudo sessions in which a risky command or a burst of commands ran
// (msticpy's risky_sudo_sessions), and how many sessions there were.
func (h *Huntkit) RiskySudo(ctx context.Context, f *frame.Frame, o RiskOptions) (*frame.Frame, int, error) {
	o.defaults()
	ev, hits, err := riskyEvents(f, o)
	if err != nil {
		return nil, 0, err
	}
	msgs, err := risk.LogonsFromFrame(f, o.Time)
	if err != nil {
		return nil, 0, inputError(err, risk.ErrInput)
	}
	ss, err := risk.LogonSessions(msgs)
	if err != nil {
		return nil, 0, inputError(err, risk.ErrInput)
	}
	rs := risk.RiskySessions(ss, hits, risk.FastCommands(ev, o.Window, o.Burst))
	return risk.SessionsFrame(rs), len(ss), ctx.Err()
}

func riskyEvents(f *frame.Frame, o RiskOptions) ([]risk.Event, []risk.Hit, error) {
	ev, err := risk.EventsFromFrame(f, o.Time, o.Command)
	if err != nil {
		return nil, nil, inputError(err, risk.ErrInput)
	}
	hits, err := risk.RiskyCommands(ev, o.Rules, o.LogType)
	if err != nil {
		return nil, nil, inputError(err, risk.ErrInput)
	}
	return ev, hits, nil
}
