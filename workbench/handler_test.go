package workbench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	huntkit "github.com/huntkit/huntkit"
)

// newTestServer serves a workbench over a data folder and a configuration file with
// httptest (Host 127.0.0.1:port, like a loopback server).
func newTestServer(t *testing.T, opts Options, cfgText string, hkOpts ...huntkit.Option) (*httptest.Server, *Server, string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "msticpyconfig.yaml")
	if cfgText == "" {
		cfgText = "# no settings\n"
	}
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	csv := "TimeGenerated,Computer,IpAddress,CommandLine\n" +
		"2026-11-03T10:00:00Z,web01,81.2.69.142,powershell -enc SQBFAFgA\n" +
		"2026-11-03T11:00:00Z,db01,10.0.0.5,<script>alert(1)</script>\n"
	if err := os.WriteFile(filepath.Join(data, "Events.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	hk, err := huntkit.Open(context.Background(), append([]huntkit.Option{huntkit.WithConfigFile(cfgPath)}, hkOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Data == nil {
		opts.Data = []string{data}
	}
	opts.ConfigFile = cfgPath
	srv, err := New(hk, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close(); hk.Close() })
	return ts, srv, cfgPath
}

// page fetches the page and returns its CSRF token.
func csrfOf(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	res, err := c.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`name="hk-csrf" content="([0-9a-f]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token in the page (status %d)", res.StatusCode)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("page CSP %q is not strict", csp)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the page sends a CORS header")
	}
	return string(m[1])
}

func post(t *testing.T, c *http.Client, url, csrf, origin, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set(csrfHeader, csrf)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = map[string]any{"raw": string(b)}
	}
	return res.StatusCode, out
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestCrossSitePostRefused(t *testing.T) {
	ts, _, _ := newTestServer(t, Options{}, "")
	c := ts.Client()
	tok := csrfOf(t, c, ts.URL)
	body := `{"env":"LocalData","text":"Events | take 1"}`
	for _, tc := range []struct {
		name, csrf, origin string
		want               int
	}{
		{"no CSRF token (a form from another site)", "", "", http.StatusForbidden},
		{"wrong CSRF token", strings.Repeat("0", len(tok)), ts.URL, http.StatusForbidden},
		{"foreign Origin with the right token", tok, "http://evil.example", http.StatusForbidden},
		{"same origin with the token", tok, ts.URL, http.StatusAccepted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := post(t, c, ts.URL+"/api/run", tc.csrf, tc.origin, body)
			if code != tc.want {
				t.Fatalf("status %d (%v), want %d", code, out, tc.want)
			}
		})
	}
	// a simple cross-site form post (text/plain, no custom header) is refused too
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/notebook/note", strings.NewReader(`{"markdown":"x"}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("cross-site form post: status %d, CORS %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestHostCheckOnLoopback(t *testing.T) {
	ts, _, _ := newTestServer(t, Options{}, "")
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/envs", nil)
	req.Host = "attacker.example:80" // DNS rebinding: a foreign name resolving to 127.0.0.1
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign Host: status %d, want 403", res.StatusCode)
	}
}

func TestTokenRequiredBeyondLoopback(t *testing.T) {
	token := RemoteToken()
	ts, _, _ := newTestServer(t, Options{Token: token}, "")
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/", "/api/envs", "/static/app.js", "/?token=wrong" + token[5:]} {
		if code, _ := get(t, c, ts.URL+path); code != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: status %d, want 401", path, code)
		}
	}
	if code, _ := post(t, c, ts.URL+"/api/run", "", "", `{}`); code != http.StatusUnauthorized {
		t.Errorf("POST without the token: status %d, want 401", code)
	}
	// the first visit with ?token= sets the cookie and drops the token from the address
	res, err := c.Get(ts.URL + "/?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("first visit: status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == tokenCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != token {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, the token", cookie)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/envs", nil)
	req.AddCookie(cookie)
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("with the cookie: status %d", res.StatusCode)
	}
}

func TestListenerRefusesRemoteWithoutListen(t *testing.T) {
	if _, err := Listener("0.0.0.0:0", false); err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("non-loopback address without --listen: %v", err)
	}
	ln, err := Listener("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !IsLoopbackAddr(ln.Addr().String()) {
		t.Fatalf("default address %s is not loopback", ln.Addr())
	}
}

// runJob runs a query through the API and returns the finished job.
func runJob(t *testing.T, c *http.Client, base, csrf, body string) map[string]any {
	t.Helper()
	code, out := post(t, c, base+"/api/run", csrf, "", body)
	if code != http.StatusAccepted {
		t.Fatalf("run %s: %d %v", body, code, out)
	}
	id := out["job"].(string)
	for range 600 {
		_, js := get(t, c, base+"/api/jobs/"+id)
		var j map[string]any
		if err := json.Unmarshal([]byte(js), &j); err != nil {
			t.Fatal(err)
		}
		if j["state"] != "running" {
			return j
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("job did not finish")
	return nil
}

func TestRunExportSaveAndNotebook(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "case.duckdb")
	ts, srv, _ := newTestServer(t, Options{}, "", huntkit.WithWorkspaceFile(ws))
	c := ts.Client()
	tok := csrfOf(t, c, ts.URL)
	j := runJob(t, c, ts.URL, tok, `{"env":"LocalData","text":"Events | where Computer == \"web01\"","language":"kql"}`)
	if j["state"] != "done" {
		t.Fatalf("job %v", j)
	}
	res := j["result"].(map[string]any)
	id := res["id"].(string)
	if res["rows"].(float64) != 1 {
		t.Fatalf("rows %v", res["rows"])
	}
	code, csv := get(t, c, ts.URL+"/api/results/"+id+"/export?format=csv")
	if code != 200 || !strings.Contains(csv, "web01") || strings.Contains(csv, "db01") {
		t.Fatalf("CSV export %d:\n%s", code, csv)
	}
	code, pq := get(t, c, ts.URL+"/api/results/"+id+"/export?format=parquet")
	if code != 200 || !strings.HasPrefix(pq, "PAR1") {
		t.Fatalf("Parquet export %d: %.20q", code, pq)
	}
	code, js := get(t, c, ts.URL+"/api/results/"+id+"/export?format=json")
	if code != 200 || !strings.Contains(js, `"Computer":"web01"`) {
		t.Fatalf("JSON export %d: %s", code, js)
	}
	if code, out := post(t, c, ts.URL+"/api/results/"+id+"/save", tok, "", `{"table":"web_events"}`); code != 200 {
		t.Fatalf("save: %d %v", code, out)
	}
	if code, out := post(t, c, ts.URL+"/api/results/"+id+"/save", tok, "", `{"table":"bad name;"}`); code != 400 {
		t.Fatalf("save with a bad name: %d %v", code, out)
	}
	if code, out := post(t, c, ts.URL+"/api/notebook/note", tok, "", `{"markdown":"# Finding\nweb01 ran **encoded** PowerShell <img src=x>"}`); code != 200 {
		t.Fatalf("note: %d %v", code, out)
	}
	// enrich: decode the command line column
	code, out := post(t, c, ts.URL+"/api/results/"+id+"/enrich", tok, "", `{"kind":"decode","column":"CommandLine"}`)
	if code != 200 {
		t.Fatalf("decode: %d %v", code, out)
	}
	code, html := get(t, c, ts.URL+"/api/notebook/export?format=html")
	if code != 200 || !strings.Contains(html, "<h3>Finding</h3>") || !strings.Contains(html, "<strong>encoded</strong>") ||
		!strings.Contains(html, "&lt;img src=x&gt;") || strings.Contains(html, "<script") || !strings.Contains(html, "web01") {
		t.Fatalf("HTML report %d:\n%s", code, html)
	}
	code, nbText := get(t, c, ts.URL+"/api/notebook/export?format=ipynb")
	var nb struct {
		NBFormat int `json:"nbformat"`
		Metadata struct {
			Kernelspec struct{ Name string } `json:"kernelspec"`
		} `json:"metadata"`
		Cells []struct {
			CellType string   `json:"cell_type"`
			Source   []string `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal([]byte(nbText), &nb); err != nil || code != 200 {
		t.Fatalf("ipynb %d: %v\n%s", code, err, nbText)
	}
	var src []string
	for _, cell := range nb.Cells {
		src = append(src, cell.CellType+": "+strings.Join(cell.Source, ""))
	}
	all := strings.Join(src, "\n")
	for _, want := range []string{"code: %connect LocalData", "code: %%kql -> result_", "Events | where Computer == \"web01\"", "markdown: # Finding", "%decode --table result_", "%%sql -> web_events"} {
		if !strings.Contains(all, want) {
			t.Errorf("notebook lacks %q:\n%s", want, all)
		}
	}
	if nb.NBFormat != 4 || nb.Metadata.Kernelspec.Name != "huntkit" {
		t.Errorf("nbformat %d kernel %q", nb.NBFormat, nb.Metadata.Kernelspec.Name)
	}
	// the notebook is kept in the workspace file: a new workbench on it reopens the steps
	srv.Close()
	ts.Close()
	hk2, err := huntkit.Open(context.Background(), huntkit.WithWorkspaceFile(ws), huntkit.WithConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer hk2.Close()
	_ = srv.hk.Close()
	srv2, err := New(hk2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := srv2.nb.snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, st := range steps {
		kinds = append(kinds, st.Kind)
	}
	if got := strings.Join(kinds, ","); got != "query,save,note,enrich" {
		t.Fatalf("reopened notebook steps %s, want query,save,note,enrich", got)
	}
	if steps[0].Preview == nil || steps[0].Preview.Total != 1 {
		t.Fatalf("reopened query step lost its preview: %+v", steps[0])
	}
}

func TestCancelRunningQuery(t *testing.T) {
	ts, _, _ := newTestServer(t, Options{}, "")
	c := ts.Client()
	tok := csrfOf(t, c, ts.URL)
	code, out := post(t, c, ts.URL+"/api/run", tok, "", `{"env":"LocalData","text":"SELECT count(*) FROM range(100000000000) a","language":"sql"}`)
	if code != http.StatusAccepted {
		t.Fatalf("run: %d %v", code, out)
	}
	id := out["job"].(string)
	time.Sleep(200 * time.Millisecond)
	if code, out := post(t, c, ts.URL+"/api/jobs/"+id+"/cancel", tok, "", `{}`); code != 200 {
		t.Fatalf("cancel: %d %v", code, out)
	}
	for range 200 {
		_, js := get(t, c, ts.URL+"/api/jobs/"+id)
		if strings.Contains(js, `"state":"cancelled"`) {
			return
		}
		if !strings.Contains(js, `"state":"running"`) {
			t.Fatalf("after cancel: %s", js)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the query was not cancelled")
}

const editConfig = `# top comment
TIProviders:
  # OTX comment
  OTX:
    Args:
      AuthKey: old-otx-key  # line comment
    Primary: true
    Provider: OTX
  VirusTotal:
    Args:
      AuthKey:
        EnvironmentVar: VT_KEY
    Provider: VirusTotal
Azure:
  cloud: global
  auth_methods: [cli, msi]
`

func TestConfigEditorKeepsCommentsAndSecrets(t *testing.T) {
	t.Setenv("VT_KEY", "vt-secret-value")
	ts, _, cfgPath := newTestServer(t, Options{}, editConfig)
	c := ts.Client()
	tok := csrfOf(t, c, ts.URL)
	code, body := get(t, c, ts.URL+"/api/config")
	if code != 200 {
		t.Fatalf("config: %d %s", code, body)
	}
	if strings.Contains(body, "old-otx-key") || strings.Contains(body, "vt-secret-value") {
		t.Fatalf("the editor sent a secret to the browser: %s", body)
	}
	for _, want := range []string{`"type":"secret","set":true`, `"type":"ref","value":"VT_KEY","kind":"EnvironmentVar"`, `"AzureSentinel"`} {
		if !strings.Contains(body, want) {
			t.Errorf("config tree lacks %s: %s", want, body)
		}
	}
	var cfg struct{ Version string }
	_ = json.Unmarshal([]byte(body), &cfg)

	// an invalid edit is reported with config validate's message and not saved
	bad := `{"version":"` + cfg.Version + `","edits":[{"path":["Azure","cloud"],"op":"set","value":{"type":"scalar","value":"mars"}}]}`
	code, out := post(t, c, ts.URL+"/api/config/save", tok, "", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(toJSON(out), "Azure.cloud") {
		t.Fatalf("invalid cloud: %d %v", code, out)
	}
	if b, _ := os.ReadFile(cfgPath); string(b) != editConfig {
		t.Fatal("an invalid configuration was written")
	}

	edits := `{"version":"` + cfg.Version + `","edits":[
		{"path":["TIProviders","OTX","Args","AuthKey"],"op":"set","value":{"type":"ref","kind":"EnvironmentVar","value":"OTX_KEY"}},
		{"path":["TIProviders","VirusTotal","Args","AuthKey"],"op":"set","value":{"type":"secret","value":"new-vt: key"}},
		{"path":["Azure","auth_methods"],"op":"set","value":{"type":"list","items":[{"type":"scalar","value":"env"}]}},
		{"path":["KeyVault","VaultName"],"op":"set","value":{"type":"scalar","value":"myvault"}},
		{"path":["KeyVault","TenantId"],"op":"set","value":{"type":"scalar","value":"72f988bf-86f1-41af-91ab-2d7cd011db47"}}]}`
	t.Setenv("OTX_KEY", "x")
	code, out = post(t, c, ts.URL+"/api/config/save", tok, "", edits)
	if code != 200 {
		t.Fatalf("save: %d %v", code, out)
	}
	saved, _ := os.ReadFile(cfgPath)
	s := string(saved)
	for _, want := range []string{"# top comment", "# OTX comment", "# line comment", "{EnvironmentVar: OTX_KEY}", `"new-vt: key"`, "- env", "VaultName: myvault"} {
		if !strings.Contains(s, want) {
			t.Errorf("saved file lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "TIProviders") > strings.Index(s, "Azure:") || strings.Index(s, "OTX") > strings.Index(s, "VirusTotal") {
		t.Errorf("order changed:\n%s", s)
	}
	if b, _ := os.ReadFile(cfgPath + ".bak"); string(b) != editConfig {
		t.Errorf("backup is not the old file:\n%s", b)
	}
	if st, _ := os.Stat(cfgPath); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v changed", st.Mode().Perm())
	}
	// the editor's old version is stale now
	if code, _ := post(t, c, ts.URL+"/api/config/save", tok, "", edits); code != http.StatusConflict {
		t.Errorf("save over a changed file: %d, want 409", code)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestViewIsSandboxed(t *testing.T) {
	ts, _, _ := newTestServer(t, Options{}, "")
	c := ts.Client()
	tok := csrfOf(t, c, ts.URL)
	j := runJob(t, c, ts.URL, tok, `{"env":"LocalData","text":"Events","language":"kql"}`)
	id := j["result"].(map[string]any)["id"].(string)
	res, err := c.Get(ts.URL + "/api/results/" + id + "/view/data")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "sandbox allow-scripts") || strings.Contains(csp, "allow-same-origin") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("view CSP %q", csp)
	}
	if strings.Contains(string(b), "<script>alert(1)</script>") {
		t.Error("a data cell's HTML is in the page unescaped")
	}
	if code, _ := get(t, c, ts.URL+"/api/results/"+id+"/view/bogus"); code != 400 {
		t.Errorf("unknown view: %d", code)
	}
	if code, _ := get(t, c, ts.URL+"/api/results/r999/view/data"); code != 404 {
		t.Errorf("unknown result: %d", code)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	got := markdown("# T <b>\n\n- a *x*\n- `<i>`\n\n```\n<script>\n```\ntext **b**")
	want := "<h3>T &lt;b&gt;</h3>\n<ul>\n<li>a <em>x</em></li>\n<li><code>&lt;i&gt;</code></li>\n</ul>\n<pre>&lt;script&gt;\n</pre>\n<p>text <strong>b</strong></p>\n"
	if got != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", got, want)
	}
}
