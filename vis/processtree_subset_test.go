package vis

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/proctree"
)

// Processes draws only the chosen processes of a tree, keeping their links, and says so.
func TestProcessTreeSubset(t *testing.T) {
	src, err := frame.ReadFile(filepath.Join("..", "proctree", "testdata", "twohosts_4688.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := proctree.Build(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	ping := tr.Find("ping")
	if len(ping) != 1 {
		t.Fatalf("ping: %v", ping)
	}
	in := map[int]bool{ping[0]: true}
	for _, a := range tr.Ancestors(ping[0]) {
		in[a] = true
	}
	var ids []int // display order
	for _, id := range tr.Order() {
		if in[id] {
			ids = append(ids, id)
		}
	}
	var buf bytes.Buffer
	if err := ProcessTree(&buf, tr, Processes(ids...)); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, buf.Bytes())
	d := p.data(t)
	if d.N != len(ids) {
		t.Fatalf("nodes %d, want %d", d.N, len(ids))
	}
	parents, names := d.values(t, "parent"), d.values(t, "name")
	for j, id := range ids {
		want := float64(j - 1) // a chain: each node's parent is the one before it
		if names[j] != tr.Name(id) || parents[j].(float64) != want {
			t.Errorf("node %d: %v parent %v, want %s parent %v", j, names[j], parents[j], tr.Name(id), want)
		}
	}
	if !strings.Contains(buf.String(), "3 selected processes of 9 processes") {
		t.Errorf("subtitle does not say a selection is shown")
	}
	if err := ProcessTree(&buf, tr, Processes()); err == nil {
		t.Error("an empty selection is not an error")
	}
}
