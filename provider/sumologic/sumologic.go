// Package sumologic is the Sumo Logic data environment: queries in Sumo Logic's search
// language run through the Search Job API (create a job, poll its state, page through its
// messages or, for aggregates, its records, delete it), read into a Frame. Requests are
// authenticated with an access ID and key; 429 answers are retried as Retry-After says.
package sumologic

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
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
const Name = "Sumologic"

const section = "DataProviders.Sumologic"

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Description: "Sumo Logic search language through the Search Job API",
		Language:    "sumo",
		Dialect:     query.DialectFor("sumo"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return c.IsSet(section) },
	})
}

// Errors callers can test.
var (
	ErrConfig    = remote.SettingsError("sumologic settings")
	ErrCancelled = errors.New("sumo logic cancelled the search job")
)

// Settings are the driver's options (DataProviders.Sumologic.Args).
type Settings struct {
	Endpoint  string // connection_str: the API base of the deployment, e.g. https://api.us2.sumologic.com/api
	AccessID  string // accessid
	AccessKey string // accesskey; secret
	Timeout   time.Duration
	Interval  time.Duration // how often the job state is polled (1 s)
	PageSize  int           // messages or records a page (10,000, the API's maximum)
	// Conn holds TLS and retries; requests go through internal/httpretry with a cookie jar
	// (the API ties a job to its session cookie).
	Conn remote.Conn
}

// SettingsFrom reads the settings from the configuration, resolving the access key.
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	s := Settings{Endpoint: "https://api.us2.sumologic.com/api"}
	arg := func(k string) string {
		v, _ := c.String(section + ".Args." + k)
		return strings.TrimSpace(v)
	}
	if v := arg("connection_str"); v != "" {
		s.Endpoint = v
	}
	s.AccessID = arg("accessid")
	if c.IsSet(section+".Args.accessid") && s.AccessID == "" {
		v, err := c.Secret(ctx, section+".Args.accessid")
		if err != nil {
			return s, err
		}
		s.AccessID = v
	}
	if c.IsSet(section + ".Args.accesskey") {
		v, err := c.Secret(ctx, section+".Args.accesskey")
		if err != nil {
			return s, err
		}
		s.AccessKey = v
	}
	if s.AccessID == "" || s.AccessKey == "" {
		return s, fmt.Errorf("%w: set %s.Args.accessid and accesskey", ErrConfig, section)
	}
	s.Conn = remote.ConnFrom(c, section, 0)
	s.Timeout, s.Conn.Timeout = s.Conn.Timeout, 0 // a bound on the whole query, not per request
	return s, nil
}

// Driver runs searches on one Sumo Logic deployment.
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
	set.Endpoint = strings.TrimRight(set.Endpoint, "/")
	if set.Interval <= 0 {
		set.Interval = time.Second
	}
	if set.PageSize <= 0 || set.PageSize > 10000 {
		set.PageSize = 10000
	}
	c, err := set.Conn.Client("sumologic", errText)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	hc := *c.HTTP.HTTP // a copy: the jar is this driver's
	hc.Jar, _ = cookiejar.New(nil)
	c.HTTP.HTTP = &hc
	c.HTTP.Secrets = []string{set.AccessKey}
	return &Driver{set: set, client: c}, nil
}

// errText reads Sumo Logic's error body {"status":401,"code":"unauthorized","message":"..."}.
func errText(b []byte) string {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return e.Code + ": " + e.Message
	}
	return ""
}

// call sends one API request and returns the body of its 2xx answer (the caller closes it).
func (d *Driver) call(ctx context.Context, method, path string, body any) (io.ReadCloser, error) {
	h := http.Header{"Accept": {"application/json"}, "Authorization": {"Basic " +
		base64.StdEncoding.EncodeToString([]byte(d.set.AccessID+":"+d.set.AccessKey))}}
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return nil, err
		}
		h.Set("Content-Type", "application/json")
	}
	// Every call is retried, job creation too: a job created twice after a lost answer is
	// never read and Sumo Logic drops it when idle.
	resp, err := d.client.Do(ctx, httpretry.Request{Method: method, URL: d.set.Endpoint + path, Header: h, Body: b,
		Idempotent: true, Stream: true})
	if err != nil {
		return nil, fmt.Errorf("sumologic: %w", err)
	}
	return resp.Stream, nil
}

// Query creates a search job for the query window (the last 24 hours when the request has
// none), waits for it, reads every message (or every record, for aggregate queries) and
// deletes the job. A failure after some rows returns them with the Frame flagged partial.
func (d *Driver) Query(ctx context.Context, req query.Request) (*frame.Frame, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return nil, fmt.Errorf("sumologic: empty query")
	}
	if d.set.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.set.Timeout)
		defer cancel()
	}
	end := req.End
	if end.IsZero() {
		end = time.Now().UTC()
	}
	start := req.Start
	if start.IsZero() {
		start = end.Add(-24 * time.Hour)
	}
	resp, err := d.call(ctx, http.MethodPost, "/v1/search/jobs", map[string]any{
		"query": text, "from": start.UTC().Format("2006-01-02T15:04:05"), "to": end.UTC().Format("2006-01-02T15:04:05"),
		"timeZone": "UTC", "byReceiptTime": false,
	})
	if err != nil {
		return nil, err
	}
	var job struct {
		ID string `json:"id"`
	}
	err = json.NewDecoder(io.LimitReader(resp, 1<<20)).Decode(&job)
	resp.Close()
	if err != nil || job.ID == "" {
		return nil, fmt.Errorf("sumologic: create search job: %w: no job id", remote.ErrMalformed)
	}
	defer d.deleteJob(job.ID)
	st, err := d.wait(ctx, job.ID)
	if err != nil {
		return nil, err
	}
	kind, count := "messages", st.MessageCount
	if st.RecordCount > 0 {
		kind, count = "records", st.RecordCount
	}
	f, err := d.read(ctx, job.ID, kind, count)
	if err == nil && f.Partial() == nil && st.State == "FORCE PAUSED" {
		f.SetPartial(fmt.Errorf("sumologic: %w: the job was force-paused at its result limit", remote.ErrPartial))
	}
	return f, err
}

type status struct {
	State        string `json:"state"`
	MessageCount int    `json:"messageCount"`
	RecordCount  int    `json:"recordCount"`
	// PendingErrors are the job's errors (a bad query).
	PendingErrors []string `json:"pendingErrors"`
}

// wait polls the job until it is done gathering results.
func (d *Driver) wait(ctx context.Context, id string) (status, error) {
	for {
		resp, err := d.call(ctx, http.MethodGet, "/v1/search/jobs/"+url.PathEscape(id), nil)
		if err != nil {
			return status{}, err
		}
		var st status
		err = json.NewDecoder(io.LimitReader(resp, 16<<20)).Decode(&st)
		resp.Close()
		if err != nil {
			return st, fmt.Errorf("sumologic: job status: %w: %v", remote.ErrMalformed, err)
		}
		switch {
		case len(st.PendingErrors) > 0:
			return st, fmt.Errorf("sumologic: %w: %s", ErrQuery, strings.Join(st.PendingErrors, "; "))
		case st.State == "DONE GATHERING RESULTS", st.State == "FORCE PAUSED":
			return st, nil
		case st.State == "CANCELLED":
			return st, fmt.Errorf("sumologic: %w", ErrCancelled)
		}
		if err := sleep(ctx, d.set.Interval); err != nil {
			return st, fmt.Errorf("sumologic: waiting for the search job: %w", err)
		}
	}
}

// ErrQuery marks a query the job reported errors for.
var ErrQuery = errors.New("sumo logic search failed")

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// read pages through the job's messages or records.
func (d *Driver) read(ctx context.Context, id, kind string, count int) (*frame.Frame, error) {
	c := &rows.Collector{InferText: true}
	for off := 0; off < count; {
		q := url.Values{"offset": {strconv.Itoa(off)}, "limit": {strconv.Itoa(d.set.PageSize)}}
		resp, err := d.call(ctx, http.MethodGet, "/v1/search/jobs/"+url.PathEscape(id)+"/"+kind+"?"+q.Encode(), nil)
		if err != nil {
			return remote.Finish("sumologic", c, remote.CtxErr(ctx, err))
		}
		n, err := page(jsontext.NewDecoder(resp, rows.DecoderOptions...), kind, c)
		resp.Close()
		if err != nil {
			return remote.Finish("sumologic", c, remote.CtxErr(ctx, err))
		}
		if n == 0 {
			break
		}
		off += n
	}
	return remote.Finish("sumologic", c, nil)
}

// page reads {"fields":[{"name":...}],"messages"|"records":[{"map":{...}}]}.
func page(dec *jsontext.Decoder, kind string, c *rows.Collector) (int, error) {
	n := 0
	if err := rows.Expect(dec, '{'); err != nil {
		return 0, err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return n, err
		}
		switch name.String() {
		case "fields":
			v, err := dec.ReadValue()
			if err != nil {
				return n, err
			}
			var fs []struct{ Name string }
			if json.Unmarshal(v, &fs) == nil {
				for _, f := range fs {
					c.Null(f.Name) // the columns in the API's order
				}
			}
		case kind:
			if err := rows.Expect(dec, '['); err != nil {
				return n, err
			}
			for dec.PeekKind() != ']' {
				if err := item(dec, c); err != nil {
					return n, err
				}
				n++
			}
			if _, err := dec.ReadToken(); err != nil {
				return n, err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return n, err
			}
		}
	}
	_, err := dec.ReadToken()
	return n, err
}

func item(dec *jsontext.Decoder, c *rows.Collector) error {
	if err := rows.Expect(dec, '{'); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if name.String() == "map" {
			if err := c.Object(dec, false); err != nil {
				return err
			}
			continue
		}
		if err := dec.SkipValue(); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	c.EndRow()
	return nil
}

// deleteJob releases the job (best effort: Sumo Logic drops idle jobs by itself).
func (d *Driver) deleteJob(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if resp, err := d.call(ctx, http.MethodDelete, "/v1/search/jobs/"+url.PathEscape(id), nil); err == nil {
		resp.Close()
	}
}
