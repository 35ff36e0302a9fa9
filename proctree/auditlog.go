package proctree

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// ErrAuditLog is wrapped by errors about malformed Linux audit log records.
var ErrAuditLog = errors.New("malformed audit record")

// auditEvent gathers the records of one audit event (same msg=audit(time:serial)).
type auditEvent struct {
	node, id string
	t        time.Time
	syscall  map[string]string
	argv     []string
	argc     int
	cwd      string
	title    string
	order    int
}

// ReadAuditLog reads a raw Linux audit log (auditd's audit.log, "ausearch --raw" output) and
// returns one row per process execution, in the columns MSTICPy's auditd extraction uses
// (EventType "SYSCALL_EXECVE", Computer, mssg_id, TimeGenerated, pid, ppid, uid, auid, ses,
// euid, gid, egid, exe, comm, cwd, cmdline, proctitle, success, key), ready for Build with the
// Auditd schema. An execution is a SYSCALL record of execve/execveat (syscall 59/322 on
// x86_64, 11/358 on i386, 221/281 on arm64) or any event with an EXECVE record. Hex-encoded
// values are decoded. Malformed lines are skipped; the frame is then marked partial with the
// first one (name:line).
func ReadAuditLog(r io.Reader, name string) (*frame.Frame, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	events := map[string]*auditEvent{}
	var order []*auditEvent
	var firstBad error
	bad := 0
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "----") || strings.HasPrefix(text, "#") {
			continue
		}
		rec, err := parseAuditLine(text)
		if err != nil {
			bad++
			if firstBad == nil {
				firstBad = fmt.Errorf("%s:%d: %w", name, line, err)
			}
			continue
		}
		key := rec.node + "\x00" + rec.id
		ev := events[key]
		if ev == nil {
			ev = &auditEvent{node: rec.node, id: rec.id, t: rec.t, order: len(order)}
			events[key] = ev
			order = append(order, ev)
		}
		switch rec.typ {
		case "SYSCALL":
			ev.syscall = rec.fields
		case "EXECVE":
			if n, err := strconv.Atoi(rec.fields["argc"]); err == nil {
				ev.argc = max(ev.argc, n)
			}
			for i := 0; ; i++ {
				v, ok := rec.fields["a"+strconv.Itoa(i)]
				if !ok {
					break
				}
				for len(ev.argv) <= i {
					ev.argv = append(ev.argv, "")
				}
				ev.argv[i] = v
			}
		case "CWD":
			ev.cwd = rec.fields["cwd"]
		case "PROCTITLE":
			ev.title = rec.fields["proctitle"]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	cols := []string{"EventType", "Computer", "mssg_id", "TimeGenerated", "pid", "ppid", "uid", "auid", "ses", "euid",
		"gid", "egid", "exe", "comm", "cwd", "cmdline", "proctitle", "success", "key"}
	builders := make(map[string]*frame.Builder, len(cols))
	for _, c := range cols {
		typ := frame.String
		switch c {
		case "TimeGenerated":
			typ = frame.Time
		case "pid", "ppid", "uid", "auid", "ses", "euid", "gid", "egid":
			typ = frame.Int
		}
		builders[c] = frame.NewBuilder(c, typ, len(order))
	}
	str := func(c, v string) {
		if v == "" || v == "(null)" || v == "(none)" {
			builders[c].AppendNull()
		} else {
			builders[c].AppendString(v)
		}
	}
	num := func(c, v string) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			builders[c].AppendNull()
			return
		}
		if n == 4294967295 { // unset auid / ses
			n = -1
		}
		builders[c].AppendInt(n)
	}
	for _, ev := range order {
		sys := ev.syscall
		if !isExec(sys) && ev.argv == nil {
			continue
		}
		if sys == nil {
			sys = map[string]string{}
		}
		str("EventType", "SYSCALL_EXECVE")
		str("Computer", ev.node)
		str("mssg_id", ev.id)
		builders["TimeGenerated"].AppendTime(ev.t)
		for _, c := range []string{"pid", "ppid", "uid", "auid", "ses", "euid", "gid", "egid"} {
			num(c, sys[c])
		}
		str("exe", sys["exe"])
		str("comm", sys["comm"])
		str("cwd", ev.cwd)
		str("cmdline", strings.Join(ev.argv, " "))
		str("proctitle", ev.title)
		str("success", sys["success"])
		str("key", sys["key"])
	}
	fcols := make([]*frame.Column, len(cols))
	for i, c := range cols {
		fcols[i] = builders[c].Column()
	}
	f, err := frame.New(fcols...)
	if err != nil {
		return nil, err
	}
	if firstBad != nil {
		f.SetPartial(fmt.Errorf("%d malformed lines skipped, first %w", bad, firstBad))
	}
	return f, nil
}

// execSyscalls are execve and execveat on the common architectures (audit arch values).
var execSyscalls = map[string]map[string]bool{
	"c000003e": {"59": true, "322": true},  // x86_64
	"40000003": {"11": true, "358": true},  // i386
	"c00000b7": {"221": true, "281": true}, // aarch64
}

func isExec(sys map[string]string) bool {
	if sys == nil {
		return false
	}
	if s, ok := execSyscalls[strings.ToLower(sys["arch"])]; ok {
		return s[sys["syscall"]]
	}
	return sys["syscall"] == "execve" || sys["syscall"] == "59"
}

type auditRecord struct {
	node, typ, id string
	t             time.Time
	fields        map[string]string
}

// parseAuditLine reads `[node=N ]type=T msg=audit(SEC.MS:SERIAL): k=v k="v" ...`.
func parseAuditLine(s string) (auditRecord, error) {
	var rec auditRecord
	if rest, ok := strings.CutPrefix(s, "node="); ok {
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			return rec, fmt.Errorf("%w: nothing after node=", ErrAuditLog)
		}
		rec.node, s = rest[:sp], strings.TrimSpace(rest[sp+1:])
	}
	rest, ok := strings.CutPrefix(s, "type=")
	if !ok {
		return rec, fmt.Errorf("%w: line does not start with type=", ErrAuditLog)
	}
	sp := strings.IndexByte(rest, ' ')
	if sp < 0 {
		return rec, fmt.Errorf("%w: no msg= after type", ErrAuditLog)
	}
	rec.typ, rest = rest[:sp], strings.TrimSpace(rest[sp+1:])
	rest, ok = strings.CutPrefix(rest, "msg=audit(")
	if !ok {
		return rec, fmt.Errorf("%w: want msg=audit(TIME:SERIAL)", ErrAuditLog)
	}
	end := strings.Index(rest, "):")
	if end < 0 {
		return rec, fmt.Errorf("%w: unterminated msg=audit(", ErrAuditLog)
	}
	rec.id = rest[:end]
	ts, _, ok := strings.Cut(rec.id, ":")
	secs, err := strconv.ParseFloat(ts, 64)
	if !ok || err != nil {
		return rec, fmt.Errorf("%w: bad event id %q", ErrAuditLog, rec.id)
	}
	rec.t = unixTime(secs)
	if sec, frac, ok := strings.Cut(ts, "."); ok { // keep the milliseconds exact
		if s, err1 := strconv.ParseInt(sec, 10, 64); err1 == nil {
			if ms, err2 := strconv.ParseInt((frac + "000")[:3], 10, 64); err2 == nil {
				rec.t = time.Unix(s, ms*int64(time.Millisecond)).UTC()
			}
		}
	}
	rec.fields = parseAuditFields(rest[end+2:])
	return rec, nil
}

// parseAuditFields splits `k=v k="quoted v" k=(none)` and decodes hex-encoded values of the
// fields auditd encodes (unquoted hex for a0.., proctitle, cwd, exe, comm, name).
func parseAuditFields(s string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			break
		}
		key := s[i : i+eq]
		i += eq + 1
		var val string
		quoted := i < len(s) && s[i] == '"'
		if quoted {
			endq := strings.IndexByte(s[i+1:], '"')
			if endq < 0 {
				val, i = s[i+1:], len(s)
			} else {
				val, i = s[i+1:i+1+endq], i+endq+2
			}
		} else {
			sp := strings.IndexByte(s[i:], ' ')
			if sp < 0 {
				val, i = s[i:], len(s)
			} else {
				val, i = s[i:i+sp], i+sp
			}
		}
		if !quoted && hexEncoded(key) {
			if b, err := hex.DecodeString(val); err == nil && len(val) >= 2 {
				val = strings.TrimRight(strings.ReplaceAll(string(b), "\x00", " "), " ")
			}
		}
		if strings.Contains(key, " ") || key == "" {
			continue
		}
		out[key] = val
	}
	return out
}

func hexEncoded(key string) bool {
	switch key {
	case "proctitle", "cwd", "exe", "comm", "name", "cmd":
		return true
	}
	if len(key) > 1 && key[0] == 'a' {
		_, err := strconv.Atoi(key[1:])
		return err == nil
	}
	return false
}
