// Package splunk is the Splunk data environment: SPL searches streamed from the REST
// endpoint search/jobs/export (JSON results) into a frame.Frame, every row (no 100-row
// default), the query window sent as earliest_time/latest_time, saved searches listed and
// runnable as templates. Authentication is a bearer token or a user name and password
// (a session key, renewed once when it expires). TLS certificates are verified unless the
// configuration turns verification off; ca_file adds trusted roots.
package splunk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name.
const Name = "Splunk"

// section is where the settings live in msticpyconfig.yaml.
const section = "DataProviders.Splunk"

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Description: "Splunk (SPL) through the REST export endpoint; all rows streamed",
		Language:    "spl",
		Dialect:     query.DialectFor("spl"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured:   func(c *config.Config) bool { return c.IsSet(section) },
		OwnTemplates: true,
	})
}

// AppOption is the per-command option (query.Settings.Options; the CLI's --splunk-app)
// naming the app whose namespace searches run in, as msticpy's connect(app=...); it
// overrides the app setting.
const AppOption = "splunk-app"

// ErrConfig marks settings that cannot work (no host, no credentials, a bad port).
var ErrConfig = remote.SettingsError("splunk settings")

// Settings are the driver's options (DataProviders.Splunk.Args in the configuration).
type Settings struct {
	BaseURL  string // scheme://host:port, from host, port and http_scheme
	Token    string // bearer_token: a Splunk authentication token
	Username string // username and password: a session is opened with them
	Password string
	App      string        // app: the namespace searches run in (servicesNS/<owner>/<app>)
	Owner    string        // owner: the namespace's user ("-" when only app is set)
	Timeout  time.Duration // timeout: the longest a query may run (0: none)
	// Conn holds TLS and retries; requests go through internal/httpretry.
	Conn remote.Conn
}

// SettingsFrom reads the settings from the configuration, resolving secrets
// ({EnvironmentVar: ...}, {KeyVault: ...}) for password and bearer_token.
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	var s Settings
	arg := func(k string) string {
		v, _ := c.String(section + ".Args." + k)
		return strings.TrimSpace(v)
	}
	secret := func(k string) (string, error) {
		key := section + ".Args." + k
		if !c.IsSet(key) {
			return "", nil
		}
		return c.Secret(ctx, key)
	}
	host := arg("host")
	if host == "" {
		return s, fmt.Errorf("%w: %s.Args.host is not set (%w)", ErrConfig, section, config.ErrMissing)
	}
	scheme := arg("http_scheme")
	if scheme == "" {
		scheme = "https"
	}
	port := arg("port")
	if port == "" {
		port = "8089"
	}
	if _, err := strconv.Atoi(port); err != nil {
		return s, fmt.Errorf("%w: %s.Args.port %q is not a number", ErrConfig, section, port)
	}
	if strings.Contains(host, "://") {
		u, err := url.Parse(host)
		if err != nil {
			return s, fmt.Errorf("%w: %s.Args.host: %v", ErrConfig, section, err)
		}
		scheme, host = u.Scheme, u.Hostname()
		if u.Port() != "" {
			port = u.Port()
		}
	}
	s.BaseURL = scheme + "://" + host + ":" + port
	var err error
	if s.Token, err = secret("bearer_token"); err != nil {
		return s, err
	}
	s.Username = arg("username")
	if s.Password, err = secret("password"); err != nil {
		return s, err
	}
	if s.Token == "" && (s.Username == "" || s.Password == "") {
		return s, fmt.Errorf("%w: set %s.Args.bearer_token, or username and password", ErrConfig, section)
	}
	s.App, s.Owner = arg("app"), arg("owner")
	s.Conn = remote.ConnFrom(c, section, 0)
	s.Timeout, s.Conn.Timeout = s.Conn.Timeout, 0 // a bound on the whole query, not per request
	return s, nil
}

// Driver runs SPL searches on one Splunk server.
type Driver struct {
	set    Settings
	client *remote.Client

	mu      sync.Mutex
	session string // session key from auth/login (user/password mode)
}

// New reads the settings from s.Config and returns a driver (no request is sent yet).
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	if s.Config == nil {
		return nil, fmt.Errorf("%w: no configuration", ErrConfig)
	}
	set, err := SettingsFrom(ctx, s.Config)
	if err != nil {
		return nil, err
	}
	if app := strings.TrimSpace(s.Options[AppOption]); app != "" {
		set.App = app
	}
	return NewWith(set)
}

// NewWith returns a driver with explicit settings.
func NewWith(set Settings) (*Driver, error) {
	if set.BaseURL == "" {
		return nil, fmt.Errorf("%w: no server URL", ErrConfig)
	}
	set.BaseURL = strings.TrimRight(set.BaseURL, "/")
	c, err := set.Conn.Client("splunk", errText)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c.HTTP.Secrets = []string{set.Password, set.Token}
	return &Driver{set: set, client: c}, nil
}

// Connect checks the credentials: with a user name it opens a session; with a token it
// asks the server who the token belongs to.
func (d *Driver) Connect(ctx context.Context) error {
	if d.set.Token == "" {
		return d.login(ctx)
	}
	resp, err := d.do(ctx, http.MethodGet, "/services/authentication/current-context", url.Values{"output_mode": {"json"}})
	if err != nil {
		return err
	}
	resp.Close()
	return nil
}

// path returns the REST path of an endpoint in the configured namespace.
func (d *Driver) path(endpoint string) string {
	if d.set.App == "" && d.set.Owner == "" {
		return "/services/" + endpoint
	}
	owner, app := d.set.Owner, d.set.App
	if owner == "" {
		owner = "-"
	}
	if app == "" {
		app = "-"
	}
	return "/servicesNS/" + url.PathEscape(owner) + "/" + url.PathEscape(app) + "/" + endpoint
}
