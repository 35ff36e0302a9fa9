// Package openobserve is the OpenObserve data environment: SQL over OpenObserve streams
// through its search API (POST /api/{organization}/_search), every hit paged with from/size
// into a Frame. Authentication is a user name and password (HTTP basic).
package openobserve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
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
	Password     string // secret
	PageSize     int    // hits a request (10,000)
	Timeout      time.Duration
	TLS          remote.TLS
	Client       remote.Doer // nil: built from TLS; the seam for the shared retrying client
	Retry        remote.Retry
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
	s.Timeout, s.TLS = remote.Connection(c, section, s.Timeout)
	return s, nil
}

// Driver runs SQL on one OpenObserve organization.
type Driver struct {
	set    Settings
	client remote.Doer
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
	d := &Driver{set: set, client: set.Client}
	if d.client == nil {
		c, err := set.TLS.Client(0)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		d.client = c
	}
	return d, nil
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
			return finish(c, err)
		}
		if !paged || n < d.set.PageSize {
			return finish(c, nil)
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
	resp, err := d.set.Retry.Do(ctx, d.client, func() (*http.Request, error) {
		r, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r.SetBasicAuth(d.set.User, d.set.Password)
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	})
	if err != nil {
		return 0, ctxErr(ctx, err)
	}
	if resp.StatusCode/100 != 2 {
		return 0, remote.Fail("openobserve", resp, errText)
	}
	defer resp.Body.Close()
	dec := jsontext.NewDecoder(resp.Body, rows.DecoderOptions...)
	n, err := hits(dec, c)
	return n, ctxErr(ctx, err)
}

func hits(dec *jsontext.Decoder, c *rows.Collector) (int, error) {
	n := 0
	if err := expect(dec, '{'); err != nil {
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
		if err := expect(dec, '['); err != nil {
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

func expect(dec *jsontext.Decoder, k jsontext.Kind) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != k {
		return fmt.Errorf("%w: want %v, found %v", rows.ErrShape, k, tok.Kind())
	}
	return nil
}

func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func finish(c *rows.Collector, cause error) (*frame.Frame, error) {
	var se *jsontext.SyntacticError
	switch {
	case cause == nil:
	case errors.Is(cause, io.ErrUnexpectedEOF):
		cause = fmt.Errorf("the answer ended in the middle: %w", cause)
	case errors.As(cause, &se), errors.Is(cause, rows.ErrShape), errors.Is(cause, io.EOF):
		cause = fmt.Errorf("%w: %v", remote.ErrMalformed, cause)
	}
	if cause != nil && c.Len() == 0 {
		return nil, fmt.Errorf("openobserve: %w", cause)
	}
	f, err := c.Frame()
	if err != nil {
		return nil, err
	}
	if cause != nil {
		f.SetPartial(fmt.Errorf("openobserve: %w after %d rows: %w", remote.ErrPartial, f.Len(), cause))
	}
	return f, nil
}
