package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntkit/huntkit/internal/testdata"
)

// securityEvent writes a SecurityEvent table with logons to two hosts from three addresses.
func securityEvent(t *testing.T, dir string) {
	t.Helper()
	cols := "TimeGenerated,Computer,EventID,Activity,Account,TargetUserName,TargetDomainName,TargetUserSid,TargetLogonId," +
		"LogonType,LogonTypeName,LogonProcessName,AuthenticationPackageName,IpAddress,WorkstationName,Status,SubStatus"
	row := func(ago time.Duration, host, user, ip string) string {
		ts := time.Now().UTC().Add(-ago).Format(time.RFC3339)
		return strings.Join([]string{ts, host, "4624", "4624 - An account was successfully logged on.", `CORP\` + user, user, "CORP",
			"S-1-5-21-1", "0x1", "3", "3 - Network", "NtLmSsp", "NTLM", ip, "WS1", "", ""}, ",")
	}
	lines := []string{cols,
		row(3*time.Hour, "web01.corp.example", "alice", "81.2.69.142"),
		row(2*time.Hour, "web01.corp.example", "bob", "89.160.20.112"),
		row(time.Hour, "db01.corp.example", "carol", "175.16.199.3"),
		row(40*24*time.Hour, "web01.corp.example", "old", "81.2.69.160"),
	}
	if err := os.WriteFile(filepath.Join(dir, "SecurityEvent.csv"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGeoIPLogons builds the example (as this test binary) and runs its main on a data
// folder and MaxMind's City test database.
func TestGeoIPLogons(t *testing.T) {
	mmdb := testdata.Shared(t, "maxmind/test-data/GeoIP2-City-Test.mmdb")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("HUNTKIT_CONFIG", "")
	t.Setenv("MSTICPYCONFIG", "")
	t.Chdir(home) // no msticpyconfig.yaml in the working folder
	data := t.TempDir()
	securityEvent(t, data)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, args := os.Stdout, os.Args
	os.Stdout, os.Args = w, []string{"geoip-logons", data, "web01", mmdb}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	main()
	os.Stdout, os.Args = stdout, args
	w.Close()
	out := <-done

	for _, want := range []string{"alice", "81.2.69.142", "GB", "London", "bob", "89.160.20.112", "SE", "Linköping", "CountryCode"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"carol", "old"} {
		if strings.Contains(out, not) {
			t.Errorf("output holds %q (other host, or outside the window):\n%s", not, out)
		}
	}
}
