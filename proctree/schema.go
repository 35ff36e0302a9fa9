package proctree

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/frame"
)

// ErrNoSchema is returned when no schema matches the columns of the input.
var ErrNoSchema = errors.New("no process schema matches the columns")

// ErrUnknownSchema is returned for a schema name that is not known.
var ErrUnknownSchema = errors.New("unknown process schema")

// ErrMissingColumn is returned when a required schema column is absent from the input.
var ErrMissingColumn = errors.New("missing column")

// Schema maps the roles of a process event onto column names. A field may list alternative
// column names separated by "|"; the first one present in the input is used. Empty fields are
// optional roles the source does not have.
type Schema struct {
	Name string // short name: 4688, sysmon, mde, auditd, osquery, pslist, or custom

	Time        string // event / process start time (required)
	ProcessName string // image path or name (required)
	ProcessID   string // process id (required)
	ParentID    string // parent process id (required)
	ParentName  string // parent image path, when recorded: part of the parent match

	// File-name columns for sources whose path columns may hold only the folder (Defender's
	// FolderPath / InitiatingProcessFolderPath): the name is joined to the folder unless the
	// path already ends with it.
	ProcessFile string
	ParentFile  string

	CmdLine       string
	User          string
	UserID        string
	LogonID       string
	TargetLogonID string
	Host          string

	EventIDColumn string // column holding the event type; rows with another value are skipped
	EventIDValue  string // the value that marks a process-creation event (compared as text)

	ProcessGUID string // a unique process identifier (Sysmon ProcessGuid)
	ParentGUID  string // the parent's unique identifier (Sysmon ParentProcessGuid)

	// Exact parent identity (Defender): the parent's creation time, and its command line and
	// own parent, used to synthesise a missing parent with real details.
	CreationTime    string // the process's own creation time (defaults to Time)
	ParentTime      string
	ParentCmdLine   string
	GrandparentID   string
	GrandparentName string
	GrandparentTime string
}

// Built-in schemas.
var (
	// Win4688 is the Windows Security event 4688 (as in Microsoft Sentinel's SecurityEvent).
	Win4688 = Schema{
		Name: "4688", Time: "TimeGenerated|TimeCreated|TimeCreatedUtc|Timestamp|EventTime|@timestamp", ProcessName: "NewProcessName",
		ProcessID: "NewProcessId", ParentID: "ProcessId", ParentName: "ParentProcessName",
		CmdLine: "CommandLine", User: "SubjectUserName", UserID: "SubjectUserSid",
		LogonID: "SubjectLogonId", TargetLogonID: "TargetLogonId", Host: "Computer|Hostname|ComputerName",
		EventIDColumn: "EventID", EventIDValue: "4688",
	}
	// Sysmon1 is Sysmon event 1 (process create).
	Sysmon1 = Schema{
		Name: "sysmon", Time: "UtcTime|TimeGenerated|TimeCreated|EventTime|@timestamp", ProcessName: "Image", ProcessID: "ProcessId",
		ParentID: "ParentProcessId", ParentName: "ParentImage", CmdLine: "CommandLine", User: "User",
		LogonID: "LogonId", Host: "Computer|Hostname", EventIDColumn: "EventID", EventIDValue: "1",
		ProcessGUID: "ProcessGuid", ParentGUID: "ParentProcessGuid",
	}
	// MDE is Microsoft Defender for Endpoint DeviceProcessEvents (advanced hunting / Sentinel).
	MDE = Schema{
		Name: "mde", Time: "Timestamp|TimeGenerated", ProcessName: "FolderPath|FileName", ProcessID: "ProcessId",
		ParentID: "InitiatingProcessId", ParentName: "InitiatingProcessFolderPath|InitiatingProcessFileName",
		ProcessFile: "FileName", ParentFile: "InitiatingProcessFileName",
		CmdLine: "ProcessCommandLine", User: "AccountName", UserID: "AccountSid", LogonID: "LogonId",
		Host: "DeviceName|DeviceId", EventIDColumn: "ActionType", EventIDValue: "ProcessCreated",
		CreationTime: "ProcessCreationTime", ParentTime: "InitiatingProcessCreationTime",
		ParentCmdLine: "InitiatingProcessCommandLine", GrandparentID: "InitiatingProcessParentId",
		GrandparentName: "InitiatingProcessParentFileName", GrandparentTime: "InitiatingProcessParentCreationTime",
	}
	// MDEInternal is Defender's internal process-creation layout (CreatedProcess* columns for
	// the new process, InitiatingProcess* for its parent and InitiatingProcessParent* for the
	// grandparent), the layout MSTICPy builds trees from after converting DeviceProcessEvents.
	// CreatedProcessFilePath and InitiatingProcessImageFilePath hold the folder or the full path.
	MDEInternal = Schema{
		Name: "mde-internal", Time: "CreatedProcessCreationTime", ProcessName: "CreatedProcessFilePath|CreatedProcessName",
		ProcessID: "CreatedProcessId", ParentID: "InitiatingProcessId|CreatedProcessParentId",
		ParentName:  "InitiatingProcessImageFilePath|InitiatingProcessName|CreatedProcessParentName",
		ProcessFile: "CreatedProcessName", ParentFile: "InitiatingProcessName",
		CmdLine: "CreatedProcessCommandLine", User: "CreatedProcessAccountName", UserID: "CreatedProcessAccountSid",
		LogonID: "InitiatingProcessLogonId", TargetLogonID: "CreatedProcessAccountLogonId|LogonId",
		Host:         "ComputerDnsName|DeviceName|MachineId",
		CreationTime: "CreatedProcessCreationTime", ParentTime: "InitiatingProcessCreationTime|CreatedProcessParentCreationTimeUtc",
		ParentCmdLine: "InitiatingProcessCommandLine|Process_CommandLine", GrandparentID: "InitiatingProcessParentProcessId",
		GrandparentName: "InitiatingProcessParentProcessName", GrandparentTime: "InitiatingProcessParentCreationTime",
	}
	// Auditd is Linux auditd process execution as tabulated by MSTICPy (SYSCALL + EXECVE rows merged).
	Auditd = Schema{
		Name: "auditd", Time: "TimeGenerated|Timestamp", ProcessName: "exe", ProcessID: "pid", ParentID: "ppid",
		CmdLine: "cmdline|proctitle", User: "acct", UserID: "uid", LogonID: "ses", Host: "Computer|Hostname|host",
		EventIDColumn: "EventType", EventIDValue: "SYSCALL_EXECVE",
	}
	// Osquery is osquery's process_events (or processes) table.
	Osquery = Schema{
		Name: "osquery", Time: "time|start_time|unixTime", ProcessName: "path|name", ProcessID: "pid",
		ParentID: "parent", CmdLine: "cmdline", UserID: "uid", LogonID: "auid",
		Host: "hostIdentifier|host_identifier|hostname",
	}
	// Pslist is a process listing (Volatility windows.pslist and similar).
	Pslist = Schema{
		Name: "pslist", Time: "CreateTime|StartTime|create_time", ProcessName: "ImageFileName|Name|ProcessName",
		ProcessID: "PID|Pid", ParentID: "PPID|PPid|Ppid", Host: "Host|Computer",
	}
)

// Schemas returns the built-in schemas.
func Schemas() []Schema { return []Schema{Win4688, Sysmon1, MDE, MDEInternal, Auditd, Osquery, Pslist} }

// LookupSchema returns a built-in schema by name (case-insensitive; "windows", "security",
// "sysmon1", "defender", "deviceprocessevents", "mdeint", "defender-internal", "linux",
// "auditd", "volatility" are aliases).
func LookupSchema(name string) (Schema, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "4688", "windows", "win", "security", "securityevent":
		return Win4688, nil
	case "sysmon", "sysmon1":
		return Sysmon1, nil
	case "mde", "defender", "deviceprocessevents":
		return MDE, nil
	case "mde-internal", "mdeint", "mde_int", "defender-internal":
		return MDEInternal, nil
	case "auditd", "linux", "lx":
		return Auditd, nil
	case "osquery":
		return Osquery, nil
	case "pslist", "volatility":
		return Pslist, nil
	}
	return Schema{}, fmt.Errorf("%w %q (want auto, 4688, sysmon, mde, mde-internal, auditd, osquery or pslist)", ErrUnknownSchema, name)
}

// fields lists the schema's column specs, in a fixed order.
func (s *Schema) fields() []*string {
	return []*string{&s.Time, &s.ProcessName, &s.ProcessID, &s.ParentID, &s.ParentName, &s.CmdLine,
		&s.User, &s.UserID, &s.LogonID, &s.TargetLogonID, &s.Host, &s.EventIDColumn, &s.ProcessGUID,
		&s.ParentGUID, &s.CreationTime, &s.ParentTime, &s.ParentCmdLine, &s.GrandparentID,
		&s.GrandparentName, &s.GrandparentTime, &s.ProcessFile, &s.ParentFile}
}

// pick returns the first alternative of spec that names a column of f ("" when none).
func pick(f *frame.Frame, spec string) string {
	if spec == "" {
		return ""
	}
	for _, alt := range strings.Split(spec, "|") {
		if alt = strings.TrimSpace(alt); alt != "" && f.Col(alt) != nil {
			return alt
		}
	}
	return ""
}

// Resolve returns a copy of s with every field set to the concrete column present in f, or ""
// when the role's column is absent. It fails when a required role is missing.
func (s Schema) Resolve(f *frame.Frame) (Schema, error) {
	out := s
	for _, p := range out.fields() {
		*p = pick(f, *p)
	}
	var missing []string
	for _, r := range []struct{ name, spec, got string }{
		{"time", s.Time, out.Time}, {"process name", s.ProcessName, out.ProcessName},
		{"process id", s.ProcessID, out.ProcessID}, {"parent id", s.ParentID, out.ParentID},
	} {
		if r.got == "" {
			missing = append(missing, fmt.Sprintf("%s (%s)", r.name, r.spec))
		}
	}
	if len(missing) > 0 {
		return out, fmt.Errorf("schema %s: %w: %s", s.Name, ErrMissingColumn, strings.Join(missing, ", "))
	}
	if out.EventIDColumn == "" {
		out.EventIDValue = ""
	}
	if out.ProcessGUID == "" || out.ParentGUID == "" {
		out.ProcessGUID, out.ParentGUID = "", ""
	}
	if out.ParentTime == "" {
		out.CreationTime, out.ParentCmdLine, out.GrandparentID, out.GrandparentName, out.GrandparentTime = "", "", "", "", ""
	} else if out.CreationTime == "" {
		out.CreationTime = out.Time
	}
	return out, nil
}

// score counts how many of the schema's distinctive columns f has, and whether the required
// roles are all present.
func (s Schema) score(f *frame.Frame) (int, bool) {
	n := 0
	for _, p := range s.fields() {
		if pick(f, *p) != "" {
			n++
		}
	}
	_, err := s.Resolve(f)
	return n, err == nil
}

// DetectSchema picks the built-in schema that best matches the columns of f: the one with
// every required role present and the most matching columns (at least four, as MSTICPy).
func DetectSchema(f *frame.Frame) (Schema, error) {
	type cand struct {
		s     Schema
		score int
	}
	var cands []cand
	for _, s := range Schemas() {
		if n, ok := s.score(f); ok && n >= 4 {
			// Tables that union several logs (Security and Sysmon events side by side) have
			// the columns of more than one schema: prefer the schemas with events in the rows.
			if r, err := s.Resolve(f); err == nil && r.hasEvents(f) {
				n += 1000
			}
			cands = append(cands, cand{s, n})
		}
	}
	if len(cands) == 0 {
		names := f.Names()
		if len(names) > 12 {
			names = append(names[:12:12], "...")
		}
		return Schema{}, fmt.Errorf("%w [%s]: name one with --schema or map the columns", ErrNoSchema, strings.Join(names, ", "))
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return cands[0].s, nil
}

// hasEvents reports whether a resolved schema finds at least one process-creation event in f:
// a row with the event id (when the schema filters on one) and a process name.
func (s Schema) hasEvents(f *frame.Frame) bool {
	cEv, cName := f.Col(s.EventIDColumn), f.Col(s.ProcessName)
	for i := 0; i < f.Len(); i++ {
		if cEv != nil {
			v := textAt(cEv, i)
			if cEv.Type() != frame.String {
				v = idText(cEv, i)
			}
			if v != s.EventIDValue {
				continue
			}
		}
		if textAt(cName, i) != "" {
			return true
		}
	}
	return false
}
