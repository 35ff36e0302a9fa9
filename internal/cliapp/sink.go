package cliapp

import (
	"context"
	"os"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
)

// Sink receives a command's results instead of its text output: the notebook kernel sets
// one, so a command run in a cell shows its table as a data viewer and its view inline.
type Sink interface {
	// Frame receives a result table that WriteFrame would print (no --out, table format).
	Frame(f *frame.Frame) error
	// View receives an HTML view (kind: "data", "timeline", "process tree", ...) that would
	// be written to a temporary file (no --html given).
	View(kind string, html []byte) error
}

// UseHuntkit binds the App to an open library (the kernel's session), which Close then
// leaves open.
func (a *App) UseHuntkit(hk *huntkit.Huntkit) {
	a.hkMu.Lock()
	defer a.hkMu.Unlock()
	a.hk, a.hkErr, a.borrowed = hk, nil, true
}

// workspaceTable reads name from the workspace when a Sink is set (a notebook), name is not
// a file and the workspace has such a table: in a cell, `%proctree procs` reads table procs.
func (a *App) workspaceTable(ctx context.Context, name string) (*frame.Frame, bool) {
	if a.Sink == nil || name == "" {
		return nil, false
	}
	if _, err := os.Stat(name); err == nil {
		return nil, false
	}
	hk, err := a.Huntkit(ctx)
	if err != nil {
		return nil, false
	}
	f, err := hk.Table(ctx, name)
	if err != nil {
		return nil, false
	}
	return f, true
}
