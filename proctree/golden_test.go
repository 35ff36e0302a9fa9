package proctree

import (
	"context"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

func readShared(t testing.TB, rel string) *frame.Frame {
	t.Helper()
	f, err := frame.ReadFile(testdata.Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Golden counts from MSTICPy's own tests (shared/data/msticpy/EXPECTED_VALUES.md).
func TestMSTICPyGolden(t *testing.T) {
	cases := []struct {
		file   string
		schema Schema
		want   Summary
	}{
		{"msticpy/proctree/win_proc_test.csv", Win4688, Summary{Processes: 1010, RootProcesses: 10, LeafProcesses: 815, BranchProcesses: 185, LargestTreeDepth: 7}},
		{"msticpy/proctree/linux_proc_test.csv", Auditd, Summary{Processes: 1029, RootProcesses: 29, LeafProcesses: 497, BranchProcesses: 503, LargestTreeDepth: 5}},
		{"msticpy/proctree/winproctree-minimal.csv", Pslist, Summary{Processes: 126, RootProcesses: 10, LeafProcesses: 97, BranchProcesses: 19, LargestTreeDepth: 7}},
	}
	for _, tc := range cases {
		t.Run(tc.schema.Name, func(t *testing.T) {
			f := readShared(t, tc.file)
			for _, mode := range []struct {
				name string
				opts []Option
			}{{"detected+compat", []Option{MSTICPyCompat()}}, {"named+compat", []Option{WithSchema(tc.schema), MSTICPyCompat()}}} {
				tr, err := Build(context.Background(), f, mode.opts...)
				if err != nil {
					t.Fatalf("%s: %v", mode.name, err)
				}
				if tr.Schema.Name != tc.schema.Name {
					t.Errorf("%s: schema %s, want %s", mode.name, tr.Schema.Name, tc.schema.Name)
				}
				got := tr.Summary()
				got.SynthesizedParents, got.Hosts = 0, 0
				if got != tc.want {
					t.Errorf("%s: summary\n got %+v\nwant %+v", mode.name, got, tc.want)
				}
			}
		})
	}
}
