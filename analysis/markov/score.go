package markov

import (
	"context"
	"math"
	"slices"
)

// Score is the result of scoring one session.
type Score struct {
	// Likelihood is the session's likelihood with the start and end tokens; GeoMean its
	// geometric mean per command (msticpy's session_geomean_likelihoods).
	Likelihood, GeoMean float64
	// Rarest is the lowest likelihood of a window of the scoring window length (NaN when the
	// session is too short); the window is commands [RarestStart, RarestStart+RarestLen).
	Rarest                 float64
	RarestStart, RarestLen int
	// Unknown counts the commands training never saw.
	Unknown int
}

// ScoreOptions say how windows are scored.
type ScoreOptions struct {
	// Window is the sliding window length (msticpy's window_len); 0 means 3.
	Window int
	// NoStartEnd leaves out the start and end tokens (msticpy's use_start_end_tokens=False).
	NoStartEnd bool
	// GeoMean scores windows by the geometric mean of their likelihood.
	GeoMean bool
}

// factors holds one session's per-command terms: the transition into each command (the
// first from the start token), the prior of the first, and each command's parameter term.
type factors struct {
	ids      []int32
	trans    []float64 // trans[i]: into command i from i-1 (i=0: from the start token)
	emit     []float64 // parameter term of command i (geometric mean, as msticpy scores)
	priors   []float64 // prior of command i
	unknown  int
	startEnd bool
	scratch  scratch
}

func (m *Model) factorsOf(s Session, startEnd bool, f *factors) {
	n := len(s)
	if startEnd {
		n++
	}
	f.ids, f.trans, f.emit = f.ids[:0], f.trans[:0], f.emit[:0]
	f.unknown, f.startEnd = 0, startEnd
	for _, c := range s {
		id := m.known(c.Name)
		if id < 0 {
			f.unknown++
		}
		f.ids = append(f.ids, id)
		f.emit = append(f.emit, m.paramTerm(id, c, true, &f.scratch))
	}
	if startEnd {
		f.ids = append(f.ids, m.cmdIdx[EndToken])
		f.emit = append(f.emit, 1)
	}
	for i := range n {
		prev := int32(0)
		if i > 0 {
			prev = f.ids[i-1]
		}
		f.trans = append(f.trans, m.transFast(prev, f.ids[i]))
	}
	f.priors = f.priors[:0]
	t := m.tables()
	unk := m.smoothedCount(-1) / m.smoothedTotal()
	for _, id := range f.ids {
		if id < 0 {
			f.priors = append(f.priors, unk)
		} else {
			f.priors = append(f.priors, t.prior[id])
		}
	}
}

// window multiplies the terms of commands [i, i+w) in msticpy's order: the first command's
// prior (or, for the first window of a session, its transition from the start token) times
// its parameter term, then each transition and parameter term.
func (f *factors) window(i, w int, useStart bool) float64 {
	first := f.priors[i]
	if useStart && i == 0 {
		first = f.trans[0]
	}
	p := 1.0
	p *= first * f.emit[i]
	for j := i + 1; j < i+w; j++ {
		p *= f.trans[j]
		p *= f.emit[j]
	}
	return p
}

// WindowLikelihoods returns the likelihood of every window of length w of s (with the end
// token appended and the start token used by the first window unless NoStartEnd).
func (m *Model) WindowLikelihoods(s Session, o ScoreOptions) []float64 {
	var f factors
	return m.windows(s, o, &f, nil)
}

func (m *Model) windows(s Session, o ScoreOptions, f *factors, out []float64) []float64 {
	w := o.Window
	if w <= 0 {
		w = 3
	}
	m.factorsOf(s, !o.NoStartEnd, f)
	n := len(f.ids)
	out = out[:0]
	for i := 0; i+w <= n; i++ {
		lik := f.window(i, w, !o.NoStartEnd)
		if o.GeoMean {
			lik = math.Pow(lik, 1/float64(w))
		}
		out = append(out, lik)
	}
	return out
}

// SessionLikelihood returns the likelihood of the whole session (msticpy's
// compute_likelihoods_of_sessions), with the start and end tokens unless noStartEnd.
func (m *Model) SessionLikelihood(s Session, noStartEnd bool) float64 {
	var f factors
	m.factorsOf(s, false, &f)
	return m.sessionLik(s, &f, noStartEnd)
}

func (m *Model) sessionLik(s Session, f *factors, noStartEnd bool) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	p := 1.0
	if noStartEnd {
		p *= f.priors[0] * f.emit[0]
	} else {
		p *= f.trans[0] * f.emit[0]
	}
	for j := 1; j < len(s); j++ {
		p *= f.trans[j]
		p *= f.emit[j]
	}
	if !noStartEnd {
		p *= m.trans(f.ids[len(s)-1], m.cmdIdx[EndToken])
	}
	return p
}

// Score scores every session: whole-session likelihood, its geometric mean, and the
// rarest window. Sessions are scored independently; ctx is checked between them.
func (m *Model) Score(ctx context.Context, sessions []Session, o ScoreOptions) ([]Score, error) {
	out := make([]Score, len(sessions))
	var f factors
	var liks []float64
	w := o.Window
	if w <= 0 {
		w = 3
	}
	for i, s := range sessions {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		liks = m.windows(s, o, &f, liks)
		sc := Score{Rarest: math.NaN(), RarestLen: 0, Unknown: f.unknown}
		if len(liks) > 0 {
			at := 0
			for j, l := range liks {
				if l < liks[at] {
					at = j
				}
			}
			sc.Rarest, sc.RarestStart = liks[at], at
			sc.RarestLen = min(w, len(s)-at)
		}
		sc.Likelihood = m.sessionLik(s, &f, o.NoStartEnd)
		sc.GeoMean = math.Pow(sc.Likelihood, 1/float64(len(s)))
		out[i] = sc
	}
	return out, nil
}

// Rarest returns the indexes of the n sessions with the lowest rarest-window likelihood,
// lowest first (sessions without a window last).
func Rarest(scores []Score, n int) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		x, y := scores[a].Rarest, scores[b].Rarest
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
			return 0
		case math.IsNaN(x):
			return 1
		case math.IsNaN(y):
			return -1
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	if n > 0 && n < len(idx) {
		idx = idx[:n]
	}
	return idx
}
