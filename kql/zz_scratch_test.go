package kql

import "testing"

func TestZZG(t *testing.T) {
	for _, s := range []string{
		`let arr = dynamic(["a","b"]); SecurityEvent | where CommandLine has_any (arr)`,
		`SecurityEvent | extend arr = dynamic(["a","b"]) | where CommandLine has_any (arr)`,
		`SigninLogs | where UserPrincipalName has_any (ConditionalAccessPolicies)`,
		`let arr = dynamic(["a","b"]); SecurityEvent | where CommandLine has_all (arr)`,
		`SecurityEvent | summarize argmax(TimeGenerated, Computer) by Account`,
		`SecurityEvent | summarize argmin(TimeGenerated, *) by Account`,
		`print indexof("abcdefabc", "abc", 1, 8)`,
		`print extractall(@"(\d+)", "a1b22")`,
		`print x = parse_xml("<a><b>1</b></a>")`,
		`SecurityEvent | partition by Computer (take 1)`,
		`SecurityEvent | evaluate pivot(Computer)`,
		`SecurityEvent | mv-apply x = dynamic([1,2]) on (take 1)`,
		`search "foo"`,
		`find "foo"`,
		`externaldata(a:string)["/tmp/x.csv"]`,
	} {
		_, err := Compile(s, SentinelCatalog())
		t.Logf("%v  <= %s", err, s)
	}
}
