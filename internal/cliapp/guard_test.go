package cliapp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// An unexpected panic in a command becomes one line naming the command, exit 1 (issue 11).
func TestGuardCommandsTurnsPanicsIntoOneLine(t *testing.T) {
	var idx = -1
	root := &cobra.Command{Use: "huntkit", SilenceUsage: true, SilenceErrors: true}
	group := &cobra.Command{Use: "kql"}
	group.AddCommand(&cobra.Command{Use: "parse", RunE: func(*cobra.Command, []string) error {
		_ = []int{}[idx]
		return nil
	}})
	group.AddCommand(&cobra.Command{Use: "plain", Run: func(*cobra.Command, []string) { panic("boom") }})
	root.AddCommand(group)
	GuardCommands(root)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"kql", "parse"}, "internal error in huntkit kql parse: runtime error: index out of range [-1]"},
		{[]string{"kql", "plain"}, "internal error in huntkit kql plain: boom"},
	} {
		root.SetArgs(c.args)
		err := root.ExecuteContext(context.Background())
		code, msg := Outcome(context.Background(), err)
		if code != ExitFailure || !strings.HasPrefix(msg, c.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
			t.Errorf("%v: exit %d, message %q; want 1 and %q", c.args, code, msg, c.want)
		}
	}
}

func TestOutcomeInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{context.Canceled, errors.New("INTERRUPT Error: Interrupted!"), ErrInterrupted} {
		code, msg := Outcome(ctx, err)
		if code != ExitInterrupted || msg != "interrupted" {
			t.Errorf("Outcome(cancelled, %v) = %d %q", err, code, msg)
		}
	}
	if code, _ := Outcome(context.Background(), errors.New("x")); code != ExitFailure {
		t.Errorf("plain error: exit %d", code)
	}
	if code, msg := Outcome(context.Background(), nil); code != 0 || msg != "" {
		t.Errorf("nil: %d %q", code, msg)
	}
}

// Errors and log lines are masked by content (issue 11).
func TestMessagesMaskSecrets(t *testing.T) {
	err := errors.New("GET https://fn.example.com/api?code=CODESECRET: 401; connection Data Source=x;Application Key=APPSECRET")
	if msg := Message(err); strings.Contains(msg, "CODESECRET") || strings.Contains(msg, "APPSECRET") {
		t.Errorf("Message = %q", msg)
	}
	var buf strings.Builder
	app := &App{Err: &buf}
	app.Warnf("retrying https://u:URLSECRET@host/x")
	app.Infof("using password=PWSECRET")
	if s := buf.String(); strings.Contains(s, "URLSECRET") || strings.Contains(s, "PWSECRET") {
		t.Errorf("logs = %q", s)
	}
}
