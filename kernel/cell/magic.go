package cell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/display"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/kernel"
	"github.com/huntkit/huntkit/kql"
)

// magic is a line magic run by the Evaluator itself.
type magic struct {
	usage, short string
	run          func(e *Evaluator, ctx context.Context, args []string, keep string, out kernel.Output) error
}

// magics are the Evaluator's own line magics; commandMagics run huntkit commands.
var magics map[string]magic

// commandMagics are the huntkit commands a cell may run as %NAME ARGS (the CLI's flags).
var commandMagics = []string{"ti", "geoip", "whois", "ioc", "decode", "proctree", "analyze", "view", "timeline", "map", "matrix",
	"schema", "providers", "workspace", "otrf", "config", "kql"}

func init() {
	magics = map[string]magic{
		"connect": {"%connect ENV [--workspace-name N] [--data DIR] [--map M] [--auth METHODS]",
			"make ENV (a data environment name or alias) the one plain KQL cells run on", (*Evaluator).connect},
		"query": {"%query Family.name [name=value ...] [start=T end=T] [-> table]",
			"run a query template on the current environment (the demo tenant's days by default)", (*Evaluator).query},
		"queries": {"%queries [REGEX]", "list the current environment's query templates (matching REGEX)", (*Evaluator).queries},
		"help":    {"%help [NAME]", "help for a magic, a command, or a template (Family.name)", (*Evaluator).help},
		"tables":  {"%tables", "list the workspace's tables with row counts", (*Evaluator).tables},
		"init":    {"%init", "check the configuration, secrets, providers and version", (*Evaluator).initCheck},
		"search":  {"%search WORD", "search commands, magics, templates, KQL functions and tables", (*Evaluator).search},
	}
}

func magicNames() []string {
	var out []string
	for n := range magics {
		out = append(out, "%"+n)
	}
	for _, n := range commandMagics {
		out = append(out, "%"+n)
	}
	sort.Strings(out)
	return out
}

func didYouMean(name string, candidates []string) string {
	if c := suggest.Closest(name, candidates); c != "" {
		return "; did you mean " + c + "?"
	}
	return ""
}

// lineMagic runs one line starting with %.
func (e *Evaluator) lineMagic(ctx context.Context, line string, out kernel.Output) error {
	line, keep, err := keepAs(line)
	if err != nil {
		return err
	}
	args, err := Split(strings.TrimPrefix(line, "%"))
	if err != nil {
		return fmt.Errorf("%s: %w", line, err)
	}
	if len(args) == 0 {
		return errors.New("% alone: name a magic (see %help)")
	}
	name := args[0]
	if m, ok := magics[name]; ok {
		return m.run(e, ctx, args[1:], keep, out)
	}
	for _, c := range commandMagics {
		if c == name {
			return e.command(ctx, args, keep, out)
		}
	}
	return fmt.Errorf("unknown magic %%%s%s (see %%help)", name, didYouMean("%"+name, magicNames()))
}

// command runs a huntkit command; its table (the last one) is kept as keep.
func (e *Evaluator) command(ctx context.Context, args []string, keep string, out kernel.Output) error {
	if e.opt.Commands == nil {
		return fmt.Errorf("%%%s: huntkit commands are not available in this kernel", args[0])
	}
	if args[0] != "config" && args[0] != "providers" && args[0] != "kql" {
		if _, err := e.session(ctx); err != nil { // the demo tables are there to read
			return err
		}
	}
	s := &sink{e: e, ctx: ctx, out: out}
	err := e.opt.Commands(ctx, args, IO{Out: streamWriter{out, "stdout"}, Err: streamWriter{out, "stderr"}, Sink: s})
	if s.last != nil && keep != "" {
		if kerr := e.hk.Save(ctx, s.last, keep); kerr != nil && err == nil {
			err = fmt.Errorf("keep as %s: %w", keep, kerr)
		} else if kerr == nil {
			out.Stream("stdout", fmt.Sprintf("kept %d rows as table %s\n", s.last.Len(), keep))
		}
	} else if keep != "" && err == nil {
		err = fmt.Errorf("-> %s: %%%s returned no table", keep, args[0])
	}
	return err
}

// sink shows a command's tables and views in the cell.
type sink struct {
	e    *Evaluator
	ctx  context.Context
	out  kernel.Output
	last *frame.Frame
}

func (s *sink) Frame(f *frame.Frame) error {
	s.last = f
	return s.e.show(s.ctx, f, "", s.out)
}

func (s *sink) View(kind string, page []byte) error {
	s.out.Display(map[string]string{"text/html": display.IFrame(page, 620), "text/plain": "[huntkit " + kind + " view]"})
	return nil
}

// streamWriter writes to a cell's stdout or stderr.
type streamWriter struct {
	out  kernel.Output
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.out.Stream(w.name, config.MaskText(string(p)))
	return len(p), nil
}

func (e *Evaluator) connect(ctx context.Context, args []string, _ string, out kernel.Output) error {
	if len(args) == 0 {
		return errors.New("%connect: name a data environment (see %providers)")
	}
	env := args[0]
	var data []string
	opts := map[string]string{}
	mapping := ""
	for i := 1; i < len(args); i++ {
		flag, val, hasVal := strings.Cut(args[i], "=")
		if !hasVal {
			if i+1 >= len(args) {
				return fmt.Errorf("%%connect: %s needs a value", flag)
			}
			i++
			val = args[i]
		}
		switch flag {
		case "--data":
			data = append(data, val)
		case "--map":
			mapping = val
		case "--workspace-name", "--auth", "--timeout", "--split":
			opts[strings.TrimPrefix(flag, "--")] = val
		default:
			return fmt.Errorf("%%connect: unknown flag %s%s", flag, didYouMean(flag, []string{"--data", "--map", "--workspace-name", "--auth", "--timeout", "--split"}))
		}
	}
	if strings.EqualFold(env, "LocalData") && len(data) == 0 {
		if err := e.loadDemo(ctx); err != nil {
			return err
		}
	}
	s, err := e.hk.Provider(env, huntkit.WithData(data...), huntkit.WithOptions(opts), huntkit.WithMapping(mapping))
	if err != nil {
		return err
	}
	if err := s.Connect(ctx); err != nil {
		s.Close()
		return fmt.Errorf("%%connect %s: %w", env, err)
	}
	e.mu.Lock()
	e.sess, e.env = s, s.Name()
	if len(data) > 0 || !strings.EqualFold(env, "LocalData") {
		e.window = huntkit.Window{}
	}
	e.mu.Unlock()
	out.Stream("stdout", fmt.Sprintf("connected to %s; plain cells now run %s there\n", s.Name(), s.Environment().Language))
	return nil
}

func (e *Evaluator) query(ctx context.Context, args []string, keep string, out kernel.Output) error {
	if len(args) == 0 {
		return errors.New("%query: name a template (Family.name; see %queries)")
	}
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	r := huntkit.Request{Template: args[0], Params: huntkit.Params{}, Window: e.window}
	e.mu.Unlock()
	for _, kv := range args[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("%%query: %q: want name=value", kv)
		}
		switch k {
		case "start":
			r.Window.Start = v
		case "end":
			r.Window.End = v
		default:
			r.Params[k] = v
		}
	}
	f, err := s.Do(ctx, r)
	if err != nil {
		return err
	}
	return e.show(ctx, f, keep, out)
}

func (e *Evaluator) queries(ctx context.Context, args []string, keep string, out kernel.Output) error {
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	pattern := strings.Join(args, " ")
	entries, err := s.Queries(pattern)
	if err != nil {
		return err
	}
	n := len(entries)
	names, descs, req := make([]string, n), make([]string, n), make([]string, n)
	for i, en := range entries {
		names[i], descs[i], req[i] = en.Name, en.Template.Description, strings.Join(huntkit.RequiredParams(en.Template), ", ")
	}
	return e.show(ctx, frame.MustNew(frame.NewStrings("template", names), frame.NewStrings("description", descs), frame.NewStrings("required", req)), keep, out)
}

func (e *Evaluator) tables(ctx context.Context, _ []string, keep string, out kernel.Output) error {
	if _, err := e.session(ctx); err != nil {
		return err
	}
	ts, err := e.hk.Tables(ctx)
	if err != nil {
		return err
	}
	n := len(ts)
	names, cols := make([]string, n), make([]int64, n)
	rows := make([]int64, n)
	for i, t := range ts {
		names[i], rows[i], cols[i] = t.Name, t.Rows, int64(len(t.Columns))
	}
	return e.show(ctx, frame.MustNew(frame.NewStrings("table", names), frame.NewInts("rows", rows), frame.NewInts("columns", cols)), keep, out)
}

func (e *Evaluator) help(ctx context.Context, args []string, _ string, out kernel.Output) error {
	if len(args) == 0 {
		var b strings.Builder
		b.WriteString("Cells: plain text is KQL on the current environment; %%sql runs DuckDB SQL on the workspace;\n")
		b.WriteString("%%kql -> name (or -> name after a line magic) keeps the result as a workspace table.\n\nMagics:\n")
		names := make([]string, 0, len(magics))
		for n := range magics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "  %-70s %s\n", magics[n].usage, magics[n].short)
		}
		b.WriteString("\nhuntkit commands, with the command line's flags (%help NAME for one):\n  %" + strings.Join(commandMagics, " %") + "\n")
		out.Stream("stdout", b.String())
		return nil
	}
	name := strings.TrimPrefix(args[0], "%")
	if m, ok := magics[name]; ok {
		out.Stream("stdout", m.usage+"\n  "+m.short+"\n")
		return nil
	}
	for _, c := range commandMagics {
		if c == name {
			return e.command(ctx, append(args[:len(args):len(args)], "--help"), "", out)
		}
	}
	s, err := e.session(ctx)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := s.Help(&b, name); err != nil {
		return err
	}
	out.Stream("stdout", b.String())
	return nil
}

// initCheck reports what msticpy's init_notebook checks.
func (e *Evaluator) initCheck(ctx context.Context, _ []string, _ string, out kernel.Output) error {
	var b strings.Builder
	fmt.Fprintf(&b, "huntkit %s\n", e.opt.Version)
	bad := 0
	cfg, err := e.hk.Config()
	switch {
	case err != nil:
		bad++
		fmt.Fprintf(&b, "✗ configuration: %v\n", err)
	case cfg.Path() == "":
		fmt.Fprintf(&b, "• configuration: none found (HUNTKIT_CONFIG, MSTICPYCONFIG, ./msticpyconfig.yaml); defaults in use\n")
	default:
		errs, warns := config.Count(cfg.Validate())
		mark := "✓"
		if errs > 0 {
			mark, bad = "✗", bad+1
		}
		fmt.Fprintf(&b, "%s configuration: %s (%d errors, %d warnings; details: %%config validate)\n", mark, cfg.Path(), errs, warns)
		unresolved := 0
		var names []string
		for _, key := range secretKeys(cfg) {
			if _, err := cfg.Secret(ctx, key); err != nil {
				unresolved++
				names = append(names, key)
			}
		}
		if unresolved > 0 {
			bad++
			fmt.Fprintf(&b, "✗ secrets: %d cannot be resolved: %s\n", unresolved, strings.Join(names, ", "))
		} else {
			fmt.Fprintf(&b, "✓ secrets: %d resolvable\n", len(secretKeys(cfg)))
		}
	}
	if ps, err := e.hk.Providers(); err == nil {
		var conf []string
		for _, p := range ps {
			if p.Configured {
				conf = append(conf, p.Name)
			}
		}
		fmt.Fprintf(&b, "✓ data environments: %d built, configured: %s\n", len(ps), orNone(conf))
	}
	e.mu.Lock()
	env := e.env
	e.mu.Unlock()
	if env == "" {
		env = "LocalData on the demo tenant (loaded by the first query)"
	}
	fmt.Fprintf(&b, "• current environment: %s\n", env)
	out.Stream("stdout", b.String())
	if bad > 0 {
		return fmt.Errorf("%%init: %d problems (see above)", bad)
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// secretKeys lists the configuration's secret references (key paths).
func secretKeys(cfg *config.Config) []string {
	var out []string
	var walk func(prefix string)
	walk = func(prefix string) {
		for _, n := range cfg.Names(prefix) {
			key := n
			if prefix != "" {
				key = prefix + "." + n
			}
			if _, ok := cfg.Ref(key); ok {
				out = append(out, key)
				continue
			}
			if strings.Count(key, ".") < 5 {
				walk(key)
			}
		}
	}
	walk("")
	return out
}

// search lists what matches WORD (case-insensitive substring).
func (e *Evaluator) search(ctx context.Context, args []string, keep string, out kernel.Output) error {
	if len(args) == 0 {
		return errors.New("%search: give a word")
	}
	word := strings.ToLower(strings.Join(args, " "))
	var kinds, names, descs []string
	add := func(kind, name, desc string) {
		if strings.Contains(strings.ToLower(name), word) || strings.Contains(strings.ToLower(desc), word) {
			kinds, names, descs = append(kinds, kind), append(names, name), append(descs, desc)
		}
	}
	for n, m := range magics {
		add("magic", "%"+n, m.short)
	}
	if e.opt.CommandList != nil {
		for _, c := range e.opt.CommandList() {
			add("command", c.Path, c.Short)
		}
	}
	if entries, err := e.hk.Queries(huntkit.Filter{}); err == nil {
		for _, en := range entries {
			add("template", en.Env+" "+en.Name, en.Template.Description)
		}
	}
	for _, f := range kql.FunctionNames() {
		add("kql function", f+"()", "")
	}
	if ts, err := e.hk.Tables(ctx); err == nil {
		for _, t := range ts {
			add("table", t.Name, fmt.Sprintf("%d rows", t.Rows))
		}
	}
	if len(names) == 0 {
		out.Stream("stdout", fmt.Sprintf("nothing matches %q\n", word))
		return nil
	}
	return e.show(ctx, frame.MustNew(frame.NewStrings("kind", kinds), frame.NewStrings("name", names), frame.NewStrings("description", descs)), keep, out)
}
