package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

// viaTable reads path the general way: Import into a workspace, then SELECT *.
func viaTable(t *testing.T, path string) (*frame.Frame, error) {
	t.Helper()
	w := open(t)
	if err := w.Import(context.Background(), "t", path); err != nil {
		return nil, err
	}
	return w.Query(context.Background(), "SELECT * FROM t")
}

func dump(t *testing.T, f *frame.Frame) string {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintln(&b, f.Fields())
	for _, c := range f.Columns() {
		fmt.Fprintf(&b, "%s nulls %d\n", c.Name(), c.NullCount())
	}
	if err := frame.WriteNDJSON(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// ReadFrame gives the same Frame (names, types, nulls, values) as Import + Query, and the
// same errors.
func TestReadFrameMatchesImport(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var late strings.Builder
	late.WriteString("id,code,status\n")
	for i := 0; i < 30000; i++ {
		fmt.Fprintf(&late, "%d,%d,0x%x\n", i, i%7, i%3)
	}
	late.WriteString("30000,x-late,0xc000006d\n")
	var big strings.Builder
	big.WriteString("n,host,cmd,when,score,flag,day,small\n")
	for i := 0; i < 5000; i++ { // several chunks, nulls in the middle of chunks
		cmd := strings.Repeat("powershell -enc AAAA ", i%4)
		if i%97 == 0 {
			cmd = ""
		}
		score := fmt.Sprintf("%d.25", i)
		if i%13 == 0 {
			score = ""
		}
		fmt.Fprintf(&big, "%d,host%d,\"%s\",2024-03-05 10:%02d:%02d.%06d,%s,%v,2024-03-%02d,%d\n",
			i*1000003, i%7, cmd, (i/60)%60, i%60, i*7%1000000, score, i%3 == 0, 1+i%28, i%120)
	}
	files := []string{
		write("types.csv", "a,b,c,d,e,f,a\n1,2.5,true,2024-01-01T10:00:00Z,x,0x3e7,dup\n,,,,,0x1,\n-3,1e3,false,2024-01-02 11:30:00.123456,\"q,\"\"uoted\"\"\",0xc000006d,z\n"),
		write("late.csv", late.String()),
		write("big.csv", big.String()),
		write("tabs.tsv", "x\ty\nhello\t1\nworld\t\n"),
		write("lines.jsonl", `{"a":1,"b":"x","t":"2024-01-01T00:00:00Z"}`+"\n"+`{"a":2,"b":null,"t":"2024-01-02T00:00:00Z"}`+"\n"),
		write("nested.jsonl", `{"a":{"b":[1,2]},"c":"x"}`+"\n"),
		write("empty.csv", "a,b\n"),
		"testdata/bad.csv", "testdata/bad.jsonl", "testdata/extra.csv",
		filepath.Join(dir, "missing.csv"),
	}
	if d := testdata.Dir(); d != "" {
		files = append(files, filepath.Join(d, "msticpy", "proctree", "win_proc_test.csv"),
			filepath.Join(d, "msticpy", "proctree", "mde_proc_pub.csv"))
	}
	ctx := context.Background()
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want, werr := viaTable(t, p)
			got, gerr := ReadFrame(ctx, p)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("errors differ:\n Import: %v\n ReadFrame: %v", werr, gerr)
			}
			if werr != nil {
				return
			}
			if w, g := dump(t, want), dump(t, got); w != g {
				t.Errorf("frames differ\nImport:\n%.2000s\nReadFrame:\n%.2000s", w, g)
			}
		})
	}
	if _, err := ReadFrame(ctx, "notes.docx"); err == nil {
		t.Error("unknown extension read")
	}
}

// Cancelling the context stops the read.
func TestReadFrameCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFrame(ctx, p); err == nil {
		t.Error("cancelled read returned no error")
	}
}

// BenchmarkReadFrame reads $HUNTKIT_BENCH_CSV (for example gen_data.py proc --n 1000000)
// into a Frame: ReadFrame against the Import + SELECT * path it replaces in the CLI.
func BenchmarkReadFrame(b *testing.B) {
	path := os.Getenv("HUNTKIT_BENCH_CSV")
	if path == "" {
		b.Skip("set HUNTKIT_BENCH_CSV to a CSV file")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("ReadFrame", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := ReadFrame(ctx, path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ImportQuery", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			w, err := Open(ctx, "")
			if err != nil {
				b.Fatal(err)
			}
			if err := w.Import(ctx, "t", path); err != nil {
				b.Fatal(err)
			}
			if _, err := w.Query(ctx, "SELECT * FROM t"); err != nil {
				b.Fatal(err)
			}
			w.Close()
		}
	})
}
