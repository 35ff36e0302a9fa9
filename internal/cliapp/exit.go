package cliapp

import (
	"context"
	"errors"
	"strings"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
)

// Exit codes of the huntkit command.
const (
	ExitOK      = 0 // success
	ExitFailure = 1 // the work failed, or finished with some items failed (rows that worked are printed)
	ExitUsage   = 2 // bad command line: unknown command or flag, wrong argument, bad parameter
	ExitConfig  = 3 // configuration problem: unreadable or invalid file, missing key or secret
	// ExitInterrupted is the shell's code for a process stopped by SIGINT (128+2); huntkit
	// uses it for SIGTERM too.
	ExitInterrupted = 130
)

// ExitError carries an exit code with an error.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageError marks err as a command-line mistake (exit code 2).
func UsageError(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// ConfigError marks err as a configuration problem (exit code 3).
func ConfigError(err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: ExitConfig, Err: err}
}

// ExitCode maps an error to huntkit's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, config.ErrMissing) || errors.Is(err, config.ErrInvalid) || errors.Is(err, huntkit.ErrConfig) {
		return ExitConfig
	}
	if errors.Is(err, huntkit.ErrBadRequest) {
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		return ExitFailure
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return ExitUsage
		}
	}
	return ExitFailure
}

// Message returns the one-line form of err for stderr.
func Message(err error) string {
	msg := config.MaskText(err.Error())
	msg = strings.ReplaceAll(msg, "\r", "")
	var hint string
	if i := strings.Index(msg, "Did you mean this?"); i >= 0 { // cobra's suggestions for a misspelt command
		var names []string
		for _, l := range strings.Split(msg[i+len("Did you mean this?"):], "\n") {
			if l = strings.TrimSpace(l); l != "" {
				names = append(names, l)
			}
		}
		if len(names) > 0 {
			hint = "; did you mean " + strings.Join(names, " or ") + "?"
		}
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg) + hint
}
