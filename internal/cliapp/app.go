// Package cliapp holds what every huntkit command needs: the standard streams, the global
// flags (--config, --workspace), the lazily loaded configuration and workspace, reading
// table files, writing Frames in the chosen output format, progress on a terminal, and the
// mapping from errors to exit codes.
//
// Command groups live in their own packages under internal/cli and receive an *App.
package cliapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
)

// App is the state shared by the commands of one huntkit run.
type App struct {
	In       io.Reader
	Out, Err io.Writer

	// ConfigPath is --config; WorkspacePath is --workspace ("" = in memory).
	ConfigPath    string
	WorkspacePath string
	// Quiet silences informational messages on stderr.
	Quiet bool

	cfgOnce sync.Once
	cfg     *config.Config
	cfgErr  error

	wsMu sync.Mutex
	ws   *engine.Workspace
}

// New returns an App on the process's standard streams.
func New() *App {
	return &App{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
}

// AddGlobalFlags registers the flags every command shares.
func (a *App) AddGlobalFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&a.ConfigPath, "config", "", "configuration file (msticpyconfig.yaml format); overrides HUNTKIT_CONFIG and MSTICPYCONFIG")
	pf.StringVar(&a.WorkspacePath, "workspace", os.Getenv("HUNTKIT_WORKSPACE"), "DuckDB workspace file that keeps tables between runs (default: in memory)")
	pf.BoolVarP(&a.Quiet, "quiet", "q", false, "print no informational messages on stderr")
}

// Config loads the configuration once (from --config or the usual places). A missing file
// gives an empty configuration; a broken one a ConfigError.
func (a *App) Config() (*config.Config, error) {
	a.cfgOnce.Do(func() {
		a.cfg, a.cfgErr = config.LoadDefault(a.ConfigPath)
		if a.cfgErr != nil {
			a.cfgErr = ConfigError(a.cfgErr)
		}
	})
	return a.cfg, a.cfgErr
}

// Workspace opens the workspace on first use (--workspace FILE, else in memory).
func (a *App) Workspace(ctx context.Context) (*engine.Workspace, error) {
	a.wsMu.Lock()
	defer a.wsMu.Unlock()
	if a.ws != nil {
		return a.ws, nil
	}
	ws, err := engine.Open(ctx, a.WorkspacePath)
	if err != nil {
		return nil, err
	}
	a.ws = ws
	return ws, nil
}

// Close releases the workspace, if one was opened.
func (a *App) Close() error {
	a.wsMu.Lock()
	defer a.wsMu.Unlock()
	if a.ws == nil {
		return nil
	}
	err := a.ws.Close()
	a.ws = nil
	return err
}

// Infof prints an informational message on stderr unless --quiet.
func (a *App) Infof(format string, args ...any) {
	if a.Quiet {
		return
	}
	fmt.Fprintf(a.Err, format+"\n", args...)
}

// Warnf prints a warning on stderr.
func (a *App) Warnf(format string, args ...any) {
	fmt.Fprintf(a.Err, "warning: "+format+"\n", args...)
}

// ReadTable reads a table file (CSV, TSV, JSON lines, Parquet, zipped JSON lines) through
// the workspace's importer, or CSV / JSON lines from standard input when path is "-".
func (a *App) ReadTable(ctx context.Context, path string) (*frame.Frame, error) {
	if path == "-" {
		data, err := io.ReadAll(a.In)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		t := bytes.TrimLeft(data, " \t\r\n\ufeff")
		if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return frame.ReadNDJSON(bytes.NewReader(data), "stdin")
		}
		return frame.ReadCSV(bytes.NewReader(data), "stdin")
	}
	if !engine.Importable(path) {
		return nil, UsageError(fmt.Errorf("read %s: not a table file (want .csv, .tsv, .json, .jsonl, .ndjson, .parquet or .zip)", path))
	}
	// DuckDB's reader straight into typed columns: no workspace table in between.
	return engine.ReadFrame(ctx, path)
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth returns w's terminal width, or 0 when w is not a terminal.
func termWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	wd, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return wd
}

// Output holds the -o and --out flags of a command that prints a Frame.
type Output struct {
	Format string
	File   string
	// MaxRows caps the terminal table; 0 = 50 on a terminal, all rows otherwise.
	MaxRows int
}

// AddOutputFlags registers -o/--output and --out on cmd.
func AddOutputFlags(cmd *cobra.Command, o *Output) {
	cmd.Flags().StringVarP(&o.Format, "output", "o", "", "output format: "+strings.Join(frame.Formats, ", ")+" (default table, or from the --out file's extension)")
	cmd.Flags().StringVar(&o.File, "out", "", "write the result to this file (written whole or not at all)")
	cmd.Flags().IntVar(&o.MaxRows, "max-rows", 0, "rows shown in a table on a terminal (0: 50; -1: all)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return frame.Formats, cobra.ShellCompDirectiveNoFileComp
	})
}

// Validate checks the flags before any work is done.
func (o *Output) Validate() error {
	if o.Format == "" {
		return nil
	}
	for _, f := range frame.Formats {
		if strings.EqualFold(f, o.Format) {
			return nil
		}
	}
	return UsageError(fmt.Errorf("unknown output format %q (want one of %s)", o.Format, strings.Join(frame.Formats, ", ")))
}

// WriteFrame writes f as the Output says: to --out atomically, or to stdout. A partial Frame
// is written and then reported as an error, so the exit code shows it.
func (a *App) WriteFrame(o *Output, f *frame.Frame) error {
	if o == nil {
		o = &Output{}
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if o.File != "" {
		format := o.Format
		if format == "" {
			format = frame.FormatFromPath(o.File)
		}
		if format == "" {
			format = "csv"
		}
		if err := frame.WriteFile(o.File, f, format); err != nil {
			return err
		}
		a.Infof("wrote %d rows to %s", f.Len(), filepath.Clean(o.File))
	} else {
		format := strings.ToLower(o.Format)
		if format == "" || format == "table" {
			opt := frame.TableOptions{MaxRows: o.MaxRows}
			if wd := termWidth(a.Out); wd > 0 {
				opt.Width = wd
			} else {
				opt.Width = 200
				if opt.MaxRows == 0 {
					opt.MaxRows = -1
				}
			}
			if err := frame.WriteTable(a.Out, f, opt); err != nil {
				return err
			}
		} else if format == "parquet" && IsTerminal(a.Out) {
			return UsageError(errors.New("refusing to write Parquet to a terminal; use --out FILE"))
		} else if err := frame.Write(a.Out, f, format); err != nil {
			return err
		}
	}
	if p := f.Partial(); p != nil {
		return &PartialError{Rows: f.Len(), Err: p}
	}
	return nil
}

// PartialError says that a result was written but is incomplete.
type PartialError struct {
	Rows int
	Err  error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("partial result (%d rows kept): %v", e.Rows, e.Err)
}

func (e *PartialError) Unwrap() error { return e.Err }
