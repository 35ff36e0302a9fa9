package pivot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

func rows(n int) *frame.Frame {
	v := make([]int64, n)
	return frame.MustNew(frame.NewInts("n", v))
}

func fixed(name string, kind Kind, n int, err error) *Pivot {
	return &Pivot{Name: name, Kind: kind, Type: entity.IP, Run: func(context.Context, *entity.Entity, Window) (Output, error) {
		return Output{Frame: rows(n)}, err
	}}
}

func testRegistry() *Registry {
	r := NewRegistry()
	r.Add(
		fixed("geoip", KindGeoIP, 1, nil),
		fixed("ti.VirusTotal", KindTI, 2, nil),
		fixed("ti.OTX", KindTI, 0, errors.New("otx: 500 Internal Server Error")),
		&Pivot{Name: "ti.GreyNoise", Kind: KindTI, Type: entity.IP, Ready: func() error {
			return fmt.Errorf("%w: missing key: TIProviders.GreyNoise.Args.AuthKey", ErrNotConfigured)
		}},
		fixed("MSSentinel.Azure.list_aad_signins_for_ip", KindQuery, 5, nil),
		fixed("MSSentinel.SecurityAlert.list_alerts_for_ip", KindQuery, 0, nil),
		&Pivot{Name: "panics", Kind: KindWhois, Type: entity.IP, Run: func(context.Context, *entity.Entity, Window) (Output, error) {
			panic("boom")
		}},
	)
	return r
}

func TestSelect(t *testing.T) {
	r := testRegistry()
	tests := []struct {
		only []string
		want string
	}{
		{nil, "geoip ti.GreyNoise ti.OTX ti.VirusTotal panics MSSentinel.Azure.list_aad_signins_for_ip MSSentinel.SecurityAlert.list_alerts_for_ip"},
		{[]string{"geoip", "ti"}, "geoip ti.GreyNoise ti.OTX ti.VirusTotal"},
		{[]string{"MSSentinel.*"}, "MSSentinel.Azure.list_aad_signins_for_ip MSSentinel.SecurityAlert.list_alerts_for_ip"},
		{[]string{"*signins*", "GEOIP"}, "MSSentinel.Azure.list_aad_signins_for_ip geoip"},
		{[]string{"ti.virustotal"}, "ti.VirusTotal"},
	}
	for _, tt := range tests {
		ps, err := r.Select(entity.IP, tt.only)
		if err != nil {
			t.Fatalf("%v: %v", tt.only, err)
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("Select(%v) = %q, want %q", tt.only, got, tt.want)
		}
	}
}

func TestSelectUnknownSuggests(t *testing.T) {
	r := testRegistry()
	for pat, want := range map[string]string{"geoipp": `"geoip"`, "ti.virustotl": `"ti.VirusTotal"`} {
		_, err := r.Select(entity.IP, []string{pat})
		if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "did you mean "+want) {
			t.Errorf("Select(%q) = %v, want a suggestion of %s", pat, err, want)
		}
	}
	if _, err := r.Select(entity.Host, []string{"geoip"}); !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "for host") {
		t.Errorf("a pivot of another type: %v", err)
	}
}

// A failing provider, a provider without a key and a panicking pivot do not stop the others;
// each is listed with its reason.
func TestRunReportsEachPivot(t *testing.T) {
	r := testRegistry()
	e, _ := entity.Parse(entity.IP, "203.0.113.7")
	rs, err := Run(context.Background(), e, r.For(entity.IP), Options{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range rs {
		got[res.Pivot.Name] = res.Status()
	}
	want := map[string]string{
		"geoip":         "geoip: 1 row",
		"ti.VirusTotal": "ti.VirusTotal: 2 rows",
		"ti.OTX":        "ti.OTX: error: otx: 500 Internal Server Error",
		"ti.GreyNoise":  "ti.GreyNoise: skipped (not configured: missing key: TIProviders.GreyNoise.Args.AuthKey)",
		"panics":        "panics: error: internal error in pivot panics: boom",
		"MSSentinel.Azure.list_aad_signins_for_ip":    "MSSentinel.Azure.list_aad_signins_for_ip: 5 rows",
		"MSSentinel.SecurityAlert.list_alerts_for_ip": "MSSentinel.SecurityAlert.list_alerts_for_ip: 0 rows",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	st := StatusFrame(rs)
	if st.Len() != len(rs) || st.Col("State").Str(2) == "" {
		t.Errorf("status frame %v", st)
	}
}

// Run runs at most Concurrency pivots at once and stops starting new ones when ctx ends.
func TestRunBoundedAndCancelled(t *testing.T) {
	var inFlight, peak atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ps []*Pivot
	for i := 0; i < 12; i++ {
		ps = append(ps, &Pivot{Name: fmt.Sprint("p", i), Kind: KindQuery, Type: entity.IP,
			Run: func(ctx context.Context, _ *entity.Entity, _ Window) (Output, error) {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				if n >= 3 {
					cancel()
				}
				select {
				case <-ctx.Done():
					return Output{}, ctx.Err()
				case <-time.After(50 * time.Millisecond):
					return Output{Frame: rows(1)}, nil
				}
			}})
	}
	e, _ := entity.Parse(entity.IP, "10.0.0.1")
	rs, err := Run(ctx, e, ps, Options{Concurrency: 3})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error %v, want context.Canceled", err)
	}
	if peak.Load() > 3 {
		t.Errorf("%d pivots ran at once, limit 3", peak.Load())
	}
	if len(rs) != 12 {
		t.Fatalf("%d results", len(rs))
	}
	cancelled := 0
	for _, r := range rs {
		if errors.Is(r.Err, context.Canceled) {
			cancelled++
		}
	}
	if cancelled == 0 {
		t.Errorf("no pivot reported the cancellation")
	}
}

func TestRunWrongEntityType(t *testing.T) {
	e, _ := entity.Parse(entity.Host, "ws01")
	rs, _ := Run(context.Background(), e, []*Pivot{fixed("geoip", KindGeoIP, 1, nil)}, Options{})
	if rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "takes a ip, not a host") {
		t.Errorf("wrong type: %v", rs[0].Err)
	}
}

func loadTemplates(t *testing.T, src string) []query.Entry {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	st := query.NewStore()
	if err := st.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	return st.List("LocalData")
}

const templates = `metadata:
  version: 1
  description: test
  data_environments: [LocalData]
  data_families: [T]
defaults:
  parameters:
    start: {description: s, type: datetime}
    end: {description: e, type: datetime}
sources:
  by_ip:
    description: by ip
    args: {query: 'X | where A == "{ip_address}"'}
    parameters:
      ip_address: {description: ip, type: str}
  by_host_and_account:
    description: host and account
    args: {query: 'X | where H == "{host_name}" and U == "{account_name}"'}
    parameters:
      host_name: {description: h, type: str}
      account_name: {description: a, type: str}
  by_host_maybe_user:
    description: host, optional account
    args: {query: 'X | where H == "{host_name}" and U == "{account_name}"'}
    parameters:
      host_name: {description: h, type: str}
      account_name: {description: a, type: str, default: ""}
  by_hashes:
    description: hash list
    args: {query: 'X | where S in ({file_hash_list})'}
    parameters:
      file_hash_list: {description: l, type: list}
  no_params:
    description: none
    args: {query: 'X'}
`

func TestQueryPivotsBind(t *testing.T) {
	entries := loadTemplates(t, templates)
	var calls []string
	run := func(_ context.Context, name string, params map[string]any, _ Window) (Output, error) {
		calls = append(calls, fmt.Sprintf("%s %v", name, params))
		return Output{Frame: rows(1), Query: name}, nil
	}
	ps := QueryPivots("LocalData", entries, DefaultMapping(), run)
	got := map[string]bool{}
	for _, p := range ps {
		got[string(p.Type)+" "+p.Name] = true
	}
	for _, want := range []string{"ip LocalData.T.by_ip", "host LocalData.T.by_host_maybe_user", "filehash LocalData.T.by_hashes", "file LocalData.T.by_hashes"} {
		if !got[want] {
			t.Errorf("missing pivot %s (have %v)", want, got)
		}
	}
	for _, not := range []string{"host LocalData.T.by_host_and_account", "account LocalData.T.by_host_and_account", "ip LocalData.T.no_params"} {
		if got[not] {
			t.Errorf("pivot %s must not exist: a required parameter has no attribute of that type", not)
		}
	}
	reg := NewRegistry()
	reg.Add(ps...)
	e, _ := entity.Parse(entity.FileHash, strings.Repeat("ab", 32))
	rs, _ := Run(context.Background(), e, reg.For(entity.FileHash), Options{})
	if len(rs) != 1 || rs[0].State() != "ok" || !strings.Contains(calls[0], "file_hash_list:["+strings.Repeat("ab", 32)+"]") {
		t.Errorf("list parameter: %v %v", rs, calls)
	}
	h := entity.New(entity.Host, "HostName", "WS01", "DnsDomain", "contoso.com")
	calls = nil
	Run(context.Background(), h, reg.For(entity.Host), Options{})
	if len(calls) != 1 || !strings.Contains(calls[0], "host_name:WS01") {
		t.Errorf("host_name from fqdn: %v", calls)
	}
}

func TestMappingOverride(t *testing.T) {
	m, err := ParseMapping("m.yaml", []byte("parameters:\n  host_name: [Host.HostName]\n  peer: [IpAddress.Address]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m["host_name"][0].Attr != "HostName" || m["peer"][0].Type != entity.IP || m["account_name"][0].Attr != "Name" {
		t.Errorf("override %v", m)
	}
	for src, want := range map[string]string{
		"parameters:\n  a: [Hostt.Name]\n": `m.yaml:2: parameter a: "Hostt.Name": unknown entity type "Hostt" (did you mean "host"?)`,
		"parameters:\n\n  b: [Name]\n":     `m.yaml:3: parameter b: "Name": want Type.attribute`,
		"parameters: [1, 2":                "m.yaml: yaml:",
		"parameters:\n  c: {x: 1}\n":       "m.yaml: yaml:",
	} {
		if _, err := ParseMapping("m.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMapping(%q) = %v, want %q", src, err, want)
		}
	}
}
