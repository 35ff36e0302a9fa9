package hunt_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/demo/hunt"
)

// TestHuntFindsEveryStage runs the guided hunt as a library call and checks its structured
// results: every planted stage found, every step with a title, template runs carrying
// their rendered query and Frame, and findings drawn from them.
func TestHuntFindsEveryStage(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts the demo tenant")
	}
	ctx := context.Background()
	hk, err := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	var started, items int
	dir := filepath.Join(t.TempDir(), "demo")
	res, err := hunt.Run(ctx, hk, hunt.Options{
		Dir:      dir,
		Tenant:   demo.Options{Seed: 3, Days: 14, Size: demo.Small},
		GeoIPDir: t.TempDir(), // no database: the GeoIP parts are skipped
		OnStep:   func(*hunt.Step) { started++ },
		OnItem:   func(*hunt.Step, hunt.Item) { items++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.FoundStages() != len(res.Truth.Stages) || len(res.Stages) != 12 {
		for _, s := range res.Stages {
			if !s.Found() {
				t.Errorf("stage %s missed", s.ID)
			}
		}
		t.Fatalf("%d of %d stages found", res.FoundStages(), len(res.Stages))
	}
	if started != len(res.Steps) || started < 10 {
		t.Errorf("%d steps started, %d returned", started, len(res.Steps))
	}
	var queries, findings, total int
	var backdoor bool
	for _, s := range res.Steps {
		total += len(s.Items)
		for _, it := range s.Items {
			switch it.Kind {
			case hunt.KindQuery:
				if it.Err == nil && (it.Frame == nil || it.Query == "" || !strings.Contains(it.Template, ".")) {
					t.Errorf("step %d: query item without query or frame: %+v", s.Number, it)
				}
				queries++
				// A parameter left empty must not render a no-op filter such as
				// `| where TargetUserName contains ""` (issue 13).
				if strings.Contains(it.Query, `contains ""`) || strings.Contains(it.Query, `== ""`) {
					t.Errorf("step %d: %s renders an empty filter:\n%s", s.Number, it.Template, it.Query)
				}
				if it.Template == "WindowsSecurity.list_account_changes" && !strings.Contains(it.Query, `contains "support_svc"`) {
					t.Errorf("step %d: account changes not filtered on the backdoor account:\n%s", s.Number, it.Query)
				}
			case hunt.KindFinding:
				findings++
				backdoor = backdoor || strings.Contains(it.Text, "support_svc was created and then added to Administrators")
			}
		}
	}
	if !backdoor {
		t.Error("the persistence step did not name the backdoor account")
	}
	if items != total || queries < 15 || findings < 5 {
		t.Errorf("items %d/%d, queries %d, findings %d", items, total, queries, findings)
	}
	skippedGeo := false
	for _, s := range res.Skipped {
		skippedGeo = skippedGeo || strings.HasPrefix(s, "GeoIP of ")
	}
	if !skippedGeo {
		t.Errorf("GeoIP without a database not skipped: %v", res.Skipped)
	}

	// interrupted during step 3: the data is reused, the hunt stops between steps
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res, err = hunt.Run(cctx, hk, hunt.Options{Dir: dir, Tenant: demo.Options{Seed: 3, Days: 14, Size: demo.Small},
		OnStep: func(s *hunt.Step) {
			if s.Number == 3 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) || res == nil || !res.Reused || len(res.Steps) != 3 {
		t.Errorf("interrupted run: err %v, result %+v", err, res)
	}
}

func TestHuntBadDays(t *testing.T) {
	hk, err := huntkit.Open(context.Background(), huntkit.WithConfig(&config.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	_, err = hunt.Run(context.Background(), hk, hunt.Options{Dir: t.TempDir(), Tenant: demo.Options{Seed: 1, Days: 1, Size: demo.Small}})
	if !errors.Is(err, huntkit.ErrBadRequest) {
		t.Errorf("err %v", err)
	}
}
