package ioc

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// ErrNoColumn is returned (wrapped) by ExtractFrame when the column does not exist.
var ErrNoColumn = errors.New("no such column")

// Frame column names produced by ExtractFrame (msticpy's extract_df shape, plus Scope).
const (
	ColIoCType     = "IoCType"
	ColObservable  = "Observable"
	ColSourceIndex = "SourceIndex"
	ColInput       = "Input"
	ColScope       = "Scope"
)

// ExtractFrame extracts indicators from one text column of f, like msticpy's extract_df: one
// row per distinct (type, value) per input row, with columns IoCType, Observable,
// SourceIndex (the 0-based input row), Input (the input text) and Scope (for IPs:
// public/private/loopback/...; empty otherwise). Null cells are skipped. Rows are processed
// in parallel over the available CPUs; the output is in input order.
func ExtractFrame(f *frame.Frame, column string, opts ...Option) (*frame.Frame, error) {
	col := f.Col(column)
	if col == nil {
		return nil, fmt.Errorf("extract IoCs: column %q: %w (%s)", column, ErrNoColumn, suggest.Columns(column, f.Names()))
	}
	return ExtractColumn(col, opts...), nil
}

// ExtractColumn is ExtractFrame over a column.
func ExtractColumn(col *frame.Column, opts ...Option) *frame.Frame {
	cfg := newConfig(opts)
	n := col.Len()
	strs := col.Strings()
	get := func(i int) (string, bool) {
		if col.IsNull(i) {
			return "", false
		}
		if strs != nil {
			return strs[i], true
		}
		return col.Text(i), true
	}
	type part struct {
		typ, obs, in, scope []string
		idx                 []int64
	}
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 {
		workers = 1
	}
	chunks := workers * 8
	if workers == 1 {
		chunks = 1
	}
	size := (n + chunks - 1) / chunks
	parts := make([]part, chunks)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := scanner{cfg: cfg}
			for c := range next {
				lo, hi := c*size, min((c+1)*size, n)
				// about one indicator per row in logs: size the block once to avoid regrowth
				est := max(hi-lo, 0) * 5 / 4
				p := part{typ: make([]string, 0, est), obs: make([]string, 0, est), in: make([]string, 0, est),
					scope: make([]string, 0, est), idx: make([]int64, 0, est)}
				for i := lo; i < hi; i++ {
					s, ok := get(i)
					if !ok || s == "" {
						continue
					}
					sc.out = sc.out[:0]
					sc.scanText(s, 0)
					ms := sc.out
					var seen map[uniqKey]struct{}
					if len(ms) > 32 { // long cells: a map instead of the quadratic look-back
						seen = make(map[uniqKey]struct{}, len(ms))
					}
					for k, m := range ms {
						if seen != nil {
							key := uniqKey{int8(typeIndex(m.Type)), m.Value}
							if _, dup := seen[key]; dup {
								continue
							}
							seen[key] = struct{}{}
						} else if dupBefore(ms, k) {
							continue
						}
						p.typ = append(p.typ, string(m.Type))
						p.obs = append(p.obs, m.Value)
						p.in = append(p.in, s)
						p.scope = append(p.scope, m.Scope)
						p.idx = append(p.idx, int64(i))
					}
				}
				parts[c] = p
			}
		}()
	}
	for c := 0; c < chunks; c++ {
		next <- c
	}
	close(next)
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += len(p.typ)
	}
	typ := make([]string, 0, total)
	obs := make([]string, 0, total)
	in := make([]string, 0, total)
	scope := make([]string, 0, total)
	idx := make([]int64, 0, total)
	for c := range parts {
		p := &parts[c]
		typ = append(typ, p.typ...)
		obs = append(obs, p.obs...)
		in = append(in, p.in...)
		scope = append(scope, p.scope...)
		idx = append(idx, p.idx...)
		*p = part{} // let the collector take the block while the rest is copied
	}
	return frame.MustNew(
		frame.NewStrings(ColIoCType, typ),
		frame.NewStrings(ColObservable, obs),
		frame.NewInts(ColSourceIndex, idx),
		frame.NewStrings(ColInput, in),
		frame.NewStrings(ColScope, scope),
	)
}

// dupBefore reports whether ms[k] repeats an earlier (type, value) of the same row. Rows hold
// few matches, so a linear look-back beats a map.
func dupBefore(ms []Match, k int) bool {
	for i := 0; i < k; i++ {
		if ms[i].Type == ms[k].Type && ms[i].Value == ms[k].Value {
			return true
		}
	}
	return false
}

// Frame returns matches as a frame with columns IoCType, Observable, Raw, Start, End, Scope.
func Frame(ms []Match) *frame.Frame {
	typ := make([]string, len(ms))
	obs := make([]string, len(ms))
	raw := make([]string, len(ms))
	scope := make([]string, len(ms))
	st := make([]int64, len(ms))
	en := make([]int64, len(ms))
	for i, m := range ms {
		typ[i], obs[i], raw[i], scope[i] = string(m.Type), m.Value, m.Raw, m.Scope
		st[i], en[i] = int64(m.Start), int64(m.End)
	}
	return frame.MustNew(
		frame.NewStrings(ColIoCType, typ),
		frame.NewStrings(ColObservable, obs),
		frame.NewStrings("Raw", raw),
		frame.NewInts("Start", st),
		frame.NewInts("End", en),
		frame.NewStrings(ColScope, scope),
	)
}
