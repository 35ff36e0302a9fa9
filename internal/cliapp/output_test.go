package cliapp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
)

func sample() *frame.Frame {
	return frame.MustNew(
		frame.NewStrings("SourceIP", []string{"10.0.0.1", "203.0.113.9"}),
		frame.NewInts("Hits", []int64{3, 1}),
		frame.NewStrings("Account", []string{"alice", "bob"}),
	)
}

func TestWriteFrameColumns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		columns []string
		want    string // CSV written
		errHas  string // "" = success
	}{
		{"all columns by default", nil, "SourceIP,Hits,Account\n10.0.0.1,3,alice\n203.0.113.9,1,bob\n", ""},
		{"select and reorder", []string{"Account", "SourceIP"}, "Account,SourceIP\nalice,10.0.0.1\nbob,203.0.113.9\n", ""},
		{"case-insensitive, blanks and repeats ignored", []string{" hits ", "", "HITS"}, "Hits\n3\n1\n", ""},
		{"unknown column suggests the nearest", []string{"Acount"}, "", `--columns: no column "Acount"; did you mean "Account"?`},
		{"unknown column lists the columns", []string{"Zzzzzz"}, "", "3 columns: SourceIP, Hits, Account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			app := &App{Out: &out, Err: &errb}
			err := app.WriteFrame(&Output{Format: "csv", Columns: tc.columns}, sample())
			if tc.errHas != "" {
				if ExitCode(err) != ExitUsage || !strings.Contains(Message(err), tc.errHas) {
					t.Fatalf("err = %v (exit %d), want a usage error with %q", err, ExitCode(err), tc.errHas)
				}
				if out.Len() != 0 {
					t.Errorf("nothing should be written on a bad --columns: %q", out.String())
				}
				return
			}
			if err != nil || out.String() != tc.want {
				t.Errorf("got %q, %v; want %q", out.String(), err, tc.want)
			}
		})
	}
}

func TestWriteFrameColumnsKeepsPartial(t *testing.T) {
	var out bytes.Buffer
	app := &App{Out: &out, Err: &bytes.Buffer{}}
	f := sample().SetPartial(errors.New("provider timed out"))
	err := app.WriteFrame(&Output{Format: "csv", Columns: []string{"Hits"}}, f)
	var pe *PartialError
	if !errors.As(err, &pe) || out.String() != "Hits\n3\n1\n" {
		t.Errorf("partial with --columns: %v, out %q", err, out.String())
	}
}

func TestColumnsFlagParsesCommaList(t *testing.T) {
	var o Output
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	AddOutputFlags(cmd, &o)
	cmd.SetArgs([]string{"--columns", "a,b", "--columns", "c"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Columns, "|") != "a|b|c" {
		t.Errorf("Columns = %q", o.Columns)
	}
}

// wideFrame has one long column and several short ones.
func wideFrame() *frame.Frame {
	long := strings.Repeat("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop ", 3)
	return frame.MustNew(
		frame.NewStrings("TimeGenerated", []string{"2024-03-01T08:00:00Z"}),
		frame.NewStrings("Computer", []string{"WKS-01.contoso.com"}),
		frame.NewInts("EventID", []int64{4688}),
		frame.NewStrings("CommandLine", []string{long}),
	)
}

func TestWriteFrameTableWidth(t *testing.T) {
	for _, tc := range []struct {
		name      string
		columns   string // $COLUMNS
		wantWidth int    // the widest line is at most this, and more than wantWidth-10
	}{
		{"not a terminal, no COLUMNS: 200", "", 200},
		{"COLUMNS narrows", "100", 100},
		{"COLUMNS widens", "180", 180},
		{"bad COLUMNS ignored", "wide", 200},
		{"zero COLUMNS ignored", "0", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			var out bytes.Buffer
			app := &App{Out: &out, Err: &bytes.Buffer{}}
			if err := app.WriteFrame(&Output{}, wideFrame()); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			widest := 0
			for _, l := range lines[:len(lines)-1] {
				widest = max(widest, len([]rune(l)))
			}
			if widest > tc.wantWidth || widest <= tc.wantWidth-10 {
				t.Errorf("widest line %d, want about %d:\n%s", widest, tc.wantWidth, out.String())
			}
			// The short columns are never cut.
			for _, s := range []string{"2024-03-01T08:00:00Z", "WKS-01.contoso.com", "4688"} {
				if !strings.Contains(lines[2], s) {
					t.Errorf("%q cut:\n%s", s, out.String())
				}
			}
		})
	}
}
