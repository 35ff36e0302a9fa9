package query

import (
	"testing"
)

func BenchmarkLoadDir(b *testing.B) {
	dir := sharedTemplatesDir(b)
	b.ReportAllocs()
	for b.Loop() {
		ts, err := LoadDir(dir)
		if err != nil || len(ts) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderProcessTree(b *testing.B) {
	ts, err := LoadDir(sharedTemplatesDir(b))
	if err != nil {
		b.Fatal(err)
	}
	var tm *Template
	for _, t := range ts {
		if t.Name == "get_process_tree" && len(t.Environments) == 1 && t.Environments[0] == "LogAnalytics" {
			tm = t
		}
	}
	if tm == nil {
		b.Fatal("get_process_tree not found")
	}
	vals := map[string]any{"host_name": hostile[0], "process_name": "cmd.exe", "process_id": "0x1a2b", "logon_session_id": "0x3e7"}
	b.ReportAllocs()
	b.SetBytes(int64(len(tm.Query)))
	for b.Loop() {
		if _, err := tm.Render(KQL, vals, WithNow(fixedNow)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTime(b *testing.B) {
	exprs := []string{"-3d@d", "2024-01-01T10:30:00Z", "now", "-2h"}
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range exprs {
			if _, err := ParseTime(e, fixedNow); err != nil {
				b.Fatal(err)
			}
		}
	}
}
