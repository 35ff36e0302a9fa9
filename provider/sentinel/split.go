package sentinel

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/query"
)

// maxConcurrent bounds the chunk queries run at once.
const maxConcurrent = 4

// ParseSplit reads a chunk length: "1d", "6h", "30m" or a Go duration.
func ParseSplit(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute {
		return 0, fmt.Errorf("split %q: want a length of at least a minute, e.g. 1d, 6h, 30m", s)
	}
	return d, nil
}

// chunk is one piece of a split window.
type chunk struct {
	start, end time.Time
	f          *frame.Frame
	err        error
}

// Chunks cuts start..end into pieces of length d (the last may be shorter).
func Chunks(start, end time.Time, d time.Duration) [][2]time.Time {
	var out [][2]time.Time
	for s := start; s.Before(end); s = s.Add(d) {
		e := s.Add(d)
		if e.After(end) {
			e = end
		}
		out = append(out, [2]time.Time{s, e})
	}
	return out
}

// querySplit runs req once per chunk of the window (the chunk as the timespan, at most
// maxConcurrent at once) and concatenates the results in time order. A failed chunk is
// never dropped silently: the rows of the others are kept and the result is flagged partial
// naming the failed ranges (an error with --fail-on-partial, or when every chunk failed).
func (d *Driver) querySplit(ctx context.Context, req query.Request) (*frame.Frame, error) {
	ranges := Chunks(req.Start, req.End, d.split)
	chunks := make([]chunk, len(ranges))
	sem := make(chan struct{}, maxConcurrent)
	var wg sync.WaitGroup
	for i, r := range ranges {
		wg.Add(1)
		go func(i int, r [2]time.Time) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				chunks[i] = chunk{start: r[0], end: r[1], err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			sub := req
			sub.Start, sub.End = r[0], r[1]
			f, err := d.queryOnce(ctx, sub)
			chunks[i] = chunk{start: r[0], end: r[1], f: f, err: err}
		}(i, r)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var parts []*frame.Frame
	var failed []string
	var firstErr error
	for _, c := range chunks {
		span := c.start.Format(time.RFC3339) + ".." + c.end.Format(time.RFC3339)
		switch {
		case c.err != nil:
			failed = append(failed, span+": "+c.err.Error())
			if firstErr == nil {
				firstErr = c.err
			}
		case c.f != nil:
			if p := c.f.Partial(); p != nil {
				failed = append(failed, span+": "+p.Error())
			}
			parts = append(parts, c.f)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("every chunk failed (%d); first: %w", len(chunks), firstErr)
	}
	f, err := frame.Concat(parts...)
	if err != nil {
		return nil, fmt.Errorf("%w: chunks do not concatenate: %v", ErrQuery, err)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	if len(failed) > 0 {
		perr := fmt.Errorf("%w: %d of %d chunks incomplete: %s", ErrPartial, len(failed), len(chunks), strings.Join(failed, "; "))
		if d.failOnPartial {
			return nil, fmt.Errorf("%w (--fail-on-partial)", perr)
		}
		d.mu.Lock()
		d.warnings = []error{perr}
		d.mu.Unlock()
		f.SetPartial(perr)
	}
	return f, nil
}
