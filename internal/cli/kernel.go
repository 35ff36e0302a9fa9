package cli

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/internal/cli/kernelcmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/guard"
	"github.com/huntkit/huntkit/kernel/cell"
)

// The kernel runs this command tree in its cells, so it is added here (not in groups,
// whose initialisation NewRoot depends on).
func init() {
	groups = append(groups, one(func(app *cliapp.App) *cobra.Command {
		return kernelcmd.New(app, kernelcmd.Deps{Commands: sessionCommands, CommandList: commandList, Version: version})
	}))
}

// version is huntkit's version string ("dev" when not stamped).
func version() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = bi.Main.Version
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	return v
}

// sessionCommands runs huntkit command lines in a notebook: a fresh command tree per cell
// on the kernel's library, results to the cell's sink, errors as the CLI's one line.
func sessionCommands(hk *huntkit.Huntkit) cell.Commands {
	return func(ctx context.Context, args []string, o cell.IO) error {
		if len(args) > 0 && (args[0] == "kernel" || args[0] == "demo" || args[0] == "emulate") {
			return errors.New("%" + args[0] + " cannot run inside the kernel; run it in a terminal")
		}
		app := &cliapp.App{In: strings.NewReader(""), Out: o.Out, Err: o.Err, Sink: o.Sink}
		app.UseHuntkit(hk)
		app.SetContext(ctx)
		root := NewRoot(app)
		cliapp.GuardCommands(root)
		root.SetArgs(args)
		var cmd *cobra.Command
		err := guard.Run("huntkit", func() error {
			var err error
			cmd, err = root.ExecuteContextC(ctx)
			return err
		})
		if err == nil {
			return nil
		}
		code, msg := cliapp.Outcome(ctx, err)
		if code == cliapp.ExitUsage && cmd != nil && !strings.Contains(msg, "did you mean") {
			msg += suggestSubcommand(cmd, err)
		}
		if code == cliapp.ExitUsage && cmd != nil {
			msg += " (see '%" + strings.TrimPrefix(cmd.CommandPath(), "huntkit ") + " --help')"
		}
		return errors.New(msg)
	}
}

// commandList lists every command with its flags, for %search and completion.
func commandList() []cell.CommandInfo {
	app := &cliapp.App{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}
	var out []cell.CommandInfo
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			info := cell.CommandInfo{Path: strings.TrimPrefix(sub.CommandPath(), "huntkit "), Short: sub.Short}
			sub.LocalFlags().VisitAll(func(f *pflag.Flag) { info.Flags = append(info.Flags, "--"+f.Name) })
			out = append(out, info)
			walk(sub)
		}
	}
	walk(NewRoot(app))
	return out
}
