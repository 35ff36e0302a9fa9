// Package cli assembles huntkit's command line: the root command, its global flags, and the
// command groups, each of which lives in its own package under internal/cli.
package cli

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cli/analyzecmd"
	"github.com/huntkit/huntkit/internal/cli/authcmd"
	"github.com/huntkit/huntkit/internal/cli/configcmd"
	"github.com/huntkit/huntkit/internal/cli/democmd"
	"github.com/huntkit/huntkit/internal/cli/emulatecmd"
	"github.com/huntkit/huntkit/internal/cli/geoipcmd"
	"github.com/huntkit/huntkit/internal/cli/ioccmd"
	"github.com/huntkit/huntkit/internal/cli/kqlcmd"
	"github.com/huntkit/huntkit/internal/cli/otrfcmd"
	"github.com/huntkit/huntkit/internal/cli/pivotcmd"
	"github.com/huntkit/huntkit/internal/cli/proctreecmd"
	"github.com/huntkit/huntkit/internal/cli/querycmd"
	"github.com/huntkit/huntkit/internal/cli/schemacmd"
	"github.com/huntkit/huntkit/internal/cli/sentinelcmd"
	"github.com/huntkit/huntkit/internal/cli/ticmd"
	"github.com/huntkit/huntkit/internal/cli/viscmd"
	"github.com/huntkit/huntkit/internal/cli/whoiscmd"
	"github.com/huntkit/huntkit/internal/cli/workbenchcmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/guard"
)

// Version is set at build time with -ldflags "-X github.com/huntkit/huntkit/internal/cli.Version=...".
var Version = ""

// NewRoot returns the huntkit root command bound to app.
func NewRoot(app *cliapp.App) *cobra.Command {
	root := &cobra.Command{
		Use:   "huntkit",
		Short: "Security investigation toolkit: query, enrich, analyse and view security data",
		Long: `huntkit queries security data wherever it lives through named, parameterised query
templates (msticpy-compatible), runs KQL and SQL on local files with an embedded DuckDB
engine, extracts and decodes indicators, enriches them with threat intelligence and GeoIP,
builds process trees and writes offline HTML views.

Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 failure (or some items
failed; the rows that worked are still printed), 2 usage, 3 configuration.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.SetIn(app.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cliapp.UsageError(err) })
	app.AddGlobalFlags(root)
	root.AddCommand(newVersionCmd(app))

	// Command groups: one line each.
	for _, add := range groups {
		for _, c := range add(app) {
			root.AddCommand(c)
		}
	}
	guardGroups(root)
	return root
}

// guardGroups makes every command group that runs nothing itself (workspace, kql, ...) treat
// an argument as an unknown subcommand (a usage error with a suggestion), not print its help
// and exit 0.
func guardGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if sub.HasSubCommands() && sub.Run == nil && sub.RunE == nil {
			sub.Args = cobra.NoArgs
			sub.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		guardGroups(sub)
	}
}

// groups lists the command groups; each package adds its commands here with one line:
// one(pkgcmd.New) for a New that returns one *cobra.Command, or pkgcmd.New when it
// returns []*cobra.Command.
var groups = []func(app *cliapp.App) []*cobra.Command{
	one(newWorkspaceCmd),
	one(democmd.New),
	one(otrfcmd.New),
	querycmd.New,
	ioccmd.New,
	one(configcmd.New),
	one(geoipcmd.New),
	one(whoiscmd.New),
	one(ticmd.New),
	viscmd.New,
	one(proctreecmd.New),
	one(kqlcmd.New),
	one(analyzecmd.New),
	one(emulatecmd.New),
	one(authcmd.New),
	one(schemacmd.New),
	one(sentinelcmd.New),
	pivotcmd.New,
	one(workbenchcmd.New),
}

func one(f func(*cliapp.App) *cobra.Command) func(*cliapp.App) []*cobra.Command {
	return func(app *cliapp.App) []*cobra.Command { return []*cobra.Command{f(app)} }
}

func newVersionCmd(app *cliapp.App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print huntkit's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := Version
			goVersion := ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if v == "" {
					v = bi.Main.Version
				}
			}
			if v == "" || v == "(devel)" {
				v = "dev"
			}
			fmt.Fprintf(app.Out, "huntkit %s (%s)\n", v, goVersion)
			return nil
		},
	}
}

// Run executes huntkit with args and returns the exit code; an error is printed on stderr
// as one line (usage errors name the help command to run).
func Run(ctx context.Context, app *cliapp.App, args []string) int {
	root := NewRoot(app)
	app.SetContext(ctx)
	cliapp.GuardCommands(root)
	root.SetArgs(args)
	var cmd *cobra.Command
	err := guard.Run("huntkit", func() error {
		var err error
		cmd, err = root.ExecuteContextC(ctx)
		return err
	})
	if cerr := app.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		return cliapp.ExitOK
	}
	code, msg := cliapp.Outcome(ctx, err)
	if code == cliapp.ExitUsage && cmd != nil && !strings.Contains(msg, "did you mean") {
		msg += suggestSubcommand(cmd, err)
	}
	if code == cliapp.ExitUsage {
		path := "huntkit"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		msg += " (see '" + path + " --help')"
	}
	fmt.Fprintf(app.Err, "huntkit: %s\n", msg)
	return code
}

// suggestSubcommand adds "did you mean" to an unknown subcommand of a command group (cobra
// suggests only for the root's own subcommands).
func suggestSubcommand(cmd *cobra.Command, err error) string {
	const prefix = "unknown command \""
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return ""
	}
	name, _, ok := strings.Cut(msg[len(prefix):], "\"")
	if !ok {
		return ""
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		return "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return ""
}
