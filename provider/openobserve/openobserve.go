// Package openobserve is the OpenObserve data environment: SQL over OpenObserve streams
// through its search API (POST /api/{organization}/_search), every hit paged with from/size
// into a Frame. Authentication is a user name and password (HTTP basic).
package openobserve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/httpretry"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/provider/internal/rows"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name (msticpy's).
const Name = "OpenObserve"

// section is where the settings live: msticpy writes OpenObserve; Openobserve is read too.
var section = "DataProviders.OpenObserve"

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Description: "OpenObserve streams queried with SQL through the _search API",
		Language:    "sql",
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool {
			return c.IsSet(section) || c.IsSet("DataProviders.Openobserve")
		},
	})
}

// ErrConfig marks settings that cannot work.
var ErrConfig = remote.SettingsError("openobserve settings")

// Settings are the driver's options (DataProviders.OpenObserve.Args).
type Settings struct {
	URL          string // connection_str, default https://localhost:5080
	Organization string // organization, default "default"
	User         string
	Password     string        // secret
	PageSize     int           // hits a request (10,000)
	Timeout      time.Duration // timeout: the longest a query may run (0: none)
	Conn         remote.Conn   // TLS and retries; requests go through internal/httpretry
}

// SettingsFrom reads the settings from the configuration, resolving the password.
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	section := section
	if !c.IsSet(section) && c.IsSet("DataProviders.Openobserve") {
		section = "DataProviders.Openobserve"
	}
	s := Settings{URL: "https://localhost:5080", Organization: "default"}
	arg := func(k string) string {
		v, _ := c.String(section + ".Args." + k)
		return strings.TrimSpace(v)
	}
	if v := arg("connection_str"); v != "" {
		s.URL = v
	}
	if v := arg("organization"); v != "" {
		s.Organization = v
	}
	s.User = arg("user")
	if c.IsSet(section + ".Args.password") {
		v, err := c.Secret(ctx, section+".Args.password")
		if err != nil {
			return s, err
		}
		s.Password = v
	}
	if s.User == "" || s.Password == "" {
		return s, fmt.Errorf("%w: set %s.Args.user and password", ErrConfig, section)
	}
	s.Conn = remote.ConnFrom(c, section, 0)
	s.Timeout, s.Conn.Timeout = s.Conn.Timeout, 0 // a bound on the whole query, not per request
	return s, nil
}

// Driver runs SQL on one OpenObserve organization.
type Driver struct {
	set    Settings
	client *remote.Client
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

// NewWith returns a driver with explicit settings.
func NewWith(set Settings) (*Driver, error) {
	set.URL = strings.TrimRight(set.URL, "/")
	if set.PageSize <= 0 {
		set.PageSize = 10000
	}
	if set.Organization == "" {
		set.Organization = "default"
	}
	c, err := set.Conn.Client("openobserve", errText)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c.HTTP.Secrets = []string{set.Password}
	return &Driver{set: set, client: c}, nil
}

var limitRE = regexp.MustCompile(`(?i)\blimit\s+\d+`)

// Query runs SQL over the query window (start_time/end_time in microseconds; from the
// beginning to now when the request has none). A query with its own LIMIT is sent once;
// otherwise pages of PageSize hits are read until a short page. A failure after some rows
// returns them with the Frame flagged partial.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	sql := strings.TrimSpace(req.Text)
	if sql == "" {
		return nil, fmt.Errorf("openobserve: empty query")
	}
	if d.set.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.set.Timeout)
		defer cancel()
	}
	end := req.End
	if end.IsZero() {
		end = time.Now()
	}
	var start int64
	if !req.Start.IsZero() {
		start = req.Start.UnixMicro()
	}
	paged := !limitRE.MatchString(sql)
	c := &rows.Collector{}
	for from := 0; ; {
		q := map[string]any{"sql": sql, "start_time": start, "end_time": end.UnixMicro()}
		if paged {
			q["from"], q["size"] = from, d.set.PageSize
		}
		n, err := d.page(ctx, map[string]any{"query": q}, c)
		if err != nil {
			return remote.Finish("openobserve", c, err)
		}
		if !paged || n < d.set.PageSize {
			return remote.Finish("openobserve", c, nil)
		}
		from += n
	}
}

func errText(b []byte) string {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil {
		if e.Message != "" {
			return e.Message
		}
		return e.Error
	}
	return ""
}

// page sends one search and reads its "hits" into c.
func (d *Driver) page(ctx context.Context, body map[string]any, c *rows.Collector) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	u := d.set.URL + "/api/" + url.PathEscape(d.set.Organization) + "/_search?type=logs"
	auth := base64.StdEncoding.EncodeToString([]byte(d.set.User + ":" + d.set.Password))
	resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodPost, URL: u, Body: b, Idempotent: true, Stream: true,
		Header: http.Header{"Authorization": {"Basic " + auth}, "Content-Type": {"application/json"}}})
	if err != nil {
		return 0, remote.CtxErr(ctx, err)
	}
	defer resp.Stream.Close()
	dec := jsontext.NewDecoder(resp.Stream, rows.DecoderOptions...)
	n, err := hits(dec, c)
	return n, remote.CtxErr(ctx, err)
}

func hits(dec *jsontext.Decoder, c *rows.Collector) (int, error) {
	n := 0
	if err := rows.Expect(dec, '{'); err != nil {
		return 0, err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return n, err
		}
		if name.String() != "hits" {
			if err := dec.SkipValue(); err != nil {
				return n, err
			}
			continue
		}
		if err := rows.Expect(dec, '['); err != nil {
			return n, err
		}
		for dec.PeekKind() != ']' {
			if err := c.Object(dec, false); err != nil {
				return n, err
			}
			c.EndRow()
			n++
		}
		if _, err := dec.ReadToken(); err != nil {
			return n, err
		}
	}
	_, err := dec.ReadToken()
	return n, err
}
