// Package kernelcmd holds `huntkit kernel` (a Jupyter kernel on a connection file) and
// `huntkit kernel install` (its kernelspec). The protocol is package kernel, the cells'
// meaning package kernel/cell; this package only reads flags and wires them together.
package kernelcmd

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/kernel"
	"github.com/huntkit/huntkit/kernel/cell"
	"github.com/huntkit/huntkit/kernel/wire"
)

// Deps are what the kernel needs from the command line: running a command line in the
// kernel's library (so %ti and friends are the CLI's own commands), listing the commands,
// and the version.
type Deps struct {
	Commands    func(hk *huntkit.Huntkit) cell.Commands
	CommandList func() []cell.CommandInfo
	Version     func() string
}

// New returns the kernel command.
func New(app *cliapp.App, deps Deps) *cobra.Command {
	var connFile, demoDir string
	var pageRows int
	cmd := &cobra.Command{
		Use:   "kernel -f CONNECTION_FILE",
		Short: "Run huntkit as a Jupyter kernel (KQL, SQL and huntkit command cells), or install its kernelspec",
		Long: `kernel serves a Jupyter notebook over ZeroMQ (messaging protocol 5.3) on the ports and key of
CONNECTION_FILE; Jupyter starts it through the kernelspec 'huntkit kernel install' writes.

Cells: plain text is KQL on the current data environment (LocalData on the demo tenant until
%connect names another); %%sql runs DuckDB SQL on the workspace; %query, %queries, %help,
%connect, %tables, %init, %search, and the huntkit commands %ti, %geoip, %whois, %ioc,
%decode, %proctree, %analyze, %view, %timeline, %map with their usual flags. '-> name'
after a line (or %%kql -> name) keeps the result as a workspace table. Tables show as the
interactive data viewer; an interrupt stops the running cell and the kernel lives on.`,
		Example: `  huntkit kernel install --user
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=huntkit notebooks/getting-started.ipynb`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if connFile == "" {
				return cliapp.UsageError(errors.New("give the connection file with -f (Jupyter passes it; install the kernelspec with 'huntkit kernel install')"))
			}
			return serve(cmd.Context(), app, deps, connFile, cell.Options{DemoDir: demoDir, PageRows: pageRows})
		},
	}
	cmd.Flags().StringVarP(&connFile, "connection-file", "f", "", "Jupyter connection file (ports, key, signature scheme)")
	cmd.Flags().StringVar(&demoDir, "demo-dir", "", "folder of the demo tenant (default: the one 'huntkit demo' uses)")
	cmd.Flags().IntVar(&pageRows, "page-rows", 1000, "rows a table shows in a cell; larger results are kept whole in the workspace")
	cmd.AddCommand(newInstall(app))
	return cmd
}

func serve(ctx context.Context, app *cliapp.App, deps Deps, path string, opt cell.Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	conn, err := wire.ReadConnection(path)
	if err != nil {
		return cliapp.UsageError(err)
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	version := deps.Version()
	opt.Version = version
	opt.CommandList = deps.CommandList
	if deps.Commands != nil {
		opt.Commands = deps.Commands(hk)
	}
	ev := cell.New(hk, opt)
	k := kernel.New(conn, ev, cell.Info(version), kernel.WithLog(log.New(app.Err, "huntkit kernel: ", log.LstdFlags)))
	if err := k.Listen(ctx); err != nil {
		return err
	}
	_, err = k.Serve(ctx)
	return err
}

func newInstall(app *cliapp.App) *cobra.Command {
	var t kernel.InstallTarget
	var name string
	cmd := &cobra.Command{
		Use:   "install [--user | --prefix DIR]",
		Short: "Write huntkit's kernelspec where Jupyter looks for kernels",
		Long: `install writes NAME/kernel.json (argv: this huntkit binary, kernel -f {connection_file};
language kql; interrupt_mode message) into Jupyter's kernels folder: --prefix DIR gives
DIR/share/jupyter/kernels; --user the user's data folder ($JUPYTER_DATA_DIR, else
~/.local/share/jupyter on Linux); otherwise $JUPYTER_DATA_DIR, the first $JUPYTER_PATH entry,
or the system folder /usr/local/share/jupyter.`,
		Example: `  huntkit kernel install --user
  huntkit kernel install --prefix ./venv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("kernel install: cannot find the huntkit binary: %w", err)
			}
			if r, err := filepath.EvalSymlinks(exe); err == nil {
				exe = r
			}
			dir, err := kernel.Install(t, name, kernel.HuntkitSpec(exe))
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Out, "installed kernelspec %s in %s\n", name, dir)
			return nil
		},
	}
	cmd.Flags().BoolVar(&t.User, "user", false, "install for the current user")
	cmd.Flags().StringVar(&t.Prefix, "prefix", "", "install under DIR/share/jupyter (a virtualenv or conda prefix)")
	cmd.Flags().StringVar(&name, "name", "huntkit", "kernelspec name")
	cmd.MarkFlagsMutuallyExclusive("user", "prefix")
	return cmd
}
