package kql

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	`SecurityEvent | where EventID == 4688 and CommandLine has "whoami" | summarize count() by Computer, bin(TimeGenerated, 1h) | top 10 by count_`,
	`let T = datatable(a:string, b:long)["x", 1]; T | extend c = strcat(a, b) | project-away b`,
	`SigninLogs | extend city = tostring(LocationDetails.city) | mv-expand c = ConditionalAccessPolicies | join kind=leftouter (AuditLogs) on CorrelationId`,
	`Syslog | parse SyslogMessage with * "user=" User " " * | make-series n = count() on TimeGenerated from ago(1d) to now() step 1h by Computer`,
	`let f = (x:string, y:int = 3) { x }; print f("a"), dynamic({"a": [1, 2.5, "s", null]}), datetime(2021-01-01), 1d + 2h, h'secret', @'c:\x'`,
	`union withsource=T SecurityEvent, (Syslog | take 1) | summarize arg_max(TimeGenerated, *) by T`,
	"print ```multi\nline```, x = -1.5e3, ['a b'] = 0x1f",
	// issue 11: a bare sign in a timespan literal indexed s[-1]
	`print x = time(-)`,
	`print x = timespan( - )`,
	// issue 13: pasted spaces and several queries in one text
	"T\u00a0|\u200bwhere x\u202f== 1\n\nU | take 1",
}

// FuzzParse checks that the parser never panics or hangs and that anything it accepts
// prints to text it accepts again.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		q, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if errors.Is(err, ErrInternal) {
				t.Fatalf("parser panicked: %v\n%s", err, src)
			}
			return
		}
		out := Format(q)
		if _, err := Parse(out); err != nil {
			t.Fatalf("printed query does not parse: %v\n%s\n----\n%s", err, src, out)
		}
	})
}

// FuzzCompile checks that the compiler never panics (ErrInternal) or hangs on any query.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	cat := SentinelCatalog()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		if _, err := Compile(src, cat); errors.Is(err, ErrInternal) {
			t.Fatalf("compiler panicked: %v\n%s", err, src)
		}
	})
}
