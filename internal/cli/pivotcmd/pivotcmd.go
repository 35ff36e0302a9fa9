// Package pivotcmd holds the entity commands: pivot (list and run the pivots of an entity:
// query templates, TI, GeoIP, whois, IoC extraction, decoding, process trees), pivot graph
// (incidents, alerts and entities as an HTML graph) and summary (a one-page host, account or
// IP report).
package pivotcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/pivot"
)

// Options are the flags every entity command shares: where the data is and the window.
type Options struct {
	Env         string
	Data        []string
	Start, End  string
	MappingFile string
	GeoIPDir    string
	Concurrency int
}

func (o *Options) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Env, "env", "", "data environment of the query pivots (default: LocalData with --data, else MSSentinel)")
	f.StringArrayVar(&o.Data, "data", nil, "data folder or file for a local environment (repeatable)")
	f.StringVar(&o.Start, "start", "", "window start: ISO-8601, now, -7d, -2h (default: end - 1 day)")
	f.StringVar(&o.End, "end", "", "window end (default: now)")
	f.StringVar(&o.MappingFile, "mapping", "", "YAML file overriding the parameter-to-attribute mapping (parameters: {host_name: [Host.fqdn]})")
	f.StringVar(&o.GeoIPDir, "geoip-dir", "", "folder of MaxMind .mmdb files (default: the configured GeoIPLite DBFolder)")
	f.IntVar(&o.Concurrency, "concurrency", 4, "pivots run at once")
}

// open builds the pivot registry for the options.
func (o *Options) open(ctx context.Context, app *cliapp.App) (*huntkit.Pivots, error) {
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	env := o.Env
	if env == "" {
		env = "MSSentinel"
		if len(o.Data) > 0 {
			env = "LocalData"
		}
	}
	return hk.Pivots(ctx, huntkit.PivotOptions{
		Env: env, Session: []huntkit.SessionOption{huntkit.WithData(o.Data...)}, MappingFile: o.MappingFile,
		Enrich: huntkit.EnrichOptions{DBDir: o.GeoIPDir, NoUpdate: o.GeoIPDir != ""},
	})
}

func (o *Options) window() pivot.Window { return pivot.Window{Start: o.Start, End: o.End} }

// parseEntity reads TYPE and VALUE; mistakes are usage errors.
func parseEntity(typ, value string) (*entity.Entity, error) {
	t, err := entity.ParseType(typ)
	if err != nil {
		return nil, cliapp.UsageError(err)
	}
	e, err := entity.Parse(t, value)
	if err != nil {
		return nil, cliapp.UsageError(fmt.Errorf("%s: %w", t, err))
	}
	return e, nil
}

// New returns the pivot and summary commands.
func New(app *cliapp.App) []*cobra.Command {
	return []*cobra.Command{newPivotCmd(app), newSummaryCmd(app)}
}

// RunOptions are the flags of huntkit pivot TYPE VALUE.
type RunOptions struct {
	Options
	Only      []string
	OutDir    string
	Format    string
	ShowQuery bool
	MaxRows   int
}

func newPivotCmd(app *cliapp.App) *cobra.Command {
	var o RunOptions
	cmd := &cobra.Command{
		Use:   "pivot TYPE VALUE | pivot list TYPE | pivot graph",
		Short: "Run everything that accepts an entity: query templates, TI, GeoIP, whois, IoCs, decoding, process trees",
		Long: `An entity (ip, host, account, url, dns, filehash, file, process, mailbox, alert,
incident, ...) is bound to everything that accepts it: every query template of the data
environment whose parameters map to its attributes (msticpy's parameter-to-attribute
mapping; --mapping FILE overrides it), every threat-intelligence provider for its indicator
type, GeoIP and whois, IoC extraction and decoding of its text, and the process tree of a
host or process. 'huntkit pivot list TYPE' lists them.

'huntkit pivot TYPE VALUE' runs them concurrently (--concurrency at once) and prints one
result table per pivot and one status line per pivot: its rows, its error, or why it was
skipped (not configured). --only picks pivots by name, kind (ti, geoip, whois, ioc, decode,
query, proctree) or glob (MSSentinel.*, *signins*). A failing pivot does not stop the
others; the exit code is 1 when any failed.

The value is checked against the type: an address for ip, DOMAIN\user, user@domain or a
name for account, a NetBIOS name or FQDN for host, ...`,
		Example: `  huntkit pivot ip 81.2.69.142 --only geoip,ti,whois
  huntkit pivot ip 175.16.199.188 --data exports --only 'LocalData.*' --start 2026-11-01 --end 2026-11-07
  huntkit pivot account 'CONTOSO\archie.harris' --data exports --only '*alerts*' --start 2026-11-01 --end 2026-11-07 --show-query
  huntkit pivot process 'powershell -enc SQBFAFgA' --only decode,ioc`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(cmd.Context(), app, &o, args[0], args[1])
		},
	}
	o.add(cmd)
	f := cmd.Flags()
	f.StringSliceVar(&o.Only, "only", nil, "run only these pivots: names, kinds or globs, comma-separated")
	f.StringVar(&o.OutDir, "out-dir", "", "write each pivot's result to DIR/<pivot>.<format> instead of printing it")
	f.StringVar(&o.Format, "format", "csv", "file format with --out-dir: "+strings.Join(frame.Formats, ", "))
	f.BoolVar(&o.ShowQuery, "show-query", false, "print the query behind each result")
	f.IntVar(&o.MaxRows, "max-rows", 20, "rows shown of each result (-1: all)")
	cmd.AddCommand(newListCmd(app), newGraphCmd(app))
	return cmd
}

// Run is huntkit pivot TYPE VALUE.
func Run(ctx context.Context, app *cliapp.App, o *RunOptions, typ, value string) error {
	e, err := parseEntity(typ, value)
	if err != nil {
		return err
	}
	if o.OutDir != "" && !validFormat(o.Format) {
		return cliapp.UsageError(fmt.Errorf("unknown --format %q (want one of %s)", o.Format, strings.Join(frame.Formats, ", ")))
	}
	p, err := o.open(ctx, app)
	if err != nil {
		return err
	}
	defer p.Close()
	rs, err := p.Run(ctx, e, o.Only, pivot.Options{Window: o.window(), Concurrency: o.Concurrency})
	if err != nil && rs == nil {
		return err
	}
	failed := 0
	for _, r := range rs {
		if r.State() == "error" {
			failed++
		}
		if err := show(app, o, r); err != nil {
			return err
		}
	}
	fmt.Fprintf(app.Out, "\nstatus of %d pivots for %s:\n", len(rs), e)
	for _, r := range rs {
		fmt.Fprintf(app.Out, "  %s\n", r.Status())
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d pivots failed (see the status lines)", failed, len(rs))
	}
	return nil
}

func validFormat(f string) bool {
	for _, x := range frame.Formats {
		if strings.EqualFold(x, f) {
			return true
		}
	}
	return false
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// show prints one result (or writes it under --out-dir).
func show(app *cliapp.App, o *RunOptions, r pivot.Result) error {
	if o.OutDir != "" {
		if r.Frame == nil {
			return nil
		}
		if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
			return err
		}
		path := filepath.Join(o.OutDir, unsafeName.ReplaceAllString(r.Pivot.Name, "_")+"."+strings.ToLower(o.Format))
		if err := frame.WriteFileContext(app.Context(), path, r.Frame, o.Format); err != nil {
			return err
		}
		app.Infof("wrote %d rows to %s", r.Rows(), path)
		return nil
	}
	if r.State() != "ok" {
		return nil
	}
	fmt.Fprintf(app.Out, "── %s (%s)\n", r.Status(), r.Pivot.Kind)
	if o.ShowQuery && r.Query != "" {
		fmt.Fprintf(app.Out, "query:\n%s\n", strings.TrimRight(r.Query, "\n"))
	}
	if r.Rows() == 0 {
		return nil
	}
	return app.WriteFrame(&cliapp.Output{MaxRows: o.MaxRows}, r.Frame)
}

func newListCmd(app *cliapp.App) *cobra.Command {
	var o Options
	var out cliapp.Output
	cmd := &cobra.Command{
		Use:   "list TYPE",
		Short: "List the pivots of an entity type",
		Long: `List every pivot that accepts an entity type: its name, kind, description, the
parameters it fills from which attributes, and whether it is ready (or why it would be
skipped). Types: ` + strings.Join(entity.TypeNames(), ", ") + `.`,
		Example: `  huntkit pivot list ip --data exports
  huntkit pivot list host --env MSSentinel -o csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return List(cmd.Context(), app, &o, &out, args[0])
		},
	}
	o.add(cmd)
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

// List is huntkit pivot list TYPE.
func List(ctx context.Context, app *cliapp.App, o *Options, out *cliapp.Output, typ string) error {
	t, err := entity.ParseType(typ)
	if err != nil {
		return cliapp.UsageError(err)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	p, err := o.open(ctx, app)
	if err != nil {
		return err
	}
	defer p.Close()
	ps := p.List(t)
	if len(ps) == 0 {
		return fmt.Errorf("no pivot accepts a %s here", t)
	}
	return app.WriteFrame(out, pivot.ListFrame(ps))
}

// GraphOptions are the flags of huntkit pivot graph.
type GraphOptions struct {
	Options
	Incident  string
	MaxAlerts int
	Out       string
	Title     string
}

func newGraphCmd(app *cliapp.App) *cobra.Command {
	var o GraphOptions
	cmd := &cobra.Command{
		Use:   "graph --out FILE.html",
		Short: "Incidents, alerts and their entities as an offline HTML graph",
		Long: `Read the incidents and alerts of the data environment in the window and draw them
with their entities as a graph: incident → alerts → entities. An entity named by several
alerts (the same account written CONTOSO\jdoe and jdoe@contoso.com, a host by its NetBIOS
name and FQDN) is one node, so shared entities join alerts and incidents. The page works
offline; hover for details, search to highlight, click a node for its neighbours.`,
		Example: `  huntkit pivot graph --data exports --start 2026-11-01 --end 2026-11-07 --out graph.html
  huntkit pivot graph --data exports --incident 168 --start 2026-11-01 --end 2026-11-07 --out incident.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Graph(cmd.Context(), app, &o)
		},
	}
	o.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.Incident, "incident", "", "only this incident (its number) and its alerts")
	f.IntVar(&o.MaxAlerts, "max-alerts", 500, "alerts read at most")
	f.StringVar(&o.Out, "out", "", "HTML file to write (required)")
	f.StringVar(&o.Title, "title", "", "page title")
	return cmd
}

// Graph is huntkit pivot graph.
func Graph(ctx context.Context, app *cliapp.App, o *GraphOptions) error {
	if o.Out == "" {
		return cliapp.UsageError(errors.New("name the HTML file with --out"))
	}
	p, err := o.open(ctx, app)
	if err != nil {
		return err
	}
	defer p.Close()
	g, _, err := p.EntityGraph(ctx, huntkit.GraphOptions{Window: o.window(), Incident: o.Incident, MaxAlerts: o.MaxAlerts})
	if err != nil {
		return err
	}
	if err := frame.AtomicWriteContext(ctx, o.Out, 0o644, func(w io.Writer) error {
		return huntkit.WriteEntityGraph(w, g, o.Title)
	}); err != nil {
		return err
	}
	app.Infof("wrote %s: %d nodes, %d links, %d shared entities", o.Out, len(g.Nodes), len(g.Edges), len(g.Shared()))
	return nil
}

// SummaryOptions are the flags of huntkit summary.
type SummaryOptions struct {
	Options
	Out     string
	MaxRows int
}

func newSummaryCmd(app *cliapp.App) *cobra.Command {
	var o SummaryOptions
	cmd := &cobra.Command{
		Use:   "summary host|account|ip VALUE",
		Short: "A one-page summary of a host, an account or an IP address (terminal and offline HTML)",
		Long: `Summarise a host, an account or an IP address from the data environment and the
enrichment services: what it is, its alerts and the incidents holding them, the entities
those alerts name, a timeline of its activity (logons, sign-ins, Microsoft 365, network),
GeoIP and TI verdicts (of the address, or of the public addresses around a host or
account), and what looks unusual (severe alerts, open incidents, TI hits, sign-ins from
several countries or a success after failures, new inbox rules). Each section keeps the
query behind it. The text goes to the terminal; --out writes the report as one offline
HTML page.`,
		Example: `  huntkit summary ip 175.16.199.188 --data exports --start 2026-11-01 --end 2026-11-07 --out ip.html
  huntkit summary host WKS-FIN-04 --data exports --start 2026-11-01 --end 2026-11-07
  huntkit summary account jacob.harris@contoso.com --data exports --start 2026-11-01 --end 2026-11-07 --max-rows 3`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Summary(cmd.Context(), app, &o, args[0], args[1])
		},
	}
	o.add(cmd)
	cmd.Flags().StringVar(&o.Out, "out", "", "also write the report as an offline HTML page")
	cmd.Flags().IntVar(&o.MaxRows, "max-rows", 5, "rows shown of each section on the terminal (0: none, -1: all)")
	return cmd
}

// Summary is huntkit summary TYPE VALUE.
func Summary(ctx context.Context, app *cliapp.App, o *SummaryOptions, typ, value string) error {
	e, err := parseEntity(typ, value)
	if err != nil {
		return err
	}
	p, err := o.open(ctx, app)
	if err != nil {
		return err
	}
	defer p.Close()
	s, err := p.Summarize(ctx, e, o.window())
	if err != nil {
		return err
	}
	if err := s.WriteText(app.Out, o.MaxRows); err != nil {
		return err
	}
	if o.Out != "" {
		if err := frame.AtomicWriteContext(ctx, o.Out, 0o644, s.WriteHTML); err != nil {
			return err
		}
		app.Infof("wrote the report to %s", o.Out)
	}
	return nil
}
