package analyzecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/analysis/markov"
	"github.com/huntkit/huntkit/analysis/sessions"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cli/viscmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/vis"
)

func newSessions(app *cliapp.App) *cobra.Command {
	var (
		out cliapp.Output
		o   sessions.Options
	)
	cmd := &cobra.Command{
		Use:   "sessions FILE",
		Short: "Group events into sessions per user/host with a max gap and a max length",
		Long: `sessions sorts the events of FILE by the --key columns and time and starts a new session
when a key changes, when two events are more than --max-gap apart, or when the session would
last longer than --max-length (msticpy's sessionize_data). Each output row is one session:
the keys, <time>_min, <time>_max, <event>_list (the events in order), duration and
number_events. The output feeds 'analyze sequences'.`,
		Example: `  huntkit analyze sessions exchange.csv --key UserId --key ClientIP --time TimeGenerated --event Operation --max-gap 5m -o json
  huntkit analyze sessions cmds.jsonl --key user --time ts --event cmd --out user_sessions.jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if o.Time == "" || o.Event == "" {
				return cliapp.UsageError(errors.New("--time and --event are required"))
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			s, err := hk.Sessionize(cmd.Context(), f, o)
			if err != nil {
				return fail(args[0], err)
			}
			app.Infof("%s: %d events, %d sessions", args[0], f.Len(), s.Len())
			return app.WriteFrame(&out, s)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&o.Keys, "key", nil, "identity column (user, host, ...); repeatable")
	fl.StringVar(&o.Time, "time", "TimeGenerated", "event time column")
	fl.StringVar(&o.Event, "event", "", "column collected into each session's list (required)")
	fl.DurationVar(&o.MaxGap, "max-gap", 2*time.Minute, "longest gap between two events of a session (0: no limit)")
	fl.DurationVar(&o.MaxLength, "max-length", 20*time.Minute, "longest session (0: no limit)")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

type seqOptions struct {
	out        cliapp.Output
	col        string
	level      string
	model      string
	train      string
	retrain    bool
	top        int
	score      markov.ScoreOptions
	modellable []string
	html       viscmd.HTMLFlags
	timeCol    string
	sess       sessions.Options
}

func newSequences(app *cliapp.App) *cobra.Command {
	var o seqOptions
	cmd := &cobra.Command{
		Use:   "sequences FILE",
		Short: "Score command sessions with a Markov model (trained here, or saved and reused)",
		Long: `sequences scores each session of FILE (a list column: command names, {name, params: [...]}
objects, or {name, params: {p: v}} objects, as 'analyze sessions' writes them) with a Markov
model of command sequences at msticpy's three levels (commands; + parameters; + values),
Laplace-smoothed with an unknown token. It adds rarest_window<W>_likelihood and
rarest_window<W> (the least likely run of --window commands), session_likelihood,
session_geomean and unknown_commands; --top N keeps the N rarest sessions, rarest first.

The model is trained on FILE, or on --train BASELINE. With --model M: when M exists it is
loaded and used (no training); otherwise the trained model is saved to M (versioned JSON of
the counts) to score new data later. --retrain trains and overwrites M.

With --event COL, FILE (and BASELINE) hold events, not sessions: they are grouped into
sessions first as 'analyze sessions' does (--key, --time, --max-gap, --max-length) and the
<COL>_list column is scored.

--html writes an offline chart of the sessions' rarest-window scores (log10 likelihood) over
--time-col, with the --top (default 10) rarest sessions marked.`,
		Example: `  huntkit analyze sequences sessions.jsonl --window 3 --top 20
  huntkit analyze sequences sessions.jsonl --train baseline.jsonl --model exchange.model.json -o csv
  huntkit analyze sequences today.jsonl --model exchange.model.json --top 10 -o json
  huntkit analyze sequences sessions.jsonl --time-col start --html scores.html
  huntkit analyze sequences exchange.csv --event Operation --key UserId --max-gap 30m --window 2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSequences(cmd.Context(), app, &o, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.col, "session-col", "", "column holding the sessions (default: session, cmds, commands or *_list)")
	fl.StringVar(&o.level, "level", "auto", "model level when training: auto, commands, params or values")
	fl.StringVar(&o.model, "model", "", "model file: loaded when it exists, else the trained model is saved there")
	fl.StringVar(&o.train, "train", "", "train on this baseline table instead of FILE")
	fl.BoolVar(&o.retrain, "retrain", false, "train even when --model exists, and overwrite it")
	fl.IntVar(&o.score.Window, "window", 3, "sliding window length")
	fl.BoolVar(&o.score.NoStartEnd, "no-start-end", false, "score without the start and end tokens")
	fl.BoolVar(&o.score.GeoMean, "geo-mean", false, "score windows by the geometric mean of their likelihood")
	fl.IntVar(&o.top, "top", 0, "keep only the N sessions with the rarest windows, rarest first (0: all, in input order)")
	fl.StringSliceVar(&o.modellable, "model-values", nil, "values level: parameters whose values are modelled (default: msticpy's rule)")
	fl.StringVar(&o.html.Out, "html", "", "write an offline HTML chart of the session scores over --time-col")
	fl.BoolVar(&o.html.Open, "open", false, "open the chart in a browser (a temporary file when --html is not given)")
	fl.StringVar(&o.html.Title, "title", "", "chart title")
	fl.StringVar(&o.timeCol, "time-col", "", "session time column for --html (default: the first column ending in _min, or TimeGenerated)")
	o.html.MaxRows = 2_000_000
	fl.StringVar(&o.sess.Event, "event", "", "FILE holds events: sessionize on this column first")
	fl.StringArrayVar(&o.sess.Keys, "key", nil, "with --event: identity column (repeatable)")
	fl.StringVar(&o.sess.Time, "time", "TimeGenerated", "with --event: event time column")
	fl.DurationVar(&o.sess.MaxGap, "max-gap", 2*time.Minute, "with --event: longest gap inside a session")
	fl.DurationVar(&o.sess.MaxLength, "max-length", 20*time.Minute, "with --event: longest session")
	cliapp.AddOutputFlags(cmd, &o.out)
	return cmd
}

func runSequences(ctx context.Context, app *cliapp.App, o *seqOptions, in string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	if o.score.Window < 1 {
		return cliapp.UsageError(fmt.Errorf("--window %d: want at least 1", o.score.Window))
	}
	level := markov.Level(0)
	if o.level != "auto" {
		l, err := markov.ParseLevel(o.level)
		if err != nil {
			return cliapp.UsageError(err)
		}
		level = l
	}
	f, err := readSessions(ctx, app, o, in)
	if err != nil {
		return err
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	so := huntkit.SequenceOptions{Column: o.col, Level: level, Model: o.model, Retrain: o.retrain,
		Modellable: o.modellable, Score: o.score}
	src := in
	if o.train != "" {
		src = o.train
		if so.Train, err = readSessions(ctx, app, o, o.train); err != nil {
			return err
		}
	}
	res, err := hk.ScoreSequences(ctx, f, so)
	if err != nil {
		return fail(src, err)
	}
	m := res.Model
	if res.Loaded {
		app.Infof("loaded model %s (%s level, %d sessions, %d commands)", o.model, m.Level(), m.Sessions(), len(m.Commands())-2)
	} else {
		app.Infof("trained a %s-level model on %d sessions of %s (%d commands)", m.Level(), res.Trained, src, len(m.Commands())-2)
		if o.model != "" {
			app.Infof("saved the model to %s", o.model)
		}
	}
	scored := res.Scores
	if o.html.Out != "" || o.html.Open {
		if err := plotSequences(app, o, in, scored); err != nil {
			return err
		}
		if o.out.Format == "" && o.out.File == "" {
			return nil
		}
	}
	if o.top > 0 {
		scored = scored.Take(markov.Rarest(markovScores(scored, o.score.Window), o.top))
	}
	return app.WriteFrame(&o.out, scored)
}

// markovScores reads the rarest-window likelihoods of a scored table.
func markovScores(scored *frame.Frame, window int) []markov.Score {
	col := scored.Col(fmt.Sprintf("rarest_window%d_likelihood", window))
	scores := make([]markov.Score, scored.Len())
	for i := range scores {
		scores[i].Rarest = col.Float(i)
		if col.IsNull(i) {
			scores[i].Rarest = nan()
		}
	}
	return scores
}

func plotSequences(app *cliapp.App, o *seqOptions, in string, scored *frame.Frame) error {
	tc := o.timeCol
	if tc == "" {
		tc = "TimeGenerated"
		for _, n := range scored.Names() {
			if strings.HasSuffix(n, "_min") {
				tc = n
				break
			}
		}
	}
	n := o.top
	if n <= 0 {
		n = 10
	}
	plot, rarest, err := markov.PlotFrame(scored, tc, o.score.Window, n)
	if err != nil {
		return usage(in, err, markov.ErrInput)
	}
	var marks []vis.Marker
	for k, i := range rarest {
		marks = append(marks, vis.Marker{Time: plot.Col("time").Time(i), Label: fmt.Sprintf("#%d: %s", k+1, plot.Col("rarest_window").Str(i))})
	}
	vopts := append(o.html.Options(), vis.TimeColumn("time"), vis.ValueColumn("log10_likelihood"),
		vis.TooltipColumns("rarest_window"), vis.Markers(marks...))
	if o.html.Title == "" {
		vopts = append(vopts, vis.Title(fmt.Sprintf("Session scores %s (rarest window of %d, log10 likelihood)", displayName(in), o.score.Window)))
	}
	return viscmd.Write(app, &o.html, "session scores", func(w io.Writer) error { return vis.Timeline(w, plot, vopts...) })
}

// readSessions reads a table of sessions, or of events sessionized first with --event.
func readSessions(ctx context.Context, app *cliapp.App, o *seqOptions, in string) (*frame.Frame, error) {
	f, err := readInput(ctx, app, in)
	if err != nil || o.sess.Event == "" {
		return f, err
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	s, err := hk.Sessionize(ctx, f, o.sess)
	if err != nil {
		return nil, fail(in, err)
	}
	if o.col == "" {
		o.col = o.sess.Event + "_list"
	}
	app.Infof("%s: %d events, %d sessions", in, f.Len(), s.Len())
	return s, nil
}
