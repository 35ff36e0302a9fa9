package kql_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/kql"
)

func TestExternalData(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "iocs.csv"), []byte("ip,score,seen\n10.0.0.1,5,2021-05-01T00:00:00Z\n\"8.8.8.8\",,2021-05-02\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "names.txt"), []byte("evil.exe\r\n\r\nbad.dll\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("a\tb\n")) }))
	defer srv.Close()
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	run := func(q string, opts ...kql.Option) (string, error) {
		sql, err := kql.Compile(q, kql.MapCatalog{}, opts...)
		if err != nil {
			return "", err
		}
		f, err := w.Query(ctx, sql)
		if err != nil {
			return "", err
		}
		return frameText(f, false), nil
	}
	local := kql.WithExternalData(kql.LocalExternalData(dir, false, nil, 0))
	tests := []struct{ q, want string }{
		{`externaldata(ip:string, score:long, seen:datetime)["iocs.csv"] with (ignoreFirstRecord=true)`,
			"ip|score|seen\n10.0.0.1|5|2021-05-01T00:00:00Z\n8.8.8.8||2021-05-02T00:00:00Z"},
		{`externaldata(name:string)[@"file://` + filepath.ToSlash(filepath.Join(dir, "names.txt")) + `"] with (format="txt") | where name endswith ".exe"`,
			"name\nevil.exe"},
	}
	for _, tc := range tests {
		got, err := run(tc.q, local)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.q, got, tc.want)
		}
	}
	// a URL needs the network option; the test server is on loopback
	urlQuery := `externaldata(x:string, y:string)["` + srv.URL + `/list.tsv"] with (format="tsv")`
	if _, err := run(urlQuery, local); !errors.Is(err, kql.ErrNetworkDisabled) {
		t.Errorf("URL without the network option: %v", err)
	}
	got, err := run(urlQuery, kql.WithExternalData(kql.LocalExternalData(dir, true, srv.Client(), 0)))
	if err != nil || got != "x|y\na|b" {
		t.Errorf("URL with the network option: %q, %v", got, err)
	}
	// without a source, externaldata is not supported
	if _, err := run(`externaldata(x:string)["iocs.csv"]`); !errors.Is(err, kql.ErrUnsupported) {
		t.Errorf("no source: %v", err)
	}
	if _, err := run(`externaldata(x:string)["missing.csv"]`, local); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := run(`externaldata(x:string)["iocs.csv"]`, kql.WithExternalData(kql.LocalExternalData(dir, false, nil, 10))); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("size limit: %v", err)
	}
}
