package ti_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// The test providers speak a tiny JSON API: GET {base}/lookup/{value} => {"score": n}
// (404 => not found), and POST {base}/batch with a JSON array => [{"score": n}, ...].

type fake struct {
	s     ti.Settings
	batch int
}

func init() {
	ti.Register(ti.Registration{Name: "Fake", Types: []ioc.Type{ioc.IPv4, ioc.DNS, ioc.MD5, ioc.SHA256},
		NeedsKey: true, Rate: ti.PerSecond(1000), TTL: time.Hour, NegativeTTL: time.Minute, Concurrency: 4,
		New: func(s ti.Settings) (ti.Provider, error) {
			if err := s.RequireKey(); err != nil {
				return nil, err
			}
			return &fake{s: s}, nil
		}})
	ti.Register(ti.Registration{Name: "FakeBatch", Types: []ioc.Type{ioc.DNS}, Concurrency: 2,
		New: func(s ti.Settings) (ti.Provider, error) { return &fakeBatch{fake{s: s, batch: 3}}, nil }})
	ti.Register(ti.Registration{Name: "FakeIP", Types: []ioc.Type{ioc.IPv4},
		New: func(s ti.Settings) (ti.Provider, error) { return &fake{s: s}, nil }})
	ti.Register(ti.Registration{Name: "FakeIP46", Types: []ioc.Type{ioc.IPv4, ioc.IPv6},
		New: func(s ti.Settings) (ti.Provider, error) { return &fake{s: s}, nil }})
	ti.Register(ti.Registration{Name: "FakeLocal", Types: []ioc.Type{ioc.IPv4, ioc.IPv6}, Local: true,
		New: func(s ti.Settings) (ti.Provider, error) { return fakeLocal{}, nil }})
}

// fakeLocal is a Local provider: it knows every address and sends nothing anywhere.
type fakeLocal struct{}

func (fakeLocal) Name() string             { return "FakeLocal" }
func (fakeLocal) Supports(t ioc.Type) bool { return t == ioc.IPv4 || t == ioc.IPv6 }
func (fakeLocal) Lookup(_ context.Context, it ti.Item) (ti.Result, error) {
	return ti.Result{Found: true, Severity: ti.SevWarning, Details: map[string]any{"value": it.Value}}, nil
}

func (f *fake) Name() string { return f.s.Name }
func (f *fake) Supports(t ioc.Type) bool {
	r, _ := ti.LookupProvider(f.s.Name)
	return r.Supports(t)
}

func sevOf(score int) ti.Severity {
	switch {
	case score >= 80:
		return ti.SevHigh
	case score >= 20:
		return ti.SevWarning
	}
	return ti.SevInformation
}

func (f *fake) Lookup(ctx context.Context, it ti.Item) (ti.Result, error) {
	resp, err := f.s.HTTP.Do(ctx, ti.Request{URL: f.s.URL("http://invalid") + "/lookup/" + it.Value,
		Header: http.Header{"X-Key": {f.s.AuthKey}}})
	if err != nil {
		return ti.Result{}, err
	}
	if resp.Status == 404 {
		return ti.NotFound(nil), nil
	}
	if resp.Status != 200 {
		return ti.Result{}, f.s.HTTP.StatusError(resp)
	}
	var v struct {
		Score *int `json:"score"`
	}
	if err := ti.DecodeJSON(resp.Body, &v); err != nil {
		return ti.Result{}, err
	}
	if v.Score == nil {
		return ti.Result{}, fmt.Errorf("%w: no score", ti.ErrMalformed)
	}
	return ti.Result{Found: true, Severity: sevOf(*v.Score), Details: map[string]any{"score": *v.Score},
		Raw: ti.RawJSON(resp.Body)}, nil
}

type fakeBatch struct{ fake }

func (f *fakeBatch) BatchSize() int { return f.batch }
func (f *fakeBatch) LookupBatch(ctx context.Context, items []ti.Item) ([]ti.Result, error) {
	var vals []string
	for _, it := range items {
		vals = append(vals, it.Value)
	}
	body, _ := json.Marshal(vals)
	resp, err := f.s.HTTP.Do(ctx, ti.Request{Method: "POST", URL: f.s.URL("http://invalid") + "/batch", Body: body})
	if err != nil {
		return nil, err
	}
	var out []struct {
		Score int `json:"score"`
	}
	if err := ti.DecodeJSON(resp.Body, &out); err != nil {
		return nil, err
	}
	res := make([]ti.Result, len(out))
	for i, o := range out {
		res[i] = ti.Result{Found: true, Severity: sevOf(o.Score), Details: map[string]any{"score": o.Score}}
	}
	return res, nil
}

// scoreOf derives a deterministic score from a value.
func scoreOf(v string) int {
	n := 0
	for _, c := range v {
		n += int(c)
	}
	if strings.HasPrefix(v, "bad") {
		return 90
	}
	return n % 50
}

// fakeConfig implements ti.ConfigSource over a nested map.
type fakeConfig map[string]any

func (c fakeConfig) Lookup(key string) (any, bool) {
	var cur any = map[string]any(c)
	for _, p := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (c fakeConfig) Names(section string) []string {
	v, _ := c.Lookup(section)
	m, _ := v.(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c fakeConfig) Secret(_ context.Context, key string) (string, error) {
	v, ok := c.Lookup(key)
	if !ok {
		return "", fmt.Errorf("%s: not set", key)
	}
	if m, ok := v.(map[string]any); ok {
		return "", fmt.Errorf("%s: cannot resolve %v", key, len(m))
	}
	return fmt.Sprint(v), nil
}
