package cliapp

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/guard"
)

// GuardCommands wraps the run functions of cmd and its subcommands so that an unexpected
// panic becomes the one-line error "internal error in huntkit <command>: ..." (exit 1)
// instead of a stack trace.
func GuardCommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		GuardCommands(c)
	}
	where := cmd.CommandPath()
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			return guard.Run(where, func() error { return run(c, args) })
		}
	}
	if run := cmd.Run; run != nil {
		cmd.Run = nil
		cmd.RunE = func(c *cobra.Command, args []string) error {
			return guard.Run(where, func() error { run(c, args); return nil })
		}
	}
	for _, h := range []*func(*cobra.Command, []string) error{&cmd.PreRunE, &cmd.PersistentPreRunE, &cmd.PostRunE} {
		if run := *h; run != nil {
			*h = func(c *cobra.Command, args []string) error {
				return guard.Run(where, func() error { return run(c, args) })
			}
		}
	}
}

// Outcome returns the exit code and the one-line message for a command's error. When ctx was
// cancelled (Ctrl-C or SIGTERM) the run was interrupted, whatever error the step returned:
// exit 130 and "interrupted".
func Outcome(ctx context.Context, err error) (int, string) {
	if err == nil {
		return ExitOK, ""
	}
	if ctx.Err() != nil || errors.Is(err, ErrInterrupted) {
		return ExitInterrupted, "interrupted"
	}
	return ExitCode(err), Message(err)
}

// ErrInterrupted is returned by steps that stopped because the user asked them to.
var ErrInterrupted = errors.New("interrupted")
