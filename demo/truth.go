package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// GroundTruth describes the planted intrusion: its stages, the rows each stage wrote,
// and every indicator of compromise.
type GroundTruth struct {
	Seed      uint64         `json:"seed"`
	Days      int            `json:"days"`
	Size      Size           `json:"size"`
	Start     time.Time      `json:"start"`
	End       time.Time      `json:"end"`
	TenantID  string         `json:"tenant_id"`
	Domain    string         `json:"domain"`
	Stages    []*Stage       `json:"stages"`
	IoCs      []IoC          `json:"iocs"`
	RowCounts map[string]int `json:"row_counts"`
}

// Stage is one step of the planted intrusion.
type Stage struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Tactic      string    `json:"tactic"`
	Techniques  []string  `json:"techniques"`
	Description string    `json:"description"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Hosts       []string  `json:"hosts,omitempty"`
	Accounts    []string  `json:"accounts,omitempty"`
	// Markers are values whose presence in a hunt's results shows the stage was found
	// (an attacker IP, a distinctive command-line fragment, an account name).
	Markers []string `json:"markers"`
	Events  []Event  `json:"events"`
}

// Event is one planted row.
type Event struct {
	Table   string    `json:"table"`
	Time    time.Time `json:"time"`
	Host    string    `json:"host,omitempty"`
	Summary string    `json:"summary"`
}

// IoC is an indicator of compromise planted in the data.
type IoC struct {
	Type    string `json:"type"` // ipv4, dns, url, sha256, file_path, account, email
	Value   string `json:"value"`
	Stage   string `json:"stage"`
	Context string `json:"context"`
}

func newTruth(opt Options, start, end time.Time) *GroundTruth {
	return &GroundTruth{Seed: opt.Seed, Days: opt.Days, Size: opt.Size, Start: start, End: end, Domain: DNSDomain}
}

// Stage returns the stage with the given id, or nil.
func (t *GroundTruth) Stage(id string) *Stage {
	for _, s := range t.Stages {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// summaryCols are tried in order to describe a planted row.
var summaryCols = []string{
	"ProcessCommandLine", "CommandLine", "SyslogMessage", "Operation", "RemoteUrl", "Name",
	"DisplayName", "ResultDescription", "FileName", "Activity",
}

var hostCols = []string{"DeviceName", "Computer", "HostName"}

func (s *Stage) record(table string, ts time.Time, kv []any) {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	ev := Event{Table: table, Time: ts}
	for _, c := range hostCols {
		if v, ok := m[c].(string); ok && v != "" {
			ev.Host = v
			break
		}
	}
	for _, c := range summaryCols {
		if v, ok := m[c].(string); ok && v != "" {
			ev.Summary = v
			break
		}
	}
	switch table {
	case TSecurityEvent:
		ev.Summary = fmt.Sprintf("%v: %v %s", m["EventID"], m["TargetUserName"], ev.Summary)
		if m["EventID"] == 4688 {
			ev.Summary = fmt.Sprintf("4688: %v", m["CommandLine"])
		}
	case TSigninLogs:
		ev.Summary = fmt.Sprintf("sign-in %v from %v (%v): %v", m["UserPrincipalName"], m["IPAddress"], m["Location"], m["ResultType"])
	case TDeviceNetworkEvents:
		ev.Summary = fmt.Sprintf("%v -> %v:%v %v", m["InitiatingProcessFileName"], m["RemoteIP"], m["RemotePort"], m["RemoteUrl"])
	case TCommonSecurityLog:
		ev.Summary = fmt.Sprintf("firewall %v %v -> %v:%v sent=%v", m["DeviceAction"], m["SourceIP"], m["DestinationIP"], m["DestinationPort"], m["SentBytes"])
	case TDeviceFileEvents:
		ev.Summary = fmt.Sprintf("%v %v", m["ActionType"], m["FolderPath"])
	case TDeviceLogonEvents:
		ev.Summary = fmt.Sprintf("%v %v %v from %v", m["ActionType"], m["LogonType"], m["AccountName"], m["RemoteIP"])
	case TDnsEvents:
		ev.Summary = fmt.Sprintf("DNS %v -> %v", m["Name"], m["IPAddresses"])
	}
	if ts.Before(s.Start) || s.Start.IsZero() {
		s.Start = ts
	}
	if ts.After(s.End) {
		s.End = ts
	}
	s.Events = append(s.Events, ev)
}

// ReadGroundTruth reads a ground_truth.json file.
func ReadGroundTruth(path string) (*GroundTruth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ground truth: %w", err)
	}
	var t GroundTruth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("read ground truth %s: %w", path, err)
	}
	return &t, nil
}
