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

// WorkspaceColumn names the column a query of several workspaces adds (first), holding each
// row's workspace name from AzureSentinel.Workspaces.
const WorkspaceColumn = "Workspace"

// job is one query of a split or multi-workspace run: one workspace, one time range.
type job struct {
	ws         Workspace
	start, end time.Time
	f          *frame.Frame
	err        error
}

// label names the job in warnings: the workspace (when several) and the range (when split).
func (j job) label(multi, split bool) string {
	var parts []string
	if multi {
		parts = append(parts, "workspace "+j.ws.Name)
	}
	if split {
		parts = append(parts, j.start.Format(time.RFC3339)+".."+j.end.Format(time.RFC3339))
	}
	return strings.Join(parts, " ")
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

// queryJobs runs req once per workspace and chunk of the window (the chunk as the timespan,
// at most maxConcurrent at once) and concatenates the results in time order, the workspaces
// in their configured order within a chunk. With several workspaces each is queried on its
// own and its rows carry WorkspaceColumn. A failed job is never dropped silently: the rows of
// the others are kept and the result is flagged partial naming the failed workspaces and
// ranges (an error with --fail-on-partial, or when every job failed). Progress (jobs done,
// rows so far) goes to the Settings.Progress sink.
func (d *Driver) queryJobs(ctx context.Context, req query.Request) (*frame.Frame, error) {
	ranges := [][2]time.Time{{req.Start, req.End}}
	split := d.split > 0 && !req.Start.IsZero() && req.End.Sub(req.Start) > d.split
	if split {
		ranges = Chunks(req.Start, req.End, d.split)
	}
	multi := len(d.workspaces) > 1
	var jobs []job
	for _, r := range ranges {
		for _, w := range d.workspaces {
			jobs = append(jobs, job{ws: w, start: r[0], end: r[1]})
		}
	}
	prog := newTracker(d.progress, len(jobs))
	defer prog.done()
	sem := make(chan struct{}, maxConcurrent)
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		go func(j *job) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				j.err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			sub := req
			sub.Start, sub.End = j.start, j.end
			j.f, j.err = d.queryOnce(ctx, sub, j.ws)
			if j.err == nil && multi {
				j.f, j.err = withWorkspace(j.f, j.ws.Name)
			}
			rows := 0
			if j.f != nil {
				rows = j.f.Len()
			}
			prog.step(rows)
		}(&jobs[i])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.gather(jobs, multi, split)
}

// gather concatenates the jobs' frames and flags the failed ones.
func (d *Driver) gather(jobs []job, multi, split bool) (*frame.Frame, error) {
	noun := "queries"
	switch {
	case split && !multi:
		noun = "chunks"
	case multi && !split:
		noun = "workspaces"
	}
	var parts []*frame.Frame
	var failed []string
	var firstErr error
	for _, j := range jobs {
		switch {
		case j.err != nil:
			failed = append(failed, j.label(multi, split)+": "+j.err.Error())
			if firstErr == nil {
				firstErr = j.err
			}
		case j.f != nil:
			if p := j.f.Partial(); p != nil {
				failed = append(failed, j.label(multi, split)+": "+p.Error())
			}
			parts = append(parts, j.f)
		}
	}
	if len(parts) == 0 {
		if len(jobs) == 1 {
			return nil, firstErr
		}
		return nil, fmt.Errorf("every one of %d %s failed; first: %w", len(jobs), noun, firstErr)
	}
	f, err := frame.Concat(parts...)
	if err != nil {
		return nil, fmt.Errorf("%w: results do not concatenate: %v", ErrQuery, err)
	}
	d.mu.Lock()
	d.warnings = nil
	d.mu.Unlock()
	if len(failed) > 0 {
		perr := fmt.Errorf("%w: %d of %d %s incomplete: %s", ErrPartial, len(failed), len(jobs), noun, strings.Join(failed, "; "))
		if d.failOnPartial {
			return nil, fmt.Errorf("%w (--fail-on-partial)", perr)
		}
		d.mu.Lock()
		d.warnings = []error{perr}
		d.mu.Unlock()
		f.SetPartial(perr)
	} else {
		f.SetPartial(nil)
	}
	return f, nil
}

// withWorkspace puts WorkspaceColumn (name on every row) first in f, keeping its partial flag.
func withWorkspace(f *frame.Frame, name string) (*frame.Frame, error) {
	names := make([]string, f.Len())
	for i := range names {
		names[i] = name
	}
	cols := append([]*frame.Column{frame.NewStrings(WorkspaceColumn, names)}, f.Drop(WorkspaceColumn).Columns()...)
	out, err := frame.New(cols...)
	if err != nil {
		return nil, fmt.Errorf("%w: add the %s column: %v", ErrQuery, WorkspaceColumn, err)
	}
	return out.SetPartial(f.Partial()), nil
}

// tracker reports jobs done and rows so far through a Settings.Progress sink. The sink's
// label is fixed when a counter opens, so each step reopens the counter with the row count
// in its label.
type tracker struct {
	mu       sync.Mutex
	open     func(string, int) query.Progress
	p        query.Progress
	total, n int
	rows     int
}

func newTracker(open func(string, int) query.Progress, total int) *tracker {
	t := &tracker{open: open, total: total}
	if open != nil && total > 1 {
		t.reopen()
	}
	return t
}

func (t *tracker) reopen() {
	if t.p != nil {
		t.p.Done()
	}
	t.p = t.open(fmt.Sprintf("%s: %d rows so far; queries", Name, t.rows), t.total)
	if t.p != nil {
		t.p.Add(t.n)
	}
}

func (t *tracker) step(rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	t.rows += rows
	if t.open != nil && t.total > 1 {
		t.reopen()
	}
}

func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.p != nil {
		t.p.Done()
		t.p = nil
	}
}
