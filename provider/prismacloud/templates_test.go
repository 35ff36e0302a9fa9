package prismacloud

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/huntkit/huntkit/provider/internal/remotetest"
	"github.com/huntkit/huntkit/query"
)

// TestMsticpyTemplatesRun loads msticpy's Prisma Cloud template files unchanged, renders each
// with its defaults and runs it against the loopback server.
func TestMsticpyTemplatesRun(t *testing.T) {
	ts := remotetest.MsticpyTemplates(t, "prismacloud", Name)
	_, d := setup(t, newFake(t), nil)
	for _, tm := range ts {
		req, err := remotetest.Render(t, Name, tm, time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC), func(p *query.Param) any {
			if p.Name == "query_condition" {
				return "event from cloud.audit_logs where operation = 'x'"
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: render: %v", tm.QualifiedName(), err)
			continue
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(req.Text), &body); err != nil {
			t.Errorf("%s: not JSON: %v\n%s", tm.QualifiedName(), err, req.Text)
			continue
		}
		if _, err := d.Query(context.Background(), req); err != nil {
			t.Errorf("%s: run: %v\n%s", tm.QualifiedName(), err, req.Text)
		}
	}
	t.Logf("%d msticpy Prisma Cloud templates rendered and run", len(ts))
}
