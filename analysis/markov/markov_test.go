package markov

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// near reports whether a and b agree to 1e-15 relative (msticpy's tests compare floats
// exactly; the order of a few multiplications may differ in the last bit).
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-15*math.Max(1, math.Abs(b))
}

func check(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

func names(cmds ...string) Session {
	s := make(Session, len(cmds))
	for i, c := range cmds {
		s[i] = Cmd{Name: c}
	}
	return s
}

func mustTrain(t *testing.T, ss []Session, l Level, opts ...Option) *Model {
	t.Helper()
	m, err := Train(context.Background(), ss, l, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const su = "Set-User"

// TestCommandsMSTICPy: the probabilities of msticpy's test_anom_seq_cmds_only.py are
// those of a model trained on [["Set-User"]]; its window and rarest-window values follow.
func TestCommandsMSTICPy(t *testing.T) {
	m := mustTrain(t, []Session{names(su)}, Commands)
	for cmd, want := range map[string]float64{StartToken: 0.19047619047619047, su: 0.3333333333333333, EndToken: 0.19047619047619047, UnkToken: 0.2857142857142857, "never-seen": 0.2857142857142857} {
		check(t, "prior "+cmd, m.Prior(cmd), want)
	}
	for _, tc := range []struct {
		a, b string
		want float64
	}{{StartToken, su, 0.5}, {StartToken, EndToken, 0.25}, {StartToken, UnkToken, 0.25}, {su, EndToken, 0.5}, {su, su, 0.25}, {su, "x", 0.25},
		{UnkToken, su, 1.0 / 3}, {"x", EndToken, 1.0 / 3}, {"x", "y", 1.0 / 3}} {
		check(t, "trans "+tc.a+" -> "+tc.b, m.Trans(tc.a, tc.b), tc.want)
	}
	w1 := ScoreOptions{Window: 1, NoStartEnd: true}
	check(t, "window [Set-User]", m.WindowLikelihoods(names(su), w1)[0], 1.0/3)
	check(t, "window [dfre]", m.WindowLikelihoods(names("dfre"), w1)[0], m.Prior(UnkToken))
	withStart := m.WindowLikelihoods(names(su), ScoreOptions{Window: 1})
	check(t, "window [Set-User] from start", withStart[0], 0.5)
	check(t, "session [Set-User] with start and end", m.SessionLikelihood(names(su), false), 0.25)
	if got := m.WindowLikelihoods(Session{}, w1); len(got) != 0 {
		t.Errorf("empty session, no tokens: %v", got)
	}
	if got := m.WindowLikelihoods(Session{}, ScoreOptions{Window: 1}); len(got) != 1 || !near(got[0], 0.25) {
		t.Errorf("empty session with tokens: %v, want [0.25]", got)
	}
	s := names(su, "dfgg", su, su)
	if n := len(m.WindowLikelihoods(s, ScoreOptions{Window: 4, NoStartEnd: true})); n != 1 {
		t.Errorf("len 4 window over 4: %d windows", n)
	}
	plain := m.WindowLikelihoods(s, ScoreOptions{Window: 4, NoStartEnd: true})[0]
	check(t, "geometric mean", m.WindowLikelihoods(s, ScoreOptions{Window: 4, NoStartEnd: true, GeoMean: true})[0], math.Pow(plain, 0.25))
	for _, tc := range []struct {
		o    ScoreOptions
		want int
	}{{ScoreOptions{Window: 4}, 2}, {ScoreOptions{Window: 5, NoStartEnd: true}, 0}, {ScoreOptions{Window: 5}, 1}} {
		if n := len(m.WindowLikelihoods(s, tc.o)); n != tc.want {
			t.Errorf("%+v: %d windows, want %d", tc.o, n, tc.want)
		}
	}
	// rarest_window_session
	sc, _ := m.Score(context.Background(), []Session{names(su, su)}, ScoreOptions{Window: 3})
	if !near(sc[0].Rarest, 0.0625) || sc[0].RarestStart != 0 || sc[0].RarestLen != 2 {
		t.Errorf("rarest of [Set-User Set-User], window 3: %+v, want 0.0625 over both", sc[0])
	}
	sc, _ = m.Score(context.Background(), []Session{{}}, ScoreOptions{Window: 1})
	if !near(sc[0].Rarest, 0.25) || sc[0].RarestLen != 0 {
		t.Errorf("rarest of [], window 1: %+v, want 0.25 over none", sc[0])
	}
	sc, _ = m.Score(context.Background(), []Session{names(su, su)}, ScoreOptions{Window: 3, NoStartEnd: true})
	if !math.IsNaN(sc[0].Rarest) || sc[0].RarestLen != 0 {
		t.Errorf("no window of 3 in 2 without tokens: %+v", sc[0])
	}
}

// data3 of msticpy's cmds_params_only and cmds_params_values tests.
func data3(values bool) []Session {
	if values {
		return []Session{{{su, []Param{{"City", "york"}, {"Identity", "blah"}}}, {su, []Param{{"Identity", "blah"}}}}}
	}
	return []Session{{{su, []Param{{"City", ""}, {"Identity", ""}}}, {su, []Param{{"Identity", ""}}}}}
}

// TestParamsValuesMSTICPy reproduces the probabilities, parameter-set probabilities and
// window likelihoods of msticpy's test_anom_seq_cmds_params_only.py and
// test_anom_seq_cmds_params_values.py.
func TestParamsValuesMSTICPy(t *testing.T) {
	for _, level := range []Level{Params, Values} {
		t.Run(level.String(), func(t *testing.T) {
			m := mustTrain(t, data3(level == Values), 0)
			if m.Level() != level {
				t.Fatalf("detected level %v, want %v", m.Level(), level)
			}
			for cmd, want := range map[string]float64{StartToken: 0.18181818181818182, EndToken: 0.18181818181818182, UnkToken: 0.2727272727272727, su: 0.36363636363636365} {
				check(t, "prior "+cmd, m.Prior(cmd), want)
			}
			for _, tc := range []struct {
				a, b string
				want float64
			}{{StartToken, EndToken, 0.25}, {StartToken, UnkToken, 0.25}, {StartToken, su, 0.5}, {UnkToken, su, 1.0 / 3}, {su, EndToken, 0.4}, {su, UnkToken, 0.2}, {su, su, 0.4}} {
				check(t, "trans "+tc.a+" -> "+tc.b, m.Trans(tc.a, tc.b), tc.want)
			}
			for _, tc := range []struct {
				cmd, p string
				want   float64
			}{{StartToken, UnkToken, 0.25}, {EndToken, UnkToken, 0.25}, {UnkToken, UnkToken, 0.16666666666666666}, {su, "City", 0.25}, {su, "Identity", 0.375}, {su, UnkToken, 0.125}} {
				check(t, "param "+tc.p+" | "+tc.cmd, m.ParamProb(tc.cmd, tc.p), tc.want)
			}
			id := Cmd{su, []Param{{"Identity", "blah"}}}
			check(t, "P(no params)", m.ParamSetProb(Cmd{Name: su}, false), 1)
			check(t, "P({Identity} | Set-User)", m.ParamSetProb(id, false), 0.24609375)
			check(t, "geometric P({Identity} | Set-User)", m.ParamSetProb(id, true), 0.6266622418705731)
			w1 := ScoreOptions{Window: 1, NoStartEnd: true}
			check(t, "window", m.WindowLikelihoods(Session{id}, w1)[0], 0.22787717886202657)
			check(t, "window from start", m.WindowLikelihoods(Session{id}, ScoreOptions{Window: 1})[0], 0.31333112093528653)
			check(t, "window to end", m.WindowLikelihoods(Session{id}, w1)[0]*m.Trans(su, EndToken), 0.09115087154481064)
			if got := m.WindowLikelihoods(Session{}, ScoreOptions{Window: 1}); len(got) != 1 || !near(got[0], 0.25) {
				t.Errorf("empty session with tokens: %v", got)
			}
			sc, _ := m.Score(context.Background(), []Session{{{su, []Param{{"City", "york"}}}, {Name: "drfjh"}}}, ScoreOptions{Window: 3})
			if sc[0].RarestLen != 2 || math.IsNaN(sc[0].Rarest) || sc[0].Unknown != 1 {
				t.Errorf("rarest window of 3 over 2 + end: %+v", sc[0])
			}
			if level != Values {
				return
			}
			for _, tc := range []struct {
				p, v string
				want float64
			}{{"City", "york", 0.6666666666666666}, {"City", "paris", 0.3333333333333333}, {"Identity", "blah", 0.75}, {"Identity", UnkToken, 0.25}, {UnkToken, UnkToken, 1}} {
				check(t, "value "+tc.v+" | "+tc.p, m.ValueProb(tc.p, tc.v), tc.want)
			}
			if got := m.ModellableParams(); len(got) != 0 {
				t.Errorf("modellable %v, want none (too few uses)", got)
			}
			mm := mustTrain(t, data3(true), Values, Modellable("Identity"))
			check(t, "P({Identity=blah}) modelling Identity", mm.ParamSetProb(id, false), 0.1845703125)
			check(t, "window modelling Identity", mm.WindowLikelihoods(Session{id}, w1)[0], 0.23834594522854924)
		})
	}
}

// TestModellableRule: msticpy's get_params_to_model_values keeps parameters with at most
// 20 distinct values, used at least 20 times, distinct values at most 10% of uses.
func TestModellableRule(t *testing.T) {
	var s Session
	for i := range 50 {
		v := "haha"
		if i%2 == 1 {
			v = "hehe"
		}
		if i == 49 {
			v = "hoho"
		}
		s = append(s, Cmd{"Set-User", []Param{{"Identity", v}}})
	}
	s = append(s, Cmd{"Set-User", []Param{{"city", "york"}}}, Cmd{"Set-User", []Param{{"city", "london"}}})
	m := mustTrain(t, []Session{s}, Values)
	if got := m.ModellableParams(); len(got) != 1 || got[0] != "Identity" {
		t.Errorf("modellable %v, want [Identity]", got)
	}
}

func TestTrainErrors(t *testing.T) {
	if _, err := Train(context.Background(), nil, 0); !errors.Is(err, ErrInput) {
		t.Errorf("no sessions: %v", err)
	}
	if _, err := Train(context.Background(), []Session{names(su), {}}, 0); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "session 2") {
		t.Errorf("empty session: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, []Session{names(su)}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestSaveLoad: a saved and loaded model scores exactly as the trained one, at each level.
func TestSaveLoad(t *testing.T) {
	train := []Session{
		{{"Set-User", []Param{{"Identity", "blah"}}}, {"Set-User", []Param{{"Identity", "haha"}, {"City", "york"}, {"Name", "bob"}}}},
		{{"Set-Mailbox", []Param{{"Identity", "blah"}}}, {"Set-User", []Param{{"Identity", "blah"}, {"City", "london"}}}, {"Set-User", []Param{{"Identity", "haha"}}}},
	}
	score := []Session{train[1], {{"Set-User", []Param{{"City", "york"}}}, {Name: "New-InboxRule"}, {"Set-Mailbox", []Param{{"Force", ""}}}}}
	for _, level := range []Level{Commands, Params, Values} {
		m := mustTrain(t, train, level, Modellable("City"))
		path := filepath.Join(t.TempDir(), "m.json")
		if err := m.SaveFile(path); err != nil {
			t.Fatal(err)
		}
		got, err := LoadFile(path)
		if err != nil {
			t.Fatalf("%v: %v", level, err)
		}
		a, _ := m.Score(context.Background(), score, ScoreOptions{Window: 2})
		b, _ := got.Score(context.Background(), score, ScoreOptions{Window: 2})
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%v session %d: trained %+v, loaded %+v", level, i, a[i], b[i])
			}
		}
		var x, y bytes.Buffer
		_ = m.Save(&x)
		_ = got.Save(&y)
		if x.String() != y.String() {
			t.Errorf("%v: saved again differently:\n%s\n%s", level, x.String(), y.String())
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"syntax", "{\n \"format\": \"huntkit-markov-model\",\n \"version\": 1,\n x}", "m.json: 4:2"},
		{"type", `{"format": "huntkit-markov-model", "version": "1"}`, "1:50: version: want int"},
		{"format", `{"format": "other", "version": 1}`, "not a huntkit Markov model"},
		{"version", `{"format": "huntkit-markov-model", "version": 9, "level": "commands", "sessions": 1}`, "version 9 is not supported"},
		{"level", `{"format": "huntkit-markov-model", "version": 1, "level": "x", "sessions": 1}`, `level "x"`},
		{"start", `{"format": "huntkit-markov-model", "version": 1, "level": "commands", "sessions": 1, "commands": [{"name": "a", "count": 1}]}`, "first command"},
		{"next", `{"format": "huntkit-markov-model", "version": 1, "level": "commands", "sessions": 1, "commands": [{"name": "##START##", "count": 1, "next": {"b": 1}}, {"name": "##END##", "count": 1}]}`, `next "b"`},
		{"unknown field", `{"format": "huntkit-markov-model", "version": 1, "bogus": 1}`, "bogus"},
	} {
		_, err := Load([]byte(tc.data), "m.json")
		if !errors.Is(err, ErrModelFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// FuzzLoad: the model file reader never panics, and what it accepts saves and loads again
// to the same model.
func FuzzLoad(f *testing.F) {
	m, _ := Train(context.Background(), data3(true), Values)
	var buf bytes.Buffer
	_ = m.Save(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format": "huntkit-markov-model", "version": 1, "level": "commands", "sessions": 1, "commands": [{"name": "##START##", "count": 1, "next": {"##END##": 1}}, {"name": "##END##", "count": 1}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data, "fuzz")
		if err != nil {
			if !errors.Is(err, ErrModelFile) {
				t.Fatalf("error without ErrModelFile: %v", err)
			}
			return
		}
		var a, b bytes.Buffer
		if err := m.Save(&a); err != nil {
			t.Fatal(err)
		}
		m2, err := Load(a.Bytes(), "again")
		if err != nil {
			t.Fatalf("saved model does not load: %v\n%s", err, a.String())
		}
		_ = m2.Save(&b)
		if a.String() != b.String() {
			t.Fatalf("not stable:\n%s\n%s", a.String(), b.String())
		}
		_, _ = m.Score(context.Background(), []Session{{{Name: "x", Params: []Param{{"p", "v"}}}}}, ScoreOptions{Window: 2})
	})
}

// TestDocExample: the model file shown in docs/analysis.md loads.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "analysis.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no JSON example in docs/analysis.md")
	}
	m, err := Load([]byte(block), "docs/analysis.md")
	if err != nil {
		t.Fatal(err)
	}
	if m.Level() != Values || len(m.Commands()) != 4 || len(m.ModellableParams()) != 1 {
		t.Errorf("example model: %v %v %v", m.Level(), m.Commands(), m.ModellableParams())
	}
}
