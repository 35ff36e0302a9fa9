// Package hunt is the guided hunt through the simulated demo tenant (package demo): it
// generates (or reuses) the tenant, imports it into a huntkit workspace and walks an
// investigation through the built-in templates and transforms - alerts, logons,
// processes and their tree, indicators, decoded payloads, threat intelligence, lateral
// movement, persistence, exfiltration, the cloud entry point - then compares what it found
// with the ground truth of the planted intrusion.
//
// Run returns every step as structured results (the template run, its rendered query, the
// Frame it returned, the findings and pivots drawn from it), so the same hunt runs from the
// command line (huntkit demo renders it), a notebook or a test. Every pivot comes from an
// earlier step's results; the ground truth is read only by the final comparison.
package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/localdata"
)

// Options choose the tenant and what the hunt may use.
type Options struct {
	// Dir holds the generated data ("" = a huntkit/demo folder in the user cache, named
	// after seed, days and size). Data is reused when seed, days and size match.
	Dir string
	// Tenant is the simulated tenant: seed, days (3..366) and size.
	Tenant demo.Options
	// GeoIPDir is a folder of MaxMind .mmdb files ("" = the configured GeoIPLite DBFolder).
	GeoIPDir string
	// Views writes HTML views (process tree, timeline, alerts) into Dir/report.
	Views bool
	// OnStep and OnItem, when set, are called as each step starts and each item is added,
	// so a caller can show the hunt as it runs.
	OnStep func(s *Step)
	OnItem func(s *Step, it Item)
	// OnReady, when set, is called once the data is imported, before the first step.
	OnReady func(r *Result)
}

// Kind says what an Item holds.
type Kind int

// Item kinds.
const (
	KindQuery   Kind = iota // a template run: Template, Params, Query, Frame, Elapsed, Err
	KindTable               // a Frame to show (Columns, Max)
	KindNote                // a line of narration (Text)
	KindFinding             // a conclusion or pivot drawn from the results (Text)
	KindBlock               // preformatted text, such as a process tree (Text)
	KindSkip                // a part of the step that could not run (Text: what, Why)
)

// Item is one thing a step did or found.
type Item struct {
	Kind Kind
	Text string
	Why  string // KindSkip: why

	// KindQuery
	Template    string // Family.name
	Description string
	Params      map[string]any // the parameters the step chose (besides the window)
	Query       string         // the rendered query ("" when it could not be rendered)
	Elapsed     time.Duration
	Err         error

	// KindQuery and KindTable: the result and how much of it to show
	Frame   *frame.Frame
	Columns []string
	Max     int
}

// Step is one stage of the hunt.
type Step struct {
	Number int
	Title  string
	Items  []Item
}

// Stage is a planted stage of the intrusion and the steps whose results show it.
type Stage struct {
	ID, Name string
	Steps    []string // step numbers
}

// Found reports whether the hunt saw the stage.
func (s Stage) Found() bool { return len(s.Steps) > 0 }

// Result is a finished hunt.
type Result struct {
	Dir        string
	Truth      *demo.GroundTruth
	Reused     bool // the data was already in Dir
	Rows       int
	Generate   time.Duration
	Import     time.Duration
	Workspace  string // "" = in memory
	Steps      []*Step
	Stages     []Stage
	IoCsSeen   int
	MissedIoCs []string // "type value" of planted IoCs no result showed
	Skipped    []string
	Total      time.Duration
}

// FoundStages counts the planted stages the hunt found.
func (r *Result) FoundStages() int {
	n := 0
	for _, s := range r.Stages {
		if s.Found() {
			n++
		}
	}
	return n
}

// DefaultDir is the cache folder Run uses when Options.Dir is "".
func DefaultDir(t demo.Options) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("demo: no user cache folder (%v); give a folder", err)
	}
	return filepath.Join(cache, "huntkit", "demo", fmt.Sprintf("seed%d-%dd-%s", t.Seed, t.Days, t.Size)), nil
}

// Run generates or reuses the tenant, imports it into hk's workspace and walks the hunt.
// Steps that cannot run (no GeoIP database, no feed) are skipped and listed; an error is
// returned only when the data cannot be prepared or ctx ends.
func Run(ctx context.Context, hk *huntkit.Huntkit, o Options) (*Result, error) {
	if o.Tenant.Days < 3 || o.Tenant.Days > 366 {
		return nil, fmt.Errorf("%w: days %d out of range 3..366", huntkit.ErrBadRequest, o.Tenant.Days)
	}
	dir := o.Dir
	if dir == "" {
		var err error
		if dir, err = DefaultDir(o.Tenant); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	truth, reused, err := demo.Ensure(ctx, dir, o.Tenant)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: dir, Truth: truth, Reused: reused, Generate: time.Since(t0)}
	ws, err := hk.Workspace(ctx)
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	for _, name := range demo.TableNames {
		if err := importTable(ctx, ws, dir, name); err != nil {
			return nil, fmt.Errorf("demo: import %s: %w", name, err)
		}
	}
	for _, n := range truth.RowCounts {
		res.Rows += n
	}
	res.Import = time.Since(t1)
	res.Workspace = ws.Path()
	s, err := hk.Provider(localdata.Name)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if o.OnReady != nil {
		o.OnReady(res)
	}
	h := &hunt{ctx: ctx, hk: hk, s: s, opt: o, truth: truth, dir: dir, start: truth.Start, end: truth.End, res: res}
	h.walk()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	h.compare()
	res.Total = time.Since(t0)
	return res, nil
}

// importTable loads one demo table: a single Parquet file through the engine's importer, or
// the day parts of a large tenant in one statement.
func importTable(ctx context.Context, ws *engine.Workspace, dir, name string) error {
	files, err := demo.TableFiles(dir, name)
	if err != nil {
		return err
	}
	if len(files) == 1 {
		return ws.Import(ctx, name, files[0])
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = engine.QuoteString(f)
	}
	return ws.Exec(ctx, "CREATE OR REPLACE TABLE "+engine.QuoteIdent(name)+" AS SELECT * FROM read_parquet(["+strings.Join(quoted, ", ")+"])")
}

// hunt is the state of one guided hunt: pivots found so far and the evidence gathered.
type hunt struct {
	ctx   context.Context
	hk    *huntkit.Huntkit
	s     *huntkit.Session
	opt   Options
	truth *demo.GroundTruth
	dir   string
	start time.Time
	end   time.Time
	res   *Result

	cur      *Step
	evidence []evidence // every result the hunt looked at

	// pivots
	alertName, alertHost, alertProcess string
	alertTime                          time.Time
	procs                              *frame.Frame
	suspectImages                      []string
	publicIPs, domains, urls, hashes   []string
	implant                            string
	stolenAccount                      string
	exfilIPs                           []string
	cloudIPs                           []string
}

type evidence struct {
	step string
	text func(sub string) bool
}

func (h *hunt) note(step string, f *frame.Frame) {
	if f == nil {
		return
	}
	h.evidence = append(h.evidence, evidence{step: step, text: func(sub string) bool { return frameHas(f, sub) }})
}

func (h *hunt) noteText(step, s string) {
	h.evidence = append(h.evidence, evidence{step: step, text: func(sub string) bool { return strings.Contains(s, sub) }})
}

// header starts a step.
func (h *hunt) header(title string) string {
	n := len(h.res.Steps) + 1
	h.cur = &Step{Number: n, Title: title}
	h.res.Steps = append(h.res.Steps, h.cur)
	if h.opt.OnStep != nil {
		h.opt.OnStep(h.cur)
	}
	return fmt.Sprintf("%d. %s", n, title)
}

func (h *hunt) add(it Item) {
	h.cur.Items = append(h.cur.Items, it)
	if h.opt.OnItem != nil {
		h.opt.OnItem(h.cur, it)
	}
}

// say narrates; a line starting with an arrow is a finding.
func (h *hunt) say(format string, args ...any) {
	kind := KindNote
	if strings.HasPrefix(format, "→") {
		kind = KindFinding
	}
	h.add(Item{Kind: kind, Text: fmt.Sprintf(format, args...)})
}

func (h *hunt) block(text string) { h.add(Item{Kind: KindBlock, Text: text}) }

func (h *hunt) skip(what, why string) {
	h.add(Item{Kind: KindSkip, Text: what, Why: why})
	h.res.Skipped = append(h.res.Skipped, what+": "+why)
}

// template renders and runs a built-in template over the tenant's window (params may
// narrow it), recording the query, its result and the columns worth showing.
func (h *hunt) template(step, name string, params map[string]any, cols []string, max int) *frame.Frame {
	it := Item{Kind: KindQuery, Template: name, Params: params, Columns: cols, Max: max}
	vals := huntkit.Params{"start": h.start, "end": h.end}
	for k, v := range params {
		vals[k] = v
	}
	if tm, err := h.s.Template(name); err == nil {
		it.Template, it.Description = tm.QualifiedName(), tm.Description
	}
	req, err := h.s.Prepare(huntkit.Request{Template: name, Params: vals, Now: h.end})
	if err != nil {
		it.Err = err
		h.add(it)
		return nil
	}
	it.Query = req.Text
	t := time.Now()
	f, err := h.s.Execute(h.ctx, req)
	it.Elapsed, it.Frame, it.Err = time.Since(t), f, err
	if err != nil {
		it.Frame = nil
		h.add(it)
		return nil
	}
	h.note(step, f)
	h.add(it)
	return f
}

// table shows up to max rows of the chosen columns of f.
func (h *hunt) table(f *frame.Frame, cols []string, max int) {
	if f == nil || f.Len() == 0 || max == 0 {
		return
	}
	h.add(Item{Kind: KindTable, Frame: f, Columns: cols, Max: max})
}

// compare matches what the hunt saw against the ground truth.
func (h *hunt) compare() {
	for _, s := range h.truth.Stages {
		st := Stage{ID: s.ID, Name: s.Name}
		for _, e := range h.evidence {
			num := strings.SplitN(e.step, ".", 2)[0]
			if len(st.Steps) > 0 && st.Steps[len(st.Steps)-1] == num {
				continue
			}
			for _, m := range s.Markers {
				if e.text(m) {
					st.Steps = addUnique(st.Steps, num)
					break
				}
			}
		}
		h.res.Stages = append(h.res.Stages, st)
	}
	for _, i := range h.truth.IoCs {
		v := i.Value
		if i.Type == "account" {
			v = v[strings.LastIndex(v, `\`)+1:] // results show the SAM name
		}
		hit := false
		for _, e := range h.evidence {
			if e.text(v) {
				hit = true
				break
			}
		}
		if hit {
			h.res.IoCsSeen++
		} else {
			h.res.MissedIoCs = append(h.res.MissedIoCs, i.Type+" "+Trunc(i.Value, 40))
		}
	}
}

func frameHas(f *frame.Frame, sub string) bool {
	for _, c := range f.Columns() {
		for i := 0; i < c.Len(); i++ {
			if strings.Contains(c.Text(i), sub) {
				return true
			}
		}
	}
	return false
}

// column returns the distinct non-empty values of a column, in order of first appearance.
func column(f *frame.Frame, name string) []string {
	if f == nil || f.Col(name) == nil {
		return nil
	}
	c := f.Col(name)
	seen := map[string]bool{}
	var out []string
	for i := 0; i < c.Len(); i++ {
		v := c.Text(i)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

func addUnique(list []string, vals ...string) []string {
	for _, v := range vals {
		found := false
		for _, x := range list {
			if x == v {
				found = true
				break
			}
		}
		if !found && v != "" {
			list = append(list, v)
		}
	}
	return list
}

// Trunc shortens s to n runes, ending with an ellipsis when cut.
func Trunc(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
