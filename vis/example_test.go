package vis_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/vis"
)

func ExampleTimeline() {
	t0 := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	f := frame.MustNew(
		frame.NewTimes("TimeGenerated", []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute)}),
		frame.NewStrings("Computer", []string{"WKS-1", "WKS-2", "WKS-1"}),
		frame.NewStrings("Activity", []string{"logon", "logon", "process"}),
	)
	var page strings.Builder
	err := vis.Timeline(&page, f, vis.GroupColumn("Computer"), vis.TooltipColumns("Activity"),
		vis.Markers(vis.Marker{Time: t0.Add(90 * time.Second), Label: "alert"}))
	fmt.Println(err, strings.HasPrefix(page.String(), "<!DOCTYPE html>"), strings.Contains(page.String(), "https://"+"cdn"))
	// Output: <nil> true false
}
