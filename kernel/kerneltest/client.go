// Package kerneltest is a Jupyter client made of zmq4 sockets, connected as jupyter_client
// connects them (DEALER to shell and control, SUB to iopub, REQ to the heartbeat), for the
// kernel's protocol tests.
package kerneltest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/huntkit/huntkit/kernel/wire"
)

// Client talks to one kernel.
type Client struct {
	signer             *wire.Signer
	Shell, Control, HB zmq4.Socket
	iopub              zmq4.Socket
	session            string
	pub                chan *wire.Message
}

// Dial connects to the kernel of conn and waits until iopub delivers (a subscription takes
// a moment to reach the PUB socket).
func Dial(ctx context.Context, conn wire.Connection) (*Client, error) {
	c := &Client{signer: wire.NewSigner(conn.Key), session: wire.NewID(),
		Shell: zmq4.NewDealer(ctx), Control: zmq4.NewDealer(ctx), iopub: zmq4.NewSub(ctx), HB: zmq4.NewReq(ctx),
		pub: make(chan *wire.Message, 10000)}
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.Shell, conn.ShellPort}, {c.Control, conn.ControlPort}, {c.iopub, conn.IOPubPort}, {c.HB, conn.HBPort}} {
		if err := d.s.Dial(conn.Endpoint(d.port)); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, err
	}
	go func() {
		defer close(c.pub)
		for {
			raw, err := c.iopub.Recv()
			if err != nil {
				return
			}
			if m, err := c.signer.Decode(raw.Frames); err == nil {
				c.pub <- m
			}
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		id, err := c.Send(c.Shell, "kernel_info_request", map[string]any{})
		if err != nil {
			return nil, err
		}
		if _, err := c.Reply(c.Shell, id); err != nil {
			return nil, err
		}
		timeout := time.After(300 * time.Millisecond)
	wait:
		for {
			select {
			case m := <-c.pub:
				if m.Parent != nil && m.Parent.MsgID == id {
					if !IsIdle(m) {
						c.Outputs(id)
					}
					return c, nil
				}
			case <-timeout:
				break wait
			}
		}
	}
	c.Close()
	return nil, fmt.Errorf("iopub never delivered a status message")
}

// Close closes the sockets.
func (c *Client) Close() {
	for _, s := range []zmq4.Socket{c.Shell, c.Control, c.iopub, c.HB} {
		if s != nil {
			s.Close()
		}
	}
}

// Send sends a request on s and returns its message id.
func (c *Client) Send(s zmq4.Socket, msgType string, content any) (string, error) {
	m := wire.Reply(nil, msgType, content)
	m.Header.Session = c.session
	frames, err := c.signer.Encode(m)
	if err != nil {
		return "", err
	}
	return m.Header.MsgID, s.Send(zmq4.NewMsgFrom(frames...))
}

// Reply reads s until the reply to id arrives.
func (c *Client) Reply(s zmq4.Socket, id string) (*wire.Message, error) {
	for {
		raw, err := s.Recv()
		if err != nil {
			return nil, err
		}
		m, err := c.signer.Decode(raw.Frames)
		if err != nil {
			return nil, err
		}
		if m.Parent != nil && m.Parent.MsgID == id {
			return m, nil
		}
	}
}

// Outputs collects the iopub messages of request id until its idle status.
func (c *Client) Outputs(id string) []*wire.Message {
	var out []*wire.Message
	for m := range c.pub {
		if m.Parent == nil || m.Parent.MsgID != id {
			continue
		}
		out = append(out, m)
		if IsIdle(m) {
			return out
		}
	}
	return out
}

// WaitFor reads iopub until request id publishes a message of msgType.
func (c *Client) WaitFor(id, msgType string) *wire.Message {
	for m := range c.pub {
		if m.Parent != nil && m.Parent.MsgID == id && m.Header.MsgType == msgType {
			return m
		}
	}
	return nil
}

// IsIdle reports whether m is an idle status.
func IsIdle(m *wire.Message) bool {
	if m.Header.MsgType != "status" {
		return false
	}
	var st struct {
		State string `json:"execution_state"`
	}
	_ = m.Unmarshal(&st)
	return st.State == "idle"
}

// Result is an executed cell: its reply and what it published.
type Result struct {
	Status, Ename, Evalue string
	Streams               string           // stdout and stderr text
	Display               []map[string]any // display_data bundles
	Types                 []string         // iopub message types in order
}

// Execute runs code and waits for its reply and outputs.
func (c *Client) Execute(code string) (*Result, error) {
	id, err := c.Send(c.Shell, "execute_request", map[string]any{"code": code, "silent": false, "store_history": true})
	if err != nil {
		return nil, err
	}
	rep, err := c.Reply(c.Shell, id)
	if err != nil {
		return nil, err
	}
	return c.result(id, rep)
}

func (c *Client) result(id string, rep *wire.Message) (*Result, error) {
	r := &Result{}
	var content struct {
		Status string `json:"status"`
		Ename  string `json:"ename"`
		Evalue string `json:"evalue"`
	}
	if err := rep.Unmarshal(&content); err != nil {
		return nil, err
	}
	r.Status, r.Ename, r.Evalue = content.Status, content.Ename, content.Evalue
	var streams strings.Builder
	for _, m := range c.Outputs(id) {
		r.Types = append(r.Types, m.Header.MsgType)
		switch m.Header.MsgType {
		case "stream":
			var s struct{ Text string }
			_ = m.Unmarshal(&s)
			streams.WriteString(s.Text)
		case "display_data", "execute_result":
			var d struct {
				Data map[string]any `json:"data"`
			}
			_ = m.Unmarshal(&d)
			r.Display = append(r.Display, d.Data)
		}
	}
	r.Streams = streams.String()
	return r, nil
}

// Text is the cell's streams and the text/plain of its displays.
func (r *Result) Text() string {
	var b strings.Builder
	b.WriteString(r.Streams)
	for _, d := range r.Display {
		if s, ok := d["text/plain"].(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// Raw decodes a message's content into a map (for checks on fields).
func Raw(m *wire.Message) map[string]any {
	var v map[string]any
	b, _ := json.Marshal(m.Content)
	_ = json.Unmarshal(b, &v)
	return v
}
