package kusto_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/emulate"
	"github.com/huntkit/huntkit/provider/kusto"
	"github.com/huntkit/huntkit/query"
)

// v2OK is a minimal fragmented v2 answer with one row (the frames in Kusto's order).
const v2OK = `[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":true,"ErrorReportingPlacement":"EndOfTable"}
,{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[]}
,{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"A","ColumnType":"long"}]}
,{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[[42]]}
,{"FrameType":"TableCompletion","TableId":1,"RowCount":1}
,{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}
]
`

// fakeCluster is a TLS server speaking the ADX REST API with answers the test scripts;
// the emulator is its authority (the token audience is the emulator's URL).
type fakeCluster struct {
	*httptest.Server
	queries atomic.Int32
	mu      sync.Mutex
	bodies  []map[string]any
}

func newFakeCluster(t *testing.T, emu *emulate.Server, answer func(n int, w http.ResponseWriter, r *http.Request)) *fakeCluster {
	t.Helper()
	fc := &fakeCluster{}
	fc.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/rest/auth/metadata" {
			_ = json.NewEncoder(w).Encode(map[string]any{"AzureAD": map[string]any{"LoginEndpoint": emu.URL, "KustoServiceResourceId": emu.URL,
				"KustoClientAppId": emu.ClientID(), "LoginMfaRequired": false}})
			return
		}
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &body)
		fc.mu.Lock()
		fc.bodies = append(fc.bodies, body)
		fc.mu.Unlock()
		answer(int(fc.queries.Add(1)), w, r)
	}))
	t.Cleanup(fc.Close)
	return fc
}

func (fc *fakeCluster) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fc.Certificate().Raw})
}

// TestFailureModes: each failure is one line, retried where the service says so.
func TestFailureModes(t *testing.T) {
	isolate(t)
	emu := startEmulator(t, emulate.Options{})
	kustoErr := `{"error":{"code":"%s","message":"m","@type":"T","@message":"%s","@permanent":%s}}`
	for _, tc := range []struct {
		name     string
		answer   func(n int, w http.ResponseWriter, r *http.Request)
		tries    int32
		want     string // in the error; "" = success
		wantRows int
	}{
		{"429 then ok", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(w, strings.NewReplacer("%s", "x").Replace(kustoErr))
				return
			}
			_, _ = io.WriteString(w, v2OK)
		}, 2, "", 1},
		{"503 then 500 then ok", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n <= 2 {
				w.WriteHeader([]int{http.StatusServiceUnavailable, http.StatusInternalServerError}[n-1])
				return
			}
			_, _ = io.WriteString(w, v2OK)
		}, 3, "", 1},
		{"500 always", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":{"code":"Internal_Error","message":"m","@type":"T","@message":"the node fell over","@permanent":false}}`)
		}, 4, "HTTP 500 Internal_Error the node fell over", 0},
		{"401", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":"Unauthorized","message":"Unauthorized","@type":"T","@message":"principal is not authorized","@permanent":true}}`)
		}, 1, "HTTP 401 Unauthorized principal is not authorized (not authorised", 0},
		{"malformed frames", func(_ int, w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "[{\"FrameType\":\"DataSetHeader\",\"IsProgressive\":false,\n,{garbage\n]\n")
		}, 1, "Kusto query failed", 0},
		{"not JSON", func(_ int, w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "Bad gateway\n")
		}, 1, "Bad gateway", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFakeCluster(t, emu, tc.answer)
			cfg := writeConfig(t, emu, emuClusters(fc.URL), fc.certPEM())
			d := newDriver(t, cfg, map[string]string{"timeout": "5m"})
			f, err := d.Query(context.Background(), query.Request{Text: "T | take 1", Language: "kql"})
			if got := fc.queries.Load(); got != tc.tries {
				t.Errorf("%d requests, want %d", got, tc.tries)
			}
			if tc.want == "" {
				if err != nil || f.Len() != tc.wantRows || f.Col("A").Int(0) != 42 {
					t.Fatalf("%v %v", f, err)
				}
				opts, _ := fc.bodies[0]["properties"].(map[string]any)["Options"].(map[string]any)
				if opts["servertimeout"] != "00:05:00" {
					t.Errorf("servertimeout %v", opts["servertimeout"])
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want %q on one line", err, tc.want)
			}
		})
	}
}

// TestUnreachable: a cluster nobody listens on is one line naming it.
func TestUnreachable(t *testing.T) {
	isolate(t)
	emu := startEmulator(t, emulate.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := writeConfig(t, emu, emuClusters("https://"+addr))
	d := newDriver(t, cfg, nil)
	_, err = d.Query(context.Background(), query.Request{Text: "T", Language: "kql"})
	if !errors.Is(err, kusto.ErrQuery) || !strings.Contains(err.Error(), "cannot reach cluster https://"+addr) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%v", err)
	}
}

// TestCancel: cancelling ctx stops a query the server holds.
func TestCancel(t *testing.T) {
	isolate(t)
	emu := startEmulator(t, emulate.Options{})
	started := make(chan struct{})
	release := make(chan struct{})
	fc := newFakeCluster(t, emu, func(_ int, w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	cfg := writeConfig(t, emu, emuClusters(fc.URL), fc.certPEM())
	d := newDriver(t, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := d.Query(ctx, query.Request{Text: "T", Language: "kql"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
}

// TestEmulatorWrongAuthority: a token from another authority is refused with 401.
func TestEmulatorWrongAuthority(t *testing.T) {
	isolate(t)
	a := startEmulator(t, emulate.Options{})
	b := startEmulator(t, emulate.Options{ClientSecret: a.ClientSecret()})
	// Sign in at b, query a's cluster: a's auth metadata names a as the audience, b signs
	// for it, a refuses b's signature.
	cfg := writeConfig(t, b, emuClusters(a.URL), a.CAPEM)
	d := newDriver(t, cfg, nil)
	_, err := d.Query(context.Background(), query.Request{Text: "ProcessEvents", Language: "kql"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%v", err)
	}
}
