package analyzecmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/huntkit/huntkit/internal/cli/clitest"
)

// TestBrowserCharts opens the analyze charts in headless Chromium (as vis's browser tests
// do): each renders its points without a JavaScript error or a network request.
func TestBrowserCharts(t *testing.T) {
	bin := os.Getenv("HUNTKIT_CHROMIUM")
	if bin == "" {
		bin, _ = exec.LookPath("chromium")
	}
	if bin == "" {
		if os.Getenv("HUNTKIT_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium binary found")
		}
		t.Skip("no chromium binary found (set HUNTKIT_CHROMIUM)")
	}
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	pages := []struct {
		name string
		args []string
		min  int
	}{
		{"timeseries", []string{"timeseries", filepath.Join(dir, "bytes.csv"), "--value", "TotalBytesSent", "--threshold", "3"}, 4 * 24 * 21},
		{"sequences", []string{"sequences", filepath.Join(dir, "sessions.jsonl"), "--time-col", "start"}, 42},
		{"cluster", []string{"cluster", filepath.Join(dir, "procs.csv"), "--eps", "0.001"}, 1},
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	defer func() { cancelT(); cancelC(); cancelA() }()
	var mu sync.Mutex
	var requests, jsErrors []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			jsErrors = append(jsErrors, e.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		page := filepath.Join(dir, p.name+".html")
		if r := run(t, append(p.args, "--html", page)...); r.Code != 0 {
			t.Fatalf("%s: exit %d: %s", p.name, r.Code, r.Err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page)); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](`window.hkRendered !== undefined`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
			t.Fatalf("%s: not rendered: %v (errors %v)", p.name, err, jsErrors)
		}
		type rendered struct{ Points, Groups, Series int }
		got, err := chromedp.Run(ctx, chromedp.Evaluate[rendered](`window.hkRendered`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Points < p.min {
			t.Errorf("%s: rendered %+v, want at least %d points", p.name, got, p.min)
		}
		mu.Lock()
		for _, u := range requests {
			if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				t.Errorf("%s: network request %s", p.name, u)
			}
		}
		for _, e := range jsErrors {
			t.Errorf("%s: JavaScript error %s", p.name, e)
		}
		requests, jsErrors = nil, nil
		mu.Unlock()
	}
}
