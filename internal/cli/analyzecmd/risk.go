package analyzecmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/analysis/risk"
	"github.com/huntkit/huntkit/internal/cliapp"
)

type riskFlags struct {
	rules, logType, timeCol, cmdCol string
}

func (r *riskFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&r.rules, "rules", "", "rules file (JSON: {\"LogType\": [\"regex\", ...]}) added to the built-in rules")
	fl.StringVar(&r.logType, "log-type", "Syslog", "rule set to use")
	fl.StringVar(&r.timeCol, "time", "TimeGenerated", "time column")
	fl.StringVar(&r.cmdCol, "cmd-col", "Command", "command column")
}

// options are the front door's risk options for these flags.
func (r *riskFlags) options(rules risk.Rules) huntkit.RiskOptions {
	return huntkit.RiskOptions{Time: r.timeCol, Command: r.cmdCol, LogType: r.logType, Rules: rules}
}

func (r *riskFlags) load() (risk.Rules, error) {
	if r.rules == "" {
		return risk.DefaultRules(), nil
	}
	rules, err := risk.LoadRules(r.rules)
	if err != nil {
		return nil, cliapp.UsageError(err)
	}
	return rules, nil
}

func newCmdline(app *cliapp.App) *cobra.Command {
	var (
		out cliapp.Output
		rf  riskFlags
	)
	cmd := &cobra.Command{
		Use:   "cmdline FILE",
		Short: "Flag risky command lines with a rules file of regular expressions",
		Long: `cmdline matches the --cmd-col commands of FILE against the rules of --log-type (built-in
Syslog rules: authorized_keys access, download piped to a shell, fork bomb, moving files to
/dev/null, shells, setuid chmod, shadow/sudoers access, netcat -e, history clearing) plus the
rules of --rules FILE, a JSON object of log type to regular expressions (msticpy's
cmd_line_rules.json format; a rule matches at the start of the command, so begin it with .*
to match anywhere). Output: TimeGenerated, Command, Rule.`,
		Example: `  huntkit analyze cmdline sudo.csv
  huntkit analyze cmdline syslog.csv --cmd-col SyslogMessage --rules my_rules.json -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			rules, err := rf.load()
			if err != nil {
				return err
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			hits, n, err := hk.RiskyCommands(cmd.Context(), f, rf.options(rules))
			if err != nil {
				return fail(args[0], err)
			}
			app.Infof("%s: %d commands, %d risky", args[0], n, hits.Len())
			return app.WriteFrame(&out, hits)
		},
	}
	rf.add(cmd)
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

func newSudo(app *cliapp.App) *cobra.Command {
	var (
		out    cliapp.Output
		rf     riskFlags
		window time.Duration
		burst  int
	)
	cmd := &cobra.Command{
		Use:   "sudo FILE",
		Short: "Find risky sudo sessions in syslog (risky commands or command bursts)",
		Long: `sudo rebuilds logon sessions from the pam_unix "session opened" / "session closed"
SyslogMessage rows of FILE (user from User or Sudoer) as msticpy's cluster_syslog_logons_df
does, and lists the sessions in which a risky command ran (the rules of 'analyze cmdline')
or in which --burst commands ran within --window ("Suspicious event pattern"), as msticpy's
risky_sudo_sessions. Output: User, Start, End, Reason.`,
		Example: `  huntkit analyze sudo sudo.csv --window 60s --burst 2
  huntkit analyze sudo sudo.csv --rules my_rules.json -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			rules, err := rf.load()
			if err != nil {
				return err
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			hk, err := app.Huntkit(cmd.Context())
			if err != nil {
				return err
			}
			ro := rf.options(rules)
			ro.Window, ro.Burst = window, burst
			rs, n, err := hk.RiskySudo(cmd.Context(), f, ro)
			if err != nil {
				return fail(args[0], err)
			}
			app.Infof("%s: %d sessions, %d risky", args[0], n, rs.Len())
			return app.WriteFrame(&out, rs)
		},
	}
	rf.add(cmd)
	cmd.Flags().DurationVar(&window, "window", 5*time.Second, "burst window (msticpy's cmd_speed time)")
	cmd.Flags().IntVar(&burst, "burst", 10, "commands in a burst (msticpy's cmd_speed events)")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}
