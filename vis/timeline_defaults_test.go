package vis

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Without TimeColumn the timeline uses a well-known event-time column before other time
// columns (Defender tables list InitiatingProcessCreationTime before Timestamp; OTRF tables a
// zone-less EventTime before @timestamp), and the subtitle says how many rows had no usable
// time and were left out.
func TestTimelineDefaultTimeAndLeftOutRows(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	parent := []time.Time{t0.Add(-time.Hour), t0.Add(-time.Hour), t0.Add(-time.Hour)}
	f := frame.MustNew(
		frame.NewTimes("InitiatingProcessCreationTime", parent),
		frame.NewTimes("Timestamp", []time.Time{t0, t0.Add(time.Minute), {}}).WithValid([]bool{true, true, false}),
		frame.NewStrings("FileName", []string{"a.exe", "b.exe", "c.exe"}),
	)
	var buf bytes.Buffer
	if err := Timeline(&buf, f); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, buf.Bytes())
	if cfg := p.config(t); cfg["time"] != "Timestamp" {
		t.Errorf("time column %v, want Timestamp", cfg["time"])
	}
	if !strings.Contains(buf.String(), "2 events (events); 1 rows without a usable time in Timestamp left out") {
		t.Errorf("subtitle does not report the row left out:\n%s", firstLine(buf.String(), `id="hk-sub"`))
	}
}

func firstLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
