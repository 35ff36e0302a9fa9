// Package clitest runs huntkit command groups in tests the way the huntkit binary runs them:
// under a root command with the global flags, with captured standard streams, the error
// printed as one line and the exit code mapped by cliapp.
package clitest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cliapp"
)

// Result is what a run printed and its exit code.
type Result struct {
	Out, Err string
	Code     int
}

// Options set up a run.
type Options struct {
	// Config is the --config file ("" = discovery, usually isolated with Isolate).
	Config string
	// Stdin is the standard input.
	Stdin string
	// Now fixes the clock relative times are read against (nil: time.Now).
	Now func() time.Time
}

// Run executes args against the commands made by build, as `huntkit args...` would.
func Run(t testing.TB, opt Options, build func(app *cliapp.App) []*cobra.Command, args ...string) Result {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(opt.Stdin), Out: &out, Err: &errb, Now: opt.Now}
	root := &cobra.Command{Use: "huntkit", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cliapp.UsageError(err) })
	app.AddGlobalFlags(root)
	for _, c := range build(app) {
		root.AddCommand(c)
	}
	if opt.Config != "" {
		args = append([]string{"--config", opt.Config}, args...)
	}
	cliapp.GuardCommands(root)
	root.SetArgs(args)
	ctx := context.Background()
	err := root.ExecuteContext(ctx)
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	code, msg := cliapp.Outcome(ctx, err)
	if err != nil {
		errb.WriteString("huntkit: " + msg + "\n")
	}
	return Result{Out: out.String(), Err: errb.String(), Code: code}
}

// One adapts a New that returns a single command for Run.
func One(f func(*cliapp.App) *cobra.Command) func(*cliapp.App) []*cobra.Command {
	return func(app *cliapp.App) []*cobra.Command { return []*cobra.Command{f(app)} }
}

// Isolate points HOME and the config variables at an empty temporary folder, so that no
// user configuration or workspace leaks into a test.
func Isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", home+"/.cache")
	t.Setenv("HUNTKIT_CONFIG", "")
	t.Setenv("MSTICPYCONFIG", "")
	t.Setenv("HUNTKIT_WORKSPACE", "")
	return home
}
