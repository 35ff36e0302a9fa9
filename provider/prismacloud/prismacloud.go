// Package prismacloud is the Prisma Cloud data environment (msticpy's "Prismacloud"): RQL
// searches of configuration (config from ...), audit events (event from ...), network flows
// (network from ...) and assets (asset where ...), sent to the search API with a JWT from
// POST /login in the x-redlock-auth header. The token is extended (POST /auth_token/extend)
// before it lapses and a refused one signs in again once. Queries are plain RQL or msticpy's
// JSON bodies ({"querymetadata": {"endpoint": ..., "query_by_user": ..., ...}}).
package prismacloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name (msticpy's).
const Name = "Prismacloud"

// sections are where the settings live: msticpy's Prismacloud, and PrismaCloud.
var sections = []string{"DataProviders.Prismacloud", "DataProviders.PrismaCloud"}

func section(c *config.Config) string {
	for _, s := range sections {
		if c.IsSet(s) {
			return s
		}
	}
	return sections[0]
}

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     []string{"PrismaCloud"},
		Description: "Prisma Cloud RQL search (config, event, network, asset) with a refreshed JWT",
		Language:    "json",
		Dialect:     query.JSON,
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return c.IsSet(sections[0]) || c.IsSet(sections[1]) },
	})
}

// ErrConfig marks settings that cannot work (no credentials).
var ErrConfig = remote.SettingsError("prismacloud settings")

// Settings are the driver's options (DataProviders.Prismacloud.Args).
type Settings struct {
	URL        string // base_url, default https://api.prismacloud.io
	Username   string // username: an access key ID or a user name
	Password   string // password: the secret key; a secret
	MaxResults int    // max_results: rows a query returns at most (10,000)
	PageSize   int    // rows a page (config and asset searches; 1,000)
	// TokenLife is how long a token is used before it is extended (9 minutes: Prisma Cloud's
	// tokens last 10).
	TokenLife time.Duration
	Conn      remote.Conn
	Now       func() time.Time // clock (tests)
}

// SettingsFrom reads the settings, resolving the password ({EnvironmentVar: ...},
// {KeyVault: ...}).
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	sec := section(c)
	s := Settings{URL: "https://api.prismacloud.io"}
	arg := func(k string) string {
		v, _ := c.String(sec + ".Args." + k)
		return strings.TrimSpace(v)
	}
	if v := arg("base_url"); v != "" {
		s.URL = v
	}
	s.Username = arg("username")
	if c.IsSet(sec + ".Args.password") {
		v, err := c.Secret(ctx, sec+".Args.password")
		if err != nil {
			return s, err
		}
		s.Password = v
	}
	if s.Username == "" || s.Password == "" {
		return s, fmt.Errorf("%w: set %s.Args.username and password", ErrConfig, sec)
	}
	if n, ok := c.Int(sec + ".Args.max_results"); ok {
		s.MaxResults = n
	}
	s.Conn = remote.ConnFrom(c, sec, 300*time.Second)
	return s, nil
}

// Driver runs RQL searches on one Prisma Cloud tenant.
type Driver struct {
	set    Settings
	client *remote.Client

	mu      sync.Mutex
	token   string
	issued  time.Time
	logins  int
	extends int
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
		return nil, fmt.Errorf("%w: no API URL", ErrConfig)
	}
	if set.MaxResults <= 0 {
		set.MaxResults = 10000
	}
	if set.PageSize <= 0 {
		set.PageSize = 1000
	}
	if set.TokenLife <= 0 {
		set.TokenLife = 9 * time.Minute
	}
	if set.Now == nil {
		set.Now = time.Now
	}
	c, err := set.Conn.Client("prismacloud", errText)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c.HTTP.Secrets = []string{set.Password}
	return &Driver{set: set, client: c}, nil
}

// errText extracts Prisma Cloud's message: a JSON body's "message", or its
// x-redlock-status-style [{"i18nKey": ...}] list.
func errText(b []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return e.Message
	}
	var list []struct {
		Key    string `json:"i18nKey"`
		Reason string `json:"subject"`
	}
	if json.Unmarshal(b, &list) == nil && len(list) > 0 {
		return list[0].Key
	}
	return ""
}

// tokenAnswer is /login's and /auth_token/extend's answer.
type tokenAnswer struct {
	Token   string `json:"token"`
	Message string `json:"message"`
}

// Connect signs in (POST /login).
func (d *Driver) Connect(ctx context.Context) error { return d.login(ctx) }

func (d *Driver) login(ctx context.Context) error {
	b, _ := json.Marshal(map[string]string{"username": d.set.Username, "password": d.set.Password})
	resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodPost, URL: d.set.URL + "/login",
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: b, Idempotent: true})
	if err != nil {
		return fmt.Errorf("prismacloud sign-in: %w", err)
	}
	return d.keep(resp.Body, "sign-in", true)
}

// keep stores the token of a /login or /auth_token/extend answer.
func (d *Driver) keep(body []byte, what string, login bool) error {
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.Token == "" {
		return fmt.Errorf("prismacloud %s: %w: no token in the answer", what, remote.ErrMalformed)
	}
	if a.Message != "" && a.Message != "login_successful" {
		return &remote.StatusError{Service: "prismacloud " + what, Code: http.StatusUnauthorized, Message: a.Message}
	}
	d.mu.Lock()
	d.token, d.issued = a.Token, d.set.Now()
	if login {
		d.logins++
	} else {
		d.extends++
	}
	d.mu.Unlock()
	return nil
}

// auth returns a usable token: signing in when there is none, extending one older than
// TokenLife (signing in again when the extension is refused).
func (d *Driver) auth(ctx context.Context) (string, error) {
	d.mu.Lock()
	tok, issued := d.token, d.issued
	d.mu.Unlock()
	if tok == "" {
		if err := d.login(ctx); err != nil {
			return "", err
		}
	} else if d.set.Now().Sub(issued) >= d.set.TokenLife {
		resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodGet, URL: d.set.URL + "/auth_token/extend",
			Header: http.Header{"x-redlock-auth": {tok}, "Accept": {"application/json"}}})
		if err == nil {
			err = d.keep(resp.Body, "token extension", false)
		}
		if err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			if err := d.login(ctx); err != nil {
				return "", err
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.token, nil
}

// post sends a search with the token; a 401 signs in again once.
func (d *Driver) post(ctx context.Context, path string, body any) (*httpretry.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		tok, err := d.auth(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodPost, URL: d.set.URL + path,
			Header: http.Header{"x-redlock-auth": {tok}, "Content-Type": {"application/json"}, "Accept": {"application/json"}},
			Body:   b, Idempotent: true})
		if attempt == 0 && remote.IsStatus(err, http.StatusUnauthorized) {
			d.mu.Lock()
			d.token = ""
			d.mu.Unlock()
			continue
		}
		return resp, err
	}
}
