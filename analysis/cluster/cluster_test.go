package cluster

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

// TestCustomFeaturesMSTICPy: the values of msticpy's test_event_cluster.py test_custom_features.
func TestCustomFeaturesMSTICPy(t *testing.T) {
	s := "The quick & sly (as all foxes might be/or not) fox, jumped over a frog."
	if got := TokenCount(s); got != 15 {
		t.Errorf("token count %d, want 15", got)
	}
	if got := CharScore(s); got != 6199 {
		t.Errorf("char score %d, want 6199", got)
	}
	if got := DelimCount(s); got != 20 {
		t.Errorf("delimiter count %d, want 20", got)
	}
	if got := Hash(s); got != 2011081507 {
		t.Errorf("crc32 %d, want 2011081507", got)
	}
	if got := DelimHash(s); got != 2337396062 {
		t.Errorf("delimiter hash %d, want 2337396062", got)
	}
	if Entropy("") != 0 || Entropy("aaaa") != 0 || Entropy("ab") != 1 {
		t.Errorf("entropy: %v %v %v", Entropy(""), Entropy("aaaa"), Entropy("ab"))
	}
}

func processes(t *testing.T) *frame.Frame {
	t.Helper()
	f, err := frame.ReadFile(testdata.Shared(t, "msticpy/proctree/processes_on_host.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestClusteringMSTICPy reproduces msticpy's test_clustering on processes_on_host.csv.
func TestClusteringMSTICPy(t *testing.T) {
	f, err := AddProcessFeatures(processes(t), FeatureOptions{Sep: "\\"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"processName", "commandlineLen", "commandlineLogLen", "isSystemSession", "commandlineTokensFull", "pathScore", "commandlineScore", "commandlineTokensHash", "pathHash"} {
		if f.Col(c) == nil {
			t.Errorf("no feature %s", c)
		}
	}
	stats := func(out *frame.Frame) (rows int, maxSize, minSize, maxID int64, noise int) {
		rows, minSize, maxID = out.Len(), 1<<62, -1
		for i := range out.Len() {
			s, id := out.Col("ClusterSize").Int(i), out.Col("ClusterId").Int(i)
			maxSize, minSize, maxID = max(maxSize, s), min(minSize, s), max(maxID, id)
			if id == Noise {
				noise++
			}
		}
		return
	}
	out, err := ClusterEvents(context.Background(), f, ClusterOptions{Columns: []string{"pathScore", "commandlineTokensFull", "isSystemSession"},
		Normalize: true, Time: "TimeGenerated", DBSCANOptions: DBSCANOptions{Eps: 0.0001, MinSamples: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if rows, mx, mn, _, _ := stats(out); rows != 62 || mx != 71 || mn != 1 {
		t.Errorf("scores: %d rows, sizes %d..%d; want 62 rows, 1..71", rows, mn, mx)
	}
	out, err = ClusterEvents(context.Background(), f, ClusterOptions{Columns: []string{"pathHash", "commandlineTokensHash", "isSystemSession"},
		Normalize: true, Time: "TimeGenerated", DBSCANOptions: DBSCANOptions{Eps: 0.001, MinSamples: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if rows, mx, mn, maxID, noise := stats(out); rows != 121 || mx != 70 || mn != 1 || maxID != 31 || noise != 89 {
		t.Errorf("hashes: %d rows, sizes %d..%d, max id %d, %d noise; want 121, 1..70, 31, 89", rows, mn, mx, maxID, noise)
	}
	if _, err := ClusterEvents(context.Background(), f, ClusterOptions{Columns: []string{"processName"}, DBSCANOptions: DBSCANOptions{Eps: 1}}); !errors.Is(err, ErrInput) {
		t.Errorf("string feature: %v", err)
	}
}

// TestDBSCANBruteForce: the k-d tree DBSCAN labels as a quadratic DBSCAN does.
func TestDBSCANBruteForce(t *testing.T) {
	var pts [][]float64
	for i := range 400 {
		x := float64((i*37)%101) / 10
		y := float64((i*53)%97) / 10
		pts = append(pts, []float64{x, y, float64(i % 3)})
	}
	pts = append(pts, pts[5], pts[5])
	for _, eps := range []float64{0.3, 0.7, 1.5} {
		got, err := DBSCAN(context.Background(), pts, DBSCANOptions{Eps: eps, MinSamples: 4})
		if err != nil {
			t.Fatal(err)
		}
		want := bruteDBSCAN(pts, eps, 4)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("eps %v: point %d labelled %d, want %d", eps, i, got[i], want[i])
			}
		}
	}
	if _, err := DBSCAN(context.Background(), pts, DBSCANOptions{}); !errors.Is(err, ErrInput) {
		t.Errorf("eps 0: %v", err)
	}
	if _, err := DBSCAN(context.Background(), [][]float64{{1, 2}, {1}}, DBSCANOptions{Eps: 1}); !errors.Is(err, ErrInput) {
		t.Errorf("ragged: %v", err)
	}
}

// bruteDBSCAN is scikit-learn's algorithm with all neighbourhoods precomputed.
func bruteDBSCAN(pts [][]float64, eps float64, minS int) []int {
	n := len(pts)
	nb := make([][]int, n)
	for i := range n {
		for j := range n {
			d := 0.0
			for k := range pts[i] {
				d += (pts[i][k] - pts[j][k]) * (pts[i][k] - pts[j][k])
			}
			if d <= eps*eps {
				nb[i] = append(nb[i], j)
			}
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = Noise
	}
	next := 0
	for i := range n {
		if labels[i] != Noise || len(nb[i]) < minS {
			continue
		}
		stack := []int{i}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if labels[p] != Noise {
				continue
			}
			labels[p] = next
			if len(nb[p]) >= minS {
				for _, q := range nb[p] {
					if labels[q] == Noise {
						stack = append(stack, q)
					}
				}
			}
		}
		next++
	}
	return labels
}

// FuzzFeatures: the feature builders never panic and agree with each other on any text.
func FuzzFeatures(f *testing.F) {
	f.Add(`C:\Windows\System32\cmd.exe`, `cmd.exe /c "whoami & net user" | findstr x`)
	f.Add("/usr/bin/curl", "curl -s http://x/$(id)")
	f.Add("", "\xff\xfe\x00")
	f.Fuzz(func(t *testing.T, path, cmd string) {
		ft := Features(path, cmd, "0x3e7", "")
		if ft.CommandlineTokensFull > utf8.RuneCountInString(cmd) || ft.CommandlineLen != utf8.RuneCountInString(cmd) {
			t.Fatalf("counts %+v for %q", ft, cmd)
		}
		if ft.CommandlineEntropy < 0 || (cmd == "" && ft.CommandlineScore != 0) || !ft.IsSystemSession {
			t.Fatalf("features %+v", ft)
		}
		if DelimCount(cmd) == 0 && DelimHash(cmd) != Hash("") {
			t.Fatalf("no delimiters but a delimiter hash")
		}
		_ = Features(path, cmd, "", "\\")
		_ = TokenCount(cmd)
	})
}
