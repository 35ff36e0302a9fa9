package huntkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/query"

	// Every built data environment registers itself with package query, and the built-in
	// template library registers itself as well.
	_ "github.com/huntkit/huntkit/provider/all"
	_ "github.com/huntkit/huntkit/queries"
)

// ErrBadRequest is wrapped by errors that come from the caller's request rather than from
// the data or the environment: an unknown template or environment, a bad parameter, a bad
// time window, a missing template folder. The command line maps it to its usage exit code.
var ErrBadRequest = errors.New("bad request")

// ErrConfig is wrapped when the configuration cannot be read or is invalid.
var ErrConfig = errors.New("configuration")

// badRequest marks err as the caller's mistake; it still matches the sentinels it wraps.
func badRequest(err error) error {
	if err == nil || errors.Is(err, ErrBadRequest) {
		return err
	}
	return &requestError{err}
}

type requestError struct{ err error }

func (e *requestError) Error() string        { return e.err.Error() }
func (e *requestError) Unwrap() error        { return e.err }
func (e *requestError) Is(target error) bool { return target == ErrBadRequest }

type configError struct{ err error }

func (e *configError) Error() string        { return e.err.Error() }
func (e *configError) Unwrap() error        { return e.err }
func (e *configError) Is(target error) bool { return target == ErrConfig }

// Progress counts items done in a long step. Done is called once at the end. It is
// query.Progress, so drivers report through the same sink (query.Settings.Progress).
type Progress = query.Progress

// Option configures Open.
type Option func(*Huntkit)

// WithConfig uses cfg instead of finding a configuration file.
func WithConfig(cfg *config.Config) Option {
	return func(h *Huntkit) { h.cfg, h.cfgGiven = cfg, true }
}

// WithLazyConfig defers finding and reading the configuration to its first use (Config,
// Provider's driver, Templates, Providers), so work that needs no configuration (reading a
// table file into the workspace) is not stopped by a broken one. The command line uses it.
func WithLazyConfig() Option {
	return func(h *Huntkit) { h.cfgLazy = true }
}

// WithConfigFile reads the configuration from path ("" = the usual places, as the command
// line finds it: HUNTKIT_CONFIG, MSTICPYCONFIG, ./msticpyconfig.yaml, the home folder).
func WithConfigFile(path string) Option {
	return func(h *Huntkit) { h.cfgPath = path }
}

// WithWorkspaceFile keeps the investigation workspace in a DuckDB file (created when
// missing) instead of in memory.
func WithWorkspaceFile(path string) Option {
	return func(h *Huntkit) { h.wsPath = path }
}

// WithFileAccess lets SQL on the workspace read and write files (DuckDB's external access
// stays on, as with the CLI's --allow-file-access). Off by default: after the workspace's
// own imports, queries run sandboxed (no file, network or extension reach).
func WithFileAccess(allow bool) Option {
	return func(h *Huntkit) { h.fileAccess = allow }
}

// WithWorkspace uses an already open workspace; Close leaves it open.
func WithWorkspace(ws *engine.Workspace) Option {
	return func(h *Huntkit) { h.ws, h.wsShared = ws, true }
}

// WithWarnings sends warnings (broken template files, data files skipped by a driver, a
// parameter that does not apply) to fn as they happen. Without it they are dropped; a
// Session also keeps its own in Warnings.
func WithWarnings(fn func(msg string)) Option {
	return func(h *Huntkit) { h.warn = fn }
}

// WithNotices sets where informational lines go (a database download started, a cache
// refreshed); without it they are dropped.
func WithNotices(fn func(msg string)) Option {
	return func(h *Huntkit) { h.note = fn }
}

// WithProgress reports the progress of long steps (importing many files) through the
// counters fn returns; total is 0 when unknown.
func WithProgress(fn func(label string, total int) Progress) Option {
	return func(h *Huntkit) { h.progress = fn }
}

// WithQueryDirs adds folders (or files) of query templates in msticpy's YAML format after
// the built-in library and the configuration's QueryDefinitions.Custom folders.
func WithQueryDirs(dirs ...string) Option {
	return func(h *Huntkit) { h.queryDirs = append(h.queryDirs, dirs...) }
}

// WithClock sets the clock relative time expressions ("-2d", "now") are read against.
func WithClock(now func() time.Time) Option {
	return func(h *Huntkit) { h.now = now }
}

// Huntkit is one investigation: a configuration, a workspace, a template library and the
// sessions open on them. It is safe for concurrent use.
type Huntkit struct {
	cfg      *config.Config
	cfgGiven bool
	cfgLazy  bool
	cfgPath  string
	cfgOnce  sync.Once
	cfgErr   error

	wsPath   string
	wsShared bool
	wsMu     sync.Mutex
	ws       *engine.Workspace

	warn       func(string)
	note       func(string)
	fileAccess bool
	progress   func(string, int) Progress
	now        func() time.Time
	queryDirs  []string

	mu       sync.Mutex
	store    *query.Store
	sessions []*Session
	closed   bool
}

// Open finds and loads the configuration (unless WithLazyConfig) and prepares the
// workspace (opened on first use). A missing configuration file gives an empty
// configuration; an unreadable or invalid one an error matching ErrConfig. A template folder given by WithQueryDirs that does not exist
// is an ErrBadRequest.
func Open(ctx context.Context, opts ...Option) (*Huntkit, error) {
	h := &Huntkit{now: time.Now}
	for _, o := range opts {
		o(h)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !h.cfgLazy {
		if _, err := h.Config(); err != nil {
			return nil, err
		}
	}
	for _, d := range h.queryDirs {
		if _, err := os.Stat(d); err != nil {
			return nil, badRequest(fmt.Errorf("query template folder %s: %w", d, err))
		}
	}
	return h, nil
}

// Config returns the configuration in use, loading it on first use with WithLazyConfig.
// The configuration is never nil when the error is nil; errors match ErrConfig.
func (h *Huntkit) Config() (*config.Config, error) {
	h.cfgOnce.Do(func() {
		if !h.cfgGiven {
			h.cfg, h.cfgErr = config.LoadDefault(h.cfgPath)
			if h.cfgErr != nil {
				h.cfg, h.cfgErr = nil, &configError{h.cfgErr}
				return
			}
		}
		if h.cfg == nil {
			h.cfg = &config.Config{}
		}
	})
	return h.cfg, h.cfgErr
}

// Now returns the clock's current time.
func (h *Huntkit) Now() time.Time { return h.now() }

// InMemory reports whether the workspace lives in memory only (tables are lost on Close).
func (h *Huntkit) InMemory() bool {
	if h.wsShared && h.ws != nil {
		return h.ws.Path() == ""
	}
	return h.wsPath == ""
}

// Workspace opens the investigation workspace on first use and returns it.
func (h *Huntkit) Workspace(ctx context.Context) (*engine.Workspace, error) {
	h.wsMu.Lock()
	defer h.wsMu.Unlock()
	if h.ws != nil {
		return h.ws, nil
	}
	ws, err := engine.Open(ctx, h.wsPath, engine.WithFileAccess(h.fileAccess))
	if err != nil {
		return nil, err
	}
	h.ws = ws
	return ws, nil
}

// Close closes every open session, then the workspace (unless it was given by
// WithWorkspace). It returns the first error.
func (h *Huntkit) Close() error {
	h.mu.Lock()
	sessions := h.sessions
	h.sessions = nil
	h.closed = true
	h.mu.Unlock()
	var errs []error
	for _, s := range sessions {
		errs = append(errs, s.Close())
	}
	h.wsMu.Lock()
	defer h.wsMu.Unlock()
	if h.ws != nil && !h.wsShared {
		errs = append(errs, h.ws.Close())
	}
	h.ws = nil
	return errors.Join(errs...)
}

// warnf sends a warning to the sink.
func (h *Huntkit) warnf(format string, args ...any) {
	if h.warn != nil {
		h.warn(fmt.Sprintf(format, args...))
	}
}

// notef sends an informational line to the notice sink.
func (h *Huntkit) notef(format string, args ...any) {
	if h.note != nil {
		h.note(fmt.Sprintf(format, args...))
	}
}

// startProgress returns a progress counter (a silent one without a sink).
func (h *Huntkit) startProgress(label string, total int) Progress {
	if h.progress == nil {
		return nopProgress{}
	}
	if p := h.progress(label, total); p != nil {
		return p
	}
	return nopProgress{}
}

type nopProgress struct{}

func (nopProgress) Add(int) {}
func (nopProgress) Done()   {}
