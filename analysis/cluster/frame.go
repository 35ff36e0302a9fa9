package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// FeatureOptions name the columns of process events.
type FeatureOptions struct {
	// Path, CommandLine and LogonID default to msticpy's NewProcessName, CommandLine and
	// SubjectLogonId; a missing column only skips its features.
	Path, CommandLine, LogonID string
	// Sep is the path separator; "" detects it from the first 10 paths ("/" if any has one).
	Sep string
}

// AddProcessFeatures returns f with msticpy's process features added (processName,
// pathScore, pathLogScore, pathHash, commandlineLen, commandlineLogLen,
// commandlineTokensFull, commandlineScore, commandlineTokensHash, isSystemSession) and
// commandlineEntropy. Nulls count as empty strings.
func AddProcessFeatures(f *frame.Frame, o FeatureOptions) (*frame.Frame, error) {
	if o.Path == "" {
		o.Path = "NewProcessName"
	}
	if o.CommandLine == "" {
		o.CommandLine = "CommandLine"
	}
	if o.LogonID == "" {
		o.LogonID = "SubjectLogonId"
	}
	pc, cc, lc := f.Col(o.Path), f.Col(o.CommandLine), f.Col(o.LogonID)
	if pc == nil && cc == nil {
		return nil, fmt.Errorf("%w: neither a path column %q nor a command-line column %q (columns: %s)", ErrInput, o.Path, o.CommandLine, strings.Join(f.Names(), ", "))
	}
	str := func(c *frame.Column, i int) string {
		if c == nil || c.IsNull(i) {
			return ""
		}
		return c.Str(i)
	}
	sep := o.Sep
	if sep == "" {
		sep = "\\"
		for i := range min(10, f.Len()) {
			if strings.Contains(str(pc, i), "/") {
				sep = "/"
			}
		}
	}
	n := f.Len()
	names := make([]string, n)
	ps, ph, cl, ct, cs, chh := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	pls, cll, ent := make([]float64, n), make([]float64, n), make([]float64, n)
	sys := make([]bool, n)
	for i := range n {
		ft := Features(str(pc, i), str(cc, i), str(lc, i), sep)
		names[i], ps[i], pls[i], ph[i] = ft.ProcessName, ft.PathScore, ft.PathLogScore, int64(ft.PathHash)
		cl[i], cll[i], ct[i], cs[i], chh[i] = int64(ft.CommandlineLen), ft.CommandlineLogLen, int64(ft.CommandlineTokensFull), ft.CommandlineScore, int64(ft.CommandlineTokensHash)
		ent[i], sys[i] = ft.CommandlineEntropy, ft.IsSystemSession
	}
	out := f.Slice(0, n)
	var cols []*frame.Column
	if pc != nil {
		cols = append(cols, frame.NewStrings("processName", names), frame.NewInts("pathScore", ps),
			frame.NewFloats("pathLogScore", pls), frame.NewInts("pathHash", ph))
	}
	if cc != nil {
		cols = append(cols, frame.NewInts("commandlineLen", cl), frame.NewFloats("commandlineLogLen", cll),
			frame.NewInts("commandlineTokensFull", ct), frame.NewInts("commandlineScore", cs),
			frame.NewInts("commandlineTokensHash", chh), frame.NewFloats("commandlineEntropy", ent))
	}
	if lc != nil {
		cols = append(cols, frame.NewBools("isSystemSession", sys))
	}
	for _, c := range cols {
		if err := out.AddColumn(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Matrix reads numeric (int, float, bool) columns of f as points.
func Matrix(f *frame.Frame, cols []string) ([][]float64, error) {
	cs := make([]*frame.Column, len(cols))
	for j, name := range cols {
		c := f.Col(name)
		if c == nil {
			return nil, fmt.Errorf("%w: column %q not in the table (columns: %s)", ErrInput, name, strings.Join(f.Names(), ", "))
		}
		switch c.Type() {
		case frame.Int, frame.Float, frame.Bool:
		default:
			return nil, fmt.Errorf("%w: column %q is %s, want a number (add features first)", ErrInput, name, c.Type())
		}
		cs[j] = c
	}
	flat := make([]float64, f.Len()*len(cols))
	out := make([][]float64, f.Len())
	for i := range out {
		row := flat[i*len(cols) : (i+1)*len(cols) : (i+1)*len(cols)]
		for j, c := range cs {
			switch {
			case c.IsNull(i):
			case c.Type() == frame.Bool:
				if c.Bool(i) {
					row[j] = 1
				}
			default:
				row[j] = c.Float(i)
			}
		}
		out[i] = row
	}
	return out, nil
}

// ClusterOptions are dbcluster_events' parameters.
type ClusterOptions struct {
	DBSCANOptions
	// Columns are the features clustered on.
	Columns []string
	// Normalize scales each row to unit length first (msticpy's default).
	Normalize bool
	// Time orders each cluster's events for FirstEventTime and LastEventTime.
	Time string
}

// ClusterEvents clusters the rows of f as msticpy's dbcluster_events does and returns its
// frame: every noise row (ClusterId -1, ClusterSize 1), then the first row of each cluster
// with its ClusterSize, with Clustered, ClusterId, ClusterSize, FirstEventTime and
// LastEventTime added (and TimeGenerated set to the first event's time).
func ClusterEvents(ctx context.Context, f *frame.Frame, o ClusterOptions) (*frame.Frame, error) {
	labels, err := Labels(ctx, f, o)
	if err != nil {
		return nil, err
	}
	var tc *frame.Column
	if o.Time != "" {
		if tc = f.Col(o.Time); tc == nil || tc.Type() != frame.Time {
			return nil, fmt.Errorf("%w: time column %q: not a time column of the table", ErrInput, o.Time)
		}
	}
	nc := 0
	for _, l := range labels {
		nc = max(nc, l+1)
	}
	size := make([]int64, nc)
	first := make([]int, nc)
	lo, hi := make([]time.Time, nc), make([]time.Time, nc)
	for i := range first {
		first[i] = -1
	}
	var rows []int
	for i, l := range labels {
		if l == Noise {
			rows = append(rows, i)
			continue
		}
		size[l]++
		if first[l] < 0 {
			first[l] = i
		}
		if tc != nil && !tc.IsNull(i) {
			t := tc.Time(i)
			if lo[l].IsZero() || t.Before(lo[l]) {
				lo[l] = t
			}
			if hi[l].IsZero() || t.After(hi[l]) {
				hi[l] = t
			}
		}
	}
	noise := len(rows)
	rows = append(rows, first...)
	out := f.Take(rows)
	n := len(rows)
	clustered, ids, sizes := make([]bool, n), make([]int64, n), make([]int64, n)
	fe, le := make([]time.Time, n), make([]time.Time, n)
	valid := make([]bool, n)
	for k, r := range rows {
		if k < noise {
			ids[k], sizes[k] = Noise, 1
			if tc != nil && !tc.IsNull(r) {
				fe[k], le[k], valid[k] = tc.Time(r), tc.Time(r), true
			}
			continue
		}
		l := k - noise
		clustered[k], ids[k], sizes[k] = true, int64(l), size[l]
		fe[k], le[k], valid[k] = lo[l], hi[l], !lo[l].IsZero()
	}
	add := []*frame.Column{frame.NewBools("Clustered", clustered), frame.NewInts("ClusterId", ids), frame.NewInts("ClusterSize", sizes)}
	if tc != nil {
		add = append(add, frame.NewTimes("TimeGenerated", fe).WithValid(valid), frame.NewTimes("FirstEventTime", fe).WithValid(valid),
			frame.NewTimes("LastEventTime", le).WithValid(valid))
	}
	for _, c := range add {
		if err := out.AddColumn(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Labels runs DBSCAN on the rows of f as ClusterEvents does and returns each row's
// cluster (Noise for none).
func Labels(ctx context.Context, f *frame.Frame, o ClusterOptions) ([]int, error) {
	pts, err := Matrix(f, o.Columns)
	if err != nil {
		return nil, err
	}
	if o.Normalize {
		pts = Normalize(pts)
	}
	return DBSCAN(ctx, pts, o.DBSCANOptions)
}

// WithLabels returns f with a ClusterId column holding labels (one per row).
func WithLabels(f *frame.Frame, labels []int) (*frame.Frame, error) {
	ids := make([]int64, len(labels))
	for i, l := range labels {
		ids[i] = int64(l)
	}
	out := f.Slice(0, f.Len())
	return out, out.AddColumn(frame.NewInts("ClusterId", ids))
}
