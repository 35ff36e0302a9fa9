package emulate

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzKustoBody: any request body is parsed or refused with an error, and the server
// timeout it asks for stays within (0, 1h].
func FuzzKustoBody(f *testing.F) {
	f.Add(`{"db":"SecurityLogs","csl":"T | take 1","properties":{"Options":{"servertimeout":"00:05:00"}}}`)
	f.Add(`{"db":"SecurityLogs","csl":"T","properties":"{\"Options\":{\"servertimeout\":\"1.00:00:00.5\"}}"}`)
	f.Add(`{"db":1}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/v2/rest/query", strings.NewReader(body))
		_, props, err := parseKustoBody(r)
		if err != nil {
			return
		}
		if d := serverTimeout(props); d <= 0 || d > time.Hour {
			t.Fatalf("server timeout %v", d)
		}
		props.scope()
		props.flag("notruncation")
		props.number("truncationmaxrecords")
	})
}
