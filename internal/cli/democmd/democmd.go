// Package democmd implements "huntkit demo": it runs the guided hunt of package demo/hunt
// over the simulated demo tenant and renders its steps as they run, ending with the planted
// stages the hunt found compared with the ground truth.
package democmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/demo/hunt"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
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
	if o.days < 3 || o.days > 366 {
		return cliapp.UsageError(fmt.Errorf("--days %d out of range 3..366", o.days))
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	exe, _ := os.Executable()
	r := &renderer{w: app.Out}
	r.self, r.buildHint = invocation(exe, exec.LookPath)
	res, err := hunt.Run(ctx, hk, hunt.Options{
		Dir:      o.dir,
		Tenant:   demo.Options{Seed: o.seed, Days: o.days, Size: size},
		GeoIPDir: o.geoipDir,
		Views:    o.views,
		OnStep:   r.step,
		OnItem:   r.item,
		OnReady:  r.intro,
	})
	if err != nil {
		return err
	}
	r.summary(res)
	return nil
}

// renderer prints the hunt as it runs.
type renderer struct {
	w io.Writer
	// self is how the closing suggestions call huntkit; buildHint, when set, says how to
	// build it (the demo was started with go run).
	self, buildHint string
}

// invocation tells how the user can run huntkit again, given the running executable's path
// and a PATH lookup: "huntkit" when that is what PATH finds; "go run ./cmd/huntkit" with a
// hint to build it when the executable is go run's temporary build (…/go-build…/exe/NAME);
// otherwise the executable's own path.
func invocation(exe string, lookPath func(string) (string, error)) (cmd, hint string) {
	slash := filepath.ToSlash(exe)
	if strings.Contains(slash, "/go-build") && path.Base(path.Dir(slash)) == "exe" {
		return "go run ./cmd/huntkit", "huntkit was started with go run and is not installed: build it with " +
			"`go build -o huntkit ./cmd/huntkit` (or `go install ./cmd/huntkit`) to call it as huntkit"
	}
	if p, err := lookPath("huntkit"); err == nil && (exe == "" || sameFile(p, exe)) {
		return "huntkit", ""
	}
	if exe == "" {
		return "huntkit", ""
	}
	return exe, ""
}

// sameFile reports whether a and b name the same file (after resolving links).
func sameFile(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return ra == rb
}

// intro describes the data before the first step.
func (r *renderer) intro(res *hunt.Result) {
	how := "generated"
	if res.Reused {
		how = "reused"
	}
	t := res.Truth
	fmt.Fprintf(r.w, "huntkit demo - a guided hunt through a simulated tenant (%s)\n\n", t.Domain)
	fmt.Fprintf(r.w, "Data     %d days, %s to %s, seed %d, %s: %s rows in %d tables\n", t.Days,
		t.Start.Format("2006-01-02"), t.End.Format("2006-01-02"), t.Seed, t.Size, thousands(res.Rows), len(demo.TableNames))
	fmt.Fprintf(r.w, "         %s in %s (%s), imported in %s\n", how, res.Dir, dur(res.Generate), dur(res.Import))
	where := "in memory"
	if res.Workspace != "" {
		where = res.Workspace
	}
	fmt.Fprintf(r.w, "         workspace %s; templates run through LocalData (KQL compiled to DuckDB SQL)\n", where)
}

func (r *renderer) step(s *hunt.Step) {
	fmt.Fprintf(r.w, "\n%s\nStep %d. %s\n", strings.Repeat("─", 78), s.Number, s.Title)
}

func (r *renderer) say(format string, args ...any) {
	fmt.Fprintf(r.w, "  "+format+"\n", args...)
}

func (r *renderer) item(_ *hunt.Step, it hunt.Item) {
	switch it.Kind {
	case hunt.KindNote, hunt.KindFinding:
		r.say("%s", it.Text)
	case hunt.KindBlock:
		fmt.Fprint(r.w, indent(it.Text, "    "))
	case hunt.KindSkip:
		r.say("skipped: %s - %s", it.Text, it.Why)
	case hunt.KindTable:
		r.table(it.Frame, it.Columns, it.Max)
	case hunt.KindQuery:
		if it.Query == "" {
			r.say("template %s: %v", it.Template, it.Err)
			return
		}
		fmt.Fprintf(r.w, "\n  template  %s  (%s)\n", it.Template, it.Description)
		if len(it.Params) > 0 {
			fmt.Fprintf(r.w, "  params    %s\n", formatParams(it.Params))
		}
		fmt.Fprintf(r.w, "  query\n%s", indent(compactQuery(it.Query), "    │ "))
		if it.Err != nil {
			r.say("error: %v", it.Err)
			return
		}
		fmt.Fprintf(r.w, "  result    %d row(s) in %s\n", it.Frame.Len(), dur(it.Elapsed))
		r.table(it.Frame, it.Columns, it.Max)
	}
}

// table prints up to max rows of the chosen columns.
func (r *renderer) table(f *frame.Frame, cols []string, max int) {
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
	fmt.Fprint(r.w, indent(sb.String(), "    "))
}

func formatParams(p map[string]any) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
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

// summary prints what the hunt found, compared with the ground truth.
func (r *renderer) summary(res *hunt.Result) {
	fmt.Fprintf(r.w, "\n%s\nWhat the hunt found, compared with the ground truth (%s)\n\n", strings.Repeat("═", 78), filepath.Join(res.Dir, demo.TruthFile))
	for _, s := range res.Stages {
		mark := "missed"
		if s.Found() {
			mark = "found "
		}
		fmt.Fprintf(r.w, "  [%s] %-22s %-50s", mark, s.ID, hunt.Trunc(s.Name, 50))
		if s.Found() {
			fmt.Fprintf(r.w, " step %s", strings.Join(s.Steps, ", "))
		}
		fmt.Fprintln(r.w)
	}
	fmt.Fprintf(r.w, "\n  %d of %d planted stages found; %d of %d planted IoCs surfaced", res.FoundStages(), len(res.Stages), res.IoCsSeen, len(res.Truth.IoCs))
	if len(res.Skipped) > 0 {
		fmt.Fprintf(r.w, "; %d step(s) skipped", len(res.Skipped))
	}
	fmt.Fprintf(r.w, "; total time %s\n", dur(res.Total))
	if len(res.MissedIoCs) > 0 {
		fmt.Fprintf(r.w, "  IoCs not surfaced: %s\n", strings.Join(res.MissedIoCs, "; "))
	}
	fmt.Fprintf(r.w, "\n  Keep hunting on the same data, for example:\n")
	if r.buildHint != "" {
		fmt.Fprintf(r.w, "  (%s)\n", r.buildHint)
	}
	self := r.self
	if self == "" {
		self = "huntkit"
	}
	fmt.Fprintf(r.w, "    %s queries --env LocalData\n", self)
	fmt.Fprintf(r.w, "    %s query LocalData WindowsSecurity.list_host_logons --data %s --param host_name=FS01 --start %s --end %s\n",
		self, res.Dir, res.Truth.Start.Format("2006-01-02"), res.Truth.End.Format("2006-01-02"))
}
