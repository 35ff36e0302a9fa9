package vis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

// parsed is a generated page, parsed.
type parsed struct {
	doc     *html.Node
	scripts map[string]string // JSON scripts by id
	nScript int
}

func parsePage(t *testing.T, b []byte) *parsed {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p := &parsed{doc: doc, scripts: map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				k, v := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
				if (k == "src" || k == "href" || k == "action" || k == "srcset") && v != "" {
					t.Errorf("<%s %s=%q>: a view must not load anything", n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "link" {
				t.Errorf("<link> element in a self-contained view")
			}
			if n.Data == "script" {
				p.nScript++
				id, typ := attr(n, "id"), attr(n, "type")
				if typ == "application/json" && n.FirstChild != nil {
					p.scripts[id] = n.FirstChild.Data
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

type dataJSON struct {
	N     int `json:"n"`
	Total int `json:"total"`
	Cols  []struct {
		Name   string   `json:"name"`
		Type   string   `json:"type"`
		Values []any    `json:"values"`
		Dict   []string `json:"dict"`
		Codes  []int    `json:"codes"`
	} `json:"cols"`
}

// values decodes a column of the embedded data (dictionary or plain).
func (d *dataJSON) values(t *testing.T, name string) []any {
	t.Helper()
	for _, c := range d.Cols {
		if c.Name != name {
			continue
		}
		if c.Dict == nil {
			return c.Values
		}
		out := make([]any, len(c.Codes))
		for i, k := range c.Codes {
			if k >= 0 {
				out[i] = c.Dict[k]
			}
		}
		return out
	}
	t.Fatalf("column %q not embedded", name)
	return nil
}

func (p *parsed) data(t *testing.T) *dataJSON {
	t.Helper()
	var d dataJSON
	if err := json.Unmarshal([]byte(p.scripts["hk-data"]), &d); err != nil {
		t.Fatalf("hk-data: %v", err)
	}
	return &d
}

func (p *parsed) config(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(p.scripts["hk-config"]), &m); err != nil {
		t.Fatalf("hk-config: %v", err)
	}
	return m
}

func sample(n int) *frame.Frame {
	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	ts, host, user, bytesOut, cmd := make([]time.Time, n), make([]string, n), make([]string, n), make([]int64, n), make([]string, n)
	lat, lon := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		ts[i] = t0.Add(time.Duration(i) * time.Minute)
		host[i] = []string{"WKS-1", "WKS-2", "SRV-1"}[i%3]
		user[i] = []string{"alice", "bob"}[i%2]
		bytesOut[i] = int64(i * 10)
		cmd[i] = "cmd.exe /c echo " + strings.Repeat("x", i%5)
		lat[i], lon[i] = float64(i%90)-45, float64(i%360)-180
	}
	return frame.MustNew(frame.NewTimes("TimeGenerated", ts), frame.NewStrings("Computer", host), frame.NewStrings("User", user),
		frame.NewInts("BytesOut", bytesOut), frame.NewStrings("CommandLine", cmd), frame.NewFloats("Latitude", lat), frame.NewFloats("Longitude", lon))
}

func TestDataViewerEmbedsData(t *testing.T) {
	f := sample(100)
	evil := `</script><script>alert("x")</script> & <!-- \u2028`
	vals := f.Col("CommandLine").Strings()
	vals[7] = evil
	var buf bytes.Buffer
	if err := DataViewer(&buf, f, Title("Logons <today>")); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, buf.Bytes())
	d := p.data(t)
	if d.N != 100 || d.Total != 100 || len(d.Cols) != f.NumCols() {
		t.Fatalf("n=%d total=%d cols=%d", d.N, d.Total, len(d.Cols))
	}
	if got := d.values(t, "CommandLine")[7]; got != evil {
		t.Errorf("escaped string round trip: %q", got)
	}
	if got := d.values(t, "Computer"); got[4] != "WKS-2" {
		t.Errorf("dictionary column: %v", got[:5])
	}
	if d.Cols[0].Type != "time" || d.values(t, "TimeGenerated")[1].(float64) != float64(f.Col("TimeGenerated").Time(1).UnixMilli()) {
		t.Errorf("time column: %s %v", d.Cols[0].Type, d.values(t, "TimeGenerated")[1])
	}
	// 2 JSON blocks + tabulator + common + view script; the hostile value did not add any
	if p.nScript != 5 {
		t.Errorf("%d script elements, want 5", p.nScript)
	}
	if !strings.Contains(buf.String(), "<title>Logons &lt;today&gt;</title>") {
		t.Error("title not escaped")
	}
	for _, lic := range []string{"tabulator-tables 6.5.3", "The MIT License", "Apache License"} {
		if !strings.Contains(buf.String(), lic) {
			t.Errorf("licence text %q missing", lic)
		}
	}
	// row cap
	buf.Reset()
	if err := DataViewer(&buf, f, MaxRows(10), Columns("User", "BytesOut")); err != nil {
		t.Fatal(err)
	}
	d = parsePage(t, buf.Bytes()).data(t)
	if d.N != 10 || d.Total != 100 || len(d.Cols) != 2 || d.Cols[1].Name != "BytesOut" {
		t.Errorf("capped: n=%d total=%d cols=%v", d.N, d.Total, d.Cols)
	}
}

func TestColumnErrors(t *testing.T) {
	f := sample(5)
	var buf bytes.Buffer
	for name, err := range map[string]error{
		"dataviewer": DataViewer(&buf, f, Columns("Nope")),
		"timeline":   Timeline(&buf, f, GroupColumn("Nope")),
		"value":      Timeline(&buf, f, ValueColumn("User")),
		"map":        Map(&buf, f, LatLon("Nope", "Longitude")),
		"matrix":     Matrix(&buf, f, XY("User", "Nope")),
		"matrix-xy":  Matrix(&buf, f),
	} {
		if !errors.Is(err, ErrColumn) {
			t.Errorf("%s: want ErrColumn, got %v", name, err)
		}
	}
	err := Timeline(&buf, f, GroupColumn("Nope"))
	if !strings.Contains(err.Error(), `"Nope"`) || !strings.Contains(err.Error(), "Computer") {
		t.Errorf("error should name the column and list the others: %v", err)
	}
	if err := Timeline(&buf, frame.MustNew(frame.NewStrings("a", nil))); !errors.Is(err, ErrNoData) {
		t.Errorf("empty timeline: %v", err)
	}
}

func TestTimelineModes(t *testing.T) {
	f := sample(30)
	mark := time.Date(2024, 3, 1, 12, 10, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		opts []Option
		mode string
	}{
		{"events", []Option{GroupColumn("Computer"), TooltipColumns("User", "CommandLine"), Markers(Marker{mark, "alert"})}, "events"},
		{"values", []Option{ValueColumn("BytesOut"), GroupColumn("User"), Bars()}, "values"},
		{"durations", []Option{EndColumn("TimeGenerated"), GroupColumn("User")}, "durations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Timeline(&buf, f, tc.opts...); err != nil {
				t.Fatal(err)
			}
			p := parsePage(t, buf.Bytes())
			cfg := p.config(t)
			if cfg["mode"] != tc.mode || cfg["time"] != "TimeGenerated" {
				t.Errorf("config %v", cfg)
			}
			d := p.data(t)
			if d.N != 30 {
				t.Errorf("n=%d", d.N)
			}
			if tc.mode == "events" {
				m := cfg["markers"].([]any)[0].(map[string]any)
				if m["label"] != "alert" || m["t"].(float64) != float64(mark.UnixMilli()) {
					t.Errorf("marker %v", m)
				}
				d.values(t, "CommandLine") // tooltip column embedded
			}
		})
	}
	// text times are parsed
	g := frame.MustNew(frame.NewStrings("when", []string{"2024-01-01 10:00:00", "bad", "2024-01-01T11:00:00Z"}), frame.NewStrings("what", []string{"a", "b", "c"}))
	var buf bytes.Buffer
	if err := Timeline(&buf, g, TimeColumn("when")); err != nil {
		t.Fatal(err)
	}
	tv := parsePage(t, buf.Bytes()).data(t).values(t, "when")
	if tv[1] != nil || tv[2].(float64) != float64(time.Date(2024, 1, 1, 11, 0, 0, 0, time.UTC).UnixMilli()) {
		t.Errorf("parsed times %v", tv)
	}
}

func TestMapAndMatrix(t *testing.T) {
	f := sample(20)
	lat := f.Col("Latitude").Floats()
	lat[3] = 123 // invalid: left out
	var buf bytes.Buffer
	if err := Map(&buf, f, SizeBy("BytesOut"), ColorBy("Computer")); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, buf.Bytes())
	d := p.data(t)
	if d.N != 19 {
		t.Errorf("map points %d, want 19", d.N)
	}
	var world struct {
		Type    string         `json:"type"`
		Objects map[string]any `json:"objects"`
	}
	if err := json.Unmarshal([]byte(p.scripts["hk-world"]), &world); err != nil || world.Type != "Topology" || world.Objects["countries"] == nil {
		t.Errorf("embedded world: %v %v", err, world.Type)
	}

	buf.Reset()
	if err := Matrix(&buf, f, XY("Computer", "User"), Top(2)); err != nil {
		t.Fatal(err)
	}
	cfg := parsePage(t, buf.Bytes()).config(t)
	xcats := cfg["xcats"].([]any)
	if len(xcats) != 3 || xcats[2] != "(other)" {
		t.Errorf("xcats %v", xcats)
	}
	total := 0
	for _, c := range cfg["cells"].([]any) {
		total += int(c.([]any)[2].(float64))
	}
	if total != 20 {
		t.Errorf("cell counts sum to %d, want 20", total)
	}
}

func TestProcessTreeView(t *testing.T) {
	src, err := frame.ReadFile(filepath.Join("..", "proctree", "testdata", "twohosts_4688.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := proctree.Build(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ProcessTree(&buf, tr, TooltipColumns("SubjectUserName"), ExpandDepth(1)); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, buf.Bytes())
	d := p.data(t)
	if d.N != tr.Len() {
		t.Fatalf("nodes %d, want %d", d.N, tr.Len())
	}
	parents, names, synth := d.values(t, "parent"), d.values(t, "name"), d.values(t, "synth")
	order := tr.Order()
	for j, id := range order {
		want := -1
		if pp := tr.Parent(id); pp >= 0 {
			for k, o := range order {
				if o == pp {
					want = k
				}
			}
		}
		if int(parents[j].(float64)) != want || names[j] != tr.Name(id) || synth[j] != tr.IsSynthesized(id) {
			t.Errorf("node %d: parent %v name %v synth %v", j, parents[j], names[j], synth[j])
		}
	}
	d.values(t, "tip:SubjectUserName")
	if cfg := p.config(t); cfg["colorBy"] != "host" {
		t.Errorf("default colour for two hosts: %v", cfg["colorBy"])
	}
	if err := ProcessTree(&buf, tr, ColorBy("Nope")); !errors.Is(err, ErrColumn) {
		t.Errorf("bad colour column: %v", err)
	}
}

func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "</script>", "\x00\x1f", "é ü 日本", "\u2028\u2029", "bad\xffutf8"} {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%q: %v (%s)", s, err, b)
			continue
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if got != want {
			t.Errorf("round trip %q -> %q", s, got)
		}
		if bytes.ContainsAny(b, "<>&") {
			t.Errorf("unsafe bytes in %s", b)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "</script>", "a\u2028b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if bytes.ContainsAny(b, "<>&\u2028") {
			t.Fatalf("unsafe output %s", b)
		}
	})
}
