package analyzecmd

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cli/clitest"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/testdata"
)

func run(t *testing.T, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, clitest.Options{}, clitest.One(New), append([]string{"analyze"}, args...)...)
}

// fixtures writes the files the --help examples name into dir.
func fixtures(t *testing.T, dir string) {
	t.Helper()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("exchange.csv", "UserId,ClientIP,TimeGenerated,Operation\n"+
		"alice,10.0.0.1,2024-01-01T10:00:00Z,Get-Mailbox\n"+
		"alice,10.0.0.1,2024-01-01T10:01:00Z,Set-Mailbox\n"+
		"bob,10.0.0.2,2024-01-01T10:00:30Z,Get-User\n"+
		"alice,10.0.0.1,2024-01-01T11:00:00Z,Get-Mailbox\n")
	write("cmds.jsonl", `{"user":"u1","ts":"2024-01-01T10:00:00Z","cmd":"ls"}`+"\n"+
		`{"user":"u1","ts":"2024-01-01T10:00:10Z","cmd":"cat"}`+"\n"+
		`{"user":"u2","ts":"2024-01-01T10:00:20Z","cmd":"id"}`+"\n")
	var base, today strings.Builder
	normal := `[{"name":"Get-Mailbox","params":["Identity"]},{"name":"Set-Mailbox","params":["Identity","Force"]},{"name":"Get-User","params":["Identity"]}]`
	for i := range 40 {
		fmt.Fprintf(&base, `{"session_id":%d,"start":"2024-01-0%dT%02d:00:00Z","cmds":%s}`+"\n", i, 1+i/24, i%24, normal)
	}
	fmt.Fprintf(&today, `{"session_id":1,"start":"2024-01-03T01:00:00Z","cmds":%s}`+"\n", normal)
	fmt.Fprintf(&today, `{"session_id":2,"start":"2024-01-03T02:00:00Z","cmds":[{"name":"Get-Mailbox","params":["Identity"]},{"name":"New-InboxRule","params":["RedirectTo","DeleteMessage"]},{"name":"Set-Mailbox","params":["Identity"]}]}`+"\n")
	// hourly bytes with a daily wave and two spikes; sign-ins as rows; flows with a beacon
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var bytes, signins, flows strings.Builder
	bytes.WriteString("TimeGenerated,TotalBytesSent\n")
	signins.WriteString("TimeGenerated,User\n")
	for h := range 24 * 21 {
		v := 1000 + 400*math.Sin(2*math.Pi*float64(h)/24) + float64((h*7919)%50)
		if h == 200 || h == 300 {
			v += 3000
		}
		fmt.Fprintf(&bytes, "%s,%d\n", start.Add(time.Duration(h)*time.Hour).Format(time.RFC3339), int(v))
		for i := range 2 + h%24/6 {
			fmt.Fprintf(&signins, "%s,u%d\n", start.Add(time.Duration(h)*time.Hour+time.Duration(i)*time.Minute).Format(time.RFC3339), i)
		}
	}
	flows.WriteString("TimeGenerated,SrcIP,DestIP\n")
	var src, host []string
	var ts []time.Time
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		t := start.Add(time.Duration(i) * 5 * time.Minute)
		fmt.Fprintf(&flows, "%s,10.0.0.5,203.0.113.9\n", t.Format(time.RFC3339))
		fmt.Fprintf(&flows, "%s,10.0.0.7,198.51.100.1\n", start.Add(time.Duration(rng.IntN(60000))*time.Second).Format(time.RFC3339))
		src, host, ts = append(src, "10.0.0.5"), append(host, "c2.example"), append(ts, t)
	}
	write("bytes.csv", bytes.String())
	write("signins.csv", signins.String())
	write("flows.csv", flows.String())
	proxy := frame.MustNew(frame.NewStrings("src", src), frame.NewStrings("host", host), frame.NewTimes("ts", ts))
	if err := frame.WriteFile(filepath.Join(dir, "proxy.parquet"), proxy, "parquet"); err != nil {
		t.Fatal(err)
	}
	var procs strings.Builder
	procs.WriteString("TimeGenerated,NewProcessName,CommandLine,SubjectLogonId\n")
	exes := []string{`C:\Windows\System32\svchost.exe`, `C:\Windows\System32\cmd.exe`, `C:\Windows\System32\conhost.exe`}
	for i := range 60 {
		exe := exes[i%3]
		fmt.Fprintf(&procs, "%s,%s,\"%s -k netsvcs -p %d\",0x3e7\n", start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), exe, exe, i%4)
	}
	procs.WriteString(start.Format(time.RFC3339) + `,C:\Users\bob\AppData\x.exe,"x.exe -enc SQBFAFgAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAAbgBlAHQALgB3AGUAYgBjAGwAaQBlAG4AdAApAC4A",0x12345` + "\n")
	write("SecurityEvent_4688.csv", procs.String())
	write("procs.csv", procs.String())
	sudo := "TimeGenerated,SyslogMessage,Sudoer,Command\n" +
		"2024-01-01T10:00:00Z,pam_unix(sudo:session): session opened for user root by bob(uid=0),bob,\n" +
		"2024-01-01T10:00:05Z,bob : COMMAND=/bin/bash,bob,/bin/bash\n" +
		"2024-01-01T10:00:06Z,bob : COMMAND=/usr/bin/id,bob,/usr/bin/id\n" +
		"2024-01-01T10:00:09Z,pam_unix(sudo:session): session closed for user root,,\n" +
		"2024-01-01T11:00:00Z,pam_unix(sudo:session): session opened for user root by amy(uid=0),amy,\n" +
		"2024-01-01T11:00:05Z,amy : COMMAND=/usr/bin/ls,amy,/usr/bin/ls\n" +
		"2024-01-01T11:00:09Z,pam_unix(sudo:session): session closed for user root,,\n"
	write("sudo.csv", sudo)
	write("syslog.csv", sudo)
	write("my_rules.json", `{"Syslog": [".*\\bls\\b.*"]}`)
	write("baseline.jsonl", base.String())
	write("today.jsonl", today.String())
	write("sessions.jsonl", base.String()+today.String())
}

// TestHelpExamples runs every example of the analyze commands' --help.
func TestHelpExamples(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	t.Chdir(dir)
	root := New(&cliapp.App{})
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		cmds = append(cmds, c)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	n := 0
	for _, c := range cmds {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			args := strings.Fields(strings.TrimPrefix(line, "huntkit "))
			r := clitest.Run(t, clitest.Options{}, clitest.One(New), args...)
			if r.Code != 0 {
				t.Errorf("%s: exit %d: %s", line, r.Code, r.Err)
			}
			n++
		}
	}
	if n < 5 {
		t.Errorf("ran %d examples", n)
	}
}

func TestSessionsThenSequences(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	sess := filepath.Join(dir, "s.jsonl")
	r := run(t, "sessions", filepath.Join(dir, "exchange.csv"), "--key", "UserId", "--event", "Operation", "--out", sess)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	if !strings.Contains(r.Err, "4 events, 3 sessions") {
		t.Errorf("stderr: %q", r.Err)
	}
	r = run(t, "sequences", sess, "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.Out), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("%v: %s", err, r.Out)
	}
	if _, ok := rows[0]["rarest_window3_likelihood"]; !ok || !strings.Contains(r.Err, "commands-level model on 3 sessions") {
		t.Errorf("row %v; stderr %q", rows[0], r.Err)
	}
	// the same in one step: events sessionized by --event
	r2 := run(t, "sequences", filepath.Join(dir, "exchange.csv"), "--event", "Operation", "--key", "UserId", "-o", "json")
	if r2.Code != 0 || r2.Out != r.Out || !strings.Contains(r2.Err, "4 events, 3 sessions") {
		t.Errorf("--event: exit %d\n%s\nvs\n%s\n%s", r2.Code, r2.Out, r.Out, r2.Err)
	}
}

// TestModelSaveReuse: --model saves a trained model and later runs load it; the planted
// session ranks first; --retrain overwrites; a broken model file is one clear line.
func TestModelSaveReuse(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	model := filepath.Join(dir, "m.json")
	r := run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--train", filepath.Join(dir, "baseline.jsonl"), "--model", model, "--top", "1", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	if !strings.Contains(r.Err, "params-level model on 40 sessions") || !strings.Contains(r.Err, "saved the model") {
		t.Errorf("stderr %q", r.Err)
	}
	first := r.Out
	if !strings.Contains(first, `"session_id":2`) || !strings.Contains(first, "New-InboxRule") {
		t.Errorf("rarest session is not the planted one: %s", first)
	}
	if st, err := os.Stat(model); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("model file: %v %v", st, err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model, "--top", "1", "-o", "json")
	if r.Code != 0 || r.Out != first || !strings.Contains(r.Err, "loaded model") {
		t.Errorf("reuse: exit %d, %q vs %q; %s", r.Code, r.Out, first, r.Err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model, "--retrain", "--level", "commands", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Err, "commands-level model on 2 sessions") {
		t.Errorf("retrain: exit %d: %s", r.Code, r.Err)
	}
	if err := os.WriteFile(model, []byte("{\n \"format\": 3\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, "sequences", filepath.Join(dir, "today.jsonl"), "--model", model)
	if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, "m.json: 2:") || strings.Count(r.Err, "\n") != 1 {
		t.Errorf("broken model: exit %d: %q", r.Code, r.Err)
	}
}

func TestBadInput(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sessions", filepath.Join(dir, "exchange.csv"), "--event", "Nope"}, `"Nope"`},
		{[]string{"sessions", filepath.Join(dir, "exchange.csv"), "--key", "Who", "--event", "Operation"}, `"Who"`},
		{[]string{"sequences", filepath.Join(dir, "exchange.csv")}, "no session column"},
		{[]string{"sequences", filepath.Join(dir, "exchange.csv"), "--session-col", "UserId"}, "row 1"},
		{[]string{"sequences", filepath.Join(dir, "today.jsonl"), "--window", "0"}, "--window 0"},
		{[]string{"sequences", filepath.Join(dir, "today.jsonl"), "--level", "bits"}, `level "bits"`},
		{[]string{"sequences", "table:nope"}, "no such table"},
	} {
		r := run(t, tc.args...)
		if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, tc.want) || strings.Count(r.Err, "\n") != 1 {
			t.Errorf("%v: exit %d: %q (want %q)", tc.args, r.Code, r.Err, tc.want)
		}
	}
}

// TestTimeseriesKusto: through the command, time_series.csv gives Kusto's 6 anomalies.
func TestTimeseriesKusto(t *testing.T) {
	clitest.Isolate(t)
	in := testdata.Shared(t, "msticpy/timeseries/time_series.csv")
	r := run(t, "timeseries", in, "--value", "TotalBytesSent", "--threshold", "3", "--anomalies", "-o", "csv")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if len(lines) != 7 || !strings.Contains(r.Err, "period 168, 6 anomalies") || !strings.HasPrefix(lines[1], "2019-05-07T11:00:00Z") {
		t.Errorf("stdout:\n%s\nstderr: %s", r.Out, r.Err)
	}
}

func TestBeaconAndTimeseriesErrors(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	r := run(t, "beacon", filepath.Join(dir, "flows.csv"), "--key", "SrcIP", "--key", "DestIP", "--beacons", "-o", "json")
	var rows []map[string]any
	if r.Code != 0 || json.Unmarshal([]byte(r.Out), &rows) != nil || len(rows) != 1 || rows[0]["DestIP"] != "203.0.113.9" || math.Abs(rows[0]["period_s"].(float64)-300) > 1 {
		t.Errorf("beacons: exit %d %s %s", r.Code, r.Out, r.Err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"beacon", filepath.Join(dir, "flows.csv"), "--time", "SrcIP"}, "not a time column"},
		{[]string{"beacon", filepath.Join(dir, "flows.csv"), "--alpha", "2"}, "--alpha"},
		{[]string{"timeseries", filepath.Join(dir, "bytes.csv"), "--value", "Nope"}, `"Nope"`},
		{[]string{"timeseries", filepath.Join(dir, "bytes.csv"), "--method", "arima"}, `method "arima": want kusto or stl`},
		{[]string{"timeseries", filepath.Join(dir, "bytes.csv"), "--method", "stl", "--period", "400"}, "two periods"},
	} {
		r := run(t, tc.args...)
		if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, tc.want) || strings.Count(r.Err, "\n") != 1 {
			t.Errorf("%v: exit %d: %q (want %q)", tc.args, r.Code, r.Err, tc.want)
		}
	}
}

// TestClusterOutliers: msticpy's hash clustering through the command, and the planted
// process ranks first among the outliers.
func TestClusterOutliers(t *testing.T) {
	clitest.Isolate(t)
	in := testdata.Shared(t, "msticpy/proctree/processes_on_host.csv")
	r := run(t, "cluster", in, "--cols", "pathHash,commandlineTokensHash,isSystemSession", "--eps", "0.001", "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Err, ": 121 output rows") {
		t.Errorf("exit %d: %s", r.Code, r.Err)
	}
	dir := t.TempDir()
	fixtures(t, dir)
	r = run(t, "outliers", filepath.Join(dir, "procs.csv"), "--cols", "commandlineLen,commandlineEntropy,pathScore", "--top", "1", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `x.exe`) || !strings.Contains(r.Out, `"is_outlier":true`) {
		t.Errorf("outliers: exit %d %s %s", r.Code, r.Out, r.Err)
	}
	page := filepath.Join(dir, "clusters.html")
	r = run(t, "cluster", filepath.Join(dir, "procs.csv"), "--eps", "0.001", "--html", page)
	b, err := os.ReadFile(page)
	if r.Code != 0 || r.Out != "" || err != nil || !strings.Contains(string(b), "ClusterId") || !strings.Contains(string(b), "cmd.exe") {
		t.Errorf("cluster --html: exit %d %q %s %v", r.Code, r.Out, r.Err, err)
	}
	r = run(t, "cluster", filepath.Join(dir, "procs.csv"), "--cols", "processName")
	if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, "want a number") {
		t.Errorf("string column: exit %d %s", r.Code, r.Err)
	}
}

// TestHTMLCharts: the time-series and session-score charts are written offline with their
// data and markers.
func TestHTMLCharts(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	page := filepath.Join(dir, "ts.html")
	r := run(t, "timeseries", filepath.Join(dir, "bytes.csv"), "--value", "TotalBytesSent", "--threshold", "3", "--html", page)
	if r.Code != 0 || r.Out != "" {
		t.Fatalf("exit %d, stdout %q: %s", r.Code, r.Out, r.Err)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{"anomaly: rise", `"baseline"`, `"seasonal"`, "echarts", "Time series bytes.csv (kusto, period "} {
		if !strings.Contains(html, want) {
			t.Errorf("time-series page lacks %q", want)
		}
	}
	if strings.Contains(html, "http://") && strings.Contains(html, "<script src=\"http") {
		t.Error("page fetches a remote script")
	}
	page = filepath.Join(dir, "scores.html")
	r = run(t, "sequences", filepath.Join(dir, "sessions.jsonl"), "--time-col", "start", "--top", "1", "--html", page)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	b, _ = os.ReadFile(page)
	if !strings.Contains(string(b), "#1: ") || !strings.Contains(string(b), "New-InboxRule") || !strings.Contains(string(b), "log10_likelihood") {
		t.Errorf("session-score page lacks the rarest session marker")
	}
	r = run(t, "sequences", filepath.Join(dir, "sessions.jsonl"), "--time-col", "session_id", "--html", page)
	if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, "not a time column") {
		t.Errorf("bad time column: exit %d %s", r.Code, r.Err)
	}
}

func TestCmdlineSudo(t *testing.T) {
	clitest.Isolate(t)
	dir := t.TempDir()
	fixtures(t, dir)
	r := run(t, "cmdline", filepath.Join(dir, "sudo.csv"), "-o", "csv")
	if r.Code != 0 || strings.Count(strings.TrimSpace(r.Out), "\n") != 1 || !strings.Contains(r.Out, "/bin/bash") {
		t.Errorf("cmdline: exit %d %q %s", r.Code, r.Out, r.Err)
	}
	r = run(t, "sudo", filepath.Join(dir, "sudo.csv"), "--rules", filepath.Join(dir, "my_rules.json"), "-o", "csv")
	if r.Code != 0 || !strings.Contains(r.Out, "bob,") || !strings.Contains(r.Out, "amy,") || !strings.Contains(r.Err, "2 sessions, 2 risky") {
		t.Errorf("sudo: exit %d %q %s", r.Code, r.Out, r.Err)
	}
	r = run(t, "cmdline", filepath.Join(dir, "sudo.csv"), "--log-type", "Windows")
	if r.Code != cliapp.ExitUsage || !strings.Contains(r.Err, `no rules for log type "Windows"`) {
		t.Errorf("unknown log type: exit %d %s", r.Code, r.Err)
	}
}
