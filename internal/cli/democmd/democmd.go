// Package democmd implements "huntkit demo": it generates (or reuses) the simulated demo
// tenant, imports it into the workspace and walks a guided hunt through huntkit's
// built-in templates and transforms, ending with the planted stages the hunt found
// compared with the ground truth.
package democmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/provider/localdata"
	_ "github.com/huntkit/huntkit/queries" // the built-in template library
	"github.com/huntkit/huntkit/query"
)

type options struct {
	dir      string
	seed     uint64
	days     int
	size     string
	geoipDir string
	views    bool
}

// New returns the demo command.
func New(app *cliapp.App) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the simulated demo tenant and walk a guided hunt through it",
		Long: `demo generates a simulated organisation - about 25 Windows hosts, 5 Linux servers and
100 accounts observed for two weeks through Sentinel- and Defender-shaped tables - with one
planted multi-stage intrusion, imports it into the workspace and walks a hunt: alerts, logons,
processes and their tree, indicators, decoded payloads, threat intelligence, lateral movement,
persistence, exfiltration and the cloud entry point. Each step prints the template it runs,
the rendered KQL and a short result. It ends by comparing what the hunt found with the
ground truth of the planted intrusion.

The data is generated once into --dir (reused when seed, days and size match) and is
deterministic: the same seed gives the same bytes. Explore it afterwards with, e.g.,
  huntkit query LocalData WindowsSecurity.list_host_logons --data DIR --param host_name=FS01 \
      --start 2026-11-02 --end 2026-11-16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "", "folder for the generated data (default: a huntkit/demo folder in the user cache)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed gives the same data")
	f.IntVar(&o.days, "days", 14, "simulated days (at least 3)")
	f.StringVar(&o.size, "size", "small", "data volume: small (a few hundred thousand rows) or large (about 5M events, for benchmarks)")
	f.StringVar(&o.geoipDir, "geoip-dir", "", "folder of MaxMind .mmdb files for the GeoIP step (default: the configured GeoIPLite DBFolder)")
	f.BoolVar(&o.views, "views", true, "write HTML views (process tree, timeline, alerts) into DIR/report")
	return cmd
}

func run(ctx context.Context, app *cliapp.App, o *options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	size, err := demo.ParseSize(o.size)
	if err != nil {
		return cliapp.UsageError(err)
	}
	opt := demo.Options{Seed: o.seed, Days: o.days, Size: size}
	if o.days < 3 || o.days > 366 {
		return cliapp.UsageError(fmt.Errorf("--days %d out of range 3..366", o.days))
	}
	dir := o.dir
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("demo: no user cache folder (%v); give --dir", err)
		}
		dir = filepath.Join(cache, "huntkit", "demo", fmt.Sprintf("seed%d-%dd-%s", o.seed, o.days, size))
	}
	w := app.Out
	t0 := time.Now()
	truth, reused, err := demo.Ensure(ctx, dir, opt)
	if err != nil {
		return err
	}
	genTime := time.Since(t0)
	ws, err := app.Workspace(ctx)
	if err != nil {
		return err
	}
	t1 := time.Now()
	rows := 0
	for _, name := range demo.TableNames {
		if err := importTable(ctx, ws, dir, name); err != nil {
			return fmt.Errorf("demo: import %s: %w", name, err)
		}
	}
	for _, n := range truth.RowCounts {
		rows += n
	}
	importTime := time.Since(t1)
	drv, err := localdata.New(ctx, query.Settings{Workspace: ws})
	if err != nil {
		return err
	}
	store, err := query.LoadStore()
	if store == nil {
		return fmt.Errorf("demo: load templates: %w", err)
	}
	how := "generated"
	if reused {
		how = "reused"
	}
	fmt.Fprintf(w, "huntkit demo - a guided hunt through a simulated tenant (%s)\n\n", truth.Domain)
	fmt.Fprintf(w, "Data     %d days, %s to %s, seed %d, %s: %s rows in %d tables\n", truth.Days,
		truth.Start.Format("2006-01-02"), truth.End.Format("2006-01-02"), truth.Seed, truth.Size, thousands(rows), len(demo.TableNames))
	fmt.Fprintf(w, "         %s in %s (%s), imported in %s\n", how, dir, dur(genTime), dur(importTime))
	where := "in memory"
	if ws.Path() != "" {
		where = ws.Path()
	}
	fmt.Fprintf(w, "         workspace %s; templates run through LocalData (KQL compiled to DuckDB SQL)\n", where)
	h := &hunt{ctx: ctx, w: w, app: app, drv: drv, store: store, truth: truth, dir: dir,
		start: truth.Start, end: truth.End, geoipDir: o.geoipDir, views: o.views, t0: t0}
	h.walk()
	h.summary()
	return nil
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
	ctx      context.Context
	w        io.Writer
	app      *cliapp.App
	drv      query.Driver
	store    *query.Store
	truth    *demo.GroundTruth
	dir      string
	start    time.Time
	end      time.Time
	geoipDir string
	views    bool
	t0       time.Time

	step     int
	evidence []evidence // every result the hunt looked at
	skipped  []string

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
	step  string
	text  func(sub string) bool
	label string
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

// header prints a step title.
func (h *hunt) header(title string) string {
	h.step++
	fmt.Fprintf(h.w, "\n%s\nStep %d. %s\n", strings.Repeat("─", 78), h.step, title)
	return fmt.Sprintf("%d. %s", h.step, title)
}

func (h *hunt) say(format string, args ...any) {
	fmt.Fprintf(h.w, "  "+format+"\n", args...)
}

func (h *hunt) skip(what, why string) {
	h.say("skipped: %s - %s", what, why)
	h.skipped = append(h.skipped, what+": "+why)
}

// template renders and runs a built-in template, printing its name, the rendered query
// and a short result table (columns cols, at most max rows).
func (h *hunt) template(step, name string, params map[string]any, cols []string, max int) *frame.Frame {
	tm, err := h.store.Lookup(localdata.Name, name)
	if err != nil {
		h.say("template %s: %v", name, err)
		return nil
	}
	vals := map[string]any{"start": h.start, "end": h.end}
	for k, v := range params {
		vals[k] = v
	}
	req, err := tm.Render(query.KQL, vals, query.WithNow(h.end))
	if err != nil {
		h.say("template %s: %v", name, err)
		return nil
	}
	req.Language = "kql"
	fmt.Fprintf(h.w, "\n  template  %s  (%s)\n", tm.QualifiedName(), tm.Description)
	if len(params) > 0 {
		fmt.Fprintf(h.w, "  params    %s\n", formatParams(params))
	}
	fmt.Fprintf(h.w, "  query\n%s", indent(compactQuery(req.Text), "    │ "))
	t := time.Now()
	f, err := h.drv.Query(h.ctx, req)
	if err != nil {
		h.say("error: %v", err)
		return nil
	}
	fmt.Fprintf(h.w, "  result    %d row(s) in %s\n", f.Len(), dur(time.Since(t)))
	h.note(step, f)
	h.table(f, cols, max)
	return f
}

// table prints up to max rows of the chosen columns.
func (h *hunt) table(f *frame.Frame, cols []string, max int) {
	if f == nil || f.Len() == 0 || max == 0 {
		return
	}
	var keep []string
	for _, c := range cols {
		if f.Col(c) != nil {
			keep = append(keep, c)
		}
	}
	if len(keep) > 0 {
		if g, err := f.Select(keep...); err == nil {
			f = g
		}
	}
	var sb strings.Builder
	_ = frame.WriteTable(&sb, f, frame.TableOptions{Width: 140, MaxRows: max, MaxCellWidth: 70})
	fmt.Fprint(h.w, indent(sb.String(), "    "))
}

func formatParams(p map[string]any) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sortStrings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := p[k]
		switch x := v.(type) {
		case time.Time:
			v = x.Format(time.RFC3339)
		case []string:
			v = strings.Join(x, ",")
		}
		parts[i] = fmt.Sprintf("%s=%v", k, v)
	}
	return strings.Join(parts, " ")
}

// compactQuery drops the blank lines a template leaves for empty optional clauses.
func compactQuery(q string) string {
	var out []string
	for _, l := range strings.Split(q, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		out = append(out, strings.TrimRight(l, " "))
	}
	return strings.Join(out, "\n") + "\n"
}

func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix) + "\n"
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

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func dur(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// summary compares what the hunt saw with the ground truth.
func (h *hunt) summary() {
	fmt.Fprintf(h.w, "\n%s\nWhat the hunt found, compared with the ground truth (%s)\n\n", strings.Repeat("═", 78), filepath.Join(h.dir, demo.TruthFile))
	found := 0
	for _, s := range h.truth.Stages {
		var steps []string
		for _, e := range h.evidence {
			num := strings.SplitN(e.step, ".", 2)[0]
			if len(steps) > 0 && steps[len(steps)-1] == num {
				continue
			}
			for _, m := range s.Markers {
				if e.text(m) {
					steps = addUnique(steps, num)
					break
				}
			}
		}
		mark := "missed"
		if len(steps) > 0 {
			mark = "found "
			found++
		}
		fmt.Fprintf(h.w, "  [%s] %-22s %-50s", mark, s.ID, trunc(s.Name, 50))
		if len(steps) > 0 {
			fmt.Fprintf(h.w, " step %s", strings.Join(steps, ", "))
		}
		fmt.Fprintln(h.w)
	}
	seen := 0
	var missed []string
	for _, i := range h.truth.IoCs {
		hit := false
		v := i.Value
		if i.Type == "account" {
			v = v[strings.LastIndex(v, `\`)+1:] // results show the SAM name
		}
		for _, e := range h.evidence {
			if e.text(v) {
				hit = true
				break
			}
		}
		if hit {
			seen++
		} else {
			missed = append(missed, i.Type+" "+trunc(i.Value, 40))
		}
	}
	fmt.Fprintf(h.w, "\n  %d of %d planted stages found; %d of %d planted IoCs surfaced", found, len(h.truth.Stages), seen, len(h.truth.IoCs))
	if len(h.skipped) > 0 {
		fmt.Fprintf(h.w, "; %d step(s) skipped", len(h.skipped))
	}
	fmt.Fprintf(h.w, "; total time %s\n", dur(time.Since(h.t0)))
	if len(missed) > 0 {
		fmt.Fprintf(h.w, "  IoCs not surfaced: %s\n", strings.Join(missed, "; "))
	}
	fmt.Fprintf(h.w, "\n  Keep hunting on the same data, for example:\n")
	fmt.Fprintf(h.w, "    huntkit queries --env LocalData\n")
	fmt.Fprintf(h.w, "    huntkit query LocalData WindowsSecurity.list_host_logons --data %s --param host_name=FS01 --start %s --end %s\n",
		h.dir, h.start.Format("2006-01-02"), h.end.Format("2006-01-02"))
}

func trunc(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
