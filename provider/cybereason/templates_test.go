package cybereason

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/huntkit/huntkit/provider/internal/remotetest"
)

// TestMsticpyTemplatesRun loads msticpy's Cybereason template files unchanged, renders each
// with its defaults, checks the body is JSON and runs it against the loopback server.
func TestMsticpyTemplatesRun(t *testing.T) {
	ts := remotetest.MsticpyTemplates(t, "cybereason", Name)
	_, d := setup(t, newFake(t), nil)
	for _, tm := range ts {
		req, err := remotetest.Render(t, Name, tm, time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC), nil)
		if err != nil {
			t.Errorf("%s: render: %v", tm.QualifiedName(), err)
			continue
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(req.Text), &body); err != nil {
			t.Errorf("%s: not JSON: %v\n%s", tm.QualifiedName(), err, req.Text)
			continue
		}
		if res, err := d.Query(context.Background(), req); err != nil || res.Len() != 3 {
			t.Errorf("%s: run: %v", tm.QualifiedName(), err)
		}
	}
	t.Logf("%d msticpy Cybereason templates rendered and run", len(ts))
}
