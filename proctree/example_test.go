package proctree_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

func ExampleBuild() {
	t0 := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	events := frame.MustNew(
		frame.NewTimes("TimeGenerated", []time.Time{t0, t0.Add(time.Second), t0.Add(2 * time.Second)}),
		frame.NewStrings("Computer", []string{"WKS-1", "WKS-1", "WKS-1"}),
		frame.NewStrings("NewProcessName", []string{`C:\Windows\System32\cmd.exe`, `C:\Windows\System32\whoami.exe`, `C:\Windows\System32\net.exe`}),
		frame.NewStrings("NewProcessId", []string{"0x100", "0x200", "0x204"}),
		frame.NewStrings("ProcessId", []string{"0x10", "0x100", "0x100"}),
		frame.NewStrings("ParentProcessName", []string{`C:\Windows\explorer.exe`, `C:\Windows\System32\cmd.exe`, `C:\Windows\System32\cmd.exe`}),
	)
	tree, err := proctree.Build(context.Background(), events) // schema detected: 4688
	if err != nil {
		fmt.Println(err)
		return
	}
	s := tree.Summary()
	fmt.Println(tree.Schema.Name, s.Processes, s.RootProcesses, s.LeafProcesses, s.LargestTreeDepth)
	root := tree.Roots()[0]
	fmt.Println(tree.Name(root), tree.IsSynthesized(root), len(tree.Descendants(root)))
	_ = tree.WriteText(os.Stdout, proctree.TextOptions{Fields: []string{}})
	// Output:
	// 4688 4 1 2 3
	// C:\Windows\explorer.exe true 3
	// +  Process: C:\Windows\explorer.exe  PID: 0x10  (inferred parent)
	//    +--  Process: C:\Windows\System32\cmd.exe  PID: 0x100
	//       +--  Process: C:\Windows\System32\whoami.exe  PID: 0x200
	//       +--  Process: C:\Windows\System32\net.exe  PID: 0x204
}
