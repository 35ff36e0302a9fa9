// Package cliapp holds what every huntkit command needs: the standard streams, the global
// flags (--config, --workspace), the lazily loaded configuration and workspace, reading
// table files, writing Frames in the chosen output format, progress on a terminal, and the
// mapping from errors to exit codes.
//
// Command groups live in their own packages under internal/cli and receive an *App.
package cliapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
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
	// AllowFileAccess is --allow-file-access: SQL may read and write files (DuckDB's
	// external access stays on). Off by default: queries run sandboxed.
	AllowFileAccess bool
	// Now is the clock relative time expressions are read against (nil: time.Now).
	Now func() time.Time

	hkMu  sync.Mutex
	hk    *huntkit.Huntkit
	hkErr error

	ctx context.Context // the run's context (cancelled by Ctrl-C / SIGTERM)
}

// SetContext sets the run's context; the command line sets it to the one that Ctrl-C and
// SIGTERM cancel, so that writing --out stops and leaves no file.
func (a *App) SetContext(ctx context.Context) { a.ctx = ctx }

// Context returns the run's context (context.Background when none was set).
func (a *App) Context() context.Context {
	if a.ctx == nil {
		return context.Background()
	}
	return a.ctx
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
	pf.BoolVar(&a.AllowFileAccess, "allow-file-access", false, "let SQL read and write files (read_csv, COPY TO, ATTACH); queries are sandboxed without it")
}

// Huntkit opens the library once (configuration from --config or the usual places,
// workspace from --workspace, warnings and progress on stderr) and returns it. A broken
// configuration is a ConfigError.
func (a *App) Huntkit(ctx context.Context) (*huntkit.Huntkit, error) {
	a.hkMu.Lock()
	defer a.hkMu.Unlock()
	if a.hk != nil || a.hkErr != nil {
		return a.hk, a.hkErr
	}
	if ctx == nil {
		ctx = context.Background()
	}
	opts := []huntkit.Option{
		huntkit.WithConfigFile(a.ConfigPath),
		huntkit.WithLazyConfig(), // commands that need no configuration are not stopped by a broken one
		huntkit.WithWorkspaceFile(a.WorkspacePath),
		huntkit.WithFileAccess(a.AllowFileAccess),
		huntkit.WithWarnings(func(msg string) { a.Warnf("%s", msg) }),
		huntkit.WithNotices(func(msg string) { a.Infof("%s", msg) }),
		huntkit.WithProgress(func(label string, total int) huntkit.Progress { return a.Progress(label, total) }),
	}
	if a.Now != nil {
		opts = append(opts, huntkit.WithClock(a.Now))
	}
	a.hk, a.hkErr = huntkit.Open(ctx, opts...)
	if a.hkErr != nil {
		a.hkErr = ConfigError(a.hkErr)
	}
	return a.hk, a.hkErr
}

// Config returns the configuration (from --config or the usual places). A missing file
// gives an empty configuration; one that does not parse, or that has error-level problems
// (wrong types, missing required keys: config.Check), a ConfigError (exit 3), as
// `config validate` reports it.
func (a *App) Config() (*config.Config, error) {
	c, err := a.RawConfig()
	if err != nil {
		return nil, err
	}
	if err := config.Check(c); err != nil {
		return nil, ConfigError(err)
	}
	return c, nil
}

// RawConfig is Config without the validation: for `config validate`, which reports every
// problem itself.
func (a *App) RawConfig() (*config.Config, error) {
	hk, err := a.Huntkit(a.Context())
	if err != nil {
		return nil, err
	}
	cfg, err := hk.Config()
	return cfg, ConfigError(err)
}

// Close releases the library (sessions and workspace), if it was opened.
func (a *App) Close() error {
	a.hkMu.Lock()
	defer a.hkMu.Unlock()
	if a.hk == nil {
		return nil
	}
	err := a.hk.Close()
	a.hk = nil
	return err
}

// NoteInMemory tells the user that tables kept in an in-memory workspace are lost at exit.
func (a *App) NoteInMemory() {
	if a.WorkspacePath == "" {
		a.Infof("note: the workspace is in memory; pass --workspace FILE to keep the tables")
	}
}

// Infof prints an informational message on stderr unless --quiet.
func (a *App) Infof(format string, args ...any) {
	if a.Quiet {
		return
	}
	fmt.Fprintln(a.Err, config.MaskText(fmt.Sprintf(format, args...)))
}

// Warnf prints a warning on stderr.
func (a *App) Warnf(format string, args ...any) {
	fmt.Fprintln(a.Err, "warning: "+config.MaskText(fmt.Sprintf(format, args...)))
}

// ReadTable reads a table file (CSV, TSV, JSON lines, Parquet, zipped JSON lines) through
// the workspace's importer, or CSV / JSON lines from standard input when path is "-".
func (a *App) ReadTable(ctx context.Context, path string) (*frame.Frame, error) {
	if path == "-" {
		return huntkit.ReadStream(a.In, "stdin")
	}
	hk, err := a.Huntkit(ctx)
	if err != nil {
		return nil, err
	}
	return hk.ReadTable(ctx, path)
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

// tableWidth is the width of the table written to w: $COLUMNS when it is a positive number
// (it overrides the detected width, on a terminal or not), else the terminal's width, else
// 0 (not a terminal).
func tableWidth(w io.Writer) int {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return termWidth(w)
}

// Output holds the -o, --out, --max-rows and --columns flags of a command that prints a Frame.
type Output struct {
	Format string
	File   string
	// MaxRows caps the terminal table; 0 = 50 on a terminal, all rows otherwise.
	MaxRows int
	// Columns, when set, selects the columns written, in this order (--columns a,b,c).
	Columns []string
}

// AddOutputFlags registers -o/--output, --out, --max-rows and --columns on cmd.
func AddOutputFlags(cmd *cobra.Command, o *Output) {
	cmd.Flags().StringVarP(&o.Format, "output", "o", "", "output format: "+strings.Join(frame.Formats, ", ")+" (default table, or from the --out file's extension)")
	cmd.Flags().StringVar(&o.File, "out", "", "write the result to this file (written whole or not at all)")
	cmd.Flags().IntVar(&o.MaxRows, "max-rows", 0, "rows shown in a table on a terminal (0: 50; -1: all)")
	cmd.Flags().StringSliceVar(&o.Columns, "columns", nil, "write only these columns, in this order (comma-separated; names match ignoring case)")
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
	f, err := o.selectColumns(f)
	if err != nil {
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
		if err := frame.WriteFileContext(a.Context(), o.File, f, format); err != nil {
			return err
		}
		a.Infof("wrote %d rows to %s", f.Len(), filepath.Clean(o.File))
	} else {
		format := strings.ToLower(o.Format)
		if format == "" || format == "table" {
			opt := frame.TableOptions{MaxRows: o.MaxRows, HiddenHint: "choose columns with --columns"}
			opt.Width = tableWidth(a.Out)
			if !IsTerminal(a.Out) {
				if opt.Width == 0 {
					opt.Width = 200
				}
				if opt.MaxRows == 0 {
					opt.MaxRows = -1
				}
			}
			if err := frame.WriteTable(ctxWriter{a.Context(), a.Out}, f, opt); err != nil {
				return err
			}
		} else if format == "parquet" && IsTerminal(a.Out) {
			return UsageError(errors.New("refusing to write Parquet to a terminal; use --out FILE"))
		} else if err := frame.Write(ctxWriter{a.Context(), a.Out}, f, format); err != nil {
			return err
		}
	}
	if p := f.Partial(); p != nil {
		return &PartialError{Rows: f.Len(), Err: p}
	}
	return nil
}

// selectColumns applies --columns: the named columns in the given order, each matched
// exactly or else ignoring case. An unknown name is a usage error naming the closest column.
func (o *Output) selectColumns(f *frame.Frame) (*frame.Frame, error) {
	var names []string
	for _, n := range o.Columns {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		c := f.ColFold(n)
		if c == nil {
			return nil, UsageError(fmt.Errorf("--columns: no column %q; %s", n, suggest.Columns(n, f.Names())))
		}
		names = append(names, c.Name())
	}
	if len(names) == 0 {
		return f, nil
	}
	sel, err := f.Select(names...)
	if err != nil {
		return nil, UsageError(fmt.Errorf("--columns: %w", err))
	}
	return sel, nil
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

// ctxWriter stops writing once the run's context is cancelled (Ctrl-C during a long write).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
