// Package proctreecmd holds the proctree command: build process trees from process events
// and print them as text, a summary, a frame (-o) or an offline HTML view.
package proctreecmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cli/viscmd"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/proctree"
	"github.com/huntkit/huntkit/vis"
)

// roles maps --col role names to schema fields.
var roles = map[string]func(s *proctree.Schema) *string{
	"time":        func(s *proctree.Schema) *string { return &s.Time },
	"name":        func(s *proctree.Schema) *string { return &s.ProcessName },
	"pid":         func(s *proctree.Schema) *string { return &s.ProcessID },
	"ppid":        func(s *proctree.Schema) *string { return &s.ParentID },
	"parent-name": func(s *proctree.Schema) *string { return &s.ParentName },
	"cmdline":     func(s *proctree.Schema) *string { return &s.CmdLine },
	"user":        func(s *proctree.Schema) *string { return &s.User },
	"logon":       func(s *proctree.Schema) *string { return &s.LogonID },
	"host":        func(s *proctree.Schema) *string { return &s.Host },
	"guid":        func(s *proctree.Schema) *string { return &s.ProcessGUID },
	"parent-guid": func(s *proctree.Schema) *string { return &s.ParentGUID },
	"event-col":   func(s *proctree.Schema) *string { return &s.EventIDColumn },
	"event-value": func(s *proctree.Schema) *string { return &s.EventIDValue },
}

func roleNames() string {
	var n []string
	for k := range roles {
		n = append(n, k)
	}
	slices.Sort(n)
	return strings.Join(n, ", ")
}

// New returns the proctree command.
func New(app *cliapp.App) *cobra.Command {
	var (
		h         viscmd.HTMLFlags
		out       cliapp.Output
		schema    string
		hostAware bool
		guids     bool
		cols      []string
		summary   bool
		find      string
		wrap      int
		colorBy   string
		expand    int
		pyText    bool
		whole     bool
	)
	cmd := &cobra.Command{
		Use:   "proctree FILE",
		Short: "Build process trees from process events (4688, Sysmon 1, Defender, auditd, osquery, pslist)",
		Long: `proctree builds process trees from the process-creation events in FILE ("-" reads CSV or
JSON lines from stdin). The schema is detected from the columns, or named with --schema and
adjusted with --col ROLE=COLUMN. A child joins the parent with its parent id (and parent image
name when recorded) and the nearest earlier start time, on the same host (--host-aware=false
matches across hosts as MSTICPy does and reproduces its counts). Sysmon GUIDs and Defender's
parent creation times are used when present. Parents that are not in the data are inferred
and marked. A raw Linux audit log (audit.log, "ausearch --raw"; recognised by a .log name or
its "type=" / "node=" lines) is read directly.

Output: the text tree on stdout and the summary on stderr; --summary prints only the counts;
-o/--out writes the process frame (proc_key, parent_key, path, IsRoot, IsLeaf, IsBranch,
depth, ...); --html writes an interactive tree. --find keeps the processes whose name, command
line or pid matches with their ancestors and descendants (--whole-tree: the whole trees that
hold them).

Roles for --col: ` + roleNames(),
		Example: `  huntkit proctree SecurityEvent_4688.csv --find powershell
  huntkit proctree sysmon.csv --html tree.html --open
  huntkit proctree linux_audit.csv --host-aware=false --summary -o json
  huntkit proctree procs.csv --schema pslist --col time=StartTime -o csv --out tree.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			opts := []proctree.Option{proctree.HostAware(hostAware), proctree.UseGUIDs(guids)}
			var base *proctree.Schema
			if schema != "" && schema != "auto" {
				s, err := proctree.LookupSchema(schema)
				if err != nil {
					return cliapp.UsageError(err)
				}
				base = &s
			}
			f, err := readInput(cmd.Context(), app, args[0])
			if err != nil {
				return err
			}
			if len(cols) > 0 {
				if base == nil {
					s, err := proctree.DetectSchema(f)
					if err != nil {
						s = proctree.Schema{Name: "custom"}
					}
					base = &s
				}
				for _, c := range cols {
					role, col, ok := strings.Cut(c, "=")
					field := roles[strings.ToLower(strings.TrimSpace(role))]
					if !ok || field == nil {
						return cliapp.UsageError(fmt.Errorf("--col %q: want ROLE=COLUMN with ROLE one of %s", c, roleNames()))
					}
					*field(base) = strings.TrimSpace(col)
				}
			}
			if base != nil {
				opts = append(opts, proctree.WithSchema(*base))
			}
			tr, err := proctree.Build(cmd.Context(), f, opts...)
			if err != nil {
				if errors.Is(err, proctree.ErrNoSchema) || errors.Is(err, proctree.ErrMissingColumn) {
					return cliapp.UsageError(fmt.Errorf("%s: %w", args[0], err))
				}
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if tr.Len() == 0 {
				what := "rows"
				if tr.Schema.EventIDColumn != "" {
					what = fmt.Sprintf("rows with %s = %s", tr.Schema.EventIDColumn, tr.Schema.EventIDValue)
				}
				return fmt.Errorf("%s: no process-creation events: schema %s found no %s and a process name in %d rows (name the schema with --schema)",
					args[0], tr.Schema.Name, what, f.Len())
			}
			var ids []int
			if find != "" {
				ids = selectTrees(tr, find, whole)
				if len(ids) == 0 {
					return fmt.Errorf("%s: no process matches %q", args[0], find)
				}
			}
			s := tr.Summary()
			mode := "host-aware"
			if !tr.HostAware {
				mode = "MSTICPy-compatible (across hosts)"
			}
			app.Infof("%s: schema %s, %s matching: %d processes, %d roots, %d leaves, %d branches, %d isolated, depth %d, %d inferred parents",
				args[0], tr.Schema.Name, mode, s.Processes, s.RootProcesses, s.LeafProcesses, s.BranchProcesses,
				s.IsolatedProcesses, s.LargestTreeDepth, s.SynthesizedParents)
			if p := tr.Partial(); p != nil {
				app.Warnf("%s: %v", args[0], p)
			}
			switch {
			case summary:
				sf := frame.MustNew(
					frame.NewInts("Processes", []int64{int64(s.Processes)}), frame.NewInts("RootProcesses", []int64{int64(s.RootProcesses)}),
					frame.NewInts("LeafProcesses", []int64{int64(s.LeafProcesses)}), frame.NewInts("BranchProcesses", []int64{int64(s.BranchProcesses)}),
					frame.NewInts("IsolatedProcesses", []int64{int64(s.IsolatedProcesses)}), frame.NewInts("LargestTreeDepth", []int64{int64(s.LargestTreeDepth)}),
					frame.NewInts("SynthesizedParents", []int64{int64(s.SynthesizedParents)}), frame.NewInts("Hosts", []int64{int64(s.Hosts)}),
					frame.NewStrings("Schema", []string{tr.Schema.Name}), frame.NewBools("HostAware", []bool{tr.HostAware}))
				if err := app.WriteFrame(&out, sf); err != nil {
					return err
				}
			case out.Format != "" || out.File != "":
				if err := app.WriteFrame(&out, tr.Frame(ids...)); err != nil {
					return err
				}
			case h.Out == "":
				if err := tr.WriteText(app.Out, proctree.TextOptions{Wrap: wrap, MSTICPy: pyText}, ids...); err != nil {
					return err
				}
			}
			if h.Out != "" || h.Open {
				vopts := append(h.Options(), vis.ExpandDepth(expand))
				if colorBy != "" {
					vopts = append(vopts, vis.ColorBy(colorBy))
				}
				if h.Title == "" {
					name := filepath.Base(args[0])
					if args[0] == "-" {
						name = "stdin"
					}
					vopts = append(vopts, vis.Title("Process tree: "+name))
				}
				if ids != nil {
					// the view shows the selected processes of the whole tree (a rebuild from
					// their rows alone would lose parents inferred from the other rows)
					vopts = append(vopts, vis.Processes(ids...))
				}
				return viscmd.Write(app, &h, "process tree", func(w io.Writer) error { return vis.ProcessTree(w, tr, vopts...) })
			}
			return nil
		},
	}
	fl := cmd.Flags()
	h.MaxRows = 500_000
	fl.StringVar(&h.Out, "html", "", "write an interactive HTML process tree to this file")
	fl.BoolVar(&h.Open, "open", false, "open the HTML tree in a browser (written to a temporary file when --html is not given)")
	fl.StringVar(&h.Title, "title", "", "HTML page title")
	cliapp.AddOutputFlags(cmd, &out)
	fl.StringVar(&schema, "schema", "auto", "input schema: auto, 4688, sysmon, mde, mde-internal, auditd, osquery or pslist")
	fl.BoolVar(&hostAware, "host-aware", true, "match parents on the same host only (false: across hosts, as MSTICPy)")
	fl.BoolVar(&guids, "guids", true, "use process GUIDs (Sysmon) when present")
	fl.StringArrayVar(&cols, "col", nil, "map a role to a column, ROLE=COLUMN (repeatable)")
	fl.BoolVar(&summary, "summary", false, "print only the summary counts (as a table, or with -o)")
	fl.StringVar(&find, "find", "", "keep the processes whose name, command line or pid matches, with their ancestors and descendants")
	fl.BoolVar(&whole, "whole-tree", false, "with --find: keep the whole trees that hold a match")
	fl.IntVar(&wrap, "wrap", 80, "wrap text lines at this width (-1: no wrapping)")
	fl.BoolVar(&pyText, "msticpy-text", false, "render the text tree as MSTICPy's tree_to_text does (its template, order and wrapping)")
	fl.StringVar(&colorBy, "color", "", "HTML: colour nodes by name, host, user or a column of FILE")
	fl.IntVar(&expand, "expand", 2, "HTML: levels open when the page opens")
	return cmd
}

// selectTrees returns, in display order, the branches of the matching processes (their
// ancestors, themselves and their descendants), or with whole the whole trees holding them.
func selectTrees(tr *proctree.Tree, needle string, whole bool) []int {
	keep := make([]bool, tr.Len())
	withKids := make([]bool, tr.Len()) // kept with all its descendants
	for _, id := range tr.Find(needle) {
		if whole {
			id = tr.Root(id)
		} else {
			for _, a := range tr.Ancestors(id) {
				keep[a] = true
			}
		}
		if withKids[id] {
			continue
		}
		for _, d := range tr.Subtree(id) {
			keep[d], withKids[d] = true, true
		}
	}
	var ids []int
	for _, id := range tr.Order() {
		if keep[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// readInput reads a raw Linux audit log directly, and any other file as a table.
func readInput(ctx context.Context, app *cliapp.App, path string) (*frame.Frame, error) {
	var head []byte
	if path == "-" {
		data, err := io.ReadAll(app.In)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		app.In = bytes.NewReader(data)
		head = data
	} else if fh, err := os.Open(path); err == nil {
		buf := make([]byte, 512)
		n, _ := io.ReadFull(fh, buf)
		fh.Close()
		head = buf[:n]
	}
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	audit := bytes.HasPrefix(t, []byte("type=")) || bytes.HasPrefix(t, []byte("node=")) ||
		(path != "-" && strings.EqualFold(filepath.Ext(path), ".log"))
	if !audit {
		return app.ReadTable(ctx, path)
	}
	var r io.Reader = app.In
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	f, err := proctree.ReadAuditLog(r, path)
	if err != nil {
		return nil, err
	}
	if p := f.Partial(); p != nil {
		app.Warnf("%v", p)
	}
	return f, nil
}
