package kernel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/huntkit/huntkit/kernel/wire"
)

// testHandler: "sleep" waits for ctx, "fail" returns an error, "panic" panics, anything else
// is echoed on stdout and shown as text/plain.
type testHandler struct{}

func (testHandler) Execute(ctx context.Context, code string, out Output) error {
	switch code {
	case "sleep":
		<-ctx.Done()
		return ctx.Err()
	case "fail":
		return errors.New("line 1:3: unexpected token\nstack junk")
	case "panic":
		panic("boom")
	}
	out.Stream("stdout", code)
	out.Display(map[string]string{"text/plain": strings.ToUpper(code)})
	return nil
}

func (testHandler) Complete(_ context.Context, code string, cursor int) Completion {
	return Completion{Matches: []string{"SecurityEvent"}, Start: 0, End: cursor}
}

func (testHandler) Inspect(_ context.Context, code string, _ int) (string, bool) {
	return "help for " + code, code != ""
}

func (testHandler) IsComplete(code string) string {
	if strings.HasSuffix(code, "|") {
		return "incomplete"
	}
	return "complete"
}

// client is a Jupyter client made of zmq4 sockets, as jupyter_client connects them.
type client struct {
	t              *testing.T
	signer         *wire.Signer
	shell, control zmq4.Socket
	iopub, hb      zmq4.Socket
	session        string
	pub            chan *wire.Message // iopub messages, read by one goroutine
}

func startKernel(t *testing.T) (*client, chan error) {
	t.Helper()
	conn := wire.Connection{Transport: "tcp", IP: "127.0.0.1", Key: "test-key", SignatureScheme: "hmac-sha256"}
	k := New(conn, testHandler{}, Info{Implementation: "test", Language: "kql"})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := k.Listen(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := k.Serve(ctx); done <- err }()
	c := k.Connection()
	cl := &client{t: t, signer: wire.NewSigner(c.Key), session: wire.NewID(),
		shell: zmq4.NewDealer(ctx), control: zmq4.NewDealer(ctx), iopub: zmq4.NewSub(ctx), hb: zmq4.NewReq(ctx)}
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{cl.shell, c.ShellPort}, {cl.control, c.ControlPort}, {cl.iopub, c.IOPubPort}, {cl.hb, c.HBPort}} {
		if err := d.s.Dial(c.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range []zmq4.Socket{cl.shell, cl.control, cl.iopub, cl.hb} {
			s.Close()
		}
	})
	cl.pub = make(chan *wire.Message, 1000)
	go func() {
		for {
			raw, err := cl.iopub.Recv()
			if err != nil {
				close(cl.pub)
				return
			}
			if m, err := cl.signer.Decode(raw.Frames); err == nil {
				cl.pub <- m
			}
		}
	}()
	// Wait until iopub delivers (a subscription takes a moment to reach the PUB socket).
	deadline := time.Now().Add(20 * time.Second)
	for {
		id := cl.send(cl.shell, "kernel_info_request", map[string]any{})
		cl.reply(cl.shell, id)
		timeout := time.After(300 * time.Millisecond)
	wait:
		for {
			select {
			case m := <-cl.pub:
				if m.Parent != nil && m.Parent.MsgID == id {
					cl.outputsAfter(id, m)
					return cl, done
				}
			case <-timeout:
				break wait
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("iopub never delivered a status message")
		}
	}
}

// outputsAfter drains the rest of id's iopub messages when first was already read.
func (c *client) outputsAfter(id string, first *wire.Message) {
	if isIdle(first) {
		return
	}
	c.outputs(id)
}

func isIdle(m *wire.Message) bool {
	if m.Header.MsgType != "status" {
		return false
	}
	var st struct {
		State string `json:"execution_state"`
	}
	_ = m.Unmarshal(&st)
	return st.State == "idle"
}

func (c *client) send(s zmq4.Socket, msgType string, content any) string {
	c.t.Helper()
	m := wire.Reply(nil, msgType, content)
	m.Header.Session = c.session
	frames, err := c.signer.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m.Header.MsgID
}

func (c *client) recv(s zmq4.Socket) *wire.Message {
	c.t.Helper()
	raw, err := s.Recv()
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	m, err := c.signer.Decode(raw.Frames)
	if err != nil {
		c.t.Fatalf("decode: %v", err)
	}
	return m
}

// reply reads s until the reply to id arrives.
func (c *client) reply(s zmq4.Socket, id string) *wire.Message {
	c.t.Helper()
	for {
		m := c.recv(s)
		if m.Parent != nil && m.Parent.MsgID == id {
			return m
		}
	}
}

// outputs collects iopub messages for id until its idle status.
func (c *client) outputs(id string) []*wire.Message {
	var out []*wire.Message
	for m := range c.pub {
		if m.Parent == nil || m.Parent.MsgID != id {
			continue
		}
		out = append(out, m)
		if isIdle(m) {
			return out
		}
	}
	c.t.Fatal("iopub closed")
	return nil
}

func types(ms []*wire.Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Header.MsgType)
	}
	return strings.Join(s, ",")
}

func TestProtocol(t *testing.T) {
	c, done := startKernel(t)

	t.Run("kernel_info", func(t *testing.T) {
		id := c.send(c.shell, "kernel_info_request", map[string]any{})
		r := c.reply(c.shell, id)
		var info struct {
			Protocol string `json:"protocol_version"`
			Lang     struct {
				Name string `json:"name"`
			} `json:"language_info"`
		}
		if err := r.Unmarshal(&info); err != nil || r.Header.MsgType != "kernel_info_reply" || info.Protocol != "5.3" || info.Lang.Name != "kql" {
			t.Fatalf("%s %+v %v", r.Header.MsgType, info, err)
		}
	})

	t.Run("execute", func(t *testing.T) {
		id := c.send(c.shell, "execute_request", map[string]any{"code": "hello", "silent": false})
		r := c.reply(c.shell, id)
		var rep struct {
			Status string `json:"status"`
			Count  int    `json:"execution_count"`
		}
		_ = r.Unmarshal(&rep)
		if rep.Status != "ok" || rep.Count < 1 {
			t.Fatalf("reply %+v", rep)
		}
		outs := c.outputs(id)
		if got := types(outs); got != "status,execute_input,stream,display_data,status" {
			t.Fatalf("iopub: %s", got)
		}
	})

	t.Run("error cell keeps the kernel", func(t *testing.T) {
		for _, code := range []string{"fail", "panic"} {
			id := c.send(c.shell, "execute_request", map[string]any{"code": code})
			r := c.reply(c.shell, id)
			var rep struct {
				Status    string   `json:"status"`
				Evalue    string   `json:"evalue"`
				Traceback []string `json:"traceback"`
			}
			_ = r.Unmarshal(&rep)
			if rep.Status != "error" || len(rep.Traceback) != 1 || strings.Contains(rep.Evalue, "\n") || strings.Contains(rep.Evalue, "goroutine") {
				t.Fatalf("%s: %+v", code, rep)
			}
			if got := types(c.outputs(id)); got != "status,execute_input,error,status" {
				t.Fatalf("%s: iopub %s", code, got)
			}
		}
	})

	t.Run("interrupt", func(t *testing.T) {
		id := c.send(c.shell, "execute_request", map[string]any{"code": "sleep"})
		// wait until the cell runs (its execute_input is out), then interrupt on control.
		for m := range c.pub {
			if m.Parent != nil && m.Parent.MsgID == id && m.Header.MsgType == "execute_input" {
				break
			}
		}
		iid := c.send(c.control, "interrupt_request", map[string]any{})
		if r := c.reply(c.control, iid); r.Header.MsgType != "interrupt_reply" {
			t.Fatalf("got %s", r.Header.MsgType)
		}
		r := c.reply(c.shell, id)
		var rep struct {
			Status, Ename string
		}
		_ = r.Unmarshal(&rep)
		if rep.Status != "error" || rep.Ename != "Interrupted" {
			t.Fatalf("%+v", rep)
		}
		// the kernel still runs cells
		id = c.send(c.shell, "execute_request", map[string]any{"code": "again"})
		var again struct{ Status string }
		if err := c.reply(c.shell, id).Unmarshal(&again); err != nil || again.Status != "ok" {
			t.Fatalf("after interrupt: %+v %v", again, err)
		}
	})

	t.Run("complete inspect is_complete", func(t *testing.T) {
		id := c.send(c.shell, "complete_request", map[string]any{"code": "Sec", "cursor_pos": 3})
		var comp struct {
			Matches []string `json:"matches"`
			End     int      `json:"cursor_end"`
		}
		_ = c.reply(c.shell, id).Unmarshal(&comp)
		if len(comp.Matches) != 1 || comp.End != 3 {
			t.Fatalf("%+v", comp)
		}
		id = c.send(c.shell, "inspect_request", map[string]any{"code": "x", "cursor_pos": 1})
		var ins struct {
			Found bool              `json:"found"`
			Data  map[string]string `json:"data"`
		}
		_ = c.reply(c.shell, id).Unmarshal(&ins)
		if !ins.Found || ins.Data["text/plain"] != "help for x" {
			t.Fatalf("%+v", ins)
		}
		id = c.send(c.shell, "is_complete_request", map[string]any{"code": "T |"})
		var ic struct{ Status string }
		_ = c.reply(c.shell, id).Unmarshal(&ic)
		if ic.Status != "incomplete" {
			t.Fatalf("%+v", ic)
		}
	})

	t.Run("heartbeat", func(t *testing.T) {
		if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
			t.Fatal(err)
		}
		m, err := c.hb.Recv()
		if err != nil || string(m.Bytes()) != "ping" {
			t.Fatalf("%q %v", m.Bytes(), err)
		}
	})

	t.Run("shutdown", func(t *testing.T) {
		id := c.send(c.control, "shutdown_request", map[string]any{"restart": false})
		if r := c.reply(c.control, id); r.Header.MsgType != "shutdown_reply" {
			t.Fatalf("got %s", r.Header.MsgType)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("kernel did not stop after shutdown_request")
		}
	})
}
