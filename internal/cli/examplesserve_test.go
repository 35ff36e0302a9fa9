package cli

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serverRE matches example lines that start a server running until Ctrl-C (huntkit
// workbench). runServer runs them for real: it waits for the address on the first line of
// stdout, checks that the page and the API answer there, then presses Ctrl-C.
var serverRE = regexp.MustCompile(`^huntkit (--\S+ \S+ )*workbench( |$)`)

func (env *exampleEnv) runServer(t *testing.T, ex example, fx fixture, line string) {
	cmd := exec.Command("bash", "-c", line)
	cmd.Dir, cmd.Env = fx.dir, fx.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
	}()
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(io.Discard, out)
	}()
	var url string
	select {
	case url = <-first:
	case <-time.After(exampleTimeout):
		t.Fatalf("example %s printed no address; stderr:\n%s", ex.line, stderr.String())
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(url) {
		t.Fatalf("example %s: first line %q is not a loopback address; stderr:\n%s", ex.line, url, stderr.String())
	}
	for path, want := range map[string]string{"": "huntkit workbench", "api/envs": `"LocalData"`} {
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatalf("example %s: GET %s: %v", ex.line, url+path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Fatalf("example %s: GET %s: %d, want %q in:\n%.500s", ex.line, url+path, res.StatusCode, want, b)
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	stopped = true
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 130 && code != 0 {
		t.Fatalf("example %s: exit %d after Ctrl-C, want 130; stderr:\n%s", ex.line, code, stderr.String())
	}
	if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic:") {
		t.Fatalf("example %s: stack trace on stderr:\n%s", ex.line, stderr.String())
	}
}
