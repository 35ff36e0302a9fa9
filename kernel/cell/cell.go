// Package cell gives huntkit notebook cells their meaning (a kernel.Handler): plain text is
// KQL on the session's current data environment (LocalData on the demo tenant until
// %connect names another); %%sql runs DuckDB SQL on the workspace; %%kql -> name and
// "-> name" on any table-returning line keep the result as a workspace table; line magics
// run huntkit's own commands (%ti, %geoip, %proctree, %timeline, ...) through a Commands
// function the command line supplies, so a cell and a terminal share one implementation.
//
// Tables are shown as the interactive data viewer (package vis) with a text/plain
// fallback; a result larger than the page is shown in part and kept whole in the workspace.
package cell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/demo"
	"github.com/huntkit/huntkit/display"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kernel"
)

// Sink receives the results of a command run in a cell (cliapp.Sink has the same methods).
type Sink interface {
	Frame(f *frame.Frame) error
	View(kind string, html []byte) error
}

// IO is where a command run in a cell writes.
type IO struct {
	Out, Err io.Writer
	Sink     Sink
}

// Commands runs a huntkit command line (args without "huntkit") in the notebook's library;
// an error is one line ("unknown flag: --foo (see 'huntkit ti lookup --help')").
type Commands func(ctx context.Context, args []string, io IO) error

// CommandInfo names a command magic for %search and completion.
type CommandInfo struct {
	Path  string // "ti lookup"
	Short string
	Flags []string // "--provider", ...
}

// Options configure an Evaluator.
type Options struct {
	// Commands runs command magics (%ti, %geoip, ...); nil: they are not available.
	Commands Commands
	// CommandList lists the commands for %search and flag completion.
	CommandList func() []CommandInfo
	// DemoDir holds the demo tenant ("" = the user cache, as `huntkit demo` uses).
	DemoDir string
	// PageRows is how many rows a table shows (default 1000); larger results are kept
	// whole in the workspace.
	PageRows int
	// Version is huntkit's version for %init.
	Version string
}

// Evaluator runs cells on one *huntkit.Huntkit.
type Evaluator struct {
	hk  *huntkit.Huntkit
	opt Options

	mu      sync.Mutex
	sess    *huntkit.Session
	env     string
	window  huntkit.Window // default window of %query (the demo tenant's span)
	demo    *demo.GroundTruth
	results int
}

// New returns an Evaluator on hk.
func New(hk *huntkit.Huntkit, opt Options) *Evaluator {
	if opt.PageRows <= 0 {
		opt.PageRows = 1000
	}
	return &Evaluator{hk: hk, opt: opt}
}

var _ kernel.Handler = (*Evaluator)(nil)

// Info is the kernel_info of huntkit's kernel.
func Info(version string) kernel.Info {
	return kernel.Info{
		Implementation: "huntkit", Version: version, Language: "kql", MimeType: "text/x-kql",
		FileExtension: ".kql", CodeMirrorMode: "sql",
		Banner: "huntkit " + version + ": KQL cells on the demo tenant until %connect; %%sql for DuckDB SQL; %help for the magics",
	}
}

// Execute runs one cell.
func (e *Evaluator) Execute(ctx context.Context, code string, out kernel.Output) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil
	}
	first, rest, _ := strings.Cut(code, "\n")
	first = strings.TrimSpace(first)
	switch {
	case strings.HasPrefix(first, "%%"):
		return e.cellMagic(ctx, first, rest, out)
	case strings.HasPrefix(first, "%"):
		for _, line := range joinLines(code) {
			if err := e.lineMagic(ctx, line, out); err != nil {
				return err
			}
		}
		return nil
	}
	return e.kql(ctx, code, "", out)
}

// joinLines splits a cell of line magics into lines, joining those ending in a backslash.
func joinLines(code string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range strings.Split(code, "\n") {
		l = strings.TrimRight(l, " \t\r")
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\") + " ")
			continue
		}
		cur.WriteString(l)
		if s := strings.TrimSpace(cur.String()); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, s)
		}
		cur.Reset()
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// keepAs splits "... -> name" into the line and the table name.
func keepAs(line string) (string, string, error) {
	i := strings.LastIndex(line, "->")
	if i < 0 {
		return line, "", nil
	}
	name := strings.TrimSpace(line[i+2:])
	if !isIdent(name) {
		return "", "", fmt.Errorf("-> %q: want a table name (letters, digits, _)", name)
	}
	return strings.TrimSpace(line[:i]), name, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (e *Evaluator) cellMagic(ctx context.Context, first, body string, out kernel.Output) error {
	head, keep, err := keepAs(first)
	if err != nil {
		return err
	}
	fields := strings.Fields(head)
	switch fields[0] {
	case "%%sql":
		if strings.TrimSpace(body) == "" {
			return errors.New("%%sql: the cell has no SQL")
		}
		if _, err := e.session(ctx); err != nil { // the demo tables are there to query
			return err
		}
		f, err := e.hk.SQL(ctx, body)
		if err != nil {
			return err
		}
		return e.show(ctx, f, keep, out)
	case "%%kql":
		if strings.TrimSpace(body) == "" {
			return errors.New("%%kql: the cell has no query")
		}
		return e.kql(ctx, body, keep, out)
	}
	return fmt.Errorf("unknown cell magic %s%s (cell magics: %%%%kql, %%%%sql)", fields[0], didYouMean(fields[0], []string{"%%kql", "%%sql"}))
}

// kql runs KQL on the current session.
func (e *Evaluator) kql(ctx context.Context, text, keep string, out kernel.Output) error {
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	f, err := s.Query(ctx, text, huntkit.Window{})
	if err != nil {
		if f != nil && f.Len() > 0 {
			_ = e.show(ctx, f, keep, out)
		}
		return err
	}
	return e.show(ctx, f, keep, out)
}

// show displays f (the first PageRows rows as a data viewer, a text table as fallback) and
// keeps it as table keep; a result larger than the page is kept whole under a generated
// name when keep is "".
func (e *Evaluator) show(ctx context.Context, f *frame.Frame, keep string, out kernel.Output) error {
	e.mu.Lock()
	e.results++
	n := e.results
	e.mu.Unlock()
	if keep == "" && f.Len() > e.opt.PageRows {
		keep = fmt.Sprintf("result%d", n)
	}
	if keep != "" {
		if err := e.hk.Save(ctx, f, keep); err != nil {
			return fmt.Errorf("keep as %s: %w", keep, err)
		}
	}
	if f.Len() > e.opt.PageRows {
		out.Stream("stdout", fmt.Sprintf("showing the first %d of %d rows; the whole result is table %s\n", e.opt.PageRows, f.Len(), keep))
	} else if keep != "" {
		out.Stream("stdout", fmt.Sprintf("kept %d rows as table %s\n", f.Len(), keep))
	}
	if p := f.Partial(); p != nil {
		out.Stream("stderr", fmt.Sprintf("partial result (%d rows kept): %v\n", f.Len(), p))
	}
	out.Display(Bundle(f, e.opt.PageRows))
	return nil
}

// Bundle renders f as a MIME bundle: the interactive data viewer (text/html, an iframe
// holding the self-contained page) and a text table (text/plain).
func Bundle(f *frame.Frame, maxRows int) map[string]string {
	var txt bytes.Buffer
	_ = frame.WriteTable(&txt, f, frame.TableOptions{MaxRows: 20, Width: 160})
	data := map[string]string{"text/plain": txt.String()}
	if f.NumCols() == 0 {
		return data
	}
	data["text/html"] = display.Table(f, maxRows)
	return data
}

// IsComplete: a cell ending in a pipe or a backslash waits for more.
func (e *Evaluator) IsComplete(code string) string {
	t := strings.TrimRight(code, " \t\r\n")
	if strings.HasSuffix(t, "|") || strings.HasSuffix(t, "\\") {
		return "incomplete"
	}
	return "complete"
}
