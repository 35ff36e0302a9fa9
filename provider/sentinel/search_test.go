package sentinel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/provider/sentinel"
	"github.com/huntkit/huntkit/query"
)

func newSearch(t *testing.T, cfgPath string, opts map[string]string) query.Driver {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	env, err := query.LookupEnv(sentinel.SearchName)
	if err != nil || !env.Built() {
		t.Fatalf("%s: %v", sentinel.SearchName, err)
	}
	d, err := env.New(context.Background(), query.Settings{Config: cfg, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSearchAPI runs MSSentinelSearch through the search API of the emulator: the same rows
// as the query API in the same window; a window is required; partial results and service
// errors as for MSSentinel.
func TestSearchAPI(t *testing.T) {
	isolate(t)
	srv := startEmulator(t, emulate.Options{})
	cfgPath := writeConfig(t, srv, "", "", "        ClientSecret: "+srv.ClientSecret(), "clientsecret")
	ctx := context.Background()
	const kql = "SecurityAlert | project TimeGenerated, AlertName, AlertSeverity | order by TimeGenerated asc"
	req := query.Request{Text: kql, Language: "kql", Start: wStart, End: wEnd, Bounded: true}

	s := newSearch(t, cfgPath, nil)
	got, err := s.Query(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := newDriver(t, cfgPath, nil).Query(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() == 0 || got.Len() != want.Len() || got.Col("AlertName").Str(0) != want.Col("AlertName").Str(0) {
		t.Fatalf("search %d rows, query %d rows", got.Len(), want.Len())
	}

	if _, err := s.Query(ctx, query.Request{Text: kql, Language: "kql"}); !errors.Is(err, sentinel.ErrNoWindow) {
		t.Fatalf("no window: %v", err)
	}
	_, err = s.Query(ctx, query.Request{Text: "SecurityAlert | frobnicate", Language: "kql", Start: wStart, End: wEnd})
	if !errors.Is(err, sentinel.ErrQuery) || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "frobnicate") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("bad KQL: %v", err)
	}

	small := startEmulator(t, emulate.Options{RowLimit: 1})
	smallCfg := writeConfig(t, small, "", "", "        ClientSecret: "+small.ClientSecret(), "clientsecret")
	f, err := newSearch(t, smallCfg, nil).Query(ctx, req)
	if err != nil || f.Len() != 1 || !errors.Is(f.Partial(), sentinel.ErrPartial) {
		t.Fatalf("partial: %v %v", f, err)
	}
	if _, err := newSearch(t, smallCfg, map[string]string{"fail-on-partial": "true"}).Query(ctx, req); !errors.Is(err, sentinel.ErrPartial) {
		t.Fatalf("fail-on-partial: %v", err)
	}
}
