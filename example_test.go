package huntkit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/query"
)

// exampleData writes a small SecurityEvent table (CSV) into a new folder.
func exampleData() string {
	dir, err := os.MkdirTemp("", "huntkit-example")
	if err != nil {
		panic(err)
	}
	csv := `TimeGenerated,Computer,EventID,Activity,Account,TargetUserName,TargetDomainName,TargetUserSid,TargetLogonId,LogonType,LogonTypeName,LogonProcessName,AuthenticationPackageName,IpAddress,WorkstationName,Status,SubStatus
2024-03-12T08:00:00Z,web01.corp.example,4624,4624 - logon,CORP\alice,alice,CORP,S-1-5-21-1,0x1,10,10 - RemoteInteractive,User32,Negotiate,203.0.113.7,WS1,,
2024-03-12T09:30:00Z,web01.corp.example,4625,4625 - failure,CORP\bob,bob,CORP,S-1-5-21-2,0x2,3,3 - Network,NtLmSsp,NTLM,198.51.100.9,WS2,0xc000006d,0xc000006a
2024-03-12T10:15:00Z,db01.corp.example,4624,4624 - logon,CORP\carol,carol,CORP,S-1-5-21-3,0x3,3,3 - Network,Kerberos,Kerberos,10.0.0.5,WS3,,
`
	if err := os.WriteFile(filepath.Join(dir, "SecurityEvent.csv"), []byte(csv), 0o644); err != nil {
		panic(err)
	}
	return dir
}

// Open the library, start a LocalData session on a folder of files and run a built-in
// template with parameters.
func Example() {
	ctx := context.Background()
	data := exampleData()
	defer os.RemoveAll(data)

	hk, err := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{})) // or found as the CLI finds it
	if err != nil {
		panic(err)
	}
	defer hk.Close()
	s, err := hk.Provider("LocalData", huntkit.WithData(data))
	if err != nil {
		panic(err)
	}
	f, err := s.Run(ctx, "WindowsSecurity.list_host_logons", huntkit.Params{
		"host_name": "web01", "start": "2024-03-01", "end": "2024-03-13",
	})
	if err != nil {
		panic(err)
	}
	for i := 0; i < f.Len(); i++ {
		fmt.Println(f.Col("TargetUserName").Str(i), f.Col("IpAddress").Str(i), f.Col("LogonTypeName").Str(i))
	}
	// Output: alice 203.0.113.7 10 - RemoteInteractive
}

// An ad-hoc KQL query; a window keeps only rows inside it in every table the query reads.
func ExampleSession_Query() {
	ctx := context.Background()
	data := exampleData()
	defer os.RemoveAll(data)
	hk, _ := huntkit.Open(ctx, huntkit.WithConfig(&config.Config{}))
	defer hk.Close()
	s, _ := hk.Provider("Local", huntkit.WithData(data)) // an alias of LocalData
	f, err := s.Query(ctx, "SecurityEvent | summarize n = count() by EventID | order by EventID asc",
		huntkit.Window{Start: "2024-03-12T09:00:00Z", End: "2024-03-12T23:00:00Z"})
	if err != nil {
		panic(err)
	}
	for i := 0; i < f.Len(); i++ {
		fmt.Println(s.Name(), f.Col("EventID").Int(i), f.Col("n").Int(i))
	}
	// Output:
	// LocalData 4624 1
	// LocalData 4625 1
}

// Prepare renders a template for any environment without connecting to it (what
// `huntkit query ... --print` shows); parameter values are bound safely for the dialect.
func ExampleSession_Prepare() {
	hk, _ := huntkit.Open(context.Background(), huntkit.WithConfig(&config.Config{}))
	defer hk.Close()
	s, _ := hk.Provider("MSSentinel")
	req, err := s.Prepare(huntkit.Request{
		Template: "WindowsSecurity.list_host_logons",
		Params:   huntkit.Params{"host_name": `web"01`},
		Window:   huntkit.Window{Start: "2024-03-01", End: "2024-03-02"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Language, req.Start.Format("2006-01-02"), req.End.Format("2006-01-02"))
	fmt.Println(len(req.Text) > 0, containsLine(req.Text, `| where Computer has "web\"01"`))
	// Output:
	// kql 2024-03-01 2024-03-02
	// true true
}

// Unknown names are request errors that suggest the closest names.
func ExampleHuntkit_Provider() {
	hk, _ := huntkit.Open(context.Background(), huntkit.WithConfig(&config.Config{}))
	defer hk.Close()
	_, err := hk.Provider("LocalDat")
	fmt.Println(errors.Is(err, query.ErrUnknownEnv), errors.Is(err, huntkit.ErrBadRequest))
	fmt.Println(err)
	// Output:
	// true true
	// unknown data environment "LocalDat"; did you mean LocalData, Local?
}
