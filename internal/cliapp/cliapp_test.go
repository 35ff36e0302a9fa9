package cliapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitFailure},
		{UsageError(errors.New("bad flag")), ExitUsage},
		{fmt.Errorf("wrapped: %w", ConfigError(errors.New("x"))), ExitConfig},
		{fmt.Errorf("lookup: %w", config.ErrMissing), ExitConfig},
		{errors.New(`unknown command "x" for "huntkit"`), ExitUsage},
		{context.Canceled, ExitFailure},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	// the library's request and configuration errors
	ctx := context.Background()
	hk, err := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	defer hk.Close()
	_, unknownEnv := hk.Provider("NoSuchEnvironment")
	bad := filepath.Join(t.TempDir(), "msticpyconfig.yaml")
	os.WriteFile(bad, []byte("AzureSentinel: [\n"), 0o644)
	_, badConfig := huntkit.Open(ctx, huntkit.WithConfigFile(bad))
	for _, tc := range []struct {
		err  error
		want int
	}{
		{unknownEnv, ExitUsage},
		{fmt.Errorf("wrapped: %w", unknownEnv), ExitUsage},
		{badConfig, ExitConfig},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if m := Message(errors.New("first line\nsecond")); m != "first line" {
		t.Errorf("Message = %q", m)
	}
}

func TestWriteFrame(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("ip", []string{"10.0.0.1", "203.0.113.9"}), frame.NewInts("hits", []int64{3, 1}))
	var out, errb bytes.Buffer
	app := &App{Out: &out, Err: &errb}
	if err := app.WriteFrame(&Output{Format: "csv"}, f); err != nil || out.String() != "ip,hits\n10.0.0.1,3\n203.0.113.9,1\n" {
		t.Fatalf("csv: %q %v", out.String(), err)
	}
	if err := app.WriteFrame(&Output{Format: "xml"}, f); ExitCode(err) != ExitUsage {
		t.Errorf("unknown format: %v", err)
	}
	// --out writes the file whole; the format comes from the extension.
	path := filepath.Join(t.TempDir(), "r.json")
	if err := app.WriteFrame(&Output{File: path}, f); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"ip":"203.0.113.9"`) {
		t.Errorf("file = %s", b)
	}
	// A partial frame is written, then reported so the exit code shows it.
	out.Reset()
	f.SetPartial(errors.New("provider timed out"))
	err := app.WriteFrame(&Output{Format: "csv"}, f)
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Rows != 2 || ExitCode(err) != ExitFailure || !strings.Contains(out.String(), "203.0.113.9") {
		t.Errorf("partial: %v, out %q", err, out.String())
	}
}

func TestReadTableStdin(t *testing.T) {
	app := &App{In: strings.NewReader("{\"a\":1}\n{\"a\":2}\n"), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	f, err := app.ReadTable(context.Background(), "-")
	if err != nil || f.Len() != 2 || f.Col("a").Int(1) != 2 {
		t.Fatalf("ndjson stdin: %v %v", f, err)
	}
	app.In = strings.NewReader("a,b\nx,1\n")
	f, err = app.ReadTable(context.Background(), "-")
	if err != nil || f.Col("b").Type() != frame.Int {
		t.Fatalf("csv stdin: %v %v", f, err)
	}
	if _, err := app.ReadTable(context.Background(), "notes.docx"); ExitCode(err) != ExitUsage {
		t.Errorf("non-table file: %v", err)
	}
}

func TestProgressSilentWhenNotATerminal(t *testing.T) {
	var errb bytes.Buffer
	app := &App{Err: &errb}
	p := app.Progress("lookups", 10)
	p.Add(5)
	p.Done()
	if errb.Len() != 0 {
		t.Errorf("progress drew on a non-terminal: %q", errb.String())
	}
}
