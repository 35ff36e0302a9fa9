package config

import (
	"bytes"
	"strings"
	"testing"
)

func TestMaskText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Data Source=https://help.kusto.windows.net;Application Client Id=abc;Application Key=s3cr3t;Authority Id=t",
			"Data Source=https://help.kusto.windows.net;Application Client Id=abc;Application Key=********;Authority Id=t"},
		{"Server=db;User Id=me;Password=hunter2;", "Server=db;User Id=me;Password=********;"},
		{"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc+/def==;EndpointSuffix=core.windows.net",
			"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=********;EndpointSuffix=core.windows.net"},
		{"Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=AbC=", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=********"},
		{"SharedAccessSignature=sv=2020&sig=abc", "SharedAccessSignature=********"},
		{"https://fn.azurewebsites.net/api/x?code=abc123&name=y", "https://fn.azurewebsites.net/api/x?code=********&name=y"},
		{"https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sig=AbCd%2B&se=2030", "https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sig=********&se=2030"},
		{"get https://api.example.com/v1?key=K1&token=T2 failed", "get https://api.example.com/v1?key=********&token=******** failed"},
		{"https://user:pa55@example.com/path", "https://user:********@example.com/path"},
		{"login failed: password=hunter2 user=bob", "login failed: password=******** user=bob"},
		{"pass: hunter2", "pass: ********"},
		{"Authorization: Bearer eyJhbGciOi", "Authorization: Bearer ********"},
		{"the token expired", "the token expired"},
		{"no secret here: https://example.com/a?b=c", "no secret here: https://example.com/a?b=c"},
		{"", ""},
	} {
		if got := MaskText(c.in); got != c.want {
			t.Errorf("MaskText(%q)\n got  %q\n want %q", c.in, got, c.want)
		}
		if got := MaskText(MaskText(c.in)); got != c.want {
			t.Errorf("MaskText not idempotent on %q: %q", c.in, got)
		}
	}
}

// config show masks secrets by content and by name (issue 11).
func TestShowMasksByContent(t *testing.T) {
	yml := `KustoClusters:
  Cluster1:
    Args:
      Cluster: https://help.kusto.windows.net
      connection_str: "Data Source=https://help.kusto.windows.net;Application Client Id=abc;Application Key=KUSTOSECRET;Authority Id=t"
OtherProviders:
  Hook:
    Args:
      BaseUrl: https://fn.azurewebsites.net/api/x?code=CODESECRET
      pass: PASSSECRET
      Host: https://bob:URLSECRET@example.com
`
	c, err := Parse("c.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.WriteMasked(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"KUSTOSECRET", "CODESECRET", "PASSSECRET", "URLSECRET"} {
		if strings.Contains(out, s) {
			t.Errorf("config show prints %s:\n%s", s, out)
		}
	}
	for _, s := range []string{"Application Client Id=abc", "help.kusto.windows.net", "bob:"} {
		if !strings.Contains(out, s) {
			t.Errorf("config show lost %q:\n%s", s, out)
		}
	}
}

// A YAML syntax error points at the line at fault, not at the start of its block (#13).
func TestParseErrorLine(t *testing.T) {
	for _, c := range []struct {
		yml  string
		line int
	}{
		{"TIProviders:\n  OTX:\n    Args:\n      AuthKey: abc\n     Primary: True\n", 5},
		{"TIProviders:\n  OTX:\n    Args:\n      AuthKey: abc\n    Primary: [True\n  VirusTotal:\n    Args: {}\n", 5},
		{"a: 1\nb: 2\nc: 3\nd: 4\n- e\n", 5},
		{"a: 1\nb: 2\nc: 3\nd: 4\ne: {x: 1\n", 5},
		{"a: 1\n\tb: 2\n", 2},
	} {
		_, err := Parse("c.yaml", []byte(c.yml))
		pe, ok := err.(*ParseError)
		if !ok || pe.Line != c.line {
			t.Errorf("Parse(%q) = %v, want line %d", c.yml, err, c.line)
		}
	}
}

func TestCheckReportsErrorsNotWarnings(t *testing.T) {
	c, err := Parse("c.yaml", []byte("TIProviders:\n  OTX:\n    Args:\n      AuthKey: {EnvironmentVar: HK_CHECK_UNSET_VAR}\n    Primary: maybe\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = Check(c)
	if err == nil || !strings.Contains(err.Error(), "c.yaml:5:") || !strings.Contains(err.Error(), "Primary") {
		t.Fatalf("Check = %v", err)
	}
	c, _ = Parse("c.yaml", []byte("TIProviders:\n  OTX:\n    Args:\n      AuthKey: {EnvironmentVar: HK_CHECK_UNSET_VAR}\n"))
	if err := Check(c); err != nil {
		t.Errorf("an unset variable is a warning, Check = %v", err)
	}
}
