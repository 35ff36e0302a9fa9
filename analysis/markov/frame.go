package markov

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// SessionColumn finds the column of f that holds sessions: name when given, else the
// first of "session", "cmds", "commands" or a column ending in "_list".
func SessionColumn(f *frame.Frame, name string) (*frame.Column, error) {
	if name != "" {
		if c := f.Col(name); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("%w: session column %q not in the table (columns: %s)", ErrInput, name, strings.Join(f.Names(), ", "))
	}
	for _, n := range []string{"session", "cmds", "commands"} {
		if c := f.ColFold(n); c != nil {
			return c, nil
		}
	}
	for _, c := range f.Columns() {
		if strings.HasSuffix(c.Name(), "_list") {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: no session column (session, cmds, commands or *_list; name it) in %s", ErrInput, strings.Join(f.Names(), ", "))
}

// ScoreFrame scores the sessions of column col of f with m and returns f with msticpy's
// columns added: rarest_window<W>_likelihood and rarest_window<W> (the commands of the
// rarest window), and session_likelihood, session_geomean and unknown_commands. Rows
// without a session get nulls.
func ScoreFrame(ctx context.Context, f *frame.Frame, col string, m *Model, o ScoreOptions) (*frame.Frame, error) {
	c, err := SessionColumn(f, col)
	if err != nil {
		return nil, err
	}
	sessions, _, err := FromColumn(c)
	if err != nil {
		return nil, err
	}
	scores, err := m.Score(ctx, sessions, o)
	if err != nil {
		return nil, err
	}
	w := o.Window
	if w <= 0 {
		w = 3
	}
	n := len(sessions)
	rare, lik, geo := make([]float64, n), make([]float64, n), make([]float64, n)
	wins, unk := make([]any, n), make([]int64, n)
	valid := make([]bool, n)
	for i, s := range scores {
		valid[i] = !c.IsNull(i)
		rare[i], lik[i], geo[i], unk[i] = s.Rarest, s.Likelihood, s.GeoMean, int64(s.Unknown)
		if valid[i] {
			wins[i] = WindowValue(sessions[i][s.RarestStart:s.RarestStart+s.RarestLen], m.Level())
		}
	}
	nanNull := func(v []float64) []bool {
		ok := make([]bool, n)
		for i := range v {
			ok[i] = valid[i] && !math.IsNaN(v[i])
		}
		return ok
	}
	out := f.Slice(0, f.Len())
	for _, nc := range []*frame.Column{
		frame.NewFloats(fmt.Sprintf("rarest_window%d_likelihood", w), rare).WithValid(nanNull(rare)),
		frame.NewDynamics(fmt.Sprintf("rarest_window%d", w), wins),
		frame.NewFloats("session_likelihood", lik).WithValid(nanNull(lik)),
		frame.NewFloats("session_geomean", geo).WithValid(nanNull(geo)),
		frame.NewInts("unknown_commands", unk).WithValid(valid),
	} {
		if err := out.AddColumn(nc); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PlotFrame shapes a scored frame (from ScoreFrame) for a chart of session scores over
// time: time (from timeCol), log10_likelihood of the rarest window, and the window's
// commands as text; sessions without a time or a window are left out. rarest returns the
// rows of the n lowest scores, to highlight.
func PlotFrame(scored *frame.Frame, timeCol string, window, n int) (plot *frame.Frame, rarest []int, err error) {
	tc := scored.Col(timeCol)
	if tc == nil || tc.Type() != frame.Time {
		return nil, nil, fmt.Errorf("%w: time column %q: not a time column of the table (columns: %s)", ErrInput, timeCol, strings.Join(scored.Names(), ", "))
	}
	lc := scored.Col(fmt.Sprintf("rarest_window%d_likelihood", window))
	wc := scored.Col(fmt.Sprintf("rarest_window%d", window))
	if lc == nil || wc == nil {
		return nil, nil, fmt.Errorf("%w: not a frame scored with window %d", ErrInput, window)
	}
	var ts []time.Time
	var ys []float64
	var ws []string
	var scores []Score
	for i := range scored.Len() {
		if tc.IsNull(i) || lc.IsNull(i) {
			continue
		}
		l := lc.Float(i)
		ts = append(ts, tc.Time(i))
		ys = append(ys, math.Log10(math.Max(l, 1e-300)))
		ws = append(ws, wc.Text(i))
		scores = append(scores, Score{Rarest: l})
	}
	plot, err = frame.New(frame.NewTimes("time", ts), frame.NewFloats("log10_likelihood", ys), frame.NewStrings("rarest_window", ws))
	return plot, Rarest(scores, n), err
}
