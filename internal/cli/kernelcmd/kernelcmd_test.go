package kernelcmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntkit/huntkit/internal/cli"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/kernel/kerneltest"
	"github.com/huntkit/huntkit/kernel/wire"
)

// syncBuffer is a goroutine-safe stderr for the kernel.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// TestKernelOverZeroMQ runs `huntkit kernel -f FILE` in process, as Jupyter starts it, and
// drives it with a zmq4 client: KQL on the demo tenant, a huntkit command with a bad flag,
// an unknown magic, a syntax error, a million-row cell, an interrupt during a long query,
// and shutdown.
func TestKernelOverZeroMQ(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo tenant")
	}
	dir := t.TempDir()
	p := freePorts(t, 5)
	conn := wire.Connection{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1], IOPubPort: p[2], StdinPort: p[3], HBPort: p[4],
		Key: wire.NewID(), SignatureScheme: "hmac-sha256", KernelName: "huntkit"}
	data, _ := json.Marshal(conn)
	connFile := filepath.Join(dir, "kernel-1.json")
	if err := os.WriteFile(connFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "msticpyconfig.yaml")
	if err := os.WriteFile(cfg, []byte("QueryDefinitions: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HUNTKIT_CONFIG", cfg)
	var stderr syncBuffer
	app := &cliapp.App{In: strings.NewReader(""), Out: &syncBuffer{}, Err: &stderr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- cli.Run(ctx, app, []string{"kernel", "-f", connFile, "--demo-dir", filepath.Join(dir, "demo"), "--page-rows", "100"})
	}()
	var c *kerneltest.Client
	var err error
	for i := 0; i < 50; i++ { // the kernel binds its sockets a moment after starting
		if c, err = kerneltest.Dial(ctx, conn); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, stderr.String())
	}
	defer c.Close()

	run := func(t *testing.T, code string) *kerneltest.Result {
		t.Helper()
		r, err := c.Execute(code)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Run("kql on the demo tenant", func(t *testing.T) {
		r := run(t, "SecurityAlert | summarize n = count() by AlertSeverity | order by n desc")
		if r.Status != "ok" || len(r.Display) != 1 {
			t.Fatalf("%+v", r)
		}
		html, _ := r.Display[0]["text/html"].(string)
		if !strings.Contains(html, "<iframe") || !strings.Contains(html, "tabulator") || !strings.Contains(r.Text(), "Informational") {
			t.Fatalf("no data viewer / text table: %s", r.Text())
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		r := run(t, "SecurityAlert | whre x")
		if r.Status != "error" || !strings.Contains(r.Evalue, "1:17") || strings.Contains(r.Evalue, "\n") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("unknown magic", func(t *testing.T) {
		r := run(t, "%proctre procs")
		if r.Status != "error" || !strings.Contains(r.Evalue, "did you mean %proctree?") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("unknown flag", func(t *testing.T) {
		r := run(t, "%geoip --bogus 1.2.3.4")
		if r.Status != "error" || !strings.Contains(r.Evalue, "unknown flag: --bogus") || !strings.Contains(r.Evalue, "%geoip --help") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("command through the sink", func(t *testing.T) {
		r := run(t, "%ioc extract --in alerts_table_missing --column x")
		if r.Status != "error" {
			t.Fatalf("a missing input: %+v", r)
		}
		r = run(t, "%%kql -> hosts\nDeviceProcessEvents | where FileName =~ 'powershell.exe' | take 5")
		if r.Status != "ok" || !strings.Contains(r.Streams, "kept 5 rows as table hosts") {
			t.Fatalf("%+v", r)
		}
		r = run(t, "%ioc extract --in hosts --column ProcessCommandLine -> iocs")
		if r.Status != "ok" || len(r.Display) != 1 || !strings.Contains(r.Text(), "IoCType") {
			t.Fatalf("%+v %s", r, r.Text())
		}
	})
	t.Run("unreachable environment", func(t *testing.T) {
		r := run(t, "%connect Splunk")
		if r.Status != "error" || strings.Contains(r.Evalue, "\n") {
			t.Fatalf("%+v", r)
		}
		if r := run(t, "SecurityAlert | count"); r.Status != "ok" {
			t.Fatalf("the previous environment is gone: %+v", r)
		}
	})
	t.Run("a million rows", func(t *testing.T) {
		r := run(t, "range x from 1 to 1000000 step 1")
		if r.Status != "ok" || !strings.Contains(r.Streams, "showing the first 100 of 1000000 rows; the whole result is table result") {
			t.Fatalf("%+v", r)
		}
		name := strings.Fields(r.Streams[strings.Index(r.Streams, "table result")+len("table "):])[0]
		r = run(t, "%%sql\nSELECT count(*) AS n FROM "+name)
		if r.Status != "ok" || !strings.Contains(r.Text(), "1000000") {
			t.Fatalf("the whole result is not kept: %+v %s", r, r.Text())
		}
	})
	t.Run("interrupt during a long query", func(t *testing.T) {
		id, err := c.Send(c.Shell, "execute_request", map[string]any{"code": "range x from 1 to 100000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k | summarize n = count()"})
		if err != nil {
			t.Fatal(err)
		}
		c.WaitFor(id, "execute_input")
		time.Sleep(300 * time.Millisecond)
		iid, err := c.Send(c.Control, "interrupt_request", map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Reply(c.Control, iid); err != nil {
			t.Fatal(err)
		}
		rep, err := c.Reply(c.Shell, id)
		if err != nil {
			t.Fatal(err)
		}
		content := kerneltest.Raw(rep)
		if content["status"] != "error" || content["ename"] != "Interrupted" {
			t.Fatalf("%v", content)
		}
		c.Outputs(id)
		if r := run(t, "print answer = 42"); r.Status != "ok" || !strings.Contains(r.Text(), "42") {
			t.Fatalf("the kernel did not live on: %+v", r)
		}
	})
	t.Run("completion and inspection", func(t *testing.T) {
		id, _ := c.Send(c.Shell, "complete_request", map[string]any{"code": "%query SecurityAlert.list_al", "cursor_pos": 28})
		rep, err := c.Reply(c.Shell, id)
		if err != nil {
			t.Fatal(err)
		}
		if m := fmt.Sprint(kerneltest.Raw(rep)["matches"]); !strings.Contains(m, "SecurityAlert.list_alerts") {
			t.Fatalf("matches %s", m)
		}
		id, _ = c.Send(c.Shell, "inspect_request", map[string]any{"code": "%query SecurityAlert.list_alerts", "cursor_pos": 12, "detail_level": 0})
		rep, err = c.Reply(c.Shell, id)
		if err != nil {
			t.Fatal(err)
		}
		if d := fmt.Sprint(kerneltest.Raw(rep)["data"]); !strings.Contains(d, "Parameters") {
			t.Fatalf("inspect: %s", d)
		}
	})
	t.Run("shutdown", func(t *testing.T) {
		id, _ := c.Send(c.Control, "shutdown_request", map[string]any{"restart": false})
		if _, err := c.Reply(c.Control, id); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-code:
			if got != 0 {
				t.Fatalf("exit %d: %s", got, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the kernel did not exit after shutdown_request")
		}
	})
}
