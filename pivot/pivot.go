// Package pivot binds each entity type to everything that accepts it - query templates
// whose parameters map to the entity's attributes, threat-intelligence providers for its
// indicator type, GeoIP, whois, IoC extraction and decoding of text attributes, the
// process tree - and runs them for one entity concurrently, one result table and one
// status line per pivot.
//
// A Pivot is a named function of an entity and a time window. The Registry holds them and
// selects them by entity type and by name patterns (--only geoip,ti,MSSentinel.*). Query
// pivots are built from templates with a parameter-to-attribute Mapping (msticpy's as the
// default, overridable by a YAML file). The pivots themselves are wired by the huntkit
// front door, which owns the data environments and enrichment services; this package has
// no I/O of its own.
package pivot

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Kind says what a pivot does.
type Kind string

// The pivot kinds.
const (
	KindQuery    Kind = "query"    // a query template run with the entity's attributes
	KindData     Kind = "data"     // a built-in lookup in the data (an incident's alerts, an alert's incidents)
	KindTI       Kind = "ti"       // a threat-intelligence provider
	KindGeoIP    Kind = "geoip"    // GeoIP location
	KindWhois    Kind = "whois"    // RDAP registration data
	KindIoC      Kind = "ioc"      // indicators extracted from a text attribute
	KindDecode   Kind = "decode"   // encoded payloads decoded from a text attribute
	KindProcTree Kind = "proctree" // the process tree of a host or around a process
	KindEntities Kind = "entities" // the entities an alert or incident names
)

// ErrNotConfigured is wrapped by a pivot's Ready error when it cannot run here (no API
// key, no GeoIP database, no data environment); Run reports the pivot as skipped.
var ErrNotConfigured = errors.New("not configured")

// ErrUnknown is wrapped when a pivot name or pattern matches nothing.
var ErrUnknown = errors.New("unknown pivot")

// Window is the time range of query pivots, as time expressions ("-7d", "now", ISO-8601);
// empty ends take the environment's defaults.
type Window struct{ Start, End string }

// Output is what a pivot returns: a table, and the query behind it when there is one.
type Output struct {
	Frame *frame.Frame
	Query string
}

// Func runs a pivot for one entity.
type Func func(ctx context.Context, e *entity.Entity, w Window) (Output, error)

// Pivot is one thing an entity can be pivoted to.
type Pivot struct {
	Name        string      // unique within its entity type: geoip, ti.VirusTotal, LocalData.Azure.list_aad_signins_for_ip
	Kind        Kind        // what it does
	Type        entity.Type // the entity type it accepts
	Description string
	// Params maps a query pivot's parameters to the entity attributes that fill them.
	Params map[string]string
	// Ready reports whether the pivot can run here; an error wrapping ErrNotConfigured
	// skips it with that reason. Nil means always ready.
	Ready func() error
	Run   Func
}

// Registry holds pivots by entity type.
type Registry struct {
	mu     sync.RWMutex
	byType map[entity.Type][]*Pivot
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byType: map[entity.Type][]*Pivot{}} }

// Add registers pivots; a pivot with the name of one already registered for the same type
// replaces it.
func (r *Registry) Add(ps ...*Pivot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range ps {
		list := r.byType[p.Type]
		replaced := false
		for i, q := range list {
			if strings.EqualFold(q.Name, p.Name) {
				list[i], replaced = p, true
			}
		}
		if !replaced {
			list = append(list, p)
		}
		r.byType[p.Type] = list
	}
}

// For returns the pivots of an entity type, sorted by kind order then name.
func (r *Registry) For(t entity.Type) []*Pivot {
	r.mu.RLock()
	out := append([]*Pivot(nil), r.byType[t]...)
	r.mu.RUnlock()
	sort.SliceStable(out, func(i, j int) bool {
		if ki, kj := kindRank(out[i].Kind), kindRank(out[j].Kind); ki != kj {
			return ki < kj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Types returns the entity types that have pivots.
func (r *Registry) Types() []entity.Type {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []entity.Type
	for _, t := range entity.Types {
		if len(r.byType[t]) > 0 {
			out = append(out, t)
		}
	}
	return out
}

var kindOrder = []Kind{KindEntities, KindData, KindGeoIP, KindTI, KindWhois, KindIoC, KindDecode, KindProcTree, KindQuery}

func kindRank(k Kind) int {
	for i, o := range kindOrder {
		if o == k {
			return i
		}
	}
	return len(kindOrder)
}

// Select returns the pivots of type t that match any of the patterns (all of them when
// there is none). A pattern is a pivot name (any case), a kind (ti, geoip, query, ...), or a
// glob over names (MSSentinel.*, *signins*). A pattern that matches none of t's pivots is
// an error wrapping ErrUnknown that suggests the nearest name.
func (r *Registry) Select(t entity.Type, patterns []string) ([]*Pivot, error) {
	all := r.For(t)
	if len(patterns) == 0 {
		return all, nil
	}
	var out []*Pivot
	seen := map[*Pivot]bool{}
	for _, pat := range patterns {
		pat = strings.TrimSpace(pat)
		if pat == "" {
			continue
		}
		n := 0
		for _, p := range all {
			if matches(p, pat) {
				n++
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		if n == 0 {
			return nil, unknownError(t, pat, all)
		}
	}
	return out, nil
}

func matches(p *Pivot, pat string) bool {
	lp, ln := strings.ToLower(pat), strings.ToLower(p.Name)
	if lp == ln || lp == string(p.Kind) {
		return true
	}
	if ok, err := path.Match(lp, ln); err == nil && ok {
		return true
	}
	return false
}

func unknownError(t entity.Type, pat string, all []*Pivot) error {
	names := make([]string, 0, len(all)+len(kindOrder))
	for _, p := range all {
		names = append(names, p.Name)
	}
	for _, k := range kindOrder {
		names = append(names, string(k))
	}
	msg := fmt.Sprintf("%q for %s", pat, t)
	if c := suggest.Closest(strings.ToLower(pat), lower(names)); c != "" {
		for _, n := range names {
			if strings.EqualFold(n, c) {
				c = n
			}
		}
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return fmt.Errorf("%w %s; see 'huntkit pivot list %s'", ErrUnknown, msg, t)
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// Result is one pivot's outcome.
type Result struct {
	Pivot   *Pivot
	Frame   *frame.Frame // nil when skipped or failed without rows
	Query   string       // the query behind the result, when there is one
	Err     error        // the failure, when it failed
	Skipped string       // why it did not run (not configured), when skipped
	Elapsed time.Duration
}

// Rows returns the number of result rows.
func (r Result) Rows() int {
	if r.Frame == nil {
		return 0
	}
	return r.Frame.Len()
}

// State is "ok", "error" or "skipped".
func (r Result) State() string {
	switch {
	case r.Skipped != "":
		return "skipped"
	case r.Err != nil:
		return "error"
	}
	return "ok"
}

// Status is the pivot's one-line status: "geoip: 1 row", "ti.VirusTotal: skipped (not
// configured: no API key)", "whois: error: ...".
func (r Result) Status() string {
	switch r.State() {
	case "skipped":
		return fmt.Sprintf("%s: skipped (%s)", r.Pivot.Name, r.Skipped)
	case "error":
		s := fmt.Sprintf("%s: error: %v", r.Pivot.Name, r.Err)
		if r.Rows() > 0 {
			s += fmt.Sprintf(" (%s kept)", plural(r.Rows(), "row"))
		}
		return s
	}
	return r.Pivot.Name + ": " + plural(r.Rows(), "row")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Options tune Run.
type Options struct {
	Window      Window
	Concurrency int // pivots run at once; 4 when zero
}

// Run runs the pivots for e concurrently (at most Options.Concurrency at once) and returns
// one Result per pivot in the order given. A pivot that is not ready is skipped; one that
// fails is reported and does not stop the others. When ctx ends, pivots not started are
// reported with ctx's error and Run returns it.
func Run(ctx context.Context, e *entity.Entity, ps []*Pivot, o Options) ([]Result, error) {
	n := o.Concurrency
	if n <= 0 {
		n = 4
	}
	out := make([]Result, len(ps))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, p := range ps {
		out[i].Pivot = p
		if p.Type != e.Type {
			out[i].Err = fmt.Errorf("pivot %s takes a %s, not a %s", p.Name, p.Type, e.Type)
			continue
		}
		if p.Ready != nil {
			if err := p.Ready(); err != nil {
				out[i].Skipped = err.Error()
				continue
			}
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			out[i].Err = ctx.Err()
			continue
		}
		wg.Add(1)
		go func(i int, p *Pivot) {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			res, err := safeRun(ctx, p, e, o.Window)
			out[i].Frame, out[i].Query, out[i].Err, out[i].Elapsed = res.Frame, res.Query, err, time.Since(t0)
			if errors.Is(err, ErrNotConfigured) {
				out[i].Skipped, out[i].Err = err.Error(), nil
			}
		}(i, p)
	}
	wg.Wait()
	return out, ctx.Err()
}

// safeRun turns a panic in a pivot into its error, so one broken pivot cannot take the
// others down.
func safeRun(ctx context.Context, p *Pivot, e *entity.Entity, w Window) (out Output, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in pivot %s: %v", p.Name, r)
		}
	}()
	if p.Run == nil {
		return Output{}, fmt.Errorf("pivot %s: %w: nothing to run", p.Name, ErrNotConfigured)
	}
	return p.Run(ctx, e, w)
}

// StatusFrame returns one row per result: Pivot, Kind, State, Rows, Elapsed (seconds) and
// Detail (the error or the reason it was skipped).
func StatusFrame(rs []Result) *frame.Frame {
	n := len(rs)
	name, kind, state, detail := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	rows := make([]int64, n)
	secs := make([]float64, n)
	for i, r := range rs {
		name[i], kind[i], state[i], rows[i], secs[i] = r.Pivot.Name, string(r.Pivot.Kind), r.State(), int64(r.Rows()), r.Elapsed.Seconds()
		switch {
		case r.Skipped != "":
			detail[i] = r.Skipped
		case r.Err != nil:
			detail[i] = r.Err.Error()
		}
	}
	f, _ := frame.New(frame.NewStrings("Pivot", name), frame.NewStrings("Kind", kind), frame.NewStrings("State", state),
		frame.NewInts("Rows", rows), frame.NewFloats("Seconds", secs), frame.NewStrings("Detail", detail))
	return f
}

// ListFrame returns one row per pivot: Pivot, Kind, Description, Params (param=attribute,
// for query pivots) and Ready ("yes" or the reason it would be skipped).
func ListFrame(ps []*Pivot) *frame.Frame {
	n := len(ps)
	name, kind, desc, params, ready := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, p := range ps {
		name[i], kind[i], desc[i] = p.Name, string(p.Kind), p.Description
		var kv []string
		for k, v := range p.Params {
			kv = append(kv, k+"="+v)
		}
		sort.Strings(kv)
		params[i] = strings.Join(kv, ", ")
		ready[i] = "yes"
		if p.Ready != nil {
			if err := p.Ready(); err != nil {
				ready[i] = err.Error()
			}
		}
	}
	f, _ := frame.New(frame.NewStrings("Pivot", name), frame.NewStrings("Kind", kind), frame.NewStrings("Description", desc),
		frame.NewStrings("Params", params), frame.NewStrings("Ready", ready))
	return f
}
