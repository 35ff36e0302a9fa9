// Package cybereason is the Cybereason data environment: visual-search queries (msticpy's
// JSON query bodies) sent to /rest/visualsearch/query/simple, every result page read into a
// Frame. The driver signs in with a user name and password on /login.html and sends the
// session cookie it gets (JSESSIONID) with each query; an expired session signs in again
// once. Results are flattened as msticpy flattens them: simple values as columns (one value
// as itself, several as a list, *Time* values as times), element values as
// "feature.ElementType" and "feature.ElementType.guid", suspicion counters, and resultId.
package cybereason

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name (msticpy's).
const Name = "Cybereason"

const section = "DataProviders.Cybereason"

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Description: "Cybereason EDR visual search (JSON queries) with session sign-in and paging",
		Language:    "cybereason",
		Dialect:     Dialect{},
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return c.IsSet(section) },
	})
}

// Dialect binds msticpy's Cybereason template parameters: a placeholder alone in a string
// ("{host_list}") becomes a JSON value (lists spliced into their array, times as epoch
// milliseconds); elsewhere values are escaped as JSON string text.
type Dialect struct{}

// Name implements query.Dialect.
func (Dialect) Name() string { return "cybereason" }

// NewScanner implements query.Dialect.
func (Dialect) NewScanner() query.Scanner { return query.JSON.NewScanner() }

// Escape implements query.Dialect.
func (Dialect) Escape(ctx query.Context, v string) (string, error) { return query.JSON.Escape(ctx, v) }

// Literal implements query.Dialect.
func (Dialect) Literal(v string) string { return query.JSON.Literal(v) }

// Time writes epoch milliseconds, Cybereason's time values.
func (Dialect) Time(t time.Time, _ bool) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// WholeValue implements query.WholeValueDialect.
func (Dialect) WholeValue(v any, inArray bool) (string, error) { return query.JSONValue(v, inArray) }

// ErrConfig marks settings that cannot work (no tenant, no credentials).
var ErrConfig = remote.SettingsError("cybereason settings")

// Settings are the driver's options (DataProviders.Cybereason.Args).
type Settings struct {
	// URL is https://{tenant_id}.cybereason.net, or Args.url when set (an on-premises or
	// test server).
	URL          string
	ClientID     string // client_id (alias clientid): the user name
	ClientSecret string // client_secret (alias clientsecret): the password, a secret
	MaxResults   int    // max_results: totalResultLimit, default 1000 (at most 100,000)
	PageSize     int    // page_size: results a page, default 100 (at most 4,000)
	Conn         remote.Conn
}

// SettingsFrom reads the settings, resolving client_secret ({EnvironmentVar: ...},
// {KeyVault: ...}).
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	s := Settings{}
	key := func(names ...string) string {
		for _, n := range names {
			if c.IsSet(section + ".Args." + n) {
				return section + ".Args." + n
			}
		}
		return ""
	}
	arg := func(names ...string) string {
		if k := key(names...); k != "" {
			v, _ := c.String(k)
			return strings.TrimSpace(v)
		}
		return ""
	}
	tenant := arg("tenant_id", "tenantid", "TenantId")
	s.URL = arg("url")
	if s.URL == "" && tenant != "" {
		s.URL = "https://" + tenant + ".cybereason.net"
	}
	s.ClientID = arg("client_id", "clientid", "ClientId")
	if k := key("client_secret", "clientsecret", "ClientSecret"); k != "" {
		v, err := c.Secret(ctx, k)
		if err != nil {
			return s, err
		}
		s.ClientSecret = v
	}
	var missing []string
	for name, v := range map[string]string{"tenant_id": s.URL, "client_id": s.ClientID, "client_secret": s.ClientSecret} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return s, fmt.Errorf("%w: %s.Args: set %s", ErrConfig, section, strings.Join(missing, ", "))
	}
	if n, ok := c.Int(section + ".Args.max_results"); ok {
		s.MaxResults = n
	}
	if n, ok := c.Int(section + ".Args.page_size"); ok {
		s.PageSize = n
	}
	s.Conn = remote.ConnFrom(c, section, 120*time.Second)
	return s, nil
}

// Driver runs visual-search queries on one Cybereason server.
type Driver struct {
	set    Settings
	client *remote.Client

	mu      sync.Mutex
	session string // the JSESSIONID cookie from /login.html
}

// New reads the settings from s.Config.
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	if s.Config == nil {
		return nil, fmt.Errorf("%w: no configuration", ErrConfig)
	}
	set, err := SettingsFrom(ctx, s.Config)
	if err != nil {
		return nil, err
	}
	return NewWith(set)
}

// NewWith returns a driver with explicit settings (no request is sent yet).
func NewWith(set Settings) (*Driver, error) {
	set.URL = strings.TrimRight(set.URL, "/")
	if set.URL == "" {
		return nil, fmt.Errorf("%w: no server URL", ErrConfig)
	}
	if set.MaxResults <= 0 {
		set.MaxResults = 1000
	}
	set.MaxResults = min(set.MaxResults, 100000)
	if set.PageSize <= 0 {
		set.PageSize = 100
	}
	set.PageSize = min(set.PageSize, 4000)
	c, err := set.Conn.Client("cybereason", errText)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	// A lapsed session is answered with a redirect to the sign-in page: see it, not follow it.
	hc := *c.HTTP.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.HTTP.HTTP = &hc
	return &Driver{set: set, client: c}, nil
}

// errText extracts Cybereason's message from an error body.
func errText(b []byte) string {
	var e struct {
		Message string `json:"message"`
		Status  string `json:"status"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return e.Message
	}
	return ""
}

// Connect signs in.
func (d *Driver) Connect(ctx context.Context) error { return d.login(ctx) }

// login posts the credentials to /login.html and keeps the session cookie. Cybereason
// answers a refused sign-in without a session cookie (or with a redirect back to the
// sign-in page): that is remote.ErrAuth.
func (d *Driver) login(ctx context.Context) error {
	form := url.Values{"username": {d.set.ClientID}, "password": {d.set.ClientSecret}}
	resp, err := d.client.HTTP.Do(ctx, httpretry.Request{Method: http.MethodPost, URL: d.set.URL + "/login.html",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(form.Encode()), Idempotent: true})
	if err != nil && resp == nil {
		return fmt.Errorf("cybereason sign-in: %w", err)
	}
	loc := resp.Header.Get("Location")
	session := ""
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		if ck.Name == "JSESSIONID" && ck.Value != "" {
			session = ck.Value
		}
	}
	switch {
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden ||
		(session == "" && resp.Status < 500) || strings.Contains(loc, "error"):
		return &remote.StatusError{Service: "cybereason sign-in", Code: http.StatusUnauthorized, Message: "user name or password refused", Err: err}
	case resp.Status/100 != 2 && resp.Status/100 != 3:
		return &remote.StatusError{Service: "cybereason sign-in", Code: resp.Status, Message: httpretry.Snippet(resp.Body), Err: err}
	}
	d.mu.Lock()
	d.session = session
	d.mu.Unlock()
	return nil
}

// post sends one query page with the session cookie, signing in first when there is no
// session and again, once, when the server says the session lapsed (401, 403, or a
// redirect to the sign-in page).
func (d *Driver) post(ctx context.Context, body []byte, header http.Header, params url.Values) (*httpretry.Response, error) {
	for attempt := 0; ; attempt++ {
		d.mu.Lock()
		session := d.session
		d.mu.Unlock()
		if session == "" {
			if err := d.login(ctx); err != nil {
				return nil, err
			}
			continue
		}
		h := header.Clone()
		h.Set("Content-Type", "application/json")
		h.Set("Cookie", "JSESSIONID="+session)
		resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodPost,
			URL:    d.set.URL + "/rest/visualsearch/query/simple?" + params.Encode(),
			Header: h, Body: body, Idempotent: true})
		if attempt == 0 && (remote.IsStatus(err, http.StatusUnauthorized, http.StatusForbidden, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect)) {
			d.mu.Lock()
			d.session = ""
			d.mu.Unlock()
			continue
		}
		if remote.IsStatus(err, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect) {
			return nil, &remote.StatusError{Service: "cybereason", Code: http.StatusUnauthorized, Message: "session refused after signing in again", Err: err}
		}
		return resp, err
	}
}
