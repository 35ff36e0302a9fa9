package vis

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

// With more hosts than colours, the process tree's legend lists every coloured value and says
// how many share the grey, and each root line names its host (the colour alone cannot).
func TestBrowserProcessTreeManyHosts(t *testing.T) {
	b := newBrowser(t)
	const hosts = 25
	var tm []time.Time
	var host, name, pid, ppid, pname []string
	for h := 0; h < hosts; h++ {
		for k := 0; k <= h%3; k++ { // distinct counts keep the legend order stable
			tm = append(tm, time.Date(2024, 1, 1, 10, 0, h*3+k, 0, time.UTC))
			host = append(host, fmt.Sprintf("HOST-%02d", h))
			name = append(name, `C:\w\cmd.exe`)
			pid = append(pid, fmt.Sprintf("0x%x", 100+k))
			ppid = append(ppid, "0x4")
			pname = append(pname, `C:\w\explorer.exe`)
		}
	}
	f := frame.MustNew(frame.NewTimes("TimeGenerated", tm), frame.NewStrings("Computer", host),
		frame.NewStrings("NewProcessName", name), frame.NewStrings("NewProcessId", pid),
		frame.NewStrings("ProcessId", ppid), frame.NewStrings("ParentProcessName", pname))
	tr, err := proctree.Build(context.Background(), f, proctree.WithSchema(proctree.Win4688))
	if err != nil {
		t.Fatal(err)
	}
	b.open("proctree-hosts", render(t, func(w *bytes.Buffer) error { return ProcessTree(w, tr) }), `window.hkTree !== undefined`)
	entries := eval[[]string](b, `Array.prototype.map.call(document.querySelectorAll('#hk-legend > span'), function (s) { return s.textContent; })`)
	if len(entries) != 21 || !strings.Contains(entries[20], "5 more") {
		t.Errorf("legend has %d entries %q, want 20 colours and \"5 more\"", len(entries), entries)
	}
	roots := eval[[]string](b, `Array.prototype.map.call(document.querySelectorAll('#hk-tree > .hk-node > .hk-row'), function (r) { return r.textContent; })`)
	if len(roots) != hosts {
		t.Fatalf("%d roots, want %d", len(roots), hosts)
	}
	for _, r := range roots {
		if !strings.Contains(r, "HOST-") {
			t.Errorf("root line %q does not name its host", r)
			break
		}
	}
	b.screenshot("proctree-hosts")
}
