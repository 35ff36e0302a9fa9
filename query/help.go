package query

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Binding describes how a parameter is bound where the template places it.
func (t *Template) Binding(d Dialect, name string) string {
	ctxs := t.contexts(d)[name]
	if len(ctxs) == 0 {
		return "unused"
	}
	p := t.Param(name)
	var parts []string
	seen := map[string]bool{}
	for _, c := range ctxs {
		var s string
		switch {
		case c.Literal():
			s = "escaped in " + c.String()
		case p != nil && p.Type == TypeStr && CodeParams[name]:
			s = "code (by design)"
		case p != nil && p.Type == TypeStr:
			s = "code (outside quotes)"
		case p != nil:
			s = string(p.Type) + " literal"
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// contexts scans the query with every placeholder bound to its default (or empty) and returns
// the contexts where each placeholder occurs.
func (t *Template) contexts(d Dialect) map[string][]Context {
	out := map[string][]Context{}
	segs, err := t.segments()
	if err != nil || d == nil {
		return out
	}
	sc := d.NewScanner()
	for _, s := range segs {
		if s.field == "" {
			sc.Feed(s.lit)
			continue
		}
		ctx, _, _ := sc.State()
		out[s.field] = append(out[s.field], ctx)
		if p := t.Param(s.field); p != nil && p.Type == TypeStr && p.HasDefault && ctx == InCode {
			if v, ok := p.Default.(string); ok {
				sc.Feed(v)
			}
		}
	}
	return out
}

// WriteHelp writes the help for a template: names, environments, description, parameters
// (name, type, default, required, aliases, binding, description) and the query template.
func (t *Template) WriteHelp(w io.Writer, d Dialect) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "Query: %s\n", strings.Join(t.QualifiedNames(), ", "))
	envs := make([]string, len(t.Environments))
	for i, e := range t.Environments {
		envs[i] = e
		if c := CanonicalEnv(e); c != e {
			envs[i] = e + " (" + c + ")"
		}
	}
	fmt.Fprintf(ew, "Environments: %s\n", strings.Join(envs, ", "))
	if d != nil {
		fmt.Fprintf(ew, "Language: %s\n", d.Name())
	}
	desc := t.Description
	if desc == "" {
		desc = "no description"
	}
	fmt.Fprintf(ew, "Description: %s\n", desc)
	if tb := t.Tables(); len(tb) > 0 {
		fmt.Fprintf(ew, "Tables: %s\n", strings.Join(tb, ", "))
	}
	fmt.Fprintf(ew, "Defined in: %s:%d\n", t.File, t.Line)
	fmt.Fprintln(ew)
	fmt.Fprintln(ew, "Parameters:")
	params := append([]*Param(nil), t.Params...)
	sort.SliceStable(params, func(i, j int) bool {
		if params[i].Required() != params[j].Required() {
			return params[i].Required()
		}
		return params[i].Name < params[j].Name
	})
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tTYPE\tDEFAULT\tREQUIRED\tALIASES\tBINDING\tDESCRIPTION")
	for _, p := range params {
		def := "-"
		if p.HasDefault {
			def = oneLine(fmt.Sprint(p.Default), 40)
			if def == "" {
				def = `""`
			}
		} else if p.Type == TypeDatetime && (p.Name == "start" || p.Name == "end") {
			def = map[string]string{"start": "end-1d", "end": "now"}[p.Name]
		}
		req := "no"
		if p.Required() && !(p.Type == TypeDatetime && (p.Name == "start" || p.Name == "end")) {
			req = "yes"
		}
		al := "-"
		if len(p.Aliases) > 0 {
			al = strings.Join(p.Aliases, ",")
		}
		binding := "-"
		if d != nil {
			binding = t.Binding(d, p.Name)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Type, def, req, al, binding, oneLine(p.Description, 60))
	}
	tw.Flush()
	if len(t.Macros) > 0 {
		fmt.Fprintln(ew)
		fmt.Fprintln(ew, "Macros:")
		for _, m := range t.Macros {
			fmt.Fprintf(ew, "  $<%s>$ = %s  (%s)\n", m.Name, oneLine(m.Value, 60), m.Description)
		}
	}
	fmt.Fprintln(ew)
	fmt.Fprintln(ew, "Query template:")
	fmt.Fprintln(ew, strings.TrimSpace(t.Query))
	return ew.err
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max-3] + "..."
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
