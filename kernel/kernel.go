// Package kernel is a Jupyter kernel over ZeroMQ (github.com/go-zeromq/zmq4, pure Go): the
// five sockets of a connection file (shell and control ROUTERs, the iopub PUB, the stdin
// ROUTER, the heartbeat REP), the messages of protocol 5.3 (kernel_info, execute, complete,
// inspect, is_complete, history, comm_info, interrupt, shutdown), busy/idle status and
// outputs on iopub. What a cell means is a Handler's business: package kernel/cell is
// huntkit's (KQL, SQL and huntkit commands).
//
// A failed or panicking cell becomes one error line in the notebook; the kernel lives on. An
// interrupt_request (the kernelspec's interrupt_mode is "message") cancels the running cell's
// context.
package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/huntkit/huntkit/internal/guard"
	"github.com/huntkit/huntkit/kernel/wire"
)

// Info describes the kernel and its language for kernel_info_reply.
type Info struct {
	Implementation string // "huntkit"
	Version        string // the implementation's version
	Language       string // "kql"
	LanguageVer    string
	MimeType       string // "text/x-kql"
	FileExtension  string // ".kql"
	CodeMirrorMode string // "sql"
	Banner         string
	HelpLinks      []HelpLink
}

// HelpLink is an entry of the notebook's Help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Completion is a complete_reply: matches replacing the code between Start and End (rune
// offsets, as Jupyter counts).
type Completion struct {
	Matches    []string
	Start, End int
}

// Handler gives cells their meaning.
type Handler interface {
	// Execute runs one cell. Outputs go to out as the cell runs; a returned error is shown
	// as one line (the cell failed; the kernel goes on). ctx ends on interrupt or shutdown.
	Execute(ctx context.Context, code string, out Output) error
	// Complete returns completions at cursor (a rune offset into code).
	Complete(ctx context.Context, code string, cursor int) Completion
	// Inspect returns help for what is at cursor (Shift-Tab), or found=false.
	Inspect(ctx context.Context, code string, cursor int) (text string, found bool)
	// IsComplete says whether code is ready to run: "complete", "incomplete" or "invalid".
	IsComplete(code string) string
}

// Output receives a cell's outputs.
type Output interface {
	// Stream appends text to the cell's "stdout" or "stderr".
	Stream(name, text string)
	// Display shows a MIME bundle (text/plain, text/html, ...).
	Display(data map[string]string)
}

// Interrupted is the error a cell ends with when it was interrupted.
var Interrupted = errors.New("interrupted")

// Kernel serves one connection file.
type Kernel struct {
	conn    wire.Connection
	signer  *wire.Signer
	handler Handler
	info    Info
	logf    func(format string, args ...any)

	shell, control, stdin, iopub, hb zmq4.Socket
	iopubMu                          sync.Mutex
	session                          string

	mu      sync.Mutex
	cancel  context.CancelFunc // the running cell's
	count   int
	stopped chan struct{}
	stop    sync.Once
	restart bool
}

// Option configures a Kernel.
type Option func(*Kernel)

// WithLog sends the kernel's own diagnostics (bad signatures, socket errors) to l.
func WithLog(l *log.Logger) Option { return func(k *Kernel) { k.logf = l.Printf } }

// New returns a kernel for conn that runs cells with h.
func New(conn wire.Connection, h Handler, info Info, opts ...Option) *Kernel {
	k := &Kernel{conn: conn, signer: wire.NewSigner(conn.Key), handler: h, info: info,
		logf: func(string, ...any) {}, session: wire.NewID(), stopped: make(chan struct{})}
	for _, o := range opts {
		o(k)
	}
	return k
}

// Listen binds the five sockets. A port of 0 in the connection is chosen by the system;
// Connection reports the ports in use.
func (k *Kernel) Listen(ctx context.Context) error {
	k.shell = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("shell-"+k.session)))
	k.control = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("control-"+k.session)))
	k.stdin = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("stdin-"+k.session)))
	k.iopub = zmq4.NewPub(ctx)
	k.hb = zmq4.NewRep(ctx)
	for _, s := range []struct {
		name string
		sock zmq4.Socket
		port *int
	}{{"shell", k.shell, &k.conn.ShellPort}, {"control", k.control, &k.conn.ControlPort}, {"stdin", k.stdin, &k.conn.StdinPort},
		{"iopub", k.iopub, &k.conn.IOPubPort}, {"heartbeat", k.hb, &k.conn.HBPort}} {
		if err := s.sock.Listen(k.conn.Endpoint(*s.port)); err != nil {
			k.closeSockets()
			return fmt.Errorf("kernel: listen %s on %s: %w", s.name, k.conn.Endpoint(*s.port), err)
		}
		if a, ok := s.sock.Addr().(*net.TCPAddr); ok {
			*s.port = a.Port
		}
	}
	return nil
}

// Connection returns the connection in use (with the ports Listen chose).
func (k *Kernel) Connection() wire.Connection { return k.conn }

func (k *Kernel) closeSockets() {
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// Serve answers requests until a shutdown_request or ctx ends. Listen must have been called.
// It reports whether the client asked for a restart.
func (k *Kernel) Serve(ctx context.Context) (restart bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer k.closeSockets()
	defer cancel() // before the sockets close, so the loops see the end and return
	go k.heartbeat(ctx)
	go k.loop(ctx, k.control, true)
	go k.loop(ctx, k.shell, false)
	go k.drainStdin(ctx)
	k.publish(nil, "status", map[string]string{"execution_state": "starting"})
	select {
	case <-ctx.Done():
	case <-k.stopped:
	}
	k.interrupt()
	// Let the last replies (shutdown_reply, idle) leave before the sockets close.
	time.Sleep(100 * time.Millisecond)
	return k.restart, nil
}

func (k *Kernel) heartbeat(ctx context.Context) {
	for ctx.Err() == nil {
		msg, err := k.hb.Recv()
		if err != nil {
			return
		}
		if err := k.hb.Send(msg); err != nil {
			return
		}
	}
}

func (k *Kernel) drainStdin(ctx context.Context) {
	for ctx.Err() == nil {
		if _, err := k.stdin.Recv(); err != nil {
			return
		}
	}
}

// loop reads one ROUTER socket; the control loop answers while a shell request runs.
func (k *Kernel) loop(ctx context.Context, sock zmq4.Socket, control bool) {
	var sendMu sync.Mutex
	send := func(m *wire.Message) {
		frames, err := k.signer.Encode(m)
		if err != nil {
			k.logf("kernel: %v", err)
			return
		}
		sendMu.Lock()
		defer sendMu.Unlock()
		if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil && ctx.Err() == nil {
			k.logf("kernel: send %s: %v", m.Header.MsgType, err)
		}
	}
	for ctx.Err() == nil {
		raw, err := sock.Recv()
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-k.stopped:
				return
			default:
			}
			if !errors.Is(err, io.EOF) {
				k.logf("kernel: receive: %v", err)
			}
			time.Sleep(10 * time.Millisecond) // a peer that went away: do not spin
			continue
		}
		msg, err := k.signer.Decode(raw.Frames)
		if err != nil {
			k.logf("kernel: dropped a message: %v", err)
			continue
		}
		k.publish(msg, "status", map[string]string{"execution_state": "busy"})
		k.dispatch(ctx, msg, send, control)
		k.publish(msg, "status", map[string]string{"execution_state": "idle"})
	}
}

func (k *Kernel) dispatch(ctx context.Context, msg *wire.Message, send func(*wire.Message), control bool) {
	reply := func(content any) {
		send(wire.Reply(msg, strings.TrimSuffix(msg.Header.MsgType, "_request")+"_reply", content))
	}
	switch msg.Header.MsgType {
	case "kernel_info_request":
		reply(k.kernelInfo())
	case "execute_request":
		k.execute(ctx, msg, reply)
	case "complete_request":
		var c struct {
			Code      string `json:"code"`
			CursorPos int    `json:"cursor_pos"`
		}
		_ = msg.Unmarshal(&c)
		var comp Completion
		_ = guard.Run("huntkit kernel complete", func() error { comp = k.handler.Complete(ctx, c.Code, c.CursorPos); return nil })
		if comp.Matches == nil {
			comp.Matches = []string{}
			comp.Start, comp.End = c.CursorPos, c.CursorPos
		}
		reply(map[string]any{"status": "ok", "matches": comp.Matches, "cursor_start": comp.Start, "cursor_end": comp.End, "metadata": map[string]any{}})
	case "inspect_request":
		var c struct {
			Code      string `json:"code"`
			CursorPos int    `json:"cursor_pos"`
		}
		_ = msg.Unmarshal(&c)
		var text string
		var found bool
		_ = guard.Run("huntkit kernel inspect", func() error { text, found = k.handler.Inspect(ctx, c.Code, c.CursorPos); return nil })
		data := map[string]any{}
		if found {
			data["text/plain"] = text
		}
		reply(map[string]any{"status": "ok", "found": found, "data": data, "metadata": map[string]any{}})
	case "is_complete_request":
		var c struct {
			Code string `json:"code"`
		}
		_ = msg.Unmarshal(&c)
		st := k.handler.IsComplete(c.Code)
		r := map[string]any{"status": st}
		if st == "incomplete" {
			r["indent"] = ""
		}
		reply(r)
	case "history_request":
		reply(map[string]any{"status": "ok", "history": []any{}})
	case "comm_info_request":
		reply(map[string]any{"status": "ok", "comms": map[string]any{}})
	case "interrupt_request":
		k.interrupt()
		reply(map[string]any{"status": "ok"})
	case "shutdown_request":
		var c struct {
			Restart bool `json:"restart"`
		}
		_ = msg.Unmarshal(&c)
		k.interrupt()
		reply(map[string]any{"status": "ok", "restart": c.Restart})
		k.stop.Do(func() { k.restart = c.Restart; close(k.stopped) })
	default:
		k.logf("kernel: ignored %s on the %s channel", msg.Header.MsgType, map[bool]string{true: "control", false: "shell"}[control])
	}
}

func (k *Kernel) kernelInfo() map[string]any {
	links := k.info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       wire.Version,
		"implementation":         k.info.Implementation,
		"implementation_version": k.info.Version,
		"language_info": map[string]any{
			"name":            k.info.Language,
			"version":         k.info.LanguageVer,
			"mimetype":        k.info.MimeType,
			"file_extension":  k.info.FileExtension,
			"codemirror_mode": k.info.CodeMirrorMode,
			"pygments_lexer":  k.info.CodeMirrorMode,
		},
		"banner":     k.info.Banner,
		"help_links": links,
	}
}

// interrupt cancels the running cell, if any.
func (k *Kernel) interrupt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cancel != nil {
		k.cancel()
	}
}

func (k *Kernel) execute(ctx context.Context, msg *wire.Message, reply func(any)) {
	var req struct {
		Code         string `json:"code"`
		Silent       bool   `json:"silent"`
		StoreHistory *bool  `json:"store_history"`
	}
	if err := msg.Unmarshal(&req); err != nil {
		reply(map[string]any{"status": "error", "ename": "BadRequest", "evalue": err.Error(), "traceback": []string{err.Error()}, "execution_count": k.count})
		return
	}
	k.mu.Lock()
	if !req.Silent && (req.StoreHistory == nil || *req.StoreHistory) {
		k.count++
	}
	n := k.count
	cellCtx, cancel := context.WithCancelCause(ctx)
	k.cancel = func() { cancel(Interrupted) }
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cancel = nil
		k.mu.Unlock()
		cancel(nil)
	}()
	if !req.Silent {
		k.publish(msg, "execute_input", map[string]any{"code": req.Code, "execution_count": n})
	}
	out := &output{k: k, parent: msg, silent: req.Silent}
	err := guard.Run("huntkit kernel", func() error { return k.handler.Execute(cellCtx, req.Code, out) })
	if err == nil {
		reply(map[string]any{"status": "ok", "execution_count": n, "user_expressions": map[string]any{}, "payload": []any{}})
		return
	}
	ename := "Error"
	if errors.Is(context.Cause(cellCtx), Interrupted) {
		ename, err = "Interrupted", fmt.Errorf("the cell was interrupted (%w)", oneLine(err))
	}
	line := oneLine(err).Error()
	if !req.Silent {
		k.publish(msg, "error", map[string]any{"ename": ename, "evalue": line, "traceback": []string{ename + ": " + line}})
	}
	reply(map[string]any{"status": "error", "execution_count": n, "ename": ename, "evalue": line, "traceback": []string{ename + ": " + line}})
}

// oneLine keeps the first line of an error's message.
func oneLine(err error) error {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return errors.New(strings.TrimSpace(s[:i]))
	}
	return err
}

// publish sends a message on iopub (parent may be nil).
func (k *Kernel) publish(parent *wire.Message, msgType string, content any) {
	m := wire.Reply(parent, msgType, content)
	m.Identities = [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	if parent == nil {
		m.Header.Session = k.session
	}
	frames, err := k.signer.Encode(m)
	if err != nil {
		k.logf("kernel: %v", err)
		return
	}
	k.iopubMu.Lock()
	defer k.iopubMu.Unlock()
	if err := k.iopub.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		k.logf("kernel: publish %s: %v", msgType, err)
	}
}

// output publishes a cell's outputs with the request as parent.
type output struct {
	k      *Kernel
	parent *wire.Message
	silent bool
}

func (o *output) Stream(name, text string) {
	if o.silent || text == "" {
		return
	}
	o.k.publish(o.parent, "stream", map[string]any{"name": name, "text": text})
}

func (o *output) Display(data map[string]string) {
	if o.silent || len(data) == 0 {
		return
	}
	o.k.publish(o.parent, "display_data", map[string]any{"data": data, "metadata": map[string]any{}, "transient": map[string]any{}})
}
