package query_test

import (
	"fmt"
	"time"

	"github.com/huntkit/huntkit/query"
)

// A value placed inside a quoted literal is escaped for it; typed values are validated.
func ExampleTemplate_Render() {
	src := []byte(`
metadata:
  data_environments: [LogAnalytics]
  data_families: [WindowsSecurity]
sources:
  list_host_logons:
    description: Logons on a host
    args:
      query: 'SecurityEvent | where Computer has "{host_name}" | where TimeGenerated >= datetime({start}) | take {limit}'
    parameters:
      host_name: {type: str, description: Host}
      start: {type: datetime, description: Start}
      limit: {type: int, description: Rows, default: 10}
`)
	ts, err := query.ParseFile("example.yaml", src)
	if err != nil {
		panic(err)
	}
	now := time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)
	req, err := ts[0].Render(query.KQL, map[string]any{
		"host_name": `x" | union SecurityEvent | where "1"=="1`,
		"start":     "-3d@d",
	}, query.WithNow(now))
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Text)
	_, err = ts[0].Render(query.KQL, map[string]any{"host_name": "web01", "limit": "10 | union X"}, query.WithNow(now))
	fmt.Println(err)
	// Output:
	// SecurityEvent | where Computer has "x\" | union SecurityEvent | where \"1\"==\"1" | where TimeGenerated >= datetime(2024-03-10T00:00:00Z) | take 10
	// template WindowsSecurity.list_host_logons: parameter "limit" expects int, got "10 | union X": not an integer
}

func ExampleParseTime() {
	now := time.Date(2024, 3, 13, 10, 37, 0, 0, time.UTC)
	for _, e := range []string{"now", "-2h", "-3d@d", "2024-01-01", "-1"} {
		t, _ := query.ParseTime(e, now)
		fmt.Println(e, t.Format(time.RFC3339))
	}
	// Output:
	// now 2024-03-13T10:37:00Z
	// -2h 2024-03-13T08:37:00Z
	// -3d@d 2024-03-10T00:00:00Z
	// 2024-01-01 2024-01-01T00:00:00Z
	// -1 2024-03-12T10:37:00Z
}

func ExampleLookupEnv() {
	env, err := query.LookupEnv("AzureSentinel")
	fmt.Println(env.Name, env.Language, err)
	_, err = query.LookupEnv("Splnk")
	fmt.Println(err)
	// Output:
	// MSSentinel kql <nil>
	// unknown data environment "Splnk"; did you mean Splunk?
}
