// Package configcmd implements "huntkit config": validate, show and init for the
// msticpyconfig.yaml-compatible configuration file.
package configcmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// New returns the "config" command group.
func New(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check, show and create the configuration file (msticpyconfig.yaml)",
		Long: `huntkit reads MSTICPy's msticpyconfig.yaml format. The file is found in this order:
--config FILE, $HUNTKIT_CONFIG, $MSTICPYCONFIG, ./msticpyconfig.yaml,
~/.huntkit/msticpyconfig.yaml, ~/.msticpy/msticpyconfig.yaml.

Secrets may be literal strings, {EnvironmentVar: NAME} or {KeyVault: ...} references.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newValidate(app), newShow(app), newInit(app), newPath(app))
	return cmd
}

// load returns the configuration named on the command line, else the one the app found.
// Unless raw, a configuration with error-level problems is a ConfigError (exit 3), as for
// every command that loads it.
func load(app *cliapp.App, args []string, raw bool) (*config.Config, error) {
	if len(args) == 1 {
		c, err := config.Load(args[0])
		if err != nil {
			return nil, cliapp.ConfigError(err)
		}
		if !raw {
			if err := config.Check(c); err != nil {
				return nil, cliapp.ConfigError(err)
			}
		}
		return c, nil
	}
	if raw {
		return app.RawConfig()
	}
	return app.Config()
}

func newValidate(app *cliapp.App) *cobra.Command {
	var out cliapp.Output
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Report every problem of the configuration file at once, with file:line:col",
		Long: `Checks the configuration file against MSTICPy's schema and reports every problem
in one pass as "file:line:col: KeyPath: message": wrong value types, missing required
keys of the providers that are configured, GUID and URL formats, environment variables
that are not set, Key Vault references, unknown sections, keys and provider names (with
the closest known name), duplicate keys and bad folders.

Without -o the problems go to stderr; with -o (table, csv, json, ...) they are written as
rows to stdout. The exit code is 3 when there is any error (with --strict, any warning).`,
		Example: `  huntkit config validate
  huntkit config validate ~/.msticpy/msticpyconfig.yaml -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			var problems []config.Problem
			c, err := load(app, args, true)
			var pe *config.ParseError
			switch {
			case errors.As(err, &pe):
				// a file that does not parse is reported like any other problem
				problems = []config.Problem{{File: pe.File, Line: pe.Line, Col: pe.Col, Message: pe.Msg, Severity: config.SeverityError}}
				name = pe.File
			case err != nil:
				return err
			case c.Path() == "":
				return cliapp.ConfigError(fmt.Errorf("no configuration file found (looked at %s); create one with: huntkit config init", searched()))
			default:
				name = c.Path()
				problems = c.Validate()
			}
			if out.Format != "" || out.File != "" {
				if err := app.WriteFrame(&out, problemFrame(problems)); err != nil {
					return err
				}
			} else {
				for _, p := range problems {
					if p.Severity == config.SeverityWarning {
						fmt.Fprintf(app.Err, "%s [warning]\n", p)
					} else {
						fmt.Fprintln(app.Err, p.String())
					}
				}
			}
			errs, warns := config.Count(problems)
			if errs > 0 || (strict && warns > 0) {
				return cliapp.ConfigError(fmt.Errorf("%s: %s", name, summary(errs, warns)))
			}
			if warns > 0 {
				app.Infof("%s: valid, %s", name, summary(0, warns))
			} else {
				app.Infof("%s: valid", name)
			}
			return nil
		},
	}
	cliapp.AddOutputFlags(cmd, &out)
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors (exit code 3)")
	return cmd
}

func summary(errs, warns int) string {
	plural := func(n int, w string) string {
		if n == 1 {
			return "1 " + w
		}
		return fmt.Sprintf("%d %ss", n, w)
	}
	switch {
	case errs > 0 && warns > 0:
		return plural(errs, "error") + ", " + plural(warns, "warning")
	case errs > 0:
		return plural(errs, "error")
	default:
		return plural(warns, "warning")
	}
}

// problemFrame turns problems into rows: file, line, col, severity, key_path, message.
func problemFrame(ps []config.Problem) *frame.Frame {
	n := len(ps)
	files, sev, keys, msgs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	lines, cols := make([]int64, n), make([]int64, n)
	for i, p := range ps {
		files[i], sev[i], keys[i], msgs[i] = p.File, p.Severity.String(), p.KeyPath, p.Message
		lines[i], cols[i] = int64(p.Line), int64(p.Col)
	}
	return frame.MustNew(
		frame.NewStrings("file", files),
		frame.NewInts("line", lines),
		frame.NewInts("col", cols),
		frame.NewStrings("severity", sev),
		frame.NewStrings("key_path", keys),
		frame.NewStrings("message", msgs),
	)
}

// searched names the places looked at, for the "no file" message.
func searched() string {
	var parts []string
	for _, c := range config.Candidates("") {
		if c.Path != "" {
			parts = append(parts, c.Path)
		} else if strings.HasPrefix(c.Source, "$") {
			parts = append(parts, c.Source+" (unset)")
		}
	}
	return strings.Join(parts, ", ")
}

func newShow(app *cliapp.App) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "show [FILE]",
		Short: "Print the effective configuration with every secret masked",
		Long: `Prints the configuration as YAML, saying which file it came from. Literal secrets show as
********; {EnvironmentVar: NAME} references show the variable's name and whether it is set,
never its value; Key Vault references show the vault and secret name. Comments are not
printed (they may hold old keys), aliases and merge keys are expanded.`,
		Example: `  huntkit config show
  huntkit config show --key TIProviders.VirusTotal`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := load(app, args, false)
			if err != nil {
				return err
			}
			if key != "" && c.Path() == "" {
				return cliapp.ConfigError(fmt.Errorf("%s: no configuration file found", key))
			}
			if err := c.WriteMaskedKey(app.Out, key); err != nil {
				if errors.Is(err, config.ErrMissing) {
					return cliapp.ConfigError(err)
				}
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "show only this dotted key path, e.g. TIProviders.VirusTotal")
	return cmd
}

func newInit(app *cliapp.App) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter msticpyconfig.yaml",
		Long: `Writes a starter configuration that explains every section, with the optional ones
commented out. It refuses to replace an existing file unless --force is given; the file
is written whole or not at all, readable by you only. --out - prints it instead.`,
		Example: `  huntkit config init
  huntkit config init --out ~/.huntkit/msticpyconfig.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "-" {
				_, err := app.Out.Write(config.Starter())
				return err
			}
			path := config.ExpandHome(out)
			if err := config.WriteStarter(path, force); err != nil {
				return err
			}
			abs, err := filepath.Abs(path)
			if err != nil {
				abs = path
			}
			app.Infof("wrote %s; edit it, then check it with: huntkit config validate %s", abs, shellQuote(abs))
			if !inSearchPath(abs) {
				app.Infof("note: huntkit looks for this file only with --config %s or HUNTKIT_CONFIG=%s", shellQuote(abs), shellQuote(abs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", config.FileName, "file to write (- for stdout)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}

// inSearchPath reports whether huntkit finds path without --config.
func inSearchPath(path string) bool {
	for _, c := range config.Candidates("") {
		if c.Path == "" || c.Source == "--config" {
			continue
		}
		if a, err := filepath.Abs(c.Path); err == nil && a == path {
			return true
		}
	}
	return false
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func newPath(app *cliapp.App) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the configuration file in use and the places searched",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			used, err := config.Discover(app.ConfigPath)
			for _, c := range config.Candidates(app.ConfigPath) {
				state := "not set"
				if c.Path != "" {
					switch st, serr := os.Stat(c.Path); {
					case serr != nil:
						state = "missing"
					case !st.Mode().IsRegular():
						state = "not a file"
					case c.Path == used:
						state = "in use"
					default:
						state = "found (shadowed)"
					}
				}
				fmt.Fprintf(app.Err, "%-16s %-17s %s\n", c.Source, state, c.Path)
			}
			if err != nil {
				return cliapp.ConfigError(err)
			}
			if used == "" {
				return cliapp.ConfigError(errors.New("no configuration file found; create one with: huntkit config init"))
			}
			fmt.Fprintln(app.Out, used)
			return nil
		},
	}
}
