package huntkit_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/analysis/beacon"
	"github.com/huntkit/huntkit/analysis/markov"
	"github.com/huntkit/huntkit/analysis/sessions"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

func openEmpty(t testing.TB) *huntkit.Huntkit {
	hk, err := huntkit.Open(context.Background(), huntkit.WithConfig(&config.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hk.Close() })
	return hk
}

// sessionsFrame is a table of command sessions as JSON lists: many ordinary ones and one
// rare sequence.
func sessionsFrame() *frame.Frame {
	var users, cmds []string
	for i := 0; i < 40; i++ {
		users = append(users, fmt.Sprintf("user%d", i%5))
		cmds = append(cmds, `["Get-Mailbox","Set-Mailbox","Get-Mailbox"]`)
	}
	users = append(users, "mallory")
	cmds = append(cmds, `["Get-Mailbox","New-InboxRule","Set-MailboxPermission","Remove-MailboxExportRequest"]`)
	return frame.MustNew(frame.NewStrings("user", users), frame.NewStrings("cmds", cmds))
}

func TestScoreSequencesTrainSaveLoad(t *testing.T) {
	hk := openEmpty(t)
	ctx := context.Background()
	model := filepath.Join(t.TempDir(), "m.json")
	o := huntkit.SequenceOptions{Model: model, Score: markov.ScoreOptions{Window: 2}, Top: 1}
	r, err := hk.ScoreSequences(ctx, sessionsFrame(), o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Loaded || r.Trained != 41 || r.Scores.Len() != 1 || r.Scores.Col("user").Str(0) != "mallory" {
		t.Fatalf("trained %d loaded %v, rarest:\n%v", r.Trained, r.Loaded, r.Scores)
	}
	// a second run loads the saved model and gives the same score
	r2, err := hk.ScoreSequences(ctx, sessionsFrame(), o)
	if err != nil {
		t.Fatal(err)
	}
	col := "rarest_window2_likelihood"
	if !r2.Loaded || r2.Trained != 0 || math.Abs(r2.Scores.Col(col).Float(0)-r.Scores.Col(col).Float(0)) > 1e-12 {
		t.Errorf("reloaded: loaded %v trained %d, %v vs %v", r2.Loaded, r2.Trained, r2.Scores.Col(col).Float(0), r.Scores.Col(col).Float(0))
	}
}

func TestAnalysesBadInput(t *testing.T) {
	hk := openEmpty(t)
	ctx := context.Background()
	ev := frame.MustNew(frame.NewStrings("x", []string{"a"}))
	checks := map[string]error{}
	_, checks["window 0"] = hk.ScoreSequences(ctx, sessionsFrame(), huntkit.SequenceOptions{})
	_, checks["no session column"] = hk.ScoreSequences(ctx, ev, huntkit.SequenceOptions{Score: markov.ScoreOptions{Window: 2}})
	_, checks["series method"] = hk.SeriesAnomalies(ctx, ev, huntkit.SeriesOptions{Time: "x", Method: "arima"})
	_, checks["series time column"] = hk.SeriesAnomalies(ctx, ev, huntkit.SeriesOptions{Time: "Nope"})
	_, checks["cluster method"] = hk.Cluster(ctx, ev, huntkit.ClusterOptions{Method: "hdbscan"})
	_, checks["beacon alpha"] = hk.Beacons(ctx, ev, huntkit.BeaconOptions{Alpha: 2})
	_, checks["sessions column"] = hk.Sessionize(ctx, ev, sessions.Options{Keys: []string{"user"}, Time: "ts", Event: "cmd"})
	_, _, checks["risk column"] = hk.RiskyCommands(ctx, ev, huntkit.RiskOptions{})
	for name, err := range checks {
		if !errors.Is(err, huntkit.ErrBadRequest) {
			t.Errorf("%s: %v, want a bad request", name, err)
		}
	}
}

func TestSeriesAnomaliesAndBeacons(t *testing.T) {
	hk := openEmpty(t)
	ctx := context.Background()
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	// hourly counts with a daily rhythm and one burst of 40 extra rows
	var ts []time.Time
	for h := 0; h < 24*14; h++ {
		n := 5 + 3*(h%24)/12
		if h == 24*10+3 {
			n += 40
		}
		for i := 0; i < n; i++ {
			ts = append(ts, start.Add(time.Duration(h)*time.Hour+time.Duration(i)*time.Second))
		}
	}
	r, err := hk.SeriesAnomalies(ctx, frame.MustNew(frame.NewTimes("TimeGenerated", ts)), huntkit.SeriesOptions{Threshold: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Frame(true)
	if r.Count < 1 || f.Len() != r.Count {
		t.Fatalf("%d anomalies, frame:\n%v", r.Count, f)
	}
	want := start.Add((24*10 + 3) * time.Hour)
	found := false
	for i := 0; i < f.Len(); i++ {
		if f.Col("time").Time(i).Equal(want) && f.Col("anomaly").Int(i) == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("the burst at %v is not flagged:\n%v", want, f)
	}

	// a host calling home every 5 minutes, another at random-looking times
	var src, dst []string
	var at []time.Time
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 60; i++ {
		src, dst, at = append(src, "10.0.0.5"), append(dst, "203.0.113.9"), append(at, start.Add(time.Duration(i)*5*time.Minute))
		src, dst, at = append(src, "10.0.0.6"), append(dst, "198.51.100.2"), append(at, start.Add(time.Duration(rnd.IntN(5*3600))*time.Second))
	}
	flows := frame.MustNew(frame.NewStrings("SrcIP", src), frame.NewStrings("DestIP", dst), frame.NewTimes("TimeGenerated", at))
	b, err := hk.Beacons(ctx, flows, huntkit.BeaconOptions{FrameOptions: beacon.FrameOptions{Keys: []string{"SrcIP", "DestIP"}}, BeaconsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 1 || b.Col("DestIP").Str(0) != "203.0.113.9" || math.Abs(b.Col("period_s").Float(0)-300) > 6 { // within the periodogram's resolution
		t.Errorf("beacons: %d rows, first %s period %v", b.Len(), b.Col("DestIP").Str(0), b.Col("period_s").Float(0))
	}
}

// Train a model of command sessions and list the rarest session.
func ExampleHuntkit_ScoreSequences() {
	ctx := context.Background()
	hk, err := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{}))
	if err != nil {
		panic(err)
	}
	defer hk.Close()
	var users, cmds []string
	for i := 0; i < 20; i++ {
		users = append(users, fmt.Sprintf("admin%d", i%3))
		cmds = append(cmds, `["Get-Mailbox","Set-Mailbox"]`)
	}
	users, cmds = append(users, "mallory"), append(cmds, `["Get-Mailbox","New-InboxRule","Set-MailboxPermission"]`)
	sess := frame.MustNew(frame.NewStrings("user", users), frame.NewStrings("cmds", cmds))

	r, err := hk.ScoreSequences(ctx, sess, huntkit.SequenceOptions{Score: markov.ScoreOptions{Window: 2}, Top: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Trained, "sessions trained on; rarest:", r.Scores.Col("user").Str(0))
	// Output: 21 sessions trained on; rarest: mallory
}
