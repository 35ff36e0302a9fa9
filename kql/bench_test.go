package kql_test

import (
	"context"
	"os"
	"testing"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// typicalQuery is a mid-sized hunting query (lets, where, extend, summarize, join).
const typicalQuery = `let timeframe = 1d;
let threshold = 5;
SecurityEvent
| where TimeGenerated >= ago(timeframe)
| where EventID == 4625 and AccountType =~ "User"
| extend Reason = case(SubStatus =~ "0xC000006A", "bad password", SubStatus =~ "0xC0000064", "no such user", "other")
| summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated), Failures = count(), Reasons = make_set(Reason) by Account, Computer, IpAddress
| where Failures >= threshold
| join kind=leftouter (SecurityEvent | where EventID == 4624 | summarize Successes = count() by Account) on Account
| extend timestamp = StartTime, AccountCustomEntity = Account, HostCustomEntity = Computer
| order by Failures desc`

func BenchmarkParseCompile(b *testing.B) {
	cat := kql.SentinelCatalog()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kql.Compile(typicalQuery, cat); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kql.Parse(typicalQuery); err != nil {
			b.Fatal(err)
		}
	}
}

// eventsTable fills SecurityEvent with the columns and value mix of
// ../shared/bench/gen_data.py events (n rows, generated inside DuckDB), or imports the CSV
// named by $KQL_BENCH_EVENTS.
func eventsTable(b *testing.B, w *engine.Workspace, n int) {
	ctx := context.Background()
	if p := os.Getenv("KQL_BENCH_EVENTS"); p != "" {
		if err := w.Import(ctx, "SecurityEvent", p); err != nil {
			b.Fatal(err)
		}
		return
	}
	err := w.Exec(ctx, `CREATE OR REPLACE TABLE SecurityEvent AS
SELECT TIMESTAMP '2021-06-01 00:00:00' + to_milliseconds(i * 30) AS TimeGenerated,
  CASE WHEN i % 11 = 0 THEN 'SRV-' || lpad(CAST(i % 50 AS VARCHAR), 3, '0') ELSE 'WKS-' || lpad(CAST(hash(i) % 500 AS VARCHAR), 4, '0') END AS Computer,
  CAST([4624, 4625, 4634, 4672, 4688, 4624, 4634, 4624][1 + CAST(hash(i * 7) % 8 AS INTEGER)] AS BIGINT) AS EventID,
  'CONTOSO\user' || lpad(CAST(hash(i * 13) % 2000 AS VARCHAR), 4, '0') AS Account,
  CAST(hash(i * 17) % 10 AS BIGINT) AS LogonType,
  CAST(hash(i * 3) % 223 AS VARCHAR) || '.' || CAST(hash(i * 5) % 255 AS VARCHAR) || '.1.' || CAST(i % 254 AS VARCHAR) AS IpAddress,
  ['C:\Windows\System32\svchost.exe', 'C:\Windows\System32\lsass.exe', 'C:\Windows\explorer.exe', 'C:\Windows\System32\cmd.exe', 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe', '-'][1 + CAST(hash(i * 19) % 6 AS INTEGER)] AS Process,
  CASE WHEN hash(i * 23) % 10 < 7 THEN '0xc000006d' ELSE '0x0' END AS Status,
  'An account activity.' AS Activity
FROM range(`+itoa(n)+`) t(i)`)
	if err != nil {
		b.Fatal(err)
	}
}

func itoa(n int) string {
	s := ""
	if n == 0 {
		return "0"
	}
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

// benchPairs are KQL queries and hand-written SQL answering the same question.
var benchPairs = []struct {
	name, kql, sql string
}{
	{"failed-logons-per-hour",
		`SecurityEvent | where EventID == 4625 | summarize Failures = count() by Account, bin(TimeGenerated, 1h) | top 10 by Failures desc`,
		`SELECT Account, time_bucket(INTERVAL 1 hour, TimeGenerated, TIMESTAMP '1970-01-01') AS TimeGenerated, count(*) AS Failures FROM SecurityEvent WHERE EventID = 4625 GROUP BY 1, 2 ORDER BY Failures DESC LIMIT 10`},
	{"has-term",
		`SecurityEvent | where Process has "powershell.exe" | summarize n = count() by Computer | top 5 by n desc`,
		`SELECT Computer, count(*) AS n FROM SecurityEvent WHERE regexp_matches(Process, '(^|[^\pL\pN])powershell\.exe', 'i') GROUP BY 1 ORDER BY n DESC LIMIT 5`},
	{"dcount-by-host",
		`SecurityEvent | where EventID in (4624, 4625) | summarize Accounts = dcount(Account) by Computer | sort by Accounts desc | take 5`,
		`SELECT Computer, count(DISTINCT Account) AS Accounts FROM SecurityEvent WHERE EventID IN (4624, 4625) GROUP BY 1 ORDER BY Accounts DESC LIMIT 5`},
}

func BenchmarkRun(b *testing.B) {
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	eventsTable(b, w, 5_000_000)
	info, err := w.Columns(ctx, "SecurityEvent")
	if err != nil {
		b.Fatal(err)
	}
	cat := kql.MapCatalog{"SecurityEvent": info}
	for _, p := range benchPairs {
		sql, err := kql.Compile(p.kql, cat)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range []struct{ kind, sql string }{{"kql", sql}, {"sql", p.sql}} {
			b.Run(p.name+"/"+v.kind, func(b *testing.B) {
				var f *frame.Frame
				for b.Loop() {
					if f, err = w.Query(ctx, v.sql); err != nil {
						b.Fatal(err)
					}
				}
				if f.Len() == 0 {
					b.Fatal("no rows")
				}
			})
		}
	}
}
