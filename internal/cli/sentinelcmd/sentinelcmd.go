// Package sentinelcmd holds `huntkit sentinel`: Microsoft Sentinel's workspace APIs
// (incidents, bookmarks, watchlists, analytic rules, hunting queries, threat-intelligence
// indicators) through the library's SentinelWorkspace.
package sentinelcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// Options are the flags every sentinel subcommand shares.
type Options struct {
	Workspace string // AzureSentinel.Workspaces entry ("" = Default)
	Yes       bool   // skip the confirmation of writes
	Out       cliapp.Output
}

// New returns the sentinel command group.
func New(app *cliapp.App) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "sentinel",
		Short: "Microsoft Sentinel incidents, bookmarks, watchlists, rules, hunting queries and indicators",
		Long: `Work with a Microsoft Sentinel workspace through Azure Resource Manager: triage incidents
(list, show, update status/severity/owner/classification, comment, alerts, entities), list
bookmarks, watchlists, analytic rules and hunting queries, run the query of a rule or a
hunting query, and query threat-intelligence indicators.

The workspace is an AzureSentinel.Workspaces entry (--workspace-name, default Default) with
SubscriptionId, ResourceGroup and WorkspaceName; sign-in and endpoints come from the Azure
section, as for queries. Writes ask for confirmation on a terminal; --yes skips it.`,
	}
	cmd.PersistentFlags().StringVar(&o.Workspace, "workspace-name", "", "AzureSentinel.Workspaces entry (default Default)")
	cmd.PersistentFlags().BoolVar(&o.Yes, "yes", false, "do not ask before a write")
	cmd.AddCommand(incidentsCmd(app, o), listCmd(app, o, "bookmarks", "Bookmarks of the workspace", (*huntkit.SentinelWorkspace).Bookmarks),
		listCmd(app, o, "watchlists", "Watchlists of the workspace", (*huntkit.SentinelWorkspace).Watchlists),
		rulesCmd(app, o), huntingCmd(app, o), indicatorsCmd(app, o))
	return cmd
}

// open returns the workspace's API.
func open(ctx context.Context, app *cliapp.App, o *Options) (*huntkit.SentinelWorkspace, error) {
	if err := o.Out.Validate(); err != nil {
		return nil, err
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	sw, err := hk.Sentinel(ctx, o.Workspace)
	if errors.Is(err, huntkit.ErrConfig) {
		return nil, cliapp.ConfigError(err)
	}
	return sw, err
}

// confirm asks before a write: --yes skips; a non-terminal stdin without --yes refuses.
func confirm(app *cliapp.App, o *Options, what string) error {
	if o.Yes {
		return nil
	}
	f, ok := app.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return cliapp.UsageError(fmt.Errorf("%s: not confirmed (stdin is not a terminal; add --yes to write without asking)", what))
	}
	fmt.Fprintf(app.Err, "%s? [y/N] ", what)
	line, _ := bufio.NewReader(f).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return fmt.Errorf("%s: cancelled", what)
	}
	return nil
}

func listCmd(app *cliapp.App, o *Options, use, short string, fn func(*huntkit.SentinelWorkspace, context.Context) (*frame.Frame, error)) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			f, err := fn(sw, cmd.Context())
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

func incidentsCmd(app *cliapp.App, o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "incidents", Short: "List, show and update incidents; comments, alerts and entities"}
	var filt huntkit.IncidentFilter
	list := &cobra.Command{Use: "list", Short: "List incidents (newest first)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			f, err := sw.Incidents(cmd.Context(), filt)
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	list.Flags().StringVar(&filt.Status, "status", "", "New, Active, Closed (comma-separated: any)")
	list.Flags().StringVar(&filt.Severity, "severity", "", "High, Medium, Low, Informational (comma-separated: any)")
	list.Flags().IntVar(&filt.Top, "top", 0, "at most this many incidents")
	list.Flags().StringVar(&filt.Filter, "filter", "", "an extra OData $filter")
	cliapp.AddOutputFlags(list, &o.Out)

	show := idCmd(app, o, "show ID", "An incident as one row", func(ctx context.Context, sw *huntkit.SentinelWorkspace, id string) (*frame.Frame, error) {
		inc, err := sw.Incident(ctx, id)
		if err != nil {
			return nil, err
		}
		return incidentFrame(inc), nil
	})
	alerts := idCmd(app, o, "alerts ID", "The alerts of an incident", func(ctx context.Context, sw *huntkit.SentinelWorkspace, id string) (*frame.Frame, error) {
		return sw.Alerts(ctx, id)
	})
	entities := idCmd(app, o, "entities ID", "The entities of an incident", func(ctx context.Context, sw *huntkit.SentinelWorkspace, id string) (*frame.Frame, error) {
		return sw.Entities(ctx, id)
	})
	comments := idCmd(app, o, "comments ID", "The comments of an incident", func(ctx context.Context, sw *huntkit.SentinelWorkspace, id string) (*frame.Frame, error) {
		return sw.Comments(ctx, id)
	})
	cmd.AddCommand(list, show, alerts, entities, comments, updateCmd(app, o), commentCmd(app, o))
	return cmd
}

func incidentFrame(inc *huntkit.Incident) *frame.Frame {
	return sentinelIncidents([]huntkit.Incident{*inc})
}

func idCmd(app *cliapp.App, o *Options, use, short string, fn func(context.Context, *huntkit.SentinelWorkspace, string) (*frame.Frame, error)) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			f, err := fn(cmd.Context(), sw, args[0])
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

func updateCmd(app *cliapp.App, o *Options) *cobra.Command {
	var ch huntkit.IncidentChange
	cmd := &cobra.Command{Use: "update ID", Short: "Set status, severity, owner or classification (ETag-checked)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ch.Empty() {
				return cliapp.UsageError(errors.New("nothing to change: give --status, --severity, --owner or --classification"))
			}
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			if err := confirm(app, o, "update incident "+args[0]); err != nil {
				return err
			}
			inc, err := sw.UpdateIncident(cmd.Context(), args[0], ch)
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, incidentFrame(inc))
		}}
	f := cmd.Flags()
	f.StringVar(&ch.Status, "status", "", "New, Active or Closed")
	f.StringVar(&ch.Severity, "severity", "", "High, Medium, Low or Informational")
	f.StringVar(&ch.Owner, "owner", "", "assignee (UPN or e-mail; - unassigns)")
	f.StringVar(&ch.Classification, "classification", "", "TruePositive, BenignPositive, FalsePositive or Undetermined")
	f.StringVar(&ch.ClassificationComment, "classification-comment", "", "why")
	f.StringVar(&ch.ETag, "etag", "", "refuse the update unless the incident still has this ETag")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

func commentCmd(app *cliapp.App, o *Options) *cobra.Command {
	return &cobra.Command{Use: "comment ID TEXT", Short: "Add a comment to an incident", Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			if err := confirm(app, o, "comment on incident "+args[0]); err != nil {
				return err
			}
			c, err := sw.AddComment(cmd.Context(), args[0], strings.Join(args[1:], " "))
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Out, "comment %s added to incident %s\n", c.Name, args[0])
			return nil
		}}
}

func rulesCmd(app *cliapp.App, o *Options) *cobra.Command {
	var templates bool
	var win huntkit.Window
	cmd := &cobra.Command{Use: "rules [list | run ID]", Short: "Analytic rules (or --templates): list, or run a rule's query", Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			var f *frame.Frame
			switch {
			case len(args) == 0 || args[0] == "list":
				if templates {
					f, err = sw.AlertRuleTemplates(cmd.Context())
				} else {
					f, err = sw.AlertRules(cmd.Context())
				}
			case args[0] == "run" && len(args) == 2:
				f, err = sw.RunRule(cmd.Context(), nil, args[1], templates, win)
			default:
				return cliapp.UsageError(errors.New("want 'rules list' or 'rules run ID'"))
			}
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	cmd.Flags().BoolVar(&templates, "templates", false, "rule templates instead of rules")
	cmd.Flags().StringVar(&win.Start, "start", "", "window start for run (default the rule's period)")
	cmd.Flags().StringVar(&win.End, "end", "", "window end for run")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

func huntingCmd(app *cliapp.App, o *Options) *cobra.Command {
	var win huntkit.Window
	cmd := &cobra.Command{Use: "hunting [list | run ID]", Short: "Hunting queries: list, or run one", Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			var f *frame.Frame
			switch {
			case len(args) == 0 || args[0] == "list":
				f, err = sw.HuntingQueries(cmd.Context())
			case args[0] == "run" && len(args) == 2:
				f, err = sw.RunHunting(cmd.Context(), nil, args[1], win)
			default:
				return cliapp.UsageError(errors.New("want 'hunting list' or 'hunting run ID'"))
			}
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	cmd.Flags().StringVar(&win.Start, "start", "", "window start for run")
	cmd.Flags().StringVar(&win.End, "end", "", "window end for run")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

func indicatorsCmd(app *cliapp.App, o *Options) *cobra.Command {
	var q huntkit.IndicatorQuery
	var types string
	cmd := &cobra.Command{Use: "indicators [KEYWORDS]", Short: "Query threat-intelligence indicators", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := open(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				q.Keywords = args[0]
			}
			if types != "" {
				q.PatternTypes = strings.Split(types, ",")
			}
			f, err := sw.Indicators(cmd.Context(), q)
			if err != nil {
				return err
			}
			return app.WriteFrame(&o.Out, f)
		}}
	cmd.Flags().StringVar(&types, "type", "", "pattern types (ipv4-addr, domain-name, url, file), comma-separated")
	cmd.Flags().IntVar(&q.Top, "top", 0, "at most this many indicators")
	cliapp.AddOutputFlags(cmd, &o.Out)
	return cmd
}

// sentinelIncidents lays incidents out as the list command does.
var sentinelIncidents = huntkit.IncidentFrame
